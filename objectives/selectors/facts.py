"""Facts for the rules."""

from __future__ import annotations

from collections.abc import Iterable

from cycles.models import AppraisalCycle
from organisation.models import PayRange, StaffGroup

from ..models import (
    DevelopmentPlan,
    Objective,
    ObjectiveStatus,
)
from ..rules import (
    DevelopmentPlanFacts,
    ObjectiveFacts,
    PlanFacts,
    StaffCategory,
)


def staff_category(cycle: AppraisalCycle) -> StaffCategory:
    """Which objective rules apply to the member of staff, from their record."""
    staff = cycle.appraisee
    if cycle.is_headteacher_cycle:
        return StaffCategory.HEADTEACHER
    if staff.staff_group == StaffGroup.LEADERSHIP or staff.pay_range == PayRange.LEADERSHIP:
        return StaffCategory.LEADER
    if staff.staff_group == StaffGroup.SUPPORT:
        return StaffCategory.SUPPORT
    if staff.pay_range == PayRange.UPPER:
        return StaffCategory.UPS_TEACHER
    return StaffCategory.TEACHER


def _objective_facts(objective: Objective) -> ObjectiveFacts:
    # Uses the prefetched priorities: no query per objective.
    return ObjectiveFacts(
        title=objective.title,
        kind=objective.kind,
        missing_smart=tuple(objective.missing_smart_parts),
        aligned=bool(objective.alignment.strip()) or bool(list(objective.priorities.all())),
        shared=objective.shared_id is not None,
        individual_parts_written=objective.individual_parts_written,
    )


def counted(objectives: Iterable[Objective]) -> list[Objective]:
    """Objectives that count towards the plan (a withdrawn one no longer does)."""
    return [o for o in objectives if o.status != ObjectiveStatus.WITHDRAWN]


def plan_facts(cycle: AppraisalCycle, objectives: Iterable[Objective]) -> PlanFacts:
    return PlanFacts(
        category=staff_category(cycle),
        objectives=tuple(_objective_facts(o) for o in counted(objectives)),
        leader_teaches=cycle.appraisee.has_qts,
    )


def development_plan_facts(
    pdp: DevelopmentPlan | None, targets: Iterable[Objective], *, support_staff: bool = False
) -> DevelopmentPlanFacts:
    answers = tuple(str(item.get("answer", "")) for item in (pdp.inquiry if pdp else []))
    return DevelopmentPlanFacts(
        answers=answers,
        development_needs=pdp.development_needs if pdp else "",
        targets=tuple(_objective_facts(o) for o in counted(targets)),
        support_staff=support_staff,
        role_fit=pdp.role_fit if pdp else "",
    )


def is_support_staff(cycle: AppraisalCycle) -> bool:
    return staff_category(cycle) is StaffCategory.SUPPORT


def needs_role_fit(cycle: AppraisalCycle) -> bool:
    """Whether this person's development plan says how it suits their grade and role
    (leger §6: support staff have a plan differentiated by grade and role)."""
    return cycle.policy_version.rules.pdp.differentiated_for_support_roles and is_support_staff(
        cycle
    )


def role_fit_label(cycle: AppraisalCycle) -> str:
    staff = cycle.appraisee
    grade = f", grade {staff.pay_point}" if staff.pay_point else ""
    return f"How this plan suits the role ({staff.job_role.name}{grade})"
