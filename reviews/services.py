"""Every write for observations, evidence, the annual review and moderation.

Each service checks the actor's permission (``reviews.permissions.can``), locks
the row it changes, checks the rule of the policy pinned to the cycle, saves with
``update_fields`` and records the actor in history. A refused change raises ``ReviewError``
with a sentence fit to show on the page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from appraisal_site.text import strip_unsafe
from calendars.selectors import load_calendar
from cycles.models import AppraisalCycle, CycleState
from organisation.models import Academy, StaffMember
from organisation.principal import Principal, principal_for

from . import rules as review_rules
from . import selectors, statements
from .models import (
    Alignment,
    AnnualReview,
    Evidence,
    EvidenceKind,
    Framework,
    ModerationItem,
    ModerationKind,
    ModerationOutcome,
    ModerationSample,
    ObjectiveAssessment,
    Observation,
    Outcome,
    StandardAssessment,
    StatementFile,
)
from .permissions import REFUSALS, ReviewAction, can, may_moderate, reads_headteacher_copy
from .uploads import UploadRefused, check_upload

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


class ReviewError(Exception):
    """A refused change, with a message fit to show on the page."""


class ObservationNeedsConfirmation(ReviewError):
    """The observation breaks a rule the policy says applies "normally": the person
    recording it must confirm before it is saved."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__(" ".join(warnings))
        self.warnings = warnings


class StaleReview(ReviewError):
    """Someone saved the review after this person opened it."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this review since you opened it. Nothing was saved: "
            "open the review again to see their changes, then make yours."
        )


# States in which nothing is added to a cycle: a closed year is over; a suspended one is
# paused while capability or a grievance runs.
_FROZEN_STATES = frozenset({CycleState.CLOSED, CycleState.SUSPENDED})


def _principal(actor: User) -> Principal:
    return principal_for(actor)


def _require(
    actor: User, action: ReviewAction, cycle: AppraisalCycle, message: str = ""
) -> Principal:
    principal = _principal(actor)
    if not can(principal, action, cycle):
        raise ReviewError(message or REFUSALS[action])
    return principal


def _require_open(cycle: AppraisalCycle) -> None:
    if cycle.state in _FROZEN_STATES:
        raise ReviewError(
            f"This appraisal year is {cycle.get_state_display().lower()}: nothing can be "
            "added or changed."
        )


def _lock_cycle(cycle: AppraisalCycle) -> AppraisalCycle:
    """Lock the cycle row so two people recording at once see each other's rows (the
    yearly observation cap, a review being started). Only the cycle's own row: without
    ``of``, PostgreSQL would also lock the joined policy version, academy and appraisee,
    which every other cycle of the trust shares, and serialise the trust's writes."""
    return (
        AppraisalCycle.objects.select_for_update(of=("self",))
        .select_related("policy_version", "academy", "appraisee")
        .get(pk=cycle.pk)
    )


def _with_actor(obj: Any, actor: User | None) -> None:
    if actor is not None:
        obj._history_user = actor


# ----- Observations -------------------------------------------------------------------


@dataclass(frozen=True)
class ObservationInput:
    observer: StaffMember
    observed_at: dt.datetime
    duration_minutes: int
    kind: str
    focus: str = ""
    advance_notice_given: bool = False
    concerns_arose: bool = False


def _minutes_used(cycle: AppraisalCycle) -> int:
    used = Observation.objects.filter(cycle=cycle, usable_for_appraisal=True).aggregate(
        total=Sum("duration_minutes")
    )["total"]
    return int(used or 0)


def _formal_count(cycle: AppraisalCycle) -> int:
    return Observation.objects.filter(cycle=cycle, kind__in=review_rules.PLANNED_KINDS).count()


