"""Every write to sign-in accounts."""

from __future__ import annotations

import logging

from django.db import transaction

from .models import User, UserSession

security_log = logging.getLogger("appraisal.security")


class AccountError(Exception):
    """A refused change, with a message fit to show on the page."""


@transaction.atomic
def user_deactivate(*, user: User, actor: User | None) -> User:
    """Stop ``user`` signing in and end every session they have open, at once.

    Even without the session delete, a deactivated account's next request is anonymous
    (Django refuses inactive users when it loads the session); deleting the rows makes
    that certain and leaves nothing behind to reuse.
    """
    if actor is not None and actor.pk == user.pk:
        raise AccountError("You cannot deactivate your own account.")
    user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    if actor is not None and actor.trust_id != user.trust_id and not actor.is_superuser:
        raise AccountError("Only accounts of your own trust can be deactivated.")
    ended, _ = UserSession.objects.filter(user=user).delete()
    if user.is_active:
        user.is_active = False
        if actor is not None:
            user._history_user = actor  # type: ignore[attr-defined]
        user.save(update_fields=["is_active"])
    security_log.info(
        "account deactivated user_id=%s by user_id=%s sessions_ended=%s",
        user.pk,
        actor.pk if actor else None,
        ended,
    )
    return user


@transaction.atomic
def user_reset_mfa(*, user: User, actor: User) -> int:
    """Remove ``user``'s authenticator app and recovery codes (a lost or replaced phone).

    If their role requires two-step verification they are asked to set it up again at their
    next page; their open sessions end so that nobody keeps using the old factor's session.
    Returns the number of authenticators removed."""
    from allauth.mfa.models import Authenticator

    if actor.pk == user.pk:
        raise AccountError("You cannot reset your own two-step verification.")
    if actor.trust_id != user.trust_id:
        raise AccountError("Only accounts of your own trust can be reset.")
    removed, _ = Authenticator.objects.filter(user=user).delete()
    ended, _ = UserSession.objects.filter(user=user).delete()
    security_log.info(
        "two-step verification reset user_id=%s by user_id=%s removed=%s sessions_ended=%s",
        user.pk,
        actor.pk,
        removed,
        ended,
    )
    return removed
