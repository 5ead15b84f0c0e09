"""Run the beat schedule in this process, for ``make run`` (no Redis, no Celery worker).

Every job in ``CELERY_BEAT_SCHEDULE`` runs once at start (as a server that was off
overnight would catch up) and then whenever its crontab falls due, checked every
``--every`` seconds. Tasks run in-process; they are idempotent, so catching up is safe.
Production runs ``celery beat`` and a worker instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from celery import current_app as app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

# The project's Celery app (``appraisal_site.celery``, made current when Django loads the
# project package), reached without importing the project package from an app below it.

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the scheduled jobs (reminders, retention purge...) in-process on a timer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=int, default=300, help="Seconds between checks (default 300)."
        )
        parser.add_argument("--once", action="store_true", help="Run every job once, then stop.")

    def _run(self, name: str, task_name: str) -> None:
        task = app.tasks[task_name]
        try:
            result = task.apply(throw=True).get()
        except Exception:
            logger.exception("scheduled job failed: %s", name)
            self.stderr.write(f"{name}: failed (see the log)")
        else:
            self.stdout.write(f"{name}: done ({result})")

    def handle(self, *args: Any, **options: Any) -> None:
        app.loader.import_default_modules()
        schedule: dict[str, dict[str, Any]] = settings.CELERY_BEAT_SCHEDULE
        last_run: dict[str, dt.datetime] = {}
        for name, entry in schedule.items():
            self._run(name, str(entry["task"]))
            last_run[name] = app.now()
        if options["once"]:
            return
        every = max(1, options["every"])
        try:
            while True:
                time.sleep(every)
                for name, entry in schedule.items():
                    due, _ = entry["schedule"].is_due(last_run[name])
                    if due:
                        self._run(name, str(entry["task"]))
                        last_run[name] = app.now()
        except KeyboardInterrupt:
            return
