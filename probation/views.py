"""Probation pages: the person's own and the people they manage, HR's list across the
trust, one probation, starting one, recording a review meeting and the outcome."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from organisation.access_log import record_access, refused
from organisation.principal import Principal, principal_for
from submissions.guard import submit_once

from . import forms, permissions, rules, selectors, services
from .models import Probation, ProbationStatus


def _principal(request: HttpRequest) -> Principal:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if not principal.is_authenticated:
        raise Http404("No trust.")
    return principal


def _require(allowed: bool, message: str = "You cannot change this probation.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def _add_error(form: Any, error: services.ProbationError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


@login_required
@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """The person's own probation, and the probations of the people they manage (a
    headteacher: their academy's; HR: the trust's), with new staff offered one."""
    principal = _principal(request)
    return render(
        request,
        "probation/index.html",
        {
            "own": selectors.own_probations(principal),
            "managed": selectors.managed_probations(principal, running_only=True),
            "offered": selectors.new_staff_without_probation(principal),
            "may_start": permissions.may_start_any(principal),
            "is_hr": permissions.may_see_trust_list(principal),
        },
    )


@login_required
@require_http_methods(["GET"])
def trust_list(request: HttpRequest) -> HttpResponse:
    """HR's list of every probation across the trust."""
    principal = _principal(request)
    if not permissions.may_see_trust_list(principal):
        raise Http404("No such page.")
    status = request.GET.get("status", "")
    if status not in ProbationStatus.values:
        status = ""
    return render(
        request,
        "probation/trust_list.html",
        {
            "rows": selectors.trust_probations(principal, status=status),
            "status": status,
            "statuses": ProbationStatus.choices,
        },
    )


@login_required
@require_http_methods(["GET"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    probation, access = permissions.get_probation_for_user(principal, pk, request=request)
    record_access(request=request, obj=probation, action="view", label=f"probation {pk}")
    return render(
        request,
        "probation/detail.html",
        {"page": selectors.probation_page(probation), "probation": probation, "access": access},
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def start(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    # Only people who joined within the longest probation a policy may set are offered: a
    # list of a whole trust's staff would be thousands of options.
    since = rules.add_months(timezone.localdate(), -selectors.LONGEST_PROBATION_MONTHS)
    staff = (
        permissions.startable_staff(principal)
        .filter(start_date__gte=since)
        .order_by("last_name", "first_name", "pk")
    )
    if not permissions.may_start_any(principal):
        raise refused(request, Probation, 0, "No such page.")
    initial: dict[str, Any] = {}
    chosen = request.GET.get("staff", "")
    if chosen.isdigit():
        member = staff.filter(pk=int(chosen)).first()
        if member is not None:
            initial = {"staff": member.pk, "starts_on": member.start_date}
    form = forms.StartForm(request.POST or None, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            probation = services.probation_start(
                actor=request.user,  # type: ignore[arg-type]
                staff=form.cleaned_data["staff"],
                starts_on=form.cleaned_data["starts_on"],
            )
        except services.ProbationError as error:
            _add_error(form, error)
        else:
            messages.success(
                request, f"Probation started: it ends on {probation.ends_on:%d %B %Y}."
            )
            return redirect("probation:detail", pk=probation.pk)
    return render(request, "probation/start.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def review_add(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    probation, access = permissions.get_probation_for_user(principal, pk, request=request)
    _require(access.may_manage)
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.probation_review_record(
                actor=request.user,  # type: ignore[arg-type]
                probation=probation,
                **form.cleaned_data,
            )
        except services.ProbationError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"{review} saved.")
            return redirect("probation:detail", pk=probation.pk)
    return render(
        request,
        "probation/review_form.html",
        {"probation": probation, "form": form, "page": selectors.probation_page(probation)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    probation, access = permissions.get_probation_for_user(principal, pk, request=request)
    _require(access.may_manage)
    page = selectors.probation_page(probation)
    form = forms.DecideForm(
        request.POST or None,
        initial={"version": probation.version},
        may_extend=page.may_extend,
        extension_months=page.extension_months,
    )
    if request.method == "POST" and form.is_valid():
        try:
            decided = services.probation_decide(
                actor=request.user,  # type: ignore[arg-type]
                probation=probation,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except services.ProbationError as error:
            _add_error(form, error)
        else:
            if decided.status == ProbationStatus.EXTENDED:
                messages.success(
                    request, f"Probation extended: it now ends on {decided.ends_on:%d %B %Y}."
                )
            else:
                messages.success(request, f"Outcome recorded: {decided.get_status_display()}.")
            return redirect("probation:detail", pk=probation.pk)
    return render(
        request, "probation/decide.html", {"probation": probation, "form": form, "page": page}
    )
