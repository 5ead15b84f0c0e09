"""Helpers for the probation tests: a policy from a preset assigned to the school's
teachers, and a new teacher who joined this term."""

from __future__ import annotations

import datetime as dt
from typing import Any

from organisation.models import RoleAssignment, StaffMember
from organisation.services import rebuild_line_management
from policies.models import PolicyAssignment, PolicyVersion
from probation import services
from probation.models import Probation
from tests.factories import StaffMemberFactory
from tests.objectives.support import School, preset_version, user, version_with

JOINED = dt.date(2026, 9, 1)


def assign(school: School, version: PolicyVersion) -> PolicyVersion:
    """Make ``version``'s policy the one every teacher of the trust follows."""
    PolicyAssignment.objects.filter(trust=school.trust).delete()
    for group in ("teaching", "support", "leadership"):
        PolicyAssignment.objects.create(
            trust=school.trust, staff_group=group, policy=version.policy
        )
    return version


def policy(school: School, key: str = "langley-interim", **changes: Any) -> PolicyVersion:
    # The roles were granted when the school was built; the tests travel to dates that may
    # come before that, so the grants date from long before.
    RoleAssignment.objects.filter(trust=school.trust).update(
        starts_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    if changes:
        label = ",".join(f"{k}={v}" for k, v in changes.items())
        return assign(school, version_with(school.trust, key, changes, label=label))
    return assign(school, preset_version(school.trust, key))


def new_teacher(school: School, joined: dt.date = JOINED, **kw: Any) -> StaffMember:
    member = StaffMemberFactory(
        academy=school.academy,
        first_name="Nadia",
        last_name="Newstart",
        line_manager=school.reviewer,
        start_date=joined,
        **kw,
    )
    rebuild_line_management(trust=school.trust)
    return member


def started(school: School, member: StaffMember, on: dt.date = JOINED) -> Probation:
    return services.probation_start(actor=user(school.reviewer), staff=member, starts_on=on)
