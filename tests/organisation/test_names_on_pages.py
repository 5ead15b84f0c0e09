"""Where a person reads the page, people and records are named, not given as ids or emails;
a staff record leads to that person's appraisals the viewer may open."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AccessLogEntry
from cycles.models import CycleOpening, OpeningStatus

pytestmark = pytest.mark.django_db


def _page(world, persona: str, url: str) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.user(persona))
    response = client.get(url)
    assert response.status_code == 200
    # Names come from the factories (O'Connor is escaped in the page): read it as text.
    return html.unescape(response.content.decode())


def _record(world, persona: str, whose: str) -> str:  # type: ignore[no-untyped-def]
    return _page(world, persona, reverse("organisation:staff_detail", args=[world.staff[whose].pk]))


def test_a_staff_record_links_to_the_appraisals_the_viewer_may_open(world):
    cycle_url = reverse("cycles:detail", args=[world.cycles["appraisee"].pk])
    reviewer = _record(world, "line_manager", "appraisee")
    assert "Appraisals" in reviewer
    assert f'href="{cycle_url}"' in reviewer
    assert "Appraisal 2026 to 2027" in reviewer

    own = _record(world, "appraisee", "appraisee")
    assert f'href="{cycle_url}"' in own
    assert "Your appraisal 2026 to 2027" in own

    # HR is not among the world's policy's readers, but runs the cycle: its page opens.
    assert f'href="{cycle_url}"' in _record(world, "hr", "appraisee")


def test_a_staff_record_names_no_appraisal_the_viewer_may_not_open(world):
    # The trust administrator sees staff records but reads no appraisal.
    page = _record(world, "trust_admin", "appraisee")
    assert reverse("cycles:detail", args=[world.cycles["appraisee"].pk]) not in page
    assert '<h2 class="govuk-heading-m">Appraisals</h2>' not in page


def test_the_access_log_names_the_record_not_its_table_and_id(world):
    cycle = world.cycles["appraisee"]
    for label in ("Appraisal 2026-27, Jo Smith", ""):
        AccessLogEntry.objects.create(
            trust=world.trust,
            user=world.user("line_manager"),
            action="view",
            object_type="cycles.appraisalcycle",
            object_id=str(cycle.pk),
            label=label,
        )
    page = _page(world, "hr", reverse("audit:index"))
    assert "Appraisal 2026-27, Jo Smith" in page
    assert f"Appraisal cycle, record number {cycle.pk}" in page
    assert "cycles.appraisalcycle" not in page


def test_the_opening_page_names_who_asked(world):
    hr = world.user("hr")
    opening = CycleOpening.objects.create(
        trust=world.trust, year=2026, requested_by=hr, status=OpeningStatus.DONE
    )
    page = _page(world, "hr", reverse("cycles:opening", args=[opening.pk]))
    assert hr.get_full_name() in page
    assert hr.email not in page.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize(("name", "tagged"), [("Alder central team", False), ("Head office", True)])
def test_the_central_team_is_said_once(world, name, tagged):
    world.central.name = name
    world.central.save(update_fields=["name"])
    page = _page(world, "trust_admin", reverse("organisation:trust"))
    assert ('<strong class="govuk-tag govuk-tag--blue">Central team</strong>' in page) is tagged
    record = _record(world, "trust_admin", "hr")
    assert ("(central team)" in record) is tagged


def test_exceptional_access_names_who_granted_it(world):
    cycle = world.cycles["headteacher"]
    page = _page(world, "hr", reverse("cycles:access", args=[cycle.pk]))
    assert f"Granted by {world.user('hr').get_full_name()}" in page
    assert f"Granted by {world.user('hr').email}" not in page
