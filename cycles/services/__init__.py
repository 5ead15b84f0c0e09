"""Every write to appraisal cycles: opening a year, moving a cycle between stages,
changing its reviewer or first period, and exceptional per-cycle access.

Each workflow change follows the same steps: check the actor may do it, lock the row,
check the move is allowed by the pinned policy, save only the changed fields, record the
actor and reason in history, and queue any follow-up work once the change is committed.

Where each lives: ``opening`` (opening a year) and ``opening_queue`` (in the background),
``transitions`` (moving between stages), ``reviewer`` (changing the reviewer),
``first_period`` (a part-year starter's first cycle), ``access`` (exceptional per-cycle
access), ``committee`` (a leader's review committee and adviser), ``history``;
``errors`` holds ``CycleError``.
"""

from __future__ import annotations

from .access import (
    GRANT_PERMISSIONS,
    cycle_grant_access,
    cycle_revoke_access,
    expire_access_grants,
)
from .committee import cycle_adviser_appoint, cycle_adviser_withdraw, cycle_committee_set_up
from .errors import CycleError
from .first_period import (
    cycle_set_first_period_end,
    first_period_latest_end,
    may_adjust_first_period,
)
from .history import history_of
from .opening import (
    OPENING_BATCH_SIZE,
    ExcludedPerson,
    OpeningResult,
    PersonRef,
    cycles_open,
)
from .opening_queue import STALE_OPENING_AFTER, cycle_opening_request, cycle_opening_run
from .reviewer import cycle_change_reviewer
from .transitions import (
    MANAGER,
    REVIEWER,
    TRANSITIONS,
    Move,
    S,
    cycle_transition,
    early_review_possible,
    move_refusal,
    moves_for,
    suspension_reasons_allowed,
)

__all__ = [
    "GRANT_PERMISSIONS",
    "MANAGER",
    "OPENING_BATCH_SIZE",
    "REVIEWER",
    "STALE_OPENING_AFTER",
    "TRANSITIONS",
    "CycleError",
    "ExcludedPerson",
    "Move",
    "OpeningResult",
    "PersonRef",
    "S",
    "cycle_adviser_appoint",
    "cycle_adviser_withdraw",
    "cycle_change_reviewer",
    "cycle_committee_set_up",
    "cycle_grant_access",
    "cycle_opening_request",
    "cycle_opening_run",
    "cycle_revoke_access",
    "cycle_set_first_period_end",
    "cycle_transition",
    "cycles_open",
    "early_review_possible",
    "expire_access_grants",
    "first_period_latest_end",
    "history_of",
    "may_adjust_first_period",
    "move_refusal",
    "moves_for",
    "suspension_reasons_allowed",
]
