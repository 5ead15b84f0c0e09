"""The home page's to-do list, persona by persona, and the bulk stage moves.

The trust of tests/personas.py on 12 January 2027: every cycle began on 1 September and
no objectives are agreed yet (the policy wants them by 31 October), so each reviewer has
them overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from cycles.models import AppraisalCycle, CycleState
from objectives.models import AppraiseeResponse, ObjectivePlan, PlanState
from organisation.principal import principal_for
from reminders.extensions import ExtensionError, StepRegistry, StepSource, answers
from reminders.services import reminders_sweep
from reminders.todo import ToDo, todo_for
from tests.factories import StaffMemberFactory
from tests.personas import World, build_world

TODAY = dt.datetime(2027, 1, 12, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def alder(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The personas' trust, built once for the module and rolled back after it; each test
    runs in its own savepoint inside."""
    with (
        time_machine.travel(TODAY, tick=False),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        world = build_world()
        reminders_sweep()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def people(alder: World, db: None) -> Iterator[World]:
    with time_machine.travel(TODAY, tick=False):
        yield alder


def todo(world: World, persona: str) -> ToDo:
    return todo_for(principal_for(world.user(persona)))


def labels(items: Any) -> list[str]:
    return [i.label for i in items]


def everything(t: ToDo) -> str:
    rows = [f"{i.label} {i.whose}" for i in [*t.now, *t.coming]]
    rows += [f"{r.cycle.appraisee.full_name} {labels(r.items)}" for r in t.team]
    return " | ".join(rows)


def name(world: World, persona: str) -> str:
    return world.staff[persona].full_name


# ----- Each persona -----------------------------------------------------------------------


def test_teacher_never_sees_the_reviewers_step_as_their_own(people: World) -> None:
    mine = todo(people, "appraisee")
    assert mine.now == []
    assert "objectives" not in everything(mine)
    assert mine.team_scope == ""


def test_teacher_is_asked_to_answer_proposed_objectives(people: World) -> None:
    cycle = people.cycles["appraisee"]
    ObjectivePlan.objects.create(trust=people.trust, cycle=cycle, state=PlanState.PROPOSED)
    mine = todo(people, "appraisee")
    assert labels(mine.now) == ["Say whether you agree your proposed objectives"]
    item = mine.now[0]
    assert item.url == reverse("objectives:plan", args=[cycle.pk])
    assert item.whose == "Your appraisal"
    assert item.status == "overdue"
    # The reviewer has done their part: nothing waits for them until the answer comes.
    assert not [i for i in todo(people, "line_manager").now if "objectives" in i.label]


def test_line_manager_writes_then_records_the_agreement(people: World) -> None:
    cycle = people.cycles["appraisee"]
    who = name(people, "appraisee")
    first = todo(people, "line_manager").now[0]
    assert first.label == f"Write and propose {who}'s objectives"
    assert first.url == reverse("objectives:cycle", args=[cycle.pk])
    assert first.status == "overdue"
    assert first.role_label == "Reviewer"

    plan = ObjectivePlan.objects.create(
        trust=people.trust,
        cycle=cycle,
        state=PlanState.PROPOSED,
        appraisee_response=AppraiseeResponse.ACCEPTED,
    )
    first = todo(people, "line_manager").now[0]
    assert first.label == f"Record the agreement of {who}'s objectives: they have agreed them"
    assert first.url == reverse("objectives:plan", args=[cycle.pk])

    plan.state = PlanState.AGREED
    plan.save(update_fields=["state"])
    assert "objectives" not in " ".join(labels(todo(people, "line_manager").now))


def test_line_manager_is_offered_one_start_for_every_reviewee(people: World) -> None:
    extra = StaffMemberFactory(academy=people.academy, line_manager=people.staff["line_manager"])
    for member in (people.staff["appraisee"], extra):
        AppraisalCycle.objects.filter(appraisee=member).delete()
        AppraisalCycle.objects.create(
            trust=people.trust,
            academy=people.academy,
            appraisee=member,
            reviewer=people.staff["line_manager"],
            policy_version=people.policy_version,
            starts_on=dt.date(2027, 1, 4),
            ends_on=dt.date(2027, 12, 31),
        )
    mine = todo(people, "line_manager")
    assert f"Start {extra.full_name}'s appraisal year" in labels(mine.now)
    assert [(b.move, b.count) for b in mine.bulk] == [("start", 2)]
    assert mine.bulk[0].url == reverse("cycles:bulk_move", args=["start"])


def test_senior_leader_sees_own_reviewees_not_those_the_policy_keeps_from_them(
    people: World,
) -> None:
    mine = todo(people, "senior_leader")
    assert {i.whose for i in mine.now} == {name(people, "colleague"), name(people, "line_manager")}
    # The policy does not list a reviewer's line managers among the readers.
    assert name(people, "appraisee") not in everything(mine)


def test_headteacher_sees_the_academys_overdue_work_and_nothing_elsewhere(people: World) -> None:
    mine = todo(people, "headteacher")
    assert mine.team_scope == "your academy"
    assert {r.cycle.appraisee.full_name for r in mine.team} == {
        name(people, p) for p in ("appraisee", "colleague", "line_manager")
    }
    row = next(r for r in mine.team if r.cycle == people.cycles["appraisee"])
    assert labels(row.items) == ["Agree objectives"]
    assert row.url == reverse("cycles:detail", args=[people.cycles["appraisee"].pk])
    assert name(people, "sibling_staff") not in everything(mine)


def test_headteacher_team_is_capped_and_the_rest_counted(people: World) -> None:
    principal = principal_for(people.user("headteacher"))
    capped = todo_for(principal, team_limit=2)
    assert len(capped.team) == 2
    assert capped.team_more == 1


def test_delegated_lead_sees_the_academy_like_the_headteacher(people: World) -> None:
    mine = todo(people, "delegate")
    assert mine.team_scope == "your academy"
    assert name(people, "appraisee") in everything(mine)
    assert name(people, "sibling_staff") not in everything(mine)


def test_hr_sees_the_whole_trust(people: World) -> None:
    mine = todo(people, "hr")
    assert mine.team_scope == "the trust"
    assert {name(people, "appraisee"), name(people, "sibling_staff")} <= {
        r.cycle.appraisee.full_name for r in mine.team
    }
    assert "MARKER" not in everything(mine)


def test_trust_admin_has_no_appraisal_records_to_chase(people: World) -> None:
    mine = todo(people, "trust_admin")
    assert mine.team_scope == ""
    assert mine.empty


def test_ceo_sees_no_academy_staff(people: World) -> None:
    mine = todo(people, "ceo")
    for persona in ("appraisee", "colleague", "sibling_staff"):
        assert name(people, persona) not in everything(mine)


def test_governor_gets_no_named_items(people: World) -> None:
    mine = todo(people, "governor")
    assert mine.empty and mine.team_scope == ""
    client = Client()
    client.force_login(people.user("governor"))
    page = client.get(reverse("home")).content.decode()
    for persona in ("appraisee", "colleague", "line_manager", "sibling_staff"):
        assert escape(name(people, persona)) not in page


def test_finished_items_disappear_from_the_headteachers_list(people: World) -> None:
    ObjectivePlan.objects.create(
        trust=people.trust, cycle=people.cycles["appraisee"], state=PlanState.AGREED
    )
    assert name(people, "appraisee") not in everything(todo(people, "headteacher"))


# ----- When an item is "now" --------------------------------------------------------------


@pytest.mark.policy_setting("reminders.days_before")
def test_an_item_is_due_soon_from_the_first_reminder_day(people: World) -> None:
    """The mid-point check-in (1 March): listed as coming up until the policy's first
    reminder day, then as waiting now."""
    version = people.policy_version
    assert version is not None

    def status(days_before: int) -> str:
        settings = dict(version.settings)
        settings["reminders"] = {**settings.get("reminders", {}), "days_before": days_before}
        version.settings = settings
        version.save(update_fields=["settings"])
        version.__dict__.pop("_rules", None)
        with time_machine.travel(dt.datetime(2027, 2, 22, 9, tzinfo=dt.UTC), tick=False):
            mine = todo(people, "line_manager")
        item = next(i for i in [*mine.now, *mine.coming] if "mid-point" in i.label)
        return item.status

    assert status(1) == "later"
    assert status(10) == "soon"


# ----- The page ---------------------------------------------------------------------------


def _home_queries(people: World, persona: str) -> int:
    client = Client()
    client.force_login(people.user(persona))
    client.get(reverse("home"))  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries)


