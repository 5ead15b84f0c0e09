"""The nightly retention purge: destroy every expired record tree, completely.

What it destroys is registered (``retention.registry``): *roots* (the appraisal cycle;
later a support plan or a pay recommendation), each destroyed whole once the longest
period of any record type in it has ended, and *record types* under a root with a period
of their own (a cycle's observations), destroyed on their own when that period is
shorter than the root's. A *record tree* is one such record and everything that would be
deleted with it. It is discovered, not listed: every foreign key of every installed app
that Django's deletion ``Collector`` would follow (``get_candidate_relations_to_delete``)
is followed here with the same meaning (CASCADE goes with the tree, SET_NULL is cleared,
PROTECT and an outside RESTRICT block it), so a model another app adds under a cycle is
included without a change here. Trees are discovered a batch at a time (a fixed number
of queries per batch) and each is then destroyed in its own transaction. On top of the
rows themselves a tree includes

- their history rows (django-simple-history keeps a full copy of a deleted row, and of
  rows deleted long ago, e.g. an objective removed in the cycle's first month): every
  history row of a destroyed object, and every history row that pointed into the tree;
- object-permission rows (the direct-FK guardian tables cascade; the generic ones are
  matched by content type and id), admin log rows, and access-log rows naming any object
  of the tree;
- uploaded files, of live rows and of history rows.

A legal hold on a root (named by the root's registered key and id) is part of its tree
too: an active hold keeps the tree, and every record under the root, from being purged;
a lifted one, with HR's reasons for setting and lifting it and its history, is destroyed
with the record, and the ledger's row counts (``retention.legalhold``) keep only the
fact that there was one.

Crash safety. Each tree goes in ONE transaction: the rows, their history, permission and
log rows, a ``PurgeLedgerEntry`` (ids, dates, counts and a hash; no content) and a
``PendingFileDeletion`` per file. Files are removed from storage only after the commit,
each pending row deleted once its file is gone; a crash leaves pending rows that the next
run (or ``delete_pending_files``) clears. A crash inside the transaction rolls the tree
back whole. A PostgreSQL advisory lock keeps two purges from running at once. A second run
finds nothing expired left and changes nothing.

Where each part lives: ``schedule`` (which trees are due) with ``candidates``, ``holds``
and ``replay`` (the ledger replayed after a restore); ``discovery``, ``tree``,
``history``, ``generic_refs`` and ``fingerprint`` (finding a tree); ``destroy`` (one
tree's transaction and its ledger entry); ``files`` (storage clean-up); ``lock``; ``run``.
"""

from __future__ import annotations

# A test that simulates a crash patches ``retention.purge.checkpoints.checkpoint``: the
# name re-exported here is a copy, and patching it reaches no step.
from ._common import RECORD_TYPE, Model
from .candidates import Candidate
from .checkpoints import checkpoint
from .destroy import TreeOutcome, purge_tree
from .discovery import collect_trees
from .files import delete_pending_files
from .lock import PURGE_LOCK_KEY, purge_lock
from .run import COLLECT_BATCH, PurgeRun, purge_expired
from .schedule import expired_candidates
from .tree import RecordTree

__all__ = [
    "COLLECT_BATCH",
    "PURGE_LOCK_KEY",
    "RECORD_TYPE",
    "Candidate",
    "Model",
    "PurgeRun",
    "RecordTree",
    "TreeOutcome",
    "checkpoint",
    "collect_trees",
    "delete_pending_files",
    "expired_candidates",
    "purge_expired",
    "purge_lock",
    "purge_tree",
]
