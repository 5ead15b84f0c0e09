"""Job roles."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors
from ..permissions import Action
from ._common import _principal, _require


@login_required
def job_role_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    _require(request, principal, Action.VIEW_JOB_ROLES, None, visible=False)
    return render(
        request,
        "organisation/job_role_list.html",
        {"job_roles": selectors.job_roles_with_counts(trust_id=principal.trust_id or 0)},
    )
