"""Build a full record tree under a cycle, whatever models the apps define, with a marker
string in every text field, and scan the whole database and media storage for it.

Models are discovered, not listed: every model with a foreign key that deletes it with
the cycle (or with something already built under the cycle) gets one row, its text fields
set to the marker, saved twice so its history holds the marker too. A model this builder
cannot fill in (an unusual constraint) is reported in ``skipped``.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.db.models.deletion import CASCADE
from django.utils import timezone
from guardian.models import UserObjectPermission

from accounts.models import User
from audit.models import AccessLogEntry
from cycles.models import AppraisalCycle
from organisation.models import Academy, JobRole, StaffMember, Trust
from policies.models import PolicyVersion
from retention.models import LegalHold

SKIP_APPS = {"admin", "auth", "contenttypes", "sessions", "guardian", "axes", "account", "mfa"}


def new_marker() -> str:
    return f"PURGEMARK{uuid.uuid4().hex[:12].upper()}"


@dataclass
class BuiltTree:
    cycle: AppraisalCycle
    marker: str
    objects: dict[type[models.Model], list[models.Model]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def labels(self) -> set[str]:
        return {m._meta.label_lower for m in self.objects}


def _is_history_model(model: type[models.Model]) -> bool:
    return any(f.name == "history_id" for f in model._meta.concrete_fields)


def _cascade_parents(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    found = []
    for f in model._meta.concrete_fields:
        if (f.many_to_one or f.one_to_one) and f.remote_field.on_delete is CASCADE:
            found.append(f)
    return found


def _text_value(f: models.Field[Any, Any], marker: str) -> str | None:
    if f.choices:
        return str(f.choices[0][0])
    max_length = getattr(f, "max_length", None) or 10_000
    if isinstance(f, models.EmailField):
        value = f"{marker.lower()}@example.org"
    elif isinstance(f, models.SlugField):
        value = marker.lower()
    elif isinstance(f, models.GenericIPAddressField):
        return "192.0.2.1"
    elif isinstance(f, models.URLField):
        value = f"https://example.org/{marker}"
    else:
        value = f"{marker} text"
    if len(value) > max_length:
        return None if not f.blank else ""
    return value


def _value_for(
    f: models.Field[Any, Any], tree: BuiltTree, built: dict[type[models.Model], list[Any]]
) -> Any:
    cycle = tree.cycle
    if f.is_relation:
        target = f.related_model
        if target in built:
            return built[target][0]
        fixed: dict[Any, Any] = {
            Trust: cycle.trust,
            Academy: cycle.academy,
            StaffMember: cycle.reviewer or cycle.appraisee,
            User: (cycle.reviewer or cycle.appraisee).user,
            PolicyVersion: cycle.policy_version,
            JobRole: cycle.appraisee.job_role,
            AppraisalCycle: cycle,
            Permission: Permission.objects.get(codename="view_cycle_as_adviser"),
        }
        if target in fixed:
            return fixed[target]
        if f.null:
            return None
        raise LookupError(f"no {target._meta.label} to point {f.name} at")
    if isinstance(f, models.FileField):
        return ContentFile(f"{tree.marker} file content".encode(), name=f"{tree.marker}.txt")
    if isinstance(f, models.JSONField):
        return {"note": tree.marker}
    if isinstance(f, models.CharField | models.TextField):
        return _text_value(f, tree.marker)
    if f.has_default():
        return f.get_default()
    if f.null:
        return None
    if isinstance(f, models.BooleanField):
        return False
    if isinstance(f, models.DateTimeField):
        return timezone.now()
    if isinstance(f, models.DateField):
        return cycle.starts_on
    if isinstance(f, models.DurationField):
        return dt.timedelta(minutes=30)
    if isinstance(f, models.DecimalField):
        return Decimal(1)
    if isinstance(f, models.FloatField):
        return 1.0
    if isinstance(f, models.IntegerField):
        return 1
    if isinstance(f, models.UUIDField):
        return uuid.uuid4()
    raise LookupError(f"cannot fill {f.name} ({type(f).__name__})")


def _build_support(
    model: type[models.Model],
    tree: BuiltTree,
    built: dict[type[models.Model], list[Any]],
    *,
    depth: int,
) -> models.Model:
    if depth > 2:
        raise LookupError(f"no {model._meta.label} to point at")
    neutral = BuiltTree(cycle=tree.cycle, marker="support")
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        if f.is_relation:
            try:
                values[f.name] = _value_for(f, neutral, built)
            except LookupError:
                values[f.name] = _build_support(f.related_model, tree, built, depth=depth + 1)
            continue
        if f.has_default():
            continue
        values[f.name] = _value_for(f, neutral, built)
    obj = model(**values)
    obj.save()
    return obj


# Fields a generic row of these models cannot have, by model label.
OVERRIDES: dict[str, Any] = {}


def _add_lifted_hold(tree: BuiltTree) -> LegalHold:
    """A hold names its record by kind and number, not by a foreign key, so the builder
    does not find it: one is added by hand. A hold in the tree is one HR has lifted: an
    active hold keeps the tree from the purge, and a hold on a person would hold every
    other record of theirs."""
    hold = LegalHold(
        trust_id=tree.cycle.trust_id,
        root_kind="appraisal_cycle",
        root_id=tree.cycle.pk,
        reason=f"{tree.marker} hold",
        lift_reason=f"{tree.marker} lifted",
        lifted_at=timezone.now(),
    )
    hold.save()
    hold.save()  # a second history row, carrying the marker again
    return hold


def _build_one(
    model: type[models.Model], tree: BuiltTree, built: dict[type[models.Model], list[Any]]
) -> models.Model:
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        if isinstance(f, models.CharField | models.TextField) and not f.choices:
            value = _text_value(f, tree.marker)
            if value is None:
                continue
            values[f.name] = value
            continue
        if not f.is_relation and f.has_default() and not isinstance(f, models.JSONField):
            continue
        try:
            values[f.name] = _value_for(f, tree, built)
        except LookupError:
            if not f.is_relation:
                raise
            # A parent outside the tree (e.g. the moderation sample an item belongs to):
            # made with neutral text, since it is not part of the record and stays.
            values[f.name] = _build_support(f.related_model, tree, built, depth=0)
    override = OVERRIDES.get(model._meta.label_lower)
    if override is not None:
        values.update(override(tree))
    obj = model(**values)
    with transaction.atomic():
        obj.save()
        obj.save()  # a second history row, carrying the marker again
    for f in model._meta.concrete_fields:
        if isinstance(f, models.FileField):
            name = getattr(obj, f.attname).name
            if name:
                tree.files.append(name)
    return obj


def build_tree(cycle: AppraisalCycle, *, marker: str | None = None) -> BuiltTree:
    tree = BuiltTree(cycle=cycle, marker=marker or new_marker())
    built: dict[type[models.Model], list[Any]] = {AppraisalCycle: [cycle]}
    candidates = [
        m
        for m in apps.get_models()
        if m._meta.app_label not in SKIP_APPS
        and not m._meta.auto_created
        and not _is_history_model(m)
        and _cascade_parents(m)
    ]
    for _ in range(4):
        progress = False
        for model in candidates:
            if model in built:
                continue
            if not any(f.related_model in built for f in _cascade_parents(model)):
                continue
            try:
                obj = _build_one(model, tree, built)
            except Exception as exc:
                tree.skipped[model._meta.label_lower] = f"{type(exc).__name__}: {exc}"[:200]
                continue
            tree.skipped.pop(model._meta.label_lower, None)
            built[model] = [obj]
            progress = True
        if not progress:
            break
    built[LegalHold] = [_add_lifted_hold(tree)]
    tree.objects = {m: objs for m, objs in built.items() if m is not AppraisalCycle}
    return tree


def add_traces(tree: BuiltTree, *, viewer: User) -> None:
    """What reading and administering the record leaves elsewhere: access-log rows, admin
    log rows and a generic object permission, each naming an object of the tree."""
    objects: list[models.Model] = [tree.cycle, *[o for objs in tree.objects.values() for o in objs]]
    for obj in objects:
        AccessLogEntry.objects.create(
            trust_id=tree.cycle.trust_id,
            user=viewer,
            action="view",
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            label=f"{tree.marker} record",
        )
        LogEntry.objects.create(
            user=viewer,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=f"{tree.marker} repr",
            action_flag=CHANGE,
            change_message=f"{tree.marker} change",
        )
    ct = ContentType.objects.get_for_model(tree.cycle)
    UserObjectPermission.objects.create(
        user=viewer,
        permission=Permission.objects.get(content_type=ct, codename="view_appraisalcycle"),
        content_type=ct,
        object_pk=str(tree.cycle.pk),
    )


def add_dead_child(tree: BuiltTree) -> str | None:
    """An object created under the cycle and deleted long ago: only its history is left,
    still holding its text. Returns its model label."""
    for model, objs in tree.objects.items():
        if hasattr(model, "history") and model is not AppraisalCycle:
            obj = objs[0]
            clone = model._base_manager.get(pk=obj.pk)
            clone.pk = None
            for f in model._meta.concrete_fields:
                if f.unique and not f.primary_key:
                    break
            else:
                try:
                    with transaction.atomic():
                        clone.save()
                        clone.delete()
                except Exception:  # noqa: S112 - try the next model
                    continue
                return model._meta.label_lower
    return None


# ----- Scanning --------------------------------------------------------------------------


def text_columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = current_schema()
              AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'character')
            ORDER BY table_name, column_name
            """
        )
        return list(cursor.fetchall())


