"""The figures of the appraisal-year report, counted in the database.

Each measure is one table: a population (cycles, observations, assessments, ...) split into
categories, counted per academy and staff group with one ``GROUP BY`` query. Nothing here
loads a row of a person: the queries return (academy, staff group, category, count).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from calendars.working_days import academic_year_bounds
from cycles.models import AppraisalCycle, CycleState
from objectives.models import Conversation, PlanState
from policies.models import PolicyVersion
from reviews.deadlines import due_after_cycle
from reviews.models import (
    ModerationItem,
    ModerationOutcome,
    ObjectiveAssessment,
    Observation,
    Outcome,
    StandardAssessment,
)

Counts = dict[tuple[str, str, str], int]


@dataclass(frozen=True)
class Measure:
    """One table of the report: its key, title, categories with their labels, the
    population it counts, whether the categories split that population, whether its figures
    are sensitive (the stricter threshold), and how to count it for a trust's year."""

    key: str
    title: str
    summary: str
    categories: tuple[tuple[str, str], ...]
    population: str
    partition: bool
    count: Callable[[int, int], Counts]
    sensitive: bool = False
    chart: bool = False


def _counts(qs: QuerySet, academy: str, group: str, category: str) -> Counts:
    rows = (
        qs.order_by()
        .values(academy, group, category)
        .annotate(n=Count("pk"))
        .values_list(academy, group, category, "n")
    )
    return {(str(a), str(g or ""), str(c or "")): n for a, g, c, n in rows}


def year_cycles(trust_id: int, year: int) -> QuerySet[AppraisalCycle]:
    """The cycles of academic year ``year``: those starting within it."""
    first, last = academic_year_bounds(year)
    return AppraisalCycle.objects.filter(trust_id=trust_id, starts_on__range=(first, last))


def year_versions(trust_id: int, year: int) -> list[PolicyVersion]:
    """The policy versions pinned to the year's cycles (one query)."""
    ids = year_cycles(trust_id, year).order_by().values("policy_version_id").distinct()
    return list(PolicyVersion.objects.filter(pk__in=ids).order_by("pk"))


def _stage(trust_id: int, year: int) -> Counts:
    return _counts(year_cycles(trust_id, year), "academy_id", "appraisee__staff_group", "state")


def _objectives(trust_id: int, year: int) -> Counts:
    qs = year_cycles(trust_id, year).annotate(
        category=Case(
            When(objective_plan__state=PlanState.AGREED, then=Value("agreed")),
            When(objective_plan__isnull=False, then=Value("not_agreed")),
            default=Value("none"),
            output_field=CharField(),
        )
    )
    return _counts(qs, "academy_id", "appraisee__staff_group", "category")


def _due_case(trust_id: int, year: int, which: str) -> Case | Value:
    """The review's (or statement's) due date as a database expression: the few distinct
    (policy version, headteacher's cycle, staff group, last day) combinations of the year are
    read once and their due dates worked out from the pinned policy."""
    from reviews.deadlines import review_due_day, statement_due_day

    combos = (
        year_cycles(trust_id, year)
        .order_by()
        .values_list(
            "policy_version_id", "is_headteacher_cycle", "appraisee__staff_group", "ends_on"
        )
        .distinct()
    )
    versions = {v.pk: v for v in year_versions(trust_id, year)}
    whens = []
    for version_id, headteacher, group, ends_on in combos:
        rules = versions[version_id].rules
        probe = AppraisalCycle(is_headteacher_cycle=headteacher, ends_on=ends_on)
        day = (
            review_due_day(rules, probe, group)
            if which == "review"
            else statement_due_day(rules, probe)
        )
        due = due_after_cycle(day, probe)
        if due is None:
            continue
        whens.append(
            When(
                policy_version_id=version_id,
                is_headteacher_cycle=headteacher,
                appraisee__staff_group=group,
                ends_on=ends_on,
                then=Value(due),
            )
        )
    if not whens:
        return Value(None, output_field=DateField())
    return Case(*whens, default=None, output_field=DateField())


def _timeliness(trust_id: int, year: int, which: str) -> Counts:
    qs = (
        year_cycles(trust_id, year)
        .annotate(
            due=_due_case(trust_id, year, which),
            done_on=TruncDate("annual_review__completed_at"),
        )
        .annotate(
            category=Case(
                When(done_on__isnull=True, then=Value("outstanding")),
                When(Q(due__isnull=True) | Q(done_on__lte=F("due")), then=Value("on_time")),
                default=Value("late"),
                output_field=CharField(),
            )
        )
    )
    return _counts(qs, "academy_id", "appraisee__staff_group", "category")


