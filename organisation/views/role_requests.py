"""Roles waiting for approval."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import permissions, selectors, services
from ..forms import (
    RoleDecisionForm,
)
from ..permissions import Action
from ..services import OrganisationError
from ._common import _actor, _posted, _principal, _require


@login_required
def role_requests(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    _require(request, principal, Action.VIEW_ROLE_REQUESTS, None, visible=False)
    waiting = list(selectors.role_requests_waiting(principal))
    return render(
        request,
        "organisation/role_requests.html",
        {
            "waiting": waiting,
            "decidable": {
                r.pk for r in waiting if permissions.can(principal, Action.DECIDE_ROLE_REQUEST, r)
            },
            "decided": selectors.role_requests_decided(principal),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    role_request = permissions.get_role_request_for_user(principal, pk, request=request)
    may_decide = permissions.can(principal, Action.DECIDE_ROLE_REQUEST, role_request)
    form = RoleDecisionForm(_posted(request))
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied(
                "A role is approved by HR or another trust administrator: not by the person "
                "who asked for it, nor by the person it is for."
            )
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                decided = services.role_request_decide(
                    request=role_request, decided_by=_actor(request), approve=approve
                )
            except OrganisationError as exc:
                form.add_error(None, str(exc))
            else:
                what = "is now" if approve else "will not be"
                messages.success(request, f"{decided.user} {what} {decided.get_role_display()}.")
                return redirect("organisation:role_requests")
    return render(
        request,
        "organisation/role_request.html",
        {"role_request": role_request, "may_decide": may_decide, "form": form},
    )
