"""Factories and helpers for cycle tests. Everything stays inside one trust."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import factory
from factory.django import DjangoModelFactory

from cycles.models import AppraisalCycle, CycleState
from organisation.models import Academy, JobRole, Trust
from policies.models import Policy, PolicyVersion
from policies.presets import load_preset
from policies.services import policy_assign, policy_create_from_preset
from tests.factories import StaffMemberFactory

D = dt.date
POLICY_FROM = D(2020, 9, 1)


def preset_version(
    trust: Trust,
    key: str,
    *,
    variant: str | None = None,
    groups: Iterable[str] | None = None,
    academy: Academy | None = None,
    job_role: JobRole | None = None,
    assign: bool = True,
) -> PolicyVersion:
    """The trust's policy made from preset ``key`` (or its variant), assigned to the
    preset's staff groups (or ``groups``), trust-wide or for one academy / job role."""
    preset = load_preset(key)
    policy = policy_create_from_preset(
        trust=trust,
        preset_key=key,
        actor=None,
        effective_from=POLICY_FROM,
        variant=variant,
        include_variants=False,
    )
    if assign:
        staff_groups = groups or (
            preset.variant(variant).staff_groups if variant else preset.staff_groups
        )
        for group in staff_groups:
            policy_assign(
                trust=trust,
                staff_group=group,
                policy=policy,
                academy=academy,
                job_role=job_role,
                actor=None,
            )
    return PolicyVersion.objects.filter(policy=policy).order_by("-effective_from").first()  # type: ignore[return-value]


def default_version(trust: Trust) -> PolicyVersion:
    policy, _ = Policy.objects.get_or_create(trust=trust, name="Default policy")
    version, _ = PolicyVersion.objects.get_or_create(
        policy=policy, number=1, defaults={"effective_from": POLICY_FROM, "settings": {}}
    )
    return version


class CycleFactory(DjangoModelFactory):
    class Meta:
        model = AppraisalCycle

    appraisee = factory.SubFactory(StaffMemberFactory)
    trust = factory.SelfAttribute("appraisee.trust")
    academy = factory.SelfAttribute("appraisee.academy")
    reviewer = factory.SelfAttribute("appraisee.line_manager")
    policy_version = factory.LazyAttribute(lambda o: default_version(o.trust))
    starts_on = D(2026, 9, 1)
    ends_on = D(2027, 8, 31)
    state = CycleState.ACTIVE
