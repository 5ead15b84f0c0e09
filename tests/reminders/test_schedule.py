"""The static beat schedule and the Redis transport settings."""

from __future__ import annotations

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import call_command

from appraisal_site.celery import app


def test_every_scheduled_task_exists_and_avoids_the_clock_change_hour() -> None:
    app.loader.import_default_modules()
    assert settings.CELERY_TIMEZONE == "Europe/London"
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
        schedule = entry["schedule"]
        assert isinstance(schedule, crontab), name
        assert 1 not in schedule.hour, f"{name} runs between 01:00 and 02:00"


def test_redis_transport_settings() -> None:
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    # Every task is stopped before Redis would hand its message to another worker.
    assert timeout > settings.CELERY_TASK_TIME_LIMIT
    from retention.tasks import PURGE_TASK_BUDGET_SECONDS

    assert PURGE_TASK_BUDGET_SECONDS < settings.CELERY_TASK_SOFT_TIME_LIMIT


@pytest.mark.django_db
def test_the_in_process_scheduler_runs_every_job_once(capsys: pytest.CaptureFixture[str]) -> None:
    """``make run``'s scheduler finds each scheduled task on the project's Celery app."""
    call_command("run_scheduled_jobs", "--once")
    out = capsys.readouterr()
    assert out.err == ""
    for name in settings.CELERY_BEAT_SCHEDULE:
        assert f"{name}: done" in out.out
