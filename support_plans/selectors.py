"""Reads of concerns and support plans shaped for the pages, and the questions other apps
ask: who is in live capability on a date, which policy versions plans pin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from calendars.selectors import load_calendar
from calendars.working_days import OutsideCalendarRange

from . import permissions, rules
from .models import (
    CAPABILITY,
    Concern,
    PlanComment,
    PlanEvent,
    PlanLetter,
    PlanStatus,
    SupportMeeting,
    SupportPlan,
    WrittenPlan,
)

if TYPE_CHECKING:
    from cycles.models import AppraisalCycle
    from organisation.models import StaffMember
    from organisation.principal import Principal
    from policies.models import Policy


def plans_for(
    principal: Principal,
    *,
    open_only: bool = False,
    academy_id: int | None = None,
    stage: str | None = None,
) -> QuerySet[SupportPlan]:
    """The plans ``principal`` may read, with what a list shows loaded: the person, their
    academy, the manager, and the next meeting date (``next_meeting``). Filters by academy
    and stage; reusable by any list or export of plans."""
    today = timezone.localdate()
    rows = (
        permissions.visible_plans(principal)
        .select_related("staff__academy", "manager", "academy", "policy_version")
        .annotate(
            next_meeting=Min(
                "meetings__scheduled_for",
                filter=Q(meetings__scheduled_for__gte=today, meetings__held_on__isnull=True),
            )
        )
        .order_by("status", "academy__name", "staff__last_name", "pk")
    )
    if open_only:
        rows = rows.filter(status=PlanStatus.OPEN)
    if academy_id is not None:
        rows = rows.filter(academy_id=academy_id)
    if stage:
        rows = rows.filter(stage=stage)
    return rows


def concerns_for(principal: Principal) -> QuerySet[Concern]:
    return (
        permissions.visible_concerns(principal)
        .select_related("staff__academy", "raised_by", "academy")
        .prefetch_related(Prefetch("plans", queryset=SupportPlan.objects.only("pk", "concern_id")))
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class StageRow:
    key: str
    name: str
    formal: bool
    current: bool
    done: bool
    detail: str


def _stage_detail(support: Any, key: str) -> str:
    rule = support.stage(key)
    if key == CAPABILITY:
        parts = [
            f"At least {support.capability_meeting_notice_working_days} working days' notice "
            "of the capability meeting."
        ]
        if support.accompanied_at_capability_meeting:
            parts.append("The member of staff may be accompanied.")
        return " ".join(parts)
    if rule is None:
        return ""
    parts = []
    if rule.normal_weeks:
        unit = "working weeks" if rule.working_weeks else "weeks"
        parts.append(f"Normally {rule.normal_weeks} {unit}.")
    if rule.minimum_weeks:
        parts.append(f"At least {rule.minimum_weeks} weeks.")
    if rule.meeting_every_weeks:
        parts.append(f"A meeting every {rule.meeting_every_weeks} week(s).")
    if rule.meeting_notice_working_days:
        parts.append(
            f"At least {rule.meeting_notice_working_days} working days' notice of meetings."
        )
    if rule.right_to_representation:
        parts.append("The member of staff may be represented.")
    return " ".join(parts)


def stage_rows(plan: SupportPlan) -> list[StageRow]:
    support = plan.policy_version.rules.support
    keys = rules.stage_keys(support)
    at = keys.index(plan.stage) if plan.stage in keys else -1
    return [
        StageRow(
            key=s.key,
            name=s.name,
            formal=s.formal,
            current=s.key == plan.stage and plan.is_open,
            done=i < at or (not plan.is_open and i <= at),
            detail=_stage_detail(support, s.key),
        )
        for i, s in enumerate(rules.stages(support))
    ]


@dataclass(frozen=True)
class PlanPage:
    plan: SupportPlan
    stages: list[StageRow]
    meetings: list[SupportMeeting]
    comments: list[PlanComment]
    events: list[PlanEvent]
    next_stage: str | None
    next_stage_name: str
    may_bypass: bool
    skip_reasons: tuple[str, ...]
    record_contents: tuple[str, ...]
    stage_normally_ends: dt.date | None
    letter_due: dt.date | None
    letter_contents: tuple[str, ...]
    written_plans: list[WrittenPlan]
    earlier_within_sustain: SupportPlan | None
    progress_meeting_due: dt.date | None
    letters: list[PlanLetter]
    capability_stages: list[StageRow]


def written_plan_of(plan: SupportPlan) -> WrittenPlan | None:
    """The written plan of the plan's current stage, if one has been saved."""
    return WrittenPlan.objects.filter(plan=plan, stage=plan.stage).first()


def _calendar_dates(plan: SupportPlan) -> tuple[dt.date | None, dt.date | None]:
    """When the current stage normally ends, and when the capability invitation letter is
    due, on the academy's calendar (three queries)."""
    if not plan.is_open:
        return None, None
    support = plan.policy_version.rules.support
    start = plan.stage_started_on
    try:
        calendar = load_calendar(plan.academy_id, start, start + dt.timedelta(days=400))
        ends = rules.stage_normally_ends(calendar, support, plan.stage, start)
        letter = None
        if plan.in_capability and plan.capability_started_on is not None:
            letter = rules.capability_letter_due(calendar, support, plan.capability_started_on)
    except OutsideCalendarRange:
        return None, None
    return ends, letter


