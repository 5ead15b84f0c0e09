"""Concern pages: record one, read one, open a support plan from it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from submissions.guard import submit_once

from .. import forms, permissions, rules, services
from ._common import add_error, noted_read, principal_of, require


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def concern_add(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    subjects = permissions.concern_subjects(principal)
    require(subjects.exists(), "Only a reviewer, line manager or headteacher records concerns.")
    initial = {}
    staff_id = request.GET.get("staff", "")
    if staff_id.isdigit() and subjects.filter(pk=int(staff_id)).exists():
        initial["staff"] = int(staff_id)
    form = forms.ConcernForm(request.POST or None, subjects=subjects, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = services.concern_record(
                actor=request.user,  # type: ignore[arg-type]
                staff=data["staff"],
                about=data["about"],
                about_detail=data["about_detail"],
                evidence=data["evidence"],
                raised_with_them_on=data["raised_with_them_on"],
            )
        except services.SupportPlanError as error:
            add_error(form, error)
        else:
            told = " The headteacher has been told." if concern.headteacher_told_at else ""
            messages.success(request, f"Concern recorded.{told}")
            return redirect("support_plans:concern_detail", pk=concern.pk)
    return render(request, "support_plans/concern_form.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    concern = permissions.get_concern_for_user(principal, pk, request=request)
    noted_read(request, concern)
    plans = list(permissions.visible_plans(principal).filter(concern=concern))
    may_open = permissions.can(principal, permissions.PlanAction.OPEN_PLAN, concern)
    return render(
        request,
        "support_plans/concern_detail.html",
        {
            "concern": concern,
            "plans": plans,
            "may_open": may_open and not any(p.is_open for p in plans),
            "support": concern.policy_version.rules.support,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def plan_open(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    concern = permissions.get_concern_for_user(principal, pk, request=request)
    require(
        permissions.can(principal, permissions.PlanAction.OPEN_PLAN, concern),
        "You cannot open a support plan for this member of staff.",
    )
    form = forms.OpenPlanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_open(actor=request.user, concern=concern)  # type: ignore[arg-type]
        except services.SupportPlanError as error:
            add_error(form, error)
        else:
            messages.success(request, f"Support plan opened at “{plan.stage_name()}”.")
            return redirect("support_plans:plan_detail", pk=plan.pk)
    support = concern.policy_version.rules.support
    return render(
        request,
        "support_plans/plan_open.html",
        {"concern": concern, "form": form, "stages": rules.stages(support)},
    )
