"""What every page shares."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest

from .. import access_log, permissions
from ..models import Trust
from ..permissions import Action
from ..principal import Principal, principal_for

STAFF_PAGE_SIZE = 50
ROLES_PAGE_SIZE = 100
IMPORT_SUMMARY_KEY = "organisation_import_summary"


def _principal(request: HttpRequest) -> Principal:
    """The signed-in principal; someone with no trust (or a governor) sees no person here."""
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if not principal.is_authenticated or principal.is_governor_only:
        raise Http404("Not found.")
    return principal


def _require(
    request: HttpRequest, principal: Principal, action: Action, obj: Any, *, visible: bool
) -> None:
    """404 if the user may not see ``obj`` at all (a refused record noted in the security
    log), 403 if they see it but may not act."""
    if permissions.can(principal, action, obj):
        return
    if visible:
        raise PermissionDenied
    if isinstance(obj, Model) and obj.pk is not None:
        raise access_log.refused(request, type(obj), obj.pk, "Not found.")
    raise Http404("Not found.")


def _posted(request: HttpRequest) -> Any:
    """Form data on POST (even an empty one, so missing fields are reported), else None."""
    return request.POST if request.method == "POST" else None


def _trust(principal: Principal) -> Trust:
    assert principal.trust_id is not None  # _principal() has checked
    return Trust.objects.get(pk=principal.trust_id)


def _actor(request: HttpRequest) -> Any:
    return request.user
