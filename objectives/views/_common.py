"""Helpers shared by the objectives pages: the principal, the cycle, the page
frame and the error summary."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from cycles.models import AppraisalCycle
from cycles.permissions import get_cycle_for_user
from organisation.principal import Principal, principal_for

from .. import services

CYCLE_QUERYSET = AppraisalCycle.objects.select_related(
    "policy_version__policy", "academy", "appraisee__job_role", "reviewer"
)


def _principal(request: HttpRequest) -> Principal:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if not principal.is_authenticated:
        raise Http404("No trust.")
    return principal


def _cycle(request: HttpRequest, cycle_id: int) -> tuple[Principal, AppraisalCycle]:
    principal = _principal(request)
    cycle, _access = get_cycle_for_user(
        principal, cycle_id, request=request, queryset=CYCLE_QUERYSET
    )
    return principal, cycle


def _require(allowed: bool, message: str = "You cannot change this record.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def cycle_url(cycle: AppraisalCycle) -> str:
    """The cycle page, where this app's section is shown."""
    try:
        return reverse("cycles:detail", args=[cycle.pk]) + "#objectives-section-heading"
    except NoReverseMatch:
        return reverse("objectives:cycle", args=[cycle.pk])


def _record_access(request: HttpRequest, obj: Any, label: str) -> None:
    from audit.services import record_access

    record_access(request=request, obj=obj, action="view", label=label)


def _cycle_label(cycle: AppraisalCycle) -> str:
    return f"{cycle.appraisee.full_name}, {cycle.starts_on:%Y} to {cycle.ends_on:%Y}"


def _page(
    request: HttpRequest, template: str, cycle: AppraisalCycle, **context: Any
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "cycle": cycle,
            "cycle_url": cycle_url(cycle),
            "rules": cycle.policy_version.rules,
            **context,
        },
    )


def _add_errors(form: Any, error: services.ObjectivesError) -> None:
    """The error, and each rule broken, next to the field it names (else above the
    form); the error summary links to each."""
    form.add_error(error.field if error.field in form.fields else None, str(error))
    for breach in error.breaches:
        form.add_error(breach.field if breach.field in form.fields else None, str(breach))
