"""Every deadline in an appraisal year, from every app, in one shape.

Each app that sets a due date (objectives agreed by, a conversation, observation feedback,
the annual review, the statement, and later a support plan's review or a pay
recommendation) registers a ``DeadlineSource`` (see ``cycles.extensions``) from its
``AppConfig.ready()``: usually its own ``deadlines`` module, which has::

    STOPPED_BY_SUSPENSION = True  # or False: does a suspended cycle stop these?

    def deadlines_for_cycles(
        cycles: Sequence[AppraisalCycle], calendars: Mapping[int, WorkingCalendar]
    ) -> list[Deadline]: ...

A deadline names its ``subject`` (the record it is about: the cycle itself unless the
source says otherwise) and its ``recipient``, a role whose holders a registered
``RecipientResolver`` finds (``recipients_by_subject``). The cycle registers its own
roles here: reviewer, appraisee, headteacher, and HR for the apps above.

``all_deadlines(cycles)`` asks each registered source, in the order the apps registered
(``INSTALLED_APPS``), and adds the cycle's own milestones. Pages
("My reviewees", the academy overview, the cycle page) and the reminders sweep read
deadlines only through it. It loads every academy's working calendar once for the whole
batch, so the cost does not grow with the number of cycles beyond what each app needs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from organisation.models import ACADEMY_ROLES, Role, RoleAssignment

from .extensions import deadline_sources, recipient_roles
from .models import AppraisalCycle, CycleState
from .order import in_order

logger = logging.getLogger(__name__)

# A recipient role's key, e.g. "reviewer", "appraisee", "headteacher", or one an app
# registers ("plan_manager", "hr"): see ``cycles.extensions.RecipientResolver``.
Recipient = str

# States in which nothing falls due: a closed year is over.
NO_DEADLINES_IN: frozenset[str] = frozenset({CycleState.CLOSED})
# States that stop the clock of the sources that say so (``STOPPED_BY_SUSPENSION``): a
# suspended year (capability or grievance) is paused until it resumes, but a support plan
# runs exactly then.
PAUSED_IN: frozenset[str] = frozenset({CycleState.SUSPENDED})

# The cycle's own kind of subject: the same word the retention purge uses for the cycle as
# a root, so a record's reminders can be found by the name its purge knows it by.
CYCLE = "appraisal_cycle"


@dataclass(frozen=True, slots=True)
class Subject:
    """The record a deadline is about, by kind and primary key:
    ``Subject("appraisal_cycle", 12)``, ``Subject("support_plan", 7)``. The kind is the
    owning app's short stable word; the reminders ledger stores the two as plain columns,
    so any app's records fit."""

    kind: str
    pk: int

    @classmethod
    def of_cycle(cls, cycle_id: int) -> Subject:
        return cls(CYCLE, cycle_id)


_CYCLE_OF_ITSELF = Subject("", 0)  # placeholder: "the deadline's own cycle"


