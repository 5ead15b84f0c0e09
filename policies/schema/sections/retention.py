"""The policy document's section: Retention."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import _Frozen
from ..choices import RetentionFrom


class RetentionSettings(_Frozen):
    """How long records are kept before they are destroyed."""

    TITLE: ClassVar[str] = "Keeping records"

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
    )

    def years_for(self, record_type: str) -> int:
        """Years to keep ``record_type`` (one of ``RECORD_TYPES``)."""
        if record_type not in self.RECORD_TYPES:
            raise KeyError(record_type)
        value: int | None = getattr(self, f"{record_type}_years")
        return self.default_years if value is None else value