@transaction.atomic
def observation_record(
    *,
    actor: User,
    cycle: AppraisalCycle,
    data: ObservationInput,
    confirm_warnings: bool = False,
) -> Observation:
    """Record an observation of the appraisee, with the pinned policy's rules enforced.

    Refused: an observer of a teacher without QTS (classic §5.2.2, aspire §7.3), a total
    beyond the yearly cap (aspire §7.2). Needs confirming: more formal observations than
    the policy normally allows (staploe). Kept out of appraisal evidence: kinds the policy
    does not use (classic §5.2.6, aspire §7.4). Feedback due dates come from the academy's
    working calendar (classic §5.2.4, staploe's 48 hours).
    """
    _require(actor, ReviewAction.RECORD_OBSERVATION, cycle)
    cycle = _lock_cycle(cycle)
    _require_open(cycle)
    observer = data.observer
    if observer.trust_id != cycle.trust_id:
        raise ReviewError("Choose an observer from your trust.")
    if timezone.is_naive(data.observed_at):
        raise ReviewError("Enter when the observation took place.")
    if data.observed_at > timezone.now() + dt.timedelta(minutes=5):
        raise ReviewError("An observation is recorded after it has taken place, not before.")
    rules = cycle.policy_version.rules
    appraisee = cycle.appraisee
    facts = review_rules.ObservationFacts(
        kind=data.kind,
        duration_minutes=data.duration_minutes,
        appraisee_is_teacher=review_rules.appraisee_is_teacher(
            staff_group=appraisee.staff_group, has_qts=appraisee.has_qts
        ),
        observer_has_qts=observer.has_qts,
        observer_is_appraisee=observer.pk == appraisee.pk,
        advance_notice_given=data.advance_notice_given,
        concerns_arose=data.concerns_arose,
        minutes_used_this_year=_minutes_used(cycle),
        formal_this_cycle=_formal_count(cycle),
    )
    breaches = review_rules.check_observation(rules, facts)
    refusals = [b.message for b in breaches if b.refuses]
    if refusals:
        raise ReviewError(" ".join(refusals))
    warnings = [b.message for b in breaches if not b.refuses]
    if warnings and not confirm_warnings:
        raise ObservationNeedsConfirmation(warnings)
    use = review_rules.appraisal_use(rules, facts)
    # Feedback deadlines belong to appraisal observations (classic §5.2.4 "after a formal
    # observation"): an Ofsted or monitoring visit owes none under this policy.
    due = review_rules.FeedbackDue()
    if use.usable:
        day = timezone.localtime(data.observed_at).date()
        calendar = load_calendar(cycle.academy_id, day, day)
        due = review_rules.feedback_due(rules, data.observed_at, calendar)
    observation = Observation(
        trust_id=cycle.trust_id,
        cycle=cycle,
        observer=observer,
        observed_at=data.observed_at,
        duration_minutes=data.duration_minutes,
        kind=data.kind,
        focus=data.focus,
        advance_notice_given=data.advance_notice_given,
        concerns_arose=data.concerns_arose,
        usable_for_appraisal=use.usable,
        not_usable_reason=use.reason,
        verbal_feedback_due_at=due.verbal,
        written_feedback_due_at=due.written,
        feedback_due_at=due.any_feedback,
        recorded_by=actor,
    )
    _with_actor(observation, actor)
    observation.save()
    return observation


@transaction.atomic
def observation_record_feedback(
    *,
    actor: User,
    observation: Observation,
    verbal_feedback_at: dt.datetime | None,
    written_feedback_at: dt.datetime | None,
    feedback_notes: str,
) -> Observation:
    """Record when spoken and written feedback were given."""
    _require(
        actor,
        ReviewAction.RECORD_OBSERVATION,
        observation.cycle,
        "Only the reviewer or the academy's leads record feedback.",
    )
    observation = Observation.objects.select_for_update(of=("self",)).get(pk=observation.pk)
    for given in (verbal_feedback_at, written_feedback_at):
        if given is not None and given < observation.observed_at:
            raise ReviewError("Feedback is given after the observation, not before it.")
        if given is not None and given > timezone.now() + dt.timedelta(minutes=5):
            raise ReviewError("Record feedback once it has been given, not in advance.")
    observation.verbal_feedback_at = verbal_feedback_at
    observation.written_feedback_at = written_feedback_at
    observation.feedback_notes = feedback_notes
    _with_actor(observation, actor)
    observation.save(update_fields=["verbal_feedback_at", "written_feedback_at", "feedback_notes"])
    return observation


# ----- Evidence -----------------------------------------------------------------------


def _check_objective(cycle: AppraisalCycle, objective_id: int | None) -> int | None:
    if objective_id is None:
        return None
    if objective_id not in {o.pk for o in selectors.objectives_for_cycle(cycle)}:
        raise ReviewError("Choose one of this appraisal year's objectives.")
    return objective_id


