"""Reading and checking a staff CSV exported from a school MIS. Pure functions: no database.

``parse_staff_csv`` turns the uploaded bytes into rows keyed by our own field names, forgiving
about header spelling, encoding and delimiter. ``validate_staff_rows`` checks every row against
the rest of the file and a plain snapshot of the trust (``ImportContext``) and returns either
clean rows or a list of problems per row. Writing is ``services.staff_import_csv``'s job: it
writes nothing unless every row is clean.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from appraisal_site.text import refusal_message, unsafe_characters

from .models import ContractType, PayRange, StaffGroup

MAX_IMPORT_BYTES = 2 * 1024 * 1024

# Our field name -> (label used in messages, header spellings in order of preference).
# Headers are compared after ``header_key``: lower case, letters and digits only, with any
# "(...)" note and possessive "'s" removed, so "Staff No.", "STAFF NUMBER" and
# "Line manager's staff number (if any)" all match.
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "first_name": (
        "first name",
        (
            "firstname",
            "forename",
            "forenames",
            "givenname",
            "legalforename",
            "first",
            "preferredforename",
            "preferredfirstname",
            "knownas",
        ),
    ),
    "last_name": (
        "last name",
        ("lastname", "surname", "familyname", "legalsurname", "last", "preferredsurname"),
    ),
    "name": ("name", ("name", "fullname", "staffname", "employeename", "staffmember")),
    "email": (
        "email",
        (
            "email",
            "emailaddress",
            "workemail",
            "workemailaddress",
            "schoolemail",
            "schoolemailaddress",
            "mail",
        ),
    ),
    "staff_number": (
        "staff number",
        (
            "staffnumber",
            "staffno",
            "staffnum",
            "staffid",
            "employeenumber",
            "employeeno",
            "employeeid",
            "payrollnumber",
            "payrollno",
            "personnelnumber",
            "personnelno",
        ),
    ),
    "academy": (
        "academy",
        ("academy", "academyname", "school", "schoolname", "establishment", "site", "base"),
    ),
    "job_title": (
        "job title",
        ("jobtitle", "jobrole", "role", "post", "posttitle", "position", "jobdescription"),
    ),
    "staff_group": (
        "staff group",
        ("staffgroup", "staffcategory", "category", "stafftype", "group", "employeegroup"),
    ),
    "has_qts": ("QTS", ("qts", "hasqts", "qualifiedteacherstatus", "qtsstatus", "qtsheld")),
    "pay_range": (
        "pay range",
        ("payrange", "payscale", "scale", "payspine", "spine", "range", "salaryrange"),
    ),
    "pay_point": (
        "pay point",
        ("paypoint", "spinepoint", "scalepoint", "payscalepoint", "point", "salarypoint"),
    ),
    "contract_type": (
        "contract type",
        ("contracttype", "contract", "employmenttype", "contractbasis", "contractstatus"),
    ),
    "contract_end_date": (
        "contract end date",
        ("contractenddate", "contractend", "fixedtermenddate", "enddate", "contractends"),
    ),
    "start_date": (
        "start date",
        (
            "startdate",
            "employmentstartdate",
            "contractstartdate",
            "datestarted",
            "datejoined",
            "dateofjoining",
            "joined",
            "start",
            "servicestartdate",
        ),
    ),
    "line_manager": (
        "line manager's staff number",
        (
            "linemanagerstaffnumber",
            "linemanagerstaffno",
            "linemanagerno",
            "linemanagernumber",
            "linemanagerid",
            "managerstaffnumber",
            "managerstaffno",
            "managerno",
            "managerid",
            "reviewerstaffnumber",
            "appraiserstaffnumber",
            "reportsto",
            "linemanager",
            "manager",
        ),
    ),
}
# Needed in every file (names can come as first + last or one "name" column).
REQUIRED_COLUMNS = ("email", "staff_number", "academy", "job_title", "staff_group", "start_date")

EXAMPLE_CSV = (
    "First name,Last name,Email,Staff number,Academy,Job title,Staff group,QTS,Pay range,"
    "Pay point,Contract type,Contract end date,Start date,Line manager staff number\r\n"
    "Amina,Okafor,a.okafor@example.org,T001,Oak Primary,Headteacher,leadership,yes,LSP,L18,"
    "permanent,,01/09/2015,\r\n"
    "Tom,Price,t.price@example.org,T002,Oak Primary,Deputy headteacher,leadership,yes,LSP,L8,"
    "permanent,,2018-09-01,T001\r\n"
    "Grace,Lee,g.lee@example.org,T003,Oak Primary,Class teacher,teaching,yes,MPR,M4,"
    "permanent,,01/09/2021,T002\r\n"
    "Sam,Hughes,s.hughes@example.org,T004,Oak Primary,Teaching assistant,support,no,SCP,5,"
    "fixed term,31/08/2026,01/09/2024,T003\r\n"
)


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


@dataclass(frozen=True)
class ExistingStaff:
    """What validation needs to know about a member of staff already in the trust."""

    id: int
    staff_number: str
    email: str
    full_name: str
    line_manager_number: str | None = None
    has_account: bool = False
    # Their account holds a role only HR may move the sign-in of (permissions.GUARDED_ROLES).
    sign_in_guarded: bool = False


@dataclass(frozen=True)
class Account:
    """A sign-in account holding an email address the file uses."""

    in_trust: bool
    staff_number: str | None = None  # the staff member it belongs to, if any (this trust's)
    # Why it may not become a staff record's sign-in (``account_adoption_refusal``), if so.
    adoption_refusal: str | None = None


@dataclass(frozen=True)
class ImportContext:
    academies: dict[str, int]  # academy_key(name) and URN -> academy id
    existing_staff: dict[str, ExistingStaff]  # staff_number_key -> record
    accounts: dict[str, Account] = field(default_factory=dict)  # lower-case email -> account
    central_team_id: int | None = None
    # Whether the one importing may move guarded sign-ins (HR may; an administrator not).
    may_move_guarded_sign_ins: bool = True


@dataclass(frozen=True)
class StaffRow:
    """One clean row: ``values`` holds only the model fields whose column is in the file."""

    number: int
    key: str
    staff_number: str
    job_title: str
    values: dict[str, Any]
    sets_line_manager: bool
    line_manager_key: str | None


@dataclass(frozen=True)
class RowProblem:
    number: int
    staff_number: str
    problems: list[str]


@dataclass
class ValidationResult:
    rows: list[StaffRow]
    problems: list[RowProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


# ----- Small pure helpers -------------------------------------------------------------


def header_key(header: str) -> str:
    header = re.sub(r"\(.*?\)|\[.*?\]", "", header)
    header = re.sub(r"['\u2019]s\b", "", header.casefold())
    return re.sub(r"[^a-z0-9]", "", header)


def value_key(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.casefold())


def academy_key(name: str) -> str:
    return " ".join(name.casefold().split())


def staff_number_key(number: str) -> str:
    # "t001" and "T001 " are the same person: MIS exports are not consistent about case.
    return number.strip().upper()


_YES = {"yes", "y", "true", "t", "1", "qts", "held", "qualified"}
_NO = {"no", "n", "false", "f", "0", "none", "notheld", ""}


def parse_yes_no(value: str) -> bool | None:
    key = value_key(value)
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


_STAFF_GROUPS = {
    StaffGroup.TEACHING: {"teaching", "teacher", "teachers", "teachingstaff"},
    StaffGroup.SUPPORT: {
        "support",
        "supportstaff",
        "associate",
        "associatestaff",
        "nonteaching",
        "nonteachingstaff",
    },
    StaffGroup.LEADERSHIP: {
        "leadership",
        "leader",
        "leaders",
        "slt",
        "seniorleadership",
        "seniorleadershipteam",
        "leadershipteam",
        "leadershipgroup",
    },
}


def parse_staff_group(value: str) -> str | None:
    key = value_key(value)
    for group, words in _STAFF_GROUPS.items():
        if key in words:
            return group.value
    return None


_PAY_RANGES: dict[str, str] = {
    **{value_key(r.value): r.value for r in PayRange if r.value},
    **{value_key(r.label): r.value for r in PayRange},
    "mps": PayRange.MAIN,
    "main": PayRange.MAIN,
    "mainpayscale": PayRange.MAIN,
    "ups": PayRange.UPPER,
    "upper": PayRange.UPPER,
    "upperpayscale": PayRange.UPPER,
    "leadingpractitioner": PayRange.LEADING_PRACTITIONER,
    "leadership": PayRange.LEADERSHIP,
    "leadershippayrange": PayRange.LEADERSHIP,
    "leadershipgroup": PayRange.LEADERSHIP,
    "unqualified": PayRange.UNQUALIFIED,
    "unqualifiedteacher": PayRange.UNQUALIFIED,
    "unqualifiedteachers": PayRange.UNQUALIFIED,
    "support": PayRange.SUPPORT,
    "supportstaff": PayRange.SUPPORT,
    "njc": PayRange.SUPPORT,
    "": PayRange.NONE,
    "none": PayRange.NONE,
    "na": PayRange.NONE,
}


def parse_pay_range(value: str) -> str | None:
    found = _PAY_RANGES.get(value_key(value))
    return None if found is None else str(found)


_CONTRACT_TYPES = {
    ContractType.PERMANENT: {"permanent", "perm", "p", "openended", "indefinite", ""},
    ContractType.FIXED_TERM: {"fixedterm", "fixed", "temporary", "temp", "ft", "fixedtermcontract"},
    ContractType.CASUAL: {"casual", "zerohours", "zerohour", "bank", "relief", "asandwhen"},
}


def parse_contract_type(value: str) -> str | None:
    key = value_key(value)
    for contract_type, words in _CONTRACT_TYPES.items():
        if key in words:
            return contract_type.value
    return None


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")


def parse_date(value: str) -> dt.date | None:
    """DD/MM/YYYY (also with - or .) or YYYY-MM-DD; a midnight time from Excel is ignored.

    Two-digit years and month names are refused rather than guessed.
    """
    text = value.strip()
    parts = text.replace("T", " ").split()
    if len(parts) == 2 and _TIME.match(parts[1]):
        text = parts[0]
    try:
        if m := _DMY.match(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if m := _YMD.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return None


_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame"}


def split_name(value: str) -> tuple[str, str] | None:
    """ "Smith, Jane" or "Jane Smith" -> ("Jane", "Smith"); None if it is one word."""
    text = " ".join(value.split())
    if "," in text:
        last, _, first = text.partition(",")
        first, last = first.strip(), last.strip()
    else:
        words = text.split(" ")
        if len(words) > 2 and value_key(words[0]) in _TITLES:
            words = words[1:]
        if len(words) < 2:
            return None
        first, last = " ".join(words[:-1]), words[-1]
    if not first or not last:
        return None
    return first, last


# ----- Reading the file -----------------------------------------------------------------


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


# ----- Checking the rows -----------------------------------------------------------------

_MAX_LENGTH = {
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "staff_number": 30,
    "job_title": 120,
    "pay_point": 10,
}


def validate_staff_rows(parsed: ParsedCsv, context: ImportContext) -> ValidationResult:
    """Check every row; a row is only clean if it and its relations to others are right."""
    problems: dict[int, list[str]] = defaultdict(list)
    clean: list[StaffRow] = []
    for raw in parsed.rows:
        row, row_problems = _check_row(raw, parsed, context)
        if row_problems:
            problems[raw.number].extend(row_problems)
        if row is not None:
            clean.append(row)
    _check_duplicates(parsed, context, problems)
    _check_guarded_sign_ins(parsed, context, problems)
    _check_line_managers(parsed, context, clean, problems)

    staff_numbers = {raw.number: raw.values.get("staff_number", "") for raw in parsed.rows}
    report = [
        RowProblem(number=number, staff_number=staff_numbers[number], problems=messages)
        for number, messages in sorted(problems.items())
    ]
    return ValidationResult(rows=clean if not report else [], problems=report)


def _check_row(
    raw: RawRow, parsed: ParsedCsv, context: ImportContext
) -> tuple[StaffRow | None, list[str]]:
    v = raw.values
    problems: list[str] = []
    values: dict[str, Any] = {}

    missing: list[str] = []
    if {"first_name", "last_name"} <= parsed.columns.keys():
        first, last = v.get("first_name", ""), v.get("last_name", "")
        missing += [
            label for label, text in (("first name", first), ("last name", last)) if not text
        ]
    else:
        name = v.get("name", "")
        split = split_name(name) if name else None
        if not name:
            missing.append("name")
        elif split is None:
            problems.append(f'Name "{name}" needs both a first name and a last name.')
        first, last = split or ("", "")
    missing += [COLUMNS[name][0] for name in REQUIRED_COLUMNS if not v.get(name, "").strip()]
    if missing:
        problems.append("Missing " + ", ".join(missing) + ".")
    values["first_name"], values["last_name"] = first, last

    email = v.get("email", "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f'Email "{email}" is not a valid email address.')
    values["email"] = email

    staff_number = v.get("staff_number", "").strip()
    academy_name = v.get("academy", "")
    if academy_name:
        academy_id = context.academies.get(academy_key(academy_name))
        if academy_id is None and value_key(academy_name) in _CENTRAL_TEAM_WORDS:
            academy_id = context.central_team_id
        if academy_id is None:
            problems.append(
                f'Unknown academy "{academy_name}": use an academy name (or URN) exactly as '
                "it is on the trust page."
            )
        values["academy_id"] = academy_id

    group_text = v.get("staff_group", "")
    if group_text:
        group = parse_staff_group(group_text)
        if group is None:
            problems.append(
                f'Unknown staff group "{group_text}": use teaching, support or leadership.'
            )
        values["staff_group"] = group

    if "has_qts" in parsed.columns:
        qts = parse_yes_no(v["has_qts"])
        if qts is None:
            problems.append(f'QTS "{v["has_qts"]}" should be yes or no.')
        values["has_qts"] = bool(qts)

    if "pay_range" in parsed.columns:
        pay_range = parse_pay_range(v["pay_range"])
        if pay_range is None:
            codes = ", ".join(r.value for r in PayRange if r.value)
            problems.append(f'Unknown pay range "{v["pay_range"]}": use one of {codes}.')
        values["pay_range"] = pay_range or ""
    if "pay_point" in parsed.columns:
        values["pay_point"] = v["pay_point"]
    if "contract_type" in parsed.columns:
        contract_type = parse_contract_type(v["contract_type"])
        if contract_type is None:
            problems.append(
                f'Unknown contract type "{v["contract_type"]}": use permanent, fixed term '
                "or casual."
            )
        values["contract_type"] = contract_type or ContractType.PERMANENT.value

    start = _date_field(v, "start_date", problems)
    values["start_date"] = start
    if "contract_end_date" in parsed.columns:
        end = _date_field(v, "contract_end_date", problems) if v["contract_end_date"] else None
        values["contract_end_date"] = end
        if start and end and end < start:
            problems.append(
                f"Contract end date {end:%d/%m/%Y} is before the start date {start:%d/%m/%Y}."
            )

    job_title = " ".join(v.get("job_title", "").split())
    for name, limit in _MAX_LENGTH.items():
        text = job_title if name == "job_title" else values.get(name, v.get(name, ""))
        if isinstance(text, str) and len(text) > limit:
            problems.append(f"{COLUMNS[name][0].capitalize()} is longer than {limit} characters.")

    # Names and numbers are shown on every page and PDF: a control or right-to-left
    # character pasted into a cell would disguise them (the same rule as the forms').
    for name, text in v.items():
        hidden = unsafe_characters(text) if name in COLUMNS else []
        if hidden:
            problems.append(f"{COLUMNS[name][0].capitalize()}: {refusal_message(hidden)}")

    sets_line_manager = "line_manager" in parsed.columns
    manager_text = v.get("line_manager", "").strip()
    line_manager_key = staff_number_key(manager_text) if manager_text else None

    if problems:
        return None, problems
    return (
        StaffRow(
            number=raw.number,
            key=staff_number_key(staff_number),
            staff_number=staff_number,
            job_title=job_title,
            values=values,
            sets_line_manager=sets_line_manager,
            line_manager_key=line_manager_key,
        ),
        [],
    )


_CENTRAL_TEAM_WORDS = {"central", "centralteam", "trustcentralteam", "centralservices"}


def _date_field(v: dict[str, str], name: str, problems: list[str]) -> dt.date | None:
    text = v.get(name, "")
    if not text:
        return None
    parsed = parse_date(text)
    if parsed is None:
        problems.append(
            f'{COLUMNS[name][0].capitalize()} "{text}" is not a date: write it as '
            "DD/MM/YYYY or YYYY-MM-DD."
        )
    return parsed


def _check_duplicates(
    parsed: ParsedCsv, context: ImportContext, problems: dict[int, list[str]]
) -> None:
    by_number: dict[str, list[int]] = defaultdict(list)
    by_email: dict[str, list[int]] = defaultdict(list)
    row_key: dict[int, str] = {}
    for raw in parsed.rows:
        staff_number = raw.values.get("staff_number", "").strip()
        if staff_number:
            by_number[staff_number_key(staff_number)].append(raw.number)
            row_key[raw.number] = staff_number_key(staff_number)
        email = raw.values.get("email", "").strip().lower()
        if email:
            by_email[email].append(raw.number)

    for key, rows in by_number.items():
        if len(rows) > 1:
            for number in rows:
                others = ", ".join(str(r) for r in rows if r != number)
                problems[number].append(f"Staff number {key} is also on row {others}.")

    existing_by_email = {s.email.lower(): s for s in context.existing_staff.values()}
    for email, rows in by_email.items():
        if len(rows) > 1:
            for number in rows:
                others = ", ".join(str(r) for r in rows if r != number)
                problems[number].append(f"Email {email} is also on row {others}.")
        for number in rows:
            own_key = row_key.get(number)
            holder = existing_by_email.get(email)
            if holder is not None and staff_number_key(holder.staff_number) != own_key:
                problems[number].append(
                    f"Email {email} already belongs to {holder.full_name} "
                    f"(staff number {holder.staff_number}) in this trust."
                )
                continue
            account = context.accounts.get(email)
            if account is None:
                continue
            if account.in_trust and account.staff_number is not None:
                if staff_number_key(account.staff_number) != own_key:
                    problems[number].append(
                        f"Email {email} is the sign-in of staff number {account.staff_number}."
                    )
                continue
            existing = context.existing_staff.get(own_key or "")
            if existing is not None and existing.has_account:
                # Their own account would move to an address someone else signs in with.
                # Worded the same wherever that account is.
                problems[number].append(f"Email {email} is already someone's sign-in address.")
            elif account.in_trust and account.adoption_refusal is not None:
                problems[number].append(account.adoption_refusal)
            # An address held in another trust is not a problem: the person is added
            # without a sign-in, and the import says what it says for any new address.


def _check_guarded_sign_ins(
    parsed: ParsedCsv, context: ImportContext, problems: dict[int, list[str]]
) -> None:
    """The file may not move the sign-in of someone holding a guarded role, unless HR
    imports it: the same rule as changing the address on the staff record's page."""
    if context.may_move_guarded_sign_ins:
        return
    for raw in parsed.rows:
        existing = context.existing_staff.get(
            staff_number_key(raw.values.get("staff_number", "").strip())
        )
        email = raw.values.get("email", "").strip().lower()
        if existing is None or not existing.sign_in_guarded or not email:
            continue
        if email != existing.email:
            problems[raw.number].append(
                f"Only HR can change the sign-in address of {existing.full_name}: they hold "
                "a role that reads appraisal records or runs the trust."
            )


