"""History rows that go with a tree: of its objects (live, or deleted long ago) and of
other objects that pointed into it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import models
from django.db.models import Q

from ._common import Model, _cascade_links, _chunks, _history_models, _rows_where
from .tree import RecordTree


def _close_over_history(
    trees: dict[int, RecordTree], owner: dict[Model, dict[Any, int]]
) -> dict[Model, dict[Any, int]]:
    """Add objects deleted earlier whose history still points into a tree (and, in turn,
    their children's history), until nothing new turns up. Returns every object id (live
    or dead) with the root it belongs to."""
    history = _history_models()
    links = _cascade_links()
    known: dict[Model, dict[Any, int]] = defaultdict(dict)
    for model, mapping in owner.items():
        known[model].update(mapping)
    asked: dict[tuple[Model, str], set[Any]] = defaultdict(set)
    changed = True
    while changed:
        changed = False
        unknown: dict[Model, dict[Any, int]] = defaultdict(dict)
        for model, hist in history.items():
            for fk, parent in links.get(model, []):
                parent_ids = set(known.get(parent, {})) - asked[(model, fk.attname)]
                if not parent_ids:
                    continue
                asked[(model, fk.attname)] |= parent_ids
                column = hist._meta.get_field(fk.name).attname  # type: ignore[union-attr]
                pk_name = model._meta.pk.attname
                for obj_id, parent_id in _rows_where(hist, column, parent_ids, pk_name, column):
                    root = known[parent][parent_id]
                    trees[root].history_links.setdefault((hist, column), set()).add(parent_id)
                    if obj_id not in known[model]:
                        unknown[model][obj_id] = root
        for model, candidates in unknown.items():
            alive: set[Any] = set()
            for chunk in _chunks(candidates):
                alive.update(model._base_manager.filter(pk__in=chunk).values_list("pk", flat=True))
            for obj_id, root in candidates.items():
                # Objects still alive elsewhere (moved out of the tree) keep their own
                # history; only their rows that pointed into the tree go (history_links).
                if obj_id in alive:
                    continue
                known[model][obj_id] = root
                trees[root].dead.setdefault(model, set()).add(obj_id)
                changed = True
    return known


def _history_querysets(tree: RecordTree) -> list[models.QuerySet[Any]]:
    """One queryset per history table: every history row that goes with the tree (rows
    of its objects, and rows of other objects that pointed into it)."""
    history = _history_models()
    conditions: dict[Model, Q] = {}

    def add(hist: Model, cond: Q) -> None:
        conditions[hist] = conditions[hist] | cond if hist in conditions else cond

    for model, pks in tree.object_ids().items():
        hist = history.get(model)
        if hist is not None and pks:
            add(hist, Q(**{f"{model._meta.pk.attname}__in": sorted(pks)}))
    for (hist, column), parent_ids in tree.history_links.items():
        add(hist, Q(**{f"{column}__in": sorted(parent_ids)}))
    return [
        hist._base_manager.filter(cond)
        for hist, cond in sorted(conditions.items(), key=lambda kv: kv[0]._meta.label_lower)
    ]
