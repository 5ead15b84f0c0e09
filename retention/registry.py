"""What the retention purge destroys: the roots and record types the apps register.

A *root* is a kind of record that is destroyed whole, with everything that would be
deleted with it (the appraisal cycle; later a support plan or a pay recommendation). A
*record type* hangs from a root and has its own retention period (a cycle's
observations): when its period is shorter than the root's it is destroyed on its own,
earlier, while the root is kept; when it is longer, it keeps the root (and so itself)
for as long as its own period says. Each names the ``retention.*_years`` field of the
pinned policy that sets its years (``"default"`` for ``retention.default_years``).

The app that owns the model registers it from its ``AppConfig.ready()`` (retention
registers the appraisal cycle, since cycles sits below retention and may not import it;
reviews registers observations). The purge, legal holds, the ledger and the pages go
only through what is registered here: no module names, no look-ups by string.

Holds and ledger rows name a root by its ``key`` and id, and a destroyed record by its
record type's ``key`` and id, so every key is stored data: never rename one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from django.db import models

from policies.schema import RetentionFrom, RetentionSettings

# The field names a root or record type may take its years from: ``<name>_years``, or
# ``default`` for ``default_years``.
RETENTION_FIELDS: tuple[str, ...] = ("default", *RetentionSettings.RECORD_TYPES)


class RegistryError(TypeError):
    """A root or record type registered with the wrong shape or a key already taken."""


@dataclass(frozen=True)
class RootFacts:
    """What the purge needs to know about one root row to decide whether it has expired."""

    pk: int
    trust_id: int
    policy_version_id: int
    ends_on: dt.date
    academy_id: int | None = None
    # The member of staff the record is about (a hold on them keeps it).
    person_id: int | None = None
    starts_on: dt.date | None = None
    left_on: dt.date | None = None
    # Retention fields this row is kept for beside its root's own (a support plan that
    # reached capability is kept for ``capability_years`` too): each only lengthens it.
    extra_fields: tuple[str, ...] = ()


@runtime_checkable
class RetentionRoot(Protocol):
    """A kind of record the purge destroys whole, with everything under it."""

    @property
    def key(self) -> str:
        """Stored in holds and the ledger: ``"appraisal_cycle"``."""

    @property
    def record_type(self) -> str:
        """The ledger's record type for the root itself: ``"appraisal_record"``."""

    @property
    def label(self) -> str:
        """What HR calls one, on the pages: ``"Appraisal record"``."""

    @property
    def model(self) -> type[models.Model]: ...

    @property
    def retention_field(self) -> str:
        """One of ``RETENTION_FIELDS``: the root's own years."""

    def candidates(
        self, policy_version_id: int, counted_from: RetentionFrom, latest: dt.date, /
    ) -> Iterable[RootFacts]:
        """Roots pinned to this policy version whose years are counted from ``latest`` or
        earlier (a superset: each is then checked exactly), oldest first. One query."""

    def facts(self, pks: Collection[int], /, *, lock: bool = False) -> dict[int, RootFacts]:
        """The facts of these roots (those that still exist); with ``lock``, under a row
        lock on the root (the lock ``legal_hold_set`` also takes)."""

    def files(self, pks: Collection[int], /) -> Iterable[tuple[int, str]]:
        """(root id, storage name) of stored files that no ``FileField`` of the tree
        names (those are found by themselves): a rendered statement kept by name, say."""


@runtime_checkable
class RetentionRecordType(Protocol):
    """Records under a root with their own retention period."""

    @property
    def key(self) -> str:
        """The ledger's record type: ``"observation"``."""

    @property
    def label(self) -> str: ...

    @property
    def root_key(self) -> str:
        """The ``key`` of the root it hangs from."""

    @property
    def model(self) -> type[models.Model]: ...

    @property
    def retention_field(self) -> str: ...

    def under(self, root_ids: Collection[int], /) -> Iterable[tuple[int, int]]:
        """(record id, root id) for every record of this type under these roots."""

    def roots_of(self, pks: Collection[int], /) -> dict[int, int]:
        """Record id -> root id, for those of ``pks`` that exist."""

    def files(self, pks: Collection[int], /) -> Iterable[tuple[int, str]]:
        """(record id, storage name), as for a root."""


def _no_files(pks: Collection[int]) -> Iterable[tuple[int, str]]:
    return ()


