"""Reads for observations, evidence, the annual review, the statement and moderation.

Everything here takes a cycle already fetched through ``reviews.permissions`` (so the
caller has checked it may be seen) and reads only that cycle's rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cycles.models import AppraisalCycle
from objectives.models import Objective, ObjectiveStatus
from organisation.models import Academy, StaffMember
from organisation.principal import Principal

from . import permissions
from . import rules as review_rules
from .models import (
    AnnualReview,
    Evidence,
    Framework,
    JobRoleAccountability,
    ModerationItem,
    ModerationKind,
    ModerationSample,
    Observation,
    Standard,
)
from .permissions import ReviewAction


@dataclass(frozen=True)
class ObjectiveRef:
    """An objective of the cycle, as this app needs it: its id and its words."""

    pk: int
    title: str


def objectives_for_cycle(cycle: AppraisalCycle) -> list[ObjectiveRef]:
    """The cycle's objectives in their order (one query); withdrawn ones are not assessed
    and evidence is not attached to them."""
    rows = (
        Objective.objects.filter(trust_id=cycle.trust_id, cycle_id=cycle.pk)
        .exclude(status=ObjectiveStatus.WITHDRAWN)
        .order_by("position", "pk")
        .values_list("pk", "title")
    )
    return [ObjectiveRef(pk=pk, title=title) for pk, title in rows]


def standards_for(framework: str) -> list[Standard]:
    if framework == Framework.KEY_ACCOUNTABILITIES:
        return []
    return list(Standard.objects.filter(framework=framework).order_by("position"))


def accountabilities_for(appraisee: StaffMember) -> list[str]:
    return list(
        JobRoleAccountability.objects.filter(
            trust_id=appraisee.trust_id, job_role_id=appraisee.job_role_id
        ).values_list("text", flat=True)
    )


# ----- Observations -------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackLine:
    label: str
    due_at: dt.datetime | None
    given_at: dt.datetime | None
    state: review_rules.FeedbackState
    date_only: bool

    @property
    def tag_class(self) -> str:
        return {
            review_rules.FeedbackState.GIVEN: "govuk-tag--green",
            review_rules.FeedbackState.DUE: "govuk-tag--blue",
            review_rules.FeedbackState.OVERDUE: "govuk-tag--red",
        }.get(self.state, "govuk-tag--grey")

    @property
    def state_label(self) -> str:
        return {
            review_rules.FeedbackState.GIVEN: "Given",
            review_rules.FeedbackState.DUE: "Due",
            review_rules.FeedbackState.OVERDUE: "Overdue",
        }.get(self.state, "No date set")


def feedback_lines(observation: Observation, now: dt.datetime) -> list[FeedbackLine]:
    """Spoken and written feedback (or one feedback deadline), each due, overdue or given."""
    lines: list[FeedbackLine] = []
    if observation.feedback_due_at is not None:
        given = observation.verbal_feedback_at or observation.written_feedback_at
        lines.append(
            FeedbackLine(
                "Feedback",
                observation.feedback_due_at,
                given,
                review_rules.feedback_state(observation.feedback_due_at, given, now),
                date_only=False,
            )
        )
    if observation.feedback_due_at is None:
        for label, due, given in (
            ("Spoken feedback", observation.verbal_feedback_due_at, observation.verbal_feedback_at),
            (
                "Written feedback",
                observation.written_feedback_due_at,
                observation.written_feedback_at,
            ),
        ):
            if due is not None or given is not None:
                lines.append(
                    FeedbackLine(
                        label,
                        due,
                        given,
                        review_rules.feedback_state(due, given, now),
                        date_only=True,
                    )
                )
    if not lines:
        lines.append(
            FeedbackLine(
                "Feedback", None, None, review_rules.FeedbackState.NO_DEADLINE, date_only=True
            )
        )
    return lines


def observations_for_cycle(cycle: AppraisalCycle) -> QuerySet[Observation]:
    return Observation.objects.filter(trust_id=cycle.trust_id, cycle=cycle).select_related(
        "observer"
    )


def usable_observations(cycle: AppraisalCycle) -> QuerySet[Observation]:
    """Observations that count as appraisal evidence: never the ones the policy rules out."""
    return observations_for_cycle(cycle).filter(usable_for_appraisal=True)


def evidence_for_cycle(cycle: AppraisalCycle) -> QuerySet[Evidence]:
    return Evidence.objects.filter(trust_id=cycle.trust_id, cycle=cycle).select_related("added_by")


def review_for_cycle(cycle: AppraisalCycle) -> AnnualReview | None:
    return (
        AnnualReview.objects.filter(trust_id=cycle.trust_id, cycle=cycle)
        .prefetch_related("objective_assessments", "standard_assessments__standard")
        .first()
    )


# ----- The cycle page section ---------------------------------------------------------


@dataclass
class ObservationRow:
    observation: Observation
    feedback: list[FeedbackLine] = field(default_factory=list)


def cycle_section_context(cycle: AppraisalCycle, principal: Principal) -> dict[str, Any]:
    """What ``reviews/_cycle_section.html`` needs beyond the cycle page's own context.

    A fixed number of queries whatever the number of observations or evidence items."""
    now = timezone.now()
    observations = [
        ObservationRow(o, feedback_lines(o, now)) for o in observations_for_cycle(cycle)
    ]
    evidence = list(evidence_for_cycle(cycle))
    review = review_for_cycle(cycle)
    can_edit = permissions.can(principal, ReviewAction.RECORD_OBSERVATION, cycle)
    can_comment = permissions.can(principal, ReviewAction.COMMENT_ON_REVIEW, cycle)
    rules = cycle.policy_version.rules
    return {
        "reviews_section": {
            "observations": observations,
            "evidence": evidence,
            "review": review,
            "can_record": can_edit,
            "can_add_evidence": permissions.can(principal, ReviewAction.ADD_EVIDENCE, cycle),
            "can_comment": can_comment,
            "pay_required": review_rules.pay_reference_required(rules),
            "yearly_cap_minutes": rules.observations.yearly_cap_minutes,
            "minutes_used": sum(
                r.observation.duration_minutes
                for r in observations
                if r.observation.usable_for_appraisal
            ),
            "statement_available": review is not None and review.is_completed,
        }
    }


# ----- Moderation ---------------------------------------------------------------------


def academic_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 9, 1), dt.date(year + 1, 8, 31)


def moderation_population(*, academy: Academy, year: int, kind: str) -> list[int]:
    """Ids of the academy's cycles that a sample may be drawn from for ``year`` (cycles
    starting in that academic year, never the headteacher's own, which is moderated by
    no one in the academy): completed reviews for statements; cycles with objectives for
    objectives (langley §5 alignment sample)."""
    first, last = academic_year_bounds(year)
    cycles = AppraisalCycle.objects.filter(
        trust_id=academy.trust_id,
        academy=academy,
        starts_on__range=(first, last),
        is_headteacher_cycle=False,
    )
    if kind == ModerationKind.STATEMENTS:
        cycles = cycles.filter(annual_review__completed_at__isnull=False)
    else:
        cycles = cycles.filter(
            pk__in=Objective.objects.filter(trust_id=academy.trust_id).values("cycle_id")
        )
    return list(cycles.order_by("pk").values_list("pk", flat=True))


def moderation_samples(principal: Principal) -> QuerySet[ModerationSample]:
    """The samples this person moderates (``permissions.visible_moderation_samples``), with
    how far each has got."""
    return (
        permissions.visible_moderation_samples(principal)
        .select_related("academy", "drawn_by")
        .annotate(
            item_count=Count("items"),
            done_count=Count("items", filter=~Q(items__outcome="pending")),
        )
    )


def moderation_items(sample: ModerationSample) -> QuerySet[ModerationItem]:
    return sample.items.select_related(
        "cycle__appraisee", "cycle__reviewer", "cycle__annual_review", "recorded_by"
    )
