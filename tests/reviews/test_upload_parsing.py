"""Evidence files are parsed as what they claim to be: polyglots (a PDF, JPEG or PNG that is
also a web page or a PHP script), PDFs that run JavaScript or carry files, broken images and
Office documents with macros are refused with a message by the file field; real files of
every allowed type, made here, are accepted."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from reviews.models import Evidence
from reviews.uploads import UploadRefused, check_upload
from tests.form_tokens import with_token

from . import upload_samples as samples

LIMIT = 10 * 1024 * 1024


def _progressive_jpeg() -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(samples.image("PNG", size=(300, 200)))).save(
        out, format="JPEG", progressive=True, quality=90
    )
    return out.getvalue()


REAL: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "plan.pdf": (samples.pdf, "pdf", "application/pdf"),
    "board.jpg": (lambda: samples.image("JPEG", size=(640, 480)), "jpg", "image/jpeg"),
    "progressive.jpg": (_progressive_jpeg, "jpg", "image/jpeg"),
    "chart.png": (lambda: samples.image("PNG", size=(320, 200)), "png", "image/png"),
    "notes.docx": (
        samples.docx,
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "marks.xlsx": (
        samples.xlsx,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "slides.pptx": (
        samples.pptx,
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}


def _html_in_a_pdf_comment() -> bytes:
    # A PDF comment line right after the header: readers skip it, a browser renders it.
    return samples.pdf().replace(b"\n", b"\n%" + samples.HTML + b"\n", 1)


def _truncated(content: bytes) -> bytes:
    return content[: len(content) * 2 // 3]


# name -> (the file, what the message must say)
REFUSED: dict[str, tuple[Callable[[], bytes], str]] = {
    "pdf then html": (lambda: samples.pdf() + samples.HTML, "web page or script code"),
    "html in a pdf comment": (_html_in_a_pdf_comment, "web page or script code"),
    "pdf then padding then html": (
        lambda: samples.pdf() + b"\n" * 10 + b"<!DOCTYPE html><p>hi</p>",
        "web page or script code",
    ),
    "jpeg then html": (lambda: samples.image("JPEG") + samples.HTML, "web page or script code"),
    "png then php": (lambda: samples.image("PNG") + samples.PHP, "web page or script code"),
    "png with php in a text chunk": (
        lambda: samples.png_with_text("Comment", samples.PHP.decode()),
        "web page or script code",
    ),
    "png then padding": (lambda: samples.image("PNG") + b"\x00" * 32, "web page or script code"),
    "docx then html": (lambda: samples.docx() + samples.HTML, "web page or script code"),
    "docx with macros": (samples.docx_with_macros, "contains macros"),
    "docx with a vba project": (samples.docx_with_vba_project_only, "contains macros"),
    "xlsm renamed xlsx": (
        lambda: samples.ooxml(
            "xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
        ),
        "contains macros",
    ),
    "pdf with document javascript": (
        lambda: samples.pdf(javascript=True),
        "contains JavaScript, an attached file",
    ),
    "pdf running javascript on opening": (
        samples.pdf_with_open_action,
        "contains JavaScript, an attached file",
    ),
    "pdf with an attached file": (
        lambda: samples.pdf(attachment=True),
        "contains JavaScript, an attached file",
    ),
    "pdf header on nothing": (
        lambda: (
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        ),
        "not a PDF that can be opened",
    ),
    "truncated jpeg": (
        lambda: _truncated(samples.image("JPEG", size=(400, 300))),
        "damaged or incomplete",
    ),
    "truncated png": (
        lambda: _truncated(samples.image("PNG", size=(300, 300))),
        "damaged or incomplete",
    ),
    "jpeg header on nothing": (lambda: b"\xff\xd8\xff\xe0" + b"\x00" * 64, "damaged or incomplete"),
    "progressive jpeg cut short": (
        lambda: _truncated(_progressive_jpeg()),
        "damaged or incomplete",
    ),
}


@pytest.mark.parametrize("name", list(REAL))
def test_real_files_of_every_allowed_type_accepted(name: str) -> None:
    make, extension, content_type = REAL[name]
    content = make()
    checked = check_upload(io.BytesIO(content), size=len(content), max_bytes=LIMIT)
    assert (checked.extension, checked.content_type) == (extension, content_type)


@pytest.mark.parametrize("name", list(REFUSED))
def test_disguised_and_active_files_refused(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # As in the running product, where WeasyPrint turns on Pillow's padding of truncated
    # images for the whole process when it is imported.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    make, message = REFUSED[name]
    content = make()
    with pytest.raises(UploadRefused, match=re.escape(message)):
        check_upload(io.BytesIO(content), size=len(content), max_bytes=LIMIT)


def test_the_products_own_statement_pdf_is_accepted() -> None:
    """What WeasyPrint writes (tagged PDF/UA with links) is an ordinary PDF."""
    import weasyprint

    content = weasyprint.HTML(
        string="<h1>Statement</h1><p>See <a href='https://example.org'>the policy</a>.</p>"
    ).write_pdf(pdf_variant="pdf/ua-1")
    assert check_upload(io.BytesIO(content), size=len(content), max_bytes=LIMIT).extension == "pdf"


# ----- Through the page -----------------------------------------------------------------


def _upload(client, cycle, name: str, content: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("reviews:evidence_add", args=[cycle.pk]),
        with_token({"file": SimpleUploadedFile(name, content), "title": ""}),
    )


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("pdf then html", "report.pdf"),
        ("jpeg then html", "photo.jpg"),
        ("png then php", "chart.png"),
        ("docx with macros", "notes.docx"),
    ],
)
def test_the_page_refuses_with_the_message_by_the_file_field(client, s, name, filename) -> None:  # type: ignore[no-untyped-def]
    make, message = REFUSED[name]
    client.force_login(s.appraisee.user)
    response = _upload(client, s.cycle, filename, make())
    assert response.status_code == 200
    body = response.content.decode()
    # In the error summary, linked to the field, and by the field itself.
    assert '<a href="#id_file">' in body
    field_error = re.search(r'id="id_file-error"[^>]*>(.*?)</p>', body, re.S)
    assert field_error is not None and message in field_error.group(1)
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("filename", list(REAL))
def test_the_page_accepts_real_files(client, s, filename) -> None:  # type: ignore[no-untyped-def]
    make, extension, content_type = REAL[filename]
    client.force_login(s.appraisee.user)
    response = _upload(client, s.cycle, filename, make())
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.extension, evidence.content_type) == (extension, content_type)
