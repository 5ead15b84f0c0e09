"""Helpers several kinds of change share: who may open cycles, and what follows a
committed change."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from organisation.models import Academy, Trust
from organisation.principal import principal_for

from .. import permissions
from .errors import CycleError

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


def _require_may_open(actor: User | None, trust: Trust, academy: Academy | None) -> None:
    if academy is not None and academy.trust_id != trust.pk:
        raise CycleError("Choose one of the trust's academies.")
    if actor is None:
        return  # a command or a task acting for a request that was already checked
    principal = principal_for(actor)
    if principal.trust_id != trust.pk or not permissions.may_open_cycles(
        principal, academy.pk if academy else None
    ):
        raise CycleError(
            "Only HR can open cycles for the whole trust; a headteacher can open them for "
            "their own academy."
        )


def _after_change(cycle_id: int, what: str) -> None:
    """Log a committed change. Nothing else has to follow it: the reminders sweep reads
    what is due afresh every day, and the digest sender checks again at send time that
    each reminder is still due (a cycle suspended or closed since the sweep cancels its
    waiting reminders), so no app needs telling."""
    logger.info("cycle %s changed: %s", cycle_id, what)
