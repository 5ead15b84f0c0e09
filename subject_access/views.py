"""Pages for copies of personal data: the person's own, asking for one, its progress and
download; HR's list with the one-month deadlines, asking on someone's behalf, and
recording that the copy was given."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from organisation.access_log import record_access, refused
from organisation.principal import Principal, principal_for
from submissions.guard import submit_once

from . import forms, permissions, rules, selectors, services
from .models import AccessRequest


def _principal(request: HttpRequest) -> Principal:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if not principal.is_authenticated:
        raise Http404("No trust.")
    return principal


def _add_error(form: Any, error: services.AccessRequestError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def _label(row: AccessRequest) -> str:
    return f"Copy of personal data, {row.staff.full_name}"


@login_required
@require_http_methods(["GET"])
def mine(request: HttpRequest) -> HttpResponse:
    """The person's own copies: asked for, being built, ready or expired."""
    principal = _principal(request)
    if not permissions.may_ask_for_own(principal):
        raise Http404("No such page.")
    return render(
        request,
        "subject_access/mine.html",
        {"rows": selectors.own_requests(principal), "link_days": settings.SUBJECT_ACCESS_LINK_DAYS},
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def request_new(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    if not permissions.may_ask_for_own(principal):
        raise Http404("No such page.")
    form = forms.OwnRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.access_request_own(actor=request.user)  # type: ignore[arg-type]
        except services.AccessRequestError as error:
            _add_error(form, error)
        else:
            record_access(request=request, obj=row, action="export", label=_label(row))
            return redirect("subject_access:detail", pk=row.pk)
    return render(request, "subject_access/request_new.html", {"form": form})


@login_required
@require_http_methods(["GET"])
@never_cache
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A copy's progress, then its download link until it expires."""
    principal = _principal(request)
    row, access = permissions.get_request_for_user(principal, pk, request=request)
    return render(
        request,
        "subject_access/detail.html",
        {
            "row": row,
            "access": access,
            "is_hr": principal.is_hr,
            "deadline": rules.due_status(due_on=row.due_on, today=timezone.localdate()),
            "response_form": forms.ResponseForm(initial={"responded_on": timezone.localdate()}),
        },
    )


@login_required
@require_http_methods(["GET"])
@never_cache
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    principal = _principal(request)
    row, access = permissions.get_request_for_user(principal, pk, request=request)
    if not access.may_download:
        raise Http404("This copy is not ready, or its link has expired.")
    try:
        handle = row.file.open("rb")
    except OSError as exc:
        raise Http404("This copy is no longer available.") from exc
    record_access(request=request, obj=row, action="download", label=_label(row))
    name = f"personal-data-{row.staff.staff_number or row.staff_id}-{row.ready_at:%Y-%m-%d}.zip"
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")


@login_required
@require_http_methods(["GET"])
@never_cache
def trust_list(request: HttpRequest) -> HttpResponse:
    """HR's requests made on someone's behalf, with each one-month deadline."""
    principal = _principal(request)
    if not permissions.may_ask_on_behalf(principal):
        raise Http404("No such page.")
    show_all = request.GET.get("show") == "all"
    rows = selectors.trust_requests(principal, open_only=not show_all)
    today = timezone.localdate()
    return render(
        request,
        "subject_access/trust_list.html",
        {
            "rows": [
                (row, rules.due_status(due_on=row.due_on, today=today) if row.is_open else "")
                for row in rows
            ],
            "show_all": show_all,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def on_behalf_new(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    if not permissions.may_ask_on_behalf(principal):
        raise refused(request, AccessRequest, 0, "No such page.")
    form = forms.OnBehalfForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        staff = selectors.staff_for_request(principal, form.cleaned_data["staff_number"])
        if staff is None:
            form.add_error("staff_number", "No member of staff of the trust has that number.")
        else:
            try:
                row = services.access_request_on_behalf(
                    actor=request.user,  # type: ignore[arg-type]
                    staff=staff,
                    asked_by=form.cleaned_data["asked_by"],
                    received_on=form.cleaned_data["received_on"],
                )
            except services.AccessRequestError as error:
                _add_error(form, error)
            else:
                record_access(request=request, obj=row, action="export", label=_label(row))
                return redirect("subject_access:detail", pk=row.pk)
    return render(request, "subject_access/on_behalf_new.html", {"form": form})


@login_required
@require_http_methods(["POST"])
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    row, access = permissions.get_request_for_user(principal, pk, request=request)
    if not access.may_record_response:
        raise PermissionDenied("This request has been answered already.")
    form = forms.ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.access_request_record_response(
                actor=request.user,  # type: ignore[arg-type]
                row=row,
                responded_on=form.cleaned_data["responded_on"],
            )
        except services.AccessRequestError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Recorded: the copy was given to the person.")
            return redirect("subject_access:detail", pk=row.pk)
    return render(
        request,
        "subject_access/detail.html",
        {
            "row": row,
            "access": access,
            "is_hr": principal.is_hr,
            "deadline": rules.due_status(due_on=row.due_on, today=timezone.localdate()),
            "response_form": form,
        },
        status=200,
    )
