"""Each tree's content hash and its files."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q

from ._common import Model, _cascade_links, _chunks, _history_models
from .tree import RecordTree


def _file_fields(model: Model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _json_default(value: Any) -> str:
    return str(value)


def _fingerprint(trees: dict[int, RecordTree], known: dict[Model, dict[Any, int]]) -> None:
    """Each tree's SHA-256 (every row that goes, live and history, each table in a fixed
    order, and the bytes of every file) and its files. One query per table per batch.

    The hash lets anyone holding a backup prove whether a restored record is the one
    destroyed, without the ledger holding any of it."""
    history = _history_models()
    entries: dict[int, list[tuple[str, str, bytes]]] = defaultdict(list)

    def take(root: int, label: str, key: str, row: dict[str, Any], files: list[str]) -> None:
        entries[root].append(
            (label, key, json.dumps(row, sort_keys=True, default=_json_default).encode())
        )
        for name in files:
            if row.get(name):
                trees[root].files.add(str(row[name]))

    for model in {m for tree in trees.values() for m in tree.live}:
        ids = {pk: root for pk, root in known[model].items() if model in trees[root].live}
        label, files = model._meta.label_lower, _file_fields(model)
        pk_name = model._meta.pk.attname
        for chunk in _chunks(ids):
            for row in model._base_manager.filter(pk__in=chunk).values():
                take(ids[row[pk_name]], label, f"{row[pk_name]:>20}", row, files)
    links = _cascade_links()
    for model, hist in history.items():
        ids = known.get(model, {})
        link_columns = {
            column: parent
            for (h, column) in {k for t in trees.values() for k in t.history_links}
            if h is hist
            for fk, parent in links.get(model, [])
            if hist._meta.get_field(fk.name).attname == column  # type: ignore[union-attr]
        }
        if not ids and not link_columns:
            continue
        label, files = hist._meta.label_lower, _file_fields(model)
        pk_name = model._meta.pk.attname
        cond = Q(**{f"{pk_name}__in": sorted(ids, key=str)}) if ids else Q(pk__in=[])
        for column, parent in link_columns.items():
            cond |= Q(**{f"{column}__in": sorted(known.get(parent, {}), key=str)})
        for row in hist._base_manager.filter(cond).values():
            root = ids.get(row[pk_name])
            for column, parent in link_columns.items():
                if root is None:
                    root = known.get(parent, {}).get(row[column])
            if root is not None and root in trees:
                take(root, label, f"{row['history_id']:>20}", row, files)
    for root, tree in trees.items():
        digest = hashlib.sha256()
        for label, _key, data in sorted(entries[root]):
            digest.update(label.encode())
            digest.update(data)
        for name in sorted(tree.files):
            digest.update(name.encode())
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as handle:
                    while block := handle.read(1 << 16):
                        digest.update(block)
        tree.content_sha256 = digest.hexdigest()
