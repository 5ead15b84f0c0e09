"""The appraisal cycle as a retention root, registered by ``RetentionConfig.ready()``.

Cycles sits below retention in the import layers and may not import it, so retention
registers the cycle itself; the apps above (reviews' observations) register their own
record types under it."""

from __future__ import annotations

from cycles.models import AppraisalCycle

from .registry import ModelRoot

CYCLE_ROOT = ModelRoot(
    key="appraisal_cycle",
    record_type="appraisal_record",
    label="Appraisal record",
    model=AppraisalCycle,
    # Everything recorded in the year that no other record type claims is the
    # appraisal record (retention.appraisal_record_years, else default_years).
    retention_field="appraisal_record",
    ends_on="ends_on",
    starts_on="starts_on",
    academy="academy_id",
    person="appraisee_id",
    left_on="appraisee__left_on",
)
