"""The home page links to every page the person can use, and only to those pages."""

from __future__ import annotations

import re

from django.urls import reverse

from organisation.models import Role
from organisation.services import role_grant
from tests.factories import UserFactory


def _links(client, user) -> set[str]:  # type: ignore[no-untyped-def]
    client.force_login(user)
    body = client.get(reverse("home")).content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    return set(re.findall(r'href="([^"?#]+)', main))


def test_every_home_link_opens_for_whoever_sees_it(client, admin, hr, team, governor) -> None:  # type: ignore[no-untyped-def]
    for user in (admin, hr, team["head"].user, team["deputy"].user, team["teacher"].user, governor):
        for link in _links(client, user):
            assert client.get(link, follow=True).status_code == 200, (user, link)


def test_trust_administrators_reach_policies_and_calendars_from_home(client, admin) -> None:  # type: ignore[no-untyped-def]
    links = _links(client, admin)
    assert {reverse("policies:index"), reverse("calendars:index")} <= links
    assert reverse("audit:index") not in links


def test_hr_reach_audit_retention_and_moderation_from_home(client, hr) -> None:  # type: ignore[no-untyped-def]
    links = _links(client, hr)
    assert {
        reverse("audit:index"),
        reverse("retention:index"),
        reverse("reviews:moderation_index"),
        reverse("cycles:academies"),
    } <= links


def test_headteachers_reach_the_academy_overview_and_moderation_from_home(client, team) -> None:  # type: ignore[no-untyped-def]
    links = _links(client, team["head"].user)
    assert {reverse("cycles:academies"), reverse("reviews:moderation_index")} <= links
    assert reverse("audit:index") not in links


def test_governors_find_their_reports_and_see_no_person(client, governor) -> None:  # type: ignore[no-untyped-def]
    client.force_login(governor)
    body = client.get(reverse("home")).content.decode()
    assert reverse("reports:year") in body
    assert reverse("support_plans:index") not in body
    assert reverse("organisation:staff_list") not in body
    assert reverse("cycles:mine") not in body


def test_a_governor_who_is_also_hr_is_not_treated_as_governor_only(client, trust, academy) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(trust=trust)
    role_grant(user=user, role=Role.GOVERNOR, trust=trust, academy=academy)
    role_grant(user=user, role=Role.HR, trust=trust)
    assert reverse("audit:index") in _links(client, user)
