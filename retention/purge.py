"""The nightly retention purge: destroy every expired record tree, completely.

A *record tree* is one appraisal cycle and everything that would be deleted with it. It
is discovered, not listed: Django's deletion ``Collector`` follows every foreign key of
every installed app, so a model another app adds under a cycle is included without a
change here. On top of the rows themselves a tree includes

- their history rows (django-simple-history keeps a full copy of a deleted row, and of
  rows deleted long ago, e.g. an objective removed in the cycle's first month): every
  history row of a destroyed object, and every history row that pointed into the tree;
- object-permission rows (the direct-FK guardian tables cascade; the generic ones are
  matched by content type and id), admin log rows, and access-log rows naming any object
  of the tree;
- uploaded files, of live rows and of history rows.

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
from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.db.models import Q
from django.db.models.deletion import CASCADE, Collector, ProtectedError, RestrictedError
from django.utils import timezone
from guardian.models import GroupObjectPermission, UserObjectPermission
from simple_history.models import registered_models
from simple_history.utils import get_history_model_for_model

from audit.models import AccessLogEntry
from cycles.models import AppraisalCycle
from policies.models import PolicyVersion

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
    found.sort(key=lambda c: (c.keep_until, c.record_id))
    return found, held


# ----- Discovering a tree ------------------------------------------------------------


def _concrete(model: type[models.Model]) -> type[models.Model]:
    return model._meta.concrete_model or model


@functools.cache
def _history_models() -> dict[type[models.Model], type[models.Model]]:
    """Live model -> its simple-history model, for every model that keeps history."""
    found: dict[type[models.Model], type[models.Model]] = {}
    for model in registered_models.values():
        if getattr(model._meta, "auto_created", False):
            continue
        try:
            found[_concrete(model)] = get_history_model_for_model(model)
        except Exception:  # noqa: S112 - a through model with m2m history, not a tracked model
            continue
    return found


@functools.cache
def _cascade_links() -> dict[type[models.Model], list[tuple[models.Field[Any, Any], type]]]:
    """For each model, its foreign keys that delete it with their target (CASCADE)."""
    links: dict[type[models.Model], list[tuple[models.Field[Any, Any], type]]] = {}
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if f.many_to_one or f.one_to_one:
                remote = f.remote_field
                if remote is not None and remote.on_delete is CASCADE:
                    links.setdefault(model, []).append((f, _concrete(remote.model)))
    return links


def _file_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


@dataclass
class RecordTree:
    root: AppraisalCycle
    collector: Collector
    # Rows that exist now and go with the tree.
    live: dict[type[models.Model], set[Any]]
    # Objects deleted before (only their history is left), by live model.
    dead: dict[type[models.Model], set[Any]] = field(default_factory=dict)
    # History rows of other objects that pointed into the tree: (history model, column, ids).
    history_links: list[tuple[type[models.Model], str, set[Any]]] = field(default_factory=list)
    files: set[str] = field(default_factory=set)

    def object_ids(self) -> dict[type[models.Model], set[Any]]:
        ids: dict[type[models.Model], set[Any]] = defaultdict(set)
        for source in (self.live, self.dead):
            for model, pks in source.items():
                ids[model] |= pks
        return ids

    def row_counts(self) -> dict[str, int]:
        return {m._meta.label_lower: len(pks) for m, pks in self.live.items() if pks}


def collect_tree(root: AppraisalCycle) -> RecordTree:
    """Find everything that goes with ``root``. Raises ``ProtectedError`` /
    ``RestrictedError`` if a model protects a row of the tree (then nothing is deleted)."""
    collector = Collector(using=DEFAULT_DB_ALIAS, origin=root)
    collector.collect([root])
    live: dict[type[models.Model], set[Any]] = defaultdict(set)
    for model, instances in collector.data.items():
        live[_concrete(model)] |= {obj.pk for obj in instances}
    for qs in collector.fast_deletes:
        live[_concrete(qs.model)] |= set(qs.values_list("pk", flat=True))
    tree = RecordTree(root=root, collector=collector, live=dict(live))
    _close_over_history(tree)
    _collect_files(tree)
    return tree


def _close_over_history(tree: RecordTree) -> None:
    """Add objects deleted earlier whose history still points into the tree (and, in
    turn, their children's history), until nothing new turns up."""
    history = _history_models()
    links = _cascade_links()
    known = tree.object_ids()
    asked: dict[tuple[type, str], set[Any]] = defaultdict(set)
    changed = True
    while changed:
        changed = False
        for model, hist in history.items():
            for fk, parent in links.get(model, []):
                parent_ids = known.get(parent, set()) - asked[(model, fk.attname)]
                if not parent_ids:
                    continue
                asked[(model, fk.attname)] |= parent_ids
                column = hist._meta.get_field(fk.name).attname  # type: ignore[union-attr]
                pk_name = model._meta.pk.attname
                found = set(
                    hist._base_manager.filter(**{f"{column}__in": parent_ids})
                    .values_list(pk_name, flat=True)
                    .distinct()
                )
                if not found:
                    continue
                tree.history_links.append((hist, column, set(parent_ids)))
                new = found - known.get(model, set())
                if not new:
                    continue
                # Objects still alive elsewhere (moved out of the tree) keep their own
                # history; only the rows that pointed into the tree go (history_links).
                alive = set(model._base_manager.filter(pk__in=new).values_list("pk", flat=True))
                gone = new - alive
                if gone:
                    tree.dead.setdefault(model, set()).update(gone)
                    known.setdefault(model, set()).update(gone)
                    changed = True


def _history_rows(tree: RecordTree) -> list[models.QuerySet[Any]]:
    """One queryset per history table: every history row that goes with the tree (rows
    of its objects, and rows of other objects that pointed into it)."""
    history = _history_models()
    conditions: dict[type[models.Model], Q] = {}
    for model, pks in tree.object_ids().items():
        hist = history.get(model)
        if hist is not None and pks:
            cond = Q(**{f"{model._meta.pk.attname}__in": pks})
            conditions[hist] = conditions[hist] | cond if hist in conditions else cond
    for hist, column, parent_ids in tree.history_links:
        cond = Q(**{f"{column}__in": parent_ids})
        conditions[hist] = conditions[hist] | cond if hist in conditions else cond
    return [
        hist._base_manager.filter(cond)
        for hist, cond in sorted(conditions.items(), key=lambda kv: kv[0]._meta.label_lower)
    ]


def _collect_files(tree: RecordTree) -> None:
    history = _history_models()
    for model, pks in tree.object_ids().items():
        names = _file_fields(model)
        if not names or not pks:
            continue
        live_pks = tree.live.get(model, set())
        if live_pks:
            for row in model._base_manager.filter(pk__in=live_pks).values_list(*names):
                tree.files.update(name for name in row if name)
        hist = history.get(model)
        if hist is not None:
            rows = hist._base_manager.filter(**{f"{model._meta.pk.attname}__in": pks})
            for row in rows.values_list(*names):
                tree.files.update(name for name in row if name)


def _generic_refs(tree: RecordTree) -> list[tuple[ContentType, list[str]]]:
    refs = []
    for model, pks in sorted(tree.object_ids().items(), key=lambda kv: kv[0]._meta.label_lower):
        if pks:
            refs.append((ContentType.objects.get_for_model(model), sorted(str(pk) for pk in pks)))
    return refs


def _any_of(conditions: Iterable[Q]) -> Q | None:
    combined: Q | None = None
    for cond in conditions:
        combined = cond if combined is None else combined | cond
    return combined


def _guardian_rows(tree: RecordTree) -> list[models.QuerySet[Any]]:
    """Generic (content type + id) guardian rows; the direct-FK ones cascade already."""
    cond = _any_of(Q(content_type=ct, object_pk__in=pks) for ct, pks in _generic_refs(tree))
    if cond is None:
        return []
    return [UserObjectPermission.objects.filter(cond), GroupObjectPermission.objects.filter(cond)]


def _log_rows(tree: RecordTree) -> list[models.QuerySet[Any]]:
    """Access-log and admin-log rows naming any object of the tree. The access log is
    append-only for everyone else; the retention purge is the one sanctioned deleter
    (through the plain base manager), and the ledger records that it did."""
    refs = _generic_refs(tree)
    access = _any_of(
        Q(object_type=f"{ct.app_label}.{ct.model}", object_id__in=pks) for ct, pks in refs
    )
    admin = _any_of(Q(content_type=ct, object_id__in=pks) for ct, pks in refs)
    if access is None or admin is None:
        return []
    return [AccessLogEntry._base_manager.filter(access), LogEntry.objects.filter(admin)]


# ----- Hashing -----------------------------------------------------------------------


def _json_default(value: Any) -> str:
    return str(value)


def tree_digest(tree: RecordTree) -> str:
    """SHA-256 over every row that goes (live rows, then history rows), each table in a
    fixed order, and the bytes of every file. Lets anyone holding a backup prove whether a
    restored record is the one destroyed, without the ledger holding any of it."""
    digest = hashlib.sha256()
    for model in sorted(tree.live, key=lambda m: m._meta.label_lower):
        digest.update(model._meta.label_lower.encode())
        for row in model._base_manager.filter(pk__in=tree.live[model]).order_by("pk").values():
            digest.update(json.dumps(row, sort_keys=True, default=_json_default).encode())
    for qs in _history_rows(tree):
        digest.update(qs.model._meta.label_lower.encode())
        for row in qs.order_by("pk").values():
            digest.update(json.dumps(row, sort_keys=True, default=_json_default).encode())
    for name in sorted(tree.files):
        digest.update(name.encode())
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 16), b""):
                    digest.update(chunk)
    return digest.hexdigest()


