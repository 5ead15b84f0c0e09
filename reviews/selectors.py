"""Reads for observations, evidence, the annual review, the statement and moderation.

Everything here takes a cycle already fetched through ``reviews.permissions`` (so the
caller has checked it may be seen) and reads only that cycle's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from cycles.models import AppraisalCycle
from objectives.models import Objective, ObjectiveStatus
from organisation.models import Academy, Role, RoleAssignment, StaffMember
from organisation.principal import Principal
from policies.models import PolicyVersion

from . import permissions
from . import rules as review_rules
from .models import (
    AnnualReview,
    Evidence,
    Framework,
    JobRoleAccountability,
    ModerationItem,
    ModerationKind,
    ModerationOutcome,
    ModerationSample,
    ObjectiveAssessment,
    Observation,
    Outcome,
    Standard,
    StandardAssessment,
    StatementFile,
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
    def verb(self) -> str:
        """The words before the date: "given 27 November 2026", "due by …", "overdue since …"."""
        return {
            review_rules.FeedbackState.GIVEN: "given",
            review_rules.FeedbackState.DUE: "due by",
            review_rules.FeedbackState.OVERDUE: "overdue since",
        }.get(self.state, "no date set")


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
    """The cycle's evidence as it stands: withdrawn pieces are no longer listed."""
    return Evidence.objects.filter(
        trust_id=cycle.trust_id, cycle=cycle, withdrawn_at__isnull=True
    ).select_related("added_by")


def review_for_cycle(cycle: AppraisalCycle) -> AnnualReview | None:
    return (
        AnnualReview.objects.filter(trust_id=cycle.trust_id, cycle=cycle)
        .prefetch_related("objective_assessments", "standard_assessments__standard")
        .first()
    )


# The annual review before it is saved. Opening the review page writes nothing: it shows
# the saved review with the rows saving it will add (or, before the first save, the whole
# review ``services.review_start`` will create, built by the same functions below).

AssessmentRow = ObjectiveAssessment | StandardAssessment


@dataclass
class ReviewDraft:
    review: AnnualReview
    objective_rows: list[ObjectiveAssessment]
    standard_rows: list[StandardAssessment]

    @property
    def is_saved(self) -> bool:
        rows: list[AssessmentRow] = [*self.objective_rows, *self.standard_rows]
        return self.review.pk is not None and all(row.pk is not None for row in rows)


def unsaved_review(cycle: AppraisalCycle) -> AnnualReview:
    """The review a cycle starts with, in the framework for the appraisee's role."""
    appraisee = cycle.appraisee
    framework = review_rules.framework_for(
        staff_group=appraisee.staff_group,
        has_qts=appraisee.has_qts,
        is_headteacher_cycle=cycle.is_headteacher_cycle,
    )
    return AnnualReview(trust_id=cycle.trust_id, cycle=cycle, framework=framework)


def unsaved_standard_rows(review: AnnualReview, cycle: AppraisalCycle) -> list[StandardAssessment]:
    """One row per standard (or key accountability of the role) a new review assesses."""
    if review.framework == Framework.KEY_ACCOUNTABILITIES:
        texts = accountabilities_for(cycle.appraisee)
        return [
            StandardAssessment(review=review, accountability=text, position=i)
            for i, text in enumerate(texts, start=1)
        ]
    # aspire §6.3: everyone meets the standards unless concerns are being managed.
    rules = cycle.policy_version.rules
    default_outcome = Outcome.MET if rules.review.standards_met_unless_concerns else ""
    return [
        StandardAssessment(
            review=review, standard=standard, position=standard.position, outcome=default_outcome
        )
        for standard in standards_for(review.framework)
        if standard.assessed
    ]


def unsaved_objective_rows(
    review: AnnualReview, cycle: AppraisalCycle, *, have: set[int]
) -> list[ObjectiveAssessment]:
    """A row for each of the cycle's objectives not in ``have`` (agreed since the review
    was started, or all of them for a new review)."""
    return [
        ObjectiveAssessment(
            review=review, objective_id=o.pk, objective_title=o.title[:500], position=i
        )
        for i, o in enumerate(objectives_for_cycle(cycle), start=1)
        if o.pk not in have
    ]


def review_draft(cycle: AppraisalCycle, review: AnnualReview | None) -> ReviewDraft:
    """What the review page shows: ``review`` (from ``review_for_cycle``) and the rows a
    save will add, or a whole unsaved review."""
    if review is None:
        review = unsaved_review(cycle)
        return ReviewDraft(
            review,
            unsaved_objective_rows(review, cycle, have=set()),
            unsaved_standard_rows(review, cycle),
        )
    objective_rows = list(review.objective_assessments.all())
    if not review.is_completed:
        have = {row.objective_id for row in objective_rows if row.objective_id is not None}
        objective_rows += unsaved_objective_rows(review, cycle, have=have)
    return ReviewDraft(review, objective_rows, list(review.standard_assessments.all()))


