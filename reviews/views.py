"""Pages for observations, evidence, the annual review, the statement and moderation.

Every page fetches its record through ``reviews.permissions`` (``get_<kind>_for_user``:
the cycle through ``cycles.permissions.get_cycle_for_user``, then the child row among that
cycle's own), so a record someone may not see is a 404, and a logged refusal when it
exists, on every page alike. 403 only where the person may see the cycle but not do this.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.services import record_access
from cycles.models import AppraisalCycle
from cycles.permissions import CycleAccess
from organisation.principal import Principal, principal_for
from submissions.guard import submit_once

from . import permissions, selectors, services, statements
from . import rules as review_rules
from .forms import (
    CommentForm,
    EvidenceChangeForm,
    EvidenceFileForm,
    EvidenceNoteForm,
    EvidenceWithdrawForm,
    FeedbackForm,
    HeadteacherAdjustmentForm,
    ModerationDrawForm,
    ModerationOutcomeForm,
    ObservationForm,
    ReviewForm,
    ReviewReopenForm,
)
from .models import AnnualReview, EvidenceKind
from .permissions import ReviewAction
from .uploads import download_name


def _principal(request: HttpRequest) -> Principal:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if not principal.is_authenticated:
        raise Http404("No trust.")
    return principal


def _cycle(request: HttpRequest, cycle_id: int) -> tuple[AppraisalCycle, CycleAccess]:
    return permissions.get_review_cycle_for_user(_principal(request), cycle_id, request=request)


def _require(access: CycleAccess, action: ReviewAction, message: str = "") -> None:
    if not permissions.allows(access, action):
        raise PermissionDenied(message or permissions.REFUSALS[action])


def cycle_url(cycle: AppraisalCycle, anchor: str = "") -> str:
    """The cycle page (owned by the cycles app), at one of this app's parts of it."""
    try:
        url = reverse("cycles:detail", args=[cycle.pk])
    except NoReverseMatch:  # the cycle pages are not installed
        url = reverse("home")
    return f"{url}#{anchor}" if anchor else url


def _label(cycle: AppraisalCycle, what: str) -> str:
    return f"{what}, {cycle.appraisee.full_name} {cycle.starts_on:%Y}"


def _page(
    request: HttpRequest, template: str, cycle: AppraisalCycle, **context: Any
) -> HttpResponse:
    return render(
        request,
        template,
        {"cycle": cycle, "cycle_url": cycle_url(cycle, context.pop("anchor", "")), **context},
    )


# ----- Observations -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def observation_add(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle, access = _cycle(request, cycle_id)
    _require(access, ReviewAction.RECORD_OBSERVATION)
    principal = access.principal
    extra = [principal.staff.pk] if principal.staff is not None else []
    initial = {"observer": principal.staff.pk} if principal.staff is not None else {}
    form = ObservationForm(
        request.POST or None, cycle=cycle, extra_observer_ids=extra, initial=initial
    )
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = services.ObservationInput(
            observer=form.cleaned_data["observer"],
            observed_at=form.cleaned_data["observed_at"],
            duration_minutes=form.cleaned_data["duration_minutes"],
            kind=form.cleaned_data["kind"],
            focus=form.cleaned_data["focus"],
            advance_notice_given=form.cleaned_data["advance_notice_given"],
            concerns_arose=form.cleaned_data["concerns_arose"],
        )
        try:
            observation = services.observation_record(
                actor=request.user,  # type: ignore[arg-type]
                cycle=cycle,
                data=data,
                confirm_warnings=form.cleaned_data["confirm_warnings"],
            )
        except services.ObservationNeedsConfirmation as exc:
            warnings = exc.warnings
        except services.ReviewError as exc:
            form.add_error(exc.field, str(exc))
        else:
            if observation.usable_for_appraisal:
                messages.success(request, "Observation recorded.")
            else:
                messages.success(
                    request,
                    "Observation recorded. It will not be used for appraisal: "
                    + observation.not_usable_reason,
                )
            return redirect(cycle_url(cycle, "observations"))
    return _page(
        request,
        "reviews/observation_form.html",
        cycle,
        form=form,
        warnings=warnings,
        rules=cycle.policy_version.rules,
        anchor="observations",
    )