def _add_reviewees(people: World, count: int) -> None:
    for _ in range(count):
        member = StaffMemberFactory(
            academy=people.academy, line_manager=people.staff["line_manager"]
        )
        AppraisalCycle.objects.create(
            trust=people.trust,
            academy=people.academy,
            appraisee=member,
            reviewer=people.staff["line_manager"],
            policy_version=people.policy_version,
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2027, 8, 31),
            state=CycleState.ACTIVE,
        )


@pytest.mark.parametrize("persona", ["line_manager", "headteacher", "hr"])
def test_home_page_queries_do_not_grow_with_the_academy(people: World, persona: str) -> None:
    _add_reviewees(people, 2)
    reminders_sweep()
    small = _home_queries(people, persona)
    _add_reviewees(people, 12)
    reminders_sweep()
    large = _home_queries(people, persona)
    assert large == small
    assert len(todo(people, persona).now + todo(people, persona).team) > 0


def test_the_home_page_lists_the_first_item_with_its_link(people: World) -> None:
    client = Client()
    client.force_login(people.user("line_manager"))
    page = client.get(reverse("home")).content.decode()
    cycle = people.cycles["appraisee"]
    assert "Waiting for you" in page
    assert f'href="{reverse("objectives:cycle", args=[cycle.pk])}"' in page
    assert "Write and propose" in page


# ----- The extension point ----------------------------------------------------------------


