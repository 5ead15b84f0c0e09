"""The rules in words, for the page."""

from __future__ import annotations

from dataclasses import dataclass

from cycles.models import AppraisalCycle
from policies.schema import AppraisalModel, PolicySettings

from ..models import (
    Objective,
)
from ..rules import (
    StaffCategory,
    count_rule,
    is_leader,
    required_kinds_with_settings,
)
from .facts import counted, staff_category
from .paragraphs import policy_paragraphs


@dataclass(frozen=True)
class RuleLine:
    text: str
    paragraph: str = ""


def _count_text(low: int, high: int) -> str:
    if low == high:
        return f"{high} objectives"
    if low <= 0:
        return f"no more than {high} objectives"
    return f"between {low} and {high} objectives"


def objective_rule_lines(
    rules: PolicySettings, category: StaffCategory, paragraphs: dict[str, str], *, teaches: bool
) -> list[RuleLine]:
    """What the policy asks of this person's objectives, each with its paragraph."""
    from policies.schema import ObjectiveKind

    leader = is_leader(rules, category)
    low, usual, high = count_rule(rules, category)
    count_setting = (
        "objectives.leader_maximum_count"
        if leader and rules.objectives.leader_maximum_count is not None
        else "objectives.maximum_count"
    )
    lines = [RuleLine(_count_text(low, high).capitalize() + ".", paragraphs.get(count_setting, ""))]
    if low < high:
        usual_setting = (
            "objectives.leader_normal_count"
            if leader and rules.objectives.leader_normal_count is not None
            else "objectives.normal_count"
        )
        lines.append(
            RuleLine(
                f"Normally {usual} objectives: a different number within these limits can "
                "still be agreed.",
                paragraphs.get(usual_setting, ""),
            )
        )
    for kind, setting in required_kinds_with_settings(rules, category, leader_teaches=teaches):
        lines.append(
            RuleLine(
                f"At least one: {ObjectiveKind(kind).label.lower()}.", paragraphs.get(setting, "")
            )
        )
    if rules.objectives.smart_required:
        lines.append(
            RuleLine(
                "Each objective is SMART: specific, measurable, achievable, relevant and "
                "time-bound.",
                paragraphs.get("objectives.smart_required", ""),
            )
        )
    if rules.objectives.alignment_required:
        plans = ", ".join(rules.objectives.align_to) or "an improvement plan"
        lines.append(
            RuleLine(
                f"Each objective links to a priority ({plans}).",
                paragraphs.get("objectives.alignment_required", ""),
            )
        )
    if rules.objectives.shared_objective_individual_parts:
        parts = ", ".join(p.lower() for p in rules.objectives.shared_objective_individual_parts)
        lines.append(
            RuleLine(
                f"A shared objective still has this person's own {parts}.",
                paragraphs.get("objectives.shared_objective_individual_parts", ""),
            )
        )
    if rules.objectives.account_for_absence:
        lines.append(
            RuleLine(
                "Absence such as sickness or maternity leave is taken into account when "
                "judging whether the objectives were met.",
                paragraphs.get("objectives.account_for_absence", ""),
            )
        )
    if rules.objectives.either_party_may_ask_for_review:
        lines.append(
            RuleLine(
                "Either the reviewer or the member of staff may ask for the objectives to be "
                "reviewed during the year if circumstances change significantly.",
                paragraphs.get("objectives.either_party_may_ask_for_review", ""),
            )
        )
    return lines


@dataclass(frozen=True)
class UsualCount:
    """What the add-an-objective page says about the number of objectives: the usual
    number (``objectives.normal_count`` or the leaders' own), and whether adding one
    makes the plan differ from it. A warning only: the fewest and most are the rules."""

    who: str
    usual: int
    most: int
    after_adding: int
    paragraph: str = ""

    most_paragraph: str = ""

    @property
    def differs(self) -> bool:
        return self.after_adding != self.usual

    @property
    def over_most(self) -> bool:
        """Adding one would pass the most the policy allows: saving it is refused."""
        return self.after_adding > self.most

    @property
    def text(self) -> str:
        return (
            f"{self.who} normally have {self.usual} objectives under this policy (at most "
            f"{self.most}). With this one the plan has {self.after_adding}."
        )


def usual_count_for_new_objective(cycle: AppraisalCycle) -> UsualCount | None:
    rules = cycle.policy_version.rules
    if rules.model != AppraisalModel.OBJECTIVES:
        return None
    category = staff_category(cycle)
    leader = is_leader(rules, category)
    _low, usual, high = count_rule(rules, category)
    current = len(counted(Objective.objects.filter(trust_id=cycle.trust_id, cycle_id=cycle.pk)))
    setting = (
        "objectives.leader_normal_count"
        if leader and rules.objectives.leader_normal_count is not None
        else "objectives.normal_count"
    )
    who = "Leaders" if leader else "Members of staff"
    paragraphs = policy_paragraphs(cycle.policy_version)
    return UsualCount(
        who=who,
        usual=usual,
        most=high,
        after_adding=current + 1,
        paragraph=paragraphs.get(setting, ""),
        most_paragraph=paragraphs.get(
            "objectives.leader_maximum_count"
            if leader and rules.objectives.leader_maximum_count is not None
            else "objectives.maximum_count",
            "",
        ),
    )


def focus_wording(rules: PolicySettings, category: StaffCategory) -> str:
    """The trust's professional focus worded for the person's role (aspire §6.4b)."""
    c = rules.conversations
    if category in (StaffCategory.HEADTEACHER, StaffCategory.LEADER):
        return c.focus_wording_leaders
    if category is StaffCategory.SUPPORT:
        return c.focus_wording_support
    return c.focus_wording_teachers
