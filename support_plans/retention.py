"""The support plan as a retention root: the nightly purge destroys a closed plan whole,
with its meetings, written plans, the member of staff's comments, its events and the
history of each, once the pinned policy's ``retention.support_plan_years`` (else the
trust's ``default_years``) have passed since it closed (or since the person left, where
the policy counts from then). A plan that reached the capability procedure is the
capability record too, and is kept for ``retention.capability_years`` where that is
longer. A legal hold on the plan, or on the person, keeps it.

A concern that never became a plan is a root of its own (``"support_concern"``), kept for
the support plan years from the day it was raised with the person.

The HR director's termly meeting with a headteacher (langley §7 VII) is a root of its own
too (``"support_termly_review"``): destroyed with its history and the list of whom it
discussed once the support plan years (else the trust's ``default_years``) of the policy
version it pinned when scheduled have passed since the end of its term. It is about an
academy, not one person, so its years count from the end of the term however the policy
counts; a legal hold on the meeting keeps it.

Registered from ``SupportPlansConfig.ready()``; the key ``"support_plan"`` is stored in
holds and the ledger, and is the same word its reminders name it by."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models

from policies.schema import RetentionFrom
from retention.registry import ModelRoot, RootFacts

from .models import Concern, SupportPlan, TermlyReview

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


@dataclass(frozen=True)
class ConcernRoot(ModelRoot):
    """Concerns that never became a support plan: their own retention root, kept for the
    policy's support plan years from the day the concern was raised with the person. A
    concern a plan was opened from goes with that plan's record instead, so it is never a
    candidate while a plan names it."""

    def candidates(
        self, policy_version_id: int, counted_from: RetentionFrom, latest: dt.date, /
    ) -> Iterable[RootFacts]:
        rows = self.model._base_manager.filter(
            policy_version_id=policy_version_id, plans__isnull=True
        ).filter(raised_with_them_on__lte=latest)
        if counted_from == RetentionFrom.END_OF_EMPLOYMENT:
            rows = rows.filter(staff__left_on__lte=latest)
        return self._facts(rows.order_by("raised_with_them_on", "pk"))

    def facts(self, pks: Collection[int], /, *, lock: bool = False) -> dict[int, RootFacts]:
        rows = self.model._base_manager.filter(pk__in=list(pks), plans__isnull=True)
        if lock:
            rows = rows.select_for_update(of=("self",))
        return {f.pk: f for f in self._facts(rows.order_by("pk"))}


CONCERN = "support_concern"

CONCERN_ROOT = ConcernRoot(
    key=CONCERN,
    record_type="support_concern_record",
    label="Concern (no support plan)",
    model=Concern,
    retention_field="support_plan",
    ends_on="raised_with_them_on",
    starts_on="raised_with_them_on",
    academy="academy_id",
    person="staff_id",
    left_on="staff__left_on",
)


@dataclass(frozen=True)
class TermlyReviewRoot(ModelRoot):
    """A termly meeting is about an academy, not one person: where the policy counts the
    years from the day the person left, the meeting's count from the end of its term."""

    def _facts(self, rows: models.QuerySet[Any]) -> Iterator[RootFacts]:
        for facts in super()._facts(rows):
            yield dataclasses.replace(facts, left_on=facts.ends_on)


TERMLY_REVIEW = "support_termly_review"

TERMLY_REVIEW_ROOT = TermlyReviewRoot(
    key=TERMLY_REVIEW,
    record_type="support_termly_review_record",
    label="Termly meeting with a headteacher",
    model=TermlyReview,
    # The policy has no years of its own for these meetings: the support plan years
    # (else the trust default) apply, as to the plans they discuss.
    retention_field="support_plan",
    ends_on="term__ends_on",
    starts_on="term__starts_on",
    academy="academy_id",
)
