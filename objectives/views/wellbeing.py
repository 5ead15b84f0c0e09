"""Wellbeing notes and consent pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cycles.models import AppraisalCycle
from organisation.principal import Principal
from submissions.guard import submit_once

from .. import forms, permissions, selectors, services
from ..rules import wellbeing_notes_use
from ._common import (
    CYCLE_QUERYSET,
    _add_errors,
    _cycle,
    _cycle_label,
    _page,
    _principal,
    _record_access,
)

# ----- Wellbeing notes ---------------------------------------------------------------------


def _wellbeing_cycle(request: HttpRequest, cycle_id: int) -> tuple[Principal, AppraisalCycle]:
    principal, cycle = _cycle(request, cycle_id)
    # Anyone else who may read the cycle (headteacher, HR, line managers) is told nothing:
    # the page does not exist for them.
    if not (
        permissions.is_appraisee(principal, cycle)
        or permissions.may_write_wellbeing_notes(principal, cycle)
    ):
        raise Http404("No such page.")
    return principal, cycle


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def wellbeing(request: HttpRequest, cycle_id: int) -> HttpResponse:
    principal, cycle = _wellbeing_cycle(request, cycle_id)
    form = forms.WellbeingNoteForm(request.POST if request.POST.get("action") == "add" else None)
    error: services.ObjectivesError | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        actor = request.user
        try:
            if action == "consent":
                services.wellbeing_consent_give(actor=actor, cycle=cycle)  # type: ignore[arg-type]
                messages.success(request, "Thank you: your consent has been recorded.")
                return redirect(reverse("objectives:wellbeing", args=[cycle.pk]))
            if action == "withdraw":
                deleted = services.wellbeing_consent_withdraw(actor=actor, cycle=cycle)  # type: ignore[arg-type]
                messages.success(
                    request,
                    f"Consent withdrawn. {deleted} note{'' if deleted == 1 else 's'} deleted.",
                )
                return redirect(reverse("objectives:wellbeing", args=[cycle.pk]))
            if action == "add" and form.is_valid():
                services.wellbeing_note_add(
                    actor=actor,  # type: ignore[arg-type]
                    cycle=cycle,
                    text=form.cleaned_data["text"],
                )
                messages.success(request, "Note saved.")
                return redirect(reverse("objectives:wellbeing", args=[cycle.pk]))
            if action not in ("consent", "withdraw", "add"):
                raise services.ObjectivesError("Choose what to do.")
        except services.ObjectivesError as exc:
            error = exc
            if action == "add":
                _add_errors(form, exc)
    page = selectors.wellbeing_notes_for(principal, cycle)
    _record_access(request, cycle, f"Wellbeing notes: {_cycle_label(cycle)}")
    response = _page(
        request,
        "objectives/wellbeing.html",
        cycle,
        page=page,
        form=form,
        error=error,
        is_appraisee=permissions.is_appraisee(principal, cycle),
        today=timezone.localdate(),
        wellbeing_use=wellbeing_notes_use(cycle.policy_version.rules),
    )
    if request.method == "POST":
        response.status_code = 400
    return response


@login_required
@require_http_methods(["GET", "POST"])
def wellbeing_note_delete(request: HttpRequest, cycle_id: int, pk: int) -> HttpResponse:
    principal = _principal(request)
    note, _access = permissions.get_wellbeing_note_for_user(
        principal, cycle_id, pk, request=request, cycle_queryset=CYCLE_QUERYSET
    )
    cycle = note.cycle
    if request.method == "POST":
        services.wellbeing_note_delete(actor=request.user, note=note)  # type: ignore[arg-type]
        messages.success(request, "Note deleted.")
        return redirect(reverse("objectives:wellbeing", args=[cycle.pk]))
    return _page(request, "objectives/wellbeing_note_confirm_delete.html", cycle, note=note)
