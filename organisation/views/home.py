"""Home."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import permissions, selectors
from ..permissions import Action
from ..principal import principal_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    whole_trust = permissions.sees_whole_trust(principal)
    context = {
        "staff": principal.staff if principal.is_authenticated else None,
        "sees_whole_trust": whole_trust,
        "is_admin": permissions.can(principal, Action.EDIT_TRUST),
        "lead_academies": (
            list(permissions.visible_academies(principal))
            if permissions.lead_academy_ids(principal) and not whole_trust
            else []
        ),
        "can_view_roles": permissions.can(principal, Action.VIEW_ROLES),
        "role_requests_for_me": (
            selectors.role_requests_for_me_count(principal)
            if permissions.can(principal, Action.VIEW_ROLE_REQUESTS)
            else 0
        ),
        "can_grant_roles": bool(permissions.grantable_roles(principal)),
        "is_line_manager": permissions.is_line_manager(principal),
        "governor_only": principal.is_governor_only,
    }
    return render(request, "home.html", context)
