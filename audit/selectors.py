"""Reads for the audit pages, always scoped to one trust first."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AccessLogEntry, SecurityEvent

Row = TypeVar("Row", AccessLogEntry, SecurityEvent)


def _filtered(
    qs: QuerySet[Row],
    *,
    person: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Row]:
    if person:
        words = person.split()
        for word in words:
            qs = qs.filter(
                Q(user__email__icontains=word)
                | Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
            )
    tz = timezone.get_current_timezone()
    if date_from is not None:
        qs = qs.filter(at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to is not None:
        next_day = date_to + dt.timedelta(days=1)
        qs = qs.filter(at__lt=dt.datetime.combine(next_day, dt.time.min, tzinfo=tz))
    return qs.select_related("user")


def access_log_for_trust(
    *,
    trust_id: int,
    person: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AccessLogEntry]:
    qs = AccessLogEntry.objects.filter(trust_id=trust_id)
    return _filtered(qs, person=person, date_from=date_from, date_to=date_to)


def security_events_for_trust(
    *,
    trust_id: int,
    person: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[SecurityEvent]:
    qs = SecurityEvent.objects.filter(trust_id=trust_id)
    return _filtered(qs, person=person, date_from=date_from, date_to=date_to)
