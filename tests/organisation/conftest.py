from __future__ import annotations

import pytest

from organisation.models import Academy, Role, StaffGroup, Trust
from organisation.services import rebuild_line_management, role_grant
from tests.factories import AcademyFactory, StaffMemberFactory, TrustFactory, UserFactory


@pytest.fixture
def trust(db) -> Trust:  # type: ignore[no-untyped-def]
    return TrustFactory(name="Fenland Learning Trust", slug="fenland")


@pytest.fixture
def academy(trust: Trust) -> Academy:
    return AcademyFactory(trust=trust, name="Oak Primary", urn="100001")


@pytest.fixture
def other_academy(trust: Trust) -> Academy:
    return AcademyFactory(trust=trust, name="Ash Secondary", urn="100002")


@pytest.fixture
def central(trust: Trust) -> Academy:
    return AcademyFactory(trust=trust, name="Central team", is_central_team=True)


@pytest.fixture
def admin(trust, central):  # type: ignore[no-untyped-def]
    """The trust administrator (on the central team's staff)."""
    staff = StaffMemberFactory(academy=central, staff_group=StaffGroup.SUPPORT, staff_number="ADM1")
    role_grant(user=staff.user, role=Role.TRUST_ADMIN, trust=trust)
    return staff.user


@pytest.fixture
def hr(trust, central):  # type: ignore[no-untyped-def]
    staff = StaffMemberFactory(academy=central, staff_group=StaffGroup.SUPPORT, staff_number="HR1")
    role_grant(user=staff.user, role=Role.HR, trust=trust)
    return staff.user


@pytest.fixture
def team(trust, academy):  # type: ignore[no-untyped-def]
    """Oak Primary: head -> deputy -> teacher, and a colleague reporting to the head."""
    head = StaffMemberFactory(academy=academy, staff_number="T1", staff_group=StaffGroup.LEADERSHIP)
    deputy = StaffMemberFactory(
        academy=academy, staff_number="T2", staff_group=StaffGroup.LEADERSHIP, line_manager=head
    )
    teacher = StaffMemberFactory(academy=academy, staff_number="T3", line_manager=deputy)
    colleague = StaffMemberFactory(academy=academy, staff_number="T4", line_manager=head)
    rebuild_line_management(trust=trust)
    role_grant(user=head.user, role=Role.HEADTEACHER, trust=trust, academy=academy)
    return {"head": head, "deputy": deputy, "teacher": teacher, "colleague": colleague}


@pytest.fixture
def sibling(trust, other_academy):  # type: ignore[no-untyped-def]
    """A teacher at another academy of the same trust."""
    staff = StaffMemberFactory(academy=other_academy, staff_number="A1")
    rebuild_line_management(trust=trust)
    return staff


@pytest.fixture
def governor(trust, academy):  # type: ignore[no-untyped-def]
    user = UserFactory(trust=trust)
    role_grant(user=user, role=Role.GOVERNOR, trust=trust, academy=academy)
    return user


@pytest.fixture
def other_trust_admin(db):  # type: ignore[no-untyped-def]
    other = TrustFactory(name="Birch Trust", slug="birch")
    academy = AcademyFactory(trust=other, name="Birch Academy")
    staff = StaffMemberFactory(academy=academy, staff_number="T1")
    role_grant(user=staff.user, role=Role.TRUST_ADMIN, trust=other)
    return staff.user
