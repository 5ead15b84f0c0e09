"""Objectives: add, change, delete and comment on one objective."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction

from cycles.models import AppraisalCycle
from policies.schema import AppraisalModel, PolicySettings

from .. import permissions, selectors
from .. import rules as objective_rules
from ..models import (
    SMART_PARTS,
    DevelopmentPlan,
    ImprovementPriority,
    Objective,
    ObjectiveComment,
    ObjectivePlan,
    PlanState,
)
from ._common import (
    _check_open,
    _check_version,
    _history,
    _lock_cycle,
    _locked_pdp,
    _locked_plan,
    _plan_changed,
    _principal,
    _require,
    _rules,
)
from .errors import ObjectivesError

if TYPE_CHECKING:
    from accounts.models import User


OBJECTIVE_FIELDS = (
    "kind",
    "title",
    *(name for name, _ in SMART_PARTS),
    "success_criteria",
    "actions",
    "support",
    "alignment",
    "status",
)
# What stays individual when an objective is shared (langley §7 VIII): the shared text
# itself (title and kind) comes from the shared objective.
SHARED_FIXED_FIELDS = ("kind", "title")


# ----- Helpers for objectives only ---------------------------------------------------


def _objective_container(cycle: AppraisalCycle, actor: User) -> ObjectivePlan | DevelopmentPlan:
    """The locked record objectives belong to: the objective plan, or under a personal
    development plan policy the PDP (whose extra targets are objectives)."""
    model = _rules(cycle).model
    if model == AppraisalModel.OBJECTIVES:
        container: ObjectivePlan | DevelopmentPlan = _locked_plan(cycle)
        what = "The objectives are agreed"
    elif model == AppraisalModel.PDP:
        container = _locked_pdp(cycle)
        what = "The personal development plan is agreed"
    else:
        raise ObjectivesError(
            "This policy has developmental conversations instead of objectives: record "
            "growth areas and CPD activities in the conversations."
        )
    if container.state == PlanState.AGREED:
        raise ObjectivesError(f"{what}. Reopen it to change the objectives.")
    return container


def _touch_container(container: ObjectivePlan | DevelopmentPlan, actor: User, reason: str) -> None:
    # An objective plan is agreed as a whole, so any change to its objectives makes pages
    # showing the plan out of date. A development plan's extra targets are separate from
    # its inquiry text, which the member of staff may be writing at the same time: they
    # do not conflict, and agreeing it re-checks the targets anyway.
    if isinstance(container, ObjectivePlan):
        _plan_changed(container, actor, reason)


def _check_priorities(cycle: AppraisalCycle, priorities: Iterable[ImprovementPriority]) -> None:
    for priority in priorities:
        if priority.trust_id != cycle.trust_id or priority.academy_id not in (
            None,
            cycle.academy_id,
        ):
            raise ObjectivesError(
                f"“{priority.title}” is not a priority of this academy or of the trust."
            )


def _check_kind(rules: PolicySettings, kind: str) -> None:
    if rules.model == AppraisalModel.PDP and kind not in {
        str(k) for k in rules.pdp.extra_target_kinds
    }:
        raise ObjectivesError(
            "Under a personal development plan, extra targets are only of the kinds the "
            "policy lists."
        )


def _check_room_for_one_more(cycle: AppraisalCycle) -> None:
    """Refuse an objective past the most the pinned policy allows, when it is added (not
    only when the plan is proposed), with the policy's number and paragraph."""
    current = len(selectors.counted(cycle.objectives.all()))
    breach = objective_rules.adding_refusal(_rules(cycle), selectors.staff_category(cycle), current)
    if breach is not None:
        (breach,) = objective_rules.with_paragraphs(
            [breach], selectors.policy_paragraphs(cycle.policy_version)
        )
        raise ObjectivesError(str(breach), field=breach.field)


def _individual_parts(rules: PolicySettings, texts: Sequence[str]) -> list[dict[str, str]]:
    # The policy's wording is kept with each text, so a later policy version cannot
    # change what was written.
    return [
        {"part": part, "text": (texts[i] if i < len(texts) else "").strip()}
        for i, part in enumerate(rules.objectives.shared_objective_individual_parts)
    ]


# ----- Objectives ---------------------------------------------------------------------


