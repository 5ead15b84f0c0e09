"""Deadlines the objectives app sets: objectives (or the development plan) agreed by,
conversations due, in-year meetings due, and the annual review record completed by.

``deadlines_for_cycles`` answers for many cycles in a fixed number of queries (one per
kind of record, whatever the number of cycles); the date arithmetic below is pure and
reads every number from the cycle's pinned policy.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from cycles.deadlines import Deadline
from cycles.models import AppraisalCycle
from policies.models import PolicyVersion
from policies.schema import (
    AppraisalModel,
    ConversationTerm,
    DueAnchor,
    PolicySettings,
)
from policies.schema import (
    Conversation as ConversationRule,
)

from .models import Conversation, DevelopmentPlan, Meeting, MeetingKind, ObjectivePlan, PlanState
from .rules import has_midpoint_check_in

if TYPE_CHECKING:
    from calendars.working_days import WorkingCalendar

# A suspended cycle (capability or grievance) stops the appraisal year's clock, and with it
# these deadlines, until it resumes.
STOPPED_BY_SUSPENSION = True

# The English school year's three terms, told apart by the month a term (or half-term)
# starts in, and the day each is over by when an academy has not entered its dates.
# These describe the school year, not a policy: no policy sets them.
_SEASON_OF_START_MONTH = {
    8: "autumn",
    9: "autumn",
    10: "autumn",
    11: "autumn",
    12: "autumn",
    1: "spring",
    2: "spring",
    3: "spring",
    4: "summer",
    5: "summer",
    6: "summer",
    7: "summer",
}
_SEASON_DEFAULT_END = {"autumn": (12, 31), "spring": (4, 30), "summer": (7, 31)}
_SEASONS_OF_TERM = {
    ConversationTerm.AUTUMN: ("autumn",),
    ConversationTerm.SPRING: ("spring",),
    ConversationTerm.SUMMER: ("summer",),
    ConversationTerm.SPRING_OR_SUMMER: ("summer",),
}
_OCTOBER = 10


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


# ----- Pure date rules ---------------------------------------------------------------


def plan_due_on(rules: PolicySettings, starts_on: dt.date) -> tuple[dt.date, str] | None:
    """(date, setting) by which objectives (or the development plan) are agreed, or None
    when the policy sets no date. classic §4.2: 31 October; staploe: at the January
    annual review meeting, due by the policy's review date."""
    if rules.model == AppraisalModel.CONVERSATIONS:
        return None
    objectives = rules.objectives
    if objectives.set_at_annual_review_meeting and rules.review.staff_review_due is not None:
        return (
            rules.review.staff_review_due.next_on_or_after(starts_on),
            "objectives.set_at_annual_review_meeting",
        )
    if objectives.set_by is not None:
        return objectives.set_by.next_on_or_after(starts_on), "objectives.set_by"
    return None


def _terms(calendar: WorkingCalendar | None) -> tuple[tuple[dt.date, dt.date], ...]:
    return calendar.terms if calendar is not None else ()


def season_ends(
    calendar: WorkingCalendar | None, first: dt.date, last: dt.date
) -> list[tuple[str, dt.date]]:
    """(season, last day of that term) for each term that ends from ``first`` to ``last``,
    from the academy's term dates where entered, else the usual end of each term."""
    ends: dict[tuple[int, str], dt.date] = {}
    for start, end in _terms(calendar):
        season = _SEASON_OF_START_MONTH[start.month]
        school_year = start.year if start.month >= 8 else start.year - 1
        key = (school_year, season)
        ends[key] = max(ends.get(key, end), end)
    entered_years = {key[0] for key in ends}
    for year in range(first.year - 1, last.year + 1):
        if year in entered_years:
            continue
        for season, (month, day) in _SEASON_DEFAULT_END.items():
            calendar_year = year if season == "autumn" else year + 1
            ends[(year, season)] = dt.date(calendar_year, month, day)
    return sorted(
        ((season, end) for (_, season), end in ends.items() if first <= end <= last),
        key=lambda item: item[1],
    )


def october_half_term_due(
    rules: PolicySettings, calendar: WorkingCalendar | None, starts_on: dt.date
) -> dt.date:
    """The last day of term before the first October half-term of the cycle (aspire §6.3:
    "before October half term"), from the academy's calendar when its terms are entered,
    else the policy's fallback date."""
    year = starts_on.year if starts_on.month <= _OCTOBER else starts_on.year + 1
    for _start, end in _terms(calendar):
        if end.year == year and end.month == _OCTOBER and end >= starts_on:
            return end
    return rules.conversations.october_half_term_fallback.next_on_or_after(starts_on)


