"""The advisory lock that keeps two purges from running at once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection

# One number for "the purge" among PostgreSQL advisory locks (any fixed 64-bit value).
PURGE_LOCK_KEY = int.from_bytes(hashlib.sha256(b"retention.purge").digest()[:8], "big", signed=True)
# Where no advisory locks exist (SQLite in ``make run``), a cache key stands in for one; it
# expires so a crashed run cannot block the next night's.
_CACHE_LOCK_KEY = "retention:purge-lock"
_CACHE_LOCK_SECONDS = 6 * 60 * 60


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
