"""Trust and academies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from submissions.guard import submit_once

from .. import access_log, permissions, selectors, services
from ..forms import (
    AcademyForm,
    TrustForm,
)
from ..models import Academy
from ..permissions import Action
from ..principal import Principal
from ..services import OrganisationError
from ._common import _actor, _posted, _principal, _require, _trust


@login_required
def administration(request: HttpRequest) -> HttpResponse:
    """The pages a trust is set up with and looks after a few times a year, one link each
    (shown by each page's own access rule), kept out of the navigation bar."""
    principal = _principal(request)
    _require(request, principal, Action.VIEW_ADMINISTRATION, None, visible=False)
    return render(request, "organisation/administration.html")


@login_required
def trust_detail(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    trust = _trust(principal)
    _require(request, principal, Action.VIEW_TRUST, trust, visible=False)
    return render(
        request,
        "organisation/trust_detail.html",
        {
            "trust": trust,
            "academies": selectors.academies_with_counts(trust_id=trust.pk),
            "can_edit": permissions.can(principal, Action.EDIT_TRUST, trust),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def trust_edit(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    trust = _trust(principal)
    _require(
        request,
        principal,
        Action.EDIT_TRUST,
        trust,
        visible=permissions.can(principal, Action.VIEW_TRUST, trust),
    )
    form = TrustForm(_posted(request), instance=trust)
    if request.method == "POST" and form.is_valid():
        try:
            services.trust_update(
                trust=trust, name=form.cleaned_data["name"], actor=_actor(request)
            )
        except OrganisationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The trust's name has been saved.")
            return redirect("organisation:trust")
    return render(request, "organisation/trust_form.html", {"form": form, "trust": trust})


def _academy_for_edit(principal: Principal, pk: int, *, request: HttpRequest) -> Academy:
    academy = Academy.objects.filter(trust_id=_trust(principal).pk, pk=pk).first()
    if academy is None:
        raise access_log.refused(request, Academy, pk, "No such academy.")
    _require(
        request,
        principal,
        Action.EDIT_ACADEMY,
        academy,
        visible=permissions.can(principal, Action.VIEW_ACADEMY, academy),
    )
    return academy


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def academy_add(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    trust = _trust(principal)
    _require(
        request,
        principal,
        Action.ADD_ACADEMY,
        trust,
        visible=permissions.can(principal, Action.VIEW_TRUST, trust),
    )
    form = AcademyForm(_posted(request), trust=trust)
    if request.method == "POST" and form.is_valid():
        try:
            academy = services.academy_create(
                trust=trust, actor=_actor(request), **form.cleaned_data
            )
        except OrganisationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{academy.name} has been added.")
            return redirect("organisation:trust")
    return render(request, "organisation/academy_form.html", {"form": form, "academy": None})


@login_required
@require_http_methods(["GET", "POST"])
def academy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    academy = _academy_for_edit(principal, pk, request=request)
    form = AcademyForm(_posted(request), instance=academy, trust=academy.trust)
    if request.method == "POST" and form.is_valid():
        try:
            services.academy_update(academy=academy, actor=_actor(request), **form.cleaned_data)
        except OrganisationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The academy has been saved.")
            return redirect("organisation:trust")
    return render(request, "organisation/academy_form.html", {"form": form, "academy": academy})
