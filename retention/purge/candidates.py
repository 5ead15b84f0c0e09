"""A record that is due: a root's whole tree, or records of one type under a root, and
why it has expired."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    # The registered record type destroyed (a root's own, e.g. "appraisal_record", or one
    # under a root, e.g. "observation") and the id of the record of that type.
    record_type: str
    record_id: int
    # The root (registered key and id) the record is, or hangs from.
    root_kind: str
    root_id: int
    trust_id: int
    policy_version_id: int
    ends_on: dt.date
    years: int
    counted_from: str
    keep_until: dt.date
    academy_id: int | None = None
    person_id: int | None = None
    starts_on: dt.date | None = None
    # Destroyed before and back again (restored from a backup): it goes again, whatever
    # its dates say now, and the ledger keeps its first entry.
    restored: bool = False
    # False for records of a type under the root (destroyed on their own, root kept).
    is_root: bool = True

    @property
    def key(self) -> tuple[str, int]:
        return (self.record_type, self.record_id)
