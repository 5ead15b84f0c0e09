from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import replace

import pytest

from cycles import deadlines as cycle_deadlines
from cycles.deadlines import Deadline, Subject
from cycles.extensions import DeadlineSource, Registry
from cycles.models import AppraisalCycle

from .factories import World, make_world


@pytest.fixture(autouse=True)
def _email_settings(settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://appraisal.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return make_world(
        reminders={"days_before": 3, "remind_on_day": True, "remind_when_overdue_every_days": 5}
    )


class FakeDeadlines:
    """A test-only deadline source standing in for the other apps' registered ones:
    ``add(cycle, kind, due_on, recipient)`` and the sweep sees it. Like the appraisal
    year's own sources, a suspended cycle stops it unless made with
    ``stopped_by_suspension=False``."""

    def __init__(self, *, stopped_by_suspension: bool = True) -> None:
        self.items: list[Deadline] = []
        self.STOPPED_BY_SUSPENSION = stopped_by_suspension

    def add(
        self,
        cycle: AppraisalCycle,
        kind: str,
        due_on: dt.date,
        recipient: str = "reviewer",
        *,
        done: bool = False,
        label: str | None = None,
        subject: Subject | None = None,
    ) -> Deadline:
        deadline = Deadline(
            cycle_id=cycle.pk,
            kind=kind,
            label=label or kind.replace("_", " ").capitalize(),
            due_on=due_on,
            recipient=recipient,
            done=done,
            subject=subject or Subject.of_cycle(cycle.pk),
        )
        self.items.append(deadline)
        return deadline

    def mark_done(self, kind: str) -> None:
        self.items = [replace(d, done=True) if d.kind == kind else d for d in self.items]

    def deadlines_for_cycles(
        self, cycles: Sequence[AppraisalCycle], calendars: object
    ) -> list[Deadline]:
        ids = {c.pk for c in cycles}
        return [d for d in self.items if d.cycle_id in ids]


@pytest.fixture
def fake_deadlines(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDeadlines]:
    """Only the test's deadlines (and the cycle's own milestones) exist."""
    fake = FakeDeadlines()
    only_fake: Registry[DeadlineSource] = Registry(
        "deadline source", DeadlineSource, methods={"deadlines_for_cycles": 2}
    )
    only_fake.register(fake)
    monkeypatch.setattr(cycle_deadlines, "deadline_sources", only_fake)
    yield fake
