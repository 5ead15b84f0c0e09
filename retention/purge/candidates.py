"""A record tree that is due: the cycle at its root and why it has expired."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


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