def _check_line_managers(
    parsed: ParsedCsv,
    context: ImportContext,
    clean: list[StaffRow],
    problems: dict[int, list[str]],
) -> None:
    if "line_manager" not in parsed.columns:
        return
    file_keys: dict[str, RawRow] = {}
    for raw in parsed.rows:
        number = raw.values.get("staff_number", "").strip()
        if number:
            file_keys.setdefault(staff_number_key(number), raw)

    names: dict[str, str] = {k: s.full_name for k, s in context.existing_staff.items()}
    # The line management the trust would have after the import: existing, then the file.
    parent: dict[str, str | None] = {
        key: (staff_number_key(s.line_manager_number) if s.line_manager_number else None)
        for key, s in context.existing_staff.items()
    }
    for raw in parsed.rows:
        number = raw.values.get("staff_number", "").strip()
        if not number:
            continue
        key = staff_number_key(number)
        first, last = raw.values.get("first_name", ""), raw.values.get("last_name", "")
        names[key] = f"{first} {last}".strip() or raw.values.get("name", "") or number
        manager = raw.values.get("line_manager", "").strip()
        if not manager:
            parent[key] = None
            continue
        manager_key = staff_number_key(manager)
        if manager_key == key:
            problems[raw.number].append("A person cannot be their own line manager.")
            parent[key] = None
        elif manager_key not in file_keys and manager_key not in context.existing_staff:
            problems[raw.number].append(
                f"Line manager staff number {manager} is not in the file or in the trust."
            )
            parent[key] = None
        else:
            parent[key] = manager_key

    for key, cycle in _cycles(parent).items():
        looped = file_keys.get(key)
        if looped is None:
            continue
        path = " → ".join(f"{names.get(k, k)} ({k})" for k in [*cycle, cycle[0]])
        problems[looped.number].append(f"Line management loop: {path}.")


def _cycles(parent: dict[str, str | None]) -> dict[str, list[str]]:
    """Every node that lies on a loop, mapped to the loop starting from that node."""
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = finished
    on_cycle: dict[str, list[str]] = {}
    for start in parent:
        if start in state:
            continue
        walk: list[str] = []
        node: str | None = start
        while node is not None and node not in state:
            state[node] = 1
            walk.append(node)
            node = parent.get(node)
        if node is not None and state.get(node) == 1:
            loop = walk[walk.index(node) :]
            for i, member in enumerate(loop):
                on_cycle[member] = loop[i:] + loop[:i]
        for member in walk:
            state[member] = 2
    return on_cycle
