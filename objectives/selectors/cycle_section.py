"""The cycle page section."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from cycles.deadlines import Deadline
from cycles.models import AppraisalCycle
from organisation.principal import Principal
from policies.schema import AppraisalModel, PolicySettings
from policies.schema import Conversation as ConversationRule

from .. import permissions
from ..models import (
    Conversation,
    DevelopmentPlan,
    Meeting,
    Objective,
    ObjectivePlan,
    PlanState,
)
from ..rules import (
    RuleBreach,
    StaffCategory,
    check_development_plan,
    check_objective_plan,
    check_usual_count,
    conversation_notes_and_pay,
    meeting_kinds,
)
from .facts import (
    development_plan_facts,
    is_support_staff,
    needs_role_fit,
    plan_facts,
    role_fit_label,
    staff_category,
)
from .paragraphs import policy_paragraphs
from .records import development_plan_for, objectives_for_cycle, plan_for
from .rule_lines import RuleLine, focus_wording, objective_rule_lines


@dataclass
class ConversationRow:
    rule: ConversationRule
    record: Conversation | None
    deadline: Deadline | None

    @property
    def held(self) -> bool:
        return self.record is not None and self.record.held_on is not None


@dataclass
class InquiryRow:
    part: str
    answer: str


@dataclass
class CycleSection:
    """What ``objectives/_cycle_section.html`` shows."""

    model: str
    rules: PolicySettings
    can_edit: bool
    can_comment: bool
    is_appraisee: bool
    today: dt.date
    paragraphs: dict[str, str]
    category: StaffCategory
    frozen: bool
    plan: ObjectivePlan | None = None
    objectives: list[Objective] = field(default_factory=list)
    breaches: list[RuleBreach] = field(default_factory=list)
    rule_lines: list[RuleLine] = field(default_factory=list)
    plan_deadline: Deadline | None = None
    can_determine: bool = False
    conversations: list[ConversationRow] = field(default_factory=list)
    focus: str = ""
    pdp: DevelopmentPlan | None = None
    inquiry: list[InquiryRow] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    meeting_deadlines: list[Deadline] = field(default_factory=list)
    show_wellbeing_link: bool = False
    can_add_meeting: bool = False
    conversation_notes_and_pay: str = ""
    # Warns, never refuses: not the number of objectives the policy says is usual.
    count_warning: RuleBreach | None = None
    # objectives.account_for_absence: absence is recorded with the plan.
    can_record_absence: bool = False
    # objectives.either_party_may_ask_for_review: either side may ask, once agreed.
    can_ask_for_review: bool = False
    # pdp.differentiated_for_support_roles: the plan says how it suits the role.
    needs_role_fit: bool = False
    role_fit_label: str = ""

    @property
    def plan_state(self) -> str:
        if self.model == AppraisalModel.PDP:
            return self.pdp.state if self.pdp else PlanState.DRAFT
        return self.plan.state if self.plan else PlanState.DRAFT

    @property
    def plan_state_label(self) -> str:
        return PlanState(self.plan_state).label

    @property
    def is_agreed(self) -> bool:
        return self.plan_state == PlanState.AGREED

    @property
    def plan_version(self) -> int:
        container = self.pdp if self.model == AppraisalModel.PDP else self.plan
        return container.version if container else 0


def cycle_section_context(cycle: AppraisalCycle, principal: Principal) -> dict[str, Any]:
    """Context for ``objectives/_cycle_section.html``: ``{"objectives_section": ...}``.

    A fixed number of queries whatever the number of objectives, comments or meetings.
    Never reads wellbeing notes: the section only links the member of staff (and the
    reviewer) to their own page for them."""
    from .. import deadlines as deadline_rules

    rules = cycle.policy_version.rules
    model = str(rules.model)
    today = timezone.localdate()
    category = staff_category(cycle)
    paragraphs = policy_paragraphs(cycle.policy_version)
    can_edit = permissions.can_edit(principal, cycle)
    can_comment = permissions.can_comment(principal, cycle)
    section = CycleSection(
        model=model,
        rules=rules,
        can_edit=can_edit,
        can_comment=can_comment,
        is_appraisee=permissions.is_appraisee(principal, cycle),
        today=today,
        paragraphs=paragraphs,
        category=category,
        frozen=cycle.state in permissions.FROZEN_STATES,
    )
    conversations_held: dict[str, bool] = {}
    records: dict[str, Conversation] = {}
    if model == AppraisalModel.OBJECTIVES:
        section.plan = plan_for(cycle)
        section.objectives = list(objectives_for_cycle(cycle))
        section.rule_lines = objective_rule_lines(
            rules, category, paragraphs, teaches=cycle.appraisee.has_qts
        )
        if not section.is_agreed:
            facts = plan_facts(cycle, section.objectives)
            section.breaches = check_objective_plan(rules, facts, paragraphs)
            section.count_warning = check_usual_count(rules, facts, paragraphs)
        open_for_change = not section.frozen and permissions.can_contribute(principal, cycle)
        section.can_record_absence = rules.objectives.account_for_absence and open_for_change
        section.can_ask_for_review = (
            rules.objectives.either_party_may_ask_for_review
            and open_for_change
            and section.is_agreed
            and section.plan is not None
            and not section.plan.review_requested
        )
        section.can_determine = (
            section.plan is not None
            and section.plan.state == PlanState.PROPOSED
            and section.plan.appraisee_response == "disagreed"
            and permissions.can_determine_objectives(principal, cycle)
        )
    elif model == AppraisalModel.PDP:
        section.pdp = development_plan_for(cycle)
        section.objectives = list(objectives_for_cycle(cycle))
        section.inquiry = [
            InquiryRow(part=part, answer=section.pdp.answer_for(i) if section.pdp else "")
            for i, part in enumerate(rules.pdp.professional_iq_parts)
        ]
        section.needs_role_fit = needs_role_fit(cycle)
        if section.needs_role_fit:
            section.role_fit_label = role_fit_label(cycle)
        if not section.is_agreed:
            section.breaches = check_development_plan(
                rules,
                development_plan_facts(
                    section.pdp, section.objectives, support_staff=is_support_staff(cycle)
                ),
                paragraphs,
            )
    else:
        records = {
            c.key: c
            for c in Conversation.objects.filter(trust_id=cycle.trust_id, cycle_id=cycle.pk)
        }
        conversations_held = {k: c.held_on is not None for k, c in records.items()}
        section.focus = focus_wording(rules, category)
        section.conversation_notes_and_pay = conversation_notes_and_pay(rules)
    section.meetings = list(
        Meeting.objects.filter(trust_id=cycle.trust_id, cycle_id=cycle.pk).order_by(
            "scheduled_for", "pk"
        )
    )
    calendar = None
    if deadline_rules.needs_calendar(rules):
        from calendars.selectors import load_calendar

        calendar = load_calendar(cycle.academy_id, cycle.starts_on, cycle.ends_on)
    due = deadline_rules.deadlines_for_cycle(
        cycle,
        calendar,
        plan_state=section.plan.state if section.plan else None,
        pdp_state=section.pdp.state if section.pdp else None,
        conversations_held=conversations_held,
        meetings=section.meetings,
    )
    by_kind = {d.kind: d for d in due}
    section.plan_deadline = by_kind.get("objectives_agreed") or by_kind.get(
        "development_plan_agreed"
    )
    section.meeting_deadlines = [
        d
        for d in due
        if d.kind
        in ("interim_meeting", "termly_review", "midpoint_check_in", "annual_review_record")
    ]
    if model == AppraisalModel.CONVERSATIONS:
        section.conversations = [
            ConversationRow(
                rule=rule,
                record=records.get(rule.key),
                deadline=by_kind.get(f"conversation_{rule.key}"),
            )
            for rule in rules.conversations.conversations
        ]
    section.show_wellbeing_link = rules.wellbeing.discussed_at_review and (
        section.is_appraisee or permissions.may_write_wellbeing_notes(principal, cycle)
    )
    section.can_add_meeting = can_edit and not section.frozen and bool(meeting_kinds(rules))
    return {"objectives_section": section}
