"""A record tree: everything that goes with one record (a root, or a record under one)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from ._common import Model


@dataclass
class RecordTree:
    """Everything that goes with one record, found before its transaction starts. Rows
    added to the tree after that make the transaction fail on PostgreSQL's deferred
    foreign-key check and the tree is tried again on the next run; history rows written
    since are caught because history is deleted by object id."""

    root_id: int
    # Live rows, by model, in the order found (parents before children).
    live: dict[Model, set[Any]] = field(default_factory=dict)
    # Objects deleted before (only their history is left), by live model.
    dead: dict[Model, set[Any]] = field(default_factory=dict)
    # History rows of objects now outside the tree that pointed into it.
    history_links: dict[tuple[Model, str], set[Any]] = field(default_factory=dict)
    # Rows outside the tree whose foreign key into it is cleared (SET_NULL / SET_DEFAULT).
    cleared: dict[tuple[Model, models.Field[Any, Any]], set[Any]] = field(default_factory=dict)
    blocked_by: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    # Generic references (content type + id) that exist: (table key, type key, ids).
    generic: list[tuple[str, Any, list[str]]] = field(default_factory=list)
    content_sha256: str = ""

    def add(self, model: Model, pk: Any) -> None:
        self.live.setdefault(model, set()).add(pk)

    def object_ids(self) -> dict[Model, set[Any]]:
        ids: dict[Model, set[Any]] = defaultdict(set)
        for source in (self.live, self.dead):
            for model, pks in source.items():
                ids[model] |= pks
        return ids

    def row_counts(self) -> dict[str, int]:
        return {m._meta.label_lower: len(pks) for m, pks in self.live.items() if pks}