def _require_evidence_access(actor: User, cycle: AppraisalCycle) -> None:
    _require(actor, ReviewAction.ADD_EVIDENCE, cycle)


@transaction.atomic
def evidence_add_note(
    *,
    actor: User,
    cycle: AppraisalCycle,
    title: str,
    note: str,
    objective_id: int | None = None,
) -> Evidence:
    _require_evidence_access(actor, cycle)
    _require_open(cycle)
    if not note.strip():
        raise ReviewError("Enter the note.")
    evidence = Evidence(
        trust_id=cycle.trust_id,
        cycle=cycle,
        kind=EvidenceKind.NOTE,
        title=title.strip() or "Note",
        note=note,
        added_by=actor,
    )
    evidence.objective_id = _check_objective(cycle, objective_id)
    _with_actor(evidence, actor)
    evidence.save()
    return evidence


def evidence_add_file(
    *,
    actor: User,
    cycle: AppraisalCycle,
    title: str,
    stream: IO[bytes],
    original_name: str,
    size: int,
    objective_id: int | None = None,
) -> Evidence:
    """Store an uploaded file as evidence after checking what it really is.

    The type is found from the content (``reviews.uploads``); the stored name is random
    and the file is never reachable by URL, only through the access-checked download."""
    _require_evidence_access(actor, cycle)
    _require_open(cycle)
    try:
        checked = check_upload(stream, size=size, max_bytes=settings.EVIDENCE_MAX_UPLOAD_BYTES)
    except UploadRefused as exc:
        raise ReviewError(str(exc)) from None
    objective_id = _check_objective(cycle, objective_id)
    # The browser's file name is shown on pages and PDFs: without control, bidirectional and
    # zero-width characters, "résumé\u202egpj.exe.pdf" cannot pass for something it is not.
    original_name = strip_unsafe(original_name).strip()
    evidence = Evidence(
        trust_id=cycle.trust_id,
        cycle=cycle,
        kind=EvidenceKind.FILE,
        title=title.strip() or original_name[:200] or "Evidence",
        original_name=original_name[:255],
        content_type=checked.content_type,
        extension=checked.extension,
        size_bytes=checked.size,
        added_by=actor,
    )
    evidence.objective_id = objective_id
    _with_actor(evidence, actor)
    evidence.file.save(f"{cycle.trust_id}/{uuid.uuid4().hex}", File(stream), save=False)
    try:
        with transaction.atomic():
            evidence.save()
    except Exception:
        # Nothing saved means no file left behind either.
        evidence.file.delete(save=False)
        raise
    return evidence


# ----- The annual review --------------------------------------------------------------


def review_may_start(cycle: AppraisalCycle) -> None:
    """Raise ``ReviewError`` if no review can be started on this cycle (the year is
    closed or suspended): what ``review_start`` would refuse, asked without writing."""
    _require_open(cycle)


@transaction.atomic
def review_start(*, actor: User, cycle: AppraisalCycle) -> AnnualReview:
    """The cycle's review, created on first use with one assessment row per objective and
    per standard (or key accountability) for the appraisee's role."""
    _require(actor, ReviewAction.WRITE_REVIEW, cycle)
    cycle = _lock_cycle(cycle)
    existing = AnnualReview.objects.filter(cycle=cycle).first()
    if existing is not None:
        if not existing.is_completed:
            _sync_objectives(existing, cycle)
        return existing
    _require_open(cycle)
    # Built by the same selectors the review page shows before the first save, so what
    # is saved is what the reviewer saw.
    review = selectors.unsaved_review(cycle)
    _with_actor(review, actor)
    review.save()
    StandardAssessment.objects.bulk_create(selectors.unsaved_standard_rows(review, cycle))
    _sync_objectives(review, cycle)
    return review


def _sync_objectives(review: AnnualReview, cycle: AppraisalCycle) -> None:
    """Add a row for any objective agreed since the review was started."""
    have = set(review.objective_assessments.values_list("objective_id", flat=True))
    new = selectors.unsaved_objective_rows(review, cycle, have=have)
    if new:
        ObjectiveAssessment.objects.bulk_create(new)


@dataclass(frozen=True)
class ReviewInput:
    evidence_summary: str = ""
    overview: str = ""
    development_needs: str = ""
    training: str = ""
    pay_reference: str = ""
    next_objectives: str = ""
    monitoring_plan: str = ""


