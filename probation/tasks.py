"""Celery tasks for probation: thin wrappers that call the services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from .reminders import probation_reminders_sweep


@shared_task(name="probation.tasks.daily_reminders", ignore_result=True)
def daily_reminders(on: str | None = None) -> int:
    """Beat, once a day: remind line managers and HR of review meetings and ends due."""
    return probation_reminders_sweep(on=dt.date.fromisoformat(on) if on else None)
