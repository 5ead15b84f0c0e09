"""The policy's rules for objectives, development plans and meetings, as pure functions.

Each function takes the pinned policy's settings and plain facts (no database) and
returns the list of ``RuleBreach`` it finds: what rule, why, and which setting of the
policy it comes from, so a page can quote the policy paragraph. Nothing here knows a
number: every count, kind and day comes from ``PolicySettings``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from policies.schema import AppraisalModel, ConversationTerm, ObjectiveKind, PolicySettings

from .models import MeetingKind


class StaffCategory(enum.StrEnum):
    """The kinds of staff the policies give different objective rules to."""

    HEADTEACHER = "headteacher"
    LEADER = "leader"
    UPS_TEACHER = "ups_teacher"
    TEACHER = "teacher"
    SUPPORT = "support"


@dataclass(frozen=True)
class RuleBreach:
    """One rule a plan breaks. ``setting`` is the policy setting's path; ``paragraph`` is
    the policy paragraph it comes from (empty when it is the trust's default)."""

    rule: str
    message: str
    setting: str
    paragraph: str = ""
    # The form field the message belongs next to, when there is one.
    field: str = ""

    def __str__(self) -> str:
        where = f" (policy {self.paragraph})" if self.paragraph else ""
        return f"{self.rule}: {self.message}{where}"


@dataclass(frozen=True)
class ObjectiveFacts:
    title: str
    kind: str = ""
    missing_smart: tuple[str, ...] = ()
    aligned: bool = False
    # A shared objective (langley §7 VIII), and how many of the parts that stay the
    # person's own (``objectives.shared_objective_individual_parts``) are written.
    shared: bool = False
    individual_parts_written: int = 0


@dataclass(frozen=True)
class PlanFacts:
    """What the rules need to know about one person's plan."""

    category: StaffCategory
    objectives: tuple[ObjectiveFacts, ...] = ()
    # A leader who teaches (holds QTS) also has the teachers' required kinds.
    leader_teaches: bool = False


@dataclass(frozen=True)
class DevelopmentPlanFacts:
    answers: tuple[str, ...] = ()
    development_needs: str = ""
    targets: tuple[ObjectiveFacts, ...] = field(default=())
    # Support staff's plans are suited to their grade and role (leger §6).
    support_staff: bool = False
    role_fit: str = ""


def with_paragraphs(breaches: Iterable[RuleBreach], sources: Mapping[str, str]) -> list[RuleBreach]:
    return [replace(b, paragraph=b.paragraph or sources.get(b.setting, "")) for b in breaches]


def is_leader(rules: PolicySettings, category: StaffCategory) -> bool:
    return category in (StaffCategory.HEADTEACHER, StaffCategory.LEADER) or (
        category is StaffCategory.UPS_TEACHER
        and rules.objectives.upper_pay_range_teachers_count_as_leaders
    )


def is_teacher(category: StaffCategory, *, leader_teaches: bool = False) -> bool:
    return category in (StaffCategory.UPS_TEACHER, StaffCategory.TEACHER) or (
        category is StaffCategory.LEADER and leader_teaches
    )


def _who(rules: PolicySettings, leader: bool) -> str:
    if not leader:
        return "Members of staff"
    if rules.objectives.upper_pay_range_teachers_count_as_leaders:
        return "Leaders (including teachers on the upper pay range)"
    return "Leaders"


def _how_many(low: int, high: int) -> str:
    if low == high:
        return f"exactly {low}"
    if low <= 0:
        return f"at most {high}"
    return f"between {low} and {high}"


def _leader_setting(rules: PolicySettings, leader: bool, name: str) -> str:
    if leader and getattr(rules.objectives, f"leader_{name}") is not None:
        return f"objectives.leader_{name}"
    return f"objectives.{name}"


def _kind_label(kind: str) -> str:
    try:
        return ObjectiveKind(kind).label
    except ValueError:
        return kind


def count_rule(rules: PolicySettings, category: StaffCategory) -> tuple[int, int, int]:
    """(fewest, usual, most) objectives for this kind of staff."""
    return rules.objectives.counts_for(is_leader=is_leader(rules, category))


def required_kinds_with_settings(
    rules: PolicySettings, category: StaffCategory, *, leader_teaches: bool = False
) -> list[tuple[str, str]]:
    """(kind, setting path) for every kind this person must have, without repeats."""
    o = rules.objectives
    lists = (
        (o.required_kinds_everyone, "objectives.required_kinds_everyone", True),
        (
            o.required_kinds_teachers,
            "objectives.required_kinds_teachers",
            is_teacher(category, leader_teaches=leader_teaches),
        ),
        (o.required_kinds_leaders, "objectives.required_kinds_leaders", is_leader(rules, category)),
        (
            o.required_kinds_headteacher,
            "objectives.required_kinds_headteacher",
            category is StaffCategory.HEADTEACHER,
        ),
    )
    found: dict[str, str] = {}
    for kinds, setting, applies in lists:
        if applies:
            for kind in kinds:
                found.setdefault(str(kind), setting)
    return list(found.items())


def check_objective_plan(
    rules: PolicySettings, facts: PlanFacts, sources: Mapping[str, str] | None = None
) -> list[RuleBreach]:
    """Every rule of the policy this plan breaks (an empty list: it may be agreed).

    Checks the number of objectives for the person's role, the kinds they must have, the
    SMART parts where the policy asks for SMART objectives and the link to an improvement
    plan where the policy asks for one."""
    breaches: list[RuleBreach] = []
    if rules.model != AppraisalModel.OBJECTIVES:
        breaches.append(
            RuleBreach(
                rule="No objectives under this policy",
                message=f"This policy works by “{rules.model.label.lower()}”, not objectives.",
                setting="model",
            )
        )
        return with_paragraphs(breaches, sources or {})
    leader = is_leader(rules, facts.category)
    low, _usual, high = rules.objectives.counts_for(is_leader=leader)
    count = len(facts.objectives)
    if count > high:
        breaches.append(
            RuleBreach(
                rule="Too many objectives",
                message=f"{_who(rules, leader)} have {_how_many(low, high)} objectives under "
                f"this policy; this plan has {count}.",
                setting=_leader_setting(rules, leader, "maximum_count"),
            )
        )
    elif count < low:
        breaches.append(
            RuleBreach(
                rule="Too few objectives",
                message=f"{_who(rules, leader)} have {_how_many(low, high)} objectives under "
                f"this policy; this plan has {count}.",
                setting=_leader_setting(rules, leader, "minimum_count"),
            )
        )
    present = {o.kind for o in facts.objectives}
    for kind, setting in required_kinds_with_settings(
        rules, facts.category, leader_teaches=facts.leader_teaches
    ):
        if kind not in present:
            whose = {
                "objectives.required_kinds_everyone": "Every member of staff",
                "objectives.required_kinds_teachers": "Every teacher",
                "objectives.required_kinds_leaders": "Every leader",
                "objectives.required_kinds_headteacher": "The headteacher",
            }[setting]
            breaches.append(
                RuleBreach(
                    rule="A required kind of objective is missing",
                    message=f"{whose} must have at least one objective of this kind: "
                    f"{_kind_label(kind).lower()}.",
                    setting=setting,
                )
            )
    individual_parts = rules.objectives.shared_objective_individual_parts
    if individual_parts:
        for objective in facts.objectives:
            if objective.shared and not objective.individual_parts_written:
                breaches.append(
                    RuleBreach(
                        rule="A shared objective needs this person's own part",
                        message=f"“{objective.title}” is shared: record what is this person's "
                        f"own ({_or_list(p.lower() for p in individual_parts)}).",
                        setting="objectives.shared_objective_individual_parts",
                    )
                )
    if rules.objectives.smart_required:
        for objective in facts.objectives:
            if objective.missing_smart:
                breaches.append(
                    RuleBreach(
                        rule="Objectives must be SMART",
                        message=f"“{objective.title}” does not yet say what makes it "
                        f"{_and_list(p.lower() for p in objective.missing_smart)}.",
                        setting="objectives.smart_required",
                    )
                )
    if rules.objectives.alignment_required:
        plans = _or_list(rules.objectives.align_to) or "an improvement plan"
        for objective in facts.objectives:
            if not objective.aligned:
                breaches.append(
                    RuleBreach(
                        rule="Objectives must link to an improvement plan",
                        message=f"“{objective.title}” does not say which priority it supports "
                        f"(the policy links objectives to {plans}).",
                        setting="objectives.alignment_required",
                    )
                )
    return with_paragraphs(breaches, sources or {})


def adding_refusal(
    rules: PolicySettings, category: StaffCategory, current: int
) -> RuleBreach | None:
    """Why one more objective cannot be added to a plan that already counts ``current``:
    it would pass the most the policy allows this person (``objectives.maximum_count`` or
    the leaders' own). None when it fits, or when the policy has no objectives."""
    if rules.model != AppraisalModel.OBJECTIVES:
        return None
    leader = is_leader(rules, category)
    low, _usual, high = rules.objectives.counts_for(is_leader=leader)
    if current < high:
        return None
    return RuleBreach(
        rule="Too many objectives",
        message=f"{_who(rules, leader)} have {_how_many(low, high)} objectives under this "
        f"policy and this plan already has {current}. Remove or withdraw one before adding "
        "another.",
        setting=_leader_setting(rules, leader, "maximum_count"),
        field="title",
    )


def kinds_in_use(rules: PolicySettings) -> tuple[ObjectiveKind, ...]:
    """The kinds of objective the policy speaks of: under objectives, the kinds anyone
    must have (``objectives.required_kinds_*``); under a personal development plan, the
    extra targets' kinds (``pdp.extra_target_kinds``). Any other objective is "another
    objective for their role"."""
    if rules.model == AppraisalModel.PDP:
        return tuple(rules.pdp.extra_target_kinds)
    o = rules.objectives
    return tuple(
        dict.fromkeys(
            (
                *o.required_kinds_everyone,
                *o.required_kinds_teachers,
                *o.required_kinds_leaders,
                *o.required_kinds_headteacher,
            )
        )
    )


def check_usual_count(
    rules: PolicySettings, facts: PlanFacts, sources: Mapping[str, str] | None = None
) -> RuleBreach | None:
    """A warning, not a refusal: the plan keeps the fewest and most the policy allows but
    is not the number it says staff *normally* have (classic §1.4: "normally 3, a 4th
    allowed"). None when the number is the usual one, or when the count is already a
    breach of the fewest or most."""
    if rules.model != AppraisalModel.OBJECTIVES:
        return None
    leader = is_leader(rules, facts.category)
    low, usual, high = rules.objectives.counts_for(is_leader=leader)
    count = len(facts.objectives)
    if count == usual or not low <= count <= high:
        return None
    warning = RuleBreach(
        rule="Not the usual number of objectives",
        message=f"{_who(rules, leader)} normally have {usual} objectives under this policy; "
        f"this plan has {count}. It can still be agreed.",
        setting=_leader_setting(rules, leader, "normal_count"),
    )
    return with_paragraphs([warning], sources or {})[0]


def check_development_plan(
    rules: PolicySettings, facts: DevelopmentPlanFacts, sources: Mapping[str, str] | None = None
) -> list[RuleBreach]:
    """What stops a personal development plan being agreed (leger §2, §5)."""
    breaches: list[RuleBreach] = []
    pdp = rules.pdp
    if pdp.professional_iq_required:
        for index, part in enumerate(pdp.professional_iq_parts):
            answer = facts.answers[index] if index < len(facts.answers) else ""
            if not answer.strip():
                breaches.append(
                    RuleBreach(
                        rule="The Professional IQ inquiry is incomplete",
                        message=f"Answer “{part}”.",
                        setting="pdp.professional_iq_parts",
                    )
                )
    if pdp.development_needs_required and not facts.development_needs.strip():
        breaches.append(
            RuleBreach(
                rule="Development needs are missing",
                message="Record the review of personal development needs.",
                setting="pdp.development_needs_required",
            )
        )
    if pdp.differentiated_for_support_roles and facts.support_staff and not facts.role_fit.strip():
        breaches.append(
            RuleBreach(
                rule="The plan is not yet suited to the grade and role",
                message="Say how this plan suits the member of staff's grade and role: support "
                "staff have a plan differentiated for their role.",
                setting="pdp.differentiated_for_support_roles",
            )
        )
    allowed = {str(k) for k in pdp.extra_target_kinds}
    for target in facts.targets:
        if target.kind not in allowed:
            breaches.append(
                RuleBreach(
                    rule="Not a target this plan can hold",
                    message=f"“{target.title}” is not one of the extra targets the policy lists.",
                    setting="pdp.extra_target_kinds",
                )
            )
        elif rules.objectives.alignment_required and not target.aligned:
            breaches.append(
                RuleBreach(
                    rule="Extra targets must relate to the improvement priorities",
                    message=f"“{target.title}” must relate directly to "
                    f"{pdp.extra_targets_link_to[:1].lower()}{pdp.extra_targets_link_to[1:]}.",
                    setting="pdp.extra_targets_link_to",
                )
            )
    return with_paragraphs(breaches, sources or {})


def has_midpoint_check_in(rules: PolicySettings) -> bool:
    """A mid-point check-in (leger §4), unless the policy has no formal mid-year review
    (langley §7 X) or already meets through the year: interim or termly meetings
    (classic §5.7.1, staploe) or the developmental conversations (aspire §6.3) already
    cover the middle of the year."""
    meetings = rules.meetings
    return (
        rules.cycle.formal_mid_year_review
        and meetings.midpoint_check_in
        and not meetings.interim_meeting_every_months
        and not meetings.termly_review_meetings
        and rules.model != AppraisalModel.CONVERSATIONS
    )


# ----- What the conversation, meeting and wellbeing pages say ---------------------------


def conversation_notes_and_pay(rules: PolicySettings) -> str:
    """Whether a conversation's record may be used for pay (aspire §6.3, §8.2: the
    conversations are not tied to pay progression)."""
    if rules.conversations.informs_pay:
        return (
            "The record of this conversation, including the agreed notes, may be used in "
            "pay decisions."
        )
    return "The record of this conversation is not used in pay decisions."


def conversation_consent_label(rules: PolicySettings) -> str:
    """What the member of staff agrees to when their agreed notes are kept."""
    if rules.conversations.informs_pay:
        return "The member of staff agreed to these notes being recorded and used for pay"
    return "The member of staff agreed to these notes being recorded"


def wellbeing_notes_use(rules: PolicySettings) -> str:
    """How wellbeing notes may be used (aspire §6.4a: never for performance decisions)."""
    if rules.wellbeing.never_used_for_performance:
        return "They are never used for appraisal, pay or capability decisions."
    return "The reviewer may take them into account in the appraisal."


def meeting_other_matters(rules: PolicySettings) -> str:
    """Whether a meeting may cover other matters about the person's work (classic
    §5.7.6 encourages it)."""
    if rules.meetings.meetings_may_cover_other_matters:
        return (
            "The meeting may also be used to discuss other matters about the member of "
            "staff's work; note them with the rest."
        )
    return (
        "Keep the meeting to appraisal: other matters about the member of staff's work are "
        "for a separate conversation, not for this meeting or its notes."
    )


def meeting_kinds(rules: PolicySettings) -> list[MeetingKind]:
    """The kinds of meeting this policy has, in the order they come in the year."""
    kinds: list[MeetingKind] = []
    meetings = rules.meetings
    if meetings.interim_meeting_every_months:
        kinds.append(MeetingKind.INTERIM)
    if meetings.termly_review_meetings:
        kinds.append(MeetingKind.TERMLY)
    if has_midpoint_check_in(rules):
        kinds.append(MeetingKind.MIDPOINT)
    if rules.model != AppraisalModel.CONVERSATIONS:
        # Under aspire-grow the conversations replace the annual review meeting (§8.1).
        kinds.append(MeetingKind.ANNUAL_REVIEW)
    kinds.append(MeetingKind.OTHER)
    return kinds


def check_meeting(
    rules: PolicySettings,
    *,
    kind: str,
    scheduled_for: dt.date,
    notice_given_on: dt.date | None,
    planned_minutes: int | None,
    sources: Mapping[str, str] | None = None,
) -> list[RuleBreach]:
    """Why a meeting cannot be planned this way (staploe: the annual review meeting needs
    at least two weeks' notice and about an hour)."""
    breaches: list[RuleBreach] = []
    if notice_given_on is not None and notice_given_on > scheduled_for:
        breaches.append(
            RuleBreach(
                rule="Notice given after the meeting",
                message=f"Notice is given before the meeting: enter a date on or before "
                f"{scheduled_for.day} {scheduled_for:%B %Y}.",
                setting="meetings",
                field="notice_given_on",
            )
        )
    if kind not in meeting_kinds(rules):
        breaches.append(
            RuleBreach(
                rule="Not a meeting this policy has",
                message=f"This policy has no {MeetingKind(kind).label.lower()}.",
                setting="meetings",
            )
        )
    if kind == MeetingKind.ANNUAL_REVIEW:
        notice = rules.meetings.annual_review_notice_days
        if notice and notice_given_on is not None:
            given = (scheduled_for - notice_given_on).days
            if given < notice:
                breaches.append(
                    RuleBreach(
                        rule="Not enough notice of the annual review meeting",
                        message=f"Give at least {notice} days' notice: notice given on "
                        f"{notice_given_on:%d %B %Y} allows a meeting on or after "
                        f"{notice_given_on + dt.timedelta(days=notice):%d %B %Y}.",
                        setting="meetings.annual_review_notice_days",
                        field="notice_given_on",
                    )
                )
        minutes = rules.meetings.annual_review_minutes
        if minutes and (planned_minutes is None or planned_minutes < minutes):
            breaches.append(
                RuleBreach(
                    rule="Too little time set aside for the annual review meeting",
                    message=f"Set aside at least {minutes} minutes.",
                    setting="meetings.annual_review_minutes",
                    field="planned_minutes",
                )
            )
    return with_paragraphs(breaches, sources or {})


def _and_list(items: Iterable[str]) -> str:
    values = list(items)
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + " and " + values[-1]


def _or_list(items: Iterable[str]) -> str:
    values = list(items)
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + " or " + values[-1]


# ----- When a conversation is held -----------------------------------------------------

# The season of a day when the academy has not entered its terms: the English school year
# (autumn from September, spring from January, summer from April). No policy sets these.
_SEASON_OF_MONTH = {
    **dict.fromkeys((9, 10, 11, 12), "autumn"),
    **dict.fromkeys((1, 2, 3), "spring"),
    **dict.fromkeys((4, 5, 6, 7, 8), "summer"),
}
_SEASONS_OF = {
    ConversationTerm.AUTUMN: ("autumn",),
    ConversationTerm.SPRING: ("spring",),
    ConversationTerm.SUMMER: ("summer",),
    ConversationTerm.SPRING_OR_SUMMER: ("spring", "summer"),
}


def season_of(day: dt.date, terms: Iterable[tuple[dt.date, dt.date]] = ()) -> str:
    """ "autumn", "spring" or "summer": the academy's term ``day`` falls in (by the month
    the term starts), else the usual season of its month."""
    for start, end in terms:
        if start <= day <= end:
            return _SEASON_OF_MONTH[start.month] if start.month != 8 else "autumn"
    return _SEASON_OF_MONTH[day.month]


def conversation_date_refusal(
    *,
    term: str,
    name: str,
    held_on: dt.date,
    starts_on: dt.date,
    ends_on: dt.date,
    terms: Iterable[tuple[dt.date, dt.date]] = (),
) -> str | None:
    """Why a conversation cannot have been held on ``held_on``: outside the cycle, or in a
    term other than the one the policy gives it (aspire §6.3: autumn, then spring or
    summer)."""
    if not starts_on <= held_on <= ends_on:
        return (
            f"Enter a date within this appraisal year, {starts_on.day} {starts_on:%B %Y} to "
            f"{ends_on.day} {ends_on:%B %Y}."
        )
    wanted = _SEASONS_OF[ConversationTerm(term)]
    if season_of(held_on, terms) not in wanted:
        return (
            f"The {name} is held in the {ConversationTerm(term).label.lower()}: enter a date in it."
        )
    return None
