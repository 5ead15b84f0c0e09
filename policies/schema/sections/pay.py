"""The policy document's section: Pay."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from ..base import MAX_LIST_ITEMS, FieldError, MonthDay, ShortText, _Frozen, md
from ..choices import Decider, PayCommitteeSees, PayProgression, WithholdReason


class PaySettings(_Frozen):
    """How appraisal links to pay."""

    TITLE: ClassVar[str] = "Pay"

    # What the product does with each setting, shown on the policy pages.
    EFFECTS: ClassVar[dict[str, str]] = {
        "performance_related_pay": (
            "When on, the end-of-year review cannot be completed without its reference "
            "to pay, and the pay decision date becomes required; when off, the pay "
            "reference is optional. A pay recommendation then cannot be drafted without the "
            "appraisal evidence, and the policy's reasons for withholding apply to teachers "
            "too (from 1 September 2024 a teacher otherwise progresses unless an early career "
            "teacher or in capability)."
        ),
        "teacher_progression": (
            "Decides which of the reasons for withholding each teacher's pay recommendation "
            "starts with: automatic uses only capability and managing underperformance, not "
            "linked only formal capability."
        ),
        "support_staff_progression": (
            "The same for support staff's pay recommendations (aspire §8.5: withheld only "
            "under formal capability)."
        ),
        "withhold_reasons": (
            "The only reasons a pay recommendation starts as no increment, from the support "
            "plan records and last year's review, and the only ones a recommender may give."
        ),
        "other_no_increment_reasons": (
            "Offered as reasons for no increment on the pay recommendation; a line saying "
            '"appointed part-way" makes a recommendation start as no increment for someone '
            "who started after the pay year being reviewed began."
        ),
        "years_between_upper_range_points": (
            "A teacher on an upper pay range point for fewer years than this starts as no "
            "increment on their pay recommendation; 0 turns the rule off."
        ),
        "threshold_applications": (
            "When on, a qualified teacher at the top of the main range starts as no increment "
            "(the upper range is by application); when off, as moving to the upper range's "
            "first point."
        ),
        "threshold_evidence": (
            "Listed on the pay recommendation of a main range teacher as what an application "
            "to the upper pay range shows."
        ),
        "recommended_by": (
            "Decides who drafts each pay recommendation: the reviewer, or the headteacher "
            "(the headteacher's own is drafted by HR for the governors)."
        ),
        "headteacher_approves_before_shared": (
            "When on, a pay recommendation cannot be shared with the member of staff, who "
            "cannot read it, until the headteacher has approved it; when off, the draft is "
            "shared directly."
        ),
        "pay_committee_sees": (
            "Sets what the pay review page lists for the governors' pay committee: every "
            "recommendation, or the number not progressing by reason, or nothing."
        ),
        "decision_due": (
            "Sets the date each pay recommendation is decided by: shown on it and its "
            "statement, and the day its draft, approval and statement are due in the "
            "reminders."
        ),
        "backdated_to_cycle_start": (
            "When on, a pay decision takes effect from 1 September of the pay year (the "
            "payroll export and pay statement say so); when off, from the day it is decided."
        ),
        "honorarium_allowed": (
            "When on, a pay recommendation may include an honorarium; when off, one is refused."
        ),
        "appeal_allowed": (
            "When on, the written pay statement tells the member of staff they may appeal."
        ),
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
                raise FieldError(
                    "Performance-related pay needs " + " and ".join(missing) + ".",
                    field="decision_due" if self.decision_due is None else "withhold_reasons",
                )
        return self
