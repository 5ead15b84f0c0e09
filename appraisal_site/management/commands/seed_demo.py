"""Build (or refresh) a demo trust and print its sign-ins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from appraisal_site.demo import PRESETS, seed_demo


class Command(BaseCommand):
    help = "Create or refresh a demo trust under one of the five policy presets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--preset", choices=PRESETS, default="classic-objectives")
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="Academic year the demo is set in (default: the current one).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        year = options["year"] or (today.year if today.month >= 9 else today.year - 1)
        result = seed_demo(preset=options["preset"], academic_year=year)
        verb = "Created" if result.created else "Refreshed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {result.trust.name} ({result.staff_count} staff, "
                f"policy preset {options['preset']}, {year}/{(year + 1) % 100:02d})."
            )
        )
        self.stdout.write("")
        self.stdout.write("Demo sign-ins (new passwords each run; demo use only):")
        for p in result.personas:
            self.stdout.write(f"  {p.label:<20} {p.email:<45} {p.password}")
            if p.mfa_secret:
                codes = ", ".join(p.recovery_codes)
                self.stdout.write(
                    f"  {'':<20} second step: authenticator secret {p.mfa_secret}"
                    f" or a recovery code: {codes}"
                )
        self.stdout.write("")
        self.stdout.write(f"Open http://127.0.0.1:8000/ (as of {dt.date.today():%d %B %Y}).")
