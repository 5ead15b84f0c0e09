"""The HR director's termly meeting with each headteacher (langley §7 VII): listed on HR's
escalations page for the academies whose policy asks for it, scheduled and recorded by HR
within the term, read by the headteacher for their own academy, and nobody else's."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from calendars.models import Term
from organisation.models import StaffGroup, StaffMember
from policies.models import PolicyAssignment
from submissions.guard import FIELD_NAME
from support_plans.models import TermlyReview
from tests.factories import StaffMemberFactory
from tests.objectives.support import School, user, version_with

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2027, 1, 20, 10, 0, tzinfo=dt.UTC)
SETTING = "support.hr_meets_headteachers_termly"


def client_for(member: StaffMember) -> Client:
    client = Client()
    client.force_login(user(member))
    return client


def setup(school: School, *, on: bool) -> Term:
    """The trust's teachers follow langley with only the termly meeting setting chosen."""
    version = version_with(school.trust, "langley-interim", {SETTING: on})
    PolicyAssignment.objects.create(
        trust=school.trust, staff_group=StaffGroup.TEACHING, policy=version.policy
    )
    return Term.objects.create(
        academy=school.academy,
        name="Spring 2027",
        starts_on=dt.date(2027, 1, 5),
        ends_on=dt.date(2027, 3, 26),
    )


def url(school: School, term: Term) -> str:
    return reverse("support_plans:termly_review", args=[school.academy.pk, term.pk])


def token(client: Client, address: str) -> str:
    return str(client.get(address).context["form"][FIELD_NAME].value())


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("support.hr_meets_headteachers_termly")
@pytest.mark.parametrize("on", [True, False])
def test_the_academy_is_listed_only_when_its_policy_asks_for_the_termly_meeting(
    school: School, on: bool
) -> None:
    term = setup(school, on=on)
    hr = client_for(school.hr)
    body = hr.get(reverse("support_plans:escalations")).content.decode()
    assert ("Termly reviews with headteachers" in body) is on
    assert (url(school, term) in body) is on
    assert hr.get(url(school, term)).status_code == (200 if on else 404)


