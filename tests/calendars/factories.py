"""Factories for academy calendars. Terms and days hang off an academy, so stay in its trust."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from calendars.models import BankHolidayOverride, CalendarDay, CalendarDayKind, Term
from tests.factories import AcademyFactory


class TermFactory(DjangoModelFactory):
    class Meta:
        model = Term

    academy = factory.SubFactory(AcademyFactory)
    name = factory.Sequence(lambda n: f"Term {n}")
    starts_on = dt.date(2026, 9, 3)
    ends_on = dt.date(2026, 10, 23)


class CalendarDayFactory(DjangoModelFactory):
    class Meta:
        model = CalendarDay

    academy = factory.SubFactory(AcademyFactory)
    date = dt.date(2026, 9, 1)
    kind = CalendarDayKind.INSET
    description = ""


class BankHolidayOverrideFactory(DjangoModelFactory):
    class Meta:
        model = BankHolidayOverride
        django_get_or_create = ("date",)

    date = dt.date(2027, 5, 14)
    name = "Extra bank holiday"
    is_holiday = True
