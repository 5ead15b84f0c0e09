"""HR's termly meeting with an academy's headteacher (langley §7 VII): schedule it within the
term, then record who attended, whom it discussed and the action agreed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from organisation.models import StaffMember
from submissions.guard import submit_once

from .. import forms, permissions, services, termly
from ..models import TermlyReview
from ._common import add_error, principal_of


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def termly_review(request: HttpRequest, academy_id: int, term_id: int) -> HttpResponse:
    principal = principal_of(request)
    academy, term = permissions.get_termly_review_target(
        principal, academy_id, term_id, request=request
    )
    if not termly.meets_termly(academy, timezone.localdate()):
        raise Http404("The academy's policy does not ask for a termly meeting.")
    hint = f"{term.name}: {term.starts_on:%d %B %Y} to {term.ends_on:%d %B %Y}."
    review = TermlyReview.objects.filter(academy=academy, term=term).first()
    actor = request.user
    form: forms.TermlyScheduleForm | forms.TermlyRecordForm
    if review is None:
        form = forms.TermlyScheduleForm(request.POST or None, term_hint=hint)
        if request.method == "POST" and form.is_valid():
            try:
                services.termly_review_schedule(
                    actor=actor,  # type: ignore[arg-type]
                    academy=academy,
                    term=term,
                    scheduled_for=form.cleaned_data["scheduled_for"],
                )
            except services.SupportPlanError as error:
                add_error(form, error)
            else:
                messages.success(
                    request, f"The meeting with {academy.name}'s headteacher is scheduled."
                )
                return redirect("support_plans:escalations")
    else:
        staff = StaffMember.objects.filter(
            trust_id=academy.trust_id, academy=academy, left_on__isnull=True
        ).order_by("last_name", "first_name")
        initial = {name: getattr(review, name) for name in services.TERMLY_RECORD_FIELDS}
        initial["version"] = review.version
        initial["staff_discussed"] = list(review.staff_discussed.all())
        form = forms.TermlyRecordForm(
            request.POST or None, initial=initial, staff=staff, term_hint=hint
        )
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.termly_review_record(
                    actor=actor,  # type: ignore[arg-type]
                    review=review,
                    expected_version=data.pop("version"),
                    scheduled_for=data["scheduled_for"],
                    held_on=data["held_on"],
                    attendees=data["attendees"],
                    staff_discussed=list(data["staff_discussed"]),
                    action_agreed=data["action_agreed"],
                )
            except services.SupportPlanError as error:
                add_error(form, error)
            else:
                messages.success(
                    request, f"The meeting with {academy.name}'s headteacher is saved."
                )
                return redirect("support_plans:escalations")
    return render(
        request,
        "support_plans/termly_review.html",
        {"academy": academy, "term": term, "review": review, "form": form},
    )
