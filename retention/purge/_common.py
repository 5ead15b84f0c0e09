"""Helpers every part of the purge uses: id lists, the history and cascade maps of the
installed models, and the retention schedule of a policy version."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.deletion import CASCADE
from simple_history.models import registered_models
from simple_history.utils import get_history_model_for_model

from policies.models import PolicyVersion
from policies.schema import RetentionSettings

# The ledger's record type for a whole appraisal cycle (``retention.roots.CYCLE_ROOT``).
RECORD_TYPE = "appraisal_record"

Model = type[models.Model]
# Ids per IN (...) list.
_CHUNK = 5000


def _concrete(model: Model) -> Model:
    return model._meta.concrete_model or model


@functools.cache
def _history_models() -> dict[Model, Model]:
    """Live model -> its simple-history model, for every model that keeps history."""
    found: dict[Model, Model] = {}
    for model in registered_models.values():
        if getattr(model._meta, "auto_created", False):
            continue
        try:
            found[_concrete(model)] = get_history_model_for_model(model)
        except Exception:  # noqa: S112 - a through model with m2m history, not a tracked model
            continue
    return found


@functools.cache
def _cascade_links() -> dict[Model, list[tuple[models.Field[Any, Any], Model]]]:
    """For each model, its foreign keys that delete it with their target (CASCADE)."""
    links: dict[Model, list[tuple[models.Field[Any, Any], Model]]] = {}
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.concrete_fields:
            if f.many_to_one or f.one_to_one:
                remote = f.remote_field
                if remote is not None and remote.on_delete is CASCADE:
                    links.setdefault(model, []).append((f, _concrete(remote.model)))
    return links


def _chunks(ids: Iterable[Any]) -> Iterator[list[Any]]:
    items = sorted(ids, key=str)
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _rows_where(
    model: Model, column: str, ids: Iterable[Any], *fields: str
) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    for chunk in _chunks(ids):
        found.extend(
            model._base_manager.filter(**{f"{column}__in": chunk})
            .order_by()
            .values_list(*fields)
            .distinct()
        )
    return found


@functools.cache
def _schedule(policy_version_id: int) -> RetentionSettings:
    return PolicyVersion.objects.get(pk=policy_version_id).rules.retention
