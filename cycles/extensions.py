"""What the apps above cycles plug into it, and how.

Objectives, reviews and, later, support plans, pay progression and reports add things to
an appraisal cycle: deadlines (and the roles their reminders go to), a section of the
cycle page, "this person is in the capability procedure". Cycles must not import them (the
import-layer contract in ``pyproject.toml`` fails when it does), nor look them up by
module name: a name that no longer exists would make the hook silently do nothing.
Instead, the app that owns the thing registers it here from its ``AppConfig.ready()``, as
Django's own admin and checks framework do, and cycles only goes through what was
registered.

Each registry checks what it is given against its Protocol when it is registered (the
methods exist, are callable and take the arguments cycles will pass), so a wrong shape
fails at start-up with a message, not on the first page or sweep that uses it.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from calendars.working_days import WorkingCalendar
    from organisation.models import StaffMember
    from organisation.principal import Principal

    from .deadlines import Deadline, Subject
    from .models import AppraisalCycle


class ExtensionError(TypeError):
    """Something registered that does not have the shape its registry needs."""


@runtime_checkable
class DeadlineSource(Protocol):
    """An app's due dates on a batch of cycles that are not closed
    (``cycles.deadlines.all_deadlines``): about the cycle itself, or about a record of the
    app's own that belongs to it (a support plan, a pay recommendation), named by the
    deadline's ``subject``.

    ``STOPPED_BY_SUSPENSION`` says whether a suspended cycle stops the source's clock. The
    appraisal year's own work does stop (capability or grievance pauses it), so those
    sources are not asked about suspended cycles; a support plan, which runs exactly while
    the cycle is suspended, says ``False`` and is asked about them too.

    ``calendars`` holds each academy's working calendar, loaded once for the batch. The
    source makes a fixed number of queries whatever the number of cycles."""

    STOPPED_BY_SUSPENSION: bool

    def deadlines_for_cycles(
        self, cycles: Sequence[AppraisalCycle], calendars: Mapping[int, WorkingCalendar], /
    ) -> list[Deadline]: ...


@runtime_checkable
class RecipientResolver(Protocol):
    """Who holds one recipient role of a deadline: the people a reminder goes to and whose
    "My deadlines" list shows it. ``role`` is the key deadlines name in ``recipient`` (the
    cycle's own are "reviewer", "appraisee" and "headteacher"; an app adds its own, e.g.
    "plan_manager"), ``label`` says it in words for the pages.

    ``users_for`` answers for a batch of deadlines at once, in a fixed number of queries:
    user ids per subject. ``cycles`` holds the batch's cycles by id, with appraisee and
    reviewer loaded, so a role read from the cycle needs no query. A role nobody holds for
    a subject leaves it out, or maps it to no one."""

    @property
    def role(self) -> str: ...

    @property
    def label(self) -> str: ...

    def users_for(
        self,
        deadlines: Sequence[Deadline],
        cycles: Mapping[int, AppraisalCycle],
        on: dt.date,
        /,
    ) -> Mapping[Subject, Sequence[int]]: ...


@runtime_checkable
class CapabilitySource(Protocol):
    """Who among ``staff`` is in the capability procedure by the app's own records (a
    support plan at its formal stage, say), as staff ids. Opening a year leaves them out,
    as it does people whose cycle is suspended for capability."""

    def staff_in_capability(self, staff: QuerySet[StaffMember], /) -> Iterable[int]: ...


@runtime_checkable
class SupportRecordSource(Protocol):
    """What the app's support records say of each of ``staff`` on ``on``, as {staff id:
    set of facts}: ``"under_support"`` (an open support plan short of capability) and
    ``"told_and_supported"`` (a concern was raised with them and a support plan opened
    from it on or before ``on``). Pay progression reads it (staploe withholds an increment
    only after concerns were raised and support given). One query whatever the number of
    staff."""

    def support_facts(
        self, staff: QuerySet[StaffMember], on: dt.date, /
    ) -> Mapping[int, frozenset[str]]: ...


@runtime_checkable
class ProbationSource(Protocol):
    """The last day of probation of each of ``staff`` by the app's own probation records,
    as {staff id: last day}: the day a running probation ends (an extension moves it), or
    the day a decided one was decided. Opening a year reads it in place of the staff
    record's own probation end, so someone still on probation is left out where their
    policy says so (``scope.exclude_probationers``) and joins once it has ended, by their
    policy's part-year rule. One query whatever the number of staff."""

    def probation_ends(self, staff: QuerySet[StaffMember], /) -> Mapping[int, dt.date]: ...


@runtime_checkable
class CyclePageSection(Protocol):
    """A section an app adds to the cycle page: a template included after the cycle's own
    part, and the context it needs (merged into the page's, so keys are the app's own,
    e.g. ``{"reviews_section": ...}``). ``context`` must make a fixed number of queries."""

    @property
    def template_name(self) -> str: ...

    def context(self, cycle: AppraisalCycle, principal: Principal, /) -> Mapping[str, Any]: ...