@dataclass(frozen=True)
class Deadline:
    """One thing due by the holders of one role, about one subject.

    ``cycle_id`` is the appraisal year the subject belongs to (its pinned policy times the
    reminders, its academy's calendar counts the working days); ``subject`` defaults to
    that cycle. A deadline with no cycle is listed but cannot be reminded.

    A subject that pins a policy of its own (a support plan runs under the version it was
    opened with, whatever the cycle's) names it in ``policy_version_id``, and its academy
    in ``academy_id``: the reminder sweep then times the reminders with that version's
    settings on that academy's calendar instead of the cycle's."""

    cycle_id: int | None
    kind: str  # a short stable key, e.g. "objectives_agreed", "statement"
    label: str  # what is due, in words, e.g. "Agree objectives"
    due_on: dt.date
    recipient: Recipient
    done: bool = False
    subject: Subject = field(default=_CYCLE_OF_ITSELF)
    policy_version_id: int | None = None
    academy_id: int | None = None
    # Set for a deadline due at a time of day (staploe: feedback within 48 hours): it is
    # overdue from that moment, not from the next day.
    due_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.subject is _CYCLE_OF_ITSELF:
            if self.cycle_id is None:
                raise ValueError(f"Deadline {self.kind!r} names neither a subject nor a cycle.")
            object.__setattr__(self, "subject", Subject(CYCLE, self.cycle_id))

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Past its due day; a deadline due at a time (``due_at``) is overdue from that
        moment on its due day. Every page and the reminders ask this one question."""
        if self.done:
            return False
        current = timezone.localdate()
        on = today or current
        if self.due_at is not None and on == current == self.due_on:
            return timezone.now() > self.due_at
        return self.due_on < on

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
        if cycle.state in NO_DEADLINES_IN or cycle.state in PAUSED_IN:
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


def _live_cycles(cycles: Iterable[AppraisalCycle]) -> list[AppraisalCycle]:
    if isinstance(cycles, QuerySet):
        cycles = cycles.select_related("policy_version", "academy")
    return [c for c in cycles if c.state not in NO_DEADLINES_IN]


def all_deadlines(cycles: Iterable[AppraisalCycle]) -> list[Deadline]:
    """Every deadline of ``cycles``, sorted by due date. Closed cycles give none; suspended
    ones give only those of sources a suspension does not stop. Pass cycles with
    ``policy_version`` loaded (a queryset is loaded for you)."""
    from calendars.selectors import calendars_for

    live = _live_cycles(cycles)
    if not live:
        return []
    running = [c for c in live if c.state not in PAUSED_IN]
    calendars = calendars_for(
        {c.academy_id for c in live},
        min(c.starts_on for c in live),
        max(c.ends_on for c in live),
    )
    found = cycle_deadlines(running)
    for source in deadline_sources:
        asked = running if source.STOPPED_BY_SUSPENSION else live
        if asked:
            found.extend(source.deadlines_for_cycles(asked, calendars))
    # A later step done means each earlier one is done or was skipped (cycles.order).
    found = in_order(found)
    found.sort(key=lambda d: (d.due_on, d.cycle_id or 0, d.kind))
    return found


def deadlines_by_cycle(deadlines: Iterable[Deadline]) -> dict[int, list[Deadline]]:
    grouped: dict[int, list[Deadline]] = {}
    for deadline in deadlines:
        if deadline.cycle_id is not None:
            grouped.setdefault(deadline.cycle_id, []).append(deadline)
    return grouped


# ----- Who a deadline is for ----------------------------------------------------------


def recipients_by_subject(
    deadlines: Sequence[Deadline], cycles: Mapping[int, AppraisalCycle], *, on: dt.date
) -> dict[tuple[Subject, Recipient], Sequence[int]]:
    """User ids holding each deadline's recipient role, by (subject, role): one call per
    role among ``deadlines``, each a fixed number of queries. A role nothing resolves (its
    app is not installed) reaches nobody, and says so in the log."""
    by_role: dict[str, list[Deadline]] = defaultdict(list)
    for deadline in deadlines:
        by_role[deadline.recipient].append(deadline)
    found: dict[tuple[Subject, Recipient], Sequence[int]] = {}
    for role, group in by_role.items():
        resolver = recipient_roles.get(role)
        if resolver is None:
            logger.warning("deadline recipient role with no resolver role=%s", role)
            continue
        for subject, users in resolver.users_for(group, cycles, on).items():
            found[(subject, role)] = users
    return found


def recipient_label(role: Recipient) -> str:
    """The role in words, for the pages ("Reviewer", "Member of staff")."""
    return recipient_roles.label(role)


@dataclass(frozen=True)
class CycleRole:
    """A recipient role read from the deadline's cycle, needing no query."""

    role: str
    label: str
    pick: Callable[[AppraisalCycle, dt.date], list[int]]

    def users_for(
        self,
        deadlines: Sequence[Deadline],
        cycles: Mapping[int, AppraisalCycle],
        on: dt.date,
        /,
    ) -> Mapping[Subject, Sequence[int]]:
        cycle_of = {d.subject: d.cycle_id for d in deadlines if d.cycle_id is not None}
        return {
            subject: self.pick(cycles[cycle_id], on)
            for subject, cycle_id in cycle_of.items()
            if cycle_id in cycles
        }


