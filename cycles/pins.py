"""Cycles pin policy versions (registered with policies in ``CyclesConfig.ready()``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Max

from .models import AppraisalCycle

if TYPE_CHECKING:
    from policies.models import Policy


def latest_version_start_pinned_by_cycles(policy: Policy) -> dt.date | None:
    result: dt.date | None = AppraisalCycle.objects.filter(policy_version__policy=policy).aggregate(
        latest=Max("policy_version__effective_from")
    )["latest"]
    return result
