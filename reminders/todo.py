"""The home page's to-do list: what is waiting for me now, what is coming, and what my
team, academy or trust has overdue, each item one click from where it is done.

Made of the deadlines the reminders use (``cycles.deadlines.all_deadlines``, every
registered source) and the steps the owning apps register (``reminders.extensions``): a
deadline says what falls due and whose job it is in the end; its step says who must act
now and where. Nobody sees another person's step as their own: an item is listed for the
holders of its step's role, found by the same resolvers the reminders use.

What the database narrows first, so a headteacher of a large academy costs no more than a
teacher:

- *mine*: the cycles I am appraisee or reviewer of, and those the reminder sweep has found
  something on for me in any other role (headteacher, HR, an app's own such as the plan
  manager), from the dispatch ledger;
- *my team, academy or trust*: the cycles I may list (``cycles.permissions.listed_cycles``,
  less my own) on which the ledger holds a reminder already past its due date, or still
  at planning after their first day, the ``TEAM_LIMIT`` with the oldest first; only their
  deadlines are worked out, and the rest are counted in the database.

A fixed number of queries whatever the number of cycles.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone

from calendars.selectors import calendars_for
from calendars.working_days import OutsideCalendarRange, WorkingCalendar
from cycles.deadlines import (
    NO_DEADLINES_IN,
    Deadline,
    all_deadlines,
    recipient_label,
    recipients_by_subject,
)
from cycles.models import AppraisalCycle, CycleState
from cycles.permissions import listed_cycles
from organisation import permissions as org_permissions
from organisation.principal import Principal

from .extensions import Step, step_sources, todo_item_sources
from .models import DispatchStatus, ReminderDispatch
from .selectors import current_staff_q

# How many people's overdue work the team part lists; the rest are counted.
TEAM_LIMIT = 30
# How many later items the "coming" part lists; "My deadlines" has them all.
COMING_LIMIT = 8
# The roles read from the cycle itself: the to-do finds their cycles by the cycle's own
# columns, every other role through the reminders the sweep has found.
_CYCLE_ROLES = ("appraisee", "reviewer")


@dataclass(frozen=True)
class ToDoItem:
    """One thing for the person reading to do (or, in the team part, that is overdue)."""

    label: str
    url: str
    due_on: dt.date
    whose: str  # "Your appraisal", or whose appraisal it is
    role_label: str  # the reader's part in it ("Reviewer"), or the reviewer in the team part
    status: str  # "overdue", "today", "ready", "soon" or "later"
    key: str

    @property
    def status_text(self) -> str:
        return {
            "overdue": "Overdue",
            "today": "Due today",
            "ready": "Ready for you",
            "soon": "Due soon",
            "later": "Coming up",
        }[self.status]

    @property
    def tag_colour(self) -> str:
        return {
            "overdue": "govuk-tag--red",
            "today": "govuk-tag--orange",
            "ready": "govuk-tag--green",
            "soon": "govuk-tag--yellow",
            "later": "govuk-tag--grey",
        }[self.status]


@dataclass(frozen=True)
class TeamRow:
    """One person in my team, academy or trust with something overdue."""

    cycle: AppraisalCycle
    items: tuple[ToDoItem, ...]

    @property
    def url(self) -> str:
        return reverse("cycles:detail", args=[self.cycle.pk])

    @property
    def oldest(self) -> dt.date:
        return min(i.due_on for i in self.items)


@dataclass(frozen=True)
class BulkOffer:
    """The same step waiting on several of my reviewees, done for all at once."""

    move: str
    label: str
    count: int

    @property
    def url(self) -> str:
        return reverse("cycles:bulk_move", args=[self.move])


@dataclass
class ToDo:
    now: list[ToDoItem] = field(default_factory=list)
    coming: list[ToDoItem] = field(default_factory=list)
    coming_more: int = 0
    team: list[TeamRow] = field(default_factory=list)
    team_more: int = 0  # people with something overdue beyond those listed
    team_scope: str = ""  # "your team", "your academy", "the trust"
    bulk: list[BulkOffer] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.now or self.coming or self.team)


# ----- Steps ---------------------------------------------------------------------------


def _cycle_url(cycle: AppraisalCycle) -> str:
    return reverse("cycles:detail", args=[cycle.pk])


def default_steps(deadline: Deadline, cycle: AppraisalCycle) -> list[Step]:
    """A deadline no app gives steps for: its own recipient acts, in its own words, on
    the cycle page. The cycle's own milestones name the stage move the page offers."""
    name = cycle.appraisee.full_name
    if deadline.kind == "cycle_started":
        return [Step("reviewer", f"Start {name}'s appraisal year", _cycle_url(cycle))]
    if deadline.kind == "cycle_review_started":
        return [Step("reviewer", f"Begin {name}'s annual review", _cycle_url(cycle))]
    return [Step(deadline.recipient, deadline.label, _cycle_url(cycle))]


