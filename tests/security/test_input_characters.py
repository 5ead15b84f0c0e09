"""Control, bidirectional and zero-width characters never get into names, text or file names.

Typed text containing one is refused next to the field, saying which character; an uploaded
file's name has them removed (see ``appraisal_site.text`` and docs/access.md).
"""

from __future__ import annotations

import importlib
import io
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from appraisal_site.forms import PlainTextMixin
from appraisal_site.text import strip_unsafe, unsafe_characters
from organisation.models import Role, StaffMember
from organisation.services import role_grant
from retention.models import LegalHold
from reviews.models import Evidence
from tests.factories import StaffMemberFactory
from tests.form_tokens import with_token
from tests.objectives.support import build_school, user

HIDDEN = {
    "escape": "\x1b[31m",
    "delete": "\x7f",
    "c1 control": "\x9b",
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "byte-order mark": "\ufeff",
    "line separator": "\u2028",
    "nul": "\x00",
}


@pytest.mark.parametrize("char", HIDDEN.values(), ids=HIDDEN.keys())
def test_hidden_characters_are_found_in_any_text(char: str) -> None:
    assert unsafe_characters(f"Nia{char}Jones")
    assert unsafe_characters(f"Line one\n{char}", multiline=True)
    assert strip_unsafe(f"Nia{char}Jones").replace("[31m", "") == "NiaJones"


@pytest.mark.parametrize("text", ["Zoë O'Brien-Ní Siân", "Łukasz Żółć", "Renée 😊", "明美", ""])
def test_ordinary_names_in_any_script_pass(text: str) -> None:
    assert unsafe_characters(text) == []


def test_newlines_and_tabs_only_in_multi_line_text() -> None:
    assert unsafe_characters("one\r\n\ttwo", multiline=True) == []
    assert unsafe_characters("one\ntwo") == ["\n"]


def _project_form_classes() -> list[type[forms.BaseForm]]:
    """Every form class defined in the project's own apps."""
    found = []
    for app in settings.INSTALLED_APPS:
        module = importlib.import_module(app)
        if Path(module.__path__[0]).parent != Path(settings.BASE_DIR):
            continue  # Django's and third-party apps
        names = [m.name for m in pkgutil.iter_modules(module.__path__)]
        if "forms" not in names:
            continue
        forms_module = importlib.import_module(f"{app}.forms")
        for value in vars(forms_module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == forms_module.__name__
            ):
                found.append(value)
    return found


def test_every_form_of_the_project_refuses_hidden_characters() -> None:
    classes = _project_form_classes()
    assert len(classes) > 40  # the walk found the forms
    missing = [f"{c.__module__}.{c.__name__}" for c in classes if not issubclass(c, PlainTextMixin)]
    assert not missing, f"forms without PlainTextMixin: {missing}"


@pytest.fixture
def school(db):  # type: ignore[no-untyped-def]
    school = build_school()
    admin = StaffMemberFactory(academy=school.academy, first_name="Ada").user
    role_grant(user=admin, role=Role.TRUST_ADMIN, trust=school.trust)
    school.admin = admin  # type: ignore[attr-defined]
    return school


def _client(u) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(u)
    return client


def test_a_name_with_a_right_to_left_override_is_refused_and_nothing_saved(school) -> None:  # type: ignore[no-untyped-def]
    data = {
        "first_name": "Nia\u202e",
        "last_name": "Jo\x1bnes",
        "email": "nia.jones@example.org",
        "staff_number": "N1",
        "job_title": "Teacher",
        "academy": school.academy.pk,
        "staff_group": "teaching",
        "start_date": "2020-09-01",
        "contract_type": "permanent",
        "fte": "1",
    }
    response = _client(school.admin).post(reverse("organisation:staff_add"), with_token(data))
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in body
    assert "U+001B (ESCAPE)" in body
    assert not StaffMember.objects.filter(staff_number="N1").exists()


def test_multi_line_text_keeps_its_lines_but_not_escape_sequences(school) -> None:  # type: ignore[no-untyped-def]
    client = _client(user(school.hr))
    cycle = school.cycle("classic-objectives")
    url = reverse("retention:hold_add")
    refused = client.post(
        url, with_token({"cycle_number": str(cycle.pk), "reason": "Claim\x1b[2J settled?"})
    )
    assert refused.status_code == 200
    assert "U+001B (ESCAPE)" in refused.content.decode()
    assert not LegalHold.objects.exists()
    kept = client.post(
        url, with_token({"cycle_number": str(cycle.pk), "reason": "Tribunal claim\r\n\tref 42"})
    )
    assert kept.status_code == 302
    assert LegalHold.objects.get().reason.splitlines() == ["Tribunal claim", "\tref 42"]


def test_an_evidence_file_name_is_stored_without_hidden_characters(school) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfWriter

    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    cycle = school.cycle("classic-objectives")
    upload = SimpleUploadedFile(
        "résumé \u202egpj.exe\u200b.pdf", out.getvalue(), content_type="application/pdf"
    )
    response = _client(user(school.teacher)).post(
        reverse("reviews:evidence_add", args=[cycle.pk]), with_token({"file": upload, "title": ""})
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "résumé gpj.exe.pdf"
    assert evidence.title == "résumé gpj.exe.pdf"


def test_an_imported_name_with_a_hidden_character_is_a_row_problem() -> None:
    from organisation.imports import parse_staff_csv, validate_staff_rows
    from tests.organisation.test_imports import CONTEXT, person, to_csv

    data = to_csv([person("A1"), person("A2", **{"First name": "Ami\u202ena"})])
    result = validate_staff_rows(parse_staff_csv(data), CONTEXT)
    assert [p.number for p in result.problems] == [3]  # the file's third line
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in " ".join(result.problems[0].problems)
