"""Errors, and what every service shares."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from cycles.models import AppraisalCycle, CycleState
from organisation.principal import Principal, principal_for

from ..permissions import REFUSALS, ReviewAction, can

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


class ReviewError(Exception):
    """A refused change, with a message fit to show on the page; ``field`` names the form
    field the message belongs next to, when there is one."""

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ObservationNeedsConfirmation(ReviewError):
    """The observation breaks a rule the policy says applies "normally": the person
    recording it must confirm before it is saved."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__(" ".join(warnings))
        self.warnings = warnings


class StaleReview(ReviewError):
    """Someone saved the review after this person opened it."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this review since you opened it. Nothing was saved: "
            "open the review again to see their changes, then make yours."
        )


# States in which nothing is added to a cycle: a closed year is over; a suspended one is
# paused while capability or a grievance runs.
_FROZEN_STATES = frozenset({CycleState.CLOSED, CycleState.SUSPENDED})


def _principal(actor: User) -> Principal:
    return principal_for(actor)


def _require(
    actor: User, action: ReviewAction, cycle: AppraisalCycle, message: str = ""
) -> Principal:
    principal = _principal(actor)
    if not can(principal, action, cycle):
        raise ReviewError(message or REFUSALS[action])
    return principal


def _require_open(cycle: AppraisalCycle) -> None:
    if cycle.state in _FROZEN_STATES:
        raise ReviewError(
            f"This appraisal year is {cycle.get_state_display().lower()}: nothing can be "
            "added or changed."
        )


def _lock_cycle(cycle: AppraisalCycle) -> AppraisalCycle:
    """Lock the cycle row so two people recording at once see each other's rows (the
    yearly observation cap, a review being started). Only the cycle's own row: without
    ``of``, PostgreSQL would also lock the joined policy version, academy and appraisee,
    which every other cycle of the trust shares, and serialise the trust's writes."""
    return (
        AppraisalCycle.objects.select_for_update(of=("self",))
        .select_related("policy_version", "academy", "appraisee")
        .get(pk=cycle.pk)
    )


def _with_actor(obj: Any, actor: User | None) -> None:
    if actor is not None:
        obj._history_user = actor