REVIEW_TEXT_FIELDS: tuple[str, ...] = tuple(ReviewInput.__dataclass_fields__)


@dataclass(frozen=True)
class Assessment:
    outcome: str
    comment: str = ""


def _lock_review(review: AnnualReview, expected_version: int) -> AnnualReview:
    locked = AnnualReview.objects.select_for_update(of=("self",)).get(pk=review.pk)
    if locked.version != expected_version:
        raise StaleReview()
    return locked


def review_missing_for_completion(
    review: AnnualReview,
    data: ReviewInput,
    objectives: Mapping[int, Assessment],
    standards: Mapping[int, Assessment],
    *,
    pay_required: bool,
) -> list[str]:
    """What must still be filled in before the review can be completed."""
    missing: list[str] = []
    if any(not a.outcome for a in objectives.values()):
        missing.append("an assessment against every objective")
    if not standards:
        missing.append("the key accountabilities of the role")
    elif any(not a.outcome for a in standards.values()):
        missing.append("an assessment against every standard")
    if not data.evidence_summary.strip():
        missing.append("a summary of the evidence")
    if not data.overview.strip():
        missing.append("an overview")
    if pay_required and not data.pay_reference.strip():
        missing.append("a reference to pay progression (the policy links pay to appraisal)")
    return missing


@transaction.atomic
def review_save(
    *,
    actor: User,
    review: AnnualReview,
    expected_version: int,
    data: ReviewInput,
    objectives: Mapping[int, Assessment],
    standards: Mapping[int, Assessment],
    complete: bool = False,
    accountabilities: list[str] | None = None,
) -> AnnualReview:
    """Save the reviewer's part of the review; ``complete`` also completes it (the
    statement is then issued). A save based on an older version is refused (StaleReview)
    and changes nothing.

    For support staff, ``accountabilities`` (one per item) replaces the role's key
    accountabilities this review assesses: a kept one keeps its assessment, a new one is
    added unassessed, a removed one goes."""
    cycle = review.cycle
    _require(actor, ReviewAction.WRITE_REVIEW, cycle)
    _require_open(cycle)
    review = _lock_review(review, expected_version)
    if review.is_completed:
        raise ReviewError("This review has been completed and can no longer be changed.")
    valid = {Outcome.MET, Outcome.PARTLY_MET, Outcome.NOT_MET, ""}
    if any(a.outcome not in valid for a in (*objectives.values(), *standards.values())):
        raise ReviewError("Choose met, partly met or not met.")
    objective_rows = {a.pk: a for a in review.objective_assessments.all()}
    standard_rows = {a.pk: a for a in review.standard_assessments.all()}
    if set(objectives) - set(objective_rows) or set(standards) - set(standard_rows):
        raise ReviewError("The review's objectives changed while you were editing it.")
    rules = cycle.policy_version.rules
    if complete:
        merged_obj = {
            pk: objectives.get(pk, Assessment(row.outcome, row.comment))
            for pk, row in objective_rows.items()
        }
        merged_std = {
            pk: standards.get(pk, Assessment(row.outcome, row.comment))
            for pk, row in standard_rows.items()
        }
        if accountabilities is not None and review.framework == Framework.KEY_ACCOUNTABILITIES:
            assessed = {
                row.accountability for pk, row in standard_rows.items() if merged_std[pk].outcome
            }
            merged_std = {
                # Only whether each line is assessed matters for the check below.
                i: Assessment(Outcome.MET if text.strip() in assessed else "")
                for i, text in enumerate(t for t in accountabilities if t.strip())
            }
        missing = review_missing_for_completion(
            review,
            data,
            merged_obj,
            merged_std,
            pay_required=review_rules.pay_reference_required(rules),
        )
        if missing:
            raise ReviewError("To complete the review, add " + _and_list(missing) + ".")
    for field in REVIEW_TEXT_FIELDS:
        setattr(review, field, getattr(data, field))
    for rows, given in ((objective_rows, objectives), (standard_rows, standards)):
        for pk, assessment in given.items():
            row: Any = rows[pk]
            if (row.outcome, row.comment) != (assessment.outcome, assessment.comment):
                row.outcome, row.comment = assessment.outcome, assessment.comment
                _with_actor(row, actor)
                row.save(update_fields=["outcome", "comment"])
    if accountabilities is not None and review.framework == Framework.KEY_ACCOUNTABILITIES:
        _sync_accountabilities(review, accountabilities, actor)
    fields = [*REVIEW_TEXT_FIELDS, "version", "updated_at"]
    if complete:
        review.completed_at = timezone.now()
        review.completed_by = actor
        fields += ["completed_at", "completed_by"]
        # staploe: a copy of the completed review goes to the headteacher.
        if review_rules.copy_goes_to_headteacher(
            rules, is_headteacher_cycle=cycle.is_headteacher_cycle
        ):
            review.headteacher_copy_at = review.completed_at
            fields.append("headteacher_copy_at")
    review.version += 1
    _with_actor(review, actor)
    review.save(update_fields=fields)
    if complete:
        # The statement is issued: laid out once, after the commit, for every copy.
        review_id = review.pk
        transaction.on_commit(lambda: statement_issue(review_id=review_id), robust=True)
    return review


