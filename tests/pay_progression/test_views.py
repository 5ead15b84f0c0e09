"""The pay pages in the browser's place: opening a review, drafting with errors next to
their fields, what the review page sends to the pay committee, the statement and the
payroll export; the review list in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from pay_progression import services, statements
from pay_progression.models import Stage
from tests.factories import StaffMemberFactory
from tests.objectives.support import School, user
from tests.pay_progression.support import PAY_YEAR, open_review, policy, rec_for, scales

pytestmark = pytest.mark.django_db
AUTUMN = dt.datetime(2026, 10, 5, 10, 0, tzinfo=dt.UTC)


def client_for(member) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user(member))
    return client


@time_machine.travel(AUTUMN, tick=False)
def test_the_headteacher_opens_the_review_from_the_pay_page(school: School) -> None:
    policy(school)
    scales(school)
    head = client_for(school.headteacher)
    assert "Pay reviews and the pay recommendations you draft" in head.get("/").content.decode()
    page = head.get(reverse("pay_progression:index")).content.decode()
    assert "Open the pay review" in page and school.academy.name in page
    url = reverse("pay_progression:review_open", args=[school.academy.pk])
    form = head.get(url)
    token = form.context["form"]["submission_token"].value()
    response = head.post(url, {"pay_year": PAY_YEAR, "submission_token": token})
    assert response.status_code == 302
    review_page = head.get(response["Location"]).content.decode()
    assert escape(school.teacher.full_name) in review_page
    # The headteacher's own recommendation is not on their list.
    assert "For the governors</td>" not in review_page
    assert "every recommendation above (6)" in review_page


@time_machine.travel(AUTUMN, tick=False)
def test_a_bad_draft_is_an_error_next_to_its_field(school: School) -> None:
    review = open_review(school)
    rec = rec_for(review, school.teacher)
    reviewer = client_for(school.reviewer)
    url = reverse("pay_progression:draft", args=[rec.pk])
    response = reviewer.post(
        url, {"outcome": "progress", "proposed_point": "M4", "version": rec.version}
    )
    assert response.status_code == 200
    assert "appraisal evidence the recommendation rests on" in response.content.decode()
    assert response.context["form"].errors["evidence"]
    rec.refresh_from_db()
    assert rec.stage == Stage.PREPARED
    ok = reviewer.post(
        url,
        {"outcome": "progress", "proposed_point": "M4", "evidence": "Met.", "version": rec.version},
    )
    assert ok.status_code == 302


@time_machine.travel(AUTUMN, tick=False)
@pytest.mark.policy_setting("pay.pay_committee_sees")
def test_what_the_review_page_lists_for_the_pay_committee(school: School) -> None:
    review = open_review(school, "langley-interim")
    place_ups_not_progressing = rec_for(review, school.ups_teacher)
    assert place_ups_not_progressing.reason_key == "under_years_on_upper_point"
    hr = client_for(school.hr)
    page = hr.get(reverse("pay_progression:review", args=[review.pk])).content.decode()
    assert "how many staff are not progressing, and why" in page
    assert "Served less than 2 years" in page
    other = open_review_for_other_academy(
        school, "langley-interim", **{"pay.pay_committee_sees": "each_recommendation"}
    )
    page = hr.get(reverse("pay_progression:review", args=[other.pk])).content.decode()
    assert "receives every recommendation above" in page


def open_review_for_other_academy(school: School, key: str, **changes: object):  # type: ignore[no-untyped-def]
    policy(school, key, **changes)
    StaffMemberFactory(academy=school.other_academy, first_name="Otis", last_name="Other")
    return services.pay_review_open(
        actor=user(school.hr), academy=school.other_academy, pay_year=PAY_YEAR
    )


@time_machine.travel(AUTUMN, tick=False)
@pytest.mark.policy_setting("pay.threshold_evidence")
def test_a_main_range_teacher_sees_what_a_threshold_application_shows(school: School) -> None:
    review = open_review(school, "langley-interim")
    rec = rec_for(review, school.teacher)
    page = client_for(school.hr).get(reverse("pay_progression:recommendation", args=[rec.pk]))
    assert "Their own teaching has outstanding elements" in page.content.decode()
    other = open_review_for_other_academy(
        school, "langley-interim", **{"pay.threshold_evidence": []}
    )
    rec = other.recommendations.get()
    page = client_for(school.hr).get(reverse("pay_progression:recommendation", args=[rec.pk]))
    assert "An application shows" not in page.content.decode()


def _decided(school: School, review):  # type: ignore[no-untyped-def]
    rec = rec_for(review, school.teacher)
    rec = services.recommendation_draft(
        actor=user(school.reviewer),
        recommendation=rec,
        outcome="progress",
        proposed_point="M4",
        evidence="Met.",
    )
    for to in (Stage.APPROVED, Stage.SHARED):
        rec = services.recommendation_move(
            actor=user(school.headteacher), recommendation=rec, to=to
        )
    return services.recommendation_move(
        actor=user(school.hr), recommendation=rec, to=Stage.DECIDED, outcome="progress"
    )


@time_machine.travel(AUTUMN, tick=False)
@pytest.mark.policy_setting("pay.appeal_allowed")
def test_the_statement_tells_them_they_may_appeal_where_the_policy_says(school: School) -> None:
    review = open_review(school)
    rec = _decided(school, review)
    html = statements.html_from(statements.statement_context(rec))
    assert "You may appeal against this decision" in html
    assert "backdated to 1 September 2026" in html
    version = policy(school, "classic-objectives", **{"pay.appeal_allowed": False})
    rec.policy_version = version
    assert "You may appeal" not in statements.html_from(statements.statement_context(rec))


@time_machine.travel(AUTUMN, tick=False)
def test_the_teacher_downloads_their_statement_from_my_pay(school: School) -> None:
    review = open_review(school)
    rec = _decided(school, review)
    teacher = client_for(school.teacher)
    mine = teacher.get(reverse("pay_progression:mine")).content.decode()
    assert "from M3 to M4" in mine and "Download your pay statement" not in mine
    assert teacher.get(reverse("pay_progression:statement_pdf", args=[rec.pk])).status_code == 404
    services.recommendation_move(
        actor=user(school.hr), recommendation=rec, to=Stage.STATEMENT_ISSUED
    )
    response = teacher.get(reverse("pay_progression:statement_pdf", args=[rec.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]


@time_machine.travel(AUTUMN, tick=False)
def test_payroll_export_lists_decided_changes_with_their_effective_dates(school: School) -> None:
    review = open_review(school)
    _decided(school, review)
    body = client_for(school.hr).get(reverse("pay_progression:payroll_csv", args=[review.pk]))
    lines = body.content.decode().splitlines()
    assert lines[0].startswith("Staff number,Last name")
    assert len(lines) == 2
    assert lines[1].endswith("MPR,M3,M4,2026-09-01,no,Moves to the next point")


@time_machine.travel(AUTUMN, tick=False)
def test_the_review_list_reads_in_a_fixed_number_of_queries(school: School) -> None:
    review = open_review(school)
    hr = client_for(school.hr)
    url = reverse("pay_progression:review", args=[review.pk])
    hr.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert hr.get(url).status_code == 200
        return len(queries)

    small = count()
    for n in range(6):
        member = StaffMemberFactory(academy=school.academy, first_name=f"Extra{n}")
        rec = rec_for(review, school.teacher)
        rec.pk = None
        rec.staff = member
        rec.save()
    assert review.recommendations.count() == 13
    assert count() == small
