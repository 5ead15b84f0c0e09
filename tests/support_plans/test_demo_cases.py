"""The demo trust has open cases at several stages, so the support pages are not empty, and
the first plan has a letter stored on it, so its letters section is not empty either."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from appraisal_site.demo import seed_demo
from cycles.models import CycleState
from support_plans.models import CAPABILITY, Concern, LetterKind, PlanLetter, SupportPlan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("preset", ["classic-objectives", "leger-pdp"])
def test_the_demo_has_a_concern_a_plan_with_a_letter_and_for_classic_a_capability_case(
    preset: str,
) -> None:
    result = seed_demo(preset=preset, academic_year=2026)
    plans = SupportPlan.objects.filter(trust=result.trust, status="open")
    assert Concern.objects.filter(trust=result.trust, plans__isnull=True).count() == 1
    first = plans.exclude(stage=CAPABILITY).get()
    assert first.stage == first.policy_version.rules.support.stages[0].key
    capability = plans.filter(stage=CAPABILITY)
    if preset == "classic-objectives":
        case = capability.get()
        assert case.cycle is not None and case.cycle.state == CycleState.SUSPENDED
    else:
        assert not capability.exists()
    # The first support meeting was held today and its outcome letter is on the plan.
    letter = PlanLetter.objects.get(plan=first)
    assert letter.kind == LetterKind.OUTCOME and letter.meeting.held_on is not None
    assert all(item["text"] for item in letter.contents)
    # Seeding again adds nothing.
    seed_demo(preset=preset, academic_year=2026)
    assert SupportPlan.objects.filter(trust=result.trust).count() == plans.count()
    assert PlanLetter.objects.filter(plan__trust=result.trust).count() == 1
    hr = next(p for p in result.personas if p.label == "HR")
    client = Client()
    client.force_login(User.objects.get(email=hr.email))
    page = client.get(reverse("support_plans:escalations")).content.decode()
    assert first.staff.full_name in page
    detail = client.get(reverse("support_plans:plan_detail", args=[first.pk])).content.decode()
    download = reverse("support_plans:letter", args=[first.pk, letter.pk])
    assert download in detail and "No letters have been written." not in detail
    pdf = client.get(download)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
