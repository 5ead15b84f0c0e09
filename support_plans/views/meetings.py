"""Support plan meetings: schedule one with the policy's notice, record what happened."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from submissions.guard import submit_once

from .. import forms, permissions, rules, services
from ..models import CAPABILITY, SupportPlan
from ._common import add_error, principal_of, require


def notice_hint(plan: SupportPlan) -> str:
    """The notice each kind of meeting at the plan's stage needs, for the date's hint."""
    support = plan.policy_version.rules.support
    parts = []
    step = capability_step(plan)
    for kind in rules.meeting_kinds(support, plan.stage, step):
        days = rules.notice_working_days(support, plan.stage, kind, step)
        if days:
            parts.append(f"{kind.label}: at least {days} working days' notice.")
    return " ".join(parts) or "The policy sets no minimum notice for these meetings."


def capability_step(plan: SupportPlan) -> str:
    return plan.capability_stage if plan.stage == CAPABILITY else ""


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    plan, access = permissions.get_plan_for_user(principal, pk, request=request)
    require(access.may_manage)
    support = plan.policy_version.rules.support
    form = forms.MeetingScheduleForm(
        request.POST or None,
        kinds=rules.meeting_kinds(support, plan.stage, capability_step(plan)),
        notice_hint=notice_hint(plan),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_schedule(
                actor=request.user,  # type: ignore[arg-type]
                plan=plan,
                kind=data["kind"],
                scheduled_for=data["scheduled_for"],
                notice_given_on=data["notice_given_on"] or timezone.localdate(),
            )
        except services.SupportPlanError as error:
            add_error(form, error)
        else:
            messages.success(request, f"{meeting} scheduled.")
            return redirect("support_plans:plan_detail", pk=plan.pk)
    return render(request, "support_plans/meeting_add.html", {"plan": plan, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    principal = principal_of(request)
    meeting, plan, access = permissions.get_meeting_for_user(
        principal, pk, meeting_id, request=request
    )
    require(access.may_manage, "Only whoever manages the plan records its meetings.")
    initial = {name: getattr(meeting, name) for name in services.MEETING_RECORD_FIELDS}
    initial["version"] = meeting.version
    form = forms.MeetingRecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            services.meeting_record(
                actor=request.user,  # type: ignore[arg-type]
                meeting=meeting,
                expected_version=expected,
                **data,
            )
        except services.SupportPlanError as error:
            add_error(form, error)
        else:
            messages.success(request, f"{meeting} saved.")
            return redirect("support_plans:plan_detail", pk=plan.pk)
    return render(
        request,
        "support_plans/meeting_record.html",
        {"plan": plan, "meeting": meeting, "form": form},
    )
