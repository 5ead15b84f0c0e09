from __future__ import annotations

import pytest

from accounts.models import User
from organisation.models import Academy, Role, Trust
from organisation.services import role_grant
from tests.factories import AcademyFactory, TrustFactory, UserFactory


@pytest.fixture
def trust(db: None) -> Trust:
    return TrustFactory(name="Oak Trust", slug="oak")


@pytest.fixture
def academy(trust: Trust) -> Academy:
    return AcademyFactory(trust=trust, name="Oak Primary")


@pytest.fixture
def admin_user(trust: Trust) -> User:
    user = UserFactory(trust=trust)
    role_grant(user=user, role=Role.TRUST_ADMIN, trust=trust)
    return user


@pytest.fixture
def hr_user(trust: Trust) -> User:
    user = UserFactory(trust=trust)
    role_grant(user=user, role=Role.HR, trust=trust)
    return user
