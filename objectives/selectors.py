"""Reads for the objectives section of the cycle page and the objectives app's pages.

Everything under a cycle is read through the cycle (the caller got it with
``cycles.permissions.get_cycle_for_user``) and filtered by it, and by its trust, so an id
from another cycle or trust is simply not found. Wellbeing notes are read in exactly one
place, ``wellbeing_notes_for``; no other selector touches them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cycles.deadlines import Deadline
from cycles.models import AppraisalCycle
from cycles.permissions import visible_cycles
from organisation.models import PayRange, StaffGroup
from organisation.principal import Principal
from policies.models import PolicyVersion
from policies.schema import AppraisalModel, PolicySettings, flatten_settings
from policies.schema import Conversation as ConversationRule

from . import permissions
from .models import (
    Conversation,
    DevelopmentPlan,
    ImprovementPriority,
    Meeting,
    Objective,
    ObjectiveComment,
    ObjectivePlan,
    ObjectiveStatus,
    PlanState,
    SharedObjective,
    WellbeingConsent,
    WellbeingNote,
)
from .rules import (
    DevelopmentPlanFacts,
    ObjectiveFacts,
    PlanFacts,
    RuleBreach,
    StaffCategory,
    check_development_plan,
    check_objective_plan,
    check_usual_count,
    conversation_notes_and_pay,
    count_rule,
    is_leader,
    meeting_kinds,
    required_kinds_with_settings,
)

# ----- Policy paragraphs ------------------------------------------------------------------


def policy_paragraphs(version: PolicyVersion) -> dict[str, str]:
    """Setting path → the paragraph of the trust's policy it comes from, for the settings
    that still hold the value the policy document gives (a setting the trust has changed
    since is the trust's own and quotes no paragraph)."""
    cached: dict[str, str] | None = getattr(version, "_objectives_paragraphs", None)
    if cached is not None:
        return cached
    from policies.selectors import preset_sources

    sources, preset_values = preset_sources(version.policy)
    values = flatten_settings(version.rules) if sources else {}
    found = {
        path: paragraph
        for path, paragraph in sources.items()
        if path in values and values[path] == preset_values.get(path)
    }
    # The section a setting belongs to is cited for a rule that spans it ("meetings").
    version._objectives_paragraphs = found  # type: ignore[attr-defined]
    return found


# ----- Facts for the rules ----------------------------------------------------------------


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


# ----- Reading children through their cycle -------------------------------------------------


def objectives_for_cycle(cycle: AppraisalCycle) -> QuerySet[Objective]:
    return (
        Objective.objects.filter(trust_id=cycle.trust_id, cycle_id=cycle.pk)
        .select_related("shared")
        .prefetch_related(
            "priorities",
            Prefetch("comments", queryset=ObjectiveComment.objects.order_by("created_at", "pk")),
        )
    )


def plan_for(cycle: AppraisalCycle) -> ObjectivePlan | None:
    return ObjectivePlan.objects.filter(trust_id=cycle.trust_id, cycle_id=cycle.pk).first()


def development_plan_for(cycle: AppraisalCycle) -> DevelopmentPlan | None:
    return DevelopmentPlan.objects.filter(trust_id=cycle.trust_id, cycle_id=cycle.pk).first()


def conversation_rule(rules: PolicySettings, key: str) -> ConversationRule:
    for rule in rules.conversations.conversations:
        if rule.key == key:
            return rule
    raise Http404("No such conversation.")


def conversation_for(cycle: AppraisalCycle, key: str) -> Conversation | None:
    return Conversation.objects.filter(trust_id=cycle.trust_id, cycle_id=cycle.pk, key=key).first()


def priorities_for_cycle(cycle: AppraisalCycle) -> QuerySet[ImprovementPriority]:
    """Priorities an objective on ``cycle`` may align to: the trust's (TIP) and the
    academy's (AIP), for the academic years the cycle runs in."""
    first = cycle.starts_on.year - (1 if cycle.starts_on.month < 9 else 0)
    last = cycle.ends_on.year - (1 if cycle.ends_on.month < 9 else 0)
    return (
        ImprovementPriority.objects.filter(
            trust_id=cycle.trust_id, academic_year__range=(first, last)
        )
        .filter(Q(academy__isnull=True) | Q(academy_id=cycle.academy_id))
        .select_related("academy")
        .order_by("academy_id", "-academic_year", "code")
    )


# ----- The rules in words, for the page ---------------------------------------------------


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

    @property
    def differs(self) -> bool:
        return self.after_adding != self.usual

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
    return UsualCount(
        who=who,
        usual=usual,
        most=high,
        after_adding=current + 1,
        paragraph=policy_paragraphs(cycle.policy_version).get(setting, ""),
    )


def focus_wording(rules: PolicySettings, category: StaffCategory) -> str:
    """The trust's professional focus worded for the person's role (aspire §6.4b)."""
    c = rules.conversations
    if category in (StaffCategory.HEADTEACHER, StaffCategory.LEADER):
        return c.focus_wording_leaders
    if category is StaffCategory.SUPPORT:
        return c.focus_wording_support
    return c.focus_wording_teachers


# ----- The cycle page section -------------------------------------------------------------


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
    from . import deadlines as deadline_rules

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


# ----- Wellbeing notes: the only reader -----------------------------------------------------


@dataclass
class WellbeingPage:
    consent: WellbeingConsent | None
    notes: list[WellbeingNote]
    past_consents: list[WellbeingConsent]


def wellbeing_notes_for(principal: Principal, cycle: AppraisalCycle) -> WellbeingPage:
    """The wellbeing page: the consent state and the notes this person may read (all of
    them for the member of staff, their own for a note's writer)."""
    consents = list(
        WellbeingConsent.objects.filter(trust_id=cycle.trust_id, cycle_id=cycle.pk).order_by(
            "-given_at"
        )
    )
    live = next((c for c in consents if c.withdrawn_at is None), None)
    notes = list(
        permissions.readable_wellbeing_notes(principal, cycle).select_related("written_by")
    )
    return WellbeingPage(
        consent=live, notes=notes, past_consents=[c for c in consents if c is not live]
    )


# ----- Improvement priorities and shared objectives ---------------------------------------


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