def steps_by_deadline(
    deadlines: Sequence[Deadline], cycles: Mapping[int, AppraisalCycle]
) -> dict[Deadline, Sequence[Step]]:
    """Each deadline's steps now: from the source registered for its kind, else the
    default. One call per source, each a fixed number of queries."""
    by_source: dict[int, list[Deadline]] = defaultdict(list)
    sources = {}
    found: dict[Deadline, Sequence[Step]] = {}
    for deadline in deadlines:
        source = step_sources.for_kind(deadline.kind)
        if source is None:
            continue
        sources[id(source)] = source
        by_source[id(source)].append(deadline)
    for key, group in by_source.items():
        found.update(sources[key].steps_for(group, cycles))
    for deadline in deadlines:
        cycle = cycles.get(deadline.cycle_id or 0)
        if deadline not in found and cycle is not None:
            found[deadline] = default_steps(deadline, cycle)
    return found


# ----- When -------------------------------------------------------------------------------


def _first_reminder_day(
    deadline: Deadline, cycle: AppraisalCycle, calendar: WorkingCalendar | None
) -> dt.date:
    """The day the reminders first list it as coming up (``reminders.days_before``
    working days before it is due, by the cycle's pinned policy); the due date itself
    where the calendar cannot say."""
    days = cycle.policy_version.rules.reminders.days_before
    if calendar is None or days <= 0:
        return deadline.due_on
    try:
        return calendar.add_working_days(deadline.due_on, -days)
    except OutsideCalendarRange:
        return deadline.due_on


def status_of(deadline: Deadline, step: Step, *, on: dt.date, first_reminder: dt.date) -> str:
    # The same answer as every other page: a deadline due at a time (staploe's 48 hours)
    # is overdue from that moment on its due day.
    if deadline.is_overdue(on):
        return "overdue"
    if deadline.due_on == on:
        return "today"
    if step.ready:
        return "ready"
    if first_reminder <= on:
        return "soon"
    return "later"


# ----- Mine -------------------------------------------------------------------------------


def _trust_id(principal: Principal) -> int:
    assert principal.trust_id is not None  # todo_for answers nobody without a trust
    return principal.trust_id


def _load(cond: Q, principal: Principal, on: dt.date) -> list[AppraisalCycle]:
    return list(
        AppraisalCycle.objects.filter(trust_id=_trust_id(principal))
        .filter(cond)
        .exclude(state__in=NO_DEADLINES_IN)
        .filter(current_staff_q("appraisee__", on))
        .select_related("policy_version", "academy", "appraisee", "reviewer")
        .order_by("pk")
    )


def _my_cycles(principal: Principal, on: dt.date) -> list[AppraisalCycle]:
    staff = principal.staff
    cond = Q(
        pk__in=ReminderDispatch.objects.filter(
            trust_id=_trust_id(principal), recipient_id=principal.user_id, cycle__isnull=False
        )
        .exclude(status=DispatchStatus.CANCELLED)
        .exclude(recipient_role__in=_CYCLE_ROLES)
        .values("cycle_id")
    )
    if staff is not None:
        cond |= Q(appraisee_id=staff.pk) | Q(reviewer_id=staff.pk)
    return _load(cond, principal, on)


def _whose(cycle: AppraisalCycle, principal: Principal) -> str:
    if principal.staff is not None and cycle.appraisee_id == principal.staff.pk:
        return "Your appraisal"
    return cycle.appraisee.full_name


