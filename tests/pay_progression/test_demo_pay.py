"""The demo trust's pay review in progress: each persona's pay pages show it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from appraisal_site.demo import seed_demo
from pay_progression.models import PayRecommendation, PayReview, PayScaleSet, Stage

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 10, 12, 9, 0, tzinfo=dt.UTC), tick=False)
def test_the_demo_pay_review_shows_on_every_personas_pages() -> None:
    result = seed_demo(preset="classic-objectives", academic_year=2026)
    staff = {m.email: m for m in result.trust.staff.select_related("user")}
    scale_set = PayScaleSet.objects.get(trust=result.trust, pay_year=2026)
    assert scale_set.is_example and "Example figures" in scale_set.name
    review = PayReview.objects.get(trust=result.trust)
    by_label = {p.label: staff[p.email] for p in result.personas if p.email in staff}

    def client(label: str) -> Client:
        c = Client()
        c.force_login(by_label[label].user)
        return c

    teacher = by_label["Teacher"]
    own = PayRecommendation.objects.get(review=review, staff=teacher)
    assert own.stage == Stage.STATEMENT_ISSUED
    mine = client("Teacher").get(reverse("pay_progression:mine")).content.decode()
    assert "Download your pay statement" in mine
    head = client("Headteacher").get(reverse("pay_progression:review", args=[review.pk]))
    assert "Drafted" in head.content.decode()
    drafts = client("Line manager").get(reverse("pay_progression:index")).content.decode()
    assert "Pay recommendations for you to draft" in drafts
    hr = client("HR").get(reverse("pay_progression:index")).content.decode()
    assert "Open since" in hr
    # A second run changes nothing.
    seed_demo(preset="classic-objectives", academic_year=2026)
    assert PayReview.objects.filter(trust=result.trust).count() == 1
