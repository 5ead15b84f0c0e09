"""The columns a staff CSV may have, the header spellings each is known by, and the example
file offered for download.
"""

from __future__ import annotations

import re

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
    "pay_point_since": (
        "on this point since",
        (
            "onthispointsince",
            "onpointsince",
            "paypointsince",
            "pointsince",
            "paypointdate",
            "pointstartdate",
            "dateonpoint",
            "incrementdate",
        ),
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


def header_key(header: str) -> str:
    header = re.sub(r"\(.*?\)|\[.*?\]", "", header)
    header = re.sub(r"['\u2019]s\b", "", header.casefold())
    return re.sub(r"[^a-z0-9]", "", header)
