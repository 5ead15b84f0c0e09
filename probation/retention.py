"""The probation as a retention root: the nightly purge destroys a decided probation
whole, with its review meetings, its events and the history of each, once the pinned
policy's ``retention.probation_years`` (else the trust's ``default_years``) have passed
since it was decided (or since the person left, where the policy counts from then). A
probation still running has no end yet and is never a candidate. A legal hold on the
probation, or on the person, keeps it.

Registered from ``ProbationConfig.ready()``; the key ``"probation"`` is stored in holds
and the ledger, and is the same word its reminders name it by."""

from __future__ import annotations

from retention.registry import ModelRoot

from .models import Probation

PROBATION = "probation"

PROBATION_ROOT = ModelRoot(
    key=PROBATION,
    record_type="probation_record",
    label="Probation",
    model=Probation,
    retention_field="probation",
    ends_on="decided_on",
    starts_on="starts_on",
    academy="academy_id",
    person="staff_id",
    left_on="staff__left_on",
)
