"""The nightly retention purge: destroy every expired record tree, completely.

A *record tree* is one appraisal cycle and everything that would be deleted with it. It
is discovered, not listed: every foreign key of every installed app that Django's deletion
``Collector`` would follow (``get_candidate_relations_to_delete``) is followed here with
the same meaning (CASCADE goes with the tree, SET_NULL is cleared, PROTECT and an outside
RESTRICT block it), so a model another app adds under a cycle is included without a
change here. Trees are discovered a batch at a time (a fixed number of queries per batch)
and each is then destroyed in its own transaction. On top of the rows themselves a tree
includes

- their history rows (django-simple-history keeps a full copy of a deleted row, and of
  rows deleted long ago, e.g. an objective removed in the cycle's first month): every
  history row of a destroyed object, and every history row that pointed into the tree;
- object-permission rows (the direct-FK guardian tables cascade; the generic ones are
  matched by content type and id), admin log rows, and access-log rows naming any object
  of the tree;
- uploaded files, of live rows and of history rows.

A legal hold on a cycle is part of its tree too (its foreign key cascades): an active
hold keeps the tree from being purged at all; a lifted one, with HR's reasons for setting
and lifting it and its history, is destroyed with the record, and the ledger's row counts
(``retention.legalhold``) keep only the fact that there was one.

Crash safety. Each tree goes in ONE transaction: the rows, their history, permission and
log rows, a ``PurgeLedgerEntry`` (ids, dates, counts and a hash; no content) and a
``PendingFileDeletion`` per file. Files are removed from storage only after the commit,
each pending row deleted once its file is gone; a crash leaves pending rows that the next
run (or ``delete_pending_files``) clears. A crash inside the transaction rolls the tree
back whole. A PostgreSQL advisory lock keeps two purges from running at once. A second run
finds nothing expired left and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.deletion import (
    CASCADE,
    DO_NOTHING,
    RESTRICT,
    SET_DEFAULT,
    SET_NULL,
    get_candidate_relations_to_delete,
)
from django.utils import timezone
from guardian.models import GroupObjectPermission, UserObjectPermission
from simple_history.models import registered_models
from simple_history.utils import get_history_model_for_model

from audit.models import AccessLogEntry
from cycles.models import AppraisalCycle
from policies.models import PolicyVersion
from policies.schema import RetentionSettings

from .models import LegalHold, PendingFileDeletion, PurgeLedgerEntry
from .rules import CYCLE_TREE_RECORD_TYPES, add_years, cycle_retention, years_for_types

logger = logging.getLogger(__name__)

RECORD_TYPE = "appraisal_record"
# One number for "the purge" among PostgreSQL advisory locks (any fixed 64-bit value).
PURGE_LOCK_KEY = int.from_bytes(hashlib.sha256(b"retention.purge").digest()[:8], "big", signed=True)
# Where no advisory locks exist (SQLite in ``make run``), a cache key stands in for one; it
# expires so a crashed run cannot block the next night's.
_CACHE_LOCK_KEY = "retention:purge-lock"
_CACHE_LOCK_SECONDS = 6 * 60 * 60


def checkpoint(step: str, record_id: int) -> None:
    """Called between the steps of destroying a tree. Does nothing: the seam lets tests
    inject a crash at each step and prove the next run repairs it."""


# ----- Candidates --------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    record_id: int
    trust_id: int
    academy_id: int
    appraisee_id: int
    policy_version_id: int
    starts_on: dt.date
    ends_on: dt.date
    years: int
    counted_from: str
    keep_until: dt.date
    # Destroyed before and back again (restored from a backup): it goes again, whatever
    # its dates say now, and the ledger keeps its first entry.
    restored: bool = False


def _held_cycle_ids(cycle_ids: Iterable[int]) -> set[int]:
    rows = (
        LegalHold.objects.filter(lifted_at__isnull=True, cycle_ref__in=list(cycle_ids))
        .values_list("cycle_ref", flat=True)
        .distinct()
    )
    return {ref for ref in rows if ref is not None}


def _held_staff_ids() -> set[int]:
    return set(
        LegalHold.objects.filter(lifted_at__isnull=True, staff_member__isnull=False)
        .values_list("staff_member_id", flat=True)
        .distinct()
    )


def expired_candidates(as_of: dt.date) -> tuple[list[Candidate], int]:
    """Every expired cycle not under a legal hold, oldest first, and how many expired
    cycles a hold kept. One query per policy version (a trust has a handful)."""
    found: list[Candidate] = []
    held_staff = _held_staff_ids()
    held = 0
    for version in PolicyVersion.objects.only("pk", "settings"):
        schedule = version.rules.retention
        years = years_for_types(schedule, CYCLE_TREE_RECORD_TYPES)
        # Narrow in SQL (a day's slack), decide exactly below.
        latest = add_years(as_of, -years) + dt.timedelta(days=1)
        rows = AppraisalCycle.objects.filter(policy_version_id=version.pk)
        if schedule.counted_from == "end_of_employment":
            rows = rows.filter(appraisee__left_on__lte=latest, ends_on__lte=latest)
        else:
            rows = rows.filter(ends_on__lte=latest)
        chunk: list[Candidate] = []
        for values in rows.values(
            "pk",
            "trust_id",
            "academy_id",
            "appraisee_id",
            "starts_on",
            "ends_on",
            "appraisee__left_on",
        ).order_by("ends_on", "pk"):
            decision = cycle_retention(
                schedule,
                cycle_ends_on=values["ends_on"],
                left_on=values["appraisee__left_on"],
                as_of=as_of,
            )
            if not decision.expired(as_of) or decision.keep_until is None:
                continue
            chunk.append(
                Candidate(
                    record_id=values["pk"],
                    trust_id=values["trust_id"],
                    academy_id=values["academy_id"],
                    appraisee_id=values["appraisee_id"],
                    policy_version_id=version.pk,
                    starts_on=values["starts_on"],
                    ends_on=values["ends_on"],
                    years=decision.years,
                    counted_from=str(decision.counted_from),
                    keep_until=decision.keep_until,
                )
            )
        held_cycles = _held_cycle_ids(c.record_id for c in chunk)
        for candidate in chunk:
            if candidate.record_id in held_cycles or candidate.appraisee_id in held_staff:
                held += 1
            else:
                found.append(candidate)
    found += _restored_candidates(exclude={c.record_id for c in found}, held_staff=held_staff)
    found.sort(key=lambda c: (c.keep_until, c.record_id))
    return found, held


def _restored_candidates(*, exclude: set[int], held_staff: set[int]) -> list[Candidate]:
    """Cycles the ledger says were destroyed that exist again: a restore from a backup
    taken before the purge. Replaying the ledger keeps destroyed data destroyed."""
    ledger = PurgeLedgerEntry.objects.filter(record_type=RECORD_TYPE)
    back = list(
        AppraisalCycle.objects.filter(pk__in=ledger.values("record_id"))
        .exclude(pk__in=exclude)
        .values(
            "pk",
            "trust_id",
            "academy_id",
            "appraisee_id",
            "policy_version_id",
            "starts_on",
            "ends_on",
        )
    )
    if not back:
        return []
    entries = {e.record_id: e for e in ledger.filter(record_id__in=[row["pk"] for row in back])}
    held_cycles = _held_cycle_ids(row["pk"] for row in back)
    return [
        Candidate(
            record_id=row["pk"],
            trust_id=row["trust_id"],
            academy_id=row["academy_id"],
            appraisee_id=row["appraisee_id"],
            policy_version_id=row["policy_version_id"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            years=entries[row["pk"]].retention_years,
            counted_from=entries[row["pk"]].counted_from,
            keep_until=entries[row["pk"]].expired_on,
            restored=True,
        )
        for row in back
        if row["pk"] not in held_cycles and row["appraisee_id"] not in held_staff
    ]


# ----- Discovering trees -------------------------------------------------------------

Model = type[models.Model]
# Roots whose trees are discovered together: a fixed number of queries per batch,
# whatever its size, instead of the same number per tree.
COLLECT_BATCH = 200
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


def _file_fields(model: Model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


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


@dataclass
class RecordTree:
    """Everything that goes with one cycle, found before its transaction starts. Rows
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


