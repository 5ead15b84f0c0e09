"""The daily sweep and the digest sender: one email a day per person, never twice."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cycles.models import CycleState
from organisation.models import RoleAssignment
from organisation.services import role_revoke
from reminders import services
from reminders.models import DispatchStatus, ReminderDigest, ReminderDispatch, ReminderStage

from .conftest import FakeDeadlines
from .factories import World, preset_version

D = dt.date
pytestmark = pytest.mark.django_db

# Wednesday 18 November 2026, a working day in term; 06:30 is when beat runs the sweep.
TODAY = D(2026, 11, 18)
MORNING = dt.datetime(2026, 11, 18, 6, 30, tzinfo=dt.UTC)


def run_day(on: dt.date = TODAY) -> list[services.DigestOutcome]:
    services.reminders_sweep(on=on)
    return services.reminders_send_pending(on=on)


def emails_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [address]]


@time_machine.travel(MORNING, tick=False)
def test_sweep_twice_on_the_same_day_sends_one_digest(
    world: World, fake_deadlines: FakeDeadlines
) -> None:
    fake_deadlines.add(
        world.cycle, "objectives_agreed", TODAY, "reviewer", label="Agree objectives"
    )
    fake_deadlines.add(world.cycle, "conversation", D(2026, 11, 20), "reviewer")
    fake_deadlines.add(world.cycle, "observation_feedback", D(2026, 11, 12), "reviewer")

    run_day()
    run_day()
    services.reminders_sweep(on=TODAY)
    services.reminders_send_pending(on=TODAY)

    to_reviewer = emails_to(world.reviewer.email)
    assert len(to_reviewer) == 1
    body = to_reviewer[0].body
    # One digest, three items: overdue, due today and coming up, each once.
    assert body.count("Agree objectives") == 1
    assert "Overdue" in body and "Due today" in body and "Coming up" in body
    assert "Ada Appraisee" in body
    assert ReminderDispatch.objects.count() == 3
    assert set(ReminderDispatch.objects.values_list("status", flat=True)) == {DispatchStatus.SENT}
    assert ReminderDigest.objects.get().item_count == 3


@time_machine.travel(MORNING, tick=False)
def test_each_person_gets_their_own_digest(world: World, fake_deadlines: FakeDeadlines) -> None:
    fake_deadlines.add(world.cycle, "objectives_agreed", TODAY, "reviewer")
    fake_deadlines.add(
        world.cycle, "appraisee_comments", TODAY, "appraisee", label="Add your comments"
    )
    fake_deadlines.add(
        world.cycle, "statement_approval", TODAY, "headteacher", label="Approve the statement"
    )
    second = world.staff(first_name="Ben", last_name="Second")
    other_cycle = world.cycle_for(second)
    fake_deadlines.add(other_cycle, "objectives_agreed", TODAY, "reviewer")

    run_day()

    assert len(mail.outbox) == 3
    reviewer_mail = emails_to(world.reviewer.email)[0]
    assert "Ada Appraisee" in reviewer_mail.body and "Ben Second" in reviewer_mail.body
    appraisee_mail = emails_to(world.appraisee.email)[0]
    assert "Add your comments" in appraisee_mail.body
    assert "Your own appraisal" in appraisee_mail.body
    assert "Approve the statement" in emails_to(world.headteacher.email)[0].body
    assert reviewer_mail.alternatives and "text/html" in reviewer_mail.alternatives[0][1]
    assert "https://appraisal.example.org/" in reviewer_mail.body


@time_machine.travel(MORNING, tick=False)
def test_nothing_for_suspended_or_closed_cycles(
    world: World, fake_deadlines: FakeDeadlines
) -> None:
    # staploe, Grievance / classic capability: a suspended cycle's clock stops.
    suspended = world.cycle_for(
        world.staff(),
        state=CycleState.SUSPENDED,
        suspended_from=CycleState.ACTIVE,
        suspension_reason="grievance",
    )
    closed = world.cycle_for(world.staff(), state=CycleState.CLOSED)
    for cycle in (suspended, closed):
        fake_deadlines.add(cycle, "objectives_agreed", TODAY, "reviewer")
        fake_deadlines.add(cycle, "appraisee_comments", TODAY, "appraisee")
        fake_deadlines.add(cycle, "statement_approval", TODAY, "headteacher")

    result = services.reminders_sweep(on=TODAY)
    services.reminders_send_pending(on=TODAY)

    assert result.planned == []
    assert ReminderDispatch.objects.count() == 0
    assert mail.outbox == []


@time_machine.travel(MORNING, tick=False)
def test_suspended_after_the_sweep_is_not_sent(world: World, fake_deadlines: FakeDeadlines) -> None:
    fake_deadlines.add(world.cycle, "objectives_agreed", TODAY, "reviewer")
    services.reminders_sweep(on=TODAY)
    world.cycle.state = CycleState.SUSPENDED
    world.cycle.suspended_from = CycleState.ACTIVE
    world.cycle.suspension_reason = "capability"
    world.cycle.save(update_fields=["state", "suspended_from", "suspension_reason"])

    services.reminders_send_pending(on=TODAY)

    assert mail.outbox == []
    assert ReminderDispatch.objects.get().status == DispatchStatus.CANCELLED


@time_machine.travel(MORNING, tick=False)
def test_nothing_for_people_who_have_left(world: World, fake_deadlines: FakeDeadlines) -> None:
    leaver = world.staff(left_on=D(2026, 11, 13))
    leaver_cycle = world.cycle_for(leaver)
    fake_deadlines.add(leaver_cycle, "objectives_agreed", TODAY, "reviewer")
    fake_deadlines.add(leaver_cycle, "appraisee_comments", TODAY, "appraisee")
    # A reviewer who has left gets nothing; the appraisee still does.
    world.reviewer.left_on = D(2026, 11, 17)
    world.reviewer.save(update_fields=["left_on"])
    fake_deadlines.add(world.cycle, "objectives_agreed", TODAY, "reviewer")
    fake_deadlines.add(world.cycle, "appraisee_comments", TODAY, "appraisee")
    # A deactivated account gets nothing either.
    inactive = world.staff()
    inactive.user.is_active = False
    inactive.user.save(update_fields=["is_active"])
    fake_deadlines.add(world.cycle_for(inactive), "appraisee_comments", TODAY, "appraisee")

    run_day()

    assert [m.to for m in mail.outbox] == [[world.appraisee.email]]


@time_machine.travel(MORNING, tick=False)
def test_headteacher_reminders_follow_the_active_role(
    world: World, fake_deadlines: FakeDeadlines
) -> None:
    fake_deadlines.add(world.cycle, "statement_approval", TODAY, "headteacher")
    assignment = RoleAssignment.objects.get(user=world.headteacher)
    role_revoke(assignment=assignment)

    run_day()

    assert mail.outbox == []


@time_machine.travel(MORNING, tick=False)
def test_worker_killed_between_claim_and_send_is_retried_after_the_timeout(
    world: World, fake_deadlines: FakeDeadlines, monkeypatch: pytest.MonkeyPatch
) -> None:
    class WorkerKilled(BaseException):
        """Stands for the process dying: no ``except Exception`` handler sees it."""

    fake_deadlines.add(world.cycle, "objectives_agreed", TODAY, "reviewer")
    services.reminders_sweep(on=TODAY)
    reviewer_id = world.reviewer.user_id

    def die(message: object) -> None:
        raise WorkerKilled

    with monkeypatch.context() as patch, pytest.raises(WorkerKilled):
        patch.setattr(services, "deliver", die)
        services.reminder_digest_send(recipient_id=reviewer_id, on=TODAY)

    digest = ReminderDigest.objects.get()
    assert digest.status == DispatchStatus.SENDING
    assert ReminderDispatch.objects.get().status == DispatchStatus.SENDING
    assert mail.outbox == []

    # Another run before the claim times out leaves it alone (the first sender might
    # still be working).
    assert services.reminder_digest_send(recipient_id=reviewer_id, on=TODAY).status == "busy"
    assert mail.outbox == []

    with time_machine.travel(MORNING + services.CLAIM_TIMEOUT + dt.timedelta(minutes=1)):
        outcomes = services.reminders_send_pending(on=TODAY)
        services.reminders_send_pending(on=TODAY)

    assert [o.status for o in outcomes] == ["sent"]
    assert len(mail.outbox) == 1
    digest.refresh_from_db()
    assert digest.status == DispatchStatus.SENT and digest.attempts == 2
    assert ReminderDispatch.objects.get().status == DispatchStatus.SENT


@time_machine.travel(MORNING, tick=False)
def test_mail_server_refusing_releases_the_claim_for_the_next_run(
    world: World, fake_deadlines: FakeDeadlines, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_deadlines.add(world.cycle, "objectives_agreed", TODAY, "reviewer")
    services.reminders_sweep(on=TODAY)

    def refuse(message: object) -> None:
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr(services, "deliver", refuse)
        outcomes = services.reminders_send_pending(on=TODAY)
    assert [o.status for o in outcomes] == ["failed"]
    assert ReminderDispatch.objects.get().status == DispatchStatus.PENDING

    services.reminders_send_pending(on=TODAY)
    assert len(mail.outbox) == 1


@time_machine.travel(MORNING, tick=False)
def test_one_digest_a_day_new_items_wait_for_tomorrow(
    world: World, fake_deadlines: FakeDeadlines
) -> None:
    fake_deadlines.add(world.cycle, "objectives_agreed", TODAY, "reviewer")
    run_day()
    # A deadline appears later in the day (a new observation, say) and a sweep runs again.
    fake_deadlines.add(world.cycle, "observation_feedback", TODAY, "reviewer")
    run_day()
    assert len(mail.outbox) == 1
    late = ReminderDispatch.objects.get(deadline_kind="observation_feedback")
    assert late.status == DispatchStatus.PENDING

    tomorrow = TODAY + dt.timedelta(days=1)
    with time_machine.travel(MORNING + dt.timedelta(days=1)):
        run_day(tomorrow)
    assert len(mail.outbox) == 2
    assert "Observation feedback" in mail.outbox[1].body
    late.refresh_from_db()
    assert late.status == DispatchStatus.SENT


@time_machine.travel(MORNING, tick=False)
def test_done_before_sending_is_not_sent(world: World, fake_deadlines: FakeDeadlines) -> None:
    fake_deadlines.add(world.cycle, "objectives_agreed", TODAY, "reviewer")
    services.reminders_sweep(on=TODAY)
    fake_deadlines.mark_done("objectives_agreed")

    services.reminders_send_pending(on=TODAY)

    assert mail.outbox == []
    assert ReminderDispatch.objects.get().status == DispatchStatus.CANCELLED


def test_overdue_reminders_repeat_once_per_occurrence(
    world: World, fake_deadlines: FakeDeadlines
) -> None:
    """Due Thursday 11 February 2027 (half-term 15-19 February), every 5 working days."""
    fake_deadlines.add(world.cycle, "statement", D(2027, 2, 11), "reviewer")
    day = D(2027, 2, 8)
    while day <= D(2027, 3, 12):
        with time_machine.travel(dt.datetime.combine(day, dt.time(6, 30), tzinfo=dt.UTC)):
            run_day(day)
            run_day(day)  # beat fired twice
        day += dt.timedelta(days=1)
    rows = list(
        ReminderDispatch.objects.order_by("remind_on").values_list(
            "stage", "occurrence", "remind_on"
        )
    )
    assert rows == [
        (ReminderStage.BEFORE, 0, D(2027, 2, 8)),
        (ReminderStage.ON_DAY, 0, D(2027, 2, 11)),
        (ReminderStage.OVERDUE, 1, D(2027, 2, 12)),
        (ReminderStage.OVERDUE, 2, D(2027, 2, 26)),
        (ReminderStage.OVERDUE, 3, D(2027, 3, 5)),
        (ReminderStage.OVERDUE, 4, D(2027, 3, 12)),
    ]
    assert len(mail.outbox) == len(rows)


@time_machine.travel(MORNING, tick=False)
def test_batches_give_the_same_answer(world: World, fake_deadlines: FakeDeadlines) -> None:
    for _ in range(7):
        cycle = world.cycle_for(world.staff())
        fake_deadlines.add(cycle, "objectives_agreed", TODAY, "reviewer")
    one_batch = services.reminders_sweep(on=TODAY, dry_run=True)
    small_batches = services.reminders_sweep(on=TODAY, batch_size=2, dry_run=True)
    assert sorted(map(repr, one_batch.planned)) == sorted(map(repr, small_batches.planned))
    assert len(one_batch.planned) == 7
    assert ReminderDispatch.objects.count() == 0  # a dry run writes nothing


@time_machine.travel(MORNING, tick=False)
def test_sweep_query_count_is_flat_in_the_number_of_cycles(
    world: World,
    fake_deadlines: FakeDeadlines,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    def add_people(n: int) -> None:
        for _ in range(n):
            cycle = world.cycle_for(world.staff())
            fake_deadlines.add(cycle, "objectives_agreed", TODAY, "reviewer")
            fake_deadlines.add(cycle, "appraisee_comments", TODAY, "appraisee")

    add_people(3)
    with django_assert_max_num_queries(20):
        services.reminders_sweep(on=TODAY)
    add_people(30)
    with django_assert_max_num_queries(20):
        services.reminders_sweep(on=TODAY)
    assert ReminderDispatch.objects.count() == 33 * 2 + 0


@time_machine.travel(MORNING, tick=False)
def test_send_reminders_command(world: World, fake_deadlines: FakeDeadlines, capsys) -> None:  # type: ignore[no-untyped-def]
    fake_deadlines.add(world.cycle, "objectives_agreed", TODAY, "reviewer")
    call_command("send_reminders", "--as-of", TODAY.isoformat(), "--dry-run")
    assert "1 reminders" in capsys.readouterr().out
    assert ReminderDispatch.objects.count() == 0 and mail.outbox == []

    call_command("send_reminders", "--as-of", TODAY.isoformat())
    assert "1 digests sent" in capsys.readouterr().out
    call_command("send_reminders", "--as-of", TODAY.isoformat())
    assert "0 digests sent" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_sweep_with_the_real_deadline_sources(world: World) -> None:
    """The other apps' deadlines (whatever exists of them) go through the same path."""
    day = timezone.localdate()
    services.reminders_sweep(on=day)
    services.reminders_send_pending(on=day)
    assert ReminderDigest.objects.filter(status=DispatchStatus.SENDING).count() == 0


@time_machine.travel(dt.datetime(2026, 11, 11, 6, 30, tzinfo=dt.UTC), tick=False)
@pytest.mark.policy_setting("reminders.days_before")
def test_the_sweep_reads_days_before_from_the_cycles_pinned_policy(
    world: World, fake_deadlines: FakeDeadlines
) -> None:
    """Two cycles whose pinned versions differ only in ``days_before``: on Wednesday 11
    November, five working days before the 18th, only the five-day one is reminded."""
    rules = world.version.rules.reminders
    assert rules.days_before == 3
    five_days = preset_version(
        world.trust,
        "classic-objectives",
        reminders={**rules.model_dump(mode="json"), "days_before": 5},
    )
    early = world.cycle_for(
        world.staff(first_name="Eve", last_name="Early"), policy_version=five_days
    )
    for cycle in (world.cycle, early):
        fake_deadlines.add(cycle, "objectives_agreed", TODAY, "reviewer")

    result = services.reminders_sweep(on=D(2026, 11, 11))

    assert [(p.cycle_id, p.stage) for p in result.planned] == [(early.pk, ReminderStage.BEFORE)]
