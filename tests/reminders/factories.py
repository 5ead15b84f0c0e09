"""A small trust for reminder and retention tests: an academy with real 2026-27 term
dates, a headteacher, a reviewer and appraisees, cycles pinned to a preset's version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from accounts.models import User
from calendars.models import Term
from cycles.models import AppraisalCycle, CycleState
from organisation.models import Academy, Role, StaffMember, Trust
from organisation.services import role_grant
from policies.models import Policy, PolicyVersion
from policies.presets import load_preset
from tests.factories import AcademyFactory, StaffMemberFactory, TrustFactory, UserFactory

D = dt.date

TERMS_2026_27: list[tuple[str, dt.date, dt.date]] = [
    ("Autumn 1 2026", D(2026, 9, 1), D(2026, 10, 23)),  # October half-term 26-30 Oct
    ("Autumn 2 2026", D(2026, 11, 2), D(2026, 12, 18)),  # Christmas from Mon 21 Dec
    ("Spring 1 2027", D(2027, 1, 4), D(2027, 2, 12)),  # February half-term 15-19 Feb
    ("Spring 2 2027", D(2027, 2, 22), D(2027, 3, 25)),  # Easter from Good Friday
    ("Summer 1 2027", D(2027, 4, 12), D(2027, 5, 28)),
    ("Summer 2 2027", D(2027, 6, 7), D(2027, 7, 21)),
]


def add_terms(academy: Academy, terms: list[tuple[str, dt.date, dt.date]] = TERMS_2026_27) -> None:
    for name, starts_on, ends_on in terms:
        Term.objects.create(academy=academy, name=name, starts_on=starts_on, ends_on=ends_on)


def preset_version(trust: Trust, key: str, **sections: dict[str, Any]) -> PolicyVersion:
    """A version of ``trust``'s policy holding preset ``key``'s settings, with any section
    overridden field by field (e.g. ``reminders={"days_before": 3}``)."""
    settings = load_preset(key).rules.model_dump(mode="json")
    for section, values in sections.items():
        settings[section] = {**settings[section], **values}
    policy, _ = Policy.objects.get_or_create(trust=trust, name=f"{key} policy", preset=key)
    number = policy.versions.count() + 1
    return PolicyVersion.objects.create(
        policy=policy, number=number, effective_from=D(2020, 1, number), settings=settings
    )


@dataclass
class World:
    trust: Trust
    academy: Academy
    version: PolicyVersion
    headteacher: User
    reviewer: StaffMember
    appraisee: StaffMember
    cycle: AppraisalCycle

    def cycle_for(self, appraisee: StaffMember, **fields: Any) -> AppraisalCycle:
        values: dict[str, Any] = {
            "trust": self.trust,
            "academy": appraisee.academy,
            "appraisee": appraisee,
            "reviewer": self.reviewer,
            "policy_version": self.version,
            "starts_on": D(2026, 9, 1),
            "ends_on": D(2027, 8, 31),
            "state": CycleState.ACTIVE,
        }
        values.update(fields)
        return AppraisalCycle.objects.create(**values)

    def staff(self, **fields: Any) -> StaffMember:
        fields.setdefault("line_manager", self.reviewer)
        return StaffMemberFactory(academy=self.academy, **fields)


def make_world(*, preset: str = "classic-objectives", **sections: dict[str, Any]) -> World:
    trust = TrustFactory()
    academy = AcademyFactory(trust=trust)
    add_terms(academy)
    version = preset_version(trust, preset, **sections)
    head_staff = StaffMemberFactory(academy=academy, first_name="Hana", last_name="Head")
    role_grant(
        user=head_staff.user,
        role=Role.HEADTEACHER,
        trust=trust,
        academy=academy,
        starts_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    reviewer = StaffMemberFactory(
        academy=academy, first_name="Rhys", last_name="Reviewer", line_manager=head_staff
    )
    appraisee = StaffMemberFactory(
        academy=academy, first_name="Ada", last_name="Appraisee", line_manager=reviewer
    )
    world = World(
        trust=trust,
        academy=academy,
        version=version,
        headteacher=head_staff.user,
        reviewer=reviewer,
        appraisee=appraisee,
        cycle=None,  # type: ignore[arg-type]
    )
    world.cycle = world.cycle_for(appraisee)
    return world


def other_user(trust: Trust | None = None) -> User:
    return UserFactory(trust=trust or TrustFactory())
