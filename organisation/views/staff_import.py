"""Staff import."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from submissions.guard import submit_once

from .. import permissions, services
from ..forms import (
    StaffImportForm,
)
from ..imports import COLUMNS, EXAMPLE_CSV
from ..models import Trust
from ..permissions import Action
from ..principal import Principal
from ._common import IMPORT_SUMMARY_KEY, _actor, _posted, _principal, _require, _trust


def _import_allowed(request: HttpRequest, principal: Principal) -> Trust:
    trust = _trust(principal)
    _require(
        request,
        principal,
        Action.IMPORT_STAFF,
        trust,
        visible=permissions.can(principal, Action.VIEW_TRUST, trust),
    )
    return trust


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def staff_import(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    trust = _import_allowed(request, principal)
    form = StaffImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.staff_import_csv(
            trust=trust, data=form.cleaned_data["file"].read(), actor=_actor(request)
        )
        if result.imported:
            request.session[IMPORT_SUMMARY_KEY] = {
                "rows": result.row_count,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "accounts_created": result.accounts_created,
                "job_roles_created": result.job_roles_created,
                "ignored_columns": result.ignored_columns,
            }
            return redirect("organisation:staff_import_done")
    return render(
        request,
        "organisation/staff_import.html",
        {
            "form": form,
            "result": result,
            "columns": [(label, spellings) for label, spellings in COLUMNS.values()],
        },
    )


@login_required
def staff_import_done(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    _import_allowed(request, principal)
    summary = request.session.get(IMPORT_SUMMARY_KEY)
    if summary is None:
        return redirect("organisation:staff_import")
    return render(request, "organisation/staff_import_done.html", {"summary": summary})


@login_required
def staff_import_example(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    _import_allowed(request, principal)
    response = HttpResponse(EXAMPLE_CSV.encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="staff-import-example.csv"'
    return response


def _has_authenticator(user: Any) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user).exists()
