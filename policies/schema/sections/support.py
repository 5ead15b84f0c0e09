"""The policy document's section: Support and capability."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator

from ..base import MAX_LIST_ITEMS, ShortText, StageKey, _Frozen
from ..choices import AppraisalInCapability, CapabilityLetterWriter


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


class CapabilityStage(_Frozen):
    """One stage of the capability procedure itself, after support."""

    key: StageKey = Field(title="Short key", description="Lower-case letters, digits, _.")
    name: ShortText = Field(title="Name", description="What the trust calls this stage.")
    holds_meeting: bool = Field(
        True,
        title="A formal meeting",
        description="The stage is a formal meeting the member of staff is invited to.",
    )
    meeting_notice_working_days: int | None = Field(
        None,
        ge=0,
        le=30,
        title="Notice of the meeting (working days)",
        description="Empty: the notice of a capability meeting.",
    )


# The capability procedure of the Department for Education's model policy, used where the
# trust's policy does not set its own.
DFE_CAPABILITY_STAGES: tuple[CapabilityStage, ...] = (
    CapabilityStage(key="formal_capability_meeting", name="Formal capability meeting"),
    CapabilityStage(
        key="monitoring_and_review", name="Monitoring and review period", holds_meeting=False
    ),
    CapabilityStage(key="formal_review_meeting", name="Formal review meeting"),
    CapabilityStage(key="decision_meeting", name="Decision meeting"),
    CapabilityStage(key="outcome", name="Outcome", holds_meeting=False),
    CapabilityStage(key="appeal", name="Appeal"),
)


class SupportSettings(_Frozen):
    """Support for staff whose performance is a concern, and the move to capability."""

    TITLE: ClassVar[str] = "Support and capability"

    # What the product does with each setting, shown on the policy pages.
    EFFECTS: ClassVar[dict[str, str]] = {
        "suspend_for_grievance": (
            "When on, a manager may suspend a cycle because of a grievance (the "
            "suspension form offers it); when off, only capability pauses appraisal."
        ),
        "stages": (
            "Sets the stages a support plan opens at and moves along, one at a time, before "
            "capability; the plan shows when each stage normally ends (in working weeks "
            "where set), a stage is not left before its minimum length, each stage's "
            "meeting notice is the least notice a meeting at that stage may be scheduled "
            "with, and its record contents make up the stage's written plan."
        ),
        "concerns_reported_to_headteacher": (
            "When on, recording a concern emails the academy's headteacher at once and the "
            "concern says when they were told; when off, nobody is emailed."
        ),
        "hr_meets_headteachers_termly": (
            "When on, HR's escalations page lists the academy each term with its meeting "
            "between the HR director and the headteacher (not scheduled, scheduled or held), "
            "and HR schedules and records it there; when off, the academy is not listed."
        ),
        "capability_meeting_notice_working_days": (
            "Sets the least notice, in working days on the academy's calendar, of a "
            "capability meeting: an earlier date is refused with the earliest allowed date."
        ),
        "capability_letter_within_working_days": (
            "Sets how many working days after capability starts the invitation to the "
            "capability meeting is due: the support plan shows the date."
        ),
        "capability_letter_written_by": (
            "Says who writes the invitation to the capability meeting: whoever runs the "
            "support plan, or only the academy's headteacher (the chair of governors for "
            "the headteacher's own case); the plan offers the letter only to them and "
            "refuses anyone else. Other letters are written by whoever runs the plan."
        ),
        "capability_letter_contents": (
            "Lists what the invitation to the capability meeting includes: the letter form "
            "asks for each, and the PDF letter stored on the plan has one heading for each."
        ),
        "accompanied_at_capability_meeting": (
            "When on, the support plan's capability stage tells the member of staff and "
            "their manager that they may be accompanied at the capability meeting."
        ),
        "skip_informal_when": (
            "Lists the reasons a support plan may go straight to capability, skipping the "
            "stages between; the plan's move page offers them, and with none listed a skip "
            "is refused."
        ),
        "sustain_months": (
            "Sets how long improvement must be sustained after a support plan closes "
            "successfully: the closed plan shows the date."
        ),
        "capability_stages": (
            "Sets the capability procedure's own stages, in order: starting capability opens "
            "the first, the plan moves along them one at a time, and a capability meeting "
            "at a stage needs that stage's notice (else the capability meeting's notice)."
        ),
        "outcome_letter_contents": (
            "Lists what the letter confirming a meeting's outcome sets out: the letter form "
            "asks for each, and the PDF letter stored on the plan has one heading for each."
        ),
        "appraisal_in_capability": (
            "Says what starting capability does to the appraisal cycle (it is suspended "
            "either way, so its deadlines and reminders stop): the plan, the move page and "
            "the cycle's history say appraisal is suspended, or that it no longer applies."
        ),
    }

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
    capability_letter_written_by: CapabilityLetterWriter = Field(
        CapabilityLetterWriter.PLAN,
        title="Who writes the invitation to the capability meeting",
        description="Whoever runs the plan, or only the headteacher.",
    )
    capability_letter_contents: tuple[ShortText, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="The invitation letter includes",
        description="One per line.",
    )
    outcome_letter_contents: tuple[ShortText, ...] = Field(
        (
            "The outcome of the meeting",
            "The reasons for the outcome",
            "What happens next",
            "The right of appeal",
        ),
        max_length=MAX_LIST_ITEMS,
        title="The outcome letter includes",
        description="One per line.",
    )
    capability_stages: tuple[CapabilityStage, ...] = Field(
        DFE_CAPABILITY_STAGES,
        max_length=8,
        title="Stages of the capability procedure, in order",
        description="From the formal capability meeting to the appeal.",
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

    @field_validator("capability_stages")
    @classmethod
    def _unique_capability_keys(
        cls, stages: tuple[CapabilityStage, ...]
    ) -> tuple[CapabilityStage, ...]:
        if not stages:
            raise ValueError("List at least one stage of the capability procedure.")
        keys = [s.key for s in stages]
        if len(set(keys)) != len(keys):
            raise ValueError("Each capability stage needs its own short key.")
        return stages

    def capability_stage(self, key: str) -> CapabilityStage | None:
        return next((s for s in self.capability_stages if s.key == key), None)

    def stage(self, key: str) -> SupportStage | None:
        return next((s for s in self.stages if s.key == key), None)
