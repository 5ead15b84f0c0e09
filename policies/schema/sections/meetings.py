"""The policy document's section: Meetings."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import _Frozen


class MeetingsSettings(_Frozen):
    """Meetings through the year and the annual review meeting."""

    TITLE: ClassVar[str] = "Meetings"

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