def collect_trees(root_ids: Iterable[int]) -> dict[int, RecordTree]:
    """Find everything that goes with each cycle in ``root_ids``, all at once."""
    trees = {rid: RecordTree(root_id=rid) for rid in root_ids}
    owner: dict[Model, dict[Any, int]] = defaultdict(dict)
    for rid, tree in trees.items():
        tree.add(AppraisalCycle, rid)
        owner[AppraisalCycle][rid] = rid
    restricted: list[tuple[Model, Any, int]] = []
    pending: list[tuple[Model, set[Any]]] = [(AppraisalCycle, set(trees))]
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
    known = _close_over_history(trees, owner)
    _fingerprint(trees, known)
    _find_generic_refs(trees, known)
    return trees


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


# ----- Destroying one tree -----------------------------------------------------------


@dataclass(frozen=True)
class TreeOutcome:
    record_id: int
    # "purged", "would_purge", "held", "not_expired", "gone", "blocked", "failed"
    status: str
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    detail: str = ""


def _is_held(cycle: AppraisalCycle) -> bool:
    return (
        LegalHold.objects.filter(lifted_at__isnull=True)
        .filter(Q(cycle_ref=cycle.pk) | Q(staff_member_id=cycle.appraisee_id))
        .exists()
    )


def _raw_delete(qs: models.QuerySet[Any]) -> int:
    """Delete in one statement, without signals: the purge removes history itself (a
    signal would write a fresh "-" history row for each deleted row), and no business
    rule hangs off a deletion signal in this project."""
    return int(qs._raw_delete(qs.db))


