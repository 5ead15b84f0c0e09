"""Discovering record trees: following every foreign key into a record (a registered
root, or a record of a type under one) the way Django's deletion ``Collector`` would, a
batch of records of one model at a time."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from typing import Any

from django.db import models
from django.db.models.deletion import (
    CASCADE,
    DO_NOTHING,
    RESTRICT,
    SET_DEFAULT,
    SET_NULL,
    get_candidate_relations_to_delete,
)

from ..models import LegalHold
from ._common import Model, _concrete, _rows_where
from .fingerprint import _fingerprint
from .generic_refs import _find_generic_refs
from .history import _close_over_history
from .tree import RecordTree


@functools.cache
def _relations_into(model: Model) -> list[tuple[Model, models.Field[Any, Any]]]:
    """Every foreign key (and one-to-one, and many-to-many link table) pointing at
    ``model`` that deleting a row of it affects: what Django's deletion ``Collector``
    follows, from the same list (``get_candidate_relations_to_delete``)."""
    found: list[tuple[Model, models.Field[Any, Any]]] = []
    for rel in get_candidate_relations_to_delete(model._meta):
        fk: Any = rel.field  # type: ignore[attr-defined]
        if fk.remote_field.on_delete is DO_NOTHING:
            continue
        found.append((_concrete(rel.related_model), fk))  # type: ignore[arg-type]
    return found


def _no_files(pks: Collection[int]) -> Iterable[tuple[int, str]]:
    return ()


def collect_trees(
    root_ids: Iterable[int],
    *,
    model: Model,
    root_kind: str = "",
    files: Callable[[Collection[int]], Iterable[tuple[int, str]]] = _no_files,
) -> dict[int, RecordTree]:
    """Find everything that goes with each record of ``model`` in ``root_ids``, all at
    once. ``root_kind`` names a registered root: the holds on each record (lifted ones;
    an active hold keeps the tree from the purge) go with it. ``files`` gives stored
    files no ``FileField`` names."""
    trees = {rid: RecordTree(root_id=rid) for rid in root_ids}
    model = _concrete(model)
    owner: dict[Model, dict[Any, int]] = defaultdict(dict)
    for rid, tree in trees.items():
        tree.add(model, rid)
        owner[model][rid] = rid
    restricted: list[tuple[Model, Any, int]] = []
    pending: list[tuple[Model, set[Any]]] = [(model, set(trees))]
    if root_kind:
        # A hold names its record by kind and number, not by a foreign key: it is part of
        # the record's tree all the same (and anything under the hold with it).
        holds: set[Any] = set()
        for pk, root_id in LegalHold._base_manager.filter(
            root_kind=root_kind, root_id__in=list(trees)
        ).values_list("pk", "root_id"):
            if root_id is not None:
                trees[root_id].add(LegalHold, pk)
                owner[LegalHold][pk] = root_id
                holds.add(pk)
        if holds:
            pending.append((LegalHold, holds))
    while pending:
        model, pks = pending.pop(0)
        for related, fk in _relations_into(model):
            on_delete = fk.remote_field.on_delete  # type: ignore[union-attr]
            rows = _rows_where(related, fk.attname, pks, "pk", fk.attname)
            new: set[Any] = set()
            for pk, parent in rows:
                root = owner[model][parent]
                tree = trees[root]
                if on_delete is CASCADE:
                    if pk not in owner[related]:
                        owner[related][pk] = root
                        tree.add(related, pk)
                        new.add(pk)
                elif on_delete in (SET_NULL, SET_DEFAULT):
                    tree.cleared.setdefault((related, fk), set()).add(pk)
                elif on_delete is RESTRICT:
                    restricted.append((related, pk, root))
                else:  # PROTECT, or a SET(...) this purge does not guess at
                    tree.blocked_by.add(related._meta.label_lower)
            if new:
                pending.append((related, new))
    for related, pk, root in restricted:
        # RESTRICT only blocks when the restricting row is not going anyway.
        if owner[related].get(pk) != root:
            trees[root].blocked_by.add(related._meta.label_lower)
    for tree in trees.values():
        for (related, _fk), pks in tree.cleared.items():
            pks -= {pk for pk in pks if owner[related].get(pk) == tree.root_id}
    for rid, name in files(list(trees)):
        if rid in trees and name:
            trees[rid].files.add(name)
    known = _close_over_history(trees, owner)
    _fingerprint(trees, known)
    _find_generic_refs(trees, known)
    return trees
