from __future__ import annotations

import pytest

from accounts.models import User
from organisation.models import Role
from organisation.services import role_grant
from tests.factories import UserFactory

from .support import School, build_school


@pytest.fixture
def school(db) -> School:  # type: ignore[no-untyped-def]
    return build_school()


@pytest.fixture
def trust_admin(school: School) -> User:
    admin = UserFactory(trust=school.trust)
    role_grant(user=admin, role=Role.TRUST_ADMIN, trust=school.trust)
    return admin