def conversation_due_on(
    rules: PolicySettings,
    conversation: ConversationRule,
    *,
    calendar: WorkingCalendar | None,
    starts_on: dt.date,
    ends_on: dt.date,
    is_headteacher: bool,
) -> dt.date:
    """When one of the policy's conversations is due for this person."""
    if is_headteacher and conversation.headteacher_due_on is not None:
        return conversation.headteacher_due_on.next_on_or_after(starts_on)
    if conversation.staff_due == DueAnchor.FIXED_DATE and conversation.staff_due_on is not None:
        return conversation.staff_due_on.next_on_or_after(starts_on)
    if conversation.staff_due == DueAnchor.OCTOBER_HALF_TERM:
        return min(october_half_term_due(rules, calendar, starts_on), ends_on)
    wanted = _SEASONS_OF_TERM[conversation.term]
    for season, end in season_ends(calendar, starts_on, ends_on):
        if season in wanted:
            return end
    return ends_on


def _match(due_dates: Sequence[dt.date], held: Sequence[dt.date], start: dt.date) -> list[bool]:
    """For each due date in order, whether a meeting was held for it: each held meeting
    counts once, for the earliest period (after the previous due date) not yet covered."""
    remaining = sorted(held)
    done: list[bool] = []
    window_start = start - dt.timedelta(days=1)
    for due in due_dates:
        found = next((d for d in remaining if d > window_start), None)
        if found is not None:
            remaining.remove(found)
            done.append(True)
        else:
            done.append(False)
        window_start = due
    return done