def _conversations(trust_id: int, year: int) -> Counts:
    qs = Conversation.objects.filter(
        cycle__in=year_cycles(trust_id, year), trust_id=trust_id
    ).annotate(
        category=Case(
            When(held_on__isnull=False, then=Value("held")),
            default=Value("not_held"),
            output_field=CharField(),
        )
    )
    return _counts(qs, "cycle__academy_id", "cycle__appraisee__staff_group", "category")


def _feedback(trust_id: int, year: int) -> Counts:
    qs = (
        Observation.objects.filter(cycle__in=year_cycles(trust_id, year), trust_id=trust_id)
        .annotate(
            due=Coalesce("written_feedback_due_at", "feedback_due_at", "verbal_feedback_due_at"),
            given=Coalesce("written_feedback_at", "verbal_feedback_at"),
        )
        .annotate(
            category=Case(
                When(given__isnull=True, then=Value("outstanding")),
                When(Q(due__isnull=True) | Q(given__lte=F("due")), then=Value("on_time")),
                default=Value("late"),
                output_field=CharField(),
            )
        )
    )
    return _counts(qs, "cycle__academy_id", "cycle__appraisee__staff_group", "category")


def _moderation(trust_id: int, year: int) -> Counts:
    qs = ModerationItem.objects.filter(sample__trust_id=trust_id, sample__year=year)
    return _counts(qs, "sample__academy_id", "cycle__appraisee__staff_group", "outcome")


def _assessments(model: type[ObjectiveAssessment] | type[StandardAssessment]) -> Callable:
    def count(trust_id: int, year: int) -> Counts:
        qs = model.objects.filter(
            review__cycle__in=year_cycles(trust_id, year), review__trust_id=trust_id
        ).exclude(outcome="")
        return _counts(
            qs, "review__cycle__academy_id", "review__cycle__appraisee__staff_group", "outcome"
        )

    return count


_TIMELY = (("on_time", "On time"), ("late", "Late"), ("outstanding", "Not done yet"))
_OUTCOMES = tuple((o.value, o.label) for o in Outcome)

MEASURES: tuple[Measure, ...] = (
    Measure(
        "stage",
        "Appraisals by stage",
        "How many appraisals of the year are at each stage.",
        tuple((s.value, s.label) for s in CycleState),
        population="cycles",
        partition=True,
        count=_stage,
    ),
    Measure(
        "objectives",
        "Objectives agreed",
        "How many appraisals have their objectives agreed.",
        (("agreed", "Agreed"), ("not_agreed", "Not agreed yet"), ("none", "Not started")),
        population="cycles",
        partition=True,
        count=_objectives,
    ),
    Measure(
        "review",
        "Annual reviews completed by their due date",
        "How many annual reviews were completed by the policy's due date, late, or not yet.",
        _TIMELY,
        population="cycles",
        partition=True,
        count=lambda t, y: _timeliness(t, y, "review"),
        chart=True,
    ),
    Measure(
        "statement",
        "Written statements given by their due date",
        "How many written statements were given by the policy's due date, late, or not yet.",
        _TIMELY,
        population="cycles",
        partition=True,
        count=lambda t, y: _timeliness(t, y, "statement"),
    ),
    Measure(
        "conversations",
        "Conversations held",
        "How many of the year's planned conversations have been held.",
        (("held", "Held"), ("not_held", "Not held yet")),
        population="conversations",
        partition=True,
        count=_conversations,
    ),
    Measure(
        "feedback",
        "Observation feedback by its due date",
        "How many observations had their feedback by the due date, late, or not yet.",
        _TIMELY,
        population="observations",
        partition=True,
        count=_feedback,
    ),
    Measure(
        "moderation",
        "Moderation outcomes",
        "How the statements and objectives drawn for moderation were found.",
        tuple((o.value, o.label) for o in ModerationOutcome),
        population="moderation",
        partition=True,
        count=_moderation,
    ),
    Measure(
        "objective_outcomes",
        "Objectives met",
        "How the objectives assessed at the annual reviews were met.",
        _OUTCOMES,
        population="objective_outcomes",
        partition=True,
        count=_assessments(ObjectiveAssessment),
        chart=True,
    ),
    Measure(
        "standards",
        "Standards met",
        "How the standards assessed at the annual reviews were met.",
        _OUTCOMES,
        population="standards",
        partition=True,
        count=_assessments(StandardAssessment),
    ),
)
