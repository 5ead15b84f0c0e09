"""The policy document's section: The review."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import MAX_LIST_ITEMS, MonthDay, ShortText, _Frozen, md


class ReviewSettings(_Frozen):
    """The end-of-year review and the written statement."""

    TITLE: ClassVar[str] = "End-of-year review and statement"
    EFFECTS: ClassVar[dict[str, str]] = {
        "staff_review_due": "Sets the day the end-of-year review is due after the cycle "
        "ends: the reviewer's deadlines, reminders and the overdue flag use it.",
        "support_staff_review_due": "Sets the review's due day for support staff in place of "
        "the staff date: their reviewers' deadlines and reminders use it.",
        "statement_due": "Sets the day the written statement is due after the cycle ends: "
        "the reviewer's deadlines and reminders use it.",
        "statement_contents": "Each line becomes a heading of the written statement (PDF), "
        "filled from the part of the review that answers it.",
        "new_cycle_statement_contents": "Each line becomes a heading of the statement's "
        "new-cycle part; left empty, the statement has no new-cycle part.",
        "copy_to_headteacher": "When on, completing a review sends a copy to the academy's "
        "headteacher: it appears in their reviews to read and they may read it.",
        "headteacher_may_adjust_objectives": "When on, the headteacher reading a copy of a "
        "review is offered an action to adjust its new objectives or support, after "
        "discussing it with reviewer and reviewee; the change shows on the review.",
        "overview_shared_with_staff": "When off, the member of staff does not see the "
        "review's overview on their record or in their statement; it stays on file for "
        "reviewers and leaders.",
        "standards_met_unless_concerns": "When on, a new review starts with every standard "
        "assessed as met; the reviewer changes only those where concerns are managed.",
        "moderation_sample": "When on, completed reviews under this policy that someone "
        "other than the headteacher wrote can be drawn into a moderation sample of "
        "statements; when off, they are never drawn.",
        "alignment_sample_check": "When on, objectives under this policy can be drawn into an "
        "alignment sample, and the moderation form asks whether the objectives are aligned "
        "with the improvement plans.",
        "opens_weeks_before_cycle_ends": "Sets the first day the annual review can begin and "
        "be completed (and so its statement issued): this many weeks before the cycle's last "
        "day.",
        "early_review_with_reason": "When on, a reviewer may begin the annual review before "
        "its window opens by recording why (for example, the member of staff is leaving); "
        "when off, it cannot begin early.",
        "colleague_feedback": "When on, the reviewer is offered, on the cycle page, to ask "
        "colleagues (peers, and a line manager's own staff) for feedback on the member of "
        "staff's work; when off, the offer and its pages are not there.",
        "colleague_feedback_min_answers": "Sets how many answers must be in before the "
        "reviewer reads them (shuffled, without names); with fewer the reviewer sees only "
        "how many have answered.",
        "colleague_feedback_working_days": "Sets the day a request for colleague feedback "
        "closes: this many working days after the colleagues are asked (or the cycle's last "
        "day, if sooner); the colleagues' reminders fall due on it and no answer is taken "
        "after it.",
    }

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
    opens_weeks_before_cycle_ends: int = Field(
        12,
        ge=0,
        le=52,
        title="The annual review can begin (weeks before the cycle ends)",
        description="How many weeks before the cycle's last day the end-of-year review may "
        "begin and be completed. 0: only once the cycle has ended.",
    )
    early_review_with_reason: bool = Field(
        True,
        title="The review may begin early, with a recorded reason",
        description="For example when the member of staff leaves before the window opens.",
    )
    colleague_feedback: bool = Field(
        False,
        title="The reviewer may ask colleagues for feedback",
        description="Peers and, for a line manager, their own staff, as evidence for the review.",
    )
    colleague_feedback_min_answers: int = Field(
        3,
        ge=2,
        le=20,
        title="Colleague feedback is read once this many have answered",
        description="Fewer answers than this are never shown, so nobody can tell who wrote which.",
    )
    colleague_feedback_working_days: int = Field(
        15,
        ge=1,
        le=60,
        title="Colleagues may answer for (working days)",
        description="After this, the request closes.",
    )