def _appraisee(cycle: AppraisalCycle, on: dt.date) -> list[int]:
    user_id = cycle.appraisee.user_id
    return [user_id] if user_id else []


def _reviewer(cycle: AppraisalCycle, on: dt.date) -> list[int]:
    """A reviewer with no account, or who has left, gets nothing."""
    reviewer = cycle.reviewer
    if reviewer is None or reviewer.user_id is None:
        return []
    if reviewer.left_on is not None and reviewer.left_on <= on:
        return []
    return [reviewer.user_id]


def role_holders(
    role: str, where_ids: Iterable[int], *, by_academy: bool, at: dt.datetime | None = None
) -> dict[int, list[int]]:
    """User ids holding an active ``role`` at each academy (``by_academy``) or trust, one
    query."""
    where = "academy_id" if by_academy else "trust_id"
    found: dict[int, list[int]] = {}
    rows = (
        RoleAssignment.objects.active(at)
        .filter(role=role, **{f"{where}__in": set(where_ids)})
        .values_list(where, "user_id")
        .order_by(where, "user_id")
        .distinct()
    )
    for place_id, user_id in rows:
        found.setdefault(place_id, []).append(user_id)
    return found


@dataclass(frozen=True)
class AccessRole:
    """A role of the access policy (``organisation.Role``) as a recipient: whoever holds
    it, now, over the deadline's cycle (an academy role at the cycle's academy, a trust
    role across its trust). One query for the batch. Never the appraisee: nobody is
    reminded, as headteacher or HR, about their own appraisal."""

    role: str
    label: str

    def users_for(
        self,
        deadlines: Sequence[Deadline],
        cycles: Mapping[int, AppraisalCycle],
        on: dt.date,
        /,
    ) -> Mapping[Subject, Sequence[int]]:
        mine = [
            (d.subject, cycles[d.cycle_id])
            for d in deadlines
            if d.cycle_id is not None and d.cycle_id in cycles
        ]
        if not mine:
            return {}
        by_academy = self.role in ACADEMY_ROLES

        def place(cycle: AppraisalCycle) -> int:
            return cycle.academy_id if by_academy else cycle.trust_id

        holders = role_holders(self.role, {place(c) for _, c in mine}, by_academy=by_academy)
        return {
            subject: [u for u in holders.get(place(cycle), []) if u != cycle.appraisee.user_id]
            for subject, cycle in mine
        }


REVIEWER = CycleRole("reviewer", "Reviewer", _reviewer)
APPRAISEE = CycleRole("appraisee", "Member of staff", _appraisee)
HEADTEACHER = AccessRole(Role.HEADTEACHER.value, "Headteacher")
# For the apps above (a support plan, a pay recommendation): HR across the trust.
HR = AccessRole(Role.HR.value, "HR")

# The cycle's own roles are registered where they are defined, by the app that owns the
# registry, so they are there as soon as deadlines can be read; apps above cycles register
# theirs from their ``AppConfig.ready()``.
for _role in (REVIEWER, APPRAISEE, HEADTEACHER, HR):
    recipient_roles.register(_role)


def next_due(
    deadlines: Iterable[Deadline], *, recipient: Recipient | None = None
) -> Deadline | None:
    """The earliest deadline not yet done (optionally only one person's)."""
    pending = [
        d for d in deadlines if not d.done and (recipient is None or d.recipient == recipient)
    ]
    return min(pending, key=lambda d: (d.due_on, d.kind), default=None)