def assessment_key(row: AssessmentRow) -> str:
    """The key a review form names a row by: its id once saved; before that, what it
    assesses (the objective, the standard, or the accountability's place in the list),
    which is what the saved row will be found by (``assessment_ids``)."""
    if row.pk is not None:
        return str(row.pk)
    if isinstance(row, ObjectiveAssessment):
        return f"new{row.objective_id}"
    if row.standard_id is not None:
        return f"new{row.standard_id}"
    return f"newa{row.position}"


def assessment_ids(review: AnnualReview) -> tuple[dict[str, int], dict[str, int]]:
    """The ids of a saved review's objective and standard rows under every key a form
    opened before they were saved may name them by."""
    objectives: dict[str, int] = {}
    for o in review.objective_assessments.all():
        objectives[str(o.pk)] = o.pk
        if o.objective_id is not None:
            objectives[f"new{o.objective_id}"] = o.pk
    standards: dict[str, int] = {}
    for s in review.standard_assessments.all():
        standards[str(s.pk)] = s.pk
        key = f"new{s.standard_id}" if s.standard_id is not None else f"newa{s.position}"
        standards.setdefault(key, s.pk)
    return objectives, standards


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
    if review is not None:
        review.cycle = cycle
    can_edit = permissions.can(principal, ReviewAction.RECORD_OBSERVATION, cycle)
    can_comment = permissions.can(principal, ReviewAction.COMMENT_ON_REVIEW, cycle)
    rules = cycle.policy_version.rules
    reader_is_appraisee = principal.staff is not None and principal.staff.pk == cycle.appraisee_id
    return {
        "reviews_section": {
            "overview_shown": review_rules.overview_shown_to(
                rules, reader_is_appraisee=reader_is_appraisee
            ),
            "copy_to_headteacher": review_rules.copy_goes_to_headteacher(
                rules, is_headteacher_cycle=cycle.is_headteacher_cycle
            ),
            "reads_copy": review is not None
            and permissions.reads_headteacher_copy(principal, review),
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
            # Evidence this person may still change or withdraw: theirs (or any, for the
            # reviewer's side) until the review is completed.
            "evidence_changeable": (
                set()
                if (review is not None and review.is_completed)
                or cycle.state in ("closed", "suspended")
                or not permissions.can(principal, ReviewAction.ADD_EVIDENCE, cycle)
                else {
                    e.pk
                    for e in evidence
                    if can_edit or (e.added_by_id and e.added_by_id == principal.user_id)
                }
            ),
            **_reopen_context(cycle, principal, review, can_write=can_edit),
        }
    }


def _reopen_context(
    cycle: AppraisalCycle, principal: Principal, review: AnnualReview | None, *, can_write: bool
) -> dict[str, Any]:
    """A change moderation asked for (shown to those who write or moderate the review),
    whether this person may reopen the completed review (the same rule as
    ``services.review_reopen_refusal``), and the review's reopenings. Two queries at most."""
    moderates = permissions.may_moderate(principal, cycle.academy)
    asked = (
        change_asked_by_moderation([cycle.pk]).get(cycle.pk)
        if review is not None and (can_write or moderates)
        else None
    )
    completed = review is not None and review.is_completed
    return {
        "change_asked": asked,
        "may_reopen": completed and (moderates or (can_write and asked is not None)),
        "reopenings": reopenings(review) if review is not None and review.reopened_at else [],
    }


# ----- Moderation ---------------------------------------------------------------------


def academic_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 9, 1), dt.date(year + 1, 8, 31)


