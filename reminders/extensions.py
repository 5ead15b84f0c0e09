"""What the apps above reminders plug into the home page's to-do list, and how.

The to-do list is made of the same deadlines the reminders use (``cycles.deadlines``), but a
deadline only says what falls due and whose job it is in the end. Who must act *now*, in
what words and on which page is the owning app's knowledge: objectives proposed to the
member of staff are waiting for them, not for the reviewer; once they have agreed, the
reviewer's step is to record the agreement. An app says so by registering a ``StepSource``
from its ``AppConfig.ready()``:

    from reminders.extensions import Step, step_sources

    step_sources.register(todo)  # a module with KINDS and steps_for

A deadline kind no source answers for gets one step: the deadline's own recipient, its own
words, and the cycle page as the place to act. So a new app's deadlines appear on the
to-do list as soon as they are registered as deadlines; a step source makes them precise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from cycles.extensions import ExtensionError, Registry

if TYPE_CHECKING:
    import datetime as dt

    from django.db.models import Q

    from cycles.deadlines import Deadline
    from cycles.models import AppraisalCycle
    from organisation.principal import Principal

    from .todo import ToDoItem


@dataclass(frozen=True)
class Step:
    """What one person must do now towards a deadline.

    ``role`` is the recipient role whose holders act (a key ``cycles.extensions.
    recipient_roles`` resolves: "reviewer", "appraisee", "plan_manager"...); it may differ
    from the deadline's own recipient (the reviewer's "Agree objectives" is the member of
    staff's "Say whether you agree" while it waits for their answer). ``label`` says what
    to do, in words for that person; ``url`` opens the page or form where it is done.
    ``ready`` says the other party has done their part, so it is waiting for this person
    whatever its due date."""

    role: str
    label: str
    url: str
    ready: bool = False


@runtime_checkable
class StepSource(Protocol):
    """The steps for an app's deadline kinds (``KINDS``; an entry ending in ``*`` stands
    for every kind starting with what comes before it, e.g. ``"conversation_*"``).

    ``steps_for`` gets the not-yet-done deadlines of those kinds on a batch of cycles (by
    id, with appraisee and reviewer loaded) and answers, for each deadline it knows, the
    steps to take now: none while nobody can act (waiting for a date, or for someone the
    to-do does not name), one or more otherwise. A deadline it leaves out gets the default
    step. A fixed number of queries whatever the number of deadlines."""

    KINDS: frozenset[str]

    def steps_for(
        self, deadlines: Sequence[Deadline], cycles: Mapping[int, AppraisalCycle], /
    ) -> Mapping[Deadline, Sequence[Step]]: ...


class StepRegistry(Registry[StepSource]):
    """Step sources; one per deadline kind."""

    def _check(self, item: StepSource) -> None:
        for other in self._items:
            if other is not item and other.KINDS & item.KINDS:
                shared = ", ".join(sorted(other.KINDS & item.KINDS))
                raise ExtensionError(f"The deadline kinds {shared} already have a step source.")

    def for_kind(self, kind: str) -> StepSource | None:
        return next((s for s in self._items if answers(s.KINDS, kind)), None)


def answers(kinds: frozenset[str], kind: str) -> bool:
    """Whether ``kinds`` (exact kinds, or prefixes ending in ``*``) takes in ``kind``."""
    return kind in kinds or any(k.endswith("*") and kind.startswith(k[:-1]) for k in kinds)


step_sources = StepRegistry(
    "to-do step source",
    StepSource,
    methods={"steps_for": 2},
    attributes={"KINDS": frozenset},
)


@runtime_checkable
class ToDoItemSource(Protocol):
    """Things for the person reading to do that are not deadlines of an appraisal cycle (a
    request for a copy of someone's personal data, to be answered within a month of its
    receipt, may be about someone who has no cycle, or has left): ``items_for`` answers
    the principal's own as ``reminders.todo.ToDoItem`` rows, each with its status
    ("overdue", "today", "soon" or "later"). A fixed number of queries."""

    def items_for(self, principal: Principal, on: dt.date, /) -> Sequence[ToDoItem]: ...


todo_item_sources: Registry[ToDoItemSource] = Registry(
    "to-do item source", ToDoItemSource, methods={"items_for": 2}
)


@runtime_checkable
class DeadlineCycleSource(Protocol):
    """The cycles on which someone holds a deadline through an app's own relationship to
    them, not as appraisee, reviewer or headteacher (a colleague asked for feedback on
    another person's appraisal): ``cycles_for`` answers a filter on ``AppraisalCycle``
    (one subquery, no query of its own). *My deadlines* then lists only the deadlines on
    those cycles whose recipient role resolves to that person."""

    def cycles_for(self, principal: Principal, /) -> Q: ...


deadline_cycle_sources: Registry[DeadlineCycleSource] = Registry(
    "deadline cycle source", DeadlineCycleSource, methods={"cycles_for": 1}
)