def _sync_accountabilities(review: AnnualReview, texts: list[str], actor: User) -> None:
    wanted = list(dict.fromkeys(t.strip()[:300] for t in texts if t.strip()))
    rows = {row.accountability: row for row in review.standard_assessments.all()}
    for text, row in rows.items():
        if text not in wanted:
            row.delete()
    for position, text in enumerate(wanted, start=1):
        row = rows.get(text) or StandardAssessment(review=review, accountability=text)
        if row.pk is None or row.position != position:
            row.position = position
            _with_actor(row, actor)
            row.save()


def _and_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@transaction.atomic
def review_comment(
    *,
    actor: User,
    review: AnnualReview,
    expected_version: int,
    comments: str,
    acknowledge: bool,
) -> AnnualReview:
    """The appraisee adds their comments and, once the review is complete, acknowledges
    it. Acknowledging says they have read it, not that they agree."""
    _require(actor, ReviewAction.COMMENT_ON_REVIEW, review.cycle)
    review = _lock_review(review, expected_version)
    if review.acknowledged_at is not None:
        raise ReviewError("You have already acknowledged this review.")
    if not review.is_completed:
        # The appraisee responds to the finished review; commenting on a draft would also
        # collide with the reviewer's own edits.
        raise ReviewError(
            "You can comment on and acknowledge the review once your reviewer has completed it."
        )
    review.appraisee_comments = comments
    fields = ["appraisee_comments", "version", "updated_at"]
    if acknowledge:
        review.acknowledged_at = timezone.now()
        fields.append("acknowledged_at")
    review.version += 1
    _with_actor(review, actor)
    review.save(update_fields=fields)
    return review


# ----- The statement ------------------------------------------------------------------


def statement_issue(*, review_id: int) -> int:
    """Lay out and store every distinct copy of a completed review's statement (the
    member of staff's and the one for everyone else, one file when they are the same).
    Returns how many were laid out; a copy already stored as it is is left alone."""
    review = (
        AnnualReview.objects.select_related("cycle__policy_version", "cycle__appraisee")
        .filter(pk=review_id, completed_at__isnull=False)
        .first()
    )
    if review is None:
        return 0
    laid_out, seen = 0, set()
    for for_appraisee in (False, True):
        context = statements.statement_context(review.cycle, review, for_appraisee=for_appraisee)
        if statements.audience(context) in seen:
            continue
        seen.add(statements.audience(context))
        _pdf, fresh = _stored_statement(review, context)
        laid_out += fresh
    return laid_out


def statement_for_reader(
    *, cycle: AppraisalCycle, review: AnnualReview, for_appraisee: bool
) -> bytes:
    """The statement PDF for one reader (the caller has checked they may read it). A
    completed review's copy comes from storage when the stored one shows exactly what
    this reader's would, else it is laid out now and stored; a draft is always laid out
    now and never kept."""
    context = statements.statement_context(cycle, review, for_appraisee=for_appraisee)
    if not review.is_completed:
        return statements.pdf_from(statements.html_from(context))
    pdf, _fresh = _stored_statement(review, context)
    return pdf


