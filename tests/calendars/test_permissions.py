"""Who may see and change an academy's calendar (persona x action)."""

from __future__ import annotations

import pytest
from django.http import Http404

from calendars import permissions
from organisation.models import Academy
from organisation.principal import principal_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "can_view", "can_edit"),
    [
        ("trust_admin", True, True),
        ("headteacher", True, True),
        ("other_headteacher", True, False),  # head of another academy in the trust
        ("teacher", True, False),
        ("outsider", False, False),  # another trust's administrator
    ],
)
def test_calendar_access_matrix(
    request: pytest.FixtureRequest, academy: Academy, persona: str, can_view: bool, can_edit: bool
) -> None:
    principal = principal_for(request.getfixturevalue(persona))
    assert permissions.can(principal, permissions.VIEW, academy) is can_view
    assert permissions.can(principal, permissions.EDIT, academy) is can_edit
    if can_view:
        assert permissions.academy_for(principal, academy.pk, request=None) == academy
    else:
        with pytest.raises(Http404):
            permissions.academy_for(principal, academy.pk, request=None)


def test_account_without_a_trust_sees_nothing(academy: Academy) -> None:
    principal = principal_for(UserFactory(trust=None))
    assert not permissions.visible_academies(principal).exists()
    assert not permissions.can(principal, permissions.VIEW, academy)


def test_headteacher_edits_only_their_own_academy(
    academy: Academy, other_academy: Academy, headteacher
) -> None:  # type: ignore[no-untyped-def]
    principal = principal_for(headteacher)
    assert permissions.can(principal, permissions.EDIT, academy)
    assert not permissions.can(principal, permissions.EDIT, other_academy)
    assert permissions.can(principal, permissions.VIEW, other_academy)
