"""A support plan's letters: write the invitation to a formal or capability meeting or the
outcome of a meeting (laid out as a PDF and kept on the plan), and read one."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from organisation.access_log import record_access
from submissions.guard import submit_once

from .. import forms, letters, permissions, rules, services
from ..models import LetterKind
from ._common import add_error, principal_of, require


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def letter_add(request: HttpRequest, pk: int, meeting_id: int, kind: str) -> HttpResponse:
    principal = principal_of(request)
    meeting, plan, access = permissions.get_meeting_for_user(
        principal, pk, meeting_id, request=request
    )
    if kind not in LetterKind.values:
        raise Http404("No such letter.")
    require(access.may_manage, "Only whoever manages the plan writes its letters.")
    refusal = rules.letter_refusal(kind, meeting.kind, meeting.held_on is not None)
    require(refusal is None, refusal or "")
    support = plan.policy_version.rules.support
    if not permissions.may_write_letter(principal, plan, kind, meeting.kind):
        # They run the plan, so they may know the letter exists: say who writes it.
        writer = rules.letter_writer(support, kind, meeting.kind)
        return render(
            request, "403.html", {"refusal": rules.letter_writer_refusal(writer)}, status=403
        )
    items = rules.letter_items(support, kind, meeting.kind)
    form = forms.LetterForm(
        request.POST or None, items=items, invitation=kind == LetterKind.INVITATION
    )
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.letter_write(
                actor=request.user,  # type: ignore[arg-type]
                plan=plan,
                meeting=meeting,
                kind=kind,
                answers=form.answers(),
                details=form.cleaned_data.get("details") or "",
            )
        except services.SupportPlanError as error:
            add_error(form, error)
        else:
            messages.success(request, f"The letter “{letter.title}” is on the plan.")
            return redirect("support_plans:plan_detail", pk=plan.pk)
    step = meeting.capability_stage if meeting.stage == "capability" else ""
    return render(
        request,
        "support_plans/letter_form.html",
        {
            "plan": plan,
            "meeting": meeting,
            "form": form,
            "title": letters.letter_title(kind, meeting),
            "facts": rules.letter_facts(support, kind, meeting.kind, meeting.stage, step),
        },
    )


@login_required
@require_http_methods(["GET"])
def letter_download(request: HttpRequest, pk: int, letter_id: int) -> HttpResponse:
    """The letter's PDF, for everyone who reads the plan (the member of staff included)."""
    principal = principal_of(request)
    letter, plan = permissions.get_letter_for_user(principal, pk, letter_id, request=request)
    try:
        with letter.file.open("rb") as handle:
            pdf = handle.read()
    except (FileNotFoundError, ValueError):
        raise Http404("The letter is no longer stored.") from None
    if hashlib.sha256(pdf).hexdigest() != letter.file_sha256:
        raise Http404("The letter is no longer stored.")
    record_access(
        request=request, obj=letter, action="download", label=f"Support plan {plan.pk} letter"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = letters.letter_filename(plan, letter.kind, letter.pk)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