def test_step_sources_are_checked_and_kinds_kept_apart() -> None:
    class Good:
        KINDS = frozenset({"pay_*"})

        def steps_for(self, deadlines: Any, cycles: Any, /) -> dict[Any, Any]:
            return {}

    class Clash(Good):
        KINDS = frozenset({"pay_*"})

    class Shapeless:
        KINDS = frozenset({"x"})

    registry = StepRegistry(
        "to-do step source", StepSource, methods={"steps_for": 2}, attributes={"KINDS": frozenset}
    )
    good = registry.register(Good())
    assert registry.for_kind("pay_recommendation") is good
    assert registry.for_kind("statement") is None
    with pytest.raises(ExtensionError):
        registry.register(Clash())
    with pytest.raises(ExtensionError):
        registry.register(Shapeless())  # type: ignore[arg-type]
    assert answers(frozenset({"conversation_*"}), "conversation_autumn")
    assert not answers(frozenset({"annual_review"}), "annual_review_record")


# ----- Bulk moves -------------------------------------------------------------------------


def _planning_reviewees(people: World, count: int) -> list[AppraisalCycle]:
    cycles = []
    for _ in range(count):
        member = StaffMemberFactory(
            academy=people.academy, line_manager=people.staff["line_manager"]
        )
        cycles.append(
            AppraisalCycle.objects.create(
                trust=people.trust,
                academy=people.academy,
                appraisee=member,
                reviewer=people.staff["line_manager"],
                policy_version=people.policy_version,
                starts_on=dt.date(2027, 1, 4),
                ends_on=dt.date(2027, 12, 31),
            )
        )
    return cycles


def test_bulk_start_confirms_then_starts_each_and_explains_refusals(
    people: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cycles = _planning_reviewees(people, 3)
    client = Client()
    client.force_login(people.user("line_manager"))
    url = reverse("cycles:bulk_move", args=["start"])
    page = client.get(url)
    assert page.status_code == 200
    for cycle in cycles:
        assert escape(cycle.appraisee.full_name) in page.content.decode()
    assert (
        AppraisalCycle.objects.filter(pk__in=[c.pk for c in cycles], state="planning").count() == 3
    )

    from cycles import services

    real = services.cycle_transition

    def refuse_one(*, cycle: AppraisalCycle, **kw: Any) -> AppraisalCycle:
        if cycle.pk == cycles[0].pk:
            raise services.CycleError("Somebody else suspended this appraisal meanwhile.")
        return real(cycle=cycle, **kw)

    monkeypatch.setattr(services, "cycle_transition", refuse_one)
    done = client.post(url, {"cycles": [str(c.pk) for c in cycles]})
    body = done.content.decode()
    assert done.status_code == 200
    assert "The appraisal year has started for 2 people." in body
    assert "Somebody else suspended this appraisal meanwhile." in body
    states = dict(
        AppraisalCycle.objects.filter(pk__in=[c.pk for c in cycles]).values_list("pk", "state")
    )
    assert states == {cycles[0].pk: "planning", cycles[1].pk: "active", cycles[2].pk: "active"}


def test_bulk_start_refuses_people_it_did_not_offer(people: World) -> None:
    [mine] = _planning_reviewees(people, 1)
    theirs = people.cycles["colleague"]  # reviewed by someone else
    client = Client()
    client.force_login(people.user("line_manager"))
    response = client.post(
        reverse("cycles:bulk_move", args=["start"]), {"cycles": [str(mine.pk), str(theirs.pk)]}
    )
    assert response.status_code == 400
    assert "Select only people listed here." in response.content.decode()
    assert AppraisalCycle.objects.get(pk=mine.pk).state == "planning"
    empty = client.post(reverse("cycles:bulk_move", args=["start"]), {})
    assert empty.status_code == 400 and "Select at least one person." in empty.content.decode()


def test_bulk_move_is_not_found_for_an_unknown_move_or_without_a_staff_record(
    people: World,
) -> None:
    client = Client()
    client.force_login(people.user("line_manager"))
    assert client.get(reverse("cycles:bulk_move", args=["close"])).status_code == 404
    client.force_login(people.user("governor"))
    assert client.get(reverse("cycles:bulk_move", args=["start"])).status_code == 404


@time_machine.travel(dt.datetime(2027, 3, 10, 15, tzinfo=dt.UTC), tick=False)
def test_a_deadline_due_at_a_time_is_overdue_from_that_moment_as_on_every_page() -> None:
    """staploe's 48 hours: the home page says "overdue" when the cycle page does."""
    from cycles.deadlines import Deadline
    from reminders.extensions import Step
    from reminders.todo import status_of

    today = dt.date(2027, 3, 10)
    step = Step(role="reviewer", label="Give feedback", url="/")

    def due_at(hour: int) -> Deadline:
        moment = dt.datetime(2027, 3, 10, hour, tzinfo=dt.UTC)
        return Deadline(
            1, "observation_verbal_feedback", "Give feedback", today, "reviewer", due_at=moment
        )

    first = dt.date(2027, 3, 8)
    assert status_of(due_at(11), step, on=today, first_reminder=first) == "overdue"
    assert due_at(11).is_overdue(today)
    assert status_of(due_at(17), step, on=today, first_reminder=first) == "today"
    assert not due_at(17).is_overdue(today)
