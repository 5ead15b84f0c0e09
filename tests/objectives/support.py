"""Helpers for the objectives tests: presets as trust policies, cycles, one school."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from accounts.models import User
from cycles.models import AppraisalCycle, CycleState
from organisation.models import Academy, PayRange, Role, StaffGroup, StaffMember, Trust
from organisation.services import rebuild_line_management, role_grant
from policies.models import Policy, PolicyVersion
from policies.presets import load_preset
from tests.factories import AcademyFactory, StaffMemberFactory, TrustFactory

PRESETS = (
    "langley-interim",
    "classic-objectives",
    "aspire-grow",
    "leger-pdp",
    "staploe-associate",
)


def preset_version(trust: Trust, key: str, variant: str | None = None) -> PolicyVersion:
    """A policy made from a preset, as a trust would create it, with its first version."""
    preset = load_preset(key)
    name = preset.policy_name(variant)
    policy, _ = Policy.objects.get_or_create(
        trust=trust, name=name, defaults={"preset": preset.policy_key(variant)}
    )
    version, _ = PolicyVersion.objects.get_or_create(
        policy=policy,
        number=1,
        defaults={"effective_from": dt.date(2020, 1, 1), "settings": preset.settings_for(variant)},
    )
    return version


def version_with(
    trust: Trust, key: str, changes: dict[str, Any], *, label: str = "changed"
) -> PolicyVersion:
    """A policy made from a preset with only ``changes`` (``{"section.field": value}``)
    different, as a trust would after editing those settings."""
    preset = load_preset(key)
    settings = preset.settings_for(None)
    for path, value in changes.items():
        section, name = path.split(".")
        settings.setdefault(section, {})[name] = value
    policy = Policy.objects.create(
        trust=trust, name=f"{preset.policy_name(None)} ({label})", preset=preset.policy_key(None)
    )
    return PolicyVersion.objects.create(
        policy=policy, number=1, effective_from=dt.date(2020, 1, 1), settings=settings
    )


def make_cycle(
    appraisee: StaffMember,
    version: PolicyVersion,
    *,
    reviewer: StaffMember | None = None,
    starts_on: dt.date = dt.date(2026, 9, 1),
    ends_on: dt.date = dt.date(2027, 8, 31),
    state: str = CycleState.ACTIVE,
    **kw: Any,
) -> AppraisalCycle:
    return AppraisalCycle.objects.create(
        trust_id=appraisee.trust_id,
        academy_id=appraisee.academy_id,
        appraisee=appraisee,
        reviewer=reviewer,
        policy_version=version,
        starts_on=starts_on,
        ends_on=ends_on,
        state=state,
        **kw,
    )


@dataclass
class School:
    """One trust with one academy: a headteacher, HR, a reviewer and the people they
    review, a colleague in another team, and someone from another trust."""

    trust: Trust
    academy: Academy
    other_academy: Academy
    headteacher: StaffMember
    hr: StaffMember
    reviewer: StaffMember
    teacher: StaffMember
    ups_teacher: StaffMember
    leader: StaffMember
    support: StaffMember
    colleague: StaffMember
    outsider: StaffMember
    versions: dict[str, PolicyVersion] = field(default_factory=dict)

    def version(self, key: str) -> PolicyVersion:
        if key not in self.versions:
            self.versions[key] = preset_version(self.trust, key)
        return self.versions[key]

    def cycle(self, key: str, appraisee: StaffMember | None = None, **kw: Any) -> AppraisalCycle:
        kw.setdefault("reviewer", self.reviewer)
        return make_cycle(appraisee or self.teacher, self.version(key), **kw)


def user(member: StaffMember) -> User:
    assert member.user is not None
    return member.user


def build_school() -> School:
    trust = TrustFactory(name="Willow Trust", slug="willow")
    academy = AcademyFactory(trust=trust, name="Willow Primary")
    other_academy = AcademyFactory(trust=trust, name="Willow Secondary")
    central = AcademyFactory(trust=trust, name="Willow central team", is_central_team=True)

    def person(first: str, academy: Academy = academy, **kw: Any) -> StaffMember:
        return StaffMemberFactory(academy=academy, first_name=first, last_name="Tester", **kw)

    head = person("Hana", staff_group=StaffGroup.LEADERSHIP, pay_range=PayRange.LEADERSHIP)
    hr = person("Harriet", academy=central, staff_group=StaffGroup.SUPPORT, has_qts=False)
    reviewer = person("Rita", line_manager=head)
    teacher = person("Tom", line_manager=reviewer)
    ups = person("Ursula", line_manager=reviewer, pay_range=PayRange.UPPER, pay_point="U1")
    leader = person(
        "Leo", line_manager=reviewer, staff_group=StaffGroup.LEADERSHIP, pay_range="LSP"
    )
    support = person(
        "Sam", line_manager=reviewer, staff_group=StaffGroup.SUPPORT, has_qts=False, pay_range="SCP"
    )
    colleague = person("Cora", line_manager=head)
    rebuild_line_management(trust=trust)
    role_grant(user=head.user, role=Role.HEADTEACHER, trust=trust, academy=academy)
    role_grant(user=hr.user, role=Role.HR, trust=trust)

    other_trust = TrustFactory(name="Oak Trust", slug="oak")
    outsider_academy = AcademyFactory(trust=other_trust, name="Oak Academy")
    outsider = StaffMemberFactory(academy=outsider_academy, first_name="Otto")
    role_grant(user=outsider.user, role=Role.HR, trust=other_trust)
    return School(
        trust=trust,
        academy=academy,
        other_academy=other_academy,
        headteacher=head,
        hr=hr,
        reviewer=reviewer,
        teacher=teacher,
        ups_teacher=ups,
        leader=leader,
        support=support,
        colleague=colleague,
        outsider=outsider,
    )
