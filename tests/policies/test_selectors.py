"""Reads: which version applies to whom, in bulk, and the overview."""

from __future__ import annotations

import datetime as dt

import pytest

from organisation.models import Academy, StaffGroup, StaffMember, Trust
from policies.models import Policy
from policies.selectors import (
    ACADEMY,
    ACADEMY_AND_ROLE,
    FROM_POLICY,
    ROLE,
    SET_BY_TRUST,
    TRUST_DEFAULT,
    TRUST_WIDE,
    assignment_overview,
    describe_version,
    policy_for,
    policy_versions_for_staff,
    previous_version,
)
from policies.services import (
    policy_assign,
    policy_create,
    policy_create_from_preset,
    policy_version_create,
)
from tests.factories import AcademyFactory, JobRoleFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


def _policy(trust: Trust, name: str, effective: dt.date = dt.date(2025, 9, 1)) -> Policy:
    return policy_create(trust=trust, name=name, settings={}, effective_from=effective)


@pytest.fixture
def layout(trust: Trust, academy: Academy) -> dict[str, object]:
    """Trust-wide, academy, role and academy+role assignments for support staff."""
    other_academy = AcademyFactory(trust=trust, name="Oak Secondary")
    lsa = JobRoleFactory(trust=trust, name="Learning support")
    clerk = JobRoleFactory(trust=trust, name="Clerk")
    policies = {k: _policy(trust, k) for k in ("trust", "academy", "role", "both")}
    group = StaffGroup.SUPPORT
    policy_assign(trust=trust, staff_group=group, policy=policies["trust"], actor=None)
    policy_assign(
        trust=trust, staff_group=group, policy=policies["academy"], academy=academy, actor=None
    )
    policy_assign(trust=trust, staff_group=group, policy=policies["role"], job_role=lsa, actor=None)
    policy_assign(
        trust=trust,
        staff_group=group,
        policy=policies["both"],
        academy=academy,
        job_role=lsa,
        actor=None,
    )

    def member(at: Academy, role: object) -> StaffMember:
        return StaffMemberFactory(academy=at, job_role=role, staff_group=group)

    return {
        "policies": policies,
        "academy": academy,
        "other_academy": other_academy,
        "lsa": lsa,
        "lsa_here": member(academy, lsa),
        "clerk_here": member(academy, clerk),
        "lsa_there": member(other_academy, lsa),
        "clerk_there": member(other_academy, clerk),
        "teacher": StaffMemberFactory(academy=academy, staff_group=StaffGroup.TEACHING),
    }


def test_most_specific_assignment_wins(layout: dict) -> None:
    on = dt.date(2026, 1, 1)
    policies = layout["policies"]
    assert policy_for(staff_member=layout["lsa_here"], on=on).policy == policies["both"]
    assert policy_for(staff_member=layout["lsa_there"], on=on).policy == policies["role"]
    assert policy_for(staff_member=layout["clerk_here"], on=on).policy == policies["academy"]
    assert policy_for(staff_member=layout["clerk_there"], on=on).policy == policies["trust"]
    # No teaching policy assigned.
    assert policy_for(staff_member=layout["teacher"], on=on) is None


def test_version_in_force_on_the_date(trust: Trust, academy: Academy) -> None:
    policy = _policy(trust, "Dated")
    v2 = policy_version_create(
        policy=policy,
        settings={"retention": {"default_years": 7}},
        effective_from=dt.date(2026, 9, 1),
        change_note="",
        actor=None,
    )
    policy_assign(trust=trust, staff_group=StaffGroup.TEACHING, policy=policy, actor=None)
    member = StaffMemberFactory(academy=academy)
    assert policy_for(staff_member=member, on=dt.date(2025, 8, 31)) is None
    assert policy_for(staff_member=member, on=dt.date(2026, 8, 31)).number == 1
    assert policy_for(staff_member=member, on=dt.date(2026, 9, 1)) == v2
    assert previous_version(v2).number == 1


def test_bulk_matches_single_and_uses_fixed_queries(
    layout: dict, django_assert_num_queries: object
) -> None:
    on = dt.date(2026, 1, 1)
    staff = StaffMember.objects.filter(trust=layout["academy"].trust)
    with django_assert_num_queries(3):  # type: ignore[operator]
        result = policy_versions_for_staff(staff, on)
    for member in staff:
        single = policy_for(staff_member=member, on=on)
        if single is None:
            assert member.pk not in result
        else:
            assert result[member.pk] == single
    # Many more staff: still three queries.
    for _ in range(30):
        StaffMemberFactory(
            academy=layout["other_academy"], job_role=layout["lsa"], staff_group="support"
        )
    with django_assert_num_queries(3):  # type: ignore[operator]
        assert len(policy_versions_for_staff(staff.all(), on)) == 34


def test_overview_explains_why(
    layout: dict, trust: Trust, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(3):  # type: ignore[operator]
        rows = assignment_overview(trust, dt.date(2026, 1, 1))
    by_academy = {row.academy.name: row for row in rows}
    here = {c.staff_group: c for c in by_academy["Oak Primary"].cells}
    there = {c.staff_group: c for c in by_academy["Oak Secondary"].cells}
    policies = layout["policies"]
    assert here["support"].applied.policy == policies["academy"]
    assert here["support"].applied.scope == ACADEMY
    assert [(o.policy, o.scope) for o in here["support"].role_overrides] == [
        (policies["both"], ACADEMY_AND_ROLE)
    ]
    assert there["support"].applied.scope == TRUST_WIDE
    assert [(o.policy, o.scope) for o in there["support"].role_overrides] == [
        (policies["role"], ROLE)
    ]
    assert here["teaching"].applied.policy is None
    assert here["teaching"].applied.reason == "No policy assigned"
    assert there["support"].applied.version.number == 1


def test_describe_version_marks_where_each_value_comes_from(trust: Trust) -> None:
    policy = policy_create_from_preset(
        trust=trust, preset_key="classic-objectives", effective_from=dt.date(2025, 9, 1)
    )
    v1 = policy.versions.get()
    settings = dict(v1.settings)
    settings["retention"] = {**settings["retention"], "default_years": 8}
    v2 = policy_version_create(
        policy=policy,
        settings=settings,
        effective_from=dt.date(2026, 9, 1),
        change_note="Eight years",
        actor=None,
    )
    shown = {s.path: s for section in describe_version(v2, v1) for s in section.settings}
    verbal = shown["observations.verbal_feedback_working_days"]
    assert (verbal.origin, verbal.source, verbal.value) == (FROM_POLICY, "§5.2.4", "2")
    assert shown["retention.default_years"].origin == SET_BY_TRUST
    assert shown["retention.default_years"].changed
    assert not verbal.changed
    assert shown["observations.yearly_cap_minutes"].origin == TRUST_DEFAULT
