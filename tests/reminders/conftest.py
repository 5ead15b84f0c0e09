from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import pytest

from cycles import deadlines as cycle_deadlines
from cycles.deadlines import Deadline
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
    ``add(cycle, kind, due_on, recipient)`` and the sweep sees it."""

    def __init__(self) -> None:
        self.items: list[Deadline] = []

    def add(
        self,
        cycle: AppraisalCycle,
        kind: str,
        due_on: dt.date,
        recipient: str = "reviewer",
        *,
        done: bool = False,
        label: str | None = None,
    ) -> Deadline:
        deadline = Deadline(
            cycle_id=cycle.pk,
            kind=kind,
            label=label or kind.replace("_", " ").capitalize(),
            due_on=due_on,
            recipient=recipient,  # type: ignore[arg-type]
            done=done,
        )
        self.items.append(deadline)
        return deadline

    def mark_done(self, kind: str) -> None:
        self.items = [
            Deadline(d.cycle_id, d.kind, d.label, d.due_on, d.recipient, True)
            if d.kind == kind
            else d
            for d in self.items
        ]

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
