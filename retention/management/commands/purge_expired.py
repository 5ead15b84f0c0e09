"""Run the retention purge by hand: ``purge_expired --as-of 2033-09-01 [--dry-run]``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from retention import services
from retention.registry import retention_registry


def parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date like 2033-09-01.") from None


class Command(BaseCommand):
    help = (
        "Destroy every record (appraisal records, and records such as observations kept "
        "for a shorter time) whose retention period has ended and that is not under a "
        "legal hold, recording each in the purge ledger. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=parse_day, help="The day (default today).")
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be destroyed; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of: dt.date = options["as_of"] or timezone.localdate()
        dry_run: bool = options["dry_run"]
        run = services.purge_expired_records(as_of=as_of, dry_run=dry_run)
        if run.locked_out:
            raise CommandError("Another purge is running. Try again when it has finished.")
        for outcome in run.outcomes:
            rows = ", ".join(f"{label} {n}" for label, n in sorted(outcome.rows.items()))
            detail = f" ({outcome.detail})" if outcome.detail else ""
            self.stdout.write(
                f"{outcome.status}: "
                f"{retention_registry.label_for(outcome.record_type).lower()} {outcome.record_id}"
                f"{detail}{': ' + rows if rows else ''}"
                f"{f'; {outcome.files} files' if outcome.files else ''}"
            )
        verb = "would be destroyed" if dry_run else "destroyed"
        count = run.count("would_purge") if dry_run else run.purged
        self.stdout.write(
            f"As of {as_of}: {count} records {verb}; {run.held + run.count('held')} kept by "
            f"a legal hold; {run.count('blocked')} blocked; {run.count('failed')} failed."
        )
        if run.count("failed"):
            raise CommandError("Some records could not be destroyed; see the log.")