@dataclass(frozen=True)
class ModelRoot:
    """A root described by the lookups that give its facts (``values()`` paths)."""

    key: str
    record_type: str
    label: str
    model: type[models.Model]
    retention_field: str
    ends_on: str
    policy_version: str = "policy_version_id"
    trust: str = "trust_id"
    academy: str | None = None
    person: str | None = None
    starts_on: str | None = None
    left_on: str | None = None
    extra_files: Callable[[Collection[int]], Iterable[tuple[int, str]]] = field(default=_no_files)

    def _paths(self) -> dict[str, str]:
        paths = {
            "pk": "pk",
            "trust_id": self.trust,
            "policy_version_id": self.policy_version,
            "ends_on": self.ends_on,
            "academy_id": self.academy,
            "person_id": self.person,
            "starts_on": self.starts_on,
            "left_on": self.left_on,
        }
        return {name: path for name, path in paths.items() if path is not None}

    def _facts(self, rows: models.QuerySet[Any]) -> Iterator[RootFacts]:
        paths = self._paths()
        for values in rows.values_list(*paths.values()):
            yield RootFacts(**dict(zip(paths, values, strict=True)))

    def candidates(
        self, policy_version_id: int, counted_from: RetentionFrom, latest: dt.date, /
    ) -> Iterable[RootFacts]:
        rows = self.model._base_manager.filter(**{self.policy_version: policy_version_id})
        rows = rows.filter(**{f"{self.ends_on}__lte": latest})
        if counted_from == RetentionFrom.END_OF_EMPLOYMENT and self.left_on is not None:
            rows = rows.filter(**{f"{self.left_on}__lte": latest})
        return self._facts(rows.order_by(self.ends_on, "pk"))

    def facts(self, pks: Collection[int], /, *, lock: bool = False) -> dict[int, RootFacts]:
        rows = self.model._base_manager.filter(pk__in=list(pks))
        if lock:
            # Lock the root row only, never the rows a lookup path joins.
            rows = rows.select_for_update(of=("self",))
        return {f.pk: f for f in self._facts(rows.order_by("pk"))}

    def files(self, pks: Collection[int], /) -> Iterable[tuple[int, str]]:
        return self.extra_files(pks)


@dataclass(frozen=True)
class ChildRecordType:
    """A record type whose rows name their root by one foreign key column."""

    key: str
    label: str
    root_key: str
    model: type[models.Model]
    retention_field: str
    root_column: str
    extra_files: Callable[[Collection[int]], Iterable[tuple[int, str]]] = field(default=_no_files)

    def under(self, root_ids: Collection[int], /) -> Iterable[tuple[int, int]]:
        return (
            self.model._base_manager.filter(**{f"{self.root_column}__in": list(root_ids)})
            .order_by("pk")
            .values_list("pk", self.root_column)
        )

    def roots_of(self, pks: Collection[int], /) -> dict[int, int]:
        return dict(
            self.model._base_manager.filter(pk__in=list(pks)).values_list("pk", self.root_column)
        )

    def files(self, pks: Collection[int], /) -> Iterable[tuple[int, str]]:
        return self.extra_files(pks)


class RetentionRegistry:
    """The registered roots and record types, in registration order."""

    def __init__(self) -> None:
        self._roots: dict[str, RetentionRoot] = {}
        self._types: dict[str, RetentionRecordType] = {}

    def _check(self, item: RetentionRoot | RetentionRecordType, protocol: type[Any]) -> None:
        if not isinstance(item, protocol):
            raise RegistryError(f"{item!r} is not a {protocol.__name__}.")
        if item.retention_field not in RETENTION_FIELDS:
            raise RegistryError(
                f"{item.key}: retention_field must be one of {', '.join(RETENTION_FIELDS)}, "
                f"not {item.retention_field!r}."
            )
        if not (isinstance(item.model, type) and issubclass(item.model, models.Model)):
            raise RegistryError(f"{item.key}: model must be a Django model.")

    def _taken(self, key: str) -> object | None:
        for root in self._roots.values():
            if key in (root.key, root.record_type):
                return root
        return self._types.get(key)

    def register_root(self, root: RetentionRoot) -> RetentionRoot:
        """Add a root; the same one again does nothing (``ready()`` may run twice)."""
        self._check(root, RetentionRoot)
        for key in {root.key, root.record_type}:
            taken = self._taken(key)
            if taken is not None and taken != root:
                raise RegistryError(f"The retention key {key!r} is already registered.")
        self._roots[root.key] = root
        return root

    def register_record_type(self, record_type: RetentionRecordType) -> RetentionRecordType:
        self._check(record_type, RetentionRecordType)
        taken = self._taken(record_type.key)
        if taken is not None and taken != record_type:
            raise RegistryError(f"The retention key {record_type.key!r} is already registered.")
        self._types[record_type.key] = record_type
        return record_type

    def unregister(self, item: RetentionRoot | RetentionRecordType) -> None:
        """Remove a root (with its record types) or a record type; for tests."""
        if self._roots.get(item.key) is item:
            del self._roots[item.key]
            for key in [k for k, t in self._types.items() if t.root_key == item.key]:
                del self._types[key]
        elif self._types.get(item.key) is item:
            del self._types[item.key]

    def roots(self) -> list[RetentionRoot]:
        return list(self._roots.values())

    def root(self, key: str) -> RetentionRoot | None:
        return self._roots.get(key)

    def root_for_model(self, model: type[models.Model]) -> RetentionRoot | None:
        return next((r for r in self._roots.values() if r.model is model), None)

    def record_types_under(self, root_key: str) -> list[RetentionRecordType]:
        return [t for t in self._types.values() if t.root_key == root_key]

    def record_type(self, key: str) -> RetentionRecordType | None:
        return self._types.get(key)

    def retention_fields(self, root: RetentionRoot) -> tuple[str, ...]:
        """Every field whose years a root's tree is kept for: its own and its record
        types' (the tree is kept for the longest, so no part goes before its time)."""
        return (
            root.retention_field,
            *(t.retention_field for t in self.record_types_under(root.key)),
        )

    def label_for(self, record_type: str) -> str:
        """The page's name for a ledger record type (an unregistered one is shown as is)."""
        for root in self._roots.values():
            if root.record_type == record_type:
                return root.label
        found = self._types.get(record_type)
        return found.label if found is not None else record_type.replace("_", " ").capitalize()


retention_registry = RetentionRegistry()
