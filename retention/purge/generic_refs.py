"""Rows naming an object of a tree by content type and id: generic guardian permissions,
access-log and admin-log rows."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermission, UserObjectPermission

from audit.models import AccessLogEntry

from ._common import Model
from .tree import RecordTree


def _find_generic_refs(trees: dict[int, RecordTree], known: dict[Model, dict[Any, int]]) -> None:
    """Rows that name an object of a tree by content type and id, not by foreign key:
    generic guardian permissions, access-log and admin-log rows. Found for the batch in
    one query per table, so each tree deletes only what exists."""
    types: dict[int, Model] = {}
    by_label: dict[str, Model] = {}
    for model in known:
        ct = ContentType.objects.get_for_model(model)
        types[ct.pk] = model
        by_label[f"{ct.app_label}.{ct.model}"] = model
    if not types:
        return

    def owner_of(model: Model | None, object_id: str) -> int | None:
        if model is None:
            return None
        ids = known.get(model, {})
        pk_type = model._meta.pk
        try:
            value = pk_type.to_python(object_id)
        except Exception:
            return None
        return ids.get(value)

    id_lists = {ct_id: sorted(str(pk) for pk in known[model]) for ct_id, model in types.items()}
    tables: list[tuple[str, models.QuerySet[Any], str, str]] = [
        ("uop", UserObjectPermission.objects.all(), "content_type_id", "object_pk"),
        ("gop", GroupObjectPermission.objects.all(), "content_type_id", "object_pk"),
        ("admin", LogEntry.objects.all(), "content_type_id", "object_id"),
    ]
    for key, qs, type_column, id_column in tables:
        cond = Q(pk__in=[])
        for ct_id, ids in id_lists.items():
            if ids:
                cond |= Q(**{type_column: ct_id, f"{id_column}__in": ids})
        found: dict[tuple[int, Any], list[str]] = defaultdict(list)
        for ct_id, object_id in qs.filter(cond).values_list(type_column, id_column).distinct():
            root = owner_of(types.get(ct_id), object_id)
            if root is not None:
                found[(root, ct_id)].append(object_id)
        for (root, ct_id), ids in found.items():
            trees[root].generic.append((key, ct_id, ids))
    cond = Q(pk__in=[])
    for label, model in by_label.items():
        ids = sorted(str(pk) for pk in known[model])
        if ids:
            cond |= Q(object_type=label, object_id__in=ids)
    access: dict[tuple[int, str], list[str]] = defaultdict(list)
    for label, object_id in (
        AccessLogEntry._base_manager.filter(cond).values_list("object_type", "object_id").distinct()
    ):
        root = owner_of(by_label.get(label), object_id)
        if root is not None:
            access[(root, label)].append(object_id)
    for (root, label), ids in access.items():
        trees[root].generic.append(("access", label, ids))


def _generic_querysets(tree: RecordTree) -> list[models.QuerySet[Any]]:
    """Access-log, admin-log and generic permission rows naming objects of the tree. The
    access log is append-only for everyone else; the retention purge is its one
    sanctioned deleter (through the plain base manager), and the ledger counts it."""
    querysets: list[models.QuerySet[Any]] = []
    for key, type_key, ids in tree.generic:
        qs: models.QuerySet[Any]
        if key == "uop":
            qs = UserObjectPermission.objects.filter(content_type_id=type_key, object_pk__in=ids)
        elif key == "gop":
            qs = GroupObjectPermission.objects.filter(content_type_id=type_key, object_pk__in=ids)
        elif key == "admin":
            qs = LogEntry.objects.filter(content_type_id=type_key, object_id__in=ids)
        else:
            qs = AccessLogEntry._base_manager.filter(object_type=type_key, object_id__in=ids)
        querysets.append(qs)
    return querysets
