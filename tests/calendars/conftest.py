from __future__ import annotations

import pytest

from calendars.models import CalendarDay, CalendarDayKind, Term
from organisation.models import Academy, Role
from organisation.services import role_grant
from tests.factories import AcademyFactory, StaffMemberFactory, TrustFactory, UserFactory

from .dates import HALF_TERM_INSET, INSET_2026_27, POLLING_DAY_CLOSURE, TERMS_2026_27


@pytest.fixture
def trust(db):  # type: ignore[no-untyped-def]
    return TrustFactory(name="Fenland Learning Trust", slug="fenland")


@pytest.fixture
def academy(trust) -> Academy:  # type: ignore[no-untyped-def]
    return AcademyFactory(trust=trust, name="Oak Primary")


@pytest.fixture
def other_academy(trust) -> Academy:  # type: ignore[no-untyped-def]
    return AcademyFactory(trust=trust, name="Ash Secondary")


@pytest.fixture
def academy_with_2026_27(academy: Academy) -> Academy:
    """Oak Primary with its full 2026-27 calendar entered."""
    for name, starts_on, ends_on in TERMS_2026_27:
        Term.objects.create(academy=academy, name=name, starts_on=starts_on, ends_on=ends_on)
    for day in [*INSET_2026_27, HALF_TERM_INSET]:
        CalendarDay.objects.create(academy=academy, date=day, kind=CalendarDayKind.INSET)
    CalendarDay.objects.create(
        academy=academy,
        date=POLLING_DAY_CLOSURE,
        kind=CalendarDayKind.CLOSURE,
        description="Polling station",
    )
    return academy


@pytest.fixture
def trust_admin(trust):  # type: ignore[no-untyped-def]
    user = UserFactory(trust=trust)
    role_grant(user=user, role=Role.TRUST_ADMIN, trust=trust)
    return user


@pytest.fixture
def headteacher(trust, academy):  # type: ignore[no-untyped-def]
    staff = StaffMemberFactory(academy=academy)
    role_grant(user=staff.user, role=Role.HEADTEACHER, trust=trust, academy=academy)
    return staff.user


@pytest.fixture
def other_headteacher(trust, other_academy):  # type: ignore[no-untyped-def]
    """Headteacher of another academy in the same trust."""
    staff = StaffMemberFactory(academy=other_academy)
    role_grant(user=staff.user, role=Role.HEADTEACHER, trust=trust, academy=other_academy)
    return staff.user


@pytest.fixture
def teacher(academy):  # type: ignore[no-untyped-def]
    return StaffMemberFactory(academy=academy).user


@pytest.fixture
def outsider(db):  # type: ignore[no-untyped-def]
    """The trust administrator of a different trust."""
    other_trust = TrustFactory(name="Other Trust", slug="other")
    user = UserFactory(trust=other_trust)
    role_grant(user=user, role=Role.TRUST_ADMIN, trust=other_trust)
    return user