@login_required
@require_http_methods(["GET", "POST"])
def observation_feedback(request: HttpRequest, cycle_id: int, observation_id: int) -> HttpResponse:
    principal = _principal(request)
    observation, access = permissions.get_observation_for_user(
        principal, cycle_id, observation_id, request=request
    )
    cycle = observation.cycle
    _require(
        access,
        ReviewAction.RECORD_OBSERVATION,
        "Only the reviewer or the academy's leads record feedback.",
    )
    initial = {
        "verbal_feedback_at": observation.verbal_feedback_at,
        "written_feedback_at": observation.written_feedback_at,
        "feedback_notes": observation.feedback_notes,
    }
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_record_feedback(
                actor=request.user,  # type: ignore[arg-type]
                observation=observation,
                verbal_feedback_at=form.cleaned_data["verbal_feedback_at"],
                written_feedback_at=form.cleaned_data["written_feedback_at"],
                feedback_notes=form.cleaned_data["feedback_notes"],
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Feedback recorded.")
            return redirect(cycle_url(cycle, "observations"))
    return _page(
        request,
        "reviews/feedback_form.html",
        cycle,
        form=form,
        observation=observation,
        feedback=selectors.feedback_lines(observation, timezone.now()),
        anchor="observations",
    )


# ----- Evidence -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def evidence_add(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle, access = _cycle(request, cycle_id)
    _require(access, ReviewAction.ADD_EVIDENCE)
    objectives = selectors.objectives_for_cycle(cycle)
    form = EvidenceFileForm(request.POST or None, request.FILES or None, objectives=objectives)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.evidence_add_file(
                actor=request.user,  # type: ignore[arg-type]
                cycle=cycle,
                title=form.cleaned_data["title"],
                stream=upload,
                original_name=upload.name or "",
                size=upload.size or 0,
                objective_id=form.cleaned_data.get("objective"),
            )
        except services.ReviewError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, "Evidence uploaded.")
            return redirect(cycle_url(cycle, "evidence"))
    return _page(request, "reviews/evidence_form.html", cycle, form=form, anchor="evidence")


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def evidence_note_add(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle, access = _cycle(request, cycle_id)
    _require(access, ReviewAction.ADD_EVIDENCE)
    objectives = selectors.objectives_for_cycle(cycle)
    form = EvidenceNoteForm(request.POST or None, objectives=objectives)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_add_note(
                actor=request.user,  # type: ignore[arg-type]
                cycle=cycle,
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
                objective_id=form.cleaned_data.get("objective"),
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Note added to the evidence.")
            return redirect(cycle_url(cycle, "evidence"))
    return _page(request, "reviews/evidence_note_form.html", cycle, form=form, anchor="evidence")


@login_required
@require_http_methods(["GET"])
def evidence_detail(request: HttpRequest, cycle_id: int, evidence_id: int) -> HttpResponse:
    principal = _principal(request)
    evidence, _access = permissions.get_evidence_for_user(
        principal, cycle_id, evidence_id, request=request
    )
    cycle = evidence.cycle
    record_access(request=request, obj=evidence, action="view", label=_label(cycle, "Evidence"))
    return _page(
        request, "reviews/evidence_detail.html", cycle, evidence=evidence, anchor="evidence"
    )


def _evidence_to_change(
    request: HttpRequest, cycle_id: int, evidence_id: int
) -> tuple[Any, AppraisalCycle]:
    """The evidence, if this person may change it (404 when they may not see it, 403 when
    they see it but may not change it); a refusal by the review's state is shown later."""
    principal = _principal(request)
    evidence, access = permissions.get_evidence_for_user(
        principal, cycle_id, evidence_id, request=request
    )
    if evidence.withdrawn_at is not None:
        raise Http404("This evidence has been withdrawn.")
    if not permissions.may_change_evidence(principal, evidence, access):
        raise PermissionDenied(services.evidence.CHANGE_REFUSED)
    return evidence, evidence.cycle


@login_required
@require_http_methods(["GET", "POST"])
def evidence_change(request: HttpRequest, cycle_id: int, evidence_id: int) -> HttpResponse:
    evidence, cycle = _evidence_to_change(request, cycle_id, evidence_id)
    is_file = evidence.kind == EvidenceKind.FILE
    form = EvidenceChangeForm(
        request.POST or None,
        request.FILES or None,
        is_file=is_file,
        initial={"title": evidence.title, "note": evidence.note},
    )
    refusal = services.evidence_change_refusal(evidence)
    if request.method == "POST" and refusal is None and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            services.evidence_change(
                actor=request.user,  # type: ignore[arg-type]
                evidence=evidence,
                title=form.cleaned_data["title"],
                note=form.cleaned_data.get("note", ""),
                stream=upload,
                original_name=(upload.name or "") if upload else "",
                size=(upload.size or 0) if upload else 0,
            )
        except services.ReviewError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, "Evidence changed.")
            return redirect(cycle_url(cycle, "evidence"))
    return _page(
        request,
        "reviews/evidence_change.html",
        cycle,
        form=form,
        evidence=evidence,
        refusal=refusal,
        anchor="evidence",
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_withdraw(request: HttpRequest, cycle_id: int, evidence_id: int) -> HttpResponse:
    evidence, cycle = _evidence_to_change(request, cycle_id, evidence_id)
    form = EvidenceWithdrawForm(request.POST or None)
    refusal = services.evidence_change_refusal(evidence)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            services.evidence_withdraw(
                actor=request.user,  # type: ignore[arg-type]
                evidence=evidence,
                reason=form.cleaned_data["reason"],
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"“{evidence.title}” withdrawn.")
            return redirect(cycle_url(cycle, "evidence"))
    return _page(
        request,
        "reviews/evidence_withdraw.html",
        cycle,
        form=form,
        evidence=evidence,
        refusal=refusal,
        anchor="evidence",
    )


@login_required
@require_http_methods(["GET"])
def evidence_download(
    request: HttpRequest, cycle_id: int, evidence_id: int
) -> HttpResponse | FileResponse:
    principal = _principal(request)
    evidence, _access = permissions.get_evidence_for_user(
        principal, cycle_id, evidence_id, request=request, kind=EvidenceKind.FILE
    )
    cycle = evidence.cycle
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file is no longer stored.") from None
    record_access(
        request=request, obj=evidence, action="download", label=_label(cycle, "Evidence file")
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(evidence.original_name, evidence.extension),
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# ----- The annual review --------------------------------------------------------------


def _review_for(cycle: AppraisalCycle) -> AnnualReview:
    review = selectors.review_for_cycle(cycle)
    if review is None:
        raise Http404("No review yet.")
    return review


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle, access = _cycle(request, cycle_id)
    _require(access, ReviewAction.WRITE_REVIEW)
    review = selectors.review_for_cycle(cycle)
    if review is not None and review.is_completed:
        messages.info(request, "This review has been completed and can no longer be changed.")
        return redirect(cycle_url(cycle, "review"))
    if review is None:
        try:
            services.review_may_start(cycle)
        except services.ReviewError as exc:
            messages.error(request, str(exc))
            return redirect(cycle_url(cycle, "review"))
    # Opening the page writes nothing: the form shows the review as it will be saved; the
    # first save creates it (and rows for objectives agreed since) through the service.
    draft = selectors.review_draft(cycle, review)
    review = draft.review
    rules = cycle.policy_version.rules
    pay_required = review_rules.pay_reference_required(rules)
    initial = {"version": review.version}
    initial.update({f: getattr(review, f) for f in services.REVIEW_TEXT_FIELDS})
    form = ReviewForm(request.POST or None, draft=draft, pay_required=pay_required, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = services.ReviewInput(
            **{f: form.cleaned_data[f] for f in services.REVIEW_TEXT_FIELDS}
        )
        try:
            # One transaction: a save refused after the review was created leaves no
            # review behind, so the page shown again still matches what is stored.
            with transaction.atomic():
                if not draft.is_saved:
                    review = services.review_start(actor=request.user, cycle=cycle)  # type: ignore[arg-type]
                objective_ids, standard_ids = selectors.assessment_ids(review)
                if any(k not in objective_ids for k, _, _ in form.objective_keys) or any(
                    k not in standard_ids for k, _, _ in form.standard_keys
                ):
                    raise services.ReviewError(
                        "The review's objectives changed while you were editing it."
                    )
                objectives = {
                    objective_ids[k]: services.Assessment(
                        form.cleaned_data[o], form.cleaned_data[c]
                    )
                    for k, o, c in form.objective_keys
                }
                standards = {
                    standard_ids[k]: services.Assessment(form.cleaned_data[o], form.cleaned_data[c])
                    for k, o, c in form.standard_keys
                }
                services.review_save(
                    actor=request.user,  # type: ignore[arg-type]
                    review=review,
                    expected_version=form.cleaned_data["version"],
                    data=data,
                    objectives=objectives,
                    standards=standards,
                    complete="complete" in request.POST,
                    accountabilities=form.accountability_lines(),
                )
        except services.ReviewError as exc:
            review = draft.review  # as stored: a review created above was rolled back
            form.add_error(None, str(exc))
        else:
            done = "complete" in request.POST
            messages.success(
                request,
                "Review completed: the statement is ready." if done else "Review saved.",
            )
            return redirect(cycle_url(cycle, "review"))
    # Before the first save there is no review row yet: the reading is logged on the cycle.
    record_access(
        request=request,
        obj=review if review.pk is not None else cycle,
        action="view",
        label=_label(cycle, "Annual review"),
    )
    return _page(
        request,
        "reviews/review_form.html",
        cycle,
        form=form,
        review=review,
        pay_required=pay_required,
        complete_refusal=services.review_complete_refusal(cycle),
        anchor="review",
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_reopen(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Reopen a completed review, with the reason, so it can be changed and completed
    again: the headteacher, their delegate or HR at any time; the reviewer when
    moderation has asked for a change."""
    principal = _principal(request)
    cycle, _access = _cycle(request, cycle_id)
    review = _review_for(cycle)
    review.cycle = cycle
    if not review.is_completed:
        messages.info(request, "This review is not completed: change it and complete it.")
        return redirect(cycle_url(cycle, "review"))
    refusal = services.review_reopen_refusal(principal, review)
    if refusal is not None:
        raise PermissionDenied(refusal)
    asked = selectors.change_asked_by_moderation([cycle.pk]).get(cycle.pk)
    form = ReviewReopenForm(
        request.POST or None,
        initial={"version": review.version, "reason": asked.note if asked else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_reopen(
                actor=request.user,  # type: ignore[arg-type]
                review=review,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except services.ReviewError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(
                request,
                "Review reopened: change it, then complete it again to reissue the statement.",
            )
            if permissions.allows(_access, ReviewAction.WRITE_REVIEW):
                return redirect("reviews:review_edit", cycle_id=cycle.pk)
            return redirect(cycle_url(cycle, "review"))
    return _page(
        request,
        "reviews/review_reopen.html",
        cycle,
        form=form,
        review=review,
        asked=asked,
        anchor="review",
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_comment(request: HttpRequest, cycle_id: int) -> HttpResponse:
    principal = _principal(request)
    review, access = permissions.get_review_for_user(principal, cycle_id, request=request)
    cycle = review.cycle
    _require(access, ReviewAction.COMMENT_ON_REVIEW)
    if not review.is_completed:
        raise Http404("The review is not ready yet.")
    form = CommentForm(
        request.POST or None,
        initial={"version": review.version, "comments": review.appraisee_comments},
    )
    if request.method == "POST" and form.is_valid():
        acknowledge = "acknowledge" in request.POST
        try:
            services.review_comment(
                actor=request.user,  # type: ignore[arg-type]
                review=review,
                expected_version=form.cleaned_data["version"],
                comments=form.cleaned_data["comments"],
                acknowledge=acknowledge,
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "Review acknowledged." if acknowledge else "Your comments were saved."
            )
            return redirect(cycle_url(cycle, "review"))
    record_access(request=request, obj=review, action="view", label=_label(cycle, "Annual review"))
    return _page(
        request, "reviews/comment_form.html", cycle, form=form, review=review, anchor="review"
    )


@login_required
@require_http_methods(["GET"])
def statement_pdf(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The written statement for anyone who may read the record: once the review is
    complete, or as a marked draft for those writing it."""
    principal = _principal(request)
    review, access = permissions.get_review_for_user(principal, cycle_id, request=request)
    cycle = review.cycle
    if not review.is_completed and not permissions.allows(access, ReviewAction.WRITE_REVIEW):
        raise Http404("The statement is not ready yet.")
    for_appraisee = principal.staff is not None and principal.staff.pk == cycle.appraisee_id
    pdf = services.statement_for_reader(cycle=cycle, review=review, for_appraisee=for_appraisee)
    record_access(
        request=request, obj=review, action="download", label=_label(cycle, "Appraisal statement")
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{statements.statement_filename(cycle)}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ----- Moderation ---------------------------------------------------------------------


def _years() -> list[int]:
    today = timezone.localdate()
    current = today.year if today.month >= 9 else today.year - 1
    return [current - i for i in range(0, 4)]


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def moderation_index(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    academies = permissions.moderation_academies(principal)
    if not academies.exists():
        raise Http404("Nothing to moderate.")
    years = _years()
    form = ModerationDrawForm(
        request.POST or None,
        academies=academies,
        years=years,
        initial={"year": years[1] if dt.date.today().month < 11 else years[0], "size": 5},
    )
    if request.method == "POST" and form.is_valid():
        try:
            sample = services.moderation_draw(
                actor=request.user,  # type: ignore[arg-type]
                academy=form.cleaned_data["academy"],
                year=form.cleaned_data["year"],
                kind=form.cleaned_data["kind"],
                size=form.cleaned_data["size"],
            )
        except services.NotModeratedByPolicy as exc:
            form.add_error("kind", str(exc))
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Sample drawn: {sample.items.count()} to moderate.")
            return redirect("reviews:moderation_detail", sample_id=sample.pk)
    samples = selectors.moderation_samples(principal)[:50]
    return render(request, "reviews/moderation_index.html", {"form": form, "samples": samples})


@login_required
@require_http_methods(["GET"])
def moderation_detail(request: HttpRequest, sample_id: int) -> HttpResponse:
    principal = _principal(request)
    sample = permissions.get_sample_for_user(principal, sample_id, request=request)
    items = list(selectors.moderation_items(sample))
    return render(
        request,
        "reviews/moderation_detail.html",
        {
            "sample": sample,
            "sample_label": selectors.sample_label(sample),
            "items": [(i, cycle_url(i.cycle)) for i in items],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def moderation_item(request: HttpRequest, sample_id: int, item_id: int) -> HttpResponse:
    principal = _principal(request)
    item = permissions.get_moderation_item_for_user(principal, sample_id, item_id, request=request)
    sample = item.sample
    asks_alignment = review_rules.asks_alignment(item.cycle.policy_version.rules)
    form = ModerationOutcomeForm(
        request.POST or None,
        asks_alignment=asks_alignment,
        initial={
            "outcome": item.outcome if item.outcome != "pending" else None,
            "note": item.note,
            "objectives_aligned": item.objectives_aligned or None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.moderation_record(
                actor=request.user,  # type: ignore[arg-type]
                item=item,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                objectives_aligned=form.cleaned_data.get("objectives_aligned", ""),
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Moderation outcome recorded.")
            return redirect("reviews:moderation_detail", sample_id=sample.pk)
    return render(
        request,
        "reviews/moderation_item.html",
        {"sample": sample, "item": item, "form": form, "cycle_url": cycle_url(item.cycle)},
    )


# ----- The headteacher's copy -------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def headteacher_copies(request: HttpRequest) -> HttpResponse:
    """Copies of completed reviews sent to this headteacher: unread first."""
    principal = _principal(request)
    if not permissions.receives_headteacher_copies(principal):
        raise Http404("No reviews are copied to you.")
    copies = selectors.headteacher_copies(principal)
    return render(request, "reviews/headteacher_copies.html", {"copies": copies})


@login_required
@require_http_methods(["GET", "POST"])
def headteacher_copy(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The copy of a completed review, for the academy's headteacher to read; a POST says
    it has been read."""
    principal = _principal(request)
    review = permissions.get_headteacher_copy_for_user(principal, cycle_id, request=request)
    cycle = review.cycle
    if request.method == "POST":
        try:
            services.headteacher_copy_read(actor=request.user, review=review)  # type: ignore[arg-type]
        except services.ReviewError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Marked as read.")
        return redirect("reviews:headteacher_copy", cycle_id=cycle.pk)
    record_access(
        request=request, obj=review, action="view", label=_label(cycle, "Copy of annual review")
    )
    return render(
        request,
        "reviews/headteacher_copy.html",
        {
            "cycle": cycle,
            "review": review,
            "may_adjust": review_rules.headteacher_may_adjust(cycle.policy_version.rules),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def headteacher_adjust(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The headteacher adjusts the new objectives or the support, where the policy lets
    them (``review.headteacher_may_adjust_objectives``); otherwise there is no such page."""
    principal = _principal(request)
    review = permissions.get_headteacher_copy_for_user(principal, cycle_id, request=request)
    cycle = review.cycle
    if not review_rules.headteacher_may_adjust(cycle.policy_version.rules):
        raise Http404("The policy does not let the headteacher adjust objectives or support.")
    form = HeadteacherAdjustmentForm(
        request.POST or None,
        initial={
            "version": review.version,
            "next_objectives": review.next_objectives,
            "development_needs": review.development_needs,
            "training": review.training,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = services.AdjustmentInput(
            next_objectives=form.cleaned_data["next_objectives"],
            development_needs=form.cleaned_data["development_needs"],
            training=form.cleaned_data["training"],
            reason=form.cleaned_data["reason"],
            discussed=form.cleaned_data["discussed"],
        )
        try:
            services.headteacher_adjust(
                actor=request.user,  # type: ignore[arg-type]
                review=review,
                expected_version=form.cleaned_data["version"],
                data=data,
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Objectives and support adjusted.")
            return redirect("reviews:headteacher_copy", cycle_id=cycle.pk)
    return render(
        request,
        "reviews/headteacher_adjust.html",
        {"cycle": cycle, "review": review, "form": form},
    )
