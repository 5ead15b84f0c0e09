"""The annual review."""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from cycles import order
from cycles.models import AppraisalCycle, CycleState

from .. import rules as review_rules
from .. import selectors
from ..models import (
    AnnualReview,
    Framework,
    ObjectiveAssessment,
    Outcome,
    StandardAssessment,
)
from ..permissions import ReviewAction, can, may_moderate
from ._common import (
    ReviewError,
    StaleReview,
    _lock_cycle,
    _principal,
    _require,
    _require_open,
    _with_actor,
)
from .statement import statement_issue

if TYPE_CHECKING:
    from accounts.models import User
    from organisation.principal import Principal

logger = logging.getLogger(__name__)


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


def review_complete_refusal(cycle: AppraisalCycle) -> str | None:
    """Why the review cannot be completed (and its statement issued) today: not before
    the window the pinned policy gives the annual review, unless the annual review was
    begun (early, with its reason recorded on the cycle)."""
    return order.review_complete_refusal(
        cycle.policy_version.rules,
        today=timezone.localdate(),
        ends_on=cycle.ends_on,
        review_begun=cycle.state == CycleState.REVIEW,
    )


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
    if complete:
        _check_transition(review, ReviewStage.COMPLETED)
    valid = {Outcome.MET, Outcome.PARTLY_MET, Outcome.NOT_MET, ""}
    if any(a.outcome not in valid for a in (*objectives.values(), *standards.values())):
        raise ReviewError("Choose met, partly met or not met.")
    objective_rows = {a.pk: a for a in review.objective_assessments.all()}
    standard_rows = {a.pk: a for a in review.standard_assessments.all()}
    if set(objectives) - set(objective_rows) or set(standards) - set(standard_rows):
        raise ReviewError("The review's objectives changed while you were editing it.")
    rules = cycle.policy_version.rules
    if complete:
        refusal = review_complete_refusal(cycle)
        if refusal is not None:
            raise ReviewError(refusal)
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


# ----- Completing and reopening: the review's one workflow ---------------------------


class ReviewStage(enum.StrEnum):
    DRAFT = "draft"
    COMPLETED = "completed"


# The moves a review makes, and what each is called. Completing is ``review_save(...,
# complete=True)``; reopening is ``review_reopen``. Nothing else changes the stage.
TRANSITIONS: dict[tuple[ReviewStage, ReviewStage], str] = {
    (ReviewStage.DRAFT, ReviewStage.COMPLETED): "complete",
    (ReviewStage.COMPLETED, ReviewStage.DRAFT): "reopen",
}


def review_stage(review: AnnualReview) -> ReviewStage:
    return ReviewStage.COMPLETED if review.is_completed else ReviewStage.DRAFT


def _check_transition(review: AnnualReview, to: ReviewStage) -> None:
    if (review_stage(review), to) not in TRANSITIONS:
        raise ReviewError(
            "This review is not completed, so there is nothing to reopen: change it and "
            "complete it again."
            if to is ReviewStage.DRAFT
            else "This review has been completed and can no longer be changed."
        )


REOPEN_REFUSED = (
    "Only the academy's headteacher, their delegate or HR reopen a completed review, or "
    "the reviewer when moderation has asked for a change."
)


def review_reopen_refusal(principal: Principal, review: AnnualReview) -> str | None:
    """Why this person may not reopen the completed review (None: they may). A moderator
    of the cycle's academy (its headteacher, their delegate, HR) may at any time; the
    reviewer (or another academy lead who writes reviews) when a moderation outcome has
    asked for a change that the review has not yet answered."""
    cycle = review.cycle
    if may_moderate(principal, cycle.academy):
        return None
    if can(principal, ReviewAction.WRITE_REVIEW, cycle) and (
        cycle.pk in selectors.change_asked_by_moderation([cycle.pk])
    ):
        return None
    return REOPEN_REFUSED


@transaction.atomic
def review_reopen(
    *, actor: User, review: AnnualReview, expected_version: int, reason: str
) -> AnnualReview:
    """Reopen a completed review so it can be changed and completed again (its statement is
    then issued again). The reason, the person and the moment are kept on the review and
    in its history; the appraisee's acknowledgement and the headteacher's reading are of
    the old version, so they are asked for again."""
    cycle = review.cycle
    principal = _principal(actor)
    refusal = review_reopen_refusal(principal, review)
    if refusal is not None:
        raise ReviewError(refusal)
    _require_open(cycle)
    if not reason.strip():
        raise ReviewError("Say why the review is being reopened.", field="reason")
    locked = _lock_review(review, expected_version)
    _check_transition(locked, ReviewStage.DRAFT)
    locked.completed_at = None
    locked.completed_by = None
    locked.acknowledged_at = None
    locked.headteacher_copy_at = None
    locked.headteacher_read_at = None
    locked.headteacher_read_by = None
    locked.reopened_at = timezone.now()
    locked.reopened_by = actor
    locked.reopen_reason = reason.strip()
    locked.version += 1
    _with_actor(locked, actor)
    locked.save(
        update_fields=[
            "completed_at",
            "completed_by",
            "acknowledged_at",
            "headteacher_copy_at",
            "headteacher_read_at",
            "headteacher_read_by",
            "reopened_at",
            "reopened_by",
            "reopen_reason",
            "version",
            "updated_at",
        ]
    )
    locked.cycle = cycle
    logger.info("review reopened review_id=%s by user_id=%s", locked.pk, actor.pk)
    return locked
