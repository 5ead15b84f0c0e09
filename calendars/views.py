"""Academy calendar pages: view a year, edit terms and INSET/closure days, check a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from organisation.models import Academy
from organisation.principal import Principal, principal_for
from submissions.guard import submit_once

from . import permissions, selectors, services
from .forms import EARLIEST_YEAR, LATEST_YEAR, CalendarDayForm, DateCheckForm, TermAddForm, TermForm
from .models import CalendarDay, CalendarDayKind
from .working_days import OutsideCalendarRange, academic_year_label, academic_year_of


def _principal(request: HttpRequest) -> Principal:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if not principal.is_authenticated:
        # Signed in but attached to no trust: there is no calendar to show.
        raise Http404("No trust.")
    return principal


def _academy(request: HttpRequest, academy_id: int, action: str) -> tuple[Principal, Academy]:
    """The academy for this user: 404 if outside their trust, 403 if they may only look."""
    principal = _principal(request)
    academy = permissions.academy_for(principal, academy_id, request=request)
    if not permissions.can(principal, action, academy):
        raise PermissionDenied("You cannot change this academy's calendar.")
    return principal, academy


def _year_from(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = 0
    if not EARLIEST_YEAR <= year <= LATEST_YEAR - 1:
        year = academic_year_of(timezone.localdate())
    return year


def _calendar_url(academy: Academy, day: dt.date | None = None) -> str:
    url = reverse("calendars:detail", args=[academy.pk])
    return f"{url}?year={academic_year_of(day)}" if day else url


@login_required
def index(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    year = academic_year_of(timezone.localdate())
    academies = selectors.academies_for_index(trust_id=principal.trust_id or 0, year=year)
    rows = [(a, permissions.can(principal, permissions.EDIT, a)) for a in academies]
    return render(
        request,
        "calendars/index.html",
        {"rows": rows, "year": year, "year_label": academic_year_label(year)},
    )


@dataclass(frozen=True)
class DateCheck:
    start: dt.date
    days: int
    answer: dt.date
    start_not_working: str | None
    counted: list[dt.date]

    @property
    def abs_days(self) -> int:
        return abs(self.days)


def _check_date(academy: Academy, form: DateCheckForm) -> DateCheck | None:
    if not form.is_valid():
        return None
    start: dt.date = form.cleaned_data["check_from"]
    days: int = form.cleaned_data["check_days"]
    try:
        answer = selectors.add_working_days(academy, start, days)
        calendar = selectors.load_calendar(academy, min(start, answer), max(start, answer))
    except OutsideCalendarRange:
        form.add_error(None, "That date is too far away to count working days to.")
        return None
    low, high = (start, answer) if answer >= start else (answer, start)
    counted = [
        low + dt.timedelta(days=i)
        for i in range((high - low).days + 1)
        if calendar.is_working_day(low + dt.timedelta(days=i))
        and (low + dt.timedelta(days=i)) != start
    ]
    return DateCheck(
        start=start,
        days=days,
        answer=answer,
        start_not_working=calendar.why_not_working(start),
        counted=counted if len(counted) <= 31 else [],
    )


@login_required
def detail(request: HttpRequest, academy_id: int) -> HttpResponse:
    principal, academy = _academy(request, academy_id, permissions.VIEW)
    year = _year_from(request)
    overview = selectors.calendar_year(academy, year)
    check_form = DateCheckForm(
        request.GET if "check_from" in request.GET or "check_days" in request.GET else None
    )
    check = _check_date(academy, check_form) if check_form.is_bound else None
    return render(
        request,
        "calendars/calendar.html",
        {
            "academy": academy,
            "overview": overview,
            "year": year,
            "previous_year": year - 1 if year > EARLIEST_YEAR else None,
            "next_year": year + 1 if year + 1 < LATEST_YEAR else None,
            "previous_label": academic_year_label(year - 1),
            "next_label": academic_year_label(year + 1),
            "can_edit": permissions.can(principal, permissions.EDIT, academy),
            "check_form": check_form,
            "check": check,
        },
    )


def _day_label(day: CalendarDay) -> str:
    kind = "INSET day" if day.kind == CalendarDayKind.INSET else "Closure day"
    return f"{kind} on {day.date:%A} {day.date.day} {day.date:%B %Y}"


def _form_page(
    request: HttpRequest, template: str, academy: Academy, **context: Any
) -> HttpResponse:
    return render(
        request,
        template,
        {"academy": academy, "calendar_url": _calendar_url(academy), **context},
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def term_add(request: HttpRequest, academy_id: int) -> HttpResponse:
    _, academy = _academy(request, academy_id, permissions.EDIT)
    form = TermAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            term = services.term_create(academy=academy, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except services.CalendarError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{term.name} added.")
            return redirect(_calendar_url(academy, term.starts_on))
    return _form_page(request, "calendars/term_form.html", academy, form=form, term=None)


@login_required
@require_http_methods(["GET", "POST"])
def term_edit(request: HttpRequest, academy_id: int, term_id: int) -> HttpResponse:
    _, academy = _academy(request, academy_id, permissions.EDIT)
    term = permissions.term_for(academy, term_id, request=request)
    initial = {"name": term.name, "starts_on": term.starts_on, "ends_on": term.ends_on}
    form = TermForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            term = services.term_update(term=term, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except services.CalendarError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{term.name} updated.")
            return redirect(_calendar_url(academy, term.starts_on))
    return _form_page(request, "calendars/term_form.html", academy, form=form, term=term)


@login_required
@require_http_methods(["GET", "POST"])
def term_delete(request: HttpRequest, academy_id: int, term_id: int) -> HttpResponse:
    _, academy = _academy(request, academy_id, permissions.EDIT)
    term = permissions.term_for(academy, term_id, request=request)
    if request.method == "POST":
        services.term_delete(term=term, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, f"{term.name} deleted.")
        return redirect(_calendar_url(academy, term.starts_on))
    return _form_page(request, "calendars/term_confirm_delete.html", academy, term=term)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def day_add(request: HttpRequest, academy_id: int) -> HttpResponse:
    _, academy = _academy(request, academy_id, permissions.EDIT)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            day = services.calendar_day_add(
                academy=academy,
                actor=request.user,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except services.CalendarError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"{_day_label(day)} added.")
            return redirect(_calendar_url(academy, day.date))
    return _form_page(request, "calendars/day_form.html", academy, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def day_remove(request: HttpRequest, academy_id: int, day_id: int) -> HttpResponse:
    _, academy = _academy(request, academy_id, permissions.EDIT)
    day = permissions.day_for(academy, day_id, request=request)
    if request.method == "POST":
        services.calendar_day_remove(day=day, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, f"{_day_label(day)} removed.")
        return redirect(_calendar_url(academy, day.date))
    return _form_page(request, "calendars/day_confirm_remove.html", academy, day=day)