def _stored_statement(review: AnnualReview, context: dict[str, Any]) -> tuple[bytes, bool]:
    """(the PDF of this copy, whether it was laid out now)."""
    audience, fingerprint = statements.audience(context), statements.fingerprint(context)
    stored = StatementFile.objects.filter(review=review, audience=audience).first()
    if stored is not None and stored.fingerprint == fingerprint:
        try:
            with stored.file.open("rb") as handle:
                pdf = handle.read()
        except OSError:
            logger.warning("stored statement unreadable statement_file_id=%s", stored.pk)
        else:
            if hashlib.sha256(pdf).hexdigest() == stored.file_sha256:
                return pdf, False
            logger.warning("stored statement altered statement_file_id=%s", stored.pk)
    pdf = statements.pdf_from(statements.html_from(context))
    _keep_statement(review, audience, fingerprint, pdf)
    return pdf, True


def _keep_statement(review: AnnualReview, audience: str, fingerprint: str, pdf: bytes) -> None:
    """Store a newly laid-out copy in place of the one before (whose file goes after the
    commit). A failure to store is logged, never shown: the reader has their PDF."""
    digest = hashlib.sha256(pdf).hexdigest()
    name = default_storage.save(
        f"statements/{review.trust_id}/{uuid.uuid4().hex}.pdf", ContentFile(pdf)
    )
    try:
        with transaction.atomic():
            row, created = StatementFile.objects.select_for_update().get_or_create(
                review=review,
                audience=audience,
                defaults={
                    "trust_id": review.trust_id,
                    "fingerprint": fingerprint,
                    "file": name,
                    "file_sha256": digest,
                    "rendered_at": timezone.now(),
                },
            )
            if not created:
                old = row.file.name
                row.fingerprint, row.file.name, row.file_sha256 = fingerprint, name, digest
                row.rendered_at = timezone.now()
                row.save(update_fields=["fingerprint", "file", "file_sha256", "rendered_at"])
                if old and old != name:
                    transaction.on_commit(lambda: default_storage.delete(old), robust=True)
    except Exception:
        logger.exception("statement not stored review_id=%s", review.pk)
        default_storage.delete(name)


# ----- The headteacher's copy -------------------------------------------------------


def _require_copy_reader(actor: User, review: AnnualReview) -> None:
    if not reads_headteacher_copy(_principal(actor), review):
        raise ReviewError("Only the academy's headteacher reads the copy of a review.")


@transaction.atomic
def headteacher_copy_read(*, actor: User, review: AnnualReview) -> AnnualReview:
    """The headteacher says they have read the copy (it leaves their reviews to read)."""
    _require_copy_reader(actor, review)
    locked = AnnualReview.objects.select_for_update(of=("self",)).get(pk=review.pk)
    if locked.headteacher_read_at is not None:
        return locked
    locked.headteacher_read_at = timezone.now()
    locked.headteacher_read_by = actor
    _with_actor(locked, actor)
    locked.save(update_fields=["headteacher_read_at", "headteacher_read_by", "updated_at"])
    return locked


@dataclass(frozen=True)
class AdjustmentInput:
    next_objectives: str
    development_needs: str
    training: str
    reason: str
    discussed: bool


@transaction.atomic
def headteacher_adjust(
    *, actor: User, review: AnnualReview, expected_version: int, data: AdjustmentInput
) -> AnnualReview:
    """The headteacher adjusts the new cycle's objectives or the support offered in a
    completed review, where the policy allows it (staploe), having discussed it with the
    reviewer and reviewee. The change and its reason show on the review."""
    _require_copy_reader(actor, review)
    rules = review.cycle.policy_version.rules
    if not review_rules.headteacher_may_adjust(rules):
        raise ReviewError("The policy does not let the headteacher adjust objectives or support.")
    if not data.discussed:
        raise ReviewError(
            "Discuss the change with the reviewer and the member of staff before making it."
        )
    if not data.reason.strip():
        raise ReviewError("Say what you changed and why.")
    locked = _lock_review(review, expected_version)
    changed = [
        name
        for name in ("next_objectives", "development_needs", "training")
        if getattr(locked, name) != getattr(data, name)
    ]
    if not changed:
        raise ReviewError("Change the objectives or the support before saving.")
    for name in changed:
        setattr(locked, name, getattr(data, name))
    now = timezone.now()
    locked.headteacher_adjusted_at = now
    locked.headteacher_adjusted_by = actor
    locked.headteacher_adjustment = data.reason.strip()
    fields = [*changed, "headteacher_adjusted_at", "headteacher_adjusted_by"]
    fields += ["headteacher_adjustment", "version", "updated_at"]
    if locked.headteacher_read_at is None:
        locked.headteacher_read_at, locked.headteacher_read_by = now, actor
        fields += ["headteacher_read_at", "headteacher_read_by"]
    locked.version += 1
    _with_actor(locked, actor)
    locked.save(update_fields=fields)
    return locked


