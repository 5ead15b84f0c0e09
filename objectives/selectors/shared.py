"""Improvement priorities and shared objectives."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from cycles.models import AppraisalCycle
from cycles.permissions import visible_cycles
from organisation.principal import Principal
from policies.schema import AppraisalModel

from .. import permissions
from ..models import (
    ImprovementPriority,
    Objective,
    ObjectivePlan,
    PlanState,
    SharedObjective,
)


def priorities_for_principal(principal: Principal, year: int) -> list[ImprovementPriority]:
    academies = permissions.manageable_academies(principal).values("pk")
    rows = ImprovementPriority.objects.filter(trust_id=principal.trust_id or 0, academic_year=year)
    if not (principal.is_trust_admin or principal.is_hr):
        rows = rows.filter(Q(academy__isnull=True) | Q(academy_id__in=academies))
    return list(rows.select_related("academy").order_by("academy__name", "code"))


@dataclass
class AssignableCycle:
    cycle: AppraisalCycle
    reason: str | None  # why it cannot have the objective, or None


def assignable_cycles(principal: Principal, shared: SharedObjective) -> list[AssignableCycle]:
    """The cycles at the shared objective's academy whose objectives this person sets,
    each with why it cannot have the objective (already has it, agreed, policy...)."""
    from cycles.models import CycleState

    cycles = (
        visible_cycles(principal)
        .exclude(state__in=[CycleState.CLOSED, CycleState.SUSPENDED])
        .select_related("appraisee", "academy", "policy_version")
        .order_by("appraisee__last_name", "appraisee__first_name", "-starts_on")
    )
    if shared.academy_id is not None:
        cycles = cycles.filter(academy_id=shared.academy_id)
    cycles_list = [c for c in cycles if permissions.can_edit(principal, c)]
    ids = [c.pk for c in cycles_list]
    has_it = set(
        Objective.objects.filter(shared=shared, cycle_id__in=ids).values_list("cycle_id", flat=True)
    )
    agreed = set(
        ObjectivePlan.objects.filter(cycle_id__in=ids, state=PlanState.AGREED).values_list(
            "cycle_id", flat=True
        )
    )
    rows = []
    for cycle in cycles_list:
        rules = cycle.policy_version.rules
        reason = None
        if rules.model != AppraisalModel.OBJECTIVES:
            reason = "Their policy has no objectives."
        elif not rules.objectives.shared_objectives_allowed:
            reason = "Their policy does not have shared objectives."
        elif cycle.pk in has_it:
            reason = "Already has this objective."
        elif cycle.pk in agreed:
            reason = "Objectives already agreed."
        rows.append(AssignableCycle(cycle=cycle, reason=reason))
    return rows


def shared_objective_assignments(shared: SharedObjective, principal: Principal) -> list[Objective]:
    """Who has the shared objective, among the cycles this person may see."""
    return list(
        Objective.objects.filter(
            trust_id=principal.trust_id or 0,
            shared=shared,
            cycle__in=visible_cycles(principal),
        )
        .select_related("cycle__appraisee")
        .order_by("cycle__appraisee__last_name")
    )
