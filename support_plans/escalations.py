"""HR's escalations: every open concern, support plan and capability case in the trust (for
a headteacher, their academy's, never their own), with its academy, stage, days in stage,
next meeting and what is overdue. The page and its CSV export read the same rows.

A fixed number of queries whatever the number of cases: the plans with their next meeting
and meeting counts annotated, the concerns no plan was opened from, the academies' working
calendars (three), the stage names of the pinned policies. Counts are the database's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from calendars.selectors import calendars_for
from calendars.working_days import OutsideCalendarRange, WorkingCalendar
from organisation.models import Academy, StaffGroup
from organisation.principal import Principal
from policies.models import PolicyVersion

from . import permissions, rules
from .models import CAPABILITY, Concern, MeetingKind, PlanStatus, SupportPlan

# The "stage" filter's own values beside the policies' stage keys.
CONCERN_STAGE = "concern"
SUPPORT_STAGES = "support"


@dataclass(frozen=True)
class Filters:
    academy_id: int | None = None
    stage: str = ""
    staff_group: str = ""


@dataclass(frozen=True)
class EscalationRow:
    kind: str  # "Concern", "Support plan", "Capability"
    person: str
    staff_group: str
    academy: str
    stage: str
    since: dt.date
    days_in_stage: int
    next_meeting: dt.date | None
    overdue: tuple[str, ...]
    url_name: str
    pk: int


@dataclass(frozen=True)
class Counts:
    concerns: int
    plans: int
    capability: int

    @property
    def total(self) -> int:
        return self.concerns + self.plans + self.capability


def _plans(principal: Principal, filters: Filters, today: dt.date) -> QuerySet[SupportPlan]:
    rows = SupportPlan.objects.filter(
        permissions.escalations_scope(principal), status=PlanStatus.OPEN
    )
    if filters.academy_id is not None:
        rows = rows.filter(academy_id=filters.academy_id)
    if filters.staff_group:
        rows = rows.filter(staff__staff_group=filters.staff_group)
    if filters.stage == CONCERN_STAGE:
        return rows.none()
    if filters.stage == SUPPORT_STAGES:
        rows = rows.exclude(stage=CAPABILITY)
    elif filters.stage:
        rows = rows.filter(stage=filters.stage)
    return rows


def _concerns(principal: Principal, filters: Filters) -> QuerySet[Concern]:
    rows = Concern.objects.filter(permissions.escalations_scope(principal)).filter(
        ~Exists(SupportPlan.objects.filter(concern_id=OuterRef("pk")))
    )
    if filters.stage and filters.stage != CONCERN_STAGE:
        return rows.none()
    if filters.academy_id is not None:
        rows = rows.filter(academy_id=filters.academy_id)
    if filters.staff_group:
        rows = rows.filter(staff__staff_group=filters.staff_group)
    return rows


def counts(principal: Principal, filters: Filters) -> Counts:
    """How many open cases of each kind the filters leave (two queries)."""
    plans = _plans(principal, filters, timezone.localdate()).aggregate(
        plans=Count("pk", filter=~Q(stage=CAPABILITY)),
        capability=Count("pk", filter=Q(stage=CAPABILITY)),
    )
    return Counts(
        concerns=_concerns(principal, filters).count(),
        plans=plans["plans"],
        capability=plans["capability"],
    )


def _plan_overdue(
    plan: SupportPlan, calendar: WorkingCalendar | None, today: dt.date
) -> tuple[str, ...]:
    found: list[str] = []
    unrecorded: int = getattr(plan, "meetings_unrecorded", 0)
    if unrecorded:
        found.append(f"{unrecorded} meeting{'s' if unrecorded != 1 else ''} held but not recorded")
    if plan.is_paused or calendar is None:
        return tuple(found)
    support = plan.policy_version.rules.support
    try:
        ends = rules.stage_normally_ends(calendar, support, plan.stage, plan.stage_started_on)
        letter = None
        if plan.in_capability and plan.capability_started_on is not None:
            letter = rules.capability_letter_due(calendar, support, plan.capability_started_on)
    except OutsideCalendarRange:
        return tuple(found)
    if ends is not None and ends < today:
        found.append(f"Stage normally ended on {ends:%-d %B %Y}")
    if letter is not None and letter < today and not getattr(plan, "capability_meetings", 0):
        found.append(f"Capability meeting invitation was due by {letter:%-d %B %Y}")
    return tuple(found)


def escalations(
    principal: Principal, filters: Filters, *, today: dt.date | None = None
) -> list[EscalationRow]:
    """The open cases ``principal`` oversees that ``filters`` leave, by academy and
    person."""
    today = today or timezone.localdate()
    plans = list(
        _plans(principal, filters, today)
        .select_related("staff", "academy", "policy_version")
        .annotate(
            next_meeting=Min(
                "meetings__scheduled_for",
                filter=Q(meetings__scheduled_for__gte=today, meetings__held_on__isnull=True),
            ),
            meetings_unrecorded=Count(
                "meetings",
                filter=Q(meetings__scheduled_for__lt=today, meetings__held_on__isnull=True),
                distinct=True,
            ),
            capability_meetings=Count(
                "meetings", filter=Q(meetings__kind=MeetingKind.CAPABILITY), distinct=True
            ),
        )
        .order_by("academy__name", "staff__last_name", "staff__first_name", "pk")
    )
    concerns = list(
        _concerns(principal, filters)
        .select_related("staff", "academy")
        .order_by("academy__name", "staff__last_name", "staff__first_name", "pk")
    )
    calendars: dict[int, WorkingCalendar] = {}
    if plans:
        calendars = calendars_for(
            {p.academy_id for p in plans}, min(p.stage_started_on for p in plans), today
        )
    rows: list[EscalationRow] = []
    for plan in plans:
        rows.append(
            EscalationRow(
                kind="Capability" if plan.stage == CAPABILITY else "Support plan",
                person=plan.staff.full_name,
                staff_group=plan.staff.get_staff_group_display(),
                academy=plan.academy.name,
                stage=plan.stage_name() + (" (paused)" if plan.is_paused else ""),
                since=plan.stage_started_on,
                days_in_stage=(today - plan.stage_started_on).days,
                next_meeting=getattr(plan, "next_meeting", None),
                overdue=_plan_overdue(plan, calendars.get(plan.academy_id), today),
                url_name="support_plans:plan_detail",
                pk=plan.pk,
            )
        )
    for concern in concerns:
        rows.append(
            EscalationRow(
                kind="Concern",
                person=concern.staff.full_name,
                staff_group=concern.staff.get_staff_group_display(),
                academy=concern.academy.name,
                stage="Concern recorded: no support plan yet",
                since=concern.raised_with_them_on,
                days_in_stage=(today - concern.raised_with_them_on).days,
                next_meeting=None,
                overdue=(),
                url_name="support_plans:concern_detail",
                pk=concern.pk,
            )
        )
    rows.sort(key=lambda r: (r.academy, r.person, r.kind))
    return rows


# ----- The filter's choices ----------------------------------------------------------


def academy_choices(principal: Principal) -> list[tuple[int, str]]:
    """The academies whose cases ``principal`` oversees (one query)."""
    return list(
        Academy.objects.filter(trust_id=principal.tenant_id)
        .filter(permissions.escalations_academies(principal))
        .order_by("name")
        .values_list("pk", "name")
    )


def stage_choices(principal: Principal) -> list[tuple[str, str]]:
    """Concern, any support stage, each stage open plans are at (named by their policy),
    and capability (two queries)."""
    pairs = list(
        SupportPlan.objects.filter(permissions.escalations_scope(principal), status="open")
        .exclude(stage=CAPABILITY)
        .values_list("stage", "policy_version_id")
        .distinct()
        .order_by("stage")
    )
    versions = {v.pk: v for v in PolicyVersion.objects.filter(pk__in={v for _, v in pairs})}
    named: dict[str, str] = {}
    for stage, version_id in pairs:
        if stage not in named:
            named[stage] = rules.stage_name(versions[version_id].rules.support, stage)
    choices: list[tuple[str, str]] = [
        (CONCERN_STAGE, "Concern with no support plan yet"),
        (SUPPORT_STAGES, "Any support stage before capability"),
    ]
    choices += sorted(named.items(), key=lambda kv: kv[1])
    choices.append((CAPABILITY, rules.CAPABILITY_NAME))
    return choices


def staff_group_choices() -> Sequence[tuple[str, str]]:
    return list(StaffGroup.choices)
