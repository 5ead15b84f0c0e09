"""Roles."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from submissions.guard import submit_once

from .. import permissions, selectors, services
from ..forms import (
    RoleGrantForm,
)
from ..models import RoleAssignment, RoleRequest
from ..permissions import Action
from ..services import OrganisationError
from ._common import ROLES_PAGE_SIZE, _actor, _posted, _principal, _require, _trust


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    _require(request, principal, Action.VIEW_ROLES, None, visible=False)
    show_all = request.GET.get("show") == "all"
    assignments = selectors.role_assignment_list(principal, current_only=not show_all)
    page = Paginator(assignments, ROLES_PAGE_SIZE).get_page(request.GET.get("page"))
    revocable = {
        a.pk
        for a in page.object_list
        if a.revoked_at is None and permissions.can(principal, Action.REVOKE_ROLE, a)
    }
    return render(
        request,
        "organisation/role_list.html",
        {
            "page": page,
            "show_all": show_all,
            "now": timezone.now(),
            "revocable": revocable,
            "can_grant": bool(permissions.grantable_roles(principal)),
            "can_see_requests": permissions.can(principal, Action.VIEW_ROLE_REQUESTS),
            "waiting_count": selectors.role_requests_waiting(principal).count(),
        },
    )


def _end_of_day(day: dt.date) -> dt.datetime:
    """A role whose last day is ``day`` ends at the following midnight, trust time."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def role_grant(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    if not permissions.grantable_roles(principal):
        _require(
            request,
            principal,
            Action.GRANT_ROLE,
            None,
            visible=permissions.can(principal, Action.VIEW_ROLES),
        )
    form = RoleGrantForm(_posted(request), principal=principal)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        trust = _trust(principal)
        proposed = RoleAssignment(trust=trust, role=data["role"], academy=data["academy"])
        if not permissions.can(principal, Action.GRANT_ROLE, proposed):
            raise PermissionDenied
        expires_at = _end_of_day(data["until"]) if data["until"] else None
        try:
            # One transaction: a refused grant leaves no account made for it behind.
            with transaction.atomic():
                if data["staff"] is not None:
                    user = services.account_ensure_for_staff(
                        staff=data["staff"], actor=_actor(request)
                    )
                else:
                    user = data["user"] or services.account_create(
                        trust=trust,
                        email=data["person"],
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        actor=_actor(request),
                    )
                given = services.role_grant_or_request(
                    user=user,
                    role=data["role"],
                    trust=trust,
                    academy=data["academy"],
                    by=_actor(request),
                    reason=data["reason"],
                    expires_at=expires_at,
                )
        except OrganisationError as exc:
            form.add_error(None, str(exc))
        else:
            if isinstance(given, RoleRequest):
                messages.success(
                    request,
                    f"{given.user} will be {given.get_role_display()} once HR or another "
                    "trust administrator approves it. It is listed under “Roles waiting for "
                    "approval”.",
                )
            else:
                messages.success(request, f"{given.user} is now {given.get_role_display()}.")
            return redirect("organisation:roles")
    return render(request, "organisation/role_grant.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    assignment = permissions.get_role_assignment_for_user(principal, pk, request=request)
    _require(request, principal, Action.REVOKE_ROLE, assignment, visible=True)
    if request.method == "POST":
        services.role_revoke(assignment=assignment, revoked_by=_actor(request))
        messages.success(
            request, f"{assignment.user} is no longer {assignment.get_role_display()}."
        )
        return redirect("organisation:roles")
    return render(request, "organisation/role_revoke.html", {"assignment": assignment})
