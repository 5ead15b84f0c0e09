"""Staff records and their job roles; a record's sign-in account follows its changes."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from .. import permissions
from ..models import Academy, JobRole, StaffMember, Trust
from ..principal import principal_for
from ._common import OrganisationError, _ensure_self_path, _user_model, _with_history_user
from .accounts import AccountUnavailable, account_ensure_for_staff, sign_in_guarded_message

if TYPE_CHECKING:
    from accounts.models import User


STAFF_FIELDS = (
    "academy",
    "staff_number",
    "first_name",
    "last_name",
    "email",
    "staff_group",
    "has_qts",
    "pay_range",
    "pay_point",
    "pay_point_since",
    "contract_type",
    "contract_end_date",
    "start_date",
    "left_on",
    "is_ect",
    "probation_ends_on",
)


def job_role_get_or_create(*, trust: Trust, name: str, actor: User | None = None) -> JobRole:
    """The trust's job role with this title (matched whatever its case), made if new."""
    name = " ".join(name.split())
    if not name:
        raise OrganisationError("Enter a job title.")
    existing = JobRole.objects.filter(trust=trust, name__iexact=name).first()
    if existing is not None:
        return existing
    role = JobRole(trust=trust, name=name)
    _with_history_user(role, actor)
    try:
        with transaction.atomic():
            role.save()
    except IntegrityError:
        # Made a moment ago by a simultaneous request: use that one.
        return JobRole.objects.get(trust=trust, name__iexact=name)
    return role


def _check_staff_unique(*, trust_id: int, staff_number: str, email: str, pk: int | None) -> None:
    others = StaffMember.objects.filter(trust_id=trust_id)
    if pk is not None:
        others = others.exclude(pk=pk)
    holder = others.filter(staff_number__iexact=staff_number.strip()).first()
    if holder is not None:
        raise OrganisationError(
            f"Staff number {staff_number} already belongs to {holder.full_name}."
        )
    holder = others.filter(email__iexact=email).first()
    if holder is not None:
        raise OrganisationError(
            f"The email address {email} already belongs to {holder.full_name} "
            f"(staff number {holder.staff_number})."
        )


def _check_may_change_sign_in(*, staff: StaffMember, actor: User | None) -> None:
    principal = principal_for(actor) if actor is not None else None
    if not permissions.may_change_sign_in(principal, staff):
        raise OrganisationError(sign_in_guarded_message(staff.full_name))


def _sync_account(*, staff: StaffMember, actor: User | None) -> None:
    """Keep the sign-in account's email and name the same as the staff record."""
    if staff.user_id is None:
        return
    user = staff.user
    assert user is not None
    email = staff.email.lower()
    if (
        email != user.email
        and _user_model().objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
    ):
        raise OrganisationError(
            f"The email address {email} is already the sign-in of another account."
        )
    changed = [
        name
        for name, value in (
            ("email", email),
            ("first_name", staff.first_name),
            ("last_name", staff.last_name),
        )
        if getattr(user, name) != value
    ]
    if changed:
        for name in changed:
            setattr(user, name, getattr(staff, name) if name != "email" else email)
        _with_history_user(user, actor)
        user.save(update_fields=changed)


@transaction.atomic
def staff_create(
    *,
    trust: Trust,
    job_title: str,
    actor: User | None = None,
    create_account: bool = True,
    **fields: object,
) -> StaffMember:
    """Add a member of staff (and, by default, their sign-in account)."""
    unknown = set(fields) - set(STAFF_FIELDS)
    if unknown:
        raise TypeError(f"Unknown staff fields: {', '.join(sorted(unknown))}")
    staff = StaffMember(trust=trust, **fields)  # type: ignore[misc]
    staff.email = staff.email.lower()
    if staff.academy.trust_id != trust.pk:
        raise OrganisationError("The academy must belong to the trust.")
    _check_staff_unique(
        trust_id=trust.pk, staff_number=staff.staff_number, email=staff.email, pk=None
    )
    staff.job_role = job_role_get_or_create(trust=trust, name=job_title, actor=actor)
    _with_history_user(staff, actor)
    try:
        with transaction.atomic():
            staff.save()
    except IntegrityError:
        # Added by someone else between the check above and this save: say it the same way.
        _check_staff_unique(
            trust_id=trust.pk, staff_number=staff.staff_number, email=staff.email, pk=None
        )
        raise OrganisationError(
            "This member of staff has just been added by someone else."
        ) from None
    _ensure_self_path(staff)
    if create_account:
        # Another trust's account holds the address: the record is added all the same,
        # without a sign-in, and the page says what it says for any new address.
        with contextlib.suppress(AccountUnavailable):
            account_ensure_for_staff(staff=staff, actor=actor)
    return staff


@transaction.atomic
def staff_update(
    *, staff: StaffMember, job_title: str, actor: User | None = None, **fields: object
) -> StaffMember:
    """Change a member of staff's details; their account's email and name follow."""
    unknown = set(fields) - set(STAFF_FIELDS)
    if unknown:
        raise TypeError(f"Unknown staff fields: {', '.join(sorted(unknown))}")
    staff = (
        StaffMember.objects.select_for_update(of=("self",)).select_related("user").get(pk=staff.pk)
    )
    if "email" in fields:
        fields["email"] = str(fields["email"]).lower()
        if fields["email"] != staff.email.lower():
            _check_may_change_sign_in(staff=staff, actor=actor)
    academy = fields.get("academy")
    if isinstance(academy, Academy) and academy.trust_id != staff.trust_id:
        raise OrganisationError("The academy must belong to the trust.")
    _check_staff_unique(
        trust_id=staff.trust_id,
        staff_number=str(fields.get("staff_number", staff.staff_number)),
        email=str(fields.get("email", staff.email)),
        pk=staff.pk,
    )
    job_role = job_role_get_or_create(trust=staff.trust, name=job_title, actor=actor)
    fields["job_role"] = job_role
    changed = []
    for name, value in fields.items():
        if getattr(staff, name) != value:
            setattr(staff, name, value)
            changed.append(name)
    if changed:
        _with_history_user(staff, actor)
        staff.save(update_fields=changed)
        _sync_account(staff=staff, actor=actor)
    return staff