def _mine(
    principal: Principal,
    cycles: Sequence[AppraisalCycle],
    deadlines: Iterable[Deadline],
    on: dt.date,
) -> list[tuple[ToDoItem, Deadline]]:
    by_id = {c.pk: c for c in cycles}
    pending = [d for d in deadlines if not d.done and d.cycle_id in by_id]
    steps = steps_by_deadline(pending, by_id)
    # Who holds each step's role, asked of the same resolvers the reminders use.
    asked = [replace(d, recipient=s.role) for d, group in steps.items() for s in group]
    holders = recipients_by_subject(asked, by_id, on=on)
    calendars = (
        calendars_for(
            {c.academy_id for c in cycles},
            min(c.starts_on for c in cycles),
            max(c.ends_on for c in cycles),
        )
        if cycles
        else {}
    )
    found: dict[tuple[object, ...], tuple[ToDoItem, Deadline]] = {}
    for deadline in pending:  # soonest first
        cycle = by_id[deadline.cycle_id]  # type: ignore[index]  # pending holds only these
        for step in steps.get(deadline, ()):
            if principal.user_id not in holders.get((deadline.subject, step.role), ()):
                continue
            first = _first_reminder_day(deadline, cycle, calendars.get(cycle.academy_id))
            item = ToDoItem(
                label=step.label,
                url=step.url,
                due_on=deadline.due_on,
                whose=_whose(cycle, principal),
                role_label=recipient_label(step.role),
                status=status_of(deadline, step, on=on, first_reminder=first),
                key=f"{deadline.subject.kind}-{deadline.subject.pk}-{deadline.kind}-{step.role}",
            )
            # One item for one thing to do, however many of its roles I hold or deadlines
            # it meets (the review and its statement, this term's and next term's meeting):
            # the soonest.
            found.setdefault((deadline.subject, step.url, step.label), (item, deadline))
    return sorted(found.values(), key=lambda pair: (pair[0].due_on, pair[0].whose, pair[0].label))


# The stage moves a reviewer makes for one reviewee at a time, offered for all at once
# when the to-do holds the same one for several (``cycles.bulk``).
_BULK_MOVES = {"cycle_started": "start", "cycle_review_started": "review"}


def _bulk_offers(mine: Iterable[tuple[ToDoItem, Deadline]]) -> list[BulkOffer]:
    from cycles.bulk import BULK_MOVES

    counts: dict[str, int] = defaultdict(int)
    for item, deadline in mine:
        move = _BULK_MOVES.get(deadline.kind)
        if (
            move is not None
            and item.role_label == recipient_label("reviewer")
            and item.status != "later"
        ):
            counts[move] += 1
    return [
        BulkOffer(move=move, label=BULK_MOVES[move].offer.format(count=count), count=count)
        for move, count in counts.items()
        if count > 1
    ]


# ----- My team, academy or trust ----------------------------------------------------------


def team_scope(principal: Principal) -> str:
    """Whose overdue work the person reading oversees, in words; "" for nobody's."""
    if principal.is_governor_only:
        return ""
    if principal.is_hr:
        return "the trust"
    leads = org_permissions.lead_academy_ids(principal)
    if leads:
        return "your academy" if len(leads) == 1 else "your academies"
    if org_permissions.is_line_manager(principal):
        return "your team"
    if principal.is_executive:
        return "headteachers' appraisals"
    return ""


