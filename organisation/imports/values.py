"""Reading one cell: the spellings of yes/no, staff groups, pay ranges, contract types,
dates and names that MIS exports use, and the keys records are matched by.
"""

from __future__ import annotations

import datetime as dt
import re

from ..models import ContractType, PayRange, StaffGroup


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
