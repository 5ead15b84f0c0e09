"""Every write to an academy's calendar: terms, INSET days and closure days.

Each service takes keyword-only arguments, locks the academy row so two people editing the
same calendar cannot both slip an overlapping term in, and raises ``CalendarError`` with a
sentence a person can act on when a change is refused. Permission checks belong to the
caller (``calendars.permissions``); the services keep the calendar consistent.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from organisation.models import Academy

from .models import CalendarDay, CalendarDayKind, Term
from .selectors import load_calendar
from .working_days import inset_day_refusal

if TYPE_CHECKING:
    from accounts.models import User

# A term longer than this is a typing slip (a year of 2062, say), not a term: accepting it
# would make every day up to then a working day.
_LONGEST_TERM = dt.timedelta(days=366)


class CalendarError(Exception):
    """A refused change to a calendar, with a message fit to show on the page; ``field``
    names the form field the message belongs next to."""

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _lock_academy(academy: Academy) -> Academy:
    # Serialises calendar writes per academy: the overlap and duplicate checks below read
    # then write, and would otherwise race.
    return Academy.objects.select_for_update(of=("self",)).get(pk=academy.pk)


def _day(value: dt.date) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}"


def _check_term(
    *, academy: Academy, name: str, starts_on: dt.date, ends_on: dt.date, term_id: int | None
) -> str:
    name = name.strip()
    if not name:
        raise CalendarError("Enter a name for the term, for example “Autumn 1 2026”.")
    if ends_on < starts_on:
        raise CalendarError(
            f"The term cannot end ({_day(ends_on)}) before it starts ({_day(starts_on)})."
        )
    if ends_on - starts_on >= _LONGEST_TERM:
        raise CalendarError("A term cannot last a year or more: check the dates.")
    others = Term.objects.filter(academy=academy, starts_on__lte=ends_on, ends_on__gte=starts_on)
    if term_id is not None:
        others = others.exclude(pk=term_id)
    overlapping = others.order_by("starts_on").first()
    if overlapping is not None:
        raise CalendarError(
            f"These dates overlap {overlapping.name} ({_day(overlapping.starts_on)} to "
            f"{_day(overlapping.ends_on)}). Terms of one academy cannot overlap: change "
            "the dates, or edit that term instead."
        )
    return name


@transaction.atomic
def term_create(
    *,
    academy: Academy,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    actor: User | None = None,
) -> Term:
    academy = _lock_academy(academy)
    name = _check_term(
        academy=academy, name=name, starts_on=starts_on, ends_on=ends_on, term_id=None
    )
    term = Term(academy=academy, name=name, starts_on=starts_on, ends_on=ends_on)
    if actor is not None:
        term._history_user = actor  # type: ignore[attr-defined]
    term.save()
    return term


@transaction.atomic
def term_update(
    *,
    term: Term,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    actor: User | None = None,
) -> Term:
    academy = _lock_academy(term.academy)
    locked = Term.objects.select_for_update(of=("self",)).filter(pk=term.pk).first()
    if locked is None:
        raise CalendarError("This term has just been deleted by someone else.")
    term = locked
    name = _check_term(
        academy=academy, name=name, starts_on=starts_on, ends_on=ends_on, term_id=term.pk
    )
    term.name, term.starts_on, term.ends_on = name, starts_on, ends_on
    if actor is not None:
        term._history_user = actor  # type: ignore[attr-defined]
    term.save(update_fields=["name", "starts_on", "ends_on"])
    return term


@transaction.atomic
def term_delete(*, term: Term, actor: User | None = None) -> None:
    _lock_academy(term.academy)
    locked = Term.objects.select_for_update(of=("self",)).filter(pk=term.pk).first()
    if locked is None:  # someone else deleted it first: nothing left to do
        return
    term = locked
    if actor is not None:
        # simple-history's "-" record picks the user up from the instance being deleted.
        term._history_user = actor  # type: ignore[attr-defined]
    term.delete()


@transaction.atomic
def calendar_day_add(
    *,
    academy: Academy,
    date: dt.date,
    kind: str,
    description: str = "",
    actor: User | None = None,
) -> CalendarDay:
    """Mark ``date`` as an INSET or closure day. One entry per academy per day."""
    if kind not in CalendarDayKind.values:
        raise CalendarError("Choose whether the day is an INSET day or a closure day.")
    if kind == CalendarDayKind.INSET:
        refusal = inset_day_refusal(date, load_calendar(academy, date, date).bank_holidays)
        if refusal is not None:
            raise CalendarError(refusal, field="date")
    academy = _lock_academy(academy)
    existing = CalendarDay.objects.filter(academy=academy, date=date).first()
    if existing is not None:
        raise CalendarError(
            f"{_day(date)} is already entered as "
            f"{'an INSET day' if existing.kind == CalendarDayKind.INSET else 'a closure day'}"
            f" at {academy.name}. Remove that entry first to change it."
        )
    day = CalendarDay(academy=academy, date=date, kind=kind, description=description.strip())
    if actor is not None:
        day._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            day.save()
    except IntegrityError:  # pragma: no cover - the academy lock makes this unreachable
        raise CalendarError(f"{_day(date)} is already entered at {academy.name}.") from None
    return day


@transaction.atomic
def calendar_day_remove(*, day: CalendarDay, actor: User | None = None) -> None:
    _lock_academy(day.academy)
    locked = CalendarDay.objects.select_for_update(of=("self",)).filter(pk=day.pk).first()
    if locked is None:  # someone else removed it first: nothing left to do
        return
    day = locked
    if actor is not None:
        day._history_user = actor  # type: ignore[attr-defined]
    day.delete()
