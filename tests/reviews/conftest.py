"""One trust with an academy, its people and a cycle; and a second trust."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cycles.models import AppraisalCycle
from organisation.models import Academy, Role, StaffGroup, StaffMember, Trust
from organisation.services import rebuild_line_management, role_grant
from policies.models import PolicyVersion
from tests.factories import AcademyFactory, JobRoleFactory, StaffMemberFactory, TrustFactory

from .factories import make_cycle, preset_version


@dataclass
class Setting:
    trust: Trust
    academy: Academy
    sibling: Academy
    reviewer: StaffMember
    appraisee: StaffMember
    colleague: StaffMember
    headteacher: StaffMember
    sibling_head: StaffMember
    hr: StaffMember
    outsider: StaffMember
    outsider_head: StaffMember
    classic: PolicyVersion
    cycle: AppraisalCycle


@pytest.fixture
def s(db) -> Setting:  # type: ignore[no-untyped-def]
    trust = TrustFactory(name="Oak Trust", slug="oak")
    academy = AcademyFactory(trust=trust, name="Oak Primary")
    sibling = AcademyFactory(trust=trust, name="Oak Secondary")
    teacher = JobRoleFactory(trust=trust, name="Class teacher")
    leader = JobRoleFactory(trust=trust, name="Headteacher")
    head = StaffMemberFactory(academy=academy, job_role=leader, staff_group=StaffGroup.LEADERSHIP)
    reviewer = StaffMemberFactory(academy=academy, job_role=teacher, line_manager=head)
    appraisee = StaffMemberFactory(academy=academy, job_role=teacher, line_manager=reviewer)
    colleague = StaffMemberFactory(academy=academy, job_role=teacher, line_manager=head)
    sibling_head = StaffMemberFactory(academy=sibling, job_role=leader)
    hr = StaffMemberFactory(academy=academy, job_role=JobRoleFactory(trust=trust, name="HR"))
    role_grant(user=head.user, role=Role.HEADTEACHER, trust=trust, academy=academy)
    role_grant(user=sibling_head.user, role=Role.HEADTEACHER, trust=trust, academy=sibling)
    role_grant(user=hr.user, role=Role.HR, trust=trust)
    rebuild_line_management(trust=trust)

    other = TrustFactory(name="Elm Trust", slug="elm")
    other_academy = AcademyFactory(trust=other, name="Elm Academy")
    outsider = StaffMemberFactory(academy=other_academy)
    outsider_head = StaffMemberFactory(academy=other_academy)
    role_grant(user=outsider_head.user, role=Role.HEADTEACHER, trust=other, academy=other_academy)
    role_grant(user=outsider.user, role=Role.HR, trust=other)

    classic = preset_version(trust, "classic-objectives")
    cycle = make_cycle(appraisee=appraisee, reviewer=reviewer, version=classic)
    return Setting(
        trust=trust,
        academy=academy,
        sibling=sibling,
        reviewer=reviewer,
        appraisee=appraisee,
        colleague=colleague,
        headteacher=head,
        sibling_head=sibling_head,
        hr=hr,
        outsider=outsider,
        outsider_head=outsider_head,
        classic=classic,
        cycle=cycle,
    )
