"""The policy document's section: Objectives."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from ..base import MAX_LIST_ITEMS, FieldError, MonthDay, ShortText, _Frozen, md
from ..choices import Decider, ObjectiveKind


class ObjectivesSettings(_Frozen):
    """Objectives: how many, of which kinds, aligned to what, set by when."""

    TITLE: ClassVar[str] = "Objectives"
    EFFECTS: ClassVar[dict[str, str]] = {
        "minimum_count": "Objectives cannot be proposed, agreed or decided while a plan has "
        "fewer than this; the plan page says which rule is broken.",
        "normal_count": "The plan page, the add-an-objective page and the record say staff "
        "normally have this many objectives, and warn (without refusing) when a plan has "
        "a different number.",
        "maximum_count": "Objectives cannot be proposed, agreed or decided while a plan has "
        "more than this.",
        "leader_minimum_count": "Replaces the fewest objectives for leaders (and upper pay "
        "range teachers where they count as leaders): their plans cannot be agreed with "
        "fewer.",
        "leader_normal_count": "Replaces the usual number of objectives for leaders: their "
        "plan pages say it and warn when a plan has a different number.",
        "leader_maximum_count": "Replaces the most objectives for leaders: their plans "
        "cannot be agreed with more.",
        "upper_pay_range_teachers_count_as_leaders": "Teachers on the upper pay range get "
        "the leaders' numbers of objectives and must also have the leaders' kinds.",
        "required_kinds_everyone": "Nobody's objectives can be agreed until at least one "
        "objective of each of these kinds is in the plan.",
        "required_kinds_teachers": "A teacher's (or teaching leader's) objectives cannot be "
        "agreed without at least one objective of each of these kinds.",
        "required_kinds_leaders": "A leader's objectives cannot be agreed without at least "
        "one objective of each of these kinds.",
        "required_kinds_headteacher": "The headteacher's objectives cannot be agreed without "
        "at least one objective of each of these kinds.",
        "smart_required": "The objective form requires each SMART part, and a plan with an "
        "objective missing one cannot be agreed.",
        "alignment_required": "A plan cannot be agreed until every objective (and every "
        "extra target) says which plan or priority it supports.",
        "align_to": "Lists the plans the objective form offers to link an objective to, and "
        "names them in the rules shown on the plan page.",
        "shared_objectives_allowed": "Lets staff be given a shared objective; without it, "
        "handing out a shared objective to this policy's cycles is refused.",
        "shared_objective_individual_parts": "A shared objective's form gets one field per "
        "part for the person's own text, and the plan cannot be agreed until at least one "
        "of them is written.",
        "set_by": "Sets the day objectives (or the development plan) are due to be agreed: "
        "the reminders, the overdue flag and the record use it.",
        "set_at_annual_review_meeting": "Makes objectives due at the annual review meeting "
        "(the review's due day) instead of by the set-by day.",
        "account_for_absence": "The objectives page lets either side record absence to be "
        "taken into account when judging the objectives, and the record shows it; without "
        "it, no absence is recorded there.",
        "disagreement_decided_by": "Where it is the headteacher, the headteacher can decide "
        "objectives the member of staff does not agree; otherwise nobody can.",
        "either_party_may_ask_for_review": "Once objectives are agreed, the reviewer or the "
        "member of staff can ask on the objectives page for them to be reviewed; without "
        "it, the request is not offered and is refused.",
    }

    minimum_count: int = Field(
        1,
        ge=0,
        le=10,
        title="Fewest objectives",
        description="The fewest objectives a member of staff may have.",
    )
    normal_count: int = Field(
        3,
        ge=0,
        le=10,
        title="Usual number of objectives",
        description="How many objectives a member of staff normally has.",
    )
    maximum_count: int = Field(
        3,
        ge=0,
        le=10,
        title="Most objectives",
        description="The most objectives a member of staff may have.",
    )
    leader_minimum_count: int | None = Field(
        None,
        ge=0,
        le=10,
        title="Fewest objectives for leaders",
        description="Leave empty when leaders follow the same numbers as everyone else.",
    )
    leader_normal_count: int | None = Field(
        None,
        ge=0,
        le=10,
        title="Usual number of objectives for leaders",
        description="Leave empty when leaders follow the same numbers as everyone else.",
    )
    leader_maximum_count: int | None = Field(
        None,
        ge=0,
        le=10,
        title="Most objectives for leaders",
        description="Leave empty when leaders follow the same numbers as everyone else.",
    )
    upper_pay_range_teachers_count_as_leaders: bool = Field(
        False,
        title="Teachers on the upper pay range count as leaders",
        description="Whether teachers on the upper pay range follow the leaders' numbers and "
        "required kinds of objective.",
    )
    required_kinds_everyone: tuple[ObjectiveKind, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="Every member of staff must have",
        description="Kinds of objective everybody must have at least one of.",
    )
    required_kinds_teachers: tuple[ObjectiveKind, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="Teachers must also have",
        description="Kinds of objective every teacher must have at least one of.",
    )
    required_kinds_leaders: tuple[ObjectiveKind, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="Leaders must also have",
        description="Kinds of objective every leader must have at least one of.",
    )
    required_kinds_headteacher: tuple[ObjectiveKind, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="The headteacher must have",
        description="Kinds of objective the headteacher must have at least one of.",
    )
    smart_required: bool = Field(
        True,
        title="Objectives must be SMART",
        description="Specific, measurable, achievable, realistic and time-bound.",
    )
    alignment_required: bool = Field(
        True,
        title="Objectives must link to improvement plans",
        description="Each objective says which plan or priority it supports.",
    )
    align_to: tuple[ShortText, ...] = Field(
        ("School improvement plan",),
        max_length=MAX_LIST_ITEMS,
        title="Plans and priorities objectives link to",
        description="One per line. The reviewer picks which one each objective supports.",
    )
    shared_objectives_allowed: bool = Field(
        False,
        title="Several staff may share one objective",
        description="For example a team objective that everyone in the team has.",
    )
    shared_objective_individual_parts: tuple[ShortText, ...] = Field(
        (),
        max_length=MAX_LIST_ITEMS,
        title="What stays individual in a shared objective",
        description="One per line: parts each person records for themself even when the "
        "objective is shared.",
    )
    set_by: MonthDay | None = Field(
        default_factory=lambda: md(10, 31),
        title="Objectives set by",
        description="The latest day in the cycle by which objectives are agreed. Leave empty "
        "when they are set at the annual review meeting.",
    )
    set_at_annual_review_meeting: bool = Field(
        False,
        title="Objectives are set at the annual review meeting",
        description="The annual review meeting closes one year and sets the next year's "
        "objectives.",
    )
    account_for_absence: bool = Field(
        True,
        title="Absence is taken into account",
        description="Sickness or maternity leave is taken into account when judging whether "
        "objectives were met, so absence never disadvantages anyone.",
    )
    disagreement_decided_by: Decider = Field(
        Decider.HEADTEACHER,
        title="If reviewer and reviewee cannot agree objectives",
        description="Who decides the objectives when the two cannot agree.",
    )
    either_party_may_ask_for_review: bool = Field(
        True,
        title="Objectives can be revisited if circumstances change",
        description="Reviewer or reviewee may ask to review objectives part-way through the "
        "cycle if circumstances change significantly.",
    )

    @model_validator(mode="after")
    def _counts_in_order(self) -> ObjectivesSettings:
        for prefix, low, usual, high in (
            ("", self.minimum_count, self.normal_count, self.maximum_count),
            ("leaders' ", *self.counts_for(is_leader=True)),
        ):
            if not low <= usual <= high:
                # Shown by the first number of the pair out of order.
                first = "minimum_count" if low > usual else "normal_count"
                raise FieldError(
                    f"The {prefix}numbers of objectives must go fewest ≤ usual ≤ most "
                    f"(got {low}, {usual}, {high}).",
                    field=f"leader_{first}" if prefix else first,
                )
        return self

    def counts_for(self, *, is_leader: bool) -> tuple[int, int, int]:
        """(fewest, usual, most) objectives for a leader or anyone else."""
        if not is_leader:
            return self.minimum_count, self.normal_count, self.maximum_count
        return (
            _first(self.leader_minimum_count, self.minimum_count),
            _first(self.leader_normal_count, self.normal_count),
            _first(self.leader_maximum_count, self.maximum_count),
        )

    def required_kinds(
        self, *, is_teacher: bool, is_leader: bool, is_headteacher: bool
    ) -> tuple[ObjectiveKind, ...]:
        """Kinds of objective this person must have at least one of (no duplicates)."""
        kinds = list(self.required_kinds_everyone)
        if is_teacher:
            kinds += self.required_kinds_teachers
        if is_leader:
            kinds += self.required_kinds_leaders
        if is_headteacher:
            kinds += self.required_kinds_headteacher
        return tuple(dict.fromkeys(kinds))


def _first(value: int | None, fallback: int) -> int:
    return fallback if value is None else value