@time_machine.travel(TODAY, tick=False)
def test_hr_schedules_within_the_term_then_records_the_meeting(school: School) -> None:
    term = setup(school, on=True)
    hr = client_for(school.hr)
    address = url(school, term)
    body = hr.get(reverse("support_plans:escalations")).content.decode()
    assert "Not scheduled" in body

    outside = hr.post(address, {"scheduled_for": "2027-04-20", FIELD_NAME: token(hr, address)})
    assert outside.status_code == 200
    assert outside.context["form"].errors["scheduled_for"] == [
        "The date must be in Spring 2027: between 05 January 2027 and 26 March 2027."
    ]
    bad = hr.post(address, {"scheduled_for": "not a date", FIELD_NAME: token(hr, address)})
    assert bad.status_code == 200 and "scheduled_for" in bad.context["form"].errors
    assert not TermlyReview.objects.exists()

    done = hr.post(address, {"scheduled_for": "2027-02-10", FIELD_NAME: token(hr, address)})
    assert done.status_code == 302
    review = TermlyReview.objects.get()
    assert review.history.get().history_user == user(school.hr)
    assert "Scheduled for 10 February 2027" in (
        hr.get(reverse("support_plans:escalations")).content.decode()
    )

    elsewhere = StaffMemberFactory(academy=school.other_academy, first_name="Olga")
    form = hr.get(address).context["form"]
    offered = {s.pk for s in form.fields["staff_discussed"].queryset}
    assert school.teacher.pk in offered and elsewhere.pk not in offered
    record = {
        "version": review.version,
        "scheduled_for": "2027-02-10",
        "held_on": "2027-01-19",
        "attendees": "HR director, headteacher",
        "staff_discussed": [school.teacher.pk, elsewhere.pk],
        "action_agreed": "Support plan to continue.",
    }
    refused = hr.post(address, record)
    assert "staff_discussed" in refused.context["form"].errors
    record["staff_discussed"] = [school.teacher.pk]
    record["held_on"] = "2027-02-01"  # in the term, but in the future
    assert "held_on" in hr.post(address, record).context["form"].errors
    record["held_on"] = "2027-01-04"  # before the term
    assert "held_on" in hr.post(address, record).context["form"].errors
    record["held_on"] = "2027-01-19"
    saved = hr.post(address, record)
    assert saved.status_code == 302
    review.refresh_from_db()
    assert review.held_on == dt.date(2027, 1, 19)
    assert list(review.staff_discussed.all()) == [school.teacher]
    assert review.history.latest().history_user == user(school.hr)

    head = client_for(school.headteacher)
    body = head.get(reverse("support_plans:escalations")).content.decode()
    assert "Held on 19 January 2027" in body
    assert address not in body  # read only
    assert head.get(address).status_code == 404


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("who", ["headteacher", "reviewer", "teacher", "outsider"])
def test_nobody_but_hr_may_open_the_termly_meeting_page(school: School, who: str) -> None:
    term = setup(school, on=True)
    client = client_for(getattr(school, who))
    assert client.get(url(school, term)).status_code == 404
    assert client.post(url(school, term), {"scheduled_for": "2027-02-10"}).status_code == 404
    assert not TermlyReview.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_another_academys_term_is_not_found(school: School) -> None:
    setup(school, on=True)
    theirs = Term.objects.create(
        academy=school.other_academy,
        name="Spring 2027",
        starts_on=dt.date(2027, 1, 5),
        ends_on=dt.date(2027, 3, 26),
    )
    address = reverse("support_plans:termly_review", args=[school.academy.pk, theirs.pk])
    assert client_for(school.hr).get(address).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_the_termly_section_makes_as_many_queries_for_many_academies_as_for_one(
    school: School, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from organisation.principal import principal_for
    from support_plans.termly import termly_rows
    from tests.factories import AcademyFactory

    setup(school, on=True)
    hr = principal_for(user(school.hr))
    with django_assert_max_num_queries(20) as one:
        before = len(termly_rows(hr, TODAY.date()))
    for n in range(5):
        academy = AcademyFactory(trust=school.trust, name=f"Extra {n}")
        Term.objects.create(
            academy=academy,
            name="Spring 2027",
            starts_on=dt.date(2027, 1, 5),
            ends_on=dt.date(2027, 3, 26),
        )
    hr = principal_for(user(school.hr))
    with django_assert_max_num_queries(len(one.captured_queries)):
        rows = termly_rows(hr, TODAY.date())
    assert len(rows) == before + 5
    assert all(row.term is not None for row in rows if row.academy.name.startswith("Extra"))


@time_machine.travel(TODAY, tick=False)
def test_a_scheduled_meeting_pins_the_academys_policy_version_in_force(school: School) -> None:
    from support_plans import services

    term = setup(school, on=True)
    policy = PolicyAssignment.objects.get(trust=school.trust).policy
    # A later version, not yet in force, is not the one the meeting runs under.
    policy.versions.create(
        number=2,
        effective_from=dt.date(2027, 9, 1),
        settings=policy.versions.get(number=1).settings,
    )
    review = services.termly_review_schedule(
        actor=user(school.hr), academy=school.academy, term=term, scheduled_for=dt.date(2027, 2, 10)
    )
    assert review.policy_version == policy.versions.get(number=1)
    assert review.history.get().policy_version_id == review.policy_version_id


def test_meetings_scheduled_before_versions_were_pinned_pin_the_one_in_force_then(
    school: School,
) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "support_plans.migrations.0007_termly_review_policy_version"
    )
    term = setup(school, on=True)
    review = TermlyReview.objects.create(
        trust=school.trust, academy=school.academy, term=term, scheduled_for=dt.date(2027, 2, 10)
    )
    migration.pin_versions(apps, None)
    review.refresh_from_db()
    policy = PolicyAssignment.objects.get(trust=school.trust).policy
    assert review.policy_version == policy.versions.get()
