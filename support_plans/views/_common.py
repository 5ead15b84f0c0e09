"""What the support plan pages share: the principal, the refusal for a page someone may
see but not act on, turning a refused change into form errors, and noting reads."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from organisation.access_log import record_access
from organisation.principal import Principal, principal_for

from ..models import Concern, SupportPlan
from ..services import SupportPlanError


def principal_of(request: HttpRequest) -> Principal:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if not principal.is_authenticated:
        raise Http404("No trust.")
    return principal


def require(allowed: bool, message: str = "You cannot change this support plan.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def add_error(form: Any, error: SupportPlanError) -> None:
    """Put the refusal next to its field (and so in the error summary), or above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def noted_read(request: HttpRequest, obj: SupportPlan | Concern) -> None:
    record_access(
        request=request, obj=obj, action="view", label=f"{obj._meta.verbose_name} {obj.pk}"
    )