@functools.cache
def _schedule(policy_version_id: int) -> RetentionSettings:
    return PolicyVersion.objects.get(pk=policy_version_id).rules.retention


def purge_tree(
    candidate: Candidate, tree: RecordTree, *, as_of: dt.date, dry_run: bool = False
) -> TreeOutcome:
    """Destroy one expired cycle's record tree in one transaction (or, in a dry run, say
    what would go). Re-checks hold and expiry under the cycle's row lock, the lock
    ``legal_hold_set`` also takes, so a hold set while the purge runs wins."""
    record_id = candidate.record_id
    if tree.blocked_by:
        logger.warning("purge blocked record_id=%s by=%s", record_id, sorted(tree.blocked_by))
        return TreeOutcome(record_id, "blocked", detail=", ".join(sorted(tree.blocked_by)))
    if dry_run:
        return TreeOutcome(record_id, "would_purge", rows=tree.row_counts(), files=len(tree.files))
    with transaction.atomic():
        cycle = (
            AppraisalCycle.objects.select_for_update(of=("self",))
            .select_related("appraisee")
            .filter(pk=record_id)
            .first()
        )
        if cycle is None:
            return TreeOutcome(record_id, "gone")
        if _is_held(cycle):
            return TreeOutcome(record_id, "held")
        decision = cycle_retention(
            _schedule(cycle.policy_version_id),
            cycle_ends_on=cycle.ends_on,
            left_on=cycle.appraisee.left_on,
            as_of=as_of,
        )
        expired = decision.expired(as_of) and decision.keep_until is not None
        if not expired and not candidate.restored:
            return TreeOutcome(record_id, "not_expired")
        checkpoint("collected", record_id)
        counts: dict[str, int] = {}

        def note(label: str, n: int) -> None:
            if n:
                counts[label] = counts.get(label, 0) + n

        for (related, fk), pks in tree.cleared.items():
            if pks:
                related._base_manager.filter(pk__in=sorted(pks)).update(
                    **{fk.attname: fk.get_default() if fk.has_default() else None}
                )
        # Children first; PostgreSQL checks the foreign keys at commit, so anything added
        # to the tree since it was found makes the whole transaction fail, not orphan.
        for model in reversed(list(tree.live)):
            for chunk in _chunks(tree.live[model]):
                note(model._meta.label_lower, _raw_delete(model._base_manager.filter(pk__in=chunk)))
        checkpoint("rows_deleted", record_id)
        for qs in _history_querysets(tree):
            note(qs.model._meta.label_lower, _raw_delete(qs))
        checkpoint("history_deleted", record_id)
        for qs in _generic_querysets(tree):
            if qs.model is not AccessLogEntry and qs.model is not LogEntry:
                note(qs.model._meta.label_lower, _raw_delete(qs))
        checkpoint("guardian_deleted", record_id)
        for qs in _generic_querysets(tree):
            if qs.model is AccessLogEntry or qs.model is LogEntry:
                note(qs.model._meta.label_lower, _raw_delete(qs))
        checkpoint("logs_deleted", record_id)
        entry = (
            PurgeLedgerEntry.objects.filter(record_type=RECORD_TYPE, record_id=record_id).first()
            if candidate.restored
            else None
        )
        if entry is not None:
            # Back from a backup and destroyed again: the first entry stands (the ledger
            # is append-only); the log says it happened.
            logger.warning("purge replayed for a restored record record_id=%s", record_id)
        else:
            entry = PurgeLedgerEntry.objects.create(
                trust_id=cycle.trust_id,
                record_type=RECORD_TYPE,
                record_id=record_id,
                appraisee_staff_id=cycle.appraisee_id,
                academy_id_at_purge=cycle.academy_id,
                policy_version_id_at_purge=cycle.policy_version_id,
                record_starts_on=cycle.starts_on,
                record_ends_on=cycle.ends_on,
                retention_years=decision.years,
                counted_from=str(decision.counted_from),
                expired_on=decision.keep_until or candidate.keep_until,
                as_of=as_of,
                content_sha256=tree.content_sha256,
                rows_deleted=dict(sorted(counts.items())),
                files_deleted=len(tree.files),
            )
        checkpoint("ledger_written", record_id)
        files = set(tree.files)
        if files:
            PendingFileDeletion.objects.bulk_create(
                [PendingFileDeletion(storage_name=name, ledger_entry=entry) for name in files],
                ignore_conflicts=True,
            )
        checkpoint("files_queued", record_id)
        # After the commit only; a failure there is logged and the pending rows stay for
        # the next run.
        if files:
            transaction.on_commit(
                lambda: delete_pending_files(names=files, record_id=record_id), robust=True
            )
    return TreeOutcome(record_id, "purged", rows=counts, files=len(files))


