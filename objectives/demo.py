"""The demo year's objectives, as far as the year has gone today: most reviewers have
agreed objectives with their reviewees; a few have proposed them and wait for an answer
(overdue once the policy's date has passed), a few have not begun. Made through the
services a reviewer and a member of staff use; a cycle that already has objectives is left
as it is, so running the demo again adds nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied

from cycles.models import AppraisalCycle
from policies.schema import AppraisalModel

from . import rules as objective_rules
from . import services
from .deadlines import plan_due_on
from .models import ObjectivePlan

_TITLES = (
    "Raise attainment in reading for the pupils in my class",
    "Lead the year group's work on the school improvement priority",
    "Complete the coaching programme and use it in lessons",
    "Improve attendance of the pupils I support",
    "Develop questioning for higher attainers",
)
_SMART: dict[str, Any] = {
    "specific": "Pupils identified at the start of the year.",
    "measurable": "Progress measured at each assessment point.",
    "achievable": "With the support agreed at the planning meeting.",
    "relevant": "The academy's improvement plan, priority 2.",
    "time_bound": "By the end of the summer term.",
    "alignment": "School improvement plan",
}

# Out of every ten cycles, by their place in the academy's list: which have not begun
# their objectives, and which wait for the member of staff's answer.
NOT_BEGUN = {0}
AWAITING_ANSWER = {1}


def _version(cycle: AppraisalCycle) -> int:
    plan = ObjectivePlan.objects.filter(cycle=cycle).first()
    return plan.version if plan else 0


def _add_objectives(cycle: AppraisalCycle) -> None:
    rules = cycle.policy_version.rules
    assert cycle.reviewer is not None and cycle.reviewer.user is not None
    _low, usual, _high = rules.objectives.counts_for(is_leader=False)
    kinds = [str(k) for k in objective_rules.kinds_in_use(rules)] or [""]
    for n in range(max(usual, 1)):
        services.objective_create(
            actor=cycle.reviewer.user,
            cycle=cycle,
            title=_TITLES[n % len(_TITLES)],
            kind=kinds[n % len(kinds)],
            **_SMART,
        )


def seed_objectives(*, cycles: Sequence[AppraisalCycle], today: dt.date) -> int:
    """Objectives for the demo's cycles (listed in a stable order); returns how many
    cycles have agreed objectives."""
    agreed = 0
    for place, cycle in enumerate(cycles):
        rules = cycle.policy_version.rules
        reviewer = cycle.reviewer.user if cycle.reviewer else None
        appraisee = cycle.appraisee.user
        if (
            rules.model in (AppraisalModel.CONVERSATIONS, AppraisalModel.PDP)
            or reviewer is None
            or appraisee is None
            or cycle.is_headteacher_cycle
            or today <= cycle.starts_on
            or cycle.objectives.exists()
        ):
            continue
        due = plan_due_on(rules, cycle.starts_on)
        # Before the policy's date, about half have agreed theirs; the rest are not due.
        if place % 10 in NOT_BEGUN or (due and today < due[0] and place % 2):
            continue
        try:
            _add_objectives(cycle)
            services.plan_propose(actor=reviewer, cycle=cycle, expected_version=_version(cycle))
            if place % 10 in AWAITING_ANSWER:
                continue
            services.plan_respond(
                actor=appraisee, cycle=cycle, agrees=True, expected_version=_version(cycle)
            )
            services.plan_agree(actor=reviewer, cycle=cycle, expected_version=_version(cycle))
        except (services.ObjectivesError, PermissionDenied):
            # A policy whose rules these demo objectives do not meet leaves the plan
            # where it stopped: a real state, shown as such.
            continue
        agreed += 1
    return agreed
