"""The policy document's section: Developmental conversations."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from ..base import MAX_LIST_ITEMS, LongText, MonthDay, ShortText, StageKey, _Frozen, md
from ..choices import ConversationTerm, DueAnchor


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
        description="Agreed notes of a conversation are kept only if the employee agrees. "
        "(Wellbeing notes always need their consent, whatever this says.)",
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