def where_markers_are(markers: Iterable[str]) -> dict[str, list[str]]:
    """For each marker, every table.column anywhere in the database holding it (one query
    per table, whatever the number of columns and markers)."""
    markers = list(markers)
    by_table: dict[str, list[str]] = {}
    for table, column in text_columns():
        by_table.setdefault(table, []).append(column)
    found: dict[str, list[str]] = {m: [] for m in markers}
    with connection.cursor() as cursor:
        for table, columns in by_table.items():
            checks = [(c, m) for c in columns for m in markers]
            select = ", ".join(f'bool_or("{c}"::text LIKE %s)' for c, _ in checks)
            cursor.execute(
                f'SELECT {select} FROM "{table}"',  # noqa: S608 - names from the catalogue
                [f"%{m}%" for _, m in checks],
            )
            for (column, marker), hit in zip(checks, cursor.fetchone(), strict=True):
                if hit:
                    found[marker].append(f"{table}.{column}")
    return found


def tables_containing(marker: str) -> list[str]:
    """Every table.column anywhere in the database whose value contains ``marker``."""
    return where_markers_are([marker])[marker]


def media_containing(marker: str) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    found = []
    if not root.exists():
        return found
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            if marker in name or marker.encode() in path.read_bytes():
                found.append(str(path.relative_to(root)))
    return found


def count_rows(models_: Iterable[type[models.Model]]) -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in models_}
