"""Support plan pages: the list, one plan, moving it on, closing it, the member of
staff's comments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from submissions.guard import submit_once

from .. import forms, permissions, rules, selectors, services
from ..models import CAPABILITY
from ._common import add_error, noted_read, principal_of, require


@login_required
@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """Every plan and concern this person may read: their own, the plans they manage,
    their academy's (headteacher) or the trust's (HR)."""
    principal = principal_of(request)
    me = principal.staff.pk if principal.staff else 0
    plans = list(selectors.plans_for(principal))
    concerns = list(selectors.concerns_for(principal))
    return render(
        request,
        "support_plans/index.html",
        {
            "own_plans": [p for p in plans if p.staff_id == me],
            "plans": [p for p in plans if p.staff_id != me],
            "own_concerns": [c for c in concerns if c.staff_id == me],
            "concerns": [c for c in concerns if c.staff_id != me],
            "may_raise": permissions.may_raise_concerns(principal),
        },
    )


@login_required
@require_http_methods(["GET"])
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    plan, access = permissions.get_plan_for_user(principal, pk, request=request)
    noted_read(request, plan)
    return render(
        request,
        "support_plans/plan_detail.html",
        {"page": selectors.plan_page(plan), "plan": plan, "access": access},
    )


def _targets(plan: object) -> list[tuple[str, str]]:
    from ..models import SupportPlan

    assert isinstance(plan, SupportPlan)
    support = plan.policy_version.rules.support
    if plan.stage == CAPABILITY:
        step = rules.next_capability_stage(support, plan.capability_stage)
        return [(step, rules.capability_stage_name(support, step))] if step else []
    following = rules.next_stage(support, plan.stage)
    targets = []
    if following is not None:
        targets.append((following, rules.stage_name(support, following)))
    if rules.may_bypass(support, plan.stage):
        targets.append((CAPABILITY, f"{rules.CAPABILITY_NAME} (skipping the stages between)"))
    return targets


@login_required
@require_http_methods(["GET", "POST"])
def plan_move(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    plan, access = permissions.get_plan_for_user(principal, pk, request=request)
    require(access.may_manage)
    support = plan.policy_version.rules.support
    targets = _targets(plan)
    require(bool(targets), "The plan is at its last stage.")
    bypass = plan.stage != CAPABILITY and rules.may_bypass(support, plan.stage)
    reasons = support.skip_informal_when if bypass else ()
    form = forms.MoveForm(request.POST or None, targets=targets, reasons=reasons)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_move(
                actor=request.user,  # type: ignore[arg-type]
                plan=plan,
                to=form.cleaned_data["to"],
                bypass_reason=form.cleaned_data.get("bypass_reason") or "",
            )
        except services.SupportPlanError as error:
            add_error(form, error)
        else:
            extra = ""
            if plan.stage == CAPABILITY and plan.cycle_id:
                extra = f" {plan.get_appraisal_effect_display()}."
            messages.success(request, f"The plan is now at “{plan.stage_name()}”.{extra}")
            return redirect("support_plans:plan_detail", pk=plan.pk)
    return render(
        request,
        "support_plans/plan_move.html",
        {"plan": plan, "form": form, "page": selectors.plan_page(plan)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    plan, access = permissions.get_plan_for_user(principal, pk, request=request)
    require(access.may_manage)
    form = forms.CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_close(
                actor=request.user,  # type: ignore[arg-type]
                plan=plan,
                outcome=form.cleaned_data["outcome"],
            )
        except services.SupportPlanError as error:
            add_error(form, error)
        else:
            messages.success(request, "The support plan is closed.")
            return redirect("support_plans:plan_detail", pk=plan.pk)
    support = plan.policy_version.rules.support
    return render(
        request,
        "support_plans/plan_close.html",
        {"plan": plan, "form": form, "support": support, "in_capability": plan.in_capability},
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    plan, access = permissions.get_plan_for_user(principal, pk, request=request)
    require(access.may_comment, "Only the member of staff adds their comments to their plan.")
    form = forms.CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_add(
                actor=request.user,  # type: ignore[arg-type]
                plan=plan,
                text=form.cleaned_data["text"],
            )
        except services.SupportPlanError as error:
            add_error(form, error)
        else:
            messages.success(request, "Your comments have been added to the plan.")
            return redirect("support_plans:plan_detail", pk=plan.pk)
    return render(request, "support_plans/comment_form.html", {"plan": plan, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def written_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The written plan of the plan's current stage, with what the policy says it sets out."""
    principal = principal_of(request)
    plan, access = permissions.get_plan_for_user(principal, pk, request=request)
    require(access.may_manage)
    rule = plan.policy_version.rules.support.stage(plan.stage)
    items = rule.record_contents if rule is not None else ()
    require(bool(items), "The policy sets no written plan for this stage.")
    current = selectors.written_plan_of(plan)
    initial: dict[str, object] = {"version": current.version if current else 0}
    if current is not None:
        saved = {a["item"]: a["text"] for a in current.answers}
        initial.update({f"item_{i}": saved.get(item, "") for i, item in enumerate(items)})
    form = forms.WrittenPlanForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.written_plan_save(
                actor=request.user,  # type: ignore[arg-type]
                plan=plan,
                answers=form.answers(),
                expected_version=form.cleaned_data["version"],
            )
        except services.SupportPlanError as error:
            add_error(form, error)
        else:
            messages.success(request, "The written plan is saved.")
            return redirect("support_plans:plan_detail", pk=plan.pk)
    return render(request, "support_plans/written_plan.html", {"plan": plan, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_pause(request: HttpRequest, pk: int) -> HttpResponse:
    """Pause the plan (a grievance, long-term sickness), or resume a paused one."""
    principal = principal_of(request)
    plan, access = permissions.get_plan_for_user(principal, pk, request=request)
    require(access.may_manage)
    data = request.POST if request.method == "POST" else None
    form: forms.PauseForm | forms.ResumeForm
    form = forms.ResumeForm(data) if plan.is_paused else forms.PauseForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            if plan.is_paused:
                plan = services.plan_resume(actor=request.user, plan=plan)  # type: ignore[arg-type]
                done = "The plan is resumed."
            else:
                plan = services.plan_pause(
                    actor=request.user,  # type: ignore[arg-type]
                    plan=plan,
                    reason=form.cleaned_data["reason"],
                )
                done = "The plan is paused."
        except services.SupportPlanError as error:
            add_error(form, error)
        else:
            messages.success(request, done)
            return redirect("support_plans:plan_detail", pk=plan.pk)
    return render(request, "support_plans/plan_pause.html", {"plan": plan, "form": form})
