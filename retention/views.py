"""HR's retention page: the record of destruction and legal holds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from organisation.principal import Principal, principal_for
from submissions.guard import submit_once

from . import selectors, services
from .forms import LegalHoldForm, LiftHoldForm
from .permissions import require_retention_access

LEDGER_PAGE_SIZE = 50


def _hr(request: HttpRequest) -> tuple[Principal, int]:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    return principal, require_retention_access(principal)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _, trust_id = _hr(request)
    holds = list(selectors.holds_for_trust(trust_id))
    page = Paginator(selectors.ledger_for_trust(trust_id), LEDGER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "retention/index.html",
        {
            "active_holds": [h for h in holds if h.lifted_at is None],
            "lifted_holds": [h for h in holds if h.lifted_at is not None],
            "page": page,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def hold_add(request: HttpRequest) -> HttpResponse:
    principal, trust_id = _hr(request)
    form = LegalHoldForm(request.POST or None, trust_id=trust_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_hold_set(
                principal=principal,
                actor=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
                record=form.record,
                staff_member=form.staff_member,
            )
        except services.RetentionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The legal hold is in place: the record will be kept.")
            return redirect("retention:index")
    return render(request, "retention/hold_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    principal, trust_id = _hr(request)
    hold = selectors.hold_for_trust(trust_id, pk)
    if hold is None:
        raise Http404("No such hold.")
    form = LiftHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_hold_lift(
                principal=principal,
                actor=request.user,  # type: ignore[arg-type]
                hold=hold,
                reason=form.cleaned_data["reason"],
            )
        except services.RetentionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "The legal hold is lifted. If the record's retention period has ended, the "
                "next nightly purge destroys it.",
            )
            return redirect("retention:index")
    return render(request, "retention/hold_lift.html", {"form": form, "hold": hold})
