"""The policy document's section: Wellbeing."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import _Frozen


class WellbeingSettings(_Frozen):
    """Wellbeing conversations.

    Wellbeing notes are kept only with the member of staff's consent under every policy
    (their consent record is what lets a note exist, and withdrawing it deletes them), so
    that is not a setting; whether a conversation's agreed notes need consent is
    ``conversations.notes_need_consent``."""

    TITLE: ClassVar[str] = "Wellbeing"

    EFFECTS: ClassVar[dict[str, str]] = {
        "discussed_at_review": "When on, the appraisal record links the member of staff and "
        "their reviewer to the wellbeing notes page; when off, there is no such link.",
        "never_used_for_performance": "When on, only the member of staff and a note's writer "
        "read a wellbeing note and the page says notes are never used for performance "
        "decisions; when off, the reviewer reads every note on the record and the page (and "
        "the consent asked for) says the notes may inform the appraisal.",
    }

    discussed_at_review: bool = Field(
        True,
        title="Wellbeing is discussed",
        description="Reviewers ask about wellbeing and whether other support would help.",
    )
    never_used_for_performance: bool = Field(
        True,
        title="Wellbeing notes never used for performance decisions",
        description="Wellbeing notes are kept confidential and never used for appraisal, "
        "pay or capability decisions.",
    )
