"""Organisation pages: home, trust and academies, staff, line management, roles, import.

Views are thin: they find the principal, fetch through ``permissions`` (404 for what the
user may not see, 403 for what they may see but not change), and call a service.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import permissions
from .permissions import Action
from .principal import principal_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    context = {
        "principal": principal,
        "staff": principal.staff,
        "sees_whole_trust": permissions.sees_whole_trust(principal),
        "is_admin": permissions.can(principal, Action.EDIT_TRUST),
        "lead_academies": permissions.visible_academies(principal)
        if permissions.lead_academy_ids(principal) and not permissions.sees_whole_trust(principal)
        else [],
        "can_grant_roles": bool(permissions.grantable_roles(principal)),
        "is_line_manager": permissions.is_line_manager(principal),
    }
    return render(request, "home.html", context)

