"""Reads shaped for the organisation pages. Every function starts from a trust-scoped queryset
(``permissions.visible_*``) so nothing here can widen what a person sees."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from . import permissions
from .imports import Account, ExistingStaff, ImportContext, academy_key, staff_number_key
from .models import (
    Academy,
    JobRole,
    RoleAssignment,
    RoleRequest,
    RoleRequestStatus,
    StaffMember,
    StaffMemberQuerySet,
    Trust,
)
from .principal import Principal

if TYPE_CHECKING:
    from accounts.models import User


def staff_list(
    principal: Principal,
    *,
    search: str = "",
    academy_id: int | None = None,
    staff_group: str = "",
    include_leavers: bool = False,
) -> StaffMemberQuerySet:
    """The staff list page: visible staff, filtered, with what each row shows joined in."""
    qs = permissions.visible_staff(principal).select_related("academy", "job_role", "line_manager")
    for term in search.split():
        qs = qs.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(staff_number__iexact=term)
            | Q(email__icontains=term)
        )
    if academy_id is not None:
        qs = qs.filter(academy_id=academy_id)
    if staff_group:
        qs = qs.filter(staff_group=staff_group)
    if not include_leavers:
        qs = qs.current()
    return qs.order_by("last_name", "first_name", "pk")


def direct_reports(staff: StaffMember) -> QuerySet[StaffMember]:
    return (
        StaffMember.objects.filter(trust_id=staff.trust_id, line_manager=staff)
        .select_related("academy", "job_role")
        .order_by("last_name", "first_name")
    )


def roles_of_user(*, trust_id: int, user_id: int | None) -> QuerySet[RoleAssignment]:
    """The roles a person holds now or will hold (not expired, not revoked)."""
    if user_id is None:
        return RoleAssignment.objects.none()
    return (
        RoleAssignment.objects.filter(trust_id=trust_id, user_id=user_id, revoked_at__isnull=True)
        .exclude(expires_at__lte=timezone.now())
        .select_related("academy")
    )


def role_assignment_list(principal: Principal, *, current_only: bool) -> QuerySet[RoleAssignment]:
    qs = permissions.visible_role_assignments(principal).select_related(
        "user", "academy", "granted_by", "revoked_by"
    )
    if current_only:
        qs = qs.filter(revoked_at__isnull=True).exclude(expires_at__lte=timezone.now())
    return qs.order_by("revoked_at", "role", "academy__name", "user__last_name", "pk")


def role_requests_waiting(principal: Principal) -> QuerySet[RoleRequest]:
    return (
        permissions.visible_role_requests(principal)
        .filter(status=RoleRequestStatus.PENDING)
        .select_related("user", "academy", "requested_by")
        .order_by("requested_at")
    )


def role_requests_decided(principal: Principal, *, limit: int = 50) -> list[RoleRequest]:
    return list(
        permissions.visible_role_requests(principal)
        .exclude(status=RoleRequestStatus.PENDING)
        .select_related("user", "academy", "requested_by", "decided_by")
        .order_by("-decided_at")[:limit]
    )


def role_requests_for_me_count(principal: Principal) -> int:
    """Waiting requests this person may decide (not their own, not for themself)."""
    return (
        role_requests_waiting(principal)
        .exclude(requested_by_id=principal.user_id or 0)
        .exclude(user_id=principal.user_id or 0)
        .count()
    )


def job_roles_with_counts(*, trust_id: int) -> QuerySet[JobRole]:
    return (
        JobRole.objects.filter(trust_id=trust_id)
        .annotate(staff_count=Count("staff", filter=Q(staff__left_on__isnull=True)))
        .order_by("name")
    )


def academies_with_counts(*, trust_id: int) -> QuerySet[Academy]:
    return Academy.objects.filter(trust_id=trust_id).annotate(
        staff_count=Count("staff", filter=Q(staff__left_on__isnull=True))
    )


@dataclass(frozen=True)
class ManagerGroup:
    manager: StaffMember
    reports: list[StaffMember]


def line_management_for_academy(academy: Academy) -> tuple[list[ManagerGroup], list[StaffMember]]:
    """Each line manager of the academy's staff with their reports, and who has no manager.

    A manager may work elsewhere in the trust (an executive headteacher, the central team).
    """
    staff = (
        StaffMember.objects.filter(trust_id=academy.trust_id, academy=academy)
        .current()
        .select_related("job_role", "line_manager__academy", "line_manager__job_role")
        .order_by("last_name", "first_name", "pk")
    )
    groups: dict[int, ManagerGroup] = {}
    unmanaged: list[StaffMember] = []
    for person in staff:
        manager = person.line_manager
        if manager is None:
            unmanaged.append(person)
            continue
        groups.setdefault(manager.pk, ManagerGroup(manager=manager, reports=[]))
        groups[manager.pk].reports.append(person)
    ordered = sorted(groups.values(), key=lambda g: (g.manager.last_name, g.manager.first_name))
    return ordered, unmanaged


def line_manager_candidates(staff: StaffMember) -> QuerySet[StaffMember]:
    """Who is offered in the line manager list: the same academy, the trust's leaders and
    the central team. Anyone else in the trust can still be chosen by staff number."""
    return (
        StaffMember.objects.filter(trust_id=staff.trust_id)
        .current()
        .exclude(pk=staff.pk)
        .filter(
            Q(academy_id=staff.academy_id)
            | Q(staff_group="leadership")
            | Q(academy__is_central_team=True)
            | Q(pk=staff.line_manager_id or 0)
        )
        .select_related("academy")
        .order_by("academy__is_central_team", "academy__name", "last_name", "first_name")
    )


def staff_import_context(
    *, trust: Trust, emails: Iterable[str], may_move_guarded_sign_ins: bool = True
) -> ImportContext:
    """A plain snapshot of the trust for ``imports.validate_staff_rows`` (four queries)."""
    academies: dict[str, int] = {}
    central_team_id: int | None = None
    for pk, name, urn, is_central in Academy.objects.filter(trust=trust).values_list(
        "pk", "name", "urn", "is_central_team"
    ):
        academies[academy_key(name)] = pk
        if urn.strip():
            academies.setdefault(academy_key(urn), pk)
        if is_central:
            central_team_id = pk
    guarded = set(
        RoleAssignment.objects.filter(
            trust=trust, role__in=permissions.GUARDED_ROLES, revoked_at=None
        )
        .exclude(expires_at__lte=timezone.now())
        .values_list("user_id", flat=True)
    )
    existing = {
        staff_number_key(number): ExistingStaff(
            id=pk,
            staff_number=number,
            email=email.lower(),
            full_name=f"{first} {last}".strip(),
            line_manager_number=manager_number,
            has_account=user_id is not None,
            sign_in_guarded=user_id in guarded,
        )
        for pk, number, email, first, last, manager_number, user_id in StaffMember.objects.filter(
            trust=trust
        ).values_list(
            "pk",
            "staff_number",
            "email",
            "first_name",
            "last_name",
            "line_manager__staff_number",
            "user_id",
        )
    }
    user_model: type[User] = get_user_model()  # type: ignore[assignment]
    accounts: dict[str, Account] = {}
    holders = user_model.objects.filter(email__in=list({e.lower() for e in emails if e}))
    for user in holders.select_related("staff_member"):
        if user.trust_id != trust.pk:
            # Nothing about another trust's account goes further than "it is there".
            accounts[user.email] = Account(in_trust=False)
            continue
        staff = getattr(user, "staff_member", None)
        accounts[user.email] = Account(
            in_trust=True,
            staff_number=staff.staff_number if staff is not None else None,
            adoption_refusal=(
                None if staff is not None else account_adoption_refusal(user=user, staff=None)
            ),
        )
    return ImportContext(
        academies=academies,
        existing_staff=existing,
        accounts=accounts,
        central_team_id=central_team_id,
        may_move_guarded_sign_ins=may_move_guarded_sign_ins,
    )


def account_adoption_refusal(*, user: User, staff: StaffMember | None) -> str | None:
    """Why the existing account ``user`` may not become ``staff``'s sign-in, or None.

    A staff record only ever takes an account made for it, or one that is as good as new:
    an account of the same trust that is no one's staff record, is open, and has never been
    used (never signed in, no password, no authenticator, no Microsoft or Google link), such
    as a governor account the trust made for the same person. Linking that is no different
    from making a new one. Anything else belongs to someone already (a governor who added
    this address to their own account, say), and adopting it would hand them the record.
    Call only for accounts of the staff member's own trust.
    """
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    email = user.email
    other_staff = StaffMember.objects.filter(user=user)
    if staff is not None and staff.pk is not None:
        other_staff = other_staff.exclude(pk=staff.pk)
    if other_staff.exists():
        return f"The email address {email} is the sign-in of another member of staff."
    used = (
        not user.is_active
        or user.last_login is not None
        or user.has_usable_password()
        or Authenticator.objects.filter(user=user).exists()
        or SocialAccount.objects.filter(user=user).exists()
    )
    if used:
        return (
            f"{email} is already the sign-in of an account in this trust that is not on the "
            "staff list (a governor's, for example) and has been used, so it cannot become "
            "this member of staff's sign-in. Use the person's own work address."
        )
    return None
