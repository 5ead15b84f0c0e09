"""The policy document's section: The headteacher's appraisal."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import MAX_LIST_ITEMS, MonthDay, ShortText, _Frozen, md
from ..choices import AdviserUse, Decider, HeadteacherAppraiser


class HeadteacherSettings(_Frozen):
    """Who appraises the headteacher (and the CEO), and by when."""

    TITLE: ClassVar[str] = "The headteacher's appraisal"
    EFFECTS: ClassVar[dict[str, str]] = {
        "appraised_by": "Decides whether the CEO reads the headteacher's own appraisal: the "
        "CEO does when the CEO appraises the headteacher, alone or with the governing body.",
        "committee_size": "Caps the review committee: no more people than this can be given "
        "committee membership on the headteacher's appraisal at once, and the access form "
        "says so.",
        "committee_includes": "Shown on the headteacher's access form beside the committee "
        "choice, as wording for the record; it never decides who reads the appraisal.",
        "ceo_on_committee": "Lets the CEO read the headteacher's own appraisal, and be given "
        "committee membership on it, as a member of the review committee; the committee "
        "cannot be set up without the CEO.",
        "chair_on_committee": "The review committee cannot be set up without the academy's "
        "chair of governors, and its last seat is kept for the chair.",
        "external_adviser": "With no external adviser, adviser access to the headteacher's "
        "appraisal is not offered and is refused; when an adviser supports every review, the "
        "access page warns until one has access.",
        "adviser_appointed_by": "Shown on the headteacher's access form beside the adviser "
        "choice, so whoever gives the adviser access sees who appoints them.",
        "objectives_set_by": "With the governing body setting the headteacher's objectives, "
        "the review committee cannot be set up without a governor of the academy; the "
        "headteacher's appraisal page says who sets them.",
        "ceo_appraised_by": "Names who reviews the CEO on the CEO's own appraisal page and "
        "its committee page, where only the trust's trustees sit.",
        "review_due": "Sets the day the headteacher's own review is due: the reminders, the "
        "overdue flag and the academy overview use it instead of the staff date.",
        "statement_due": "Sets the day the headteacher's own statement is due, instead of "
        "the staff date, wherever the statement's deadline shows.",
        "pay_decision_due": "Sets the date the headteacher's own pay recommendation is "
        "decided by, instead of the staff date: shown on it and its pay statement, and the day "
        "its draft and statement are due in the reminders.",
    }

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
        description="One per line. The list is wording for the record: whether the CEO "
        "reads the headteacher's appraisal is the next setting.",
    )
    ceo_on_committee: bool = Field(
        False,
        title="The CEO sits on the review committee",
        description="The CEO (the trust's executive) reads the headteacher's appraisal as "
        "a member of the committee. Whatever this says, the CEO reads it when the CEO "
        "appraises the headteacher, alone or with the governing body.",
    )
    chair_on_committee: bool = Field(
        False,
        title="The chair of governors sits on the review committee",
        description="The academy's chair of governors is always one of the committee.",
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