@transaction.atomic
def objective_create(
    *,
    actor: User,
    cycle: AppraisalCycle,
    title: str,
    priorities: Iterable[ImprovementPriority] = (),
    **fields: Any,
) -> Objective:
    """Add an objective (or a PDP's extra target) to ``cycle``."""
    principal = _principal(actor)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer sets objectives.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    container = _objective_container(cycle, actor)
    unknown = set(fields) - set(OBJECTIVE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown objective fields: {sorted(unknown)}")
    if not title.strip():
        raise ObjectivesError("Enter the objective.")
    _check_kind(_rules(cycle), fields.get("kind", ""))
    _check_room_for_one_more(cycle)
    priorities = list(priorities)
    _check_priorities(cycle, priorities)
    position = cycle.objectives.count() + 1
    objective = Objective(
        trust_id=cycle.trust_id, cycle=cycle, title=title.strip(), position=position, **fields
    )
    _history(objective, actor)
    objective.save()
    objective.priorities.set(priorities)
    _touch_container(container, actor, f"Objective added: {objective.title}")
    return objective


@transaction.atomic
def objective_update(
    *,
    actor: User,
    objective: Objective,
    expected_version: int | None,
    priorities: Iterable[ImprovementPriority] | None = None,
    individual_parts: Sequence[str] | None = None,
    **fields: Any,
) -> Objective:
    """Change an objective. Once the plan is agreed only its progress (status) changes;
    anything else needs the plan reopened. ``individual_parts`` are, for a shared
    objective, this person's own text for each of the policy's
    ``objectives.shared_objective_individual_parts``, in its order."""
    principal = _principal(actor)
    cycle = _lock_cycle(objective.cycle)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer changes objectives.")
    _check_open(cycle)
    objective = Objective.objects.select_for_update(of=("self",)).get(pk=objective.pk, cycle=cycle)
    _check_version(objective.version, expected_version)
    unknown = set(fields) - set(OBJECTIVE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown objective fields: {sorted(unknown)}")
    if objective.shared_id is not None:
        fields = {k: v for k, v in fields.items() if k not in SHARED_FIXED_FIELDS}
        if individual_parts is not None:
            fields["individual_parts"] = _individual_parts(_rules(cycle), individual_parts)
    changed = [k for k, v in fields.items() if getattr(objective, k) != v]
    new_priorities = None if priorities is None else list(priorities)
    priorities_changed = new_priorities is not None and {p.pk for p in new_priorities} != set(
        objective.priorities.values_list("pk", flat=True)
    )
    only_progress = set(changed) <= {"status"} and not priorities_changed
    container: ObjectivePlan | DevelopmentPlan | None = None
    if not only_progress:
        container = _objective_container(cycle, actor)
        if "title" in fields and not str(fields["title"]).strip():
            raise ObjectivesError("Enter the objective.")
        if "kind" in changed:
            _check_kind(_rules(cycle), fields["kind"])
    if new_priorities is not None:
        _check_priorities(cycle, new_priorities)
    for name in changed:
        setattr(objective, name, fields[name])
    objective.version += 1
    _history(objective, actor)
    objective.save(update_fields=[*changed, "version", "updated_at"])
    if priorities_changed and new_priorities is not None:
        objective.priorities.set(new_priorities)
    if container is not None:
        _touch_container(container, actor, f"Objective changed: {objective.title}")
    return objective


@transaction.atomic
def objective_delete(*, actor: User, objective: Objective, expected_version: int | None) -> None:
    principal = _principal(actor)
    cycle = _lock_cycle(objective.cycle)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer removes objectives.")
    _check_open(cycle)
    container = _objective_container(cycle, actor)
    objective = Objective.objects.select_for_update(of=("self",)).get(pk=objective.pk, cycle=cycle)
    _check_version(objective.version, expected_version)
    title = objective.title
    _history(objective, actor)
    objective.delete()
    _touch_container(container, actor, f"Objective removed: {title}")


@transaction.atomic
def objective_comment_add(*, actor: User, objective: Objective, text: str) -> ObjectiveComment:
    """The member of staff's comment on an objective (or the reviewer's reply)."""
    principal = _principal(actor)
    cycle = objective.cycle
    _require(permissions.can_contribute(principal, cycle), "You cannot comment on this record.")
    _check_open(cycle)
    text = text.strip()
    if not text:
        raise ObjectivesError("Enter your comment.")
    name = principal.staff.full_name if principal.staff is not None else actor.get_full_name()
    return ObjectiveComment.objects.create(
        trust_id=cycle.trust_id,
        objective=objective,
        author=actor,
        author_name=name or actor.email,
        text=text,
    )
