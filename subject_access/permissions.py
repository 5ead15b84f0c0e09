"""Who may ask for, follow and download a copy of personal data.

The member of staff the copy is about, and HR of their trust (who may also ask on behalf
of a current or former member of staff). Nobody else: not their reviewer, line manager,
headteacher, a governor or anyone of another trust, who all get "not found".

``visible_requests`` answers "which", ``can`` "may they do this", and
``get_request_for_user`` fetches one for a page or 404s (logging the refusal of a row
that exists). Every query starts from the principal's trust.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from organisation.access_log import refused
from organisation.principal import Principal

from .models import AccessRequest, RequestStatus


class RequestAction(enum.StrEnum):
    VIEW = "view"
    DOWNLOAD = "download"
    RECORD_RESPONSE = "record_response"  # HR: the day the copy was given


def may_ask_for_own(principal: Principal) -> bool:
    """Anyone with a staff record of their trust may ask for their own copy."""
    return principal.is_authenticated and principal.staff is not None


def may_ask_on_behalf(principal: Principal) -> bool:
    return principal.is_authenticated and principal.is_hr


def visible_requests(principal: Principal) -> QuerySet[AccessRequest]:
    if not principal.is_authenticated:
        return AccessRequest.objects.none()
    rule = Q(staff_id=principal.staff.pk if principal.staff is not None else 0)
    if principal.is_hr:
        rule |= Q(pk__isnull=False)
    return AccessRequest.objects.filter(trust_id=principal.tenant_id).filter(rule)


def _is_subject(principal: Principal, row: AccessRequest) -> bool:
    return principal.staff is not None and principal.staff.pk == row.staff_id


def can(principal: Principal, action: str, row: AccessRequest) -> bool:
    if not principal.is_authenticated or row.trust_id != principal.trust_id:
        return False
    sees = principal.is_hr or _is_subject(principal, row)
    if action == RequestAction.VIEW:
        return sees
    if action == RequestAction.DOWNLOAD:
        return sees and row.status == RequestStatus.READY and bool(row.file)
    if action == RequestAction.RECORD_RESPONSE:
        return principal.is_hr and row.on_behalf and row.responded_on is None
    return False


@dataclass(frozen=True)
class RequestAccess:
    may_download: bool
    may_record_response: bool


def get_request_for_user(
    principal: Principal, pk: int, *, request: HttpRequest | None = None
) -> tuple[AccessRequest, RequestAccess]:
    """The request ``pk`` if ``principal`` may see it, with what they may do; else 404,
    the same for "does not exist" and "not yours"."""
    row = visible_requests(principal).select_related("staff", "requested_by").filter(pk=pk).first()
    if row is None or not can(principal, RequestAction.VIEW, row):
        raise refused(request, AccessRequest, pk, "No such request.")
    return row, RequestAccess(
        may_download=can(principal, RequestAction.DOWNLOAD, row),
        may_record_response=can(principal, RequestAction.RECORD_RESPONSE, row),
    )
