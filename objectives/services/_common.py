"""Helpers shared by the objectives services: the actor, history, locks, the
cycle's rules and the checks several writes make."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils import timezone

from cycles.models import AppraisalCycle
from organisation.principal import Principal, principal_for
from policies.schema import PolicySettings

from .. import permissions
from ..models import (
    AppraiseeResponse,
    DevelopmentPlan,
    ObjectivePlan,
    PlanState,
)
from .errors import ObjectivesError, StaleEditError

if TYPE_CHECKING:
    from accounts.models import User


# ----- Helpers ------------------------------------------------------------------------


def _principal(actor: User) -> Principal:
    return principal_for(actor)


def _history(obj: Model, actor: User, reason: str = "") -> None:
    obj._history_user = actor  # type: ignore[attr-defined]
    if reason:
        obj._change_reason = reason  # type: ignore[attr-defined]


def _require(allowed: bool, message: str = "You cannot change this record.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def _check_open(cycle: AppraisalCycle) -> None:
    if cycle.state in permissions.FROZEN_STATES:
        raise ObjectivesError(
            f"This appraisal year is {cycle.get_state_display().lower()}: nothing in it can "
            "be changed."
        )


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and current != expected:
        raise StaleEditError()


def _rules(cycle: AppraisalCycle) -> PolicySettings:
    return cycle.policy_version.rules


def _lock_cycle(cycle: AppraisalCycle) -> AppraisalCycle:
    # Locks the cycle row: the plan, its objectives and the conversations are checked
    # together against the policy and would otherwise race (two people adding objectives).
    locked = (
        AppraisalCycle.objects.select_for_update(of=("self",))
        .select_related("policy_version", "academy", "appraisee")
        .get(pk=cycle.pk)
    )
    return locked


def _not_in_future(day: dt.date | None, what: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ObjectivesError(f"{what} cannot be in the future.")


def _locked_plan(cycle: AppraisalCycle) -> ObjectivePlan:
    # A plan is created the first time anything is written; version 0 means "not saved
    # yet", which is what a page opened before then carries.
    plan, _ = ObjectivePlan.objects.get_or_create(
        cycle=cycle, defaults={"trust_id": cycle.trust_id, "version": 0}
    )
    return ObjectivePlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)


def _locked_pdp(cycle: AppraisalCycle) -> DevelopmentPlan:
    pdp, _ = DevelopmentPlan.objects.get_or_create(
        cycle=cycle, defaults={"trust_id": cycle.trust_id, "version": 0}
    )
    return DevelopmentPlan.objects.select_for_update(of=("self",)).get(pk=pdp.pk)


def _plan_changed(plan: ObjectivePlan, actor: User, reason: str) -> None:
    """Any change to the objectives sends a proposed plan back to draft: the member of
    staff must see and answer what will actually be agreed."""
    fields = ["version"]
    plan.version += 1
    if plan.state == PlanState.PROPOSED:
        plan.state = PlanState.DRAFT
        plan.appraisee_response = AppraiseeResponse.NONE
        plan.appraisee_responded_at = None
        fields += ["state", "appraisee_response", "appraisee_responded_at"]
    _history(plan, actor, reason)
    plan.save(update_fields=fields)
