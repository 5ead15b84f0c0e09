"""Removing the files of destroyed trees from storage, after the commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.files.storage import default_storage

from ..models import PendingFileDeletion
from . import checkpoints

logger = logging.getLogger(__name__)


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
        checkpoints.checkpoint("file_deleted", record_id)
        PendingFileDeletion.objects.filter(pk=item.pk).delete()
        removed += 1
    return removed
