"""The personal development plan (leger-pdp): save, agree, reopen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from cycles.models import AppraisalCycle
from policies.schema import AppraisalModel

from .. import permissions
from ..models import (
    DevelopmentPlan,
    PlanState,
)
from ..rules import check_development_plan
from ..selectors import (
    development_plan_facts,
    is_support_staff,
    needs_role_fit,
    policy_paragraphs,
)
from ._common import (
    _check_open,
    _check_version,
    _history,
    _lock_cycle,
    _locked_pdp,
    _principal,
    _require,
    _rules,
)
from .errors import ObjectivesError

if TYPE_CHECKING:
    from accounts.models import User


# ----- Personal development plan (leger-pdp) -------------------------------------------


@transaction.atomic
def development_plan_save(
    *,
    actor: User,
    cycle: AppraisalCycle,
    expected_version: int | None,
    answers: Sequence[str],
    development_needs: str,
    role_fit: str | None = None,
) -> DevelopmentPlan:
    """Save the plan's Professional IQ inquiry and development needs. The member of staff
    drafts their own plan; the reviewer may edit it too. ``role_fit`` says how a support
    member of staff's plan suits their grade and role, where the policy differentiates
    support staff's plans (leger §6); it is ignored for anyone else."""
    principal = _principal(actor)
    _require(permissions.can_contribute(principal, cycle), "You cannot change this plan.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    rules = _rules(cycle)
    if rules.model != AppraisalModel.PDP:
        raise ObjectivesError("This policy does not use a personal development plan.")
    pdp = _locked_pdp(cycle)
    _check_version(pdp.version, expected_version)
    if pdp.state == PlanState.AGREED:
        raise ObjectivesError("The plan is agreed. Reopen it to change it.")
    parts = rules.pdp.professional_iq_parts
    pdp.inquiry = [
        {"part": part, "answer": (answers[i] if i < len(answers) else "").strip()}
        for i, part in enumerate(parts)
    ]
    pdp.development_needs = development_needs.strip()
    fields = ["inquiry", "development_needs", "version", "updated_at"]
    if role_fit is not None and needs_role_fit(cycle):
        pdp.role_fit = role_fit.strip()
        fields.append("role_fit")
    pdp.version += 1
    _history(pdp, actor)
    pdp.save(update_fields=fields)
    return pdp


@transaction.atomic
def development_plan_agree(
    *, actor: User, cycle: AppraisalCycle, expected_version: int | None
) -> DevelopmentPlan:
    principal = _principal(actor)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer agrees the plan.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    rules = _rules(cycle)
    if rules.model != AppraisalModel.PDP:
        raise ObjectivesError("This policy does not use a personal development plan.")
    pdp = _locked_pdp(cycle)
    _check_version(pdp.version, expected_version)
    if pdp.state == PlanState.AGREED:
        raise ObjectivesError("The plan is already agreed.")
    targets = list(cycle.objectives.prefetch_related("priorities"))
    breaches = check_development_plan(
        rules,
        development_plan_facts(pdp, targets, support_staff=is_support_staff(cycle)),
        policy_paragraphs(cycle.policy_version),
    )
    if breaches:
        raise ObjectivesError("The plan cannot be agreed yet.", breaches)
    pdp.state = PlanState.AGREED
    pdp.agreed_at = timezone.now()
    pdp.agreed_by = actor
    pdp.version += 1
    _history(pdp, actor, "Plan agreed")
    pdp.save(update_fields=["state", "agreed_at", "agreed_by", "version", "updated_at"])
    return pdp


@transaction.atomic
def development_plan_reopen(
    *, actor: User, cycle: AppraisalCycle, reason: str, expected_version: int | None
) -> DevelopmentPlan:
    principal = _principal(actor)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer reopens the plan.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    pdp = _locked_pdp(cycle)
    _check_version(pdp.version, expected_version)
    if pdp.state != PlanState.AGREED:
        raise ObjectivesError("Only an agreed plan can be reopened.")
    if not reason.strip():
        raise ObjectivesError("Say why the plan is being reopened.")
    pdp.state = PlanState.DRAFT
    pdp.version += 1
    _history(pdp, actor, f"Reopened: {reason.strip()}")
    pdp.save(update_fields=["state", "version", "updated_at"])
    return pdp
