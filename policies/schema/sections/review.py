"""The policy document's section: The review."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import MAX_LIST_ITEMS, MonthDay, ShortText, _Frozen, md


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
