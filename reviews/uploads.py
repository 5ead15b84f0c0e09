"""Checking an uploaded evidence file by its content, never by its name.

The browser's content type and the file name are whatever the uploader says; the first
bytes of the file are what it is. An executable renamed ``report.pdf`` starts with ``MZ``
and is refused. Office documents are ZIP files: their type is confirmed from the parts
inside the archive, not from the extension.
"""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype

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
# The part every Office Open XML document of each kind contains.
_OOXML_MAIN_PART: dict[str, str] = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}
# filetype reads this many bytes from the start of a file.
_HEAD_BYTES = 8192

ALLOWED_DESCRIPTION = "a PDF, a PNG or JPEG image, or a Word, Excel or PowerPoint document"


class UploadRefused(ValueError):
    """The file cannot be accepted; the message says why in words for the uploader."""


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int


def _ooxml_type(stream: IO[bytes]) -> str | None:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for part, content_type in _OOXML_MAIN_PART.items():
        if part in names:
            return content_type
    return None


def check_upload(stream: IO[bytes], *, size: int, max_bytes: int) -> CheckedFile:
    """What the uploaded file really is, or ``UploadRefused``."""
    if size <= 0:
        raise UploadRefused("The selected file is empty.")
    if size > max_bytes:
        raise UploadRefused(f"The selected file must be smaller than {_megabytes(max_bytes)}.")
    stream.seek(0)
    head = stream.read(_HEAD_BYTES)
    stream.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else ""
    if mime == "application/zip" or mime in _OOXML_MAIN_PART.values():
        # A ZIP is only accepted when its parts show it is a Word, Excel or PowerPoint file.
        mime = _ooxml_type(stream) or ""
        stream.seek(0)
    if mime not in ALLOWED_TYPES:
        raise UploadRefused(f"The selected file must be {ALLOWED_DESCRIPTION}.")
    return CheckedFile(content_type=mime, extension=ALLOWED_TYPES[mime], size=size)


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def download_name(original_name: str, extension: str, fallback: str = "evidence") -> str:
    """A safe file name to download as: the uploader's name without its extension,
    reduced to plain characters, with the extension of what the file really is."""
    stem = os.path.splitext(os.path.basename(original_name or ""))[0]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "", stem).strip(" .-")[:80] or fallback
    return f"{stem}.{extension}"