def meeting_deadlines(
    rules: PolicySettings,
    *,
    cycle_id: int,
    starts_on: dt.date,
    ends_on: dt.date,
    calendar: WorkingCalendar | None,
    meetings: Sequence[Meeting],
) -> list[Deadline]:
    found: list[Deadline] = []
    held: dict[str, list[dt.date]] = defaultdict(list)
    for meeting in meetings:
        if meeting.held_on is not None:
            held[meeting.kind].append(meeting.held_on)
    every = rules.meetings.interim_meeting_every_months
    if every:
        # classic §5.7.1: at least every N months, so each meeting restarts the clock.
        last = starts_on
        interim_held = sorted(held[MeetingKind.INTERIM])
        while True:
            due = add_months(last, every)
            if due > ends_on:
                break
            met = next((d for d in interim_held if d > last), None)
            found.append(
                Deadline(
                    cycle_id=cycle_id,
                    kind="interim_meeting",
                    label="Hold an interim meeting",
                    due_on=due,
                    recipient="reviewer",
                    done=met is not None and met <= due,
                )
            )
            if met is None or met > due:
                break
            last = met
    if rules.meetings.termly_review_meetings:
        dues = [end for _season, end in season_ends(calendar, starts_on, ends_on)]
        for due, done in zip(dues, _match(dues, held[MeetingKind.TERMLY], starts_on), strict=True):
            found.append(
                Deadline(
                    cycle_id=cycle_id,
                    kind="termly_review",
                    label="Hold this term's review meeting",
                    due_on=due,
                    recipient="reviewer",
                    done=done,
                )
            )
    if has_midpoint_check_in(rules):
        found.append(
            Deadline(
                cycle_id=cycle_id,
                kind="midpoint_check_in",
                label="Hold the mid-point check-in",
                due_on=starts_on + dt.timedelta(days=(ends_on - starts_on).days // 2),
                recipient="reviewer",
                done=bool(held[MeetingKind.MIDPOINT]),
            )
        )
    within = rules.meetings.record_completed_within_days
    if within:
        for meeting in meetings:
            if meeting.kind == MeetingKind.ANNUAL_REVIEW and meeting.held_on is not None:
                found.append(
                    Deadline(
                        cycle_id=cycle_id,
                        kind="annual_review_record",
                        label="Complete the record of the annual review meeting",
                        due_on=meeting.held_on + dt.timedelta(days=within),
                        recipient="reviewer",
                        done=meeting.record_completed_on is not None,
                    )
                )
    return found


# ----- Many cycles at once -----------------------------------------------------------


def _load_versions(cycles: Sequence[AppraisalCycle]) -> None:
    """Make sure every cycle's pinned policy version is loaded (one query at most)."""
    missing = {
        c.policy_version_id
        for c in cycles
        if not AppraisalCycle.policy_version.is_cached(c)  # type: ignore[attr-defined]
    }
    if not missing:
        return
    versions = PolicyVersion.objects.in_bulk(missing)
    for cycle in cycles:
        if not AppraisalCycle.policy_version.is_cached(cycle):  # type: ignore[attr-defined]
            cycle.policy_version = versions[cycle.policy_version_id]


def deadlines_for_cycle(
    cycle: AppraisalCycle,
    calendar: WorkingCalendar | None,
    *,
    plan_state: str | None,
    pdp_state: str | None,
    conversations_held: Mapping[str, bool],
    meetings: Sequence[Meeting],
) -> list[Deadline]:
    """One cycle's deadlines from records already loaded (no queries)."""
    rules = cycle.policy_version.rules
    found: list[Deadline] = []
    due = plan_due_on(rules, cycle.starts_on)
    if due is not None:
        if rules.model == AppraisalModel.PDP:
            found.append(
                Deadline(
                    cycle_id=cycle.pk,
                    kind="development_plan_agreed",
                    label="Agree the personal development plan",
                    due_on=due[0],
                    recipient="reviewer",
                    done=pdp_state == PlanState.AGREED,
                )
            )
        else:
            found.append(
                Deadline(
                    cycle_id=cycle.pk,
                    kind="objectives_agreed",
                    label="Agree objectives",
                    due_on=due[0],
                    recipient="reviewer",
                    done=plan_state == PlanState.AGREED,
                )
            )
    if rules.model == AppraisalModel.CONVERSATIONS:
        for rule in rules.conversations.conversations:
            found.append(
                Deadline(
                    cycle_id=cycle.pk,
                    kind=f"conversation_{rule.key}",
                    label=f"Hold the {rule.name[:1].lower()}{rule.name[1:]}",
                    due_on=conversation_due_on(
                        rules,
                        rule,
                        calendar=calendar,
                        starts_on=cycle.starts_on,
                        ends_on=cycle.ends_on,
                        is_headteacher=cycle.is_headteacher_cycle,
                    ),
                    recipient="reviewer",
                    done=conversations_held.get(rule.key, False),
                )
            )
    found.extend(
        meeting_deadlines(
            rules,
            cycle_id=cycle.pk,
            starts_on=cycle.starts_on,
            ends_on=cycle.ends_on,
            calendar=calendar,
            meetings=meetings,
        )
    )
    return found


def needs_calendar(rules: PolicySettings) -> bool:
    """Whether this policy's deadlines depend on the academy's term dates."""
    return rules.model == AppraisalModel.CONVERSATIONS or rules.meetings.termly_review_meetings


def deadlines_for_cycles(
    cycles: Sequence[AppraisalCycle], calendars: Mapping[int, WorkingCalendar] | None = None
) -> list[Deadline]:
    """Every deadline this app sets for ``cycles``, in four queries at most whatever their
    number. ``calendars`` maps academy id to its ``WorkingCalendar`` (an academy without
    one uses the usual term dates)."""
    cycles = list(cycles)
    if not cycles:
        return []
    calendars = calendars or {}
    _load_versions(cycles)
    ids = [c.pk for c in cycles]
    models = {c.policy_version.rules.model for c in cycles}
    plans: dict[int, str] = {}
    if AppraisalModel.OBJECTIVES in models:
        plans = dict(
            ObjectivePlan.objects.filter(cycle_id__in=ids).values_list("cycle_id", "state")
        )
    pdps: dict[int, str] = {}
    if AppraisalModel.PDP in models:
        pdps = dict(
            DevelopmentPlan.objects.filter(cycle_id__in=ids).values_list("cycle_id", "state")
        )
    held: dict[int, dict[str, bool]] = defaultdict(dict)
    if AppraisalModel.CONVERSATIONS in models:
        for cycle_id, key, held_on in Conversation.objects.filter(cycle_id__in=ids).values_list(
            "cycle_id", "key", "held_on"
        ):
            held[cycle_id][key] = held_on is not None
    meetings: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in Meeting.objects.filter(cycle_id__in=ids).only(
        "cycle_id", "kind", "held_on", "record_completed_on"
    ):
        meetings[meeting.cycle_id].append(meeting)
    found: list[Deadline] = []
    for cycle in cycles:
        found.extend(
            deadlines_for_cycle(
                cycle,
                calendars.get(cycle.academy_id),
                plan_state=plans.get(cycle.pk),
                pdp_state=pdps.get(cycle.pk),
                conversations_held=held.get(cycle.pk, {}),
                meetings=meetings.get(cycle.pk, []),
            )
        )
    return found
