"""A person's deadlines as an iCalendar (RFC 5545) feed: all-day events, nothing else.

Written by hand: the format needed here is small (VCALENDAR with all-day VEVENTs), and
the rules that matter are escaping text, folding long lines at 75 octets, and CRLF line
ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    summary: str
    description: str
    on: dt.date
    url: str = ""


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets (RFC 5545 §3.1), never
    splitting a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def render_calendar(
    *, name: str, events: Iterable[FeedEvent], stamp: dt.datetime, product: str
) -> str:
    stamp_utc = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{escape_text(product)}//Deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Europe/London",
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
        "X-PUBLISHED-TTL:PT6H",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(event.uid)}",
            f"DTSTAMP:{stamp_utc}",
            f"DTSTART;VALUE=DATE:{_date(event.on)}",
            f"DTEND;VALUE=DATE:{_date(event.on + ONE_DAY)}",
            f"SUMMARY:{escape_text(event.summary)}",
            f"DESCRIPTION:{escape_text(event.description)}",
            "TRANSP:TRANSPARENT",
        ]
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
