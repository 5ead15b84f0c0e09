"""The policy document's section: Meetings."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import _Frozen


class MeetingsSettings(_Frozen):
    """Meetings through the year and the annual review meeting."""

    TITLE: ClassVar[str] = "Meetings"

    EFFECTS: ClassVar[dict[str, str]] = {
        "interim_meeting_every_months": "Gives the cycle interim meetings: one can be planned, "
        "and each is due this many months after the last, with a reminder and overdue flag.",
        "termly_review_meetings": "Gives the cycle a review meeting each term: one can be "
        "planned, and each is due by the end of its term, with a reminder and overdue flag.",
        "midpoint_check_in": "Gives the cycle a mid-point check-in, due half-way through, "
        "unless the policy has no formal mid-year review or interim or termly meetings or "
        "conversations already cover the year.",
        "annual_review_notice_days": "Planning the annual review meeting with less notice "
        "than this is refused.",
        "annual_review_minutes": "Planning the annual review meeting with less time set "
        "aside than this is refused.",
        "record_completed_within_days": "Sets when the record of the annual review meeting "
        "is due after the meeting: the reviewer's reminder and the overdue flag use it.",
        "meetings_may_cover_other_matters": "When on, the meeting pages say the meeting may "
        "also cover other matters about the person's work and ask for them apart; when off, "
        "they say to keep the meeting to appraisal and have no place for other matters.",
    }

    interim_meeting_every_months: int | None = Field(
        None,
        ge=1,
        le=12,
        title="Interim meetings at least every (months)",
        description="Leave empty when the policy sets no interim-meeting interval.",
    )
    termly_review_meetings: bool = Field(
        False,
        title="Review meetings every term",
        description="Reviewer and reviewee plan a review meeting each term.",
    )
    midpoint_check_in: bool = Field(
        True,
        title="A check-in at the midpoint of the cycle",
        description="A check-in with the reviewer half-way through the cycle.",
    )
    annual_review_notice_days: int = Field(
        0,
        ge=0,
        le=60,
        title="Notice of the annual review meeting (days)",
        description="Calendar days' notice of the date of the annual review meeting. 0 sets "
        "no minimum.",
    )
    annual_review_minutes: int = Field(
        0,
        ge=0,
        le=480,
        title="Time set aside for the annual review meeting (minutes)",
        description="How long the annual review meeting is expected to last, at least. "
        "0 sets no expectation.",
    )
    record_completed_within_days: int = Field(
        14,
        ge=0,
        le=60,
        title="Record of the annual review completed within (days)",
        description="Days after the meeting by which the written record must be complete.",
    )
    meetings_may_cover_other_matters: bool = Field(
        True,
        title="Meetings may cover other employment matters",
        description="Reviewer and reviewee may use the meetings to discuss other matters "
        "about their work.",
    )
