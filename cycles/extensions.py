"""What the apps above cycles plug into it, and how.

Objectives, reviews and, later, support plans, pay progression and reports add things to
an appraisal cycle: deadlines, a section of the cycle page, "this person is in the
capability procedure". Cycles must not import them (the import-layer contract in
``pyproject.toml`` fails when it does), nor look them up by module name: a name that no
longer exists would make the hook silently do nothing. Instead, the app that owns the
thing registers it here from its ``AppConfig.ready()``, as Django's own admin and checks
framework do, and cycles only goes through what was registered.

Each registry checks what it is given against its Protocol when it is registered (the
methods exist, are callable and take the arguments cycles will pass), so a wrong shape
fails at start-up with a message, not on the first page or sweep that uses it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from calendars.working_days import WorkingCalendar
    from organisation.models import StaffMember
    from organisation.principal import Principal

    from .deadlines import Deadline
    from .models import AppraisalCycle


class ExtensionError(TypeError):
    """Something registered that does not have the shape its registry needs."""


@runtime_checkable
class DeadlineSource(Protocol):
    """An app's due dates on a batch of open cycles (``cycles.deadlines.all_deadlines``).

    ``calendars`` holds each academy's working calendar, loaded once for the batch. The
    source makes a fixed number of queries whatever the number of cycles."""

    def deadlines_for_cycles(
        self, cycles: Sequence[AppraisalCycle], calendars: Mapping[int, WorkingCalendar], /
    ) -> list[Deadline]: ...


@runtime_checkable
class CapabilitySource(Protocol):
    """Who among ``staff`` is in the capability procedure by the app's own records (a
    support plan at its formal stage, say), as staff ids. Opening a year leaves them out,
    as it does people whose cycle is suspended for capability."""

    def staff_in_capability(self, staff: QuerySet[StaffMember], /) -> Iterable[int]: ...


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
            if not isinstance(value, kind) or not value:
                raise ExtensionError(
                    f"{_describe(item)}.{name} must be a non-empty {kind.__name__}."
                )
        if item not in self._items:
            self._items.append(item)
        return item

    def unregister(self, item: T) -> None:
        """Remove ``item`` (tests that register a fake put things back with this)."""
        self._items.remove(item)

    def __iter__(self) -> Iterator[T]:
        return iter(tuple(self._items))  # a copy: registering while iterating is safe

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item: object) -> bool:
        return item in self._items


deadline_sources: Registry[DeadlineSource] = Registry(
    "deadline source", DeadlineSource, methods={"deadlines_for_cycles": 2}
)
capability_sources: Registry[CapabilitySource] = Registry(
    "capability source", CapabilitySource, methods={"staff_in_capability": 1}
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
