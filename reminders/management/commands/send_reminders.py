"""Run the reminders job by hand for a given day: ``send_reminders --as-of 2026-10-05``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reminders import services


def parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date like 2026-10-05.") from None


class Command(BaseCommand):
    help = (
        "Find the reminders due on a day and send each person's digest. Safe to run again: "
        "nothing is sent twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=parse_day, help="The day (default today).")
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be sent; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on: dt.date = options["as_of"] or timezone.localdate()
        dry_run: bool = options["dry_run"]
        result = services.reminders_sweep(on=on, dry_run=dry_run)
        if dry_run:
            for p in result.planned:
                self.stdout.write(
                    f"would remind user {p.recipient_id} ({p.recipient_role}): "
                    f"{p.stage} {p.deadline_kind} about {p.subject_kind} {p.subject_id} "
                    f"(cycle {p.cycle_id}), due {p.due_on}"
                )
            self.stdout.write(
                f"Dry run for {on}: {len(result.planned)} reminders to "
                f"{result.recipients} people from {result.cycles} cycles."
            )
            return
        outcomes = services.reminders_send_pending(on=on)
        sent = [o for o in outcomes if o.status == "sent"]
        failed = [o for o in outcomes if o.status == "failed"]
        self.stdout.write(
            f"{on}: {len(result.planned)} reminders due from {result.cycles} cycles; "
            f"{len(sent)} digests sent ({sum(o.items for o in sent)} items), "
            f"{len(failed)} failed."
        )
        if failed:
            raise CommandError(f"{len(failed)} digests could not be sent; see the log.")
