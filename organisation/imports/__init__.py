"""Reading and checking a staff CSV exported from a school MIS. Pure functions: no database.

``parse_staff_csv`` turns the uploaded bytes into rows keyed by our own field names, forgiving
about header spelling, encoding and delimiter. ``validate_staff_rows`` checks every row against
the rest of the file and a plain snapshot of the trust (``ImportContext``) and returns either
clean rows or a list of problems per row. Writing is ``services.staff_import_csv``'s job: it
writes nothing unless every row is clean.
"""

from __future__ import annotations

from .columns import COLUMNS, EXAMPLE_CSV, MAX_IMPORT_BYTES, REQUIRED_COLUMNS, header_key
from .context import Account, ExistingStaff, ImportContext
from .parsing import ParsedCsv, RawRow, StaffImportFileError, decode_csv_bytes, parse_staff_csv
from .validation import RowProblem, StaffRow, ValidationResult, validate_staff_rows
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

__all__ = [
    "COLUMNS",
    "EXAMPLE_CSV",
    "MAX_IMPORT_BYTES",
    "REQUIRED_COLUMNS",
    "Account",
    "ExistingStaff",
    "ImportContext",
    "ParsedCsv",
    "RawRow",
    "RowProblem",
    "StaffImportFileError",
    "StaffRow",
    "ValidationResult",
    "academy_key",
    "decode_csv_bytes",
    "header_key",
    "parse_contract_type",
    "parse_date",
    "parse_pay_range",
    "parse_staff_csv",
    "parse_staff_group",
    "parse_yes_no",
    "split_name",
    "staff_number_key",
    "validate_staff_rows",
    "value_key",
]
