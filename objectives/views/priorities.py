"""Improvement priority pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from organisation.principal import Principal
from submissions.guard import submit_once

from .. import forms, permissions, selectors, services
from ._common import _add_errors, _principal

# ----- Improvement priorities --------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    from calendars.working_days import academic_year_of

    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = 0
    if not forms.EARLIEST_YEAR <= year <= forms.LATEST_YEAR:
        year = academic_year_of(timezone.localdate())
    return year


@login_required
def priorities(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    if not permissions.may_open_priorities(principal):
        raise Http404("No such page.")
    year = _year(request)
    rows = selectors.priorities_for_principal(principal, year)
    return render(
        request,
        "objectives/priorities.html",
        {
            "year": year,
            "year_label": f"{year} to {year + 1}",
            "previous_year": year - 1,
            "next_year": year + 1,
            "trust_rows": [p for p in rows if p.academy_id is None],
            "academy_rows": [p for p in rows if p.academy_id is not None],
            "can_manage_trust": permissions.can_manage_priorities(principal, None),
            "may_open_shared": permissions.may_open_shared(principal),
        },
    )


def _priority_form(
    request: HttpRequest, principal: Principal, year: int, *, editing: bool, initial: dict[str, Any]
) -> forms.PriorityForm:
    form_class = forms.PriorityForm if editing else forms.PriorityAddForm
    return form_class(
        request.POST or None,
        initial=initial,
        academies=permissions.manageable_academies(principal),
        trust_wide=permissions.can_manage_priorities(principal, None),
        year=year,
        editing=editing,
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def priority_add(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    if not permissions.may_open_priorities(principal):
        raise Http404("No such page.")
    year = _year(request)
    form = _priority_form(request, principal, year, editing=False, initial={"academic_year": year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        academy = None
        if data["plan"] != forms.TRUST_WIDE:
            academy = permissions.manageable_academies(principal).filter(pk=data["plan"]).first()
            if academy is None:
                raise Http404("No such academy.")
        try:
            priority = services.priority_create(
                actor=request.user,  # type: ignore[arg-type]
                academy=academy,
                academic_year=data["academic_year"],
                code=data["code"],
                title=data["title"],
                description=data["description"],
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{priority.code} added.")
            return redirect(reverse("objectives:priorities") + f"?year={priority.academic_year}")
    return render(
        request, "objectives/priority_form.html", {"form": form, "priority": None, "year": year}
    )


@login_required
@require_http_methods(["GET", "POST"])
def priority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    priority = permissions.get_priority_for_user(principal, pk, request=request)
    initial = {
        "academic_year": priority.academic_year,
        "code": priority.code,
        "title": priority.title,
        "description": priority.description,
    }
    form = _priority_form(request, principal, priority.academic_year, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            priority = services.priority_update(
                actor=request.user,  # type: ignore[arg-type]
                priority=priority,
                academic_year=data["academic_year"],
                code=data["code"],
                title=data["title"],
                description=data["description"],
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{priority.code} saved.")
            return redirect(reverse("objectives:priorities") + f"?year={priority.academic_year}")
    return render(
        request,
        "objectives/priority_form.html",
        {"form": form, "priority": priority, "year": priority.academic_year},
    )


@login_required
@require_http_methods(["GET", "POST"])
def priority_delete(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    priority = permissions.get_priority_for_user(principal, pk, request=request)
    error = None
    if request.method == "POST":
        try:
            services.priority_delete(actor=request.user, priority=priority)  # type: ignore[arg-type]
        except services.ObjectivesError as exc:
            error = exc
        else:
            messages.success(request, f"{priority.code} deleted.")
            return redirect(reverse("objectives:priorities") + f"?year={priority.academic_year}")
    return render(
        request,
        "objectives/priority_confirm_delete.html",
        {"priority": priority, "error": error},
        status=400 if error else 200,
    )
