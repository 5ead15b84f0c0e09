"""Shared objectives: written once, assigned to several people's plans."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cycles.models import AppraisalCycle
from organisation.models import Academy
from organisation.principal import Principal
from policies.schema import AppraisalModel

from .. import permissions
from ..models import (
    ImprovementPriority,
    Objective,
    ObjectiveStatus,
    PlanState,
    SharedObjective,
)
from ._common import _history, _locked_plan, _plan_changed, _principal, _require, _rules
from .errors import ObjectivesError

if TYPE_CHECKING:
    from accounts.models import User


# ----- Shared objectives ----------------------------------------------------------------


@transaction.atomic
def shared_objective_create(
    *,
    actor: User,
    academy: Academy | None,
    title: str,
    description: str = "",
    kind: str = "",
    priority: ImprovementPriority | None = None,
) -> SharedObjective:
    principal = _principal(actor)
    if academy is not None and academy.trust_id != principal.trust_id:
        raise PermissionDenied("Not an academy of this trust.")
    _require(
        permissions.can_create_shared(principal, academy.pk if academy else None),
        "You cannot create shared objectives here.",
    )
    title = title.strip()
    if not title:
        raise ObjectivesError("Enter the shared objective.")
    if priority is not None and (
        priority.trust_id != principal.trust_id
        or priority.academy_id not in (None, academy.pk if academy else None)
    ):
        raise ObjectivesError("Choose a priority of this academy or of the trust.")
    shared = SharedObjective(
        trust_id=principal.trust_id or 0,
        academy=academy,
        title=title,
        description=description.strip(),
        kind=kind,
        priority=priority,
        created_by=actor,
    )
    _history(shared, actor)
    shared.save()
    return shared


def _why_not_assignable(
    principal: Principal, shared: SharedObjective, cycle: AppraisalCycle
) -> str | None:
    name = cycle.appraisee.full_name
    if cycle.trust_id != shared.trust_id or (
        shared.academy_id is not None and cycle.academy_id != shared.academy_id
    ):
        return f"{name} is not at {shared.academy}."
    if not permissions.can_edit(principal, cycle):
        return f"You do not set {name}'s objectives."
    if cycle.state in permissions.FROZEN_STATES:
        return f"{name}'s appraisal year is {cycle.get_state_display().lower()}."
    rules = _rules(cycle)
    if rules.model != AppraisalModel.OBJECTIVES:
        return f"{name}'s policy has no objectives."
    if not rules.objectives.shared_objectives_allowed:
        return f"{name}'s policy does not have shared objectives."
    return None


@transaction.atomic
def shared_objective_assign(
    *, actor: User, shared: SharedObjective, cycles: Sequence[AppraisalCycle]
) -> list[Objective]:
    """Give ``shared`` to each cycle's member of staff as an objective of their own, with
    their own success criteria, actions and evidence (langley §7 VIII). All or nothing:
    if anyone cannot have it, nobody gets it and the error says who and why."""
    principal = _principal(actor)
    if not cycles:
        raise ObjectivesError("Choose at least one member of staff.")
    locked = list(
        AppraisalCycle.objects.select_for_update(of=("self",))
        .select_related("policy_version", "academy", "appraisee")
        .filter(pk__in=[c.pk for c in cycles], trust_id=principal.trust_id or 0)
        .order_by("pk")
    )
    if len(locked) != len({c.pk for c in cycles}):
        raise PermissionDenied("Not a record you can change.")
    problems = [p for p in (_why_not_assignable(principal, shared, c) for c in locked) if p]
    already = set(
        Objective.objects.filter(shared=shared, cycle__in=locked).values_list(
            "cycle__appraisee__first_name", "cycle__appraisee__last_name"
        )
    )
    problems += [f"{first} {last} already has this objective." for first, last in already]
    plans = {}
    for cycle in locked:
        plan = _locked_plan(cycle)
        if plan.state == PlanState.AGREED:
            problems.append(f"{cycle.appraisee.full_name}'s objectives are already agreed.")
        plans[cycle.pk] = plan
    if problems:
        raise ObjectivesError("The shared objective was not given to anyone: " + " ".join(problems))
    created = []
    for cycle in locked:
        objective = Objective(
            trust_id=cycle.trust_id,
            cycle=cycle,
            shared=shared,
            kind=shared.kind,
            title=shared.title,
            position=cycle.objectives.count() + 1,
            status=ObjectiveStatus.NOT_STARTED,
        )
        _history(objective, actor, "Shared objective assigned")
        objective.save()
        if shared.priority_id is not None:
            objective.priorities.set([shared.priority_id])
        _plan_changed(plans[cycle.pk], actor, f"Shared objective added: {shared.title}")
        created.append(objective)
    return created
