"""Probation's pure rules: its length, when its review meetings fall, whether it may be
extended, and whether a review meeting's date fits. Functions of (the policy's scope
settings, facts), tested without a database.

Every number is read from the pinned policy version's ``scope.probation_*`` settings
(langley §9: six months, extendable by six, a review every three months; staploe "Scope":
six months)."""

from __future__ import annotations

import datetime as dt

from policies.schema.sections.scope import ScopeSettings


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has 28 days


def has_probation(scope: ScopeSettings) -> bool:
    """Whether the policy has a probationary period at all (``probation_months`` > 0)."""
    return scope.probation_months > 0


def probation_ends_on(scope: ScopeSettings, starts_on: dt.date) -> dt.date:
    """The last day of a probation starting on ``starts_on``: ``probation_months`` later,
    less a day (langley §9: six months)."""
    return add_months(starts_on, scope.probation_months) - dt.timedelta(days=1)


def extended_ends_on(scope: ScopeSettings, starts_on: dt.date) -> dt.date:
    """The last day once extended by ``probation_extension_months`` (langley §9: by a
    further six months)."""
    months = scope.probation_months + scope.probation_extension_months
    return add_months(starts_on, months) - dt.timedelta(days=1)


def may_extend(scope: ScopeSettings) -> bool:
    """Whether the policy lets probation be extended at all."""
    return scope.probation_extension_months > 0


def review_due_dates(scope: ScopeSettings, starts_on: dt.date, ends_on: dt.date) -> list[dt.date]:
    """The days a review meeting falls due: every ``probation_review_every_months`` from
    the start, and the last day of probation (the final review), in order (langley §9:
    three-monthly reviews)."""
    every = scope.probation_review_every_months
    found: list[dt.date] = []
    step = 1
    while True:
        due = add_months(starts_on, every * step) - dt.timedelta(days=1)
        if due >= ends_on:
            break
        found.append(due)
        step += 1
    found.append(ends_on)
    return found


def next_review_due(
    scope: ScopeSettings, starts_on: dt.date, ends_on: dt.date, reviews_held: int
) -> dt.date | None:
    """The next review meeting due after ``reviews_held`` have been recorded, or None when
    every one the policy asks for has been held."""
    due = review_due_dates(scope, starts_on, ends_on)
    return due[reviews_held] if reviews_held < len(due) else None


def review_date_refusal(
    held_on: dt.date, starts_on: dt.date, ends_on: dt.date, today: dt.date
) -> str | None:
    """Why a review meeting cannot be recorded as held on ``held_on``, or None."""
    if held_on < starts_on:
        return f"The meeting cannot be before probation started ({_d(starts_on)})."
    if held_on > ends_on:
        return f"The meeting cannot be after probation ends ({_d(ends_on)})."
    if held_on > today:
        return "The meeting cannot be in the future: record it once it has been held."
    return None


def start_date_refusal(starts_on: dt.date, employment_started: dt.date) -> str | None:
    """Why probation cannot start on ``starts_on`` for someone employed from
    ``employment_started``, or None."""
    if starts_on < employment_started:
        return f"Probation cannot start before they joined ({_d(employment_started)})."
    return None


def _d(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
