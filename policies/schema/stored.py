"""Reading a stored policy document: upgrade, validate, and parse each version once.

Validating a whole document costs about a third of a millisecond, and one request or sweep
may read the same few versions thousands of times, each through its own row object (every
``select_related`` row is a new ``PolicyVersion``). A version is immutable once saved, so
its parse is kept here per version id and shared by every row object of that version.

The cache is keyed by the version id, and a hit is used only when the stored document is
equal to the one that was parsed (a dict comparison, over twenty times cheaper than
validating): a version edited outside the services (a data migration, the shell, a test)
is parsed again, never answered from a stale parse. Entries are bounded (least recently
used go first), since a long-running worker may see every version of every trust.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from .document import PolicySettings
from .upgrades import upgrade_document

MAX_CACHED_VERSIONS = 512


def parse_stored(data: Mapping[str, Any]) -> PolicySettings:
    """A stored document of any schema version, as the current, validated settings."""
    return PolicySettings.model_validate(upgrade_document(data))


class ParsedVersions:
    """version id → (a private copy of the document as stored, its parse); bounded LRU."""

    def __init__(self, maxsize: int = MAX_CACHED_VERSIONS) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[int, tuple[Any, PolicySettings]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def rules(self, version_id: int | None, data: Mapping[str, Any]) -> PolicySettings:
        """The parse of version ``version_id`` whose stored document is ``data``."""
        if version_id is None:  # not saved yet: nothing says it will not change
            return parse_stored(data)
        with self._lock:
            entry = self._entries.get(version_id)
            if entry is not None and entry[0] == data:
                self._entries.move_to_end(version_id)
                return entry[1]
        parsed = parse_stored(data)
        try:
            # A copy, so a caller changing its dict in place cannot change what a hit
            # compares against; the round trip is the cheapest deep copy of JSON data.
            snapshot = json.loads(json.dumps(data))
        except (TypeError, ValueError):
            return parsed  # not plain JSON (an unsaved test object): do not keep it
        with self._lock:
            self._entries[version_id] = (snapshot, parsed)
            self._entries.move_to_end(version_id)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return parsed

    def forget(self, version_id: int) -> None:
        with self._lock:
            self._entries.pop(version_id, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# One per process: parses are immutable (frozen models), so sharing them is safe.
parsed_versions = ParsedVersions()
