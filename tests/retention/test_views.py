"""HR's retention page: the record of destruction and legal holds. HR only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from organisation.models import Role
from organisation.services import role_grant
from retention.models import LegalHold, PurgeLedgerEntry
from tests.factories import UserFactory
from tests.form_tokens import with_token
from tests.reminders.factories import World, make_world

D = dt.date
pytestmark = pytest.mark.django_db
SINCE = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def hr_of(world: World):  # type: ignore[no-untyped-def]
    user = UserFactory(trust=world.trust)
    role_grant(user=user, role=Role.HR, trust=world.trust, starts_at=SINCE)
    return user


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def ledger_entry(world: World, record_id: int) -> PurgeLedgerEntry:
    return PurgeLedgerEntry.objects.create(
        trust=world.trust,
        record_type="appraisal_record",
        record_id=record_id,
        appraisee_staff_id=world.appraisee.pk,
        record_starts_on=D(2016, 9, 1),
        record_ends_on=D(2017, 8, 31),
        retention_years=7,
        counted_from="end_of_cycle",
        expired_on=D(2024, 8, 31),
        as_of=D(2024, 9, 1),
        content_sha256="a" * 64,
        rows_deleted={"cycles.appraisalcycle": 1, "objectives.objective": 3},
    )


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return make_world()


URLS = ["retention:index", "retention:hold_add"]


@pytest.mark.parametrize("name", URLS)
def test_only_hr_of_the_trust_may_see_it(world: World, name: str) -> None:
    url = reverse(name)
    assert Client().get(url).status_code == 302  # sign in first
    assert signed_in(hr_of(world)).get(url).status_code == 200
    for user in (world.headteacher, world.reviewer.user, world.appraisee.user):
        assert signed_in(user).get(url).status_code == 404
    trust_admin = UserFactory(trust=world.trust)
    role_grant(user=trust_admin, role=Role.TRUST_ADMIN, trust=world.trust, starts_at=SINCE)
    assert signed_in(trust_admin).get(url).status_code == 404


def test_ledger_shows_own_trust_only(world: World) -> None:
    ledger_entry(world, 9001)
    other = make_world()
    ledger_entry(other, 9002)
    page = signed_in(hr_of(world)).get(reverse("retention:index")).content.decode()
    assert "Appraisal record 9001" in page
    assert "Appraisal record 9002" not in page


def test_hr_sets_and_lifts_a_hold(world: World) -> None:
    hr = hr_of(world)
    client = signed_in(hr)
    response = client.post(
        reverse("retention:hold_add"),
        with_token({"staff_number": world.appraisee.staff_number, "reason": "Tribunal claim"}),
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.staff_member == world.appraisee and hold.set_by == hr
    page = client.get(reverse("retention:index")).content.decode()
    assert "Tribunal claim" in page and escape(world.appraisee.full_name) in page

    lift_url = reverse("retention:hold_lift", args=[hold.pk])
    refused = client.post(lift_url, {"reason": ""})
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    assert client.post(lift_url, {"reason": "Settled"}).status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_at is not None and hold.lifted_by == hr and hold.lift_reason == "Settled"
    assert hold.history.count() == 2
    again = client.post(lift_url, {"reason": "Twice"})
    assert again.status_code == 200  # already lifted: nothing to do, page says so


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "x"}, "Enter either a staff number or a record number"),
        (
            {"staff_number": "S1", "cycle_number": "1", "reason": "x"},
            "Enter either a staff number or a record number",
        ),
        ({"staff_number": "NOPE", "reason": "x"}, "There is no member of staff with that number"),
        (
            {"cycle_number": "999999", "reason": "x"},
            "There is no appraisal record with that number",
        ),
        ({"cycle_number": "abc", "reason": "x"}, "Enter a whole number"),
        ({"cycle_number": "-3", "reason": "x"}, "greater than or equal to 1"),
    ],
)
def test_bad_hold_input_says_why_and_saves_nothing(world: World, data: dict, message: str) -> None:
    response = signed_in(hr_of(world)).post(reverse("retention:hold_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert LegalHold.objects.count() == 0


def test_reason_required(world: World) -> None:
    response = signed_in(hr_of(world)).post(
        reverse("retention:hold_add"), {"cycle_number": str(world.cycle.pk), "reason": "  "}
    )
    assert response.status_code == 200
    assert LegalHold.objects.count() == 0


def test_hold_on_a_cycle_of_another_trust_is_refused(world: World) -> None:
    other = make_world()
    response = signed_in(hr_of(world)).post(
        reverse("retention:hold_add"), {"cycle_number": str(other.cycle.pk), "reason": "x"}
    )
    assert "There is no appraisal record with that number" in response.content.decode()
    assert LegalHold.objects.count() == 0


def test_other_trusts_hold_is_not_found(world: World) -> None:
    other = make_world()
    hold = LegalHold.objects.create(
        trust=other.trust, root_kind="appraisal_cycle", root_id=other.cycle.pk, reason="x"
    )
    client = signed_in(hr_of(world))
    assert client.get(reverse("retention:hold_lift", args=[hold.pk])).status_code == 404
    assert (
        client.post(reverse("retention:hold_lift", args=[hold.pk]), {"reason": "y"}).status_code
        == 404
    )
    hold.refresh_from_db()
    assert hold.lifted_at is None


def test_index_query_count_is_flat(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(hr_of(world))
    for i in range(3):
        ledger_entry(world, 100 + i)
        LegalHold.objects.create(trust=world.trust, staff_member=world.appraisee, reason=f"r{i}")
    client.get(reverse("retention:index"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("retention:index"))
    for i in range(30):
        ledger_entry(world, 200 + i)
        LegalHold.objects.create(
            trust=world.trust,
            root_kind="appraisal_cycle",
            root_id=world.cycle.pk,
            reason=f"c{i}",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("retention:index"))
    assert response.content.decode().count("Appraisal record 2") >= 30
