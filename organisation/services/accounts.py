"""Sign-in accounts: made or linked for staff, or made for people not on the staff list."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from accounts.services import invitation_resend, invitations_queue

from .. import selectors
from ..models import StaffMember, Trust
from ._common import OrganisationError, _user_model, _with_history_user

if TYPE_CHECKING:
    from accounts.models import User


class AccountUnavailable(OrganisationError):
    """No sign-in account can be made for the address (another trust's account holds it).

    Said the same way whatever the reason, so that one trust never learns whether an
    address has an account in another (the sign-in address is unique across the service).
    """


def account_unavailable_message(email: str) -> str:
    return (
        f"No sign-in account can be set up for {email}. Check that it is the person's own "
        "work address for this trust; if it is, ask the service's support team to look "
        "into it."
    )


def account_ensure_for_staff(*, staff: StaffMember, actor: User | None = None) -> User:
    """The staff member's sign-in account, made now if they have none.

    A new account has no usable password: the person is emailed an invitation with a link
    to choose one (or signs in with Microsoft or Google). An existing account
    with the address is linked only if ``account_adoption_refusal`` allows it; one of
    another trust raises ``AccountUnavailable``.
    """
    if staff.user_id is not None:
        return staff.user  # type: ignore[return-value]
    user_model = _user_model()
    email = staff.email.lower()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is not None:
        if user.trust_id != staff.trust_id:
            raise AccountUnavailable(account_unavailable_message(email))
        refusal = selectors.account_adoption_refusal(user=user, staff=staff)
        if refusal is not None:
            raise OrganisationError(refusal)
    else:
        user = user_model(
            email=email,
            trust_id=staff.trust_id,
            first_name=staff.first_name,
            last_name=staff.last_name,
        )
        user.set_unusable_password()
        _with_history_user(user, actor)
        user.save()
        invitations_queue(users=[user], actor=actor)
    staff.user = user
    _with_history_user(staff, actor)
    staff.save(update_fields=["user"])
    return user


@transaction.atomic
def staff_invitation_resend(*, staff: StaffMember, actor: User) -> None:
    """Send the staff member's invitation again; a record added without an account (its
    address was held elsewhere) gets one now if it can. When it still cannot, nothing is
    sent and nothing is said: one trust never learns that another holds the address."""
    if staff.user_id is None:
        with contextlib.suppress(AccountUnavailable):
            account_ensure_for_staff(staff=staff, actor=actor)  # invites a new account
        return
    invitation_resend(user=staff.user, actor=actor)  # type: ignore[arg-type]


def sign_in_guarded_message(name: str) -> str:
    return (
        f"Only HR can change the sign-in address of {name}: they hold a role that reads "
        "appraisal records or runs the trust, and whoever has the address can reset the "
        "password."
    )


@transaction.atomic
def account_create(
    *, trust: Trust, email: str, first_name: str, last_name: str, actor: User | None = None
) -> User:
    """A sign-in account for someone who is not on the staff list (a governor, a trustee)."""
    email = email.strip().lower()
    user_model = _user_model()
    existing = user_model.objects.filter(email__iexact=email).first()
    if existing is not None:
        if existing.trust_id == trust.pk:
            raise OrganisationError(f"There is already a sign-in account for {email}.")
        raise AccountUnavailable(account_unavailable_message(email))
    user = user_model(email=email, trust=trust, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    _with_history_user(user, actor)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise OrganisationError(f"There is already a sign-in account for {email}.") from None
    invitations_queue(users=[user], actor=actor)
    return user
