"""What a trust's appraisal policy says, as one typed, validated settings document.

Every number or choice a policy makes (how many objectives, notice in working days,
retention years, who may read a record...) is a field here with a range, a plain-English
description for a trust administrator, and a default: the sensible trust default used
when a policy is silent. The five real policies the product runs are presets of this one
schema (``policies/presets/*.toml``), not five code paths.

Pure module: no database, no Django imports. Other apps read a version's rules with
``policy_version.rules`` (a ``PolicySettings``) and never hard-code a number a policy sets.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

# --------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------

ShortText = Annotated[str, Field(max_length=300)]
LongText = Annotated[str, Field(max_length=2000)]
StageKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]

MAX_LIST_ITEMS = 20


class _Frozen(BaseModel):
    """Common configuration: immutable, unknown keys refused (a typo is an error, not a
    silently ignored setting)."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_means_unset(cls, data: Any) -> Any:
        # TOML has no null and an empty form box posts "": both mean "not set" for an
        # optional field.
        if not isinstance(data, Mapping):
            return data
        cleaned = dict(data)
        for name, info in cls.model_fields.items():
            if cleaned.get(name) == "" and _allows_none(info.annotation):
                cleaned[name] = None
        return cleaned


def _allows_none(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return type(None) in typing.get_args(annotation)
    return False


class MonthDay(_Frozen):
    """A date in every year, such as 31 October."""

    month: int = Field(ge=1, le=12, title="Month")
    day: int = Field(ge=1, le=31, title="Day")

    @model_validator(mode="after")
    def _day_exists(self) -> MonthDay:
        # 29 February is allowed (a leap year has it); 31 April never exists.
        if self.day > calendar.monthrange(2024, self.month)[1]:
            raise ValueError(f"{calendar.month_name[self.month]} has no day {self.day}")
        return self

    def __str__(self) -> str:
        return f"{self.day} {calendar.month_name[self.month]}"

    def in_year(self, year: int) -> dt.date:
        """This day in ``year`` (28 February when 29 February does not exist)."""
        day = min(self.day, calendar.monthrange(year, self.month)[1])
        return dt.date(year, self.month, day)

    def next_on_or_after(self, on: dt.date) -> dt.date:
        """The first occurrence of this day on or after ``on``."""
        candidate = self.in_year(on.year)
        return candidate if candidate >= on else self.in_year(on.year + 1)


def md(month: int, day: int) -> MonthDay:
    return MonthDay(month=month, day=day)


class Choice(enum.StrEnum):
    """An enum whose members carry a plain-English label for display."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Choice:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label or value.replace("_", " ").capitalize()
        return obj


class AppraisalModel(Choice):
    OBJECTIVES = "objectives", "Objectives set and reviewed each year"
    CONVERSATIONS = "conversations", "Developmental conversations (no objectives)"
    PDP = "pdp", "Personal development plan"


class PartYearStart(Choice):
    SHORT_FIRST_CYCLE = (
        "short_first_cycle",
        "A shorter first cycle that ends with everyone else's",
    )
    HEADTEACHER_DECIDES = (
        "headteacher_decides",
        "The headteacher (CEO for a headteacher, the board for the CEO) sets the first "
        "cycle's length to bring it into line with others",
    )
    JOIN_NEXT_CYCLE = "join_next_cycle", "They join at the start of the next cycle"


class ObjectiveKind(Choice):
    WHOLE_SCHOOL_OR_TEAM = "whole_school_or_team", "A whole-school or team objective"
    PROFESSIONAL_DEVELOPMENT = "professional_development", "A professional development objective"
    LEADERSHIP_ROLE = "leadership_role", "An objective on their leadership role"
    STUDENT_PROGRESS = "student_progress", "An objective on improving student progress"
    STUDENT_OUTCOMES = "student_outcomes", "An objective on outcomes for students"
    SUBJECT_RESPONSIBILITY = "subject_responsibility", "A target on their subject responsibility"
    POST_THRESHOLD = "post_threshold", "A target on their post-threshold area"
    ACADEMY_OR_TRUST = "academy_or_trust", "An academy or trust target"


class Decider(Choice):
    REVIEWER = "reviewer", "The reviewer"
    HEADTEACHER = (
        "headteacher",
        "The headteacher (the executive headteacher for central staff)",
    )
    GOVERNING_BODY = "governing_body", "The governing body"
    NOBODY = "not_set", "Not set by the policy"


class ConversationTerm(Choice):
    AUTUMN = "autumn", "Autumn term"
    SPRING = "spring", "Spring term"
    SUMMER = "summer", "Summer term"
    SPRING_OR_SUMMER = "spring_or_summer", "Spring or summer term"


class DueAnchor(Choice):
    OCTOBER_HALF_TERM = "before_october_half_term", "Before the October half-term holiday"
    END_OF_TERM = "end_of_term", "By the end of the term"
    FIXED_DATE = "fixed_date", "By a fixed date"


class ObservationType(Choice):
    OFSTED_INSPECTION = "ofsted_inspection", "Ofsted inspection observations"
    OTHER_MONITORING = "other_monitoring", "Other professional monitoring observations"
    LEARNING_WALK = "learning_walk", "Learning walks and visits"
    DROP_IN = "drop_in", "Short drop-in visits"
    EXTERNAL_UNANNOUNCED = (
        "external_unannounced",
        "An external adviser's observation not planned and told to everyone in advance",
    )


class PayProgression(Choice):
    AUTOMATIC = "automatic", "Automatic, unless in capability or managing-underperformance"
    UNLESS_EVIDENCE = "unless_evidence", "Everyone moves up unless there is evidence otherwise"
    PERFORMANCE = "performance", "Only when the appraisal shows the standard was met"
    HEADTEACHER_RECOMMENDS = (
        "headteacher_recommends",
        "The headteacher recommends, taking appraisal outcomes into account",
    )
    NOT_LINKED = "not_linked", "Not linked to appraisal (set by the pay policy)"


class WithholdReason(Choice):
    FORMAL_CAPABILITY = "formal_capability", "On the formal capability procedure"
    MANAGING_UNDERPERFORMANCE = (
        "managing_underperformance",
        "Under the managing-underperformance procedure",
    )
    OBJECTIVES_SIGNIFICANTLY_MISSED = (
        "objectives_significantly_missed",
        "Significantly failed to meet the previous year's objectives",
    )
    FELL_SHORT_OF_STANDARDS = (
        "fell_short_of_standards",
        "Fell short of the required standards or made little contribution to agreed objectives",
    )
    UNSATISFACTORY_AFTER_SUPPORT = (
        "unsatisfactory_after_support",
        "Unsatisfactory after being told of the concerns and given support to improve",
    )


class PayCommitteeSees(Choice):
    EACH_RECOMMENDATION = "each_recommendation", "Every pay recommendation"
    COUNTS_NOT_PROGRESSING = (
        "counts_not_progressing",
        "How many staff are not progressing, and why",
    )
    NOTHING = "nothing", "Nothing from appraisal"


class AppraisalInCapability(Choice):
    SUSPENDED = "suspended", "Appraisal is suspended until the capability matter ends"
    NO_LONGER_APPLIES = "no_longer_applies", "Appraisal no longer applies to them"


class Reader(Choice):
    REVIEWER = "reviewer", "The reviewer"
    REVIEWEE = "reviewee", "The member of staff"
    HEADTEACHER = "headteacher", "The headteacher (executive headteacher for central staff)"
    APPRAISAL_DELEGATE = (
        "appraisal_delegate",
        "The deputy or senior leader the headteacher nominated to run appraisal, and the "
        "administrator who processes appraisal records",
    )
    REVIEWER_LINE_MANAGERS = (
        "reviewer_line_managers",
        "The reviewer's line managers, up the chain",
    )
    GOVERNING_BODY = "governing_body", "The academy governing body"
    TRUST_STAFF = "trust_staff", "Trust central staff (HR)"


class RetentionFrom(Choice):
    END_OF_CYCLE = "end_of_cycle", "The end of the cycle the record belongs to"
    END_OF_EMPLOYMENT = "end_of_employment", "The end of the person's employment"


class HeadteacherAppraiser(Choice):
    GOVERNORS_COMMITTEE = "governors_committee", "A committee of governors"
    GOVERNING_BODY_WITH_CEO = (
        "governing_body_with_ceo",
        "The local governing body, with the CEO",
    )
    CEO = "ceo", "The CEO"
    TRUST_BOARD = "trust_board", "The trust board"


class AdviserUse(Choice):
    NONE = "none", "No external adviser"
    OPTIONAL = "optional", "An external adviser may support"
    REQUIRED = "required", "An external adviser supports every review"


# --------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------


class ScopeSettings(_Frozen):
    """Who appraisal applies to."""

    TITLE: ClassVar[str] = "Who the policy covers"

    exclude_contracts_shorter_than_terms: int = Field(
        1,
        ge=0,
        le=6,
        title="Leave out contracts shorter than (terms)",
        description="Staff whose contract is shorter than this many terms are not appraised. "
        "0 appraises everyone whatever the contract length.",
    )
    exclude_ects_in_induction: bool = Field(
        True,
        title="Leave out early career teachers in induction",
        description="ECTs follow the statutory induction programme instead of appraisal.",
    )
    exclude_probationers: bool = Field(
        True,
        title="Leave out staff on probation",
        description="Staff still in their probationary period follow the probation procedure "
        "instead of appraisal.",
    )
    exclude_staff_in_capability: bool = Field(
        True,
        title="Leave out staff under the capability procedure",
        description="Nobody starts an appraisal cycle while the formal capability "
        "procedure applies to them.",
    )
    probation_months: int = Field(
        6,
        ge=0,
        le=24,
        title="Probation length (months)",
        description="How long a new member of staff's probationary period lasts.",
    )
    probation_extension_months: int = Field(
        6,
        ge=0,
        le=24,
        title="Probation may be extended by (months)",
        description="How much longer probation may run if there are concerns. 0 means it "
        "cannot be extended.",
    )
    probation_review_every_months: int = Field(
        3,
        ge=1,
        le=12,
        title="Probation reviews every (months)",
        description="How often a probationer has a review meeting.",
    )
    fixed_term_cycle_matches_contract: bool = Field(
        True,
        title="Short fixed-term contracts: cycle is the contract's length",
        description="For fixed-term contracts shorter than a year, the appraisal period runs "
        "for the length of the contract instead of a full cycle.",
    )
    fixed_term_objectives_sized_to_contract: bool = Field(
        True,
        title="Short fixed-term contracts: objectives sized to the contract",
        description="Objectives for a short fixed-term contract take its length into account.",
    )
    part_year_starter: PartYearStart = Field(
        PartYearStart.SHORT_FIRST_CYCLE,
        title="Someone who starts part-way through a cycle",
        description="How the first cycle is set for a person who joins part-way through.",
    )


class CycleSettings(_Frozen):
    """When the appraisal year runs."""

    TITLE: ClassVar[str] = "The appraisal cycle"

    starts_on: MonthDay = Field(
        default_factory=lambda: md(9, 1),
        title="Cycle starts on",
        description="The day each appraisal cycle begins.",
    )
    length_months: int = Field(
        12,
        ge=1,
        le=24,
        title="Cycle length (months)",
        description="How long a cycle runs, unless an end day is set below.",
    )
    ends_on: MonthDay | None = Field(
        None,
        title="Cycle ends on",
        description="Set only when the cycle ends earlier than its full length (for example "
        "September to July). Leave empty to run the full length.",
    )
    formal_mid_year_review: bool = Field(
        True,
        title="A formal mid-year review takes place",
        description="Whether there is a formal review part-way through the year. The "
        "meetings section says how often.",
    )
    evidence_reviewed_through_year: bool = Field(
        True,
        title="Evidence is reviewed throughout the year",
        description="Reviewers look at evidence as it is added, not only at the end.",
    )

    @model_validator(mode="after")
    def _ends_within_length(self) -> CycleSettings:
        if self.ends_on is not None:
            start, end = self.dates_for(2024)
            if end <= start:
                raise ValueError("The cycle must end after it starts.")
        return self

    def dates_for(self, year: int) -> tuple[dt.date, dt.date]:
        """First and last day of the cycle that starts in ``year``."""
        start = self.starts_on.in_year(year)
        full_end = _add_months(start, self.length_months) - dt.timedelta(days=1)
        if self.ends_on is None:
            return start, full_end
        end = self.ends_on.next_on_or_after(start + dt.timedelta(days=1))
        return start, min(end, full_end)

    def cycle_containing(self, on: dt.date) -> tuple[dt.date, dt.date]:
        """The cycle (first and last day) that is running on ``on``, or the next one if
        ``on`` falls in a gap between cycles (e.g. August for a September-July cycle)."""
        for year in (on.year - 1, on.year):
            start, end = self.dates_for(year)
            if start <= on <= end:
                return start, end
        return self.dates_for(on.year if self.starts_on.in_year(on.year) > on else on.year + 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class ObjectivesSettings(_Frozen):
    """Objectives: how many, of which kinds, aligned to what, set by when."""

    TITLE: ClassVar[str] = "Objectives"

    minimum_count: int = Field(
        1,
        ge=0,
        le=10,
        title="Fewest objectives",
        description="The fewest objectives a member of staff may have.",
    )
    normal_count: int = Field(
        3,
        ge=0,
        le=10,
        title="Usual number of objectives",
        description="How many objectives a member of staff normally has.",
    )
    maximum_count: int = Field(
        3,
        ge=0,
        le=10,
        title="Most objectives",
        description="The most objectives a member of staff may have.",
    )
    leader_minimum_count: int | None = Field(
        None,
        ge=0,
        le=10,
        title="Fewest objectives for leaders",
        description="Leave empty when leaders follow the same numbers as everyone else.",
    )
    leader_normal_count: int | None = Field(
        None,
        ge=0,
        le=10,
        title="Usual number of objectives for leaders",
        description="Leave empty when leaders follow the same numbers as everyone else.",
    )
    leader_maximum_count: int | None = Field(
        None,
        ge=0,
        le=10,
        title="Most objectives for leaders",
        description="Leave empty when leaders follow the same numbers as everyone else.",
    )
    upper_pay_range_teachers_count_as_leaders: bool = Field(
        False,
        title="Teachers on the upper pay range count as leaders",
        description="Whether teachers on the upper pay range follow the leaders' numbers and "
        "required kinds of objective.",
    )
    required_kinds_everyone: tuple[ObjectiveKind, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="Every member of staff must have",
        description="Kinds of objective everybody must have at least one of.",
    )
    required_kinds_teachers: tuple[ObjectiveKind, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="Teachers must also have",
        description="Kinds of objective every teacher must have at least one of.",
    )
    required_kinds_leaders: tuple[ObjectiveKind, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="Leaders must also have",
        description="Kinds of objective every leader must have at least one of.",
    )
    required_kinds_headteacher: tuple[ObjectiveKind, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="The headteacher must have",
        description="Kinds of objective the headteacher must have at least one of.",
    )
    smart_required: bool = Field(
        True,
        title="Objectives must be SMART",
        description="Specific, measurable, achievable, realistic and time-bound.",
    )
    alignment_required: bool = Field(
        True,
        title="Objectives must link to improvement plans",
        description="Each objective says which plan or priority it supports.",
    )
    align_to: tuple[ShortText, ...] = Field(
        ("School improvement plan",),
        max_length=MAX_LIST_ITEMS,
        title="Plans and priorities objectives link to",
        description="One per line. The reviewer picks which one each objective supports.",
    )
    shared_objectives_allowed: bool = Field(
        False,
        title="Several staff may share one objective",
        description="For example a team objective that everyone in the team has.",
    )
    shared_objective_individual_parts: tuple[ShortText, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="What stays individual in a shared objective",
        description="One per line: parts each person records for themself even when the "
        "objective is shared.",
    )
    set_by: MonthDay | None = Field(
        default_factory=lambda: md(10, 31),
        title="Objectives set by",
        description="The latest day in the cycle by which objectives are agreed. Leave empty "
        "when they are set at the annual review meeting.",
    )
    set_at_annual_review_meeting: bool = Field(
        False,
        title="Objectives are set at the annual review meeting",
        description="The annual review meeting closes one year and sets the next year's "
        "objectives.",
    )
    account_for_absence: bool = Field(
        True,
        title="Absence is taken into account",
        description="Sickness or maternity leave is taken into account when judging whether "
        "objectives were met, so absence never disadvantages anyone.",
    )
    disagreement_decided_by: Decider = Field(
        Decider.HEADTEACHER,
        title="If reviewer and reviewee cannot agree objectives",
        description="Who decides the objectives when the two cannot agree.",
    )
    either_party_may_ask_for_review: bool = Field(
        True,
        title="Objectives can be revisited if circumstances change",
        description="Reviewer or reviewee may ask to review objectives part-way through the "
        "cycle if circumstances change significantly.",
    )

    @model_validator(mode="after")
    def _counts_in_order(self) -> ObjectivesSettings:
        for prefix, low, usual, high in (
            ("", self.minimum_count, self.normal_count, self.maximum_count),
            ("leaders' ", *self.counts_for(is_leader=True)),
        ):
            if not low <= usual <= high:
                raise ValueError(
                    f"The {prefix}numbers of objectives must go fewest ≤ usual ≤ most "
                    f"(got {low}, {usual}, {high})."
                )
        return self

    def counts_for(self, *, is_leader: bool) -> tuple[int, int, int]:
        """(fewest, usual, most) objectives for a leader or anyone else."""
        if not is_leader:
            return self.minimum_count, self.normal_count, self.maximum_count
        return (
            _first(self.leader_minimum_count, self.minimum_count),
            _first(self.leader_normal_count, self.normal_count),
            _first(self.leader_maximum_count, self.maximum_count),
        )

    def required_kinds(
        self, *, is_teacher: bool, is_leader: bool, is_headteacher: bool
    ) -> tuple[ObjectiveKind, ...]:
        """Kinds of objective this person must have at least one of (no duplicates)."""
        kinds = list(self.required_kinds_everyone)
        if is_teacher:
            kinds += self.required_kinds_teachers
        if is_leader:
            kinds += self.required_kinds_leaders
        if is_headteacher:
            kinds += self.required_kinds_headteacher
        return tuple(dict.fromkeys(kinds))


def _first(value: int | None, fallback: int) -> int:
    return fallback if value is None else value


class Conversation(_Frozen):
    """One developmental conversation in the year."""

    key: StageKey = Field(title="Short key", description="Lower-case letters, digits, _.")
    name: ShortText = Field(title="Name", description="What staff call this conversation.")
    term: ConversationTerm = Field(title="Term", description="When in the year it happens.")
    staff_due: DueAnchor = Field(
        DueAnchor.END_OF_TERM,
        title="Staff: due",
        description="When the conversation must have happened for staff.",
    )
    staff_due_on: MonthDay | None = Field(
        None,
        title="Staff: due date",
        description="The date, when staff are due by a fixed date.",
    )
    headteacher_due_on: MonthDay | None = Field(
        None,
        title="Headteacher: due date",
        description="Leave empty when the headteacher follows the staff rule.",
    )

    @model_validator(mode="after")
    def _date_when_fixed(self) -> Conversation:
        if self.staff_due == DueAnchor.FIXED_DATE and self.staff_due_on is None:
            raise ValueError(f"Give the date the {self.name} conversation is due by.")
        return self


class ConversationsSettings(_Frozen):
    """Developmental conversations in place of objectives."""

    TITLE: ClassVar[str] = "Developmental conversations"

    per_year: int = Field(
        2,
        ge=0,
        le=6,
        title="Conversations a year",
        description="How many protected conversations each member of staff has a year.",
    )
    conversations: tuple[Conversation, ...] = Field(
        (
            Conversation(
                key="autumn",
                name="Autumn conversation",
                term=ConversationTerm.AUTUMN,
                staff_due=DueAnchor.OCTOBER_HALF_TERM,
                headteacher_due_on=md(12, 31),
            ),
            Conversation(
                key="spring_summer",
                name="Mid-year conversation",
                term=ConversationTerm.SPRING_OR_SUMMER,
            ),
        ),
        max_length=6,
        title="The conversations",
        description="Each conversation's name and when it is due.",
    )
    areas: tuple[ShortText, ...] = Field(
        ("Personal (wellbeing)", "Professional (development and practice)"),
        max_length=MAX_LIST_ITEMS,
        title="Areas each conversation explores",
        description="One per line.",
    )
    professional_focus: LongText = Field(
        "",
        title="Trust-wide professional focus",
        description="One professional focus shared by all staff. Leave empty if none.",
    )
    focus_wording_teachers: LongText = Field(
        "",
        title="What the focus means for classroom teachers",
        description="How the focus is worded for classroom teachers.",
    )
    focus_wording_leaders: LongText = Field(
        "",
        title="What the focus means for leaders",
        description="How the focus is worded for leaders.",
    )
    focus_wording_support: LongText = Field(
        "",
        title="What the focus means for support staff",
        description="How the focus is worded for support staff.",
    )
    october_half_term_fallback: MonthDay = Field(
        default_factory=lambda: md(10, 20),
        title="“Before October half-term” means by (if term dates are missing)",
        description="A conversation due before the October half-term is due on the "
        "academy's last day of term before it. Until the academy enters its term dates, "
        "it is due by this day instead.",
    )
    growth_areas_and_cpd_recorded: bool = Field(
        True,
        title="Growth areas and CPD activities are recorded",
        description="Each person records areas for professional growth and CPD activities "
        "for the year instead of measurable objectives.",
    )
    notes_need_consent: bool = Field(
        True,
        title="Notes are recorded only with the employee's consent",
        description="Agreed notes of a conversation are kept only if the employee agrees.",
    )
    informs_pay: bool = Field(
        False,
        title="Conversations inform pay",
        description="Whether conversation notes may be used in pay decisions.",
    )

    @model_validator(mode="after")
    def _count_matches(self) -> ConversationsSettings:
        if self.conversations and len(self.conversations) != self.per_year:
            raise ValueError(
                f"{self.per_year} conversations a year, but {len(self.conversations)} are listed."
            )
        keys = [c.key for c in self.conversations]
        if len(set(keys)) != len(keys):
            raise ValueError("Each conversation needs its own short key.")
        return self


class PdpSettings(_Frozen):
    """A personal development plan with an inquiry element."""

    TITLE: ClassVar[str] = "Personal development plan"

    professional_iq_required: bool = Field(
        True,
        title="Everyone completes a Professional IQ inquiry",
        description="A research-informed inquiry into one area of their own practice.",
    )
    professional_iq_parts: tuple[ShortText, ...] = Field(
        (
            "What needs to be improved",
            "The research-informed strategy to improve it",
            "How the impact will be assessed",
            "How it will be shared across the school or trust",
        ),
        max_length=MAX_LIST_ITEMS,
        title="Parts of the inquiry",
        description="One per line: what every inquiry must cover.",
    )
    pedagogical_approach_for_student_facing_only: bool = Field(
        True,
        title="Teaching approach only for student-facing staff",
        description="The inquiry covers a teaching approach only for teachers and "
        "student-facing support staff.",
    )
    development_needs_required: bool = Field(
        True,
        title="Personal development needs are reviewed",
        description="The plan includes a review of the person's own development needs.",
    )
    extra_target_kinds: tuple[ObjectiveKind, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="Extra targets some staff have",
        description="Targets some staff add because of wider responsibilities.",
    )
    extra_targets_link_to: ShortText = Field(
        "Academy improvement priorities",
        title="Extra targets must relate to",
        description="What every extra target must relate directly to.",
    )
    differentiated_for_support_roles: bool = Field(
        True,
        title="Support staff plans differ by grade and role",
        description="Support staff use a plan suited to their grade and role.",
    )


class MeetingsSettings(_Frozen):
    """Meetings through the year and the annual review meeting."""

    TITLE: ClassVar[str] = "Meetings"

    interim_meeting_every_months: int | None = Field(
        None,
        ge=1,
        le=12,
        title="Interim meetings at least every (months)",
        description="Leave empty when the policy sets no interim-meeting interval.",
    )
    termly_review_meetings: bool = Field(
        False,
        title="Review meetings every term",
        description="Reviewer and reviewee plan a review meeting each term.",
    )
    midpoint_check_in: bool = Field(
        True,
        title="A check-in at the midpoint of the cycle",
        description="A check-in with the reviewer half-way through the cycle.",
    )
    annual_review_notice_days: int = Field(
        0,
        ge=0,
        le=60,
        title="Notice of the annual review meeting (days)",
        description="Calendar days' notice of the date of the annual review meeting. 0 sets "
        "no minimum.",
    )
    annual_review_minutes: int = Field(
        0,
        ge=0,
        le=480,
        title="Time set aside for the annual review meeting (minutes)",
        description="How long the annual review meeting is expected to last, at least. "
        "0 sets no expectation.",
    )
    record_completed_within_days: int = Field(
        14,
        ge=0,
        le=60,
        title="Record of the annual review completed within (days)",
        description="Days after the meeting by which the written record must be complete.",
    )
    meetings_may_cover_other_matters: bool = Field(
        True,
        title="Meetings may cover other employment matters",
        description="Reviewer and reviewee may use the meetings to discuss other matters "
        "about their work.",
    )


class ReviewSettings(_Frozen):
    """The end-of-year review and the written statement."""

    TITLE: ClassVar[str] = "End-of-year review and statement"

    staff_review_due: MonthDay | None = Field(
        default_factory=lambda: md(10, 31),
        title="Staff: end-of-year review completed by",
        description="The day after the cycle ends by which the review must be complete. "
        "Leave empty if the policy sets no date.",
    )
    support_staff_review_due: MonthDay | None = Field(
        None,
        title="Support staff: end-of-year review completed by",
        description="Leave empty when support staff follow the staff date.",
    )
    statement_due: MonthDay | None = Field(
        default_factory=lambda: md(10, 31),
        title="Written statement given by",
        description="The day by which the member of staff receives their written statement. "
        "Leave empty if the policy sets no date.",
    )
    statement_contents: tuple[ShortText, ...] = Field(
        (
            "Assessment of performance against objectives",
            "Assessment against the standards for the role",
            "Summary of the evidence considered",
        ),
        max_length=MAX_LIST_ITEMS,
        title="The statement includes",
        description="One per line: what the end-of-year statement must contain.",
    )
    new_cycle_statement_contents: tuple[ShortText, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="The new-cycle statement includes",
        description="One per line: what the statement for the new cycle must contain. "
        "Leave empty if there is no separate new-cycle statement.",
    )
    copy_to_headteacher: bool = Field(
        False,
        title="A copy goes to the headteacher",
        description="The headteacher receives a copy of each review record to confirm "
        "objectives and support are appropriate.",
    )
    headteacher_may_adjust_objectives: bool = Field(
        False,
        title="The headteacher may adjust objectives",
        description="After reading the copy, the headteacher may adjust objectives or the "
        "support offered, after discussing it with reviewer and reviewee.",
    )
    overview_shared_with_staff: bool = Field(
        True,
        title="The member of staff gets the overview",
        description="The overview of the review is kept on file and shared with them.",
    )
    standards_met_unless_concerns: bool = Field(
        False,
        title="Standards are met unless concerns are being managed",
        description="Everyone is assessed as meeting the Teachers' or Headteachers' "
        "Standards unless concerns are being managed through a formal procedure.",
    )
    moderation_sample: bool = Field(
        True,
        title="A sample of statements is moderated",
        description="The headteacher or a delegate moderates a sample of statements for "
        "consistency and fairness where reviewing is delegated.",
    )
    alignment_sample_check: bool = Field(
        False,
        title="Random samples checked for alignment",
        description="Random samples of whole-school or team objectives are checked against "
        "the improvement plans.",
    )


class ObservationSettings(_Frozen):
    """Classroom and work observation."""

    TITLE: ClassVar[str] = "Observation"

    teacher_observer_needs_qts: bool = Field(
        True,
        title="Teachers are observed only by people with QTS",
        description="Classroom observation of teachers is carried out by people who hold "
        "qualified teacher status.",
    )
    yearly_cap_minutes: int | None = Field(
        None,
        ge=0,
        le=3000,
        title="Most observation a year (minutes)",
        description="Total minutes of observation for appraisal and development in a year. "
        "Leave empty for no cap.",
    )
    formal_per_cycle: int | None = Field(
        None,
        ge=0,
        le=20,
        title="Formal observations a cycle, normally",
        description="Leave empty for no limit.",
    )
    drop_ins_allowed: bool = Field(
        True,
        title="Drop-in visits allowed",
        description="Leaders may drop in to see standards of teaching.",
    )
    advance_notice_required: bool = Field(
        True,
        title="Observations are discussed in advance",
        description="Any observation for appraisal is discussed with the person first.",
    )
    verbal_feedback_working_days: int | None = Field(
        None,
        ge=0,
        le=20,
        title="Spoken feedback within (working days)",
        description="Leave empty for 'as soon as practicable'.",
    )
    written_feedback_working_days: int | None = Field(
        None,
        ge=0,
        le=30,
        title="Written feedback within (working days)",
        description="Leave empty for 'as soon as practicable'.",
    )
    feedback_within_hours: int | None = Field(
        None,
        ge=1,
        le=240,
        title="Feedback within (hours)",
        description="For policies that count feedback in hours. Leave empty otherwise.",
    )
    not_usable_for_appraisal: tuple[ObservationType, ...] = Field(
        (ObservationType.OFSTED_INSPECTION,),
        max_length=MAX_LIST_ITEMS,
        title="Observations that may not be used for appraisal",
        description="Kinds of observation that cannot count as appraisal evidence.",
    )
    learning_walks_usable_when_concerns: bool = Field(
        False,
        title="Learning walks count when concerns arise",
        description="A learning walk may be used if it raises concerns about the standards.",
    )


class WellbeingSettings(_Frozen):
    """Wellbeing conversations."""

    TITLE: ClassVar[str] = "Wellbeing"

    discussed_at_review: bool = Field(
        True,
        title="Wellbeing is discussed",
        description="Reviewers ask about wellbeing and whether other support would help.",
    )
    notes_only_with_consent: bool = Field(
        True,
        title="Wellbeing notes only with consent",
        description="Notes about wellbeing are recorded only if the employee agrees.",
    )
    never_used_for_performance: bool = Field(
        True,
        title="Wellbeing notes never used for performance decisions",
        description="Wellbeing notes are kept confidential and never used for appraisal, "
        "pay or capability decisions.",
    )


class PaySettings(_Frozen):
    """How appraisal links to pay."""

    TITLE: ClassVar[str] = "Pay"

    performance_related_pay: bool = Field(
        False,
        title="Appraisal decides pay (performance-related pay)",
        description="Since September 2024 this is no longer required for teachers. When on, "
        "every pay recommendation must cite the appraisal evidence, a pay decision date is "
        "required and reasons for withholding must be set.",
    )
    teacher_progression: PayProgression = Field(
        PayProgression.AUTOMATIC,
        title="Teachers' pay progression",
        description="How teachers move up their pay range.",
    )
    support_staff_progression: PayProgression = Field(
        PayProgression.AUTOMATIC,
        title="Support staff pay progression",
        description="How support staff move up their pay spine.",
    )
    withhold_reasons: tuple[WithholdReason, ...] = Field(
        (WithholdReason.FORMAL_CAPABILITY,),
        max_length=MAX_LIST_ITEMS,
        title="Progression may be withheld when",
        description="The only reasons for which an increment can be withheld.",
    )
    other_no_increment_reasons: tuple[ShortText, ...] = Field(
        ("Already at the top of their scale",),
        max_length=MAX_LIST_ITEMS,
        title="Other reasons there is no increment",
        description="One per line: reasons unrelated to performance.",
    )
    years_between_upper_range_points: int = Field(
        2,
        ge=0,
        le=5,
        title="Years on each upper pay range point",
        description="Years a teacher serves on each upper pay range point before moving on.",
    )
    threshold_applications: bool = Field(
        True,
        title="Teachers apply to cross the threshold",
        description="Moving from the main to the upper pay range is by application.",
    )
    threshold_evidence: tuple[ShortText, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="Threshold applications show",
        description="One per line: what an application must show. Leave empty to follow "
        "the pay policy.",
    )
    recommended_by: Decider = Field(
        Decider.REVIEWER,
        title="Pay recommendations are made by",
        description="Who writes each pay recommendation.",
    )
    headteacher_approves_before_shared: bool = Field(
        True,
        title="The headteacher approves before the employee sees it",
        description="Every pay recommendation (except the headteacher's own) is approved by "
        "the headteacher before it is shared with the member of staff.",
    )
    pay_committee_sees: PayCommitteeSees = Field(
        PayCommitteeSees.EACH_RECOMMENDATION,
        title="The governors' pay committee receives",
        description="What the pay committee receives from appraisal.",
    )
    decision_due: MonthDay | None = Field(
        default_factory=lambda: md(10, 31),
        title="Pay decisions made by",
        description="The day each year by which pay is decided. Leave empty if the policy "
        "sets no date.",
    )
    backdated_to_cycle_start: bool = Field(
        True,
        title="Pay awards backdated to September",
        description="An award made later is backdated to 1 September.",
    )
    honorarium_allowed: bool = Field(
        False,
        title="An honorarium may be recommended",
        description="For sustained, substantial contribution beyond what could reasonably be "
        "expected.",
    )
    appeal_allowed: bool = Field(
        True,
        title="Staff may appeal a pay decision",
        description="Under the trust's pay policy, heard by different governors from the pay "
        "committee.",
    )

    @model_validator(mode="after")
    def _prp_needs(self) -> PaySettings:
        # Performance-related pay makes the pay decision an appraisal outcome: it needs a
        # decision date and a stated basis for withholding, or it cannot be applied fairly.
        if self.performance_related_pay:
            missing = []
            if self.decision_due is None:
                missing.append("a pay decision date")
            if not self.withhold_reasons:
                missing.append("at least one reason progression may be withheld")
            if missing:
                raise ValueError("Performance-related pay needs " + " and ".join(missing) + ".")
        return self


class SupportStage(_Frozen):
    """One stage of support for a member of staff whose performance is a concern."""

    key: StageKey = Field(title="Short key", description="Lower-case letters, digits, _.")
    name: ShortText = Field(title="Name", description="What the trust calls this stage.")
    formal: bool = Field(False, title="Formal stage", description="A formal stage of support.")
    normal_weeks: int | None = Field(
        None,
        ge=1,
        le=52,
        title="Normal length (weeks)",
        description="How long the stage normally lasts. Empty when not set.",
    )
    minimum_weeks: int | None = Field(
        None,
        ge=1,
        le=52,
        title="At least (weeks)",
        description="The shortest the stage may be, except in exceptional circumstances.",
    )
    maximum_half_terms: int | None = Field(
        None,
        ge=1,
        le=6,
        title="At most (half-terms)",
        description="The longest the stage normally runs before moving on.",
    )
    working_weeks: bool = Field(
        False,
        title="Counted in working weeks",
        description="Weeks are counted in working weeks (school holidays not counted).",
    )
    may_extend: bool = Field(
        True,
        title="May be extended",
        description="The stage may be extended where progress is being made.",
    )
    meeting_every_weeks: int | None = Field(
        None,
        ge=1,
        le=12,
        title="Progress meetings every (weeks)",
        description="Empty when the plan sets its own frequency.",
    )
    meeting_notice_working_days: int | None = Field(
        None,
        ge=0,
        le=30,
        title="Notice of the stage's meeting (working days)",
        description="Empty when no minimum notice is set.",
    )
    right_to_representation: bool = Field(
        False,
        title="Right to be represented",
        description="The person may bring a union representative or work colleague.",
    )
    written_feedback_first: bool = Field(
        False,
        title="Written feedback sent before the meeting",
        description="Clear written feedback on the concerns is sent before the meeting.",
    )
    draft_plan_first: bool = Field(
        False,
        title="Draft plan sent before the meeting",
        description="A draft support plan is sent before the meeting.",
    )
    record_contents: tuple[ShortText, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="The plan records",
        description="One per line: what the written plan must set out.",
    )
    review_meeting_at_end: bool = Field(
        False,
        title="Formal review meeting at the end",
        description="The stage ends with a formal review meeting.",
    )


class SupportSettings(_Frozen):
    """Support for staff whose performance is a concern, and the move to capability."""

    TITLE: ClassVar[str] = "Support and capability"

    stages: tuple[SupportStage, ...] = Field(
        (SupportStage(key="informal_support", name="Informal support", normal_weeks=4),),
        max_length=8,
        title="Stages of support, in order",
        description="Each stage before the capability procedure.",
    )
    concerns_reported_to_headteacher: bool = Field(
        True,
        title="Reviewers tell the headteacher about concerns",
        description="A reviewer who identifies a concern notifies the headteacher.",
    )
    hr_meets_headteachers_termly: bool = Field(
        False,
        title="HR meets each headteacher every term about concerns",
        description="The HR director meets each headteacher once a term to hear about "
        "individuals causing concern and the action being taken.",
    )
    capability_meeting_notice_working_days: int = Field(
        5,
        ge=0,
        le=30,
        title="Notice of a capability meeting (working days)",
        description="The least notice of the formal capability meeting.",
    )
    capability_letter_within_working_days: int | None = Field(
        None,
        ge=1,
        le=30,
        title="Invitation letter sent within (working days)",
        description="Working days after the decision by which the headteacher writes. Empty "
        "when not set.",
    )
    capability_letter_contents: tuple[ShortText, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="The invitation letter includes",
        description="One per line.",
    )
    accompanied_at_capability_meeting: bool = Field(
        True,
        title="May be accompanied at the capability meeting",
        description="By a union representative or work colleague, with the capability "
        "procedure sent in advance.",
    )
    skip_informal_when: tuple[ShortText, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="Go straight to capability when",
        description="One per line. Leave empty if support stages are never skipped.",
    )
    sustain_months: int | None = Field(
        None,
        ge=1,
        le=24,
        title="Improvement must be sustained for (months)",
        description="If improvement is not sustained for this long after support ends, "
        "capability may follow directly. Empty when not set.",
    )
    appraisal_in_capability: AppraisalInCapability = Field(
        AppraisalInCapability.SUSPENDED,
        title="Appraisal during capability",
        description="What happens to the appraisal cycle when capability starts.",
    )
    suspend_for_grievance: bool = Field(
        False,
        title="A grievance may pause the cycle",
        description="When a member of staff raises a grievance during the review process, "
        "the headteacher (the executive headteacher for central staff) may suspend the "
        "cycle for a while to deal with it.",
    )

    @field_validator("stages")
    @classmethod
    def _unique_keys(cls, stages: tuple[SupportStage, ...]) -> tuple[SupportStage, ...]:
        if not stages:
            raise ValueError("List at least one stage of support.")
        keys = [s.key for s in stages]
        if len(set(keys)) != len(keys):
            raise ValueError("Each support stage needs its own short key.")
        return stages

    def stage(self, key: str) -> SupportStage | None:
        return next((s for s in self.stages if s.key == key), None)


class ConfidentialitySettings(_Frozen):
    """Who may read a person's appraisal record, and what leaves the school."""

    TITLE: ClassVar[str] = "Confidentiality"

    readers: tuple[Reader, ...] = Field(
        (Reader.REVIEWER, Reader.REVIEWEE, Reader.HEADTEACHER),
        min_length=1,
        max_length=MAX_LIST_ITEMS,
        title="Who may read a person's record",
        description="Besides these, nobody reads an individual's record.",
    )
    outside_parties_anonymised: bool = Field(
        True,
        title="Outside parties see anonymised information only",
        description="Governors and Ofsted receive only anonymised information.",
    )
    governors_may_request_sample: bool = Field(
        False,
        title="Governors may ask for an anonymised sample of statements",
        description="To monitor how well appraisal works.",
    )
    governor_reports_without_individuals: bool = Field(
        True,
        title="Reports to governors carry no individual details",
        description="Governors get overall reports only.",
    )
    headteacher_commitments_shared_with_governors: bool = Field(
        False,
        title="Headteacher's development commitments shared with governors",
        description="For transparency, with the local governing body.",
    )
    reviewee_agrees_before_colleagues_asked: bool = Field(
        False,
        title="Reviewer asks before consulting colleagues",
        description="The reviewer seeks the reviewee's agreement before asking colleagues "
        "about their work.",
    )
    small_number_threshold: int = Field(
        5,
        ge=2,
        le=50,
        title="Hide report figures below",
        description="Any count in a report smaller than this is hidden so nobody can be "
        "identified.",
    )
    sensitive_small_number_threshold: int = Field(
        10,
        ge=2,
        le=50,
        title="Hide capability and wellbeing figures below",
        description="The same for capability and wellbeing figures, which are more sensitive.",
    )

    @model_validator(mode="after")
    def _sensitive_at_least(self) -> ConfidentialitySettings:
        if self.sensitive_small_number_threshold < self.small_number_threshold:
            raise ValueError(
                "The threshold for sensitive figures cannot be lower than the ordinary one."
            )
        return self


class RetentionSettings(_Frozen):
    """How long records are kept before they are destroyed."""

    TITLE: ClassVar[str] = "Keeping records"

    default_years: int = Field(
        6,
        ge=1,
        le=25,
        title="Keep records for (years)",
        description="How long records are kept, then destroyed, unless a type says otherwise.",
    )
    appraisal_record_years: int | None = Field(
        None, ge=1, le=25, title="Appraisal records (years)", description="Empty: as above."
    )
    observation_years: int | None = Field(
        None, ge=1, le=25, title="Observation records (years)", description="Empty: as above."
    )
    support_plan_years: int | None = Field(
        None, ge=1, le=25, title="Support plans (years)", description="Empty: as above."
    )
    capability_years: int | None = Field(
        None, ge=1, le=25, title="Capability records (years)", description="Empty: as above."
    )
    pay_years: int | None = Field(
        None, ge=1, le=25, title="Pay recommendations (years)", description="Empty: as above."
    )
    counted_from: RetentionFrom = Field(
        RetentionFrom.END_OF_CYCLE,
        title="Years counted from",
        description="When the retention period starts.",
    )

    RECORD_TYPES: ClassVar[tuple[str, ...]] = (
        "appraisal_record",
        "observation",
        "support_plan",
        "capability",
        "pay",
    )

    def years_for(self, record_type: str) -> int:
        """Years to keep ``record_type`` (one of ``RECORD_TYPES``)."""
        if record_type not in self.RECORD_TYPES:
            raise KeyError(record_type)
        value: int | None = getattr(self, f"{record_type}_years")
        return self.default_years if value is None else value


class ReminderSettings(_Frozen):
    """When people are reminded of what they have due (the daily digest email)."""

    TITLE: ClassVar[str] = "Reminders"

    days_before: int = Field(
        5,
        ge=0,
        le=30,
        title="First reminder (working days before)",
        description="How many working days before something is due the person responsible "
        "is first reminded. 0 sends no early reminder.",
    )
    remind_on_day: bool = Field(
        True,
        title="Remind on the day it is due",
        description="Also remind on the due date itself (the last working day before it, "
        "when it falls on a day the academy is closed).",
    )
    remind_when_overdue_every_days: int = Field(
        5,
        ge=0,
        le=60,
        title="When overdue, remind every (working days)",
        description="Once something is overdue, remind again every this many working days "
        "until it is done. 0 sends no overdue reminders.",
    )


class HeadteacherSettings(_Frozen):
    """Who appraises the headteacher (and the CEO), and by when."""

    TITLE: ClassVar[str] = "The headteacher's appraisal"

    appraised_by: HeadteacherAppraiser = Field(
        HeadteacherAppraiser.GOVERNORS_COMMITTEE,
        title="The headteacher is appraised by",
        description="Who reviews the headteacher.",
    )
    committee_size: int = Field(
        3,
        ge=1,
        le=10,
        title="Members of the review committee",
        description="How many people review the headteacher.",
    )
    committee_includes: tuple[ShortText, ...] = Field(
        ("Chair of governors",),
        max_length=MAX_LIST_ITEMS,
        title="The committee always includes",
        description="One per line.",
    )
    external_adviser: AdviserUse = Field(
        AdviserUse.OPTIONAL,
        title="External adviser",
        description="Whether an external adviser supports the headteacher's review.",
    )
    adviser_appointed_by: ShortText = Field(
        "The trust board",
        title="The external adviser is appointed by",
        description="Who commissions the adviser.",
    )
    objectives_set_by: Decider = Field(
        Decider.GOVERNING_BODY,
        title="The headteacher's objectives are set by",
        description="Who sets them, after consulting any external adviser.",
    )
    ceo_appraised_by: ShortText = Field(
        "Nominated members of the trust board",
        title="The CEO is appraised by",
        description="Who reviews the chief executive.",
    )
    review_due: MonthDay | None = Field(
        default_factory=lambda: md(12, 31),
        title="Headteacher's review completed by",
        description="Leave empty if the policy sets no date.",
    )
    statement_due: MonthDay | None = Field(
        default_factory=lambda: md(12, 31),
        title="Headteacher's statement given by",
        description="Leave empty if the policy sets no date.",
    )
    pay_decision_due: MonthDay | None = Field(
        default_factory=lambda: md(12, 31),
        title="Headteacher's pay decided by",
        description="Leave empty if the policy sets no date.",
    )


# --------------------------------------------------------------------------------------
# The whole document
# --------------------------------------------------------------------------------------


class PolicySettings(_Frozen):
    """Everything a policy version fixes. Sections are shown in this order."""

    model: AppraisalModel = Field(
        AppraisalModel.OBJECTIVES,
        title="How appraisal works",
        description="Objectives each year, developmental conversations, or a personal "
        "development plan.",
    )
    scope: ScopeSettings = Field(default_factory=ScopeSettings)
    cycle: CycleSettings = Field(default_factory=CycleSettings)
    objectives: ObjectivesSettings = Field(default_factory=ObjectivesSettings)
    conversations: ConversationsSettings = Field(default_factory=ConversationsSettings)
    pdp: PdpSettings = Field(default_factory=PdpSettings)
    meetings: MeetingsSettings = Field(default_factory=MeetingsSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    observations: ObservationSettings = Field(default_factory=ObservationSettings)
    wellbeing: WellbeingSettings = Field(default_factory=WellbeingSettings)
    pay: PaySettings = Field(default_factory=PaySettings)
    support: SupportSettings = Field(default_factory=SupportSettings)
    confidentiality: ConfidentialitySettings = Field(default_factory=ConfidentialitySettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    headteacher: HeadteacherSettings = Field(default_factory=HeadteacherSettings)
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)

    @model_validator(mode="after")
    def _model_needs(self) -> PolicySettings:
        if self.model == AppraisalModel.OBJECTIVES and self.objectives.maximum_count < 1:
            raise ValueError("An objectives-based policy needs at least one objective.")
        if self.model == AppraisalModel.CONVERSATIONS and self.conversations.per_year < 1:
            raise ValueError("A conversations-based policy needs at least one conversation.")
        if (
            self.pay.performance_related_pay
            and self.pay.teacher_progression == PayProgression.NOT_LINKED
        ):
            raise ValueError("Pay cannot be both performance-related and not linked to appraisal.")
        return self

    def pay_recommendation_required_fields(self) -> tuple[str, ...]:
        """Which parts of a pay recommendation must be filled in under this policy.

        Without performance-related pay a written recommendation is still made, but it need
        not cite appraisal evidence; with it, the evidence and the objectives' outcome are
        required too."""
        fields = ["recommendation", "reason"]
        if self.pay.performance_related_pay:
            fields += ["appraisal_evidence", "objectives_outcome"]
        return tuple(fields)


SECTION_NAMES: tuple[str, ...] = tuple(
    name
    for name, info in PolicySettings.model_fields.items()
    if isinstance(info.annotation, type) and issubclass(info.annotation, _Frozen)
)


def default_settings() -> PolicySettings:
    return PolicySettings()


# --------------------------------------------------------------------------------------
# Validation errors as per-field messages
# --------------------------------------------------------------------------------------


def validate_settings(
    data: Mapping[str, Any],
) -> tuple[PolicySettings | None, dict[str, list[str]]]:
    """Validate a nested settings dict. Returns (settings, {}) or (None, errors) where
    errors maps a dotted path ("pay.decision_due", or "" for the whole document) to
    plain-English messages."""
    try:
        return PolicySettings.model_validate(dict(data)), {}
    except ValidationError as exc:
        return None, errors_by_path(exc)


def errors_by_path(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for err in exc.errors(include_url=False):
        raw_loc = list(err["loc"])
        loc = [str(part) for part in raw_loc]
        path = _leaf_path(loc)
        message = _plain_message(err["type"], err.get("ctx") or {}, str(err["msg"]))
        if err["type"] == "extra_forbidden":
            message = f"There is no setting called “{loc[-1]}”."
        # Say where inside the field the problem is (a list item, a month or a day).
        depth = len(path.split(".")) if path else 0
        inner = raw_loc[depth:]
        if err["type"] == "extra_forbidden":
            inner = inner[:-1]
        if inner:
            where = ", ".join(f"item {p + 1}" if isinstance(p, int) else str(p) for p in inner)
            message = f"{where}: {message}"
        errors.setdefault(path, []).append(message)
    return errors


_PLAIN_MESSAGES: dict[str, str] = {
    "less_than_equal": "Enter a number no more than {le}.",
    "greater_than_equal": "Enter a number of at least {ge}.",
    "int_parsing": "Enter a whole number.",
    "int_type": "Enter a whole number.",
    "bool_parsing": "Answer yes or no.",
    "string_too_long": "Use no more than {max_length} characters.",
    "too_long": "List no more than {max_length} items.",
    "too_short": "Choose at least {min_length}.",
    "enum": "Choose one of the options.",
    "missing": "This is required.",
    "string_pattern_mismatch": "Use lower-case letters, digits and _ only, starting with a letter.",
}


def _plain_message(error_type: str, ctx: Mapping[str, Any], fallback: str) -> str:
    template = _PLAIN_MESSAGES.get(error_type)
    if template is None:
        return fallback.removeprefix("Value error, ")
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return fallback


def _leaf_path(loc: list[str]) -> str:
    """Trim a pydantic location to the flat field it belongs to (a month/day or a list
    item belongs to its field)."""
    kept: list[str] = []
    node: Any = PolicySettings
    for part in loc:
        fields = getattr(node, "model_fields", None)
        if not fields or part not in fields:
            break
        kept.append(part)
        annotation = fields[part].annotation
        if (
            isinstance(annotation, type)
            and issubclass(annotation, _Frozen)
            and (annotation is not MonthDay)
        ):
            node = annotation
        else:
            break
    return ".".join(kept)


# --------------------------------------------------------------------------------------
# Flat "section.field" form for editing, and field metadata
# --------------------------------------------------------------------------------------


class FieldKind(enum.StrEnum):
    BOOL = "bool"
    INT = "int"
    TEXT = "text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    CHOICES = "choices"
    TEXT_LIST = "text_list"
    MONTH_DAY = "month_day"
    RECORDS = "records"


@dataclass(frozen=True)
class FieldSpec:
    """What a form or a display needs to know about one flat setting."""

    path: str
    section: str
    name: str
    label: str
    description: str
    kind: FieldKind
    optional: bool
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    record_model: type[BaseModel] | None = None


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    if _allows_none(annotation):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], True
    return annotation, False


def _spec_for(path: str, section: str, name: str, info: Any) -> FieldSpec:
    annotation, optional = _unwrap_optional(info.annotation)
    minimum = maximum = max_length = None
    for meta in info.metadata:
        minimum = getattr(meta, "ge", minimum)
        maximum = getattr(meta, "le", maximum)
        max_length = getattr(meta, "max_length", max_length)
    kind: FieldKind
    choices: tuple[tuple[str, str], ...] = ()
    record_model: type[BaseModel] | None = None
    origin = typing.get_origin(annotation)
    if annotation is bool:
        kind = FieldKind.BOOL
    elif annotation is int:
        kind = FieldKind.INT
    elif annotation is MonthDay:
        kind = FieldKind.MONTH_DAY
    elif isinstance(annotation, type) and issubclass(annotation, Choice):
        kind = FieldKind.CHOICE
        choices = tuple((c.value, c.label) for c in annotation)
    elif origin is tuple:
        item = typing.get_args(annotation)[0]
        item_base = typing.get_args(item)[0] if typing.get_origin(item) is Annotated else item
        if isinstance(item_base, type) and issubclass(item_base, Choice):
            kind = FieldKind.CHOICES
            choices = tuple((c.value, c.label) for c in item_base)
        elif isinstance(item_base, type) and issubclass(item_base, BaseModel):
            kind = FieldKind.RECORDS
            record_model = item_base
        else:
            kind = FieldKind.TEXT_LIST
    else:
        text_meta = typing.get_args(annotation)
        limit = next((getattr(m, "max_length", None) for m in text_meta[1:]), None)
        if limit is not None:
            max_length = limit
        kind = FieldKind.LONG_TEXT if (max_length or 0) > 300 else FieldKind.TEXT
    return FieldSpec(
        path=path,
        section=section,
        name=name,
        label=info.title or name.replace("_", " ").capitalize(),
        description=info.description or "",
        kind=kind,
        optional=optional,
        minimum=minimum,
        maximum=maximum,
        max_length=max_length,
        choices=choices,
        record_model=record_model,
    )


def field_specs() -> list[FieldSpec]:
    """Every flat setting, in display order: top-level fields first (section ""), then
    each section's fields."""
    specs: list[FieldSpec] = []
    for name, info in PolicySettings.model_fields.items():
        if name in SECTION_NAMES:
            section_model: type[_Frozen] = info.annotation  # type: ignore[assignment]
            for field_name, field_info in section_model.model_fields.items():
                specs.append(_spec_for(f"{name}.{field_name}", name, field_name, field_info))
        else:
            specs.append(_spec_for(name, "", name, info))
    return specs


def section_title(section: str) -> str:
    if not section:
        return "The appraisal model"
    model: type[_Frozen] = PolicySettings.model_fields[section].annotation  # type: ignore[assignment]
    return str(getattr(model, "TITLE", section.capitalize()))


# Sections that only matter under some appraisal models; every other section always applies.
_SECTION_MODELS: dict[str, frozenset[AppraisalModel]] = {
    "objectives": frozenset({AppraisalModel.OBJECTIVES, AppraisalModel.PDP}),
    "conversations": frozenset({AppraisalModel.CONVERSATIONS}),
    "pdp": frozenset({AppraisalModel.PDP}),
}


def section_applies(settings: PolicySettings, section: str) -> bool:
    """Whether ``section`` is used under the policy's appraisal model (a conversations
    policy has no objectives; only a PDP policy has a Professional IQ)."""
    models = _SECTION_MODELS.get(section)
    return models is None or settings.model in models


def flatten_settings(settings: PolicySettings | Mapping[str, Any]) -> dict[str, Any]:
    """``{"section.field": value}`` with JSON-ready values (enums as strings, a month/day
    as ``{"month": m, "day": d}``, lists as lists)."""
    data = (
        settings.model_dump(mode="json")
        if isinstance(settings, BaseModel)
        else PolicySettings.model_validate(dict(settings)).model_dump(mode="json")
    )
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key in SECTION_NAMES:
            for field_name, field_value in value.items():
                flat[f"{key}.{field_name}"] = field_value
        else:
            flat[key] = value
    return flat


def unflatten_settings(flat: Mapping[str, Any]) -> dict[str, Any]:
    """The nested dict for ``{"section.field": value}`` (unvalidated; pass it to
    ``validate_settings``)."""
    nested: dict[str, Any] = {}
    for path, value in flat.items():
        if "." in path:
            section, name = path.split(".", 1)
            nested.setdefault(section, {})[name] = value
        else:
            nested[path] = value
    return nested


def partial_flatten(data: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a partial nested dict (a preset's or a patch's settings) without filling
    defaults: only the paths it actually sets."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key in SECTION_NAMES and isinstance(value, Mapping):
            for field_name, field_value in value.items():
                flat[f"{key}.{field_name}"] = field_value
        else:
            flat[key] = value
    return flat


def merge_settings(base: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``patch`` applied section by section (a patch replaces whole fields,
    including whole lists)."""
    merged: dict[str, Any] = {
        k: (dict(v) if isinstance(v, Mapping) else v) for k, v in base.items()
    }
    for key, value in patch.items():
        if key in SECTION_NAMES and isinstance(value, Mapping):
            merged.setdefault(key, {})
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


# --------------------------------------------------------------------------------------
# Plain-words description for display
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DescribedSetting:
    path: str
    label: str
    description: str
    value: str
    lines: tuple[str, ...] = ()
    source: str = ""

    @property
    def is_trust_default(self) -> bool:
        return not self.source


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    settings: list[DescribedSetting] = field(default_factory=list)
    applies: bool = True


def format_value(spec: FieldSpec, value: Any) -> tuple[str, tuple[str, ...]]:
    """(one-line text, list lines) describing ``value`` in plain words."""
    if value is None:
        return "Not set", ()
    if spec.kind == FieldKind.BOOL:
        return ("Yes" if value else "No"), ()
    if spec.kind == FieldKind.MONTH_DAY:
        return str(MonthDay.model_validate(value)), ()
    if spec.kind == FieldKind.CHOICE:
        labels = dict(spec.choices)
        return labels.get(str(value), str(value)), ()
    if spec.kind == FieldKind.CHOICES:
        labels = dict(spec.choices)
        lines = tuple(labels.get(str(v), str(v)) for v in value)
        return (", ".join(lines) if lines else "None"), lines
    if spec.kind == FieldKind.TEXT_LIST:
        lines = tuple(str(v) for v in value)
        return ("; ".join(lines) if lines else "None"), lines
    if spec.kind == FieldKind.RECORDS:
        lines = tuple(_describe_record(item) for item in value)
        return (f"{len(lines)} listed" if lines else "None"), lines
    if spec.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        return (str(value) if value else "None"), ()
    return str(value), ()


def _describe_record(item: Mapping[str, Any]) -> str:
    """One line for a support stage or a conversation."""
    if "term" in item:  # a conversation
        term = ConversationTerm(item["term"]).label.lower()
        due = DueAnchor(item.get("staff_due", DueAnchor.END_OF_TERM)).label.lower()
        text = f"{item['name']}: {term}; staff {due}"
        if item.get("staff_due_on"):
            text += f" ({MonthDay.model_validate(item['staff_due_on'])})"
        if item.get("headteacher_due_on"):
            text += f"; headteacher by {MonthDay.model_validate(item['headteacher_due_on'])}"
        return text
    parts = [str(item["name"]) + (" (formal)" if item.get("formal") else "")]
    unit = "working weeks" if item.get("working_weeks") else "weeks"
    if item.get("normal_weeks"):
        parts.append(f"normally {item['normal_weeks']} {unit}")
    if item.get("minimum_weeks"):
        parts.append(f"at least {item['minimum_weeks']} {unit}")
    if item.get("maximum_half_terms"):
        n = item["maximum_half_terms"]
        parts.append("at most half a term" if n == 1 else f"at most {n} half-terms")
    if item.get("meeting_every_weeks"):
        n = item["meeting_every_weeks"]
        parts.append("weekly meetings" if n == 1 else f"meetings every {n} weeks")
    if item.get("meeting_notice_working_days") is not None:
        parts.append(f"{item['meeting_notice_working_days']} working days' notice")
    if item.get("right_to_representation"):
        parts.append("right to representation")
    if item.get("written_feedback_first") or item.get("draft_plan_first"):
        parts.append("written feedback and draft plan sent first")
    return "; ".join(parts)


def describe_settings(
    settings: PolicySettings, sources: Mapping[str, str] | None = None
) -> list[Section]:
    """Every setting, grouped by section, in plain words, with its source paragraph (or
    an empty source, meaning the trust default applies)."""
    sources = sources or {}
    flat = flatten_settings(settings)
    sections: dict[str, Section] = {}
    for spec in field_specs():
        section = sections.setdefault(
            spec.section,
            Section(
                key=spec.section,
                title=section_title(spec.section),
                applies=section_applies(settings, spec.section),
            ),
        )
        value, lines = format_value(spec, flat[spec.path])
        section.settings.append(
            DescribedSetting(
                path=spec.path,
                label=spec.label,
                description=spec.description,
                value=value,
                lines=lines,
                source=sources.get(spec.path, ""),
            )
        )
    return list(sections.values())


def changed_paths(old: PolicySettings, new: PolicySettings) -> list[str]:
    """Flat paths whose value differs between two versions."""
    a, b = flatten_settings(old), flatten_settings(new)
    return [path for path in b if a.get(path) != b[path]]


def iter_paths() -> Iterator[str]:
    return (spec.path for spec in field_specs())


def unknown_paths(paths: Iterable[str]) -> list[str]:
    known = set(iter_paths())
    return [p for p in paths if p not in known]
