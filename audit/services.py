"""Writing the access log and security events. Views call these; nothing else writes."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import HttpRequest

from accounts.network import client_ip
from organisation.principal import principal_for

from .models import AccessAction, AccessLogEntry, SecurityEvent, SecurityEventKind

if TYPE_CHECKING:
    from accounts.models import User

security_log = logging.getLogger("appraisal.security")

LABEL_MAX = AccessLogEntry._meta.get_field("label").max_length or 200
PATH_MAX = SecurityEvent._meta.get_field("path").max_length or 500


def _signed_in_user(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user  # type: ignore[return-value]


def record_access(
    *, request: HttpRequest, obj: models.Model, action: str, label: str = ""
) -> AccessLogEntry | None:
    """Note that the signed-in user viewed, downloaded or exported ``obj``.

    Call it after the access check has passed, from the view that shows the record. The
    label names the record ("Appraisal 2025/26, J. Smith"), never its content. Returns
    None for a visitor who is not signed in to a trust (they cannot reach such a view).
    """
    action = AccessAction(action)
    user = _signed_in_user(request)
    principal = principal_for(user)
    if user is None or principal.trust_id is None:
        return None
    # Rows belong to the trust of the record; for records without one, the viewer's trust.
    trust_id: Any = getattr(obj, "trust_id", None) or principal.trust_id
    return AccessLogEntry.objects.create(
        trust_id=trust_id,
        user=user,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        label=label[:LABEL_MAX],
        ip=client_ip(request),
    )


def record_denied(*, request: HttpRequest, kind: str, path: str) -> SecurityEvent:
    """Note that a user asked for a record that exists but that they may not see or act on.

    The view still answers 404 (or 403) exactly as for a record that does not exist; this
    row is how HR learns that someone went looking.
    """
    kind = SecurityEventKind(kind)
    user = _signed_in_user(request)
    trust_id = principal_for(user).trust_id
    event = SecurityEvent.objects.create(
        trust_id=trust_id,
        user=user,
        kind=kind,
        path=path[:PATH_MAX],
        ip=client_ip(request),
    )
    security_log.warning(
        "access refused kind=%s user_id=%s trust_id=%s path=%s ip=%s",
        kind.value,
        user.pk if user else None,
        trust_id,
        event.path,
        event.ip,
    )
    return event


def record_denied_if_exists(
    *,
    request: HttpRequest,
    model: type[models.Model],
    pk: object,
    kind: str = SecurityEventKind.NOT_FOUND,
) -> SecurityEvent | None:
    """For a view about to answer 404: note the refusal if the record does exist.

    A missing id (a typo, an old link) is not worth an event; someone asking for a real
    record they may not see is. Views do not call it themselves: the fetch-for-user helpers
    of each app's ``permissions.py`` do, through ``organisation.access_log.refused``, just
    before answering ``Http404``, so every page logs a refused look-up the same way.
    """
    try:
        exists = model._default_manager.filter(pk=pk).exists()
    except (TypeError, ValueError):
        return None
    if not exists:
        return None
    return record_denied(request=request, kind=kind, path=request.get_full_path())


def record_lockout(*, request: HttpRequest | None, username: str) -> SecurityEvent:
    """An account was locked after repeated failed sign-ins (called from axes' signal)."""
    from accounts.models import User

    account = User.objects.filter(email__iexact=username).first() if username else None
    path = request.path if request is not None else ""
    return SecurityEvent.objects.create(
        trust_id=account.trust_id if account else None,
        user=account,
        kind=SecurityEventKind.LOCKED_OUT,
        path=path[:PATH_MAX],
        ip=client_ip(request),
    )


def record_two_step_refused(
    *, request: HttpRequest | None, user: User, limited: bool
) -> SecurityEvent:
    """A two-step code was refused at sign-in or re-authentication: wrong, or not even
    checked because the account has used up its tries for now (``limited``).

    The account is known at this point (its password was right, or it is signed in), so
    the row belongs to its trust and HR sees repeated guessing against one person.
    """
    kind = SecurityEventKind.TWO_STEP_LIMITED if limited else SecurityEventKind.TWO_STEP_WRONG
    path = request.path if request is not None else ""
    event = SecurityEvent.objects.create(
        trust_id=user.trust_id,
        user=user,
        kind=kind,
        path=path[:PATH_MAX],
        ip=client_ip(request),
    )
    security_log.warning(
        "two-step code refused kind=%s user_id=%s trust_id=%s ip=%s",
        kind.value,
        user.pk,
        user.trust_id,
        event.ip,
    )
    return event
