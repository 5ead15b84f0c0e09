"""Helpers shared by the sign-in, audit and security tests."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache

from accounts.models import User
from organisation.models import Academy, Role, StaffMember, Trust
from organisation.services import role_grant
from tests.factories import AcademyFactory, StaffMemberFactory


@pytest.fixture(autouse=True)
def _clean_cache():  # type: ignore[no-untyped-def]
    # Rate limits and used TOTP codes live in the cache; each test starts afresh.
    cache.clear()
    yield
    cache.clear()


def staff_with_role(role: str | None = None, *, academy: Academy | None = None) -> StaffMember:
    """A member of staff with a sign-in account, optionally holding ``role``."""
    academy = academy or AcademyFactory()
    staff = StaffMemberFactory(academy=academy)
    if role is not None:
        user = staff.user
        assert user is not None
        trust = academy.trust
        if role in {Role.HEADTEACHER, Role.APPRAISAL_DELEGATE, Role.GOVERNOR}:
            role_grant(user=user, role=role, trust=trust, academy=academy)
        else:
            role_grant(user=user, role=role, trust=trust)
    return staff


def user_with_role(role: str | None = None, *, trust: Trust | None = None) -> User:
    academy = AcademyFactory(trust=trust) if trust is not None else None
    user = staff_with_role(role, academy=academy).user
    assert user is not None
    return user


def give_totp(user: User) -> str:
    """Turn on an authenticator app for ``user``; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
