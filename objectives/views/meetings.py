"""Meeting pages: schedule and record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from submissions.guard import submit_once

from .. import forms, permissions, services
from ..rules import meeting_kinds, meeting_other_matters
from ._common import CYCLE_QUERYSET, _add_errors, _cycle, _page, _principal, _require, cycle_url

# ----- Meetings ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def meeting_add(request: HttpRequest, cycle_id: int) -> HttpResponse:
    principal, cycle = _cycle(request, cycle_id)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer plans meetings.")
    rules = cycle.policy_version.rules
    form = forms.MeetingScheduleForm(request.POST or None, kinds=meeting_kinds(rules))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_schedule(
                actor=request.user,  # type: ignore[arg-type]
                cycle=cycle,
                kind=data["kind"],
                scheduled_for=data["scheduled_for"],
                notice_given_on=data["notice_given_on"] or timezone.localdate(),
                planned_minutes=data["planned_minutes"],
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{meeting.get_kind_display()} planned.")
            return redirect(cycle_url(cycle))
    return _page(
        request,
        "objectives/meeting_form.html",
        cycle,
        form=form,
        meeting=None,
        other_matters=meeting_other_matters(rules),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, cycle_id: int, pk: int) -> HttpResponse:
    principal = _principal(request)
    meeting, _access = permissions.get_meeting_for_user(
        principal, cycle_id, pk, request=request, cycle_queryset=CYCLE_QUERYSET
    )
    cycle = meeting.cycle
    _require(permissions.can_edit(principal, cycle), "Only the reviewer records meetings.")
    initial = {
        "version": meeting.version,
        "scheduled_for": meeting.scheduled_for,
        "notice_given_on": meeting.notice_given_on,
        "planned_minutes": meeting.planned_minutes,
        "held_on": meeting.held_on,
        "notes": meeting.notes,
        "agreed_actions": meeting.agreed_actions,
        "record_complete": meeting.record_completed_on is not None,
    }
    form = forms.MeetingRecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            meeting = services.meeting_record(
                actor=request.user,  # type: ignore[arg-type]
                meeting=meeting,
                expected_version=expected,
                **data,
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{meeting.get_kind_display()} saved.")
            return redirect(cycle_url(cycle))
    return _page(
        request,
        "objectives/meeting_form.html",
        cycle,
        form=form,
        meeting=meeting,
        other_matters=meeting_other_matters(cycle.policy_version.rules),
    )
