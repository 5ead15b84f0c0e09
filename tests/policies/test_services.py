"""Writes: creating policies and versions, presets, assignments."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from cycles.models import AppraisalCycle
from organisation.models import Academy, StaffGroup, Trust
from policies.models import Policy, PolicyAssignment, PolicyVersion
from policies.services import (
    PolicyError,
    policy_assign,
    policy_create,
    policy_create_from_preset,
    policy_unassign,
    policy_version_create,
)
from tests.factories import AcademyFactory, JobRoleFactory, StaffMemberFactory, TrustFactory

pytestmark = pytest.mark.django_db


def _policy(trust: Trust, actor: User | None = None) -> Policy:
    return policy_create(
        trust=trust, name="Our policy", settings={}, effective_from=dt.date(2025, 9, 1), actor=actor
    )


def test_create_stores_the_whole_validated_document(trust: Trust, admin_user: User) -> None:
    policy = _policy(trust, admin_user)
    version = policy.versions.get()
    assert version.number == 1
    assert version.created_by == admin_user
    # Defaults are written out so a later change of a default never alters this version.
    assert version.settings["retention"]["default_years"] == 6
    assert version.history.first().history_user == admin_user


def test_invalid_settings_raise_per_field_errors_and_save_nothing(trust: Trust) -> None:
    policy = _policy(trust)
    with pytest.raises(PolicyError) as caught:
        policy_version_create(
            policy=policy,
            settings={"observations": {"yearly_cap_minutes": 99999}},
            effective_from=dt.date(2026, 9, 1),
            change_note="Try",
            actor=None,
        )
    assert "observations.yearly_cap_minutes" in caught.value.field_errors
    assert policy.versions.count() == 1


def test_versions_are_numbered_and_dates_unique(trust: Trust, admin_user: User) -> None:
    policy = _policy(trust)
    v2 = policy_version_create(
        policy=policy,
        settings={"retention": {"default_years": 7}},
        effective_from=dt.date(2026, 9, 1),
        change_note="Seven years",
        actor=admin_user,
    )
    assert v2.number == 2
    assert v2.rules.retention.default_years == 7
    with pytest.raises(PolicyError) as caught:
        policy_version_create(
            policy=policy,
            settings={},
            effective_from=dt.date(2026, 9, 1),
            change_note="Again",
            actor=admin_user,
        )
    assert "effective_from" in caught.value.field_errors


def test_a_version_cannot_start_before_one_a_cycle_pinned(trust: Trust) -> None:
    policy = _policy(trust)
    v2 = policy_version_create(
        policy=policy, settings={}, effective_from=dt.date(2026, 9, 1), change_note="", actor=None
    )
    member = StaffMemberFactory(academy=AcademyFactory(trust=trust))
    AppraisalCycle.objects.create(
        trust=trust,
        academy=member.academy,
        appraisee=member,
        policy_version=v2,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 8, 31),
    )
    with pytest.raises(PolicyError, match="cannot start before"):
        policy_version_create(
            policy=policy,
            settings={},
            effective_from=dt.date(2026, 1, 1),
            change_note="Backdated",
            actor=None,
        )
    # Later than the pinned version is fine.
    v3 = policy_version_create(
        policy=policy, settings={}, effective_from=dt.date(2027, 9, 1), change_note="", actor=None
    )
    assert v3.number == 3


def test_only_the_trust_admin_may_change_policies(
    trust: Trust, hr_user: User, admin_user: User
) -> None:
    policy = _policy(trust)
    with pytest.raises(PolicyError, match="administrator"):
        policy_version_create(
            policy=policy,
            settings={},
            effective_from=dt.date(2026, 9, 1),
            change_note="",
            actor=hr_user,
        )
    other_admin_trust = TrustFactory()
    with pytest.raises(PolicyError):
        policy_create_from_preset(
            trust=other_admin_trust, preset_key="aspire-grow", actor=admin_user
        )


def test_create_from_preset_is_idempotent_and_makes_variants(
    trust: Trust, admin_user: User
) -> None:
    policy = policy_create_from_preset(
        trust=trust,
        preset_key="staploe-associate",
        actor=admin_user,
        effective_from=dt.date(2026, 1, 1),
    )
    assert policy.preset == "staploe-associate"
    assert policy.versions.get().rules.cycle.starts_on.month == 1
    variant = Policy.objects.get(trust=trust, preset="staploe-associate--learning-support")
    assert variant.versions.get().rules.cycle.starts_on.month == 6
    again = policy_create_from_preset(trust=trust, preset_key="staploe-associate", actor=admin_user)
    assert again == policy
    assert Policy.objects.filter(trust=trust).count() == 2
    assert PolicyVersion.objects.filter(policy__trust=trust).count() == 2
    chosen = policy_create_from_preset(
        trust=trust, preset_key="staploe-associate", variant="learning-support"
    )
    assert chosen == variant


def test_create_from_preset_defaults_to_the_current_cycle_start(trust: Trust) -> None:
    import time_machine

    with time_machine.travel(dt.datetime(2026, 3, 10, 12, 0), tick=False):
        policy = policy_create_from_preset(trust=trust, preset_key="classic-objectives")
    assert policy.versions.get().effective_from == dt.date(2025, 9, 1)


def test_create_from_preset_avoids_a_name_clash(trust: Trust) -> None:
    Policy.objects.create(trust=trust, name="Aspire & Grow conversations")
    policy = policy_create_from_preset(trust=trust, preset_key="aspire-grow")
    assert policy.name == "Aspire & Grow conversations (2)"


def test_unknown_preset(trust: Trust) -> None:
    with pytest.raises(PolicyError, match="no such preset"):
        policy_create_from_preset(trust=trust, preset_key="nope")


def test_assign_replaces_at_the_same_scope_and_unassign(
    trust: Trust, academy: Academy, admin_user: User
) -> None:
    first = _policy(trust)
    second = policy_create_from_preset(trust=trust, preset_key="aspire-grow")
    a = policy_assign(trust=trust, staff_group=StaffGroup.TEACHING, policy=first, actor=admin_user)
    b = policy_assign(trust=trust, staff_group=StaffGroup.TEACHING, policy=second, actor=admin_user)
    assert a.pk == b.pk and b.policy == second
    override = policy_assign(
        trust=trust,
        staff_group=StaffGroup.TEACHING,
        policy=first,
        academy=academy,
        actor=admin_user,
    )
    assert PolicyAssignment.objects.filter(trust=trust).count() == 2
    policy_unassign(assignment=override, actor=admin_user)
    assert PolicyAssignment.objects.filter(trust=trust).count() == 1
    assert PolicyAssignment.history.filter(history_type="-").first().history_user == admin_user


def test_assign_refuses_other_trusts_objects(trust: Trust, academy: Academy) -> None:
    other = TrustFactory()
    foreign_policy = _policy(other)
    mine = _policy(trust)
    with pytest.raises(PolicyError):
        policy_assign(trust=trust, staff_group="teaching", policy=foreign_policy, actor=None)
    with pytest.raises(PolicyError):
        policy_assign(
            trust=trust,
            staff_group="teaching",
            policy=mine,
            academy=AcademyFactory(trust=other),
            actor=None,
        )
    with pytest.raises(PolicyError):
        policy_assign(
            trust=trust,
            staff_group="teaching",
            policy=mine,
            job_role=JobRoleFactory(trust=other),
            actor=None,
        )
    with pytest.raises(PolicyError):
        policy_assign(trust=trust, staff_group="janitors", policy=mine, actor=None)


def test_load_policy_presets_command(trust: Trust) -> None:
    soham = AcademyFactory(trust=trust, name="Soham Village College")
    role = JobRoleFactory(trust=trust, name="Learning support")
    out = StringIO()
    call_command(
        "load_policy_presets",
        "--trust",
        "oak",
        "--preset",
        "staploe-associate",
        "--effective-from",
        "2026-01-01",
        "--assign",
        stdout=out,
    )
    assert "Created" in out.getvalue()
    assert Policy.objects.filter(trust=trust).count() == 2
    # The variant is assigned through an academy + job role override.
    override = PolicyAssignment.objects.get(trust=trust, academy=soham, job_role=role)
    assert override.policy.preset == "staploe-associate--learning-support"
    assert (
        PolicyAssignment.objects.get(
            trust=trust, staff_group="support", academy=None, job_role=None
        ).policy.preset
        == "staploe-associate"
    )
    out = StringIO()
    call_command("load_policy_presets", "--trust", "oak", "--assign", stdout=out)
    assert Policy.objects.filter(trust=trust).count() == 7  # five presets, two variants
    assert "Already loaded: Staploe associate staff" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("load_policy_presets", "--trust", "nope", stdout=out)