def plan_page(plan: SupportPlan) -> PlanPage:
    support = plan.policy_version.rules.support
    following = rules.next_stage(support, plan.stage) if plan.is_open else None
    if plan.in_capability:
        following = rules.next_capability_stage(support, plan.capability_stage)
    rule = support.stage(plan.stage)
    ends, letter = _calendar_dates(plan)
    meetings = list(plan.meetings.all())
    held = [m.held_on for m in meetings if m.held_on is not None and m.stage == plan.stage]
    last_held = max(held, default=None)
    due = (
        rules.progress_meeting_due(support, plan.stage, plan.stage_started_on, last_held)
        if plan.is_open and not plan.is_paused
        else None
    )
    return PlanPage(
        plan=plan,
        stages=stage_rows(plan),
        meetings=meetings,
        comments=list(plan.comments.select_related("author")),
        events=list(plan.events.select_related("actor").order_by("-at", "-pk")),
        next_stage=following,
        next_stage_name=(
            ""
            if not following
            else rules.capability_stage_name(support, following)
            if plan.in_capability
            else rules.stage_name(support, following)
        ),
        may_bypass=plan.is_open and rules.may_bypass(support, plan.stage),
        skip_reasons=support.skip_informal_when,
        record_contents=rule.record_contents if rule is not None else (),
        stage_normally_ends=ends,
        letter_due=letter,
        letter_contents=support.capability_letter_contents if plan.in_capability else (),
        written_plans=list(plan.written_plans.order_by("pk")),
        earlier_within_sustain=earlier_plan_within_sustain(plan),
        progress_meeting_due=due,
        letters=list(plan.letters.order_by("created_at", "pk")),
        capability_stages=capability_stage_rows(plan),
    )


def capability_stage_rows(plan: SupportPlan) -> list[StageRow]:
    """The capability procedure's own stages (``support.capability_stages``), once the
    plan has entered it."""
    if plan.capability_started_on is None:
        return []
    support = plan.policy_version.rules.support
    keys = rules.capability_stage_keys(support)
    at = keys.index(plan.capability_stage) if plan.capability_stage in keys else -1
    rows = []
    for i, step in enumerate(support.capability_stages):
        days = rules.notice_working_days(support, CAPABILITY, "capability", step.key)
        detail = (
            f"At least {days} working days' notice of the meeting." if step.holds_meeting else ""
        )
        rows.append(
            StageRow(
                key=step.key,
                name=step.name,
                formal=step.holds_meeting,
                current=step.key == plan.capability_stage and plan.in_capability,
                done=i < at or (not plan.in_capability and i <= at),
                detail=detail,
            )
        )
    return rows


def earlier_plan_within_sustain(plan: SupportPlan) -> SupportPlan | None:
    """An earlier plan of the same person that closed successfully and whose sustain
    period (``support.sustain_months``) had not ended when this one opened: classic §6.11
    lets a plan go straight to capability when improvement was not sustained."""
    return (
        SupportPlan.objects.filter(
            trust_id=plan.trust_id,
            staff_id=plan.staff_id,
            status=PlanStatus.CLOSED,
            sustain_until__gte=plan.opened_on,
        )
        .exclude(pk=plan.pk)
        .order_by("-closed_on", "-pk")
        .first()
    )


# ----- What other apps ask -------------------------------------------------------------------


def staff_in_live_capability(trust_id: int, on: dt.date) -> set[int]:
    """Staff ids of the trust's people in the capability procedure on ``on`` (pay
    progression asks this: classic §8.3 withholds progression in live capability)."""
    return set(
        SupportPlan.objects.filter(trust_id=trust_id, capability_started_on__lte=on)
        .filter(Q(capability_ended_on__isnull=True) | Q(capability_ended_on__gt=on))
        .values_list("staff_id", flat=True)
    )


class CapabilitySource:
    """Registered with cycles: opening a year leaves out people in capability."""

    def staff_in_capability(self, staff: QuerySet[StaffMember], /) -> Iterable[int]:
        return SupportPlan.objects.filter(
            status=PlanStatus.OPEN, stage=CAPABILITY, staff__in=staff
        ).values_list("staff_id", flat=True)


capability_source = CapabilitySource()


class SupportRecords:
    """Registered with cycles for pay progression: who is under support short of
    capability, and who was told of concerns and then given a support plan (staploe
    "Links to Pay"), on a date (one query)."""

    def support_facts(
        self, staff: QuerySet[StaffMember], on: dt.date, /
    ) -> dict[int, frozenset[str]]:
        found: dict[int, set[str]] = {}
        rows = (
            SupportPlan.objects.filter(staff__in=staff, opened_on__lte=on)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=on) | Q(concern__isnull=False))
            .values_list("staff_id", "status", "stage", "concern__raised_with_them_on")
        )
        for staff_id, status, stage, raised_on in rows:
            facts = found.setdefault(staff_id, set())
            if status == PlanStatus.OPEN and stage != CAPABILITY:
                facts.add("under_support")
            if raised_on is not None and raised_on <= on:
                facts.add("told_and_supported")
        return {pk: frozenset(facts) for pk, facts in found.items()}


support_records = SupportRecords()


def latest_version_start_pinned_by_plans(policy: Policy) -> dt.date | None:
    result: dt.date | None = SupportPlan.objects.filter(policy_version__policy=policy).aggregate(
        latest=Max("policy_version__effective_from")
    )["latest"]
    return result


def cycle_section_context(cycle: AppraisalCycle, principal: Principal) -> dict[str, Any]:
    """The cycle page's "Support and capability" section: the person's plans this
    principal may read, and whether they may record a concern (two queries)."""
    plans = list(
        permissions.visible_plans(principal)
        .filter(staff_id=cycle.appraisee_id)
        .select_related("policy_version")
        .order_by("-opened_on", "-pk")
    )
    may_raise = permissions.concern_subjects(principal).filter(pk=cycle.appraisee_id).exists()
    return {
        "support_section": {"plans": plans, "may_raise": may_raise, "staff_id": cycle.appraisee_id}
    }
