"""Checking the rows, each alone and against the rest of the file and the trust, and the
report of problems per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from appraisal_site.text import refusal_message, unsafe_characters

from ..models import ContractType, PayRange
from .columns import COLUMNS, REQUIRED_COLUMNS
from .context import ImportContext
from .parsing import ParsedCsv, RawRow
from .values import (
    academy_key,
    parse_contract_type,
    parse_date,
    parse_pay_range,
    parse_staff_group,
    parse_yes_no,
    split_name,
    staff_number_key,
    value_key,
)


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
    if "pay_point_since" in parsed.columns:
        since = _date_field(v, "pay_point_since", problems) if v["pay_point_since"] else None
        values["pay_point_since"] = since
        if since and since > timezone.localdate():
            problems.append(f"On this point since {since:%d/%m/%Y} is in the future.")
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
