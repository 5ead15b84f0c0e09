"""The policy document's section: Personal development plan."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import MAX_LIST_ITEMS, ShortText, _Frozen
from ..choices import ObjectiveKind


class PdpSettings(_Frozen):
    """A personal development plan with an inquiry element."""

    TITLE: ClassVar[str] = "Personal development plan"
    EFFECTS: ClassVar[dict[str, str]] = {
        "professional_iq_required": "A development plan cannot be agreed until every part of "
        "the Professional IQ inquiry is answered.",
        "professional_iq_parts": "Sets the questions of the inquiry on the development plan "
        "form and record, each of which must be answered before the plan is agreed.",
        "pedagogical_approach_for_student_facing_only": "The development plan form tells the "
        "member of staff that a teaching approach is part of the inquiry only for teachers "
        "and student-facing support staff.",
        "development_needs_required": "A development plan cannot be agreed until the review "
        "of personal development needs is written.",
        "extra_target_kinds": "The kinds of extra target a plan can hold: the target form "
        "offers only these, and a plan with any other cannot be agreed.",
        "extra_targets_link_to": "Names what every extra target must relate to, on the record "
        "and in the reason a plan with an unlinked target cannot be agreed.",
        "differentiated_for_support_roles": "Support staff's development plans get a field "
        "saying how the plan suits their grade and role, and cannot be agreed until it is "
        "written.",
    }

    professional_iq_required: bool = Field(
        True,
        title="Everyone completes a Professional IQ inquiry",
        description="A research-informed inquiry into one area of their own practice.",
    )
    professional_iq_parts: tuple[ShortText, ...] = Field(
        (
            "What needs to be improved",
            "The research-informed strategy to improve it",
            "How the impact will be assessed",
            "How it will be shared across the school or trust",
        ),
        max_length=MAX_LIST_ITEMS,
        title="Parts of the inquiry",
        description="One per line: what every inquiry must cover.",
    )
    pedagogical_approach_for_student_facing_only: bool = Field(
        True,
        title="Teaching approach only for student-facing staff",
        description="The inquiry covers a teaching approach only for teachers and "
        "student-facing support staff.",
    )
    development_needs_required: bool = Field(
        True,
        title="Personal development needs are reviewed",
        description="The plan includes a review of the person's own development needs.",
    )
    extra_target_kinds: tuple[ObjectiveKind, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="Extra targets some staff have",
        description="Targets some staff add because of wider responsibilities.",
    )
    extra_targets_link_to: ShortText = Field(
        "Academy improvement priorities",
        title="Extra targets must relate to",
        description="What every extra target must relate directly to.",
    )
    differentiated_for_support_roles: bool = Field(
        True,
        title="Support staff plans differ by grade and role",
        description="Support staff use a plan suited to their grade and role.",
    )
