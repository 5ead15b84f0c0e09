"""The policy document's section: Wellbeing."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import _Frozen


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