def moderation_population(
    *, academy: Academy, year: int, kind: str, by_policy: bool = True
) -> list[int]:
    """Ids of the academy's cycles that a sample may be drawn from for ``year`` (cycles
    starting in that academic year, never the headteacher's own, which is moderated by
    no one in the academy): completed reviews for statements; cycles with objectives for
    objectives (langley §5 alignment sample), never a statement the headteacher wrote as
    reviewer (classic §5.8.1 moderates delegated reviews). Only cycles whose pinned policy moderates
    that kind (``review.moderation_sample``, ``review.alignment_sample_check``); with
    ``by_policy=False``, whatever the policy says (to tell the moderator why none are left)."""
    first, last = academic_year_bounds(year)
    cycles = AppraisalCycle.objects.filter(
        trust_id=academy.trust_id,
        academy=academy,
        starts_on__range=(first, last),
        is_headteacher_cycle=False,
    )
    if kind == ModerationKind.STATEMENTS:
        # classic §5.8.1: statements are moderated where the reviewer role has been
        # delegated, so not those the academy's headteacher wrote as reviewer.
        heads = RoleAssignment.objects.active().filter(
            trust_id=academy.trust_id, academy=academy, role=Role.HEADTEACHER
        )
        cycles = cycles.filter(annual_review__completed_at__isnull=False).exclude(
            reviewer__user_id__in=heads.values("user_id")
        )
    else:
        cycles = cycles.filter(
            pk__in=Objective.objects.filter(trust_id=academy.trust_id).values("cycle_id")
        )
    rows = list(cycles.order_by("pk").values_list("pk", "policy_version_id"))
    if not by_policy:
        return [pk for pk, _ in rows]
    versions = PolicyVersion.objects.filter(pk__in={v for _, v in rows})
    moderated = {v.pk for v in versions if kind in review_rules.moderated_kinds(v.rules)}
    return [pk for pk, version_id in rows if version_id in moderated]


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


# ----- The headteacher's copy -------------------------------------------------------


def headteacher_copies(principal: Principal) -> list[AnnualReview]:
    """Copies of completed reviews sent to this headteacher, unread first, then newest."""
    return list(
        permissions.visible_headteacher_copies(principal)
        .select_related("cycle__appraisee", "cycle__reviewer", "cycle__academy")
        .order_by(F("headteacher_read_at").asc(nulls_first=True), "-headteacher_copy_at", "pk")[
            :200
        ]
    )


def headteacher_copies_to_read(principal: Principal) -> int:
    """How many copies this headteacher has not yet read (the home page's entry)."""
    return (
        permissions.visible_headteacher_copies(principal)
        .filter(headteacher_read_at__isnull=True)
        .count()
    )


def statement_files_of_observations(pks: Collection[int]) -> Iterable[tuple[int, str]]:
    """(observation id, stored statement file) for the statements of these observations'
    cycles: an observation destroyed before its cycle takes the stored copies that show
    it (the next download lays the statement out again without it). Each file is named
    once, for the cycle's first observation here, and only while it is still stored."""
    first_of: dict[int, int] = {}
    for pk, cycle_id in (
        Observation._base_manager.filter(pk__in=list(pks))
        .order_by("pk")
        .values_list("pk", "cycle_id")
    ):
        first_of.setdefault(cycle_id, pk)
    rows = StatementFile.objects.filter(review__cycle_id__in=list(first_of)).values_list(
        "review__cycle_id", "file"
    )
    return [
        (first_of[cycle_id], name)
        for cycle_id, name in rows
        if name and default_storage.exists(name)
    ]


def change_asked_by_moderation(cycle_ids: Iterable[int]) -> dict[int, ModerationItem]:
    """For each cycle, the latest moderation outcome that asked for a change to its
    statement and has not been answered: the review was not completed again since. One
    query."""
    found: dict[int, ModerationItem] = {}
    rows = (
        ModerationItem.objects.filter(
            cycle_id__in=list(cycle_ids),
            outcome=ModerationOutcome.NEEDS_CHANGE,
            sample__kind=ModerationKind.STATEMENTS,
            recorded_at__isnull=False,
        )
        .select_related("recorded_by", "cycle__annual_review")
        .order_by("cycle_id", "-recorded_at", "-pk")
    )
    for item in rows:
        if item.cycle_id in found:
            continue
        review = getattr(item.cycle, "annual_review", None)
        answered = (
            review is not None
            and review.completed_at is not None
            and item.recorded_at is not None
            and review.completed_at > item.recorded_at
        )
        if not answered:
            found[item.cycle_id] = item
    return found


def reopenings(review: AnnualReview) -> list[Any]:
    """Each time the completed review was reopened (newest first), from its history: when,
    by whom and why."""
    seen: set[Any] = set()
    found: list[Any] = []
    rows = (
        review.history.filter(reopened_at__isnull=False)  # type: ignore[attr-defined]
        .select_related("reopened_by")
        .order_by("-history_date")
    )
    for row in rows:
        if row.reopened_at in seen:
            continue
        seen.add(row.reopened_at)
        found.append(row)
    return found


def sample_label(sample: ModerationSample) -> str:
    """The sample in words: "Sample 2 of 3 drawn for this academy's 2026/27 statements"."""
    siblings = list(
        ModerationSample.objects.filter(
            trust_id=sample.trust_id,
            academy_id=sample.academy_id,
            year=sample.year,
            kind=sample.kind,
        )
        .order_by("drawn_at", "pk")
        .values_list("pk", flat=True)
    )
    number = siblings.index(sample.pk) + 1 if sample.pk in siblings else len(siblings)
    return f"Sample {number} of {len(siblings)}"
