"""The policy document's section: Pay."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from ..base import MAX_LIST_ITEMS, MonthDay, ShortText, _Frozen, md
from ..choices import Decider, PayCommitteeSees, PayProgression, WithholdReason

_AWAITING = "Recorded for pay progression, which is not built yet: changing it changes nothing yet."


class PaySettings(_Frozen):
    """How appraisal links to pay."""

    TITLE: ClassVar[str] = "Pay"

    # What the product does with each setting, shown on the policy pages.
    EFFECTS: ClassVar[dict[str, str]] = {
        "performance_related_pay": (
            "When on, the end-of-year review cannot be completed without its reference "
            "to pay, and the pay decision date becomes required; when off, the pay "
            "reference is optional."
        ),
        "teacher_progression": _AWAITING,
        "support_staff_progression": _AWAITING,
        "withhold_reasons": _AWAITING,
        "other_no_increment_reasons": _AWAITING,
        "years_between_upper_range_points": _AWAITING,
        "threshold_applications": _AWAITING,
        "threshold_evidence": _AWAITING,
        "recommended_by": _AWAITING,
        "headteacher_approves_before_shared": _AWAITING,
        "pay_committee_sees": _AWAITING,
        "decision_due": _AWAITING,
        "backdated_to_cycle_start": _AWAITING,
        "honorarium_allowed": _AWAITING,
        "appeal_allowed": _AWAITING,
    }

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
