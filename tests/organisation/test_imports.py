"""The staff CSV reader and checker: pure functions, no database."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from organisation.imports import (
    Account,
    ExistingStaff,
    ImportContext,
    StaffImportFileError,
    parse_date,
    parse_staff_csv,
    split_name,
    validate_staff_rows,
)

HEADER = [
    "First name",
    "Last name",
    "Email",
    "Staff number",
    "Academy",
    "Job title",
    "Staff group",
    "QTS",
    "Pay range",
    "Pay point",
    "Contract type",
    "Contract end date",
    "Start date",
    "Line manager staff number",
]


def person(number: str, manager: str = "", **overrides: str) -> dict[str, str]:
    row = {
        "First name": f"First{number}",
        "Last name": f"Last{number}",
        "Email": f"{number.lower()}@example.org",
        "Staff number": number,
        "Academy": "Oak Primary",
        "Job title": "Class teacher",
        "Staff group": "teaching",
        "QTS": "yes",
        "Pay range": "MPR",
        "Pay point": "M3",
        "Contract type": "permanent",
        "Contract end date": "",
        "Start date": "01/09/2020",
        "Line manager staff number": manager,
    }
    row.update(overrides)
    return row


def to_csv(rows: list[dict[str, str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[row.get(h, "") for h in header] for row in rows])
    return out.getvalue().encode("utf-8")


CONTEXT = ImportContext(
    academies={"oak primary": 1, "ash secondary": 2, "100001": 1},
    existing_staff={},
    central_team_id=3,
)


def check(data: bytes, context: ImportContext = CONTEXT):  # type: ignore[no-untyped-def]
    return validate_staff_rows(parse_staff_csv(data), context)


def problems_by_row(result) -> dict[int, str]:  # type: ignore[no-untyped-def]
    return {p.number: " ".join(p.problems) for p in result.problems}


# ----- Reading the file -------------------------------------------------------------


def test_a_clean_file_gives_clean_rows() -> None:
    result = check(to_csv([person("T1"), person("T2", manager="T1")]))
    assert result.ok
    first, second = result.rows
    assert first.number == 2 and second.number == 3
    assert first.values["first_name"] == "FirstT1"
    assert first.values["academy_id"] == 1
    assert first.values["start_date"] == dt.date(2020, 9, 1)
    assert first.values["has_qts"] is True
    assert first.values["pay_range"] == "MPR"
    assert second.line_manager_key == "T1"


def test_headers_are_forgiving_about_case_spacing_and_synonyms() -> None:
    header = [
        "FORENAME",
        "Surname",
        "E-mail Address",
        "Staff No.",
        "School",
        "Post",
        "Staff Category",
        "QTS (Y/N)",
        "Start Date (DD/MM/YYYY)",
        "Line Manager's Staff No",
        "Ethnicity",
    ]
    rows = [
        {
            "FORENAME": "Jane",
            "Surname": "Smith",
            "E-mail Address": "Jane.Smith@Example.org",
            "Staff No.": "t1",
            "School": "oak  primary",
            "Post": "Class teacher",
            "Staff Category": "Teacher",
            "QTS (Y/N)": "Y",
            "Start Date (DD/MM/YYYY)": "2019-09-01",
            "Line Manager's Staff No": "",
            "Ethnicity": "not shown here",
        }
    ]
    parsed = parse_staff_csv(to_csv(rows, header))
    assert parsed.ignored_columns == ["Ethnicity"]
    result = validate_staff_rows(parsed, CONTEXT)
    assert result.ok, result.problems
    (row,) = result.rows
    assert row.values["email"] == "jane.smith@example.org"
    assert row.key == "T1"
    assert row.values["academy_id"] == 1
    assert row.values["staff_group"] == "teaching"
    # Columns not in the file are not in the row: an update leaves those fields alone.
    assert "pay_range" not in row.values
    assert "contract_end_date" not in row.values


def test_a_single_name_column_is_split() -> None:
    header = ["Name", "Email", "Staff number", "Academy", "Job title", "Staff group", "Start date"]
    rows = [
        {**person("T1"), "Name": "Smith, Jane Anne"},
        {**person("T2"), "Name": "Mr Tom Price"},
        {**person("T3"), "Name": "Prince"},
    ]
    result = check(to_csv(rows, header))
    assert problems_by_row(result) == {4: 'Name "Prince" needs both a first name and a last name.'}
    assert split_name("Smith, Jane Anne") == ("Jane Anne", "Smith")
    assert split_name("Mr Tom Price") == ("Tom", "Price")


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8-sig"),
        lambda text: text.encode("utf-8"),
        lambda text: text.encode("cp1252"),
        lambda text: text.encode("utf-16"),
    ],
    ids=["utf8-bom", "utf8", "windows-1252", "utf16"],
)
def test_encodings(encode) -> None:  # type: ignore[no-untyped-def]
    text = to_csv([person("T1", **{"Last name": "Ó Súilleabháin"})]).decode("utf-8")
    result = check(encode(text))
    assert result.ok
    assert result.rows[0].values["last_name"] == "Ó Súilleabháin"


def test_semicolon_separated_files_are_read() -> None:
    text = to_csv([person("T1", **{"Last name": "Smith"})]).decode().replace(",", ";")
    assert check(text.encode()).ok


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\r\n\r\n", "empty"),
        (b"PK\x03\x04binary zip", "Excel workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a CSV"),
        (b"First name,Last name\r\nJane,Smith\r\n", "no column for: email"),
        (",".join(HEADER).encode() + b"\r\n", "no rows"),
    ],
)
def test_unusable_files_are_refused_as_a_whole(data: bytes, message: str) -> None:
    with pytest.raises(StaffImportFileError, match=message):
        parse_staff_csv(data)


def test_dates() -> None:
    assert parse_date("01/09/2020") == dt.date(2020, 9, 1)
    assert parse_date("1/9/2020") == dt.date(2020, 9, 1)
    assert parse_date("2020-09-01") == dt.date(2020, 9, 1)
    assert parse_date("01/09/2020 00:00") == dt.date(2020, 9, 1)
    assert parse_date("31/02/2020") is None
    assert parse_date("01/09/20") is None  # two-digit years are not guessed
    assert parse_date("September 2020") is None


# ----- Each kind of bad row, reported with its spreadsheet row number ---------------


def test_missing_required_fields() -> None:
    result = check(to_csv([person("T1"), person("T2", Email="", **{"Start date": ""})]))
    assert not result.ok
    assert problems_by_row(result) == {3: "Missing email, start date."}
    assert result.rows == []


def test_unknown_academy_and_staff_group() -> None:
    result = check(
        to_csv([person("T1", Academy="Elm Infants"), person("T2", **{"Staff group": "pupil"})])
    )
    found = problems_by_row(result)
    assert 'Unknown academy "Elm Infants"' in found[2]
    assert 'Unknown staff group "pupil"' in found[3]


def test_academy_by_urn_and_central_team() -> None:
    result = check(to_csv([person("T1", Academy="100001"), person("T2", Academy="Central")]))
    assert result.ok
    assert [r.values["academy_id"] for r in result.rows] == [1, 3]


def test_bad_dates_and_yes_no() -> None:
    result = check(
        to_csv(
            [
                person("T1", **{"Start date": "09/31/2020"}),
                person("T2", QTS="maybe"),
                person("T3", **{"Contract end date": "soon"}),
            ]
        )
    )
    found = problems_by_row(result)
    assert 'Start date "09/31/2020" is not a date' in found[2]
    assert 'QTS "maybe" should be yes or no' in found[3]
    assert 'Contract end date "soon" is not a date' in found[4]


def test_contract_end_before_start() -> None:
    result = check(
        to_csv([person("T1", **{"Contract end date": "31/08/2020", "Start date": "01/09/2020"})])
    )
    assert problems_by_row(result) == {
        2: "Contract end date 31/08/2020 is before the start date 01/09/2020."
    }


def test_duplicate_staff_numbers_and_emails_in_the_file() -> None:
    result = check(
        to_csv(
            [
                person("T1"),
                person("t1", Email="other@example.org"),
                person("T3", Email="T1@example.org"),
            ]
        )
    )
    found = problems_by_row(result)
    assert "Staff number T1 is also on row 3." in found[2]
    assert "Staff number T1 is also on row 2." in found[3]
    assert "Email t1@example.org is also on row 4." in found[2]
    assert "Email t1@example.org is also on row 2." in found[4]


def test_email_of_another_existing_member_of_staff() -> None:
    context = ImportContext(
        academies=CONTEXT.academies,
        existing_staff={
            "X9": ExistingStaff(
                id=9, staff_number="X9", email="taken@example.org", full_name="Ann Existing"
            ),
            "T2": ExistingStaff(
                id=10, staff_number="T2", email="t2@example.org", full_name="Bob Existing"
            ),
        },
    )
    result = check(to_csv([person("T1", Email="Taken@example.org"), person("T2")]), context)
    assert problems_by_row(result) == {
        2: "Email taken@example.org already belongs to Ann Existing (staff number X9) in "
        "this trust."
    }


def test_email_of_an_account_outside_the_trust_is_answered_like_a_new_one() -> None:
    """issue 8, defect 9: the same answer as for an address nobody has."""
    outside = ImportContext(
        academies=CONTEXT.academies,
        existing_staff={},
        accounts={"t1@example.org": Account(in_trust=False)},
    )
    fresh = ImportContext(academies=CONTEXT.academies, existing_staff={}, accounts={})
    data = to_csv([person("T1")])
    assert check(data, outside).ok
    assert check(data, outside).problems == check(data, fresh).problems == []


def test_a_used_account_in_the_trust_is_not_adopted() -> None:
    context = ImportContext(
        academies=CONTEXT.academies,
        existing_staff={},
        accounts={"t1@example.org": Account(in_trust=True, adoption_refusal="Not yours.")},
    )
    assert problems_by_row(check(to_csv([person("T1")]), context)) == {2: "Not yours."}


def test_unknown_line_manager_and_own_line_manager() -> None:
    result = check(to_csv([person("T1", manager="Z99"), person("T2", manager="t2")]))
    found = problems_by_row(result)
    assert found[2] == "Line manager staff number Z99 is not in the file or in the trust."
    assert found[3] == "A person cannot be their own line manager."


def test_line_manager_already_in_the_trust_is_accepted() -> None:
    context = ImportContext(
        academies=CONTEXT.academies,
        existing_staff={
            "H1": ExistingStaff(id=1, staff_number="H1", email="h1@example.org", full_name="H")
        },
    )
    assert check(to_csv([person("T1", manager="h1")]), context).ok


def test_line_management_loop_within_the_file() -> None:
    result = check(
        to_csv([person("A", manager="B"), person("B", manager="A"), person("C", manager="A")])
    )
    found = problems_by_row(result)
    assert set(found) == {2, 3}
    assert (
        found[2] == "Line management loop: FirstA LastA (A) → FirstB LastB (B) → FirstA LastA (A)."
    )


def test_line_management_loop_through_existing_staff() -> None:
    # In the trust: X is managed by Y. The file makes Y report to A and A report to X.
    context = ImportContext(
        academies=CONTEXT.academies,
        existing_staff={
            "X": ExistingStaff(
                id=1, staff_number="X", email="x@e.org", full_name="Xe", line_manager_number="Y"
            ),
            "Y": ExistingStaff(id=2, staff_number="Y", email="y@e.org", full_name="Ye"),
        },
    )
    result = check(
        to_csv([person("A", manager="X"), person("Y", manager="A", Email="y@e.org")]), context
    )
    found = problems_by_row(result)
    assert set(found) == {2, 3}
    assert "Line management loop" in found[2]


def test_the_file_can_undo_an_existing_relationship_without_a_loop() -> None:
    # In the trust X manages Y; the file swaps them round. No loop once the file applies.
    context = ImportContext(
        academies=CONTEXT.academies,
        existing_staff={
            "X": ExistingStaff(id=1, staff_number="X", email="x@e.org", full_name="Xe"),
            "Y": ExistingStaff(
                id=2, staff_number="Y", email="y@e.org", full_name="Ye", line_manager_number="X"
            ),
        },
    )
    rows = [person("X", manager="Y", Email="x@e.org"), person("Y", manager="", Email="y@e.org")]
    assert check(to_csv(rows), context).ok


def test_every_bad_row_is_reported_not_just_the_first() -> None:
    rows = [person(f"T{i}") for i in range(1, 101)]
    rows[10]["Academy"] = "Nowhere"
    rows[50]["Staff group"] = "?"
    rows[99]["QTS"] = "perhaps"
    result = check(to_csv(rows))
    assert [p.number for p in result.problems] == [12, 52, 101]
    assert [p.staff_number for p in result.problems] == ["T11", "T51", "T100"]
