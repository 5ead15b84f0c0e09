"""Policies pinned from the real presets, and cycles, for the reviews tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cycles.models import AppraisalCycle, CycleState
from organisation.models import StaffMember, Trust
from policies.models import Policy, PolicyVersion
from policies.presets import load_preset


def preset_version(trust: Trust, key: str, **patch: Any) -> PolicyVersion:
    """A policy version of ``trust`` holding the preset's full settings (optionally with
    whole sections replaced by ``patch``)."""
    settings = load_preset(key).rules.model_dump(mode="json")
    for section, values in patch.items():
        settings[section] = {**settings[section], **values}
    policy, _ = Policy.objects.get_or_create(trust=trust, name=f"{key} policy", preset=key)
    number = policy.versions.count() + 1
    return PolicyVersion.objects.create(
        policy=policy,
        number=number,
        effective_from=dt.date(2020, 1, number),
        settings=settings,
    )


def make_cycle(
    *,
    appraisee: StaffMember,
    reviewer: StaffMember | None,
    version: PolicyVersion,
    starts_on: dt.date = dt.date(2025, 9, 1),
    ends_on: dt.date = dt.date(2026, 8, 31),
    state: str = CycleState.ACTIVE,
    is_headteacher_cycle: bool = False,
) -> AppraisalCycle:
    return AppraisalCycle.objects.create(
        trust=appraisee.trust,
        academy=appraisee.academy,
        appraisee=appraisee,
        reviewer=reviewer,
        policy_version=version,
        starts_on=starts_on,
        ends_on=ends_on,
        state=state,
        is_headteacher_cycle=is_headteacher_cycle,
    )
