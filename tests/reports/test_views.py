"""The appraisal-year report and its CSV: who sees what, figures hidden below the policy's
thresholds, no person ever named, the access log, and a flat query count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from cycles.models import CycleState
from tests.personas import ALL_PERSONAS
from tests.reports.conftest import YEAR, add_cycles, add_trustee

URL = reverse("reports:year")
CSV = reverse("reports:year_csv")

SEES = {"hr", "ceo", "headteacher", "sibling_head", "governor", "chair", "trustee", "b_hr",
        "b_headteacher"}  # fmt: skip


@pytest.fixture
def school(world):  # type: ignore[no-untyped-def]
    add_trustee(world)
    add_cycles(world, world.academy, 12, state=CycleState.ACTIVE)
    add_cycles(world, world.academy, 3, state=CycleState.CLOSED)
    add_cycles(world, world.sibling_academy, 20, state=CycleState.ACTIVE)
    return world


@pytest.mark.django_db
def test_every_persona_sees_the_report_for_their_scope_or_not_found(client, school) -> None:
    for persona in (*ALL_PERSONAS, "trustee"):
        client.force_login(school.user(persona))
        for url in (URL, CSV):
            response = client.get(url, {"year": YEAR})
            # An inactive account is signed out and sent to sign in.
            expected = 200 if persona in SEES else 302 if persona == "inactive" else 404
            assert response.status_code == expected, (persona, url, response.status_code)
        client.logout()


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client, school) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_governor_sees_their_academy_by_staff_group(client, school) -> None:
    client.force_login(school.user("governor"))
    page = client.get(URL, {"year": YEAR}).content.decode()
    assert "Alder Primary" in page
    assert "Alder Secondary" not in page
    assert "Appraisals by stage" in page
    assert "Whole trust" not in page


def test_a_governor_cannot_ask_for_another_academy(client, school) -> None:
    client.force_login(school.user("governor"))
    response = client.get(URL, {"year": YEAR, "academy": school.sibling_academy.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Alder Secondary" not in page
    assert "Select a valid choice" in page


def test_the_trustee_sees_every_academy_and_the_trust(client, school) -> None:
    client.force_login(school.user("trustee"))
    page = client.get(URL, {"year": YEAR}).content.decode()
    assert "Alder Primary" in page and "Alder Secondary" in page and "Whole trust" in page


def _stage_row(report_csv: str, label: str) -> list[str]:
    lines = report_csv.splitlines()
    start = lines.index("Appraisals by stage,All staff")
    for line in lines[start:]:
        if line.startswith(label + ","):
            return line.split(",")
    raise AssertionError(label)


def test_small_figures_are_hidden_in_the_export_and_nothing_else_gives_them_away(
    client, school
) -> None:
    client.force_login(school.user("trustee"))
    body = client.get(CSV, {"year": YEAR}).content.decode()
    primary = _stage_row(body, "Alder Primary")
    # 12 active, 3 closed: the 3 is hidden, and so is a second figure of the row.
    assert primary[4] == "[hidden]"
    assert primary.count("[hidden]") >= 2
    trust = _stage_row(body, "Whole trust")
    assert trust[4] == "[hidden]"


def _pin_settings(world, settings: dict) -> None:
    """Every cycle of the year moves to a new version of the policy with ``settings``."""
    from cycles.models import AppraisalCycle
    from policies.models import PolicyVersion

    old = world.policy_version
    version = PolicyVersion.objects.create(
        policy=old.policy,
        number=old.number + 1,
        effective_from=old.effective_from.replace(year=old.effective_from.year + 1),
        settings=settings,
    )
    AppraisalCycle.objects.filter(policy_version=old).update(policy_version=version)
    world.policy_version = version


def _support_plans(world, academy, n: int, *, capability: bool = False) -> None:
    import datetime as dt

    from support_plans.models import SupportPlan

    for cycle in add_cycles(world, academy, n):
        SupportPlan.objects.create(
            trust=academy.trust,
            academy=academy,
            staff=cycle.appraisee,
            manager=world.staff["line_manager"],
            policy_version=world.policy_version,
            stage="informal",
            stage_started_on=dt.date(YEAR, 10, 1),
            opened_on=dt.date(YEAR, 10, 1),
            capability_started_on=dt.date(YEAR, 11, 1) if capability else None,
        )


def _row_of(report_csv: str, title: str, label: str) -> list[str]:
    lines = report_csv.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title + ","))
    for line in lines[start:]:
        if line.startswith(label + ","):
            return line.split(",")
    raise AssertionError(label)


@pytest.mark.policy_setting("confidentiality.sensitive_small_number_threshold")
def test_support_figures_are_hidden_below_the_sensitive_threshold(client, school) -> None:
    _support_plans(school, school.sibling_academy, 7)
    _support_plans(school, school.sibling_academy, 30, capability=True)
    client.force_login(school.user("trustee"))
    body = client.get(CSV, {"year": YEAR}).content.decode()
    # 7 is above the ordinary threshold (5) but below the sensitive one (10).
    assert _row_of(body, "Support plans and capability", "Alder Secondary")[1] == "[hidden]", body
    _pin_settings(school, {"confidentiality": {"sensitive_small_number_threshold": 5}})
    body = client.get(CSV, {"year": YEAR}).content.decode()
    assert _row_of(body, "Support plans and capability", "Alder Secondary")[1:4] == [
        "7", "30", "37"
    ]  # fmt: skip


@pytest.mark.policy_setting("confidentiality.small_number_threshold")
def test_the_policy_threshold_decides_which_figures_are_hidden(client, school) -> None:
    from reports.selectors import trust_figures
    from reports.suppression import primary_cells

    add_cycles(school, school.sibling_academy, 30, group="support")
    add_cycles(school, school.sibling_academy, 3, state=CycleState.CLOSED, group="support")
    trust_id = school.academy.trust_id
    closed = ("stage", str(school.sibling_academy.pk), "support", "closed")
    figures = trust_figures(trust_id, YEAR)
    assert figures.thresholds.ordinary == 5
    assert closed in primary_cells(figures.system) and closed in figures.hidden
    _pin_settings(school, {"confidentiality": {"small_number_threshold": 3}})
    figures = trust_figures(trust_id, YEAR)
    assert figures.system.values[closed] == 3
    assert closed not in primary_cells(figures.system)
    client.force_login(school.user("trustee"))
    assert "below 3 " in client.get(CSV, {"year": YEAR}).content.decode()


def test_no_person_is_named_on_any_report_page_or_export(client, school) -> None:
    from organisation.models import StaffMember

    people = list(StaffMember.objects.filter(trust=school.academy.trust))
    assert len(people) > 30
    for persona in ("governor", "trustee"):
        client.force_login(school.user(persona))
        for url in (URL, CSV):
            for params in ({"year": YEAR}, {"year": YEAR, "staff_group": "teaching"}):
                body = client.get(url, params).content.decode()
                for person in people:
                    for text in (person.last_name, person.email, person.staff_number):
                        if text and len(text) > 3:
                            assert text not in body, (persona, url, text)


def test_each_view_and_export_is_in_the_access_log(client, school) -> None:
    client.force_login(school.user("governor"))
    client.get(URL, {"year": YEAR})
    client.get(CSV, {"year": YEAR})
    actions = list(
        AccessLogEntry.objects.filter(user=school.user("governor")).values_list("action", flat=True)
    )
    assert "view" in actions and "export" in actions


def test_the_query_count_does_not_grow_with_the_staff(
    client, school, django_assert_max_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(school.user("trustee"))
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL, {"year": YEAR}).status_code == 200
    add_cycles(school, school.academy, 40, state=CycleState.REVIEW)
    add_cycles(school, school.sibling_academy, 40, state=CycleState.CLOSED, group="support")
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL, {"year": YEAR}).status_code == 200
    assert len(large) == len(small)


def test_the_governor_finds_the_report_from_their_home_page(client, school) -> None:
    client.force_login(school.user("governor"))
    home = client.get(reverse("home")).content.decode()
    assert URL in home
    assert "will appear here" not in home
    client.force_login(school.user("appraisee"))
    assert URL not in client.get(reverse("home")).content.decode()