def delete_pending_files(*, names: Iterable[str] | None = None, record_id: int = 0) -> int:
    """Remove files whose rows are gone, then their pending rows. Safe to repeat: a file
    already missing counts as removed. With no ``names``, clears every leftover."""
    pending = PendingFileDeletion.objects.all()
    if names is not None:
        pending = pending.filter(storage_name__in=list(names))
    removed = 0
    for item in pending.order_by("pk"):
        try:
            if default_storage.exists(item.storage_name):
                default_storage.delete(item.storage_name)
        except OSError:
            logger.exception("pending file deletion failed pending_id=%s", item.pk)
            PendingFileDeletion.objects.filter(pk=item.pk).update(attempts=item.attempts + 1)
            continue
        checkpoint("file_deleted", record_id)
        PendingFileDeletion.objects.filter(pk=item.pk).delete()
        removed += 1
    return removed


# ----- The run -----------------------------------------------------------------------


@contextmanager
def purge_lock() -> Iterator[bool]:
    """True if this process now holds the purge lock (released on exit)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [PURGE_LOCK_KEY])
            acquired = bool(cursor.fetchone()[0])
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [PURGE_LOCK_KEY])
        return
    acquired = cache.add(_CACHE_LOCK_KEY, "held", timeout=_CACHE_LOCK_SECONDS)
    try:
        yield acquired
    finally:
        if acquired:
            cache.delete(_CACHE_LOCK_KEY)


@dataclass
class PurgeRun:
    as_of: dt.date
    dry_run: bool
    locked_out: bool = False
    complete: bool = True
    held: int = 0
    outcomes: list[TreeOutcome] = field(default_factory=list)
    files_cleared: int = 0
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def purged(self) -> int:
        return self.count("purged")


def purge_expired(
    *,
    as_of: dt.date | None = None,
    dry_run: bool = False,
    max_seconds: float | None = None,
) -> PurgeRun:
    """Destroy every expired, unheld record tree as of ``as_of`` (default today).

    ``max_seconds`` stops between trees once spent (``complete`` is then False and the
    caller runs again); each tree is all-or-nothing whenever the run stops.
    """
    as_of = as_of or timezone.localdate()
    started = time.monotonic()
    run = PurgeRun(as_of=as_of, dry_run=dry_run)
    with purge_lock() as acquired:
        if not acquired:
            run.locked_out = True
            run.complete = False
            logger.warning("purge skipped: another purge holds the lock")
            return run
        if not dry_run:
            # Files a crashed run left behind go first.
            run.files_cleared = delete_pending_files()
        _schedule.cache_clear()
        candidates, run.held = expired_candidates(as_of)

        def out_of_time() -> bool:
            # At least one tree per run, so a run always makes progress.
            spent = time.monotonic() - started
            return max_seconds is not None and bool(run.outcomes) and spent > max_seconds

        for first in range(0, len(candidates), COLLECT_BATCH):
            batch = candidates[first : first + COLLECT_BATCH]
            if out_of_time():
                run.complete = False
                break
            try:
                trees = collect_trees(c.record_id for c in batch)
            except Exception as exc:
                logger.exception(
                    "purge could not collect record_ids=%s", [c.record_id for c in batch]
                )
                run.outcomes += [
                    TreeOutcome(c.record_id, "failed", detail=type(exc).__name__) for c in batch
                ]
                continue
            for candidate in batch:
                if out_of_time():
                    run.complete = False
                    break
                try:
                    run.outcomes.append(
                        purge_tree(
                            candidate, trees[candidate.record_id], as_of=as_of, dry_run=dry_run
                        )
                    )
                except Exception as exc:
                    # One tree that cannot be destroyed (its transaction rolled back) must
                    # not stop the others; it is tried again on the next run.
                    logger.exception("purge failed record_id=%s", candidate.record_id)
                    run.outcomes.append(
                        TreeOutcome(candidate.record_id, "failed", detail=type(exc).__name__)
                    )
            if not run.complete:
                break
    run.seconds = time.monotonic() - started
    logger.info(
        "purge as_of=%s dry_run=%s purged=%s would=%s held=%s blocked=%s complete=%s",
        as_of,
        dry_run,
        run.purged,
        run.count("would_purge"),
        run.held + run.count("held"),
        run.count("blocked"),
        run.complete,
    )
    return run
