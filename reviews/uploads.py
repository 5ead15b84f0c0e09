"""Checking an uploaded evidence file by its content, never by its name.

The browser's content type and the file name are whatever the uploader says; the file is
what it parses as. The first bytes say what it claims to be (an executable renamed
``report.pdf`` starts with ``MZ`` and is refused); then the whole file is opened as that
type with the library that reads it, and refused if it does not open, if it carries
something that runs (PDF JavaScript, launch actions or attached files; Office macros or
ActiveX), or if web-page or script code is hidden in it: a "polyglot" such as a PDF, JPEG
or PNG that is also an HTML page or a PHP script. Downloads are already served as
attachments with ``nosniff`` and a sandboxing CSP; this keeps such files out altogether.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import struct
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.etree import ElementTree

import filetype
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# What may be uploaded: the type found in the content and the extension it is given back
# with on download.
ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
}
# The content type of the main part of each kind of Office Open XML package (ECMA-376
# Part 1), as named in its [Content_Types].xml, and the type of the package.
_OOXML_MAIN_TYPES: dict[str, str] = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}
_OFFICE_DOCUMENT_REL = "/officeDocument"
# filetype reads this many bytes from the start of a file.
_HEAD_BYTES = 8192

ALLOWED_DESCRIPTION = "a PDF, a PNG or JPEG image, or a Word, Excel or PowerPoint document"

# Web-page and script code that has no business in an image, a PDF or an Office package.
# Each is long enough (5+ bytes, compared without case) that compressed data matches one by
# chance about once in ten thousand 10 MB files; shorter ones (``<?=``, ``<svg``) would
# refuse real photos.
_MARKUP = re.compile(
    rb"<script|<html|<body|<iframe|<object|<embed|<\?php|<!doctype\s+html|javascript:",
    re.IGNORECASE,
)

# PDF names that make a document do something when opened or clicked (run JavaScript,
# start a program, open an attached file) or carry files or forms inside it.
_PDF_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/EF", "/XFA", "/RichMediaContent"}
)
_PDF_ACTIVE_VALUES = frozenset(
    {"/JavaScript", "/Launch", "/GoToE", "/EmbeddedFile", "/RichMedia", "/RichMediaExecute"}
)
# A PDF's end-of-file marker may be followed by line ends and padding, nothing else.
_PDF_TRAILING_OK = b"\x00\t\n\f\r "

# Bounds on an Office package, so a small "zip bomb" cannot exhaust the server.
_OOXML_MAX_PARTS = 10_000
_OOXML_MAX_UNPACKED = 250 * 1024 * 1024
_OOXML_MAX_XML_PART = 20 * 1024 * 1024
# Parts and content types that mean code: VBA macros (``vbaProject.bin``), macro-enabled
# documents and templates (.docm, .xlsm, .pptm, .dotm, …), Excel 4 macro sheets, ActiveX
# controls and embedded OLE objects (which can wrap any program).
_OOXML_CODE_NAMES = re.compile(
    r"(vbaProject\.bin|vbaData\.xml|/activeX/|/embeddings/.*\.(bin|docm|xlsm|pptm|dotm|xltm|potm|xlsb|xlam|ppam|exe|ole))$",
    re.IGNORECASE,
)
_OOXML_CODE_TYPES = re.compile(
    r"macroEnabled|vbaProject|vbaData|activeX|oleObject|ms-excel\.macrosheet|ms-excel\.intlmacrosheet|ms-office\.vba",
    re.IGNORECASE,
)

_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_REFUSED_TYPE = f"The selected file must be {ALLOWED_DESCRIPTION}."
_HIDDEN_CODE = (
    "The selected file has web page or script code hidden in it, so it cannot be "
    "accepted. Save it again from the program that made it and upload that copy."
)
_BROKEN_PDF = (
    "The selected file is not a PDF that can be opened. Save it again as a PDF and "
    "upload that copy."
)
_ACTIVE_PDF = (
    "The selected PDF contains JavaScript, an attached file or an action that starts "
    "something. Save it again as a plain PDF (for example, print it to PDF) and upload that."
)
_LOCKED_PDF = "The selected PDF is password protected. Remove the password and upload it again."
_BROKEN_IMAGE = (
    "The selected image is damaged or incomplete. Save it again as a PNG or JPEG and "
    "upload that copy."
)
_HUGE_IMAGE = "The selected image has too many pixels. Make it smaller and upload it again."
_BROKEN_OFFICE = (
    "The selected file is not a Word, Excel or PowerPoint document that can be opened. "
    "Save it again as .docx, .xlsx or .pptx and upload that copy."
)
_MACROS = (
    "The selected document contains macros or other program code. Save it as an "
    "ordinary Word, Excel or PowerPoint document (.docx, .xlsx or .pptx, not .docm, "
    ".xlsm or .pptm) and upload that copy."
)


class UploadRefused(ValueError):
    """The file cannot be accepted; the message says why in words for the uploader."""


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int


def check_upload(stream: IO[bytes], *, size: int, max_bytes: int) -> CheckedFile:
    """What the uploaded file really is, or ``UploadRefused``."""
    if size <= 0:
        raise UploadRefused("The selected file is empty.")
    if size > max_bytes:
        raise UploadRefused(f"The selected file must be smaller than {_megabytes(max_bytes)}.")
    stream.seek(0)
    # The size limit is small (megabytes), so the file is checked in memory.
    data = stream.read(max_bytes + 1)
    stream.seek(0)
    if len(data) > max_bytes:
        raise UploadRefused(f"The selected file must be smaller than {_megabytes(max_bytes)}.")
    kind = filetype.guess(data[:_HEAD_BYTES])
    mime = kind.mime if kind is not None else ""
    if mime == "application/zip" or mime.startswith("application/vnd.openxmlformats"):
        # A ZIP is only accepted when it is a Word, Excel or PowerPoint package.
        mime = _check_ooxml(data)
    elif mime == "application/pdf":
        _check_pdf(data)
    elif mime in ("image/png", "image/jpeg"):
        _check_image(data, mime)
    if mime not in ALLOWED_TYPES:
        raise UploadRefused(_REFUSED_TYPE)
    # Last, over the whole file: HTML or PHP before, inside or after the real content.
    if _MARKUP.search(data):
        raise UploadRefused(_HIDDEN_CODE)
    return CheckedFile(content_type=mime, extension=ALLOWED_TYPES[mime], size=size)


# ----- PDF ----------------------------------------------------------------------------


def _check_pdf(data: bytes) -> None:
    """A PDF that pypdf opens in full (every object), with nothing after its last
    ``%%EOF`` and nothing that runs or carries files."""
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise UploadRefused(_BROKEN_PDF)
    if data[end + len(b"%%EOF") :].strip(_PDF_TRAILING_OK):
        # Anything after the end is invisible to a PDF reader and read by something else.
        raise UploadRefused(_HIDDEN_CODE)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRefused(_LOCKED_PDF)
        if len(reader.pages) < 1:
            raise UploadRefused(_BROKEN_PDF)
        for obj in _pdf_objects(reader):
            if _pdf_is_active(obj):
                raise UploadRefused(_ACTIVE_PDF)
    except UploadRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
        raise UploadRefused(_BROKEN_PDF) from None


def _pdf_objects(reader: PdfReader) -> Iterator[Any]:
    """Every object of the file: those in the cross-reference tables (the last revision
    and earlier ones) and those packed in object streams, and the trailer."""
    yield reader.trailer
    seen: set[tuple[int, int]] = set()
    refs = [(num, gen) for gen, nums in reader.xref.items() for num in nums]
    refs += [(num, 0) for num in reader.xref_objStm]
    for num, gen in refs:
        if (num, gen) in seen:
            continue
        seen.add((num, gen))
        obj = reader.get_object(IndirectObject(num, gen, reader))
        if obj is not None:
            yield obj


def _pdf_is_active(obj: Any, depth: int = 0) -> bool:
    """True if this object (or a direct object inside it) names JavaScript, a launch
    action or an attached file. Indirect references are visited on their own."""
    if depth > 50:
        return True  # nested beyond any real document: refuse rather than guess
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            if str(key) in _PDF_ACTIVE_KEYS:
                return True
            if isinstance(value, NameObject) and str(value) in _PDF_ACTIVE_VALUES:
                return True
            if isinstance(value, DictionaryObject | ArrayObject) and _pdf_is_active(
                value, depth + 1
            ):
                return True
    elif isinstance(obj, ArrayObject):
        return any(
            isinstance(item, DictionaryObject | ArrayObject) and _pdf_is_active(item, depth + 1)
            for item in obj
        )
    return False


# ----- Images ---------------------------------------------------------------------------


def _check_image(data: bytes, mime: str) -> None:
    """An image Pillow decodes in full, of the format it claims to be; a PNG ends at its
    IEND chunk."""
    expected = "PNG" if mime == "image/png" else "JPEG"
    try:
        with warnings.catch_warnings():
            # A decompression bomb (far more pixels than any photo) is refused, not decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected:
                    raise UploadRefused(_REFUSED_TYPE)
                image.verify()
            # verify() checks the structure only; load() decodes every pixel, so a
            # truncated or corrupt image is refused too.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise UploadRefused(_HUGE_IMAGE) from None
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error, EOFError):
        raise UploadRefused(_BROKEN_IMAGE) from None
    # Pillow pads a truncated image out instead of failing once anything in the process
    # (WeasyPrint does, on import) sets ``ImageFile.LOAD_TRUNCATED_IMAGES``; the end of
    # the image is therefore found here from its structure.
    end = _png_end(data) if expected == "PNG" else _jpeg_end(data)
    if end < 0:
        raise UploadRefused(_BROKEN_IMAGE)
    if expected == "PNG" and end != len(data):
        # Nothing may follow a PNG's IEND chunk. (A JPEG may be followed by more: phones
        # append a second picture or a short video; the markup scan covers that part.)
        raise UploadRefused(_HIDDEN_CODE)


def _jpeg_end(data: bytes) -> int:
    """Where the JPEG's first image ends (just after its EOI marker), walking its marker
    segments and the entropy-coded data of each scan; -1 if it never ends (truncated)."""
    pos = 2
    while pos + 2 <= len(data):
        if data[pos] != 0xFF:
            return -1
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker == 0xD9:
            return pos + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            pos += 2
            continue
        if pos + 4 > len(data):
            return -1
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
        if marker == 0xDA:
            # A scan's data runs to the next marker that is neither a stuffed 0xFF00 nor
            # a restart marker.
            while True:
                found = data.find(b"\xff", pos)
                if found < 0 or found + 1 >= len(data):
                    return -1
                following = data[found + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    pos = found + (1 if following == 0xFF else 2)
                    continue
                pos = found
                break
    return -1


def _png_end(data: bytes) -> int:
    """Where the PNG's IEND chunk ends, walking the chunks (length, type, data, CRC)."""
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        pos += 12 + length
        if kind == b"IEND":
            return pos
    return -1


