"""The support plan as a retention root: the nightly purge destroys a closed plan whole,
with its meetings, written plans, the member of staff's comments, its events and the
history of each, once the pinned policy's ``retention.support_plan_years`` (else the
trust's ``default_years``) have passed since it closed (or since the person left, where
the policy counts from then). A plan that reached the capability procedure is the
capability record too, and is kept for ``retention.capability_years`` where that is
longer. A legal hold on the plan, or on the person, keeps it.

Registered from ``SupportPlansConfig.ready()``; the key ``"support_plan"`` is stored in
holds and the ledger, and is the same word its reminders name it by."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models

from retention.registry import ModelRoot, RootFacts

from .models import SupportPlan

SUPPORT_PLAN = "support_plan"


@dataclass(frozen=True)
class SupportPlanRoot(ModelRoot):
    """A ``ModelRoot`` whose rows that reached capability are kept for the capability
    period as well."""

    def _facts(self, rows: models.QuerySet[Any]) -> Iterator[RootFacts]:
        paths = self._paths()
        for *values, capability_started_on in rows.values_list(
            *paths.values(), "capability_started_on"
        ):
            facts = dict(zip(paths, values, strict=True))
            extra = ("capability",) if capability_started_on is not None else ()
            yield RootFacts(**facts, extra_fields=extra)


SUPPORT_PLAN_ROOT = SupportPlanRoot(
    key=SUPPORT_PLAN,
    record_type="support_plan_record",
    label="Support plan",
    model=SupportPlan,
    retention_field="support_plan",
    # An open plan has no end yet, so it is never a candidate.
    ends_on="closed_on",
    starts_on="opened_on",
    academy="academy_id",
    person="staff_id",
    left_on="staff__left_on",
)
