"""The Administration page gathers the pages a trust is set up with, so the navigation bar
stays short: each link is shown by its own page's access rule, and the page is "Page not
found" for anyone with none of them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

NAV_START = '<ul class="govuk-service-navigation__list"'


def _get(world, persona: str, url: str):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.user(persona))
    return client.get(url)


def _nav(html: str) -> str:
    return html.split(NAV_START, 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize(
    ("persona", "links", "hidden"),
    [
        (
            "hr",
            ["Trust and academies", "Roles and access", "Policies", "Audit log", "Retention"],
            [],
        ),
        ("trust_admin", ["Trust and academies", "Roles and access", "Policies"], ["Audit log"]),
        (
            "headteacher",
            ["Roles and access", "Policies", "Calendars"],
            ["Trust and academies", "Audit log"],
        ),
        ("ceo", ["Policies", "Calendars"], ["Roles and access", "Retention"]),
    ],
)
def test_each_link_follows_its_own_page(world, persona, links, hidden):
    response = _get(world, persona, reverse("organisation:administration"))
    assert response.status_code == 200
    html = response.content.decode()
    for link in links:
        assert f">{link}</a>" in html, link
    for link in hidden:
        assert f">{link}</a>" not in html, link
    assert ">Administration<" in _nav(html)


@pytest.mark.parametrize("persona", ["appraisee", "line_manager", "delegate", "b_staff"])
def test_nobody_else_has_the_page(world, persona):
    response = _get(world, persona, reverse("organisation:administration"))
    assert response.status_code == 404
    nav = _nav(_get(world, persona, reverse("home")).content.decode())
    assert "Administration" not in nav
    assert ">Calendars<" in nav  # reached from the bar when there is no Administration page


def test_hr_bar_has_the_everyday_pages_only(world):
    nav = _nav(_get(world, "hr", reverse("home")).content.decode())
    for item in ("My appraisal", "Academy overview", "Staff", "My deadlines", "Administration"):
        assert f">{item}<" in nav, item
    for item in ("Audit", "Retention", "Roles", "Policies", "Trust", "Calendars", "Moderation"):
        assert f">{item}<" not in nav, item
    assert "Sign out" in nav


def test_a_page_under_administration_marks_it_as_the_current_section(world):
    nav = _nav(_get(world, "hr", reverse("audit:index")).content.decode())
    assert (
        'href="/administration/" aria-current="true">'
        '<strong class="govuk-service-navigation__active-fallback">Administration</strong>'
    ) in nav
    own = _nav(_get(world, "hr", reverse("organisation:administration")).content.decode())
    assert 'href="/administration/" aria-current="page">' in own


def test_moderation_and_shared_objectives_are_reached_from_their_lists(world):
    index = _get(world, "hr", reverse("cycles:academies")).content.decode()
    assert reverse("reviews:moderation_index") in index
    academy = reverse("cycles:academy", args=[world.academy.pk])
    overview = _get(world, "headteacher", academy).content.decode()
    assert reverse("reviews:moderation_index") in overview
    reviewees = _get(world, "line_manager", reverse("cycles:reviewees")).content.decode()
    assert reverse("objectives:shared_list") in reviewees