def _team_cycles(principal: Principal, on: dt.date, limit: int) -> tuple[list[AppraisalCycle], int]:
    """The ``limit`` cycles with the oldest overdue work, and how many have some."""
    staff = principal.staff
    scope = listed_cycles(principal).exclude(state__in=NO_DEADLINES_IN)
    if staff is not None:
        scope = scope.exclude(Q(appraisee_id=staff.pk) | Q(reviewer_id=staff.pk))
    scope = scope.filter(current_staff_q("appraisee__", on))
    late = (
        ReminderDispatch.objects.filter(
            trust_id=_trust_id(principal), cycle_id__in=scope.values("pk"), due_on__lt=on
        )
        .exclude(status=DispatchStatus.CANCELLED)
        .values("cycle_id")
        .annotate(first=Min("due_on"))
    )
    not_started = scope.filter(state=CycleState.PLANNING, starts_on__lt=on)
    # The oldest first: from the ledger, and cycles still at planning after their start.
    candidates = {
        row["cycle_id"]: row["first"] for row in late.order_by("first", "cycle_id")[:limit]
    }
    for pk, starts_on in not_started.order_by("starts_on", "pk").values_list("pk", "starts_on")[
        :limit
    ]:
        candidates[pk] = min(candidates.get(pk, starts_on), starts_on)
    chosen = sorted(candidates, key=lambda pk: (candidates[pk], pk))[:limit]
    total = scope.filter(
        Q(pk__in=late.values("cycle_id")) | Q(pk__in=not_started.values("pk"))
    ).count()
    return _load(Q(pk__in=chosen), principal, on), total


def _team(
    cycles: Sequence[AppraisalCycle], deadlines: Iterable[Deadline], on: dt.date, total: int
) -> tuple[list[TeamRow], int]:
    by_id = {c.pk: c for c in cycles}
    overdue: dict[int, list[ToDoItem]] = defaultdict(list)
    for deadline in deadlines:
        if deadline.done or deadline.due_on >= on or deadline.cycle_id not in by_id:
            continue
        cycle = by_id[deadline.cycle_id]
        overdue[cycle.pk].append(
            ToDoItem(
                label=deadline.label,
                url=_cycle_url(cycle),
                due_on=deadline.due_on,
                whose=cycle.appraisee.full_name,
                role_label=recipient_label(deadline.recipient),
                status="overdue",
                key=f"{deadline.subject.kind}-{deadline.subject.pk}-{deadline.kind}-{deadline.recipient}",
            )
        )
    rows = [TeamRow(cycle=by_id[pk], items=tuple(_dedupe(items))) for pk, items in overdue.items()]
    rows.sort(key=lambda r: (r.oldest, r.cycle.appraisee.last_name, r.cycle.pk))
    return rows, max(total - len(rows), 0)


def _dedupe(items: Iterable[ToDoItem]) -> list[ToDoItem]:
    seen: dict[tuple[str, dt.date], ToDoItem] = {}
    for item in sorted(items, key=lambda i: (i.due_on, i.label)):
        seen.setdefault((item.label, item.due_on), item)
    return list(seen.values())


# ----- The whole list ---------------------------------------------------------------------


def todo_for(
    principal: Principal,
    *,
    on: dt.date | None = None,
    team_limit: int = TEAM_LIMIT,
    coming_limit: int = COMING_LIMIT,
) -> ToDo:
    """The person's to-do list on ``on`` (default today). Governors get none: they see
    figures, never a member of staff's records."""
    on = on or timezone.localdate()
    if not principal.is_authenticated or principal.trust_id is None or principal.is_governor_only:
        return ToDo()
    mine_cycles = _my_cycles(principal, on)
    scope = team_scope(principal)
    team_cycles, total = _team_cycles(principal, on, team_limit) if scope else ([], 0)
    # One pass over the deadlines of both, as the sources answer for any batch.
    together = list({c.pk: c for c in [*mine_cycles, *team_cycles]}.values())
    deadlines = all_deadlines(together)
    mine = _mine(principal, mine_cycles, deadlines, on)
    # With the apps' own items that are not a cycle's deadlines (``todo_item_sources``).
    own = [item for source in todo_item_sources for item in source.items_for(principal, on)]
    items = [item for item, _ in mine]
    if own:
        items = sorted([*items, *own], key=lambda i: (i.due_on, i.whose, i.label))
    todo = ToDo(
        now=[item for item in items if item.status != "later"],
        bulk=_bulk_offers(mine),
        team_scope=scope,
    )
    later = [item for item in items if item.status == "later"]
    todo.coming = later[:coming_limit]
    todo.coming_more = len(later) - len(todo.coming)
    if scope:
        todo.team, todo.team_more = _team(team_cycles, deadlines, on, total)
    return todo