T = TypeVar("T")


def _describe(item: object) -> str:
    return getattr(item, "__name__", None) or type(item).__qualname__


def _check_callable(fn: object, arity: int, where: str) -> None:
    """``fn`` can be called with ``arity`` positional arguments."""
    if not callable(fn):
        raise ExtensionError(f"{where} must be callable, not {type(fn).__name__}.")
    try:
        inspect.signature(fn).bind(*([None] * arity))
    except TypeError:
        raise ExtensionError(
            f"{where} must take {arity} positional argument{'s' if arity != 1 else ''}."
        ) from None
    except ValueError:  # no signature to read (some builtins): trust it
        return


class Registry(Generic[T]):
    """The registered implementations of one Protocol, in registration order."""

    def __init__(
        self,
        what: str,
        protocol: type[Any],  # the Protocol class T (mypy will not take a Protocol as type[T])
        *,
        methods: Mapping[str, int],
        attributes: Mapping[str, type] | None = None,
    ) -> None:
        self.what = what
        self.protocol = protocol
        self._methods = dict(methods)  # name -> positional arguments it is called with
        self._attributes = dict(attributes or {})
        self._items: list[T] = []

    def register(self, item: T) -> T:
        """Add ``item``; registering the same item again does nothing (``ready()`` may run
        more than once in tests). Raises ``ExtensionError`` for the wrong shape."""
        if not isinstance(item, self.protocol):
            needs = ", ".join([*self._methods, *self._attributes])
            raise ExtensionError(f"{_describe(item)} is not a {self.what}: it needs {needs}.")
        for name, arity in self._methods.items():
            _check_callable(getattr(item, name), arity, f"{_describe(item)}.{name}")
        for name, kind in self._attributes.items():
            value = getattr(item, name)
            if kind is bool:  # a flag: True and False are both answers
                if not isinstance(value, bool):
                    raise ExtensionError(f"{_describe(item)}.{name} must be True or False.")
            elif not isinstance(value, kind) or not value:
                raise ExtensionError(
                    f"{_describe(item)}.{name} must be a non-empty {kind.__name__}."
                )
        self._check(item)
        if item not in self._items:
            self._items.append(item)
        return item

    def _check(self, item: T) -> None:
        """A registry's own rule about what it may hold beside the shape."""

    def unregister(self, item: T) -> None:
        """Remove ``item`` (tests that register a fake put things back with this)."""
        self._items.remove(item)

    def __iter__(self) -> Iterator[T]:
        return iter(tuple(self._items))  # a copy: registering while iterating is safe

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item: object) -> bool:
        return item in self._items


class RoleRegistry(Registry[RecipientResolver]):
    """Recipient roles by key: one resolver per role."""

    def _check(self, item: RecipientResolver) -> None:
        held = self.get(item.role)
        if held is not None and held is not item:
            raise ExtensionError(
                f"The recipient role {item.role!r} is already resolved by {_describe(held)}."
            )

    def get(self, role: str) -> RecipientResolver | None:
        return next((r for r in self._items if r.role == role), None)

    def label(self, role: str) -> str:
        resolver = self.get(role)
        return resolver.label if resolver is not None else role.replace("_", " ").capitalize()


deadline_sources: Registry[DeadlineSource] = Registry(
    "deadline source",
    DeadlineSource,
    methods={"deadlines_for_cycles": 2},
    attributes={"STOPPED_BY_SUSPENSION": bool},
)
recipient_roles = RoleRegistry(
    "recipient role",
    RecipientResolver,
    methods={"users_for": 3},
    attributes={"role": str, "label": str},
)
capability_sources: Registry[CapabilitySource] = Registry(
    "capability source", CapabilitySource, methods={"staff_in_capability": 1}
)
support_record_sources: Registry[SupportRecordSource] = Registry(
    "support record source", SupportRecordSource, methods={"support_facts": 2}
)
probation_sources: Registry[ProbationSource] = Registry(
    "probation source", ProbationSource, methods={"probation_ends": 1}
)
cycle_page_sections: Registry[CyclePageSection] = Registry(
    "cycle page section",
    CyclePageSection,
    methods={"context": 2},
    attributes={"template_name": str},
)


@dataclass(frozen=True)
class TemplateSection:
    """A ``CyclePageSection`` made of a template and the selector that fills it."""

    template_name: str
    fill: Callable[[AppraisalCycle, Principal], Mapping[str, Any]]

    def __post_init__(self) -> None:
        _check_callable(self.fill, 2, f"The filler of {self.template_name}")

    def context(self, cycle: AppraisalCycle, principal: Principal, /) -> Mapping[str, Any]:
        return self.fill(cycle, principal)
