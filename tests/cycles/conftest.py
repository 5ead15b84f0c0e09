from __future__ import annotations

import pytest

from appraisal_site.celery import app as celery_app
from organisation.models import Academy, JobRole, Role, StaffGroup, StaffMember, Trust
from organisation.services import rebuild_line_management, role_grant
from policies.models import PolicyVersion
from tests.factories import AcademyFactory, JobRoleFactory, StaffMemberFactory, TrustFactory

from .factories import preset_version


@pytest.fixture
def eager_tasks():  # type: ignore[no-untyped-def]
    """Run queued tasks in-process, as the app does with no Redis configured."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def trust(db) -> Trust:  # type: ignore[no-untyped-def]
    return TrustFactory(name="Fenland Learning Trust", slug="fenland")


@pytest.fixture
def academy(trust: Trust) -> Academy:
    return AcademyFactory(trust=trust, name="Oak Primary")


@pytest.fixture
def other_academy(trust: Trust) -> Academy:
    return AcademyFactory(trust=trust, name="Ash Secondary")


@pytest.fixture
def teacher_role(trust: Trust) -> JobRole:
    return JobRoleFactory(trust=trust, name="Class teacher")


@pytest.fixture
def classic(trust: Trust) -> PolicyVersion:
    """classic-objectives for every staff group, trust-wide."""
    return preset_version(trust, "classic-objectives")


@pytest.fixture
def head(trust: Trust, academy: Academy) -> StaffMember:
    staff = StaffMemberFactory(
        academy=academy, staff_group=StaffGroup.LEADERSHIP, first_name="Hana", last_name="Head"
    )
    role_grant(user=staff.user, role=Role.HEADTEACHER, trust=trust, academy=academy)
    return staff


@pytest.fixture
def manager(academy: Academy, head: StaffMember) -> StaffMember:
    return StaffMemberFactory(
        academy=academy, line_manager=head, first_name="Mo", last_name="Manager"
    )


@pytest.fixture
def team(academy: Academy, manager: StaffMember) -> list[StaffMember]:
    members = [
        StaffMemberFactory(academy=academy, line_manager=manager, last_name=f"Teacher{i}")
        for i in range(3)
    ]
    rebuild_line_management(trust=academy.trust)
    return members
