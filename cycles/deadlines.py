"""Every deadline in an appraisal year, from every app, in one shape.

Each app that sets a due date (objectives agreed by, a conversation, observation feedback,
the annual review, the statement...) registers a ``DeadlineSource`` (see
``cycles.extensions``) from its ``AppConfig.ready()``: usually its own ``deadlines``
module, which has::

    def deadlines_for_cycles(
        cycles: Sequence[AppraisalCycle], calendars: Mapping[int, WorkingCalendar]
    ) -> list[Deadline]: ...

``all_deadlines(cycles)`` asks each registered source, in the order the apps registered
(``INSTALLED_APPS``), and adds the cycle's own milestones. Pages
("My reviewees", the academy overview, the cycle page) and the reminders sweep read
deadlines only through it. It loads every academy's working calendar once for the whole
batch, so the cost does not grow with the number of cycles beyond what each app needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.db.models import QuerySet
from django.utils import timezone

from .extensions import deadline_sources
from .models import AppraisalCycle, CycleState

Recipient = Literal["reviewer", "appraisee", "headteacher"]

# States in which nothing falls due: a closed year is over; a suspended one is paused
# (capability or grievance) and its clock stops until it resumes.
NO_DEADLINES_IN: frozenset[str] = frozenset({CycleState.CLOSED, CycleState.SUSPENDED})


@dataclass(frozen=True)
class Deadline:
    """One thing due by one person on one cycle."""

    cycle_id: int
    kind: str  # a short stable key, e.g. "objectives_agreed", "statement"
    label: str  # what is due, in words, e.g. "Agree objectives"
    due_on: dt.date
    recipient: Recipient
    done: bool = False

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return not self.done and self.due_on < (today or timezone.localdate())

    def status(self, today: dt.date | None = None) -> str:
        """ "done", "overdue" or "due", for a tag on the page."""
        if self.done:
            return "done"
        return "overdue" if self.is_overdue(today) else "due"


def cycle_deadlines(cycles: Iterable[AppraisalCycle]) -> list[Deadline]:
    """The cycle's own milestones: starting it, and moving it to its annual review when
    its period ends. Everything inside the year belongs to the other apps."""
    found: list[Deadline] = []
    for cycle in cycles:
        if cycle.state in NO_DEADLINES_IN:
            continue
        found.append(
            Deadline(
                cycle_id=cycle.pk,
                kind="cycle_started",
                label="Start the appraisal year",
                due_on=cycle.starts_on,
                recipient="reviewer",
                done=cycle.state != CycleState.PLANNING,
            )
        )
        found.append(
            Deadline(
                cycle_id=cycle.pk,
                kind="cycle_review_started",
                label="Begin the annual review",
                due_on=cycle.ends_on,
                recipient="reviewer",
                done=cycle.state == CycleState.REVIEW,
            )
        )
    return found


def _open_cycles(cycles: Iterable[AppraisalCycle]) -> list[AppraisalCycle]:
    if isinstance(cycles, QuerySet):
        cycles = cycles.select_related("policy_version", "academy")
    return [c for c in cycles if c.state not in NO_DEADLINES_IN]


def all_deadlines(cycles: Iterable[AppraisalCycle]) -> list[Deadline]:
    """Every deadline of ``cycles`` (closed and suspended cycles give none), sorted by due
    date. Pass cycles with ``policy_version`` loaded (a queryset is loaded for you)."""
    from calendars.selectors import calendars_for

    open_cycles = _open_cycles(cycles)
    if not open_cycles:
        return []
    calendars = calendars_for(
        {c.academy_id for c in open_cycles},
        min(c.starts_on for c in open_cycles),
        max(c.ends_on for c in open_cycles),
    )
    found = cycle_deadlines(open_cycles)
    for source in deadline_sources:
        found.extend(
            d for d in source.deadlines_for_cycles(open_cycles, calendars) if d.cycle_id is not None
        )
    found.sort(key=lambda d: (d.due_on, d.cycle_id, d.kind))
    return found


def deadlines_by_cycle(deadlines: Iterable[Deadline]) -> dict[int, list[Deadline]]:
    grouped: dict[int, list[Deadline]] = {}
    for deadline in deadlines:
        grouped.setdefault(deadline.cycle_id, []).append(deadline)
    return grouped


def next_due(
    deadlines: Iterable[Deadline], *, recipient: Recipient | None = None
) -> Deadline | None:
    """The earliest deadline not yet done (optionally only one person's)."""
    pending = [
        d for d in deadlines if not d.done and (recipient is None or d.recipient == recipient)
    ]
    return min(pending, key=lambda d: (d.due_on, d.kind), default=None)
