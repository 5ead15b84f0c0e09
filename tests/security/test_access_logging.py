"""Reading a confidential record leaves an access-log row; asking for one you may not see
leaves a security event (and the same 404 as a record that does not exist)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AccessLogEntry, SecurityEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):  # type: ignore[no-untyped-def]
    """The personas, built once for the module (tests/conftest.py)."""
    return shared_world


@pytest.mark.parametrize(
    ("url_name", "obj"),
    [("cycles:detail", "cycle"), ("organisation:staff_detail", "staff")],
)
def test_reads_are_logged_and_refusals_recorded(world, url_name, obj):
    target = world.cycles["appraisee"] if obj == "cycle" else world.staff["appraisee"]
    url = reverse(url_name, kwargs={"pk": target.pk})

    reader = Client()
    reader.force_login(world.user("line_manager"))
    assert reader.get(url).status_code == 200
    entry = AccessLogEntry.objects.get(user=world.user("line_manager"))
    assert entry.trust == world.trust
    assert entry.object_id == str(target.pk)

    outsider = Client()
    outsider.force_login(world.user("colleague"))
    assert outsider.get(url).status_code == 404
    event = SecurityEvent.objects.get(user=world.user("colleague"))
    assert event.path == url
    assert not AccessLogEntry.objects.filter(user=world.user("colleague")).exists()

    missing = reverse(url_name, kwargs={"pk": target.pk + 10_000})
    assert outsider.get(missing).status_code == 404
    assert SecurityEvent.objects.filter(user=world.user("colleague")).count() == 1


# ----- The reviews pages refuse and log exactly as the cycle page does -----------------


@pytest.fixture
def review_records(world):
    """An observation, evidence, a review and a moderation sample on the appraisee's cycle
    (academy A1), which the colleague in another team may not see."""
    import datetime as dt

    from django.utils import timezone

    from reviews.models import AnnualReview, Evidence, ModerationItem, ModerationSample, Observation

    cycle = world.cycles["appraisee"]
    sample = ModerationSample.objects.create(
        trust=world.trust,
        academy=world.academy,
        year=2026,
        kind="statements",
        requested_size=1,
        population_size=1,
        seed=1,
    )
    return {
        "cycle": cycle,
        "observation": Observation.objects.create(
            trust=world.trust,
            cycle=cycle,
            observer=world.staff["line_manager"],
            observed_at=timezone.now() - dt.timedelta(days=1),
            duration_minutes=30,
            kind="formal",
        ),
        "evidence": Evidence.objects.create(
            trust=world.trust, cycle=cycle, kind="note", title="Plan", note="Plan"
        ),
        "review": AnnualReview.objects.create(
            trust=world.trust, cycle=cycle, framework="teachers", completed_at=timezone.now()
        ),
        "sample": sample,
        "item": ModerationItem.objects.create(sample=sample, cycle=cycle, position=1),
    }


# Each reviews page under a cycle, with the arguments besides the cycle it names.
REVIEW_CYCLE_URLS = {
    "reviews:observation_add": lambda r: {},
    "reviews:observation_feedback": lambda r: {"observation_id": r["observation"].pk},
    "reviews:evidence_add": lambda r: {},
    "reviews:evidence_note_add": lambda r: {},
    "reviews:evidence_detail": lambda r: {"evidence_id": r["evidence"].pk},
    "reviews:evidence_download": lambda r: {"evidence_id": r["evidence"].pk},
    "reviews:evidence_change": lambda r: {"evidence_id": r["evidence"].pk},
    "reviews:evidence_withdraw": lambda r: {"evidence_id": r["evidence"].pk},
    "reviews:review_edit": lambda r: {},
    "reviews:review_reopen": lambda r: {},
    "reviews:review_comment": lambda r: {},
    "reviews:statement": lambda r: {},
}
# The pages naming a record under the cycle (the cycle's own id is tried separately).
REVIEW_CHILD_URLS = {
    "reviews:observation_feedback": ("observation", "observation_id"),
    "reviews:evidence_detail": ("evidence", "evidence_id"),
    "reviews:evidence_download": ("evidence", "evidence_id"),
    "reviews:evidence_change": ("evidence", "evidence_id"),
    "reviews:evidence_withdraw": ("evidence", "evidence_id"),
}


def _refusal_logged_once(client, url, user, caplog):
    """The page answers 404, one security event names the address asked for (the same row
    and log line as ``cycles:detail``), and nothing is written to the access log."""
    before = SecurityEvent.objects.filter(user=user).count()
    caplog.clear()
    with caplog.at_level("WARNING", logger="appraisal.security"):
        assert client.get(url).status_code == 404
    events = SecurityEvent.objects.filter(user=user).order_by("-pk")
    assert events.count() == before + 1, url
    event = events.first()
    assert (event.kind, event.path, event.trust_id) == ("not_found", url, user.trust_id)
    assert [r.getMessage() for r in caplog.records if "access refused" in r.getMessage()] == [
        f"access refused kind=not_found user_id={user.pk} trust_id={user.trust_id} "
        f"path={url} ip=127.0.0.1"
    ]
    assert not AccessLogEntry.objects.filter(user=user).exists()


@pytest.mark.parametrize("url_name", sorted(REVIEW_CYCLE_URLS))
def test_reviews_pages_log_a_refused_cycle_like_the_cycle_page(
    world, review_records, url_name, caplog
):
    outsider = world.user("colleague")
    client = Client()
    client.force_login(outsider)
    extra = REVIEW_CYCLE_URLS[url_name](review_records)
    cycle = review_records["cycle"]

    url = reverse(url_name, kwargs={"cycle_id": cycle.pk, **extra})
    _refusal_logged_once(client, url, outsider, caplog)

    # A cycle that does not exist is a mistyped address, not an event.
    missing = reverse(url_name, kwargs={"cycle_id": cycle.pk + 10_000, **extra})
    assert client.get(missing).status_code == 404
    assert SecurityEvent.objects.filter(user=outsider).count() == 1


@pytest.mark.parametrize("url_name", sorted(REVIEW_CHILD_URLS))
def test_reviews_pages_log_a_record_asked_for_under_another_cycle(
    world, review_records, url_name, caplog
):
    """The colleague may read their own cycle; naming the appraisee's observation or
    evidence under it is a refused look-up too, logged the same way."""
    outsider = world.user("colleague")
    client = Client()
    client.force_login(outsider)
    own = world.cycles["colleague"]
    kind, argument = REVIEW_CHILD_URLS[url_name]

    url = reverse(url_name, kwargs={"cycle_id": own.pk, argument: review_records[kind].pk})
    _refusal_logged_once(client, url, outsider, caplog)

    missing = reverse(url_name, kwargs={"cycle_id": own.pk, argument: 10**9})
    assert client.get(missing).status_code == 404
    assert SecurityEvent.objects.filter(user=outsider).count() == 1


@pytest.mark.parametrize("persona", ["colleague", "sibling_head"])
@pytest.mark.parametrize("url_name", ["reviews:moderation_detail", "reviews:moderation_item"])
def test_moderation_pages_log_a_refused_sample(world, review_records, persona, url_name, caplog):
    """A teacher moderates nothing; the sibling academy's headteacher moderates theirs, not
    this one: both get the 404 of a missing sample, and HR learns they asked."""
    user = world.user(persona)
    client = Client()
    client.force_login(user)
    sample, item = review_records["sample"], review_records["item"]
    kwargs = {"sample_id": sample.pk}
    if url_name == "reviews:moderation_item":
        kwargs["item_id"] = item.pk
    _refusal_logged_once(client, reverse(url_name, kwargs=kwargs), user, caplog)

    kwargs["sample_id"] = sample.pk + 10_000
    assert client.get(reverse(url_name, kwargs=kwargs)).status_code == 404
    assert SecurityEvent.objects.filter(user=user).count() == 1


def test_the_appraisees_reviewer_reads_the_reviews_pages_without_a_refusal(world, review_records):
    """The same helpers let the people who may see the record through, unlogged."""
    reader = Client()
    reader.force_login(world.user("line_manager"))
    cycle = review_records["cycle"]
    for url_name in ("reviews:evidence_detail", "reviews:observation_feedback"):
        url = reverse(
            url_name, kwargs={"cycle_id": cycle.pk, **REVIEW_CYCLE_URLS[url_name](review_records)}
        )
        assert reader.get(url).status_code == 200, url
    assert not SecurityEvent.objects.exists()
    assert AccessLogEntry.objects.filter(user=world.user("line_manager")).exists()


# ----- Organisation, calendar and policy pages refuse and log the same way -------------


def _refused_and_logged(client: Client, user, url: str) -> None:
    assert client.get(url).status_code == 404
    event = SecurityEvent.objects.get(user=user)
    assert event.path == url


@pytest.mark.parametrize(
    "page",
    ["academy_edit", "line_management", "role_revoke", "calendar", "policy", "staff_edit"],
)
def test_another_trusts_hr_is_refused_and_the_refusal_logged(world, page):
    from organisation.models import RoleAssignment

    urls = {
        "academy_edit": reverse("organisation:academy_edit", kwargs={"pk": world.academy.pk}),
        "line_management": reverse("organisation:line_management", kwargs={"pk": world.academy.pk}),
        "role_revoke": reverse(
            "organisation:role_revoke",
            kwargs={"pk": RoleAssignment.objects.filter(trust=world.trust).first().pk},
        ),
        "calendar": reverse("calendars:detail", kwargs={"academy_id": world.academy.pk}),
        "policy": reverse("policies:detail", kwargs={"policy_id": world.policy_version.policy_id}),
        "staff_edit": reverse(
            "organisation:staff_edit", kwargs={"pk": world.staff["appraisee"].pk}
        ),
    }
    outsider = Client()
    outsider.force_login(world.user("b_hr"))
    _refused_and_logged(outsider, world.user("b_hr"), urls[page])


@pytest.mark.parametrize("kind", ["term", "day"])
def test_a_headteacher_reaching_another_academys_term_through_their_own_is_logged(world, kind):
    from tests.calendars.factories import CalendarDayFactory, TermFactory

    if kind == "term":
        other = TermFactory(academy=world.sibling_academy)
        url = reverse(
            "calendars:term_edit",
            kwargs={"academy_id": world.academy.pk, "term_id": other.pk},
        )
    else:
        other = CalendarDayFactory(academy=world.sibling_academy)
        url = reverse(
            "calendars:day_remove",
            kwargs={"academy_id": world.academy.pk, "day_id": other.pk},
        )
    head = Client()
    head.force_login(world.user("headteacher"))
    _refused_and_logged(head, world.user("headteacher"), url)
    # A made-up id is a typo, not an event.
    missing = url.replace(f"/{other.pk}/", f"/{other.pk + 10_000}/")
    assert head.get(missing).status_code == 404
    assert SecurityEvent.objects.filter(user=world.user("headteacher")).count() == 1
