"""Every write to sign-in accounts."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Invitation, User, UserSession

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


# ----- Invitations ------------------------------------------------------------------------


def invitation_link_lifetime() -> dt.timedelta:
    """How long an invitation's link works: Django's password-reset lifetime, since the link
    is a password-reset token."""
    return dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def invitations_queue(*, users: Iterable[User], actor: User | None) -> list[Invitation]:
    """Record an invitation for each new account and send them once the caller's
    transaction commits (in the background: an import may make thousands)."""
    invitations = Invitation.objects.bulk_create(
        [Invitation(user=user, sent_by=actor) for user in users if user.pk is not None]
    )
    if invitations:
        from .tasks import send_invitation

        for invitation in invitations:
            send_invitation.delay_on_commit(invitation.pk)  # type: ignore[attr-defined]
    return invitations


@transaction.atomic
def invitation_resend(*, user: User, actor: User) -> Invitation:
    """Send the invitation again (lost, or its link expired). Only while the person has
    never signed in: after that, "forgotten password" is theirs to use."""
    user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    if actor.trust_id != user.trust_id:
        raise AccountError("Only accounts of your own trust can be invited.")
    if not user.is_active:
        raise AccountError("This account is closed, so no invitation can be sent.")
    if user.last_login is not None:
        raise AccountError(
            f"{user} has already signed in. If they have forgotten their password, they "
            "can reset it from the sign-in page."
        )
    (invitation,) = invitations_queue(users=[user], actor=actor)
    security_log.info("invitation resent user_id=%s by user_id=%s", user.pk, actor.pk)
    return invitation


def invitation_deliver(*, invitation_id: int) -> bool:
    """Send one invitation email. Claims the row first, so a task delivered twice sends
    once; nothing is sent to a closed account or one that has signed in meanwhile.

    Email cannot be exactly-once: if the process dies between the send and the end of this
    function the claim stands and the email may or may not have gone; HR can resend."""
    now = timezone.now()
    claimed = Invitation.objects.filter(pk=invitation_id, sent_at__isnull=True).update(sent_at=now)
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("user__trust").get(pk=invitation_id)
    user = invitation.user
    if not user.is_active or user.last_login is not None:
        return False
    try:
        _invitation_email(user, sent_at=now).send()
    except Exception:
        # Not sent: leave the row unclaimed so a retry (or the redelivered task) sends it.
        Invitation.objects.filter(pk=invitation_id).update(sent_at=None)
        raise
    return True


def invitation_link(user: User) -> str:
    """The single-use, expiring link to choose a password: allauth's password-reset page,
    with Django's token (made from the password hash, the last sign-in and the time)."""
    from allauth.account import app_settings as allauth_settings
    from allauth.account.utils import user_pk_to_url_str

    token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    return settings.SITE_URL.rstrip("/") + path


def _invitation_email(user: User, *, sent_at: dt.datetime) -> EmailMessage:
    trust = user.trust
    context = {
        "user": user,
        "trust_name": trust.name if trust is not None else "Your trust",
        "link": invitation_link(user),
        "expires_at": timezone.localtime(sent_at + invitation_link_lifetime()),
        "sign_in_url": settings.SITE_URL.rstrip("/") + reverse("account_login"),
        "reset_url": settings.SITE_URL.rstrip("/") + reverse("account_reset_password"),
        "social_providers": sorted(settings.SOCIALACCOUNT_PROVIDERS),
    }
    subject = render_to_string("account/email/invitation_subject.txt", context).strip()
    body = render_to_string("account/email/invitation_message.txt", context)
    return EmailMessage(subject=subject, body=body, to=[user.email])