# ----- Office Open XML (Word, Excel, PowerPoint) --------------------------------------


def _check_ooxml(data: bytes) -> str:
    """The package type of a valid Word, Excel or PowerPoint file without macros, or
    ``UploadRefused``. The type comes from the package itself: the officeDocument
    relationship in ``_rels/.rels`` names the main part, and [Content_Types].xml its type."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UploadRefused(_BROKEN_OFFICE) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > _OOXML_MAX_PARTS or sum(i.file_size for i in infos) > _OOXML_MAX_UNPACKED:
            raise UploadRefused(_BROKEN_OFFICE)
        if not _zip_ends_at_its_directory(data):
            raise UploadRefused(_HIDDEN_CODE)
        names = {i.filename for i in infos}
        if any(_OOXML_CODE_NAMES.search("/" + name) for name in names):
            raise UploadRefused(_MACROS)
        try:
            # testzip() decompresses every part and checks its CRC.
            if archive.testzip() is not None:
                raise UploadRefused(_BROKEN_OFFICE)
            types = _xml(archive, "[Content_Types].xml")
            rels = _xml(archive, "_rels/.rels")
        except UploadRefused:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, RuntimeError):
            raise UploadRefused(_BROKEN_OFFICE) from None
        declared = [
            el.get("ContentType", "")
            for el in types
            if el.tag in (f"{_CT_NS}Default", f"{_CT_NS}Override")
        ]
        if any(_OOXML_CODE_TYPES.search(t) for t in declared):
            raise UploadRefused(_MACROS)
        for name in names:
            if name.endswith(".rels") and _has_external_template(archive, name):
                # A template fetched from the internet on opening can bring macros in.
                raise UploadRefused(_MACROS)
        main = _main_part(rels)
        if main is None or main not in names:
            raise UploadRefused(_BROKEN_OFFICE)
        main_type = _content_type_of(types, main)
        if main_type not in _OOXML_MAIN_TYPES:
            raise UploadRefused(_BROKEN_OFFICE)
        try:
            _xml(archive, main)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, RuntimeError):
            raise UploadRefused(_BROKEN_OFFICE) from None
        return _OOXML_MAIN_TYPES[main_type]


def _zip_ends_at_its_directory(data: bytes) -> bool:
    """True if nothing follows the end-of-central-directory record and its comment (an
    HTML page appended to a ZIP still opens as a ZIP). The comment itself is covered by the
    markup scan."""
    eocd = data.rfind(b"PK\x05\x06")
    if eocd < 0 or len(data) < eocd + 22:
        return False
    (comment_length,) = struct.unpack("<H", data[eocd + 20 : eocd + 22])
    return eocd + 22 + comment_length == len(data)


def _xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    info = archive.getinfo(name)
    if info.file_size > _OOXML_MAX_XML_PART:
        raise UploadRefused(_BROKEN_OFFICE)
    raw = archive.read(info)
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        # OOXML never declares entities; declaring them is how XML "bombs" work.
        raise UploadRefused(_BROKEN_OFFICE)
    try:
        return ElementTree.fromstring(raw)  # noqa: S314 - no DTD or entities (checked above)
    except ElementTree.ParseError:
        raise UploadRefused(_BROKEN_OFFICE) from None


def _main_part(rels: ElementTree.Element) -> str | None:
    for rel in rels.iter(f"{_REL_NS}Relationship"):
        if rel.get("Type", "").endswith(_OFFICE_DOCUMENT_REL) and rel.get("TargetMode") != (
            "External"
        ):
            target = rel.get("Target", "")
            return posixpath.normpath(target.lstrip("/"))
    return None


def _content_type_of(types: ElementTree.Element, part: str) -> str:
    for el in types.iter(f"{_CT_NS}Override"):
        if el.get("PartName", "").lstrip("/").lower() == part.lower():
            return el.get("ContentType", "")
    extension = part.rsplit(".", 1)[-1].lower()
    for el in types.iter(f"{_CT_NS}Default"):
        if el.get("Extension", "").lower() == extension:
            return el.get("ContentType", "")
    return ""


def _has_external_template(archive: zipfile.ZipFile, name: str) -> bool:
    try:
        rels = _xml(archive, name)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, RuntimeError):
        raise UploadRefused(_BROKEN_OFFICE) from None
    return any(
        rel.get("TargetMode") == "External"
        and rel.get("Type", "").rsplit("/", 1)[-1] in ("attachedTemplate", "oleObject", "frame")
        for rel in rels.iter(f"{_REL_NS}Relationship")
    )


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def download_name(original_name: str, extension: str, fallback: str = "evidence") -> str:
    """A safe file name to download as: the uploader's name without its extension,
    reduced to plain characters, with the extension of what the file really is."""
    stem = os.path.splitext(os.path.basename(original_name or ""))[0]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "", stem).strip(" .-")[:80] or fallback
    return f"{stem}.{extension}"
