"""Colleague feedback as a record type under the appraisal record: a round, its requests
and its answers (with the history of each) are kept exactly as long as the cycle they
belong to (``retention.appraisal_record_years``, else the trust default) and destroyed
with it; a legal hold on the record keeps them. The key ``"colleague_feedback"`` is
stored in the ledger: never rename it."""

from __future__ import annotations

from retention.registry import ChildRecordType

from .models import FeedbackRound

COLLEAGUE_FEEDBACK = "colleague_feedback"

FEEDBACK_RECORD_TYPE = ChildRecordType(
    key=COLLEAGUE_FEEDBACK,
    label="Colleague feedback",
    root_key="appraisal_cycle",
    model=FeedbackRound,
    retention_field="appraisal_record",
    root_column="cycle_id",
)
