"""The headteacher's report to the governing body, each term (leger §13): the headteacher
writes commentary on the academy's suppressed figures and issues it; the academy's
governors, HR and the CEO read it (page and PDF); anyone else gets "Page not found"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from cycles.models import CycleState
from reports.models import HeadteacherReport, TermlyReportState
from tests.personas import ALL_PERSONAS
from tests.reports.conftest import YEAR, add_cycles, add_trustee
from tests.reports.test_pack import pdf_text

pytestmark = pytest.mark.django_db

WRITE = reverse("reports:termly_write")
INDEX = reverse("reports:termly_index")
# Once issued: the academy's headteacher (writes), its governors, HR and the CEO.
READS = {"headteacher", "governor", "chair", "hr", "ceo"}


@pytest.fixture
def school(world):  # type: ignore[no-untyped-def]
    add_trustee(world)
    add_cycles(world, world.academy, 12, state=CycleState.ACTIVE)
    add_cycles(world, world.academy, 3, state=CycleState.CLOSED)
    return world


def _write(client, world, commentary: str = "Reviews are on track this term.") -> HeadteacherReport:
    client.force_login(world.user("headteacher"))
    response = client.post(
        WRITE,
        {"academy": world.academy.pk, "year": YEAR, "term": "autumn", "commentary": commentary},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return HeadteacherReport.objects.get(academy=world.academy, year=YEAR, term="autumn")


def test_the_headteacher_writes_changes_and_issues_and_history_keeps_each_text(
    client, school
) -> None:
    report = _write(client, school, "First thoughts.")
    # Writing the same term again changes the same draft.
    report = _write(client, school, "Reviews are on track this term.")
    assert HeadteacherReport.objects.count() == 1
    assert report.state == TermlyReportState.DRAFT
    detail = reverse("reports:termly_detail", args=[report.pk])
    response = client.post(reverse("reports:termly_edit", args=[report.pk]), {"commentary": ""})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert client.post(reverse("reports:termly_issue", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.is_issued and report.issued_by == school.user("headteacher")
    assert [h.commentary for h in report.history.order_by("history_id")] == [
        "", "First thoughts.", "Reviews are on track this term.", "Reviews are on track this term."
    ]  # fmt: skip
    # Issued is final.
    assert client.get(reverse("reports:termly_edit", args=[report.pk])).status_code == 403
    page = client.get(detail).content.decode()
    assert "Issue the report" not in page


def test_who_reads_a_draft_and_an_issued_report(client, school) -> None:
    report = _write(client, school)
    urls = [
        reverse("reports:termly_detail", args=[report.pk]),
        reverse("reports:termly_pdf", args=[report.pk]),
    ]
    for issued in (False, True):
        if issued:
            HeadteacherReport.objects.filter(pk=report.pk).update(state=TermlyReportState.ISSUED)
        for persona in (*ALL_PERSONAS, "trustee"):
            client.force_login(school.user(persona))
            reads = persona == "headteacher" or (issued and persona in READS)
            expected = 302 if persona == "inactive" else 200 if reads else 404
            # The PDF is laid out only for two readers, to keep the test quick.
            for url in urls if persona in ("governor", "headteacher") else urls[:1]:
                assert client.get(url).status_code == expected, (persona, issued, url)
            client.logout()


def test_the_governor_reads_the_commentary_and_the_pages_figures(client, school) -> None:
    report = _write(client, school, "Reviews are on track this term.")
    client.post(reverse("reports:termly_issue", args=[report.pk]))
    governor = school.user("governor")
    client.force_login(governor)
    home = client.get(reverse("home")).content.decode()
    assert INDEX in home
    index = client.get(INDEX).content.decode()
    assert reverse("reports:termly_detail", args=[report.pk]) in index
    page = client.get(reverse("reports:termly_detail", args=[report.pk])).content.decode()
    assert "Reviews are on track this term." in page
    year_page = client.get(reverse("reports:year"), {"year": YEAR}).content.decode()
    tables = year_page[year_page.index('<h2 class="govuk-heading-l">') :]
    tables = tables[: tables.index("</main>")] if "</main>" in tables else tables
    # The same suppressed tables as the governors' report page, cell for cell.
    assert tables.split("</section>")[0] in page
    text = " ".join(
        pdf_text(client.get(reverse("reports:termly_pdf", args=[report.pk])).content).split()
    )
    assert "Reviews are on track this term." in text and "Appraisals by stage" in text
    actions = set(AccessLogEntry.objects.filter(user=governor).values_list("action", flat=True))
    assert {"view", "download"} <= actions


def test_only_the_academys_headteacher_writes(client, school) -> None:
    for persona in ("hr", "ceo", "governor", "sibling_head", "appraisee"):
        client.force_login(school.user(persona))
        response = client.post(
            WRITE,
            {"academy": school.academy.pk, "year": YEAR, "term": "autumn", "commentary": "x"},
        )
        assert response.status_code in (200, 404), persona
    assert not HeadteacherReport.objects.exists()
