"""Line management."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import permissions, selectors
from ..permissions import Action
from ._common import _principal, _require


@login_required
def line_management_index(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    _require(request, principal, Action.VIEW_LINE_MANAGEMENT, None, visible=False)
    academies = list(permissions.visible_academies(principal))
    if len(academies) == 1:
        return redirect("organisation:line_management", pk=academies[0].pk)
    return render(request, "organisation/line_management_index.html", {"academies": academies})


@login_required
def line_management(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    academy = permissions.get_academy_for_user(principal, pk, request=request)
    groups, unmanaged = selectors.line_management_for_academy(academy)
    return render(
        request,
        "organisation/line_management.html",
        {
            "academy": academy,
            "groups": groups,
            "unmanaged": unmanaged,
            "can_edit": permissions.can(principal, Action.EDIT_LINE_MANAGEMENT, academy),
        },
    )
