"""The pay recommendation as a retention root: the nightly purge destroys a decided
recommendation whole (its events, its stored pay statement and the history of each) once
the pinned policy's ``retention.pay_years`` (else the trust's ``default_years``) have passed
since the date it took effect (or since the person left, where the policy counts from
then). One not yet decided has no end, so it is never a candidate. A legal hold on the
recommendation, or on the person, keeps it.

Registered from ``PayProgressionConfig.ready()``; the key ``"pay_recommendation"`` is stored
in holds and the ledger, and is the same word its reminders name it by."""

from __future__ import annotations

from retention.registry import ModelRoot

from .models import PayRecommendation

PAY_RECOMMENDATION = "pay_recommendation"

PAY_RECOMMENDATION_ROOT = ModelRoot(
    key=PAY_RECOMMENDATION,
    record_type="pay_record",
    label="Pay recommendation",
    model=PayRecommendation,
    retention_field="pay",
    ends_on="effective_from",
    academy="academy_id",
    person="staff_id",
    left_on="staff__left_on",
)
