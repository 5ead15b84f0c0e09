"""The policy document's section: Observations."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import MAX_LIST_ITEMS, _Frozen
from ..choices import ObservationType


class ObservationSettings(_Frozen):
    """Classroom and work observation."""

    TITLE: ClassVar[str] = "Observation"
    EFFECTS: ClassVar[dict[str, str]] = {
        "teacher_observer_needs_qts": "Recording an observation of a teacher is refused when "
        "the observer does not hold qualified teacher status.",
        "yearly_cap_minutes": "Recording an observation is refused when it would take the "
        "year's observation for appraisal beyond this many minutes; the cycle page shows "
        "the minutes used.",
        "formal_per_cycle": "Recording a formal observation beyond this number asks the "
        "person recording it to confirm that it is needed.",
        "drop_ins_allowed": "When off, recording a drop-in visit is refused.",
        "advance_notice_required": "When on, a formal or work observation not discussed with "
        "the member of staff first is recorded but not used as appraisal evidence.",
        "verbal_feedback_working_days": "Sets the day spoken feedback on an observation is "
        "due, counted in the academy's working days: the observer's deadlines and the "
        "overdue flag use it.",
        "written_feedback_working_days": "Sets the day written feedback on an observation is "
        "due, counted in the academy's working days: the observer's deadlines and the "
        "overdue flag use it.",
        "feedback_within_hours": "Sets one feedback deadline this many working hours after "
        "the observation, in place of the spoken and written ones.",
        "not_usable_for_appraisal": "Observations of these kinds are recorded but kept out "
        "of the review's evidence and the statement, and owe no feedback deadline.",
        "learning_walks_usable_when_concerns": "When on, a learning walk that raised concerns "
        "counts as appraisal evidence even though learning walks otherwise do not.",
    }

    teacher_observer_needs_qts: bool = Field(
        True,
        title="Teachers are observed only by people with QTS",
        description="Classroom observation of teachers is carried out by people who hold "
        "qualified teacher status.",
    )
    yearly_cap_minutes: int | None = Field(
        None,
        ge=0,
        le=3000,
        title="Most observation a year (minutes)",
        description="Total minutes of observation for appraisal and development in a year. "
        "Leave empty for no cap.",
    )
    formal_per_cycle: int | None = Field(
        None,
        ge=0,
        le=20,
        title="Formal observations a cycle, normally",
        description="Leave empty for no limit.",
    )
    drop_ins_allowed: bool = Field(
        True,
        title="Drop-in visits allowed",
        description="Leaders may drop in to see standards of teaching.",
    )
    advance_notice_required: bool = Field(
        True,
        title="Observations are discussed in advance",
        description="Any observation for appraisal is discussed with the person first.",
    )
    verbal_feedback_working_days: int | None = Field(
        None,
        ge=0,
        le=20,
        title="Spoken feedback within (working days)",
        description="Leave empty for 'as soon as practicable'.",
    )
    written_feedback_working_days: int | None = Field(
        None,
        ge=0,
        le=30,
        title="Written feedback within (working days)",
        description="Leave empty for 'as soon as practicable'.",
    )
    feedback_within_hours: int | None = Field(
        None,
        ge=1,
        le=240,
        title="Feedback within (hours)",
        description="For policies that count feedback in hours. Leave empty otherwise.",
    )
    not_usable_for_appraisal: tuple[ObservationType, ...] = Field(
        (ObservationType.OFSTED_INSPECTION,),
        max_length=MAX_LIST_ITEMS,
        title="Observations that may not be used for appraisal",
        description="Kinds of observation that cannot count as appraisal evidence.",
    )
    learning_walks_usable_when_concerns: bool = Field(
        False,
        title="Learning walks count when concerns arise",
        description="A learning walk may be used if it raises concerns about the standards.",
    )
