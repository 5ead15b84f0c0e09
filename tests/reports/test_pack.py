"""The governors' pack: the report page's suppressed figures as a tagged PDF, for the same
readers as the page, logged, and naming nobody."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AccessLogEntry
from cycles.models import CycleState
from tests.personas import ALL_PERSONAS
from tests.reports.conftest import YEAR, add_cycles, add_trustee

PDF = reverse("reports:year_pdf")
READS = {"hr", "ceo", "headteacher", "sibling_head", "governor", "chair", "trustee", "b_hr",
         "b_headteacher"}  # fmt: skip


@pytest.fixture
def school(world):  # type: ignore[no-untyped-def]
    add_trustee(world)
    add_cycles(world, world.academy, 12, state=CycleState.ACTIVE)
    add_cycles(world, world.academy, 3, state=CycleState.CLOSED)
    add_cycles(world, world.sibling_academy, 20, state=CycleState.ACTIVE)
    return world


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)


@pytest.mark.django_db
def test_only_the_pages_readers_get_the_pack(client, school) -> None:
    for persona in ALL_PERSONAS:
        if persona in READS:
            continue
        client.force_login(school.user(persona))
        response = client.get(PDF, {"year": YEAR})
        expected = 302 if persona == "inactive" else 404
        assert response.status_code == expected, persona
        client.logout()
    assert client.get(PDF).status_code == 302


def test_the_governors_pack_holds_the_pages_figures_and_is_logged(client, school) -> None:
    governor = school.user("governor")
    client.force_login(governor)
    page = client.get(reverse("reports:year"), {"year": YEAR}).content.decode()
    assert PDF in page
    response = client.get(PDF, {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = " ".join(pdf_text(response.content).split())
    assert "Governors' pack" in text and "Alder Primary" in text
    assert "Alder Secondary" not in text
    # Every row of every table, as the page's export gives it, hidden figures hidden.
    exported = client.get(reverse("reports:year_csv"), {"year": YEAR}).content.decode()
    rows = [line.split(",") for line in exported.splitlines()[3:] if line.count(",") >= 2]
    rows = [
        r for r in rows if r[0] and r[1:] and all(v.isdigit() or v == "[hidden]" for v in r[1:])
    ]
    assert len(rows) > 10
    for row in rows:
        shown = " ".join("hidden" if v == "[hidden]" else v for v in row[1:])
        assert f"{row[0]} {shown}" in text, row
    assert "hidden" in text
    assert AccessLogEntry.objects.filter(user=governor, action="export").exists()
    # A filter asking for another academy is refused, as on the page: the pack stays the
    # reader's own academy's.
    other = client.get(PDF, {"year": YEAR, "academy": school.sibling_academy.pk})
    assert "Alder Secondary" not in pdf_text(other.content)


def test_the_pack_names_no_member_of_staff(client, school) -> None:
    from organisation.models import StaffMember

    # Names no heading or label could contain by chance (a made-up "Page" or "Hall" would).
    staff = StaffMember.objects.filter(trust=school.academy.trust)
    for person in staff:
        StaffMember.objects.filter(pk=person.pk).update(
            first_name=f"Givenq{person.pk}x", last_name=f"Surnameq{person.pk}x"
        )
    people = list(staff)
    assert len(people) > 30
    for persona in ("governor", "trustee"):
        client.force_login(school.user(persona))
        text = pdf_text(client.get(PDF, {"year": YEAR}).content)
        assert "Appraisals by stage" in text
        for person in people:
            for value in (person.first_name + " " + person.last_name, person.last_name,
                          person.email, person.staff_number):  # fmt: skip
                if value and len(value) > 3:
                    assert value not in text, (persona, value)
