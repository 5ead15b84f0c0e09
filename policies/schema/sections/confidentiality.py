"""The policy document's section: Confidentiality."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from ..base import MAX_LIST_ITEMS, FieldError, _Frozen
from ..choices import Reader


class ConfidentialitySettings(_Frozen):
    """Who may read a person's appraisal record, and what leaves the school."""

    TITLE: ClassVar[str] = "Confidentiality"
    EFFECTS: ClassVar[dict[str, str]] = {
        "readers": "Decides who opens a person's appraisal record (objectives, reviews, "
        "evidence, notes and statements) under this policy: a role left out of the list "
        'gets "Page not found" for it and does not see it in any list. HR, the headteacher '
        "and the delegated lead still run the cycles they administer (stage, dates, reviewer, "
        "opening, suspending, closing, exceptional access) without reading their content. "
        "Governors are never readers: they see anonymised reports, and read a headteacher's "
        "appraisal only as a member of its review committee.",
        "outside_parties_anonymised": "Recorded for the reports to governors and Ofsted, "
        "which are not built yet: changing it changes nothing yet.",
        "governors_may_request_sample": "Recorded for the reports to governors, which are "
        "not built yet: changing it changes nothing yet.",
        "governor_reports_without_individuals": "Recorded for the reports to governors, "
        "which are not built yet: changing it changes nothing yet.",
        "headteacher_commitments_shared_with_governors": "When on, the academy's governors "
        "read on their home page the headteacher's professional development commitments "
        "(the growth areas and professional development of each conversation held, and the "
        "agreed development plan's needs) for the headteacher's latest appraisal year, and "
        "nothing else of it; when off, governors see none of it (aspire §6.2).",
        "reviewee_agrees_before_colleagues_asked": "When on, colleagues asked for feedback "
        "on a member of staff see the request only once that member of staff has agreed "
        "on their own page, and the member of staff sees who was asked; when off, the "
        "request goes to the colleagues at once and the member of staff is not shown who.",
        "small_number_threshold": "Decides which figures of the governors' and trustees' "
        "reports are hidden: a count from 1 to one below this number is shown as hidden, "
        "with enough other figures that no total gives it away (the strictest value among "
        "the policies of the year's appraisals counts).",
        "sensitive_small_number_threshold": "The same for support and capability figures "
        "of the governors' and trustees' reports, which are more sensitive.",
    }

    readers: tuple[Reader, ...] = Field(
        (Reader.REVIEWER, Reader.REVIEWEE, Reader.HEADTEACHER),
        min_length=1,
        max_length=MAX_LIST_ITEMS,
        title="Who may read a person's record",
        description="Besides these, nobody reads an individual's record.",
    )
    outside_parties_anonymised: bool = Field(
        True,
        title="Outside parties see anonymised information only",
        description="Governors and Ofsted receive only anonymised information.",
    )
    governors_may_request_sample: bool = Field(
        False,
        title="Governors may ask for an anonymised sample of statements",
        description="To monitor how well appraisal works.",
    )
    governor_reports_without_individuals: bool = Field(
        True,
        title="Reports to governors carry no individual details",
        description="Governors get overall reports only.",
    )
    headteacher_commitments_shared_with_governors: bool = Field(
        False,
        title="Headteacher's development commitments shared with governors",
        description="For transparency, with the local governing body.",
    )
    reviewee_agrees_before_colleagues_asked: bool = Field(
        False,
        title="Reviewer asks before consulting colleagues",
        description="The reviewer seeks the reviewee's agreement before asking colleagues "
        "about their work.",
    )
    small_number_threshold: int = Field(
        5,
        ge=2,
        le=50,
        title="Hide report figures below",
        description="Any count in a report smaller than this is hidden so nobody can be "
        "identified.",
    )
    sensitive_small_number_threshold: int = Field(
        10,
        ge=2,
        le=50,
        title="Hide capability and wellbeing figures below",
        description="The same for capability and wellbeing figures, which are more sensitive.",
    )

    @model_validator(mode="after")
    def _sensitive_at_least(self) -> ConfidentialitySettings:
        if self.sensitive_small_number_threshold < self.small_number_threshold:
            raise FieldError(
                "The threshold for sensitive figures cannot be lower than the ordinary one.",
                field="sensitive_small_number_threshold",
            )
        return self
