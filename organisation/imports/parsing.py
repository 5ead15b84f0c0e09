"""Reading the file: its encoding, delimiter and header, into rows keyed by our field names."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .columns import COLUMNS, REQUIRED_COLUMNS, header_key


class StaffImportFileError(Exception):
    """The file as a whole cannot be read: nothing in it is checked row by row."""


@dataclass(frozen=True)
class RawRow:
    number: int  # the spreadsheet row: the header is row 1
    values: dict[str, str]


@dataclass(frozen=True)
class ParsedCsv:
    columns: dict[str, str]  # our field -> the header as written in the file
    ignored_columns: list[str]
    rows: list[RawRow]


def decode_csv_bytes(data: bytes) -> str:
    if not data.strip():
        raise StaffImportFileError("The file is empty.")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise StaffImportFileError(
            "This looks like an Excel workbook, not a CSV file. In Excel choose "
            "File > Save As > CSV UTF-8 (comma delimited), then upload that file."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise StaffImportFileError(
            "This file is not a CSV text file. Save it from your spreadsheet or MIS as "
            "CSV UTF-8 and upload it again."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Excel's plain "CSV (comma delimited)" on Windows writes Windows-1252.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise StaffImportFileError(
            "The file's characters could not be read. Save it as CSV UTF-8 and upload it again."
        ) from exc


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_staff_csv(data: bytes) -> ParsedCsv:
    """Read the header and rows. Raises ``StaffImportFileError`` if the file is unusable."""
    text = decode_csv_bytes(data)
    lines = text.splitlines()
    first_line = next((line for line in lines if line.strip()), "")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
        records = list(reader)
    except csv.Error as exc:
        raise StaffImportFileError(f"The file is not valid CSV: {exc}.") from exc

    # Row numbers are the spreadsheet's: blank lines before the header still count.
    header_index = next(
        (i for i, record in enumerate(records) if any(cell.strip() for cell in record)), None
    )
    if header_index is None:
        raise StaffImportFileError("The file is empty.")
    header = records[header_index]
    columns, ignored = _map_columns(header)
    missing = [COLUMNS[name][0] for name in REQUIRED_COLUMNS if name not in columns]
    if not ({"first_name", "last_name"} <= columns.keys() or "name" in columns):
        missing.insert(0, "first name and last name (or one name column)")
    if missing:
        raise StaffImportFileError(
            "The file has no column for: "
            + ", ".join(missing)
            + ". Check the first row holds the column headings (see the example file)."
        )
    if {"first_name", "last_name"} <= columns.keys() and "name" in columns:
        ignored.append(header[columns.pop("name")].strip())

    rows: list[RawRow] = []
    for offset, record in enumerate(records[header_index + 1 :], start=header_index + 2):
        if not any(cell.strip() for cell in record):
            continue
        values = {
            name: (record[index].strip() if index < len(record) else "")
            for name, index in columns.items()
        }
        rows.append(RawRow(number=offset, values=values))
    if not rows:
        raise StaffImportFileError("The file has column headings but no rows of staff.")
    return ParsedCsv(
        columns={name: header[index].strip() for name, index in columns.items()},
        ignored_columns=[h for h in ignored if h],
        rows=rows,
    )


def _map_columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    keys = [header_key(h) for h in header]
    columns: dict[str, int] = {}
    used: set[int] = set()
    for name, (_label, spellings) in COLUMNS.items():
        for spelling in spellings:
            index = next(
                (i for i, key in enumerate(keys) if key == spelling and i not in used), None
            )
            if index is not None:
                columns[name] = index
                used.add(index)
                break
    ignored = [header[i].strip() for i in range(len(header)) if i not in used]
    return columns, ignored