# ----- Moderation ---------------------------------------------------------------------


MAX_SAMPLE_SIZE = 200


class NotModeratedByPolicy(ReviewError):
    """The policy of every candidate cycle leaves this kind of moderation out."""


@transaction.atomic
def moderation_draw(
    *,
    actor: User,
    academy: Academy,
    year: int,
    kind: str,
    size: int,
    seed: int | None = None,
) -> ModerationSample:
    """Draw and store a random sample of the academy's reviews or objectives for a year.

    The seed and the population are kept so anyone can redraw it and get the same cycles
    (``reviews.rules.draw_sample``)."""
    principal = _principal(actor)
    if not may_moderate(principal, academy):
        raise ReviewError(REFUSALS[ReviewAction.MODERATE])
    kind = ModerationKind(kind)
    if not 1 <= size <= MAX_SAMPLE_SIZE:
        raise ReviewError(f"Choose a sample of between 1 and {MAX_SAMPLE_SIZE}.")
    population = selectors.moderation_population(academy=academy, year=year, kind=kind)
    if not population and selectors.moderation_population(
        academy=academy, year=year, kind=kind, by_policy=False
    ):
        raise NotModeratedByPolicy(
            "The policy for this academy's appraisal year does not moderate "
            + (
                "a sample of statements."
                if kind == ModerationKind.STATEMENTS
                else "objectives for alignment with the improvement plans."
            )
        )
    if not population:
        raise ReviewError(
            "There is nothing to moderate for that academy and year yet: "
            + (
                "no review has been completed."
                if kind == ModerationKind.STATEMENTS
                else "no objectives have been recorded."
            )
        )
    seed = seed if seed is not None else secrets.randbits(62)
    chosen = review_rules.draw_sample(population, size, seed)
    sample = ModerationSample(
        trust_id=academy.trust_id,
        academy=academy,
        year=year,
        kind=kind,
        requested_size=size,
        population_size=len(population),
        seed=seed,
        drawn_by=actor,
    )
    _with_actor(sample, actor)
    sample.save()
    ModerationItem.objects.bulk_create(
        ModerationItem(sample=sample, cycle_id=cycle_id, position=i)
        for i, cycle_id in enumerate(chosen, start=1)
    )
    return sample


@transaction.atomic
def moderation_record(
    *, actor: User, item: ModerationItem, outcome: str, note: str, objectives_aligned: str = ""
) -> ModerationItem:
    """Record a sampled record's outcome; where the cycle's policy checks alignment
    (langley §5), also whether its objectives are aligned with the improvement plans."""
    principal = _principal(actor)
    item = (
        ModerationItem.objects.select_for_update(of=("self",))
        .select_related("sample__academy", "cycle__policy_version")
        .get(pk=item.pk)
    )
    if not may_moderate(principal, item.sample.academy):
        raise ReviewError(REFUSALS[ReviewAction.MODERATE])
    if outcome not in (ModerationOutcome.CONSISTENT, ModerationOutcome.NEEDS_CHANGE):
        raise ReviewError("Choose consistent or needs change.")
    if outcome == ModerationOutcome.NEEDS_CHANGE and not note.strip():
        raise ReviewError("Say what needs to change.")
    fields = ["outcome", "note", "recorded_by", "recorded_at"]
    if review_rules.asks_alignment(item.cycle.policy_version.rules):
        if objectives_aligned not in Alignment.values:
            raise ReviewError("Say whether the objectives are aligned with the improvement plans.")
        item.objectives_aligned = objectives_aligned
        fields.append("objectives_aligned")
    item.outcome = outcome
    item.note = note
    item.recorded_by = actor
    item.recorded_at = timezone.now()
    _with_actor(item, actor)
    try:
        item.save(update_fields=fields)
    except IntegrityError:  # pragma: no cover - the row is locked above
        raise ReviewError("The outcome could not be saved; try again.") from None
    return item
