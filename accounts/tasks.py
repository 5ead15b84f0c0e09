"""Background work for sign-in accounts. Thin: load by id, call the service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="accounts.send_invitation")
def send_invitation(invitation_id: int) -> None:
    """Email one invitation (idempotent: a second delivery finds it already sent)."""
    services.invitation_deliver(invitation_id=invitation_id)
