"""Real files of every type evidence may be, made here (pypdf, Pillow, zipfile), and the
disguised ones a probe sends: polyglots and a Word document with macros."""

from __future__ import annotations

import io
import zipfile

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
POWERPOINT_MAIN = (
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)
HTML = b"<html><body><script>alert(document.domain)</script></body></html>"
PHP = b"<?php system($_GET['c']); ?>"


def pdf(*, javascript: bool = False, attachment: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if javascript:
        # Document-level JavaScript, in the catalogue's /Names tree (run on opening).
        action = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("app.alert('hello');"),
                }
            )
        )
        names = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("start"), action])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(names)}
        )
    if attachment:
        writer.add_attachment("notes.txt", b"attached")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_open_action() -> bytes:
    """JavaScript run on opening, named through an /OpenAction (not the /Names tree)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(fmt: str, *, size: tuple[int, int] = (64, 48)) -> bytes:
    picture = Image.new("RGB", size, (30, 120, 200))
    for x in range(size[0]):
        picture.putpixel((x, x % size[1]), (250, 250, 0))
    out = io.BytesIO()
    picture.save(out, format=fmt)
    return out.getvalue()


def png_with_text(key: str, text: str) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(key, text)
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 0, 0)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def ooxml(
    main_part: str = "word/document.xml",
    main_type: str = WORD_MAIN,
    *,
    extra: dict[str, bytes] | None = None,
    extra_types: dict[str, str] | None = None,
) -> bytes:
    """A minimal but complete Office Open XML package: [Content_Types].xml, the package
    relationships naming the main part, and the main part."""
    overrides = {f"/{main_part}": main_type, **(extra_types or {})}
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(
            f'<Override PartName="{name}" ContentType="{ctype}"/>'
            for name, ctype in overrides.items()
        )
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/officeDocument" Target="{main_part}"/>'
        "</Relationships>"
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>Lesson study notes</w:t></w:r></w:p></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr(main_part, body)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx() -> bytes:
    return ooxml()


def xlsx() -> bytes:
    return ooxml("xl/workbook.xml", EXCEL_MAIN)


def pptx() -> bytes:
    return ooxml("ppt/presentation.xml", POWERPOINT_MAIN)


def docx_with_macros() -> bytes:
    """What Word saves as .docm, renamed .docx: the macro-enabled main type and the VBA
    project."""
    return ooxml(
        main_type=WORD_MACRO_MAIN,
        extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504},
        extra_types={"/word/vbaProject.bin": "application/vnd.ms-office.vbaProject"},
    )


def docx_with_vba_project_only() -> bytes:
    """An ordinary main type, and a VBA project part slipped in beside it."""
    return ooxml(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 60})
