"""Writes to an academy calendar: refused changes say why and save nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from calendars import services
from calendars.models import CalendarDay, CalendarDayKind, Term
from organisation.models import Academy

from .factories import CalendarDayFactory, TermFactory

D = dt.date
pytestmark = pytest.mark.django_db


def test_term_create_records_who(academy: Academy, trust_admin) -> None:  # type: ignore[no-untyped-def]
    term = services.term_create(
        academy=academy,
        name="  Autumn 1 2026 ",
        starts_on=D(2026, 9, 3),
        ends_on=D(2026, 10, 23),
        actor=trust_admin,
    )
    assert term.name == "Autumn 1 2026"
    assert term.history.get().history_user == trust_admin


def test_term_ending_before_it_starts_is_refused(academy: Academy) -> None:
    with pytest.raises(services.CalendarError, match=r"cannot end .* before it starts"):
        services.term_create(
            academy=academy, name="Autumn 1", starts_on=D(2026, 10, 23), ends_on=D(2026, 9, 3)
        )
    assert not Term.objects.exists()


def test_overlapping_terms_are_refused_with_the_other_term_named(academy: Academy) -> None:
    TermFactory(academy=academy, name="Autumn 1 2026")
    with pytest.raises(services.CalendarError, match="overlap Autumn 1 2026"):
        services.term_create(
            academy=academy, name="Autumn 2", starts_on=D(2026, 10, 23), ends_on=D(2026, 12, 18)
        )
    assert Term.objects.count() == 1


def test_another_academys_terms_do_not_overlap(academy: Academy, other_academy: Academy) -> None:
    TermFactory(academy=other_academy)
    services.term_create(
        academy=academy, name="Autumn 1", starts_on=D(2026, 9, 3), ends_on=D(2026, 10, 23)
    )
    assert Term.objects.filter(academy=academy).count() == 1


def test_year_long_terms_are_refused(academy: Academy) -> None:
    with pytest.raises(services.CalendarError, match="a year or more"):
        services.term_create(
            academy=academy, name="Typo", starts_on=D(2026, 9, 3), ends_on=D(2062, 10, 23)
        )


def test_term_update_may_keep_its_own_dates_but_not_overlap_another(
    academy: Academy, trust_admin
) -> None:  # type: ignore[no-untyped-def]
    autumn1 = TermFactory(academy=academy, name="Autumn 1")
    TermFactory(academy=academy, name="Autumn 2", starts_on=D(2026, 11, 2), ends_on=D(2026, 12, 18))
    updated = services.term_update(
        term=autumn1,
        name="Autumn 1 2026",
        starts_on=D(2026, 9, 2),
        ends_on=D(2026, 10, 23),
        actor=trust_admin,
    )
    assert updated.starts_on == D(2026, 9, 2)
    assert updated.history.first().history_user == trust_admin
    with pytest.raises(services.CalendarError, match="overlap Autumn 2"):
        services.term_update(
            term=autumn1, name="Autumn 1", starts_on=D(2026, 9, 2), ends_on=D(2026, 11, 6)
        )
    autumn1.refresh_from_db()
    assert autumn1.ends_on == D(2026, 10, 23)


def test_term_delete_keeps_a_history_record_with_who(academy: Academy, trust_admin) -> None:  # type: ignore[no-untyped-def]
    term = TermFactory(academy=academy)
    services.term_delete(term=term, actor=trust_admin)
    assert not Term.objects.exists()
    deleted = Term.history.filter(id=term.pk, history_type="-").get()
    assert deleted.history_user == trust_admin
    services.term_delete(term=term, actor=trust_admin)  # twice: nothing left to do


def test_one_calendar_entry_a_day(academy: Academy, headteacher) -> None:  # type: ignore[no-untyped-def]
    day = services.calendar_day_add(
        academy=academy,
        date=D(2026, 10, 30),
        kind=CalendarDayKind.INSET,
        description="Trust training day",
        actor=headteacher,
    )
    assert day.history.get().history_user == headteacher
    with pytest.raises(services.CalendarError, match="already entered as an INSET day"):
        services.calendar_day_add(
            academy=academy, date=D(2026, 10, 30), kind=CalendarDayKind.CLOSURE
        )
    assert CalendarDay.objects.count() == 1


def test_unknown_kind_is_refused(academy: Academy) -> None:
    with pytest.raises(services.CalendarError):
        services.calendar_day_add(academy=academy, date=D(2026, 10, 30), kind="holiday")


def test_calendar_day_remove(academy: Academy, headteacher) -> None:  # type: ignore[no-untyped-def]
    day = CalendarDayFactory(academy=academy)
    services.calendar_day_remove(day=day, actor=headteacher)
    assert not CalendarDay.objects.exists()
    assert CalendarDay.history.get(history_type="-").history_user == headteacher


def test_an_inset_day_is_a_working_weekday() -> None:
    """Staff train on a working day: not a Saturday, a Sunday or a bank holiday."""
    from calendars.working_days import england_bank_holidays, inset_day_refusal

    holidays = england_bank_holidays(D(2026, 1, 1), D(2027, 12, 31))
    assert inset_day_refusal(D(2026, 10, 30), holidays) is None
    assert "weekend" in (inset_day_refusal(D(2026, 10, 31), holidays) or "")
    assert "Christmas Day" in (inset_day_refusal(D(2026, 12, 25), holidays) or "")


def test_a_closure_day_may_fall_on_any_day(academy: Academy) -> None:
    day = services.calendar_day_add(
        academy=academy, date=D(2026, 12, 26), kind=CalendarDayKind.CLOSURE
    )
    assert day.pk is not None
