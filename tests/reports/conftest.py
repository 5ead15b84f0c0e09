"""Reports fixtures: a trustee beside the shared personas, and a trust with enough
appraisals for figures above the thresholds."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import User
from cycles.models import AppraisalCycle, CycleState
from organisation.models import Academy, Role, StaffGroup, StaffMember
from organisation.services import role_grant
from tests.factories import JobRoleFactory, StaffMemberFactory, UserFactory
from tests.personas import World

YEAR = 2026


def add_trustee(world: World) -> User:
    trust = world.academy.trust
    user = UserFactory(trust=trust, email="trustee@alder.example.org")
    role_grant(user=user, role=Role.TRUSTEE, trust=trust, granted_by=world.user("trust_admin"))
    world.users["trustee"] = user
    return user


def add_cycles(
    world: World,
    academy: Academy,
    n: int,
    *,
    state: str = CycleState.ACTIVE,
    group: str = "teaching",
) -> list[AppraisalCycle]:
    """``n`` appraisals of the report's year at ``academy``, for new members of staff."""
    job = JobRoleFactory(trust=academy.trust)
    made = []
    for _ in range(n):
        staff: StaffMember = StaffMemberFactory(
            trust=academy.trust, academy=academy, job_role=job, staff_group=group
        )
        made.append(
            AppraisalCycle.objects.create(
                trust=academy.trust,
                academy=academy,
                appraisee=staff,
                policy_version=world.policy_version,
                starts_on=dt.date(YEAR, 9, 1),
                ends_on=dt.date(YEAR + 1, 8, 31),
                state=state,
            )
        )
    return made


@pytest.fixture
def trustee(world: World) -> User:
    return add_trustee(world)


__all__ = ["YEAR", "StaffGroup", "add_cycles", "add_trustee"]
