"""The policy document's section: Retention."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import _Frozen
from ..choices import RetentionFrom


class RetentionSettings(_Frozen):
    """How long records are kept before they are destroyed."""

    TITLE: ClassVar[str] = "Keeping records"
    EFFECTS: ClassVar[dict[str, str]] = {
        "default_years": (
            "Sets how long each appraisal record, and each record type left empty below, "
            "is kept before the nightly purge destroys it and lists it in the record of "
            "destruction."
        ),
        "appraisal_record_years": (
            "Sets when the nightly purge destroys a whole appraisal record (the cycle and "
            "everything recorded in it); a longer period for observations keeps it longer."
        ),
        "observation_years": (
            "Sets when the nightly purge destroys a cycle's observations: a shorter period "
            "destroys them on their own, before the rest of the appraisal record; a longer "
            "one keeps the whole record until the observations' period ends."
        ),
        "support_plan_years": (
            "Sets when the nightly purge destroys a closed support plan (its meetings, "
            "written plans, comments and history), counted from the day it closed or the "
            "day the person left, as set below; empty uses the years above. HR's termly "
            "meetings with headteachers are kept for the same years from the end of their "
            "term."
        ),
        "capability_years": (
            "Sets how long a support plan that reached the capability procedure is kept: "
            "the purge destroys it only when both these years and the support plan years "
            "have passed."
        ),
        "probation_years": (
            "Sets when the nightly purge destroys a decided probation (its review "
            "meetings, events and history), counted from the day it was decided or the "
            "day the person left, as set below; empty uses the years above."
        ),
        "pay_years": (
            "Sets when the nightly purge destroys a decided pay recommendation (its events "
            "and stored pay statement), counted from the day it took effect or the day the "
            "person left, as set below; empty uses the years above."
        ),
        "counted_from": (
            "Sets the day the years start: the end of each cycle, or the day the person "
            "left (a person still employed keeps every record); the purge and the record "
            "of destruction use it."
        ),
    }

    default_years: int = Field(
        6,
        ge=1,
        le=25,
        title="Keep records for (years)",
        description="How long records are kept, then destroyed, unless a type says otherwise.",
    )
    appraisal_record_years: int | None = Field(
        None, ge=1, le=25, title="Appraisal records (years)", description="Empty: as above."
    )
    observation_years: int | None = Field(
        None, ge=1, le=25, title="Observation records (years)", description="Empty: as above."
    )
    support_plan_years: int | None = Field(
        None, ge=1, le=25, title="Support plans (years)", description="Empty: as above."
    )
    capability_years: int | None = Field(
        None, ge=1, le=25, title="Capability records (years)", description="Empty: as above."
    )
    pay_years: int | None = Field(
        None, ge=1, le=25, title="Pay recommendations (years)", description="Empty: as above."
    )
    probation_years: int | None = Field(
        None, ge=1, le=25, title="Probation records (years)", description="Empty: as above."
    )
    counted_from: RetentionFrom = Field(
        RetentionFrom.END_OF_CYCLE,
        title="Years counted from",
        description="When the retention period starts.",
    )

    RECORD_TYPES: ClassVar[tuple[str, ...]] = (
        "appraisal_record",
        "observation",
        "support_plan",
        "capability",
        "pay",
        "probation",
    )

    def years_for(self, record_type: str) -> int:
        """Years to keep ``record_type`` (one of ``RECORD_TYPES``, or ``"default"``)."""
        if record_type == "default":
            return self.default_years
        if record_type not in self.RECORD_TYPES:
            raise KeyError(record_type)
        value: int | None = getattr(self, f"{record_type}_years")
        return self.default_years if value is None else value
