"""Helpers for the support plan tests."""

from __future__ import annotations

import datetime as dt

from support_plans.models import SupportPlan


def stage_has_run(plan: SupportPlan, weeks: int = 8) -> SupportPlan:
    """The plan as if its current stage began ``weeks`` ago (past any minimum length)."""
    SupportPlan.objects.filter(pk=plan.pk).update(
        stage_started_on=plan.stage_started_on - dt.timedelta(weeks=weeks)
    )
    plan.refresh_from_db()
    return plan
