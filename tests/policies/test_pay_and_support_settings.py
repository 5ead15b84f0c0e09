"""The pay and support settings the appraisal year already reads (the rest of both
sections waits for pay progression and support plans: see test_settings_coverage)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cycles.models import SuspensionReason
from cycles.services.transitions import suspension_reasons_allowed
from policies.schema import PolicySettings, default_settings
from reviews.rules import pay_reference_required


def _with(section: str, **changes: object) -> PolicySettings:
    rules = default_settings()
    part = getattr(rules, section).model_copy(update=changes)
    return rules.model_copy(update={section: part})


@pytest.mark.policy_setting("pay.performance_related_pay")
def test_performance_related_pay_makes_the_reviews_pay_reference_required():
    assert pay_reference_required(_with("pay", performance_related_pay=True))
    assert not pay_reference_required(_with("pay", performance_related_pay=False))


@pytest.mark.policy_setting("support.suspend_for_grievance")
def test_a_grievance_pauses_the_cycle_only_where_the_policy_says_so():
    def reasons(on: bool) -> list[SuspensionReason]:
        rules = _with("support", suspend_for_grievance=on)
        cycle = SimpleNamespace(policy_version=SimpleNamespace(rules=rules))
        return suspension_reasons_allowed(cycle)  # type: ignore[arg-type]

    assert reasons(True) == [SuspensionReason.CAPABILITY, SuspensionReason.GRIEVANCE]
    assert reasons(False) == [SuspensionReason.CAPABILITY]
