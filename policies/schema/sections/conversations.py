"""The policy document's section: Developmental conversations."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_validator

from ..base import (
    MAX_LIST_ITEMS,
    FieldError,
    LongText,
    MonthDay,
    ShortText,
    StageKey,
    _Frozen,
    md,
)
from ..choices import ConversationTerm, DueAnchor

MAX_CONVERSATIONS = 6


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

    EFFECTS: ClassVar[dict[str, str]] = {
        "per_year": "Sets how many conversations each cycle holds: with none listed below, "
        "the cycle has this many spread over the terms, each with its own page and deadline; "
        "with some listed, the list must have exactly this many.",
        "conversations": "Names each conversation a cycle holds and sets when it is due: the "
        "conversation pages, the reviewer's deadlines and reminders and the overdue flag use "
        "it.",
        "areas": "Lists the areas on each conversation's page.",
        "professional_focus": "Shown on the appraisal record and each conversation's page.",
        "focus_wording_teachers": "Shown to classroom teachers and their reviewers with the "
        "professional focus.",
        "focus_wording_leaders": "Shown to leaders and their reviewers with the professional "
        "focus.",
        "focus_wording_support": "Shown to support staff and their reviewers with the "
        "professional focus.",
        "october_half_term_fallback": "Sets the day a conversation due before October "
        "half-term is due at an academy that has not entered its term dates.",
        "growth_areas_and_cpd_recorded": "When off, the conversation pages have no growth "
        "areas or CPD activities to fill in.",
        "notes_need_consent": "When on, a conversation's agreed notes are saved only when the "
        "reviewer confirms the member of staff agreed to them being recorded.",
        "informs_pay": "Says on the appraisal record and each conversation's page, and in "
        "the consent asked for the notes, whether the conversation notes may be used in pay "
        "decisions.",
    }

    per_year: int = Field(
        2,
        ge=0,
        le=MAX_CONVERSATIONS,
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
        max_length=MAX_CONVERSATIONS,
        title="The conversations",
        description="Each conversation's name and when it is due. Leave empty for as many "
        "as there are conversations a year, spread over the terms.",
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

    @model_validator(mode="before")
    @classmethod
    def _as_many_as_per_year(cls, data: Any) -> Any:
        """With no conversations listed, the cycle holds ``per_year`` of them, spread over
        the terms and each due by the end of its term."""
        if not isinstance(data, dict) or "conversations" not in data:
            return data
        if data["conversations"]:
            return data
        try:
            count = int(data.get("per_year", cls.model_fields["per_year"].default))
        except (TypeError, ValueError):
            return data  # the field's own validation says what is wrong
        if not 0 < count <= MAX_CONVERSATIONS:
            return data
        return {**data, "conversations": _spread_over_terms(count)}

    @model_validator(mode="after")
    def _count_matches(self) -> ConversationsSettings:
        if self.conversations and len(self.conversations) != self.per_year:
            raise FieldError(
                f"{self.per_year} conversations a year, but {len(self.conversations)} are listed.",
                field="per_year",
            )
        keys = [c.key for c in self.conversations]
        if len(set(keys)) != len(keys):
            raise FieldError("Each conversation needs its own short key.", field="conversations")
        return self


_TERMS = (ConversationTerm.AUTUMN, ConversationTerm.SPRING, ConversationTerm.SUMMER)


def _spread_over_terms(count: int) -> list[dict[str, str]]:
    """``count`` conversations named by their place in the year, spread over the three
    terms (one a year comes in the summer; two, autumn and spring or summer)."""
    if count == 1:
        terms = [ConversationTerm.SUMMER]
    elif count == 2:  # twice a year: autumn, then spring or summer (aspire §6.3)
        terms = [ConversationTerm.AUTUMN, ConversationTerm.SPRING_OR_SUMMER]
    else:
        terms = [_TERMS[i * len(_TERMS) // count] for i in range(count)]
    return [
        {
            "key": f"conversation_{i}",
            "name": f"Conversation {i} of {count}",
            "term": term.value,
            "staff_due": DueAnchor.END_OF_TERM.value,
        }
        for i, term in enumerate(terms, start=1)
    ]
