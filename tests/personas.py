"""Named personas for access tests: two trusts, every role, and an appraisal cycle each.

Trust A ("Alder") has two academies and a central team:

- ``hr`` (central HR), ``trust_admin`` (organisation and policy only), ``ceo`` (executive)
- academy A1: ``headteacher``, ``delegate`` (delegated appraisal lead, expiring),
  ``senior_leader`` (line-manages the reviewer), ``line_manager`` (the reviewer),
  ``appraisee`` (a teacher reviewed by ``line_manager``), ``colleague`` (a teacher in
  another team, reviewed by ``senior_leader``)
- academy A2: ``sibling_staff`` (teacher at a sibling academy), ``sibling_head``
- ``governor`` (academy A1; anonymised reports only), ``chair`` (chair of governors of
  academy A1: a governor who sets up the headteacher's review committee, not on it),
  ``adviser`` (an external adviser with a grant on the headteacher's cycle only),
  ``inactive`` (a deactivated teacher account)

Trust B ("Birch") mirrors the shape with ``b_hr``, ``b_headteacher``, ``b_staff``; every text
field of trust B's data that a page could show carries ``MARKER``, so a leak is a substring.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from accounts.models import User
from cycles.models import AppraisalCycle, CycleState
from cycles.services import cycle_grant_access
from organisation.models import Academy, Role, StaffGroup, StaffMember, Trust
from organisation.services import rebuild_line_management, role_grant
from policies.models import Policy, PolicyVersion
from tests.factories import (
    AcademyFactory,
    JobRoleFactory,
    StaffMemberFactory,
    TrustFactory,
    UserFactory,
)

MARKER = "ZQXMARKERBIRCH"

STAFF_PERSONAS = (
    "hr",
    "trust_admin",
    "ceo",
    "headteacher",
    "delegate",
    "senior_leader",
    "line_manager",
    "appraisee",
    "colleague",
    "sibling_staff",
    "sibling_head",
    "inactive",
)
OTHER_PERSONAS = ("governor", "chair", "adviser")
TRUST_B_PERSONAS = ("b_hr", "b_headteacher", "b_staff")
ALL_PERSONAS = STAFF_PERSONAS + OTHER_PERSONAS + TRUST_B_PERSONAS


@dataclass
class World:
    trust: Trust
    other_trust: Trust
    academy: Academy
    sibling_academy: Academy
    central: Academy
    other_academy: Academy
    users: dict[str, User] = field(default_factory=dict)
    staff: dict[str, StaffMember] = field(default_factory=dict)
    cycles: dict[str, AppraisalCycle] = field(default_factory=dict)
    policy_version: PolicyVersion | None = None
    other_policy_version: PolicyVersion | None = None

    def user(self, persona: str) -> User:
        return self.users[persona]


def _version(trust: Trust, name: str, settings: dict[str, Any] | None = None) -> PolicyVersion:
    policy = Policy.objects.create(trust=trust, name=name)
    return PolicyVersion.objects.create(
        policy=policy, number=1, effective_from=dt.date(2020, 1, 1), settings=settings or {}
    )


def build_world() -> World:
    trust = TrustFactory(name="Alder Learning Trust", slug="alder")
    other = TrustFactory(name=f"Birch {MARKER} Trust", slug="birch")
    world = World(
        trust=trust,
        other_trust=other,
        academy=AcademyFactory(trust=trust, name="Alder Primary"),
        sibling_academy=AcademyFactory(trust=trust, name="Alder Secondary"),
        central=AcademyFactory(trust=trust, name="Alder central team", is_central_team=True),
        other_academy=AcademyFactory(trust=other, name=f"Birch {MARKER} Academy"),
    )
    teacher = JobRoleFactory(trust=trust, name="Class teacher")
    leader = JobRoleFactory(trust=trust, name="Senior leader")
    officer = JobRoleFactory(trust=trust, name="HR officer")

    def staff(key: str, academy: Academy, role: Any, **kw: Any) -> StaffMember:
        member = StaffMemberFactory(
            academy=academy,
            job_role=role,
            email=f"{key.replace('_', '.')}@alder.example.org",
            **kw,
        )
        world.staff[key] = member
        world.users[key] = member.user
        return member

    head = staff("headteacher", world.academy, leader, staff_group=StaffGroup.LEADERSHIP)
    staff("delegate", world.academy, leader, staff_group=StaffGroup.LEADERSHIP, line_manager=head)
    senior = staff(
        "senior_leader", world.academy, leader, staff_group=StaffGroup.LEADERSHIP, line_manager=head
    )
    manager = staff("line_manager", world.academy, teacher, line_manager=senior)
    staff("appraisee", world.academy, teacher, line_manager=manager)
    staff("colleague", world.academy, teacher, line_manager=senior)
    sibling_head = staff(
        "sibling_head", world.sibling_academy, leader, staff_group=StaffGroup.LEADERSHIP
    )
    staff("sibling_staff", world.sibling_academy, teacher, line_manager=sibling_head)
    ceo = staff("ceo", world.central, leader, staff_group=StaffGroup.LEADERSHIP)
    staff("hr", world.central, officer, staff_group=StaffGroup.SUPPORT, line_manager=ceo)
    staff("trust_admin", world.central, officer, staff_group=StaffGroup.SUPPORT, line_manager=ceo)
    inactive = staff("inactive", world.academy, teacher, line_manager=manager)
    inactive.user.is_active = False
    inactive.user.save(update_fields=["is_active"])
    rebuild_line_management(trust=trust)

    world.users["governor"] = UserFactory(trust=trust, email="governor@alder.example.org")
    world.users["adviser"] = UserFactory(trust=trust, email="adviser@alder.example.org")
    world.users["chair"] = UserFactory(trust=trust, email="chair@alder.example.org")

    role_grant(user=world.users["hr"], role=Role.HR, trust=trust)
    role_grant(user=world.users["trust_admin"], role=Role.TRUST_ADMIN, trust=trust)
    role_grant(user=world.users["ceo"], role=Role.EXECUTIVE, trust=trust)
    role_grant(user=head.user, role=Role.HEADTEACHER, trust=trust, academy=world.academy)
    role_grant(
        user=world.users["sibling_head"],
        role=Role.HEADTEACHER,
        trust=trust,
        academy=world.sibling_academy,
    )
    role_grant(
        user=world.users["delegate"],
        role=Role.APPRAISAL_DELEGATE,
        trust=trust,
        academy=world.academy,
        granted_by=head.user,
        expires_at=timezone.now() + dt.timedelta(days=200),
    )
    role_grant(user=world.users["governor"], role=Role.GOVERNOR, trust=trust, academy=world.academy)
    for role in (Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS):
        role_grant(user=world.users["chair"], role=role, trust=trust, academy=world.academy)

    # Trust B.
    b_role = JobRoleFactory(trust=other, name=f"Teacher {MARKER}")
    b_head = StaffMemberFactory(
        academy=world.other_academy,
        job_role=b_role,
        first_name=f"Head{MARKER}",
        email="head@birch.example.org",
        staff_group=StaffGroup.LEADERSHIP,
    )
    b_staff = StaffMemberFactory(
        academy=world.other_academy,
        job_role=b_role,
        first_name=f"Staff{MARKER}",
        last_name=MARKER,
        email="staff@birch.example.org",
        line_manager=b_head,
    )
    b_hr = StaffMemberFactory(
        academy=world.other_academy,
        job_role=b_role,
        first_name=f"Hr{MARKER}",
        email="hr@birch.example.org",
        staff_group=StaffGroup.SUPPORT,
    )
    rebuild_line_management(trust=other)
    world.staff.update(b_headteacher=b_head, b_staff=b_staff, b_hr=b_hr)
    world.users.update(b_headteacher=b_head.user, b_staff=b_staff.user, b_hr=b_hr.user)
    role_grant(user=b_hr.user, role=Role.HR, trust=other)
    role_grant(user=b_head.user, role=Role.HEADTEACHER, trust=other, academy=world.other_academy)

    world.policy_version = _version(trust, "Alder policy")
    world.other_policy_version = _version(other, f"Birch {MARKER} policy")

    def cycle(key: str, version: PolicyVersion, reviewer: str | None, **kw: Any) -> None:
        member = world.staff[key]
        world.cycles[key] = AppraisalCycle.objects.create(
            trust_id=member.trust_id,
            academy_id=member.academy_id,
            appraisee=member,
            reviewer=world.staff[reviewer] if reviewer else None,
            policy_version=version,
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2027, 8, 31),
            state=CycleState.ACTIVE,
            **kw,
        )

    cycle("appraisee", world.policy_version, "line_manager")
    cycle("colleague", world.policy_version, "senior_leader")
    cycle("line_manager", world.policy_version, "senior_leader")
    cycle("sibling_staff", world.policy_version, "sibling_head")
    cycle("headteacher", world.policy_version, None, is_headteacher_cycle=True)
    cycle("b_staff", world.other_policy_version, "b_headteacher")
    cycle_grant_access(
        cycle=world.cycles["headteacher"],
        user=world.users["adviser"],
        permission="view_cycle_as_adviser",
        expires_at=timezone.now() + dt.timedelta(days=60),
        reason="External adviser for the headteacher's review",
        granted_by=world.users["hr"],
    )
    # The grant read the policy (its headteacher section), which keeps the parse on the
    # version object: drop it, so a test that edits the world's policy in place is read anew.
    for version in (world.policy_version, world.other_policy_version):
        version.__dict__.pop("_rules", None)
    return world
