"""What each app adds to a person's copy of their data, and how.

A copy of personal data (UK GDPR art. 15) holds every record the service keeps about the
person. Each app knows its own records, which of them are about the person, and what in
them is someone else's personal data that must stay out (who wrote which colleague
feedback answer, a note the person wrote about somebody else). So the app that owns the
records registers a ``PersonalDataSource`` from its ``AppConfig.ready()``:

    from subject_access.extensions import PersonalDataSource, personal_data_sources

    personal_data_sources.register(
        PersonalDataSource("probation", "Probation", selectors.personal_data_parts)
    )

This app only goes through what was registered: it imports none of the apps above it and
looks nothing up by module name. The records of the layers below it (the staff record, the
appraisal cycles, the access log) it reads itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from cycles.extensions import ExtensionError, Registry, _check_callable

if TYPE_CHECKING:
    from django.db.models import Model

    from organisation.models import StaffMember


@dataclass(frozen=True)
class ArchiveFile:
    """A file of the archive beside the JSON: a stored file (``storage_name``, e.g. an
    evidence upload or a letter PDF) or bytes laid out now (``content``). ``name`` is its
    name inside the part's folder."""

    name: str
    storage_name: str = ""
    content: bytes | None = None


@dataclass
class ArchivePart:
    """One kind of record: ``data/<key>.json`` holds ``records`` (plain values only: the
    archive writes dates and decimals as text), ``files/<key>/`` holds ``files``.
    ``logged`` names the rows the records come from, as (model label, id), so the access
    log part can say who read them."""

    key: str
    title: str
    records: list[dict[str, Any]]
    files: list[ArchiveFile] = field(default_factory=list)
    logged: list[tuple[str, str]] = field(default_factory=list)


def logged(objects: Iterable[Model]) -> list[tuple[str, str]]:
    """The (model label, id) of each object, as the access log names records."""
    return [(obj._meta.label_lower, str(obj.pk)) for obj in objects]


def values(obj: object, *names: str) -> dict[str, Any]:
    """The named attributes of ``obj``; a field with choices also gives its words (as
    ``<name>_label``), so the JSON reads without the product's code."""
    out: dict[str, Any] = {}
    for name in names:
        out[name] = getattr(obj, name)
        display = getattr(obj, f"get_{name}_display", None)
        if callable(display):
            out[f"{name}_label"] = display()
    return out


@runtime_checkable
class PersonalDataSourceProtocol(Protocol):
    """An app's records about one member of staff: ``parts_for(staff)`` answers the
    archive parts (one per kind of record, ``key`` unique across the sources), in a fixed
    number of queries. Only records about ``staff``, and nothing in them that names
    another person as the source of an opinion the policy keeps unnamed."""

    @property
    def key(self) -> str: ...

    @property
    def title(self) -> str: ...

    def parts_for(self, staff: StaffMember, /) -> Sequence[ArchivePart]: ...


@dataclass(frozen=True)
class PersonalDataSource:
    """A ``PersonalDataSourceProtocol`` made of a key, words and the selector that reads."""

    key: str
    title: str
    read: Callable[[StaffMember], Sequence[ArchivePart]]

    def __post_init__(self) -> None:
        _check_callable(self.read, 1, f"The reader of {self.key}")

    def parts_for(self, staff: StaffMember, /) -> Sequence[ArchivePart]:
        return self.read(staff)


class SourceRegistry(Registry[PersonalDataSourceProtocol]):
    """Personal data sources, one per key."""

    def _check(self, item: PersonalDataSourceProtocol) -> None:
        for other in self._items:
            if other is not item and other.key == item.key:
                raise ExtensionError(f"The personal data source {item.key!r} is taken.")


personal_data_sources = SourceRegistry(
    "personal data source",
    PersonalDataSourceProtocol,
    methods={"parts_for": 1},
    attributes={"key": str, "title": str},
)
