"""The demo trust opens mid-year on today's date: cycles at varied stages, most objectives
agreed, some observations done, and only a few things genuinely overdue."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from appraisal_site.demo import seed_demo
from cycles.models import AppraisalCycle, CycleState
from objectives.models import ObjectivePlan, PlanState
from organisation.models import Academy
from reviews.models import Observation

pytestmark = pytest.mark.django_db

# The first week of December: objectives were due by 31 October (classic §4.2).
MID_AUTUMN = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


@time_machine.travel(MID_AUTUMN)
def test_the_demo_year_is_under_way_with_only_a_few_things_overdue() -> None:
    result = seed_demo(preset="classic-objectives", academic_year=2026)
    cycles = AppraisalCycle.objects.filter(trust=result.trust, starts_on__year=2026)
    total = cycles.count()
    states = set(cycles.values_list("state", flat=True))
    assert {CycleState.PLANNING, CycleState.ACTIVE} <= states
    assert cycles.filter(state=CycleState.ACTIVE).count() > total // 2
    agreed = ObjectivePlan.objects.filter(cycle__in=cycles, state=PlanState.AGREED).count()
    assert agreed > total // 2
    assert ObjectivePlan.objects.filter(cycle__in=cycles, state=PlanState.PROPOSED).exists()
    observations = Observation.objects.filter(cycle__in=cycles)
    assert observations.filter(written_feedback_at__isnull=False).exists()
    assert observations.filter(written_feedback_at__isnull=True).exists()

    head = next(p for p in result.personas if p.label == "Headteacher")
    client = Client()
    client.force_login(result.trust.staff.get(email=head.email).user)
    academy = Academy.objects.get(trust=result.trust, name="Oakfield Primary Academy")
    response = client.get(reverse("cycles:academy", args=[academy.pk]))
    assert response.status_code == 200
    overview = response.context["overview"]
    overdue = [(r.cycle.state, sorted({d.kind for d in r.overdue})) for r in overview.rows]
    assert 0 < overview.overdue_count < len(overview.rows) / 2, overdue
    # Some rows have nothing overdue at all.
    assert any(not row.overdue for row in overview.rows)

    # Run again: the same year, nothing added.
    before = (observations.count(), agreed)
    seed_demo(preset="classic-objectives", academic_year=2026)
    again = ObjectivePlan.objects.filter(cycle__in=cycles, state=PlanState.AGREED).count()
    assert (observations.count(), again) == before