# ----- Destroying one tree -----------------------------------------------------------


@dataclass(frozen=True)
class TreeOutcome:
    record_id: int
    status: str  # "purged", "would_purge", "held", "not_expired", "gone", "blocked"
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    detail: str = ""


def _is_held(cycle: AppraisalCycle) -> bool:
    return (
        LegalHold.objects.filter(lifted_at__isnull=True)
        .filter(Q(cycle_ref=cycle.pk) | Q(staff_member_id=cycle.appraisee_id))
        .exists()
    )


def _delete_all(querysets: Iterable[models.QuerySet[Any]], counts: dict[str, int]) -> None:
    for qs in querysets:
        _, per_model = qs.delete()
        for label, n in per_model.items():
            if n:
                counts[label.lower()] = counts.get(label.lower(), 0) + n


def purge_tree(candidate: Candidate, *, as_of: dt.date, dry_run: bool = False) -> TreeOutcome:
    """Destroy one expired cycle's record tree in one transaction (or, in a dry run, say
    what would go). Re-checks hold and expiry under a row lock, so a hold set while the
    purge runs wins."""
    record_id = candidate.record_id
    files: set[str] = set()
    with transaction.atomic():
        query = AppraisalCycle.objects.filter(pk=record_id).select_related("appraisee")
        cycle = (query if dry_run else query.select_for_update(of=("self",))).first()
        if cycle is None:
            return TreeOutcome(record_id, "gone")
        if _is_held(cycle):
            return TreeOutcome(record_id, "held")
        decision = cycle_retention(
            PolicyVersion.objects.get(pk=cycle.policy_version_id).rules.retention,
            cycle_ends_on=cycle.ends_on,
            left_on=cycle.appraisee.left_on,
            as_of=as_of,
        )
        if not decision.expired(as_of) or decision.keep_until is None:
            return TreeOutcome(record_id, "not_expired")
        try:
            tree = collect_tree(cycle)
        except (ProtectedError, RestrictedError) as exc:
            protecting: Iterable[models.Model] = (
                getattr(exc, "protected_objects", None)
                or getattr(exc, "restricted_objects", None)
                or ()
            )
            blockers = sorted({o._meta.label_lower for o in protecting})
            logger.warning("purge blocked record_id=%s by=%s", record_id, blockers)
            return TreeOutcome(record_id, "blocked", detail=", ".join(blockers))
        if dry_run:
            return TreeOutcome(
                record_id, "would_purge", rows=tree.row_counts(), files=len(tree.files)
            )
        checkpoint("collected", record_id)
        content_hash = tree_digest(tree)
        history_rows = _history_rows(tree)
        counts: dict[str, int] = {
            qs.model._meta.label_lower: n for qs in history_rows if (n := qs.count())
        }
        _, per_model = tree.collector.delete()
        counts.update({label.lower(): n for label, n in per_model.items() if n})
        checkpoint("rows_deleted", record_id)
        # After the rows, because deleting them just wrote a "-" history row for each (not
        # counted above: the ledger counts what existed).
        for qs in history_rows:
            qs.delete()
        checkpoint("history_deleted", record_id)
        _delete_all(_guardian_rows(tree), counts)
        checkpoint("guardian_deleted", record_id)
        _delete_all(_log_rows(tree), counts)
        checkpoint("logs_deleted", record_id)
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
            expired_on=decision.keep_until,
            as_of=as_of,
            content_sha256=content_hash,
            rows_deleted=dict(sorted(counts.items())),
            files_deleted=len(tree.files),
        )
        checkpoint("ledger_written", record_id)
        files = set(tree.files)
        PendingFileDeletion.objects.bulk_create(
            [PendingFileDeletion(storage_name=name, ledger_entry=entry) for name in files],
            ignore_conflicts=True,
        )
        checkpoint("files_queued", record_id)
        # After the commit only; a failure there is logged and the pending rows stay for
        # the next run.
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
        candidates, run.held = expired_candidates(as_of)
        for candidate in candidates:
            # At least one tree per run, so a run always makes progress.
            spent = time.monotonic() - started
            if max_seconds is not None and run.outcomes and spent > max_seconds:
                run.complete = False
                break
            try:
                run.outcomes.append(purge_tree(candidate, as_of=as_of, dry_run=dry_run))
            except Exception as exc:
                # One tree that cannot be destroyed (its transaction rolled back) must not
                # stop the others; it is tried again on the next run.
                logger.exception("purge failed record_id=%s", candidate.record_id)
                run.outcomes.append(
                    TreeOutcome(candidate.record_id, "failed", detail=type(exc).__name__)
                )
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
