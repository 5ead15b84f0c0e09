"""Who may see and act on an appraisal cycle (and everything recorded under it).

One place answers three questions, in the style of a permission policy:
- ``visible_cycles(principal)``: which cycles may this person see (a queryset, used by every
  list, export, PDF and task, so a row that is not visible is never loaded);
- ``can(principal, action, cycle)``: may this person do ``action`` to this cycle;
- ``get_cycle_for_user(principal, pk, request=...)``: the cycle and what this person may do to
  it (``CycleAccess``), or 404 whether it is missing or not theirs; a refusal of a cycle that
  exists is written to the security log. Every view of every app fetches cycles through it,
  and the child records under a cycle through the ``get_<kind>_for_user`` helpers of the app
  that owns them, built on it (``refused`` logs a child's refusal the same way).

Relationships (appraisee, reviewer, reviewer's line managers) are computed from foreign keys
and the line-management closure table; headteacher / delegate / HR access comes from the roles
held on the Academy or Trust; per-cycle exceptions (external adviser, review committee member)
are guardian rows on the cycle with an expiry.

Reading a record follows the pinned policy's ``confidentiality.readers``: each role the list
names (``Reader``) reads the cycles of its relationship only under policy versions that list
it. Running the process is apart from reading it: HR and an academy's headteacher and
delegated lead administer their cycles (``administered_cycles``: the stage, dates, reviewer,
opening, suspending, closing and exceptional access) whatever the list says, and see what
they administer without its content when the list leaves them out (classic §1.8: HR is not
among those who see "performance management information and documentation").
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from organisation.access_log import refused
from organisation.models import LineManagementPath, Role, RoleAssignment
from organisation.principal import Principal
from policies.models import PolicyVersion
from policies.schema import (
    AdviserUse,
    HeadteacherAppraiser,
    HeadteacherSettings,
    PolicySettings,
    Reader,
)

from . import committee as committee_rules
from .models import AppraisalCycle, CycleAccessGrant, CycleUserObjectPermission


class CycleAction(enum.StrEnum):
    VIEW = "view"
    EDIT = "edit"  # the reviewer's work: objectives, observations, review
    COMMENT = "comment"  # the appraisee's part: comments, evidence, acknowledgement
    MANAGE = "manage"  # open, suspend, close; moderate; grant exceptional access


ACADEMY_LEADS = (Role.HEADTEACHER, Role.APPRAISAL_DELEGATE)


def policy_lists(rules: PolicySettings, reader: Reader) -> bool:
    """Whether the policy names ``reader`` among those who read a person's record
    (``confidentiality.readers``). A role the list leaves out does not read the record."""
    return reader in rules.confidentiality.readers


def _lists(cycle: AppraisalCycle, reader: Reader) -> bool:
    return policy_lists(cycle.policy_version.rules, reader)


def ceo_reads_headteacher(rules: PolicySettings) -> bool:
    # aspire §5.1 (the CEO with the governing body), leger §7 (committee includes the CEO).
    # Typed settings only: the committee list is wording, never searched for a title.
    return (
        rules.headteacher.appraised_by
        in {
            HeadteacherAppraiser.CEO,
            HeadteacherAppraiser.GOVERNING_BODY_WITH_CEO,
        }
        or rules.headteacher.ceo_on_committee
    )


# The two kinds of single-cycle grant. Both exist only for the headteacher's own appraisal
# (classic §3.1-3.2, leger §7: the governors' review committee, with an external adviser).
ADVISER_GRANT = "view_cycle_as_adviser"
COMMITTEE_GRANT = "review_headteacher_cycle"


_CEO = "ceo"  # the key, beside each Reader, of the versions where the CEO reads the head's


def _reader_versions(principal: Principal) -> dict[str, list[int]]:
    """For each reader (and the CEO rule), the ids of the trust's policy versions under
    which that reader reads: worked out once per principal (one query for a request's
    pages and lists) and kept on it, so lists filter in SQL and stay flat."""
    cached: dict[str, list[int]] | None = getattr(principal, "_reader_versions", None)
    if cached is not None:
        return cached
    found: dict[str, list[int]] = {reader.value: [] for reader in Reader}
    found[_CEO] = []
    for version in PolicyVersion.objects.filter(policy__trust_id=principal.trust_id or 0).only(
        "pk", "settings"
    ):
        rules = version.rules
        for reader in Reader:
            if policy_lists(rules, reader):
                found[reader.value].append(version.pk)
        if ceo_reads_headteacher(rules):
            found[_CEO].append(version.pk)
    # Principal is a frozen dataclass: the cache is a private attribute beside its fields.
    object.__setattr__(principal, "_reader_versions", found)
    return found


GOVERNING_ROLES = (Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS)


def _governs(principal: Principal) -> bool:
    return Role.TRUSTEE in principal.trust_roles or bool(principal.academies_with(*GOVERNING_ROLES))


def _grant_ids(principal: Principal) -> QuerySet[CycleUserObjectPermission, Any]:
    now = timezone.now()
    rows = CycleUserObjectPermission.objects.filter(
        user_id=principal.user_id or 0,
        grant__expires_at__gt=now,
        grant__revoked_at__isnull=True,
        # A grant on any other cycle (one made before these rules, or written around
        # ``cycle_grant_access``) opens nothing.
        content_object__is_headteacher_cycle=True,
    )
    if _governs(principal):
        # Governors read a named record only as a member of the headteacher's committee.
        rows = rows.filter(permission__codename=COMMITTEE_GRANT)
    return rows.values("content_object_id")


def visible_cycles(principal: Principal) -> QuerySet[AppraisalCycle]:
    """Every cycle whose record this person reads, scoped to their trust first: each
    relationship or role counts only under policy versions whose ``confidentiality.readers``
    list it; the headteacher's committee, adviser and CEO follow the headteacher section."""
    if not principal.is_authenticated or principal.trust_id is None:
        return AppraisalCycle.objects.none()
    cycles = AppraisalCycle.objects.filter(trust_id=principal.trust_id)
    versions = _reader_versions(principal)

    def listing(reader: Reader) -> Q:
        return Q(policy_version_id__in=versions[reader.value])

    cond = Q(pk__in=_grant_ids(principal))
    if principal.is_hr:
        cond |= listing(Reader.TRUST_STAFF)
    staff = principal.staff
    if staff is not None:
        cond |= Q(appraisee_id=staff.pk) & listing(Reader.REVIEWEE)
        cond |= Q(reviewer_id=staff.pk) & listing(Reader.REVIEWER)
        above_reviewer = LineManagementPath.objects.filter(
            manager_id=staff.pk, depth__gte=1
        ).values("report_id")
        cond |= Q(reviewer_id__in=above_reviewer) & listing(Reader.REVIEWER_LINE_MANAGERS)
    # Not the headteacher's own appraisal: that belongs to the governors' committee.
    for role, reader in _ACADEMY_READERS:
        academies = principal.academies_with(role)
        if academies:
            cond |= Q(academy_id__in=academies, is_headteacher_cycle=False) & listing(reader)
    if principal.is_executive:
        cond |= Q(is_headteacher_cycle=True, policy_version_id__in=versions[_CEO])
    return cycles.filter(cond)


# The roles held on an academy that read its records where the policy lists them.
_ACADEMY_READERS = (
    (Role.HEADTEACHER, Reader.HEADTEACHER),
    (Role.APPRAISAL_DELEGATE, Reader.APPRAISAL_DELEGATE),
)


def administered_cycles(principal: Principal) -> QuerySet[AppraisalCycle]:
    """Every cycle this person runs the process for, whether or not the policy lets them
    read its record: HR every cycle of the trust, an academy's headteacher and delegated
    lead those of their academy (not the headteacher's own). They see its stage, dates and
    people, and open, suspend, close, change the reviewer and grant access; its content
    (objectives, reviews, evidence, notes, statements) only through ``visible_cycles``."""
    if not principal.is_authenticated or principal.trust_id is None:
        return AppraisalCycle.objects.none()
    cycles = AppraisalCycle.objects.filter(trust_id=principal.trust_id)
    if principal.is_hr:
        return cycles
    academies = principal.academies_with(*ACADEMY_LEADS)
    if not academies:
        return cycles.none()
    return cycles.filter(academy_id__in=academies, is_headteacher_cycle=False)


def listed_cycles(principal: Principal) -> QuerySet[AppraisalCycle]:
    """The cycles a list of an academy's appraisals shows this person: those they read and
    those they administer."""
    return AppraisalCycle.objects.filter(
        Q(pk__in=visible_cycles(principal).values("pk"))
        | Q(pk__in=administered_cycles(principal).values("pk"))
    )


def _is_reviewer(principal: Principal, cycle: AppraisalCycle) -> bool:
    return principal.staff is not None and cycle.reviewer_id == principal.staff.pk


def _is_appraisee(principal: Principal, cycle: AppraisalCycle) -> bool:
    return principal.staff is not None and cycle.appraisee_id == principal.staff.pk


def _leads_academy(principal: Principal, cycle: AppraisalCycle) -> bool:
    return not cycle.is_headteacher_cycle and cycle.academy_id in principal.academies_with(
        *ACADEMY_LEADS
    )


def _lead_reads(principal: Principal, cycle: AppraisalCycle) -> bool:
    """An academy lead whose role the pinned policy lists among the readers."""
    if cycle.is_headteacher_cycle:
        return False
    return any(
        cycle.academy_id in principal.academies_with(role) and _lists(cycle, reader)
        for role, reader in _ACADEMY_READERS
    )


def _has_grant(principal: Principal, cycle: AppraisalCycle, codename: str) -> bool:
    return CycleUserObjectPermission.objects.filter(
        user_id=principal.user_id or 0,
        content_object_id=cycle.pk,
        permission__codename=codename,
        grant__expires_at__gt=timezone.now(),
        grant__revoked_at__isnull=True,
    ).exists()


def can(principal: Principal, action: str, cycle: AppraisalCycle) -> bool:
    """May ``principal`` do ``action`` to ``cycle``? Assumes nothing about visibility."""
    if not principal.is_authenticated or cycle.trust_id != principal.trust_id:
        return False
    action = CycleAction(action)
    if action is CycleAction.VIEW:
        return visible_cycles(principal).filter(pk=cycle.pk).exists()
    if action is CycleAction.COMMENT:
        return _is_appraisee(principal, cycle) and _lists(cycle, Reader.REVIEWEE)
    if action is CycleAction.EDIT:
        if _is_appraisee(principal, cycle):
            return False  # nobody reviews themself, whatever else they are
        # The reviewer's work is on the record's content: only for those who read it.
        return (
            (_is_reviewer(principal, cycle) and _lists(cycle, Reader.REVIEWER))
            or _lead_reads(principal, cycle)
            or (
                cycle.is_headteacher_cycle
                and _has_grant(principal, cycle, "review_headteacher_cycle")
            )
        )
    if action is CycleAction.MANAGE:
        if _is_appraisee(principal, cycle):
            return False
        return principal.is_hr or _leads_academy(principal, cycle)
    return False


class CycleAccess:
    """What one person may do to one cycle they may see (healthchecks' access level, as
    returned by ``_get_check_for_user``): worked out from ``can`` once per action and kept
    for the rest of the request. ``view`` (reading the record) is true by construction
    unless the cycle was fetched for administration (``administering=True``), where it is
    whatever ``can`` answers: HR may run a cycle whose record the policy keeps from them."""

    __slots__ = ("_answers", "cycle", "principal")

    def __init__(self, principal: Principal, cycle: AppraisalCycle, *, reads: bool = True) -> None:
        self.principal = principal
        self.cycle = cycle
        self._answers: dict[CycleAction, bool] = {CycleAction.VIEW: True} if reads else {}

    def allows(self, action: str) -> bool:
        action = CycleAction(action)
        if action not in self._answers:
            self._answers[action] = can(self.principal, action, self.cycle)
        return self._answers[action]

    def require(self, action: str, message: str) -> None:
        """403 for a person who may see the cycle but not do ``action`` to it."""
        if not self.allows(action):
            raise PermissionDenied(message)

    @property
    def reads(self) -> bool:
        """Whether this person reads the record's content (the policy lists them)."""
        return self.allows(CycleAction.VIEW)

    @property
    def can_edit(self) -> bool:
        return self.allows(CycleAction.EDIT)

    @property
    def can_comment(self) -> bool:
        return self.allows(CycleAction.COMMENT)

    @property
    def can_manage(self) -> bool:
        return self.allows(CycleAction.MANAGE)


def get_cycle_for_user(
    principal: Principal,
    pk: int,
    *,
    request: HttpRequest | None,
    queryset: QuerySet[AppraisalCycle] | None = None,
    administering: bool = False,
) -> tuple[AppraisalCycle, CycleAccess]:
    """The cycle if ``principal`` may see it, with what they may do to it; otherwise 404,
    the same as if it did not exist (and, for one that exists, a security event).

    ``administering`` is for the cycle's own pages (its stage, reviewer, access), which
    also open to whoever administers it without reading it (``administered_cycles``); the
    access level then says whether they read it. Every page of a record's content leaves
    it False.

    ``request`` is required so a view cannot forget to log; pass None only where there is
    no request."""
    base = queryset if queryset is not None else AppraisalCycle.objects.all()
    allowed = listed_cycles(principal) if administering else visible_cycles(principal)
    try:
        cycle = base.filter(pk__in=allowed.values("pk")).get(pk=pk)
    except AppraisalCycle.DoesNotExist:
        raise refused(request, AppraisalCycle, pk, "No such appraisal record.") from None
    return cycle, CycleAccess(principal, cycle, reads=not administering)


_Child = TypeVar("_Child", bound=Model)


def get_child_for_user(
    principal: Principal,
    cycle_id: int,
    pk: int,
    *,
    request: HttpRequest | None,
    rows: Callable[[AppraisalCycle], QuerySet[_Child]],
    message: str,
    cycle_queryset: QuerySet[AppraisalCycle] | None = None,
) -> tuple[_Child, CycleAccess]:
    """A record kept under a cycle (an objective, an observation, a piece of evidence...):
    the cycle through ``get_cycle_for_user``, then the record among ``rows(cycle)``, that
    cycle's rows of its kind. 404 for an id of another cycle or trust, logged as a refusal
    when the record exists, exactly like a cycle. The record comes back with the fetched
    cycle attached, so the page reads the cycle's relations without another query."""
    cycle, access = get_cycle_for_user(
        principal, cycle_id, request=request, queryset=cycle_queryset
    )
    # Filtered by the cycle here as well, so a ``rows`` that forgot to is still safe.
    queryset = rows(cycle).filter(trust_id=cycle.trust_id, cycle_id=cycle.pk)
    child = queryset.filter(pk=pk).first()
    if child is None:
        raise refused(request, queryset.model, pk, message)
    child.cycle = cycle  # type: ignore[attr-defined]
    return child, access


# ----- Acting on cycles ------------------------------------------------------------------


def may_open_cycles(principal: Principal, academy_id: int | None) -> bool:
    """Open a year's cycles: HR for any academy or the whole trust (``academy_id`` None);
    an academy's headteacher or delegated appraisal lead for that academy only."""
    if not principal.is_authenticated:
        return False
    if principal.is_hr:
        return True
    return academy_id is not None and academy_id in principal.academies_with(*ACADEMY_LEADS)


def academies_for_opening(principal: Principal) -> frozenset[int] | None:
    """Academies this person may open cycles for; None means every academy of the trust."""
    if principal.is_hr:
        return None
    return principal.academies_with(*ACADEMY_LEADS)


def may_move_as_reviewer(principal: Principal, cycle: AppraisalCycle) -> bool:
    """The reviewer's own moves (start the year, begin the review): the reviewer, the
    academy's leads, a member of the headteacher's review committee, or whoever manages."""
    return can(principal, CycleAction.EDIT, cycle) or can(principal, CycleAction.MANAGE, cycle)


def may_set_first_period(principal: Principal, cycle: AppraisalCycle) -> bool:
    """aspire §4.3: the headteacher sets a part-year starter's first cycle (the CEO for a
    headteacher); HR acts for either."""
    if not principal.is_authenticated or cycle.trust_id != principal.trust_id:
        return False
    if _is_appraisee(principal, cycle):
        return False
    if principal.is_hr:
        return True
    if cycle.is_headteacher_cycle:
        return principal.is_executive
    return cycle.academy_id in principal.academies_with(Role.HEADTEACHER)


def adviser_offered(headteacher: HeadteacherSettings) -> bool:
    """Whether the policy has an external adviser support the headteacher's review
    (``headteacher.external_adviser``): with none, no adviser access is offered."""
    return headteacher.external_adviser is not AdviserUse.NONE


def committee_members_with_access(
    cycle: AppraisalCycle, *, excluding_user_id: int | None = None
) -> int:
    """How many people hold open review-committee access to ``cycle``."""
    rows = CycleAccessGrant.objects.filter(
        cycle=cycle,
        permission=COMMITTEE_GRANT,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if excluding_user_id is not None:
        rows = rows.exclude(user_id=excluding_user_id)
    return rows.values("user_id").distinct().count()


def access_grant_refusal(*, cycle: AppraisalCycle, user: Any, permission: str) -> str | None:
    """Why ``user`` may not be given ``permission`` on ``cycle`` (a sentence for the form),
    or None when the grant keeps the promises of docs/access.md: both kinds are for the
    headteacher's own appraisal only; the committee is the academy's governors (or the
    trust's trustees, or the CEO where the policy puts the CEO on it), no more of them than
    the policy's ``headteacher.committee_size``; an adviser only where the policy has one
    (``headteacher.external_adviser``); a governor is never the adviser; and nobody the
    headteacher manages reads the headteacher's appraisal."""
    from .services import GRANT_PERMISSIONS  # services imports this module

    if permission not in GRANT_PERMISSIONS:
        return "Choose what the person may do with this record."
    from organisation.principal import principal_for

    name = user.get_full_name() or user.email
    if user.pk == getattr(cycle.appraisee, "user_id", None):
        return "This is the member of staff's own account."
    if not cycle.is_headteacher_cycle:
        if permission == ADVISER_GRANT:
            return (
                "An external adviser supports the governors' review of the headteacher: "
                "they can only be given a headteacher's own appraisal, not this one."
            )
        return (
            "The review committee reviews the headteacher: membership can only be given "
            "on a headteacher's own appraisal, not this one."
        )
    headteacher = cycle.policy_version.rules.headteacher
    if permission == ADVISER_GRANT and not adviser_offered(headteacher):
        return (
            "The policy in force says no external adviser supports the headteacher's "
            "review, so nobody can be given adviser access."
        )
    if permission == COMMITTEE_GRANT:
        seats = headteacher.committee_size
        members = committee_members_with_access(cycle, excluding_user_id=user.pk)
        if members >= seats:
            return (
                f"The policy's review committee has {seats} "
                f"member{'s' if seats != 1 else ''}, and {members} already "
                f"{'have' if members != 1 else 'has'} access to this appraisal: withdraw "
                "one before giving another."
            )
        if not is_ceo_cycle(cycle):
            current = [
                member_facts(cycle, grant.user)
                for grant in open_committee_grants(cycle).exclude(user_id=user.pk)
            ]
            kept = committee_rules.seat_refusal(headteacher, current, member_facts(cycle, user))
            if kept is not None:
                return kept
    principal = principal_for(user)
    if principal.trust_id != cycle.trust_id:
        return "Access can only be granted to an account of the same trust."
    if principal.staff is not None and principal.staff.academy_id == cycle.academy_id:
        return (
            f"{name} works at {cycle.academy}, where the headteacher is their manager: "
            "they cannot see the headteacher's appraisal."
        )
    if permission == ADVISER_GRANT:
        if _governs(principal):
            return (
                f"{name} is a governor or trustee: governors see the headteacher's appraisal "
                "as members of the review committee, never as its external adviser."
            )
        return None
    if Role.TRUSTEE in principal.trust_roles:
        return None
    if is_ceo_cycle(cycle):
        return (
            f"The CEO is appraised by {headteacher.ceo_appraised_by.lower()}: only the "
            f"trust's trustees sit on the CEO's review committee, and {name} is not one."
        )
    if cycle.academy_id in principal.academies_with(*GOVERNING_ROLES):
        return None
    if principal.is_executive and ceo_reads_headteacher(cycle.policy_version.rules):
        return None
    return (
        f"Only governors of {cycle.academy} (or the trust's trustees) sit on the "
        f"headteacher's review committee, and {name} is not one."
    )


def is_ceo_cycle(cycle: AppraisalCycle) -> bool:
    """The CEO's own appraisal: a leader's cycle (reviewed by a committee, not a line
    manager) of someone holding the executive role, appraised by the trust's board."""
    if not cycle.is_headteacher_cycle:
        return False
    user_id = cycle.appraisee.user_id
    if user_id is None:
        return False
    return (
        RoleAssignment.objects.active()
        .filter(user_id=user_id, trust_id=cycle.trust_id, role=Role.EXECUTIVE)
        .exists()
    )


def open_committee_grants(cycle: AppraisalCycle) -> QuerySet[CycleAccessGrant]:
    return CycleAccessGrant.objects.filter(
        cycle=cycle,
        permission=COMMITTEE_GRANT,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("user")


def member_facts(cycle: AppraisalCycle, user: Any) -> committee_rules.MemberFacts:
    """What the committee rules need to know about ``user`` on ``cycle``'s committee."""
    from organisation.principal import principal_for

    principal = principal_for(user)
    same_trust = principal.trust_id == cycle.trust_id
    return committee_rules.MemberFacts(
        name=user.get_full_name() or user.email,
        is_chair=same_trust
        and cycle.academy_id in principal.academies_with(Role.CHAIR_OF_GOVERNORS),
        is_governor=same_trust and cycle.academy_id in principal.academies_with(*GOVERNING_ROLES),
        is_trustee=same_trust and Role.TRUSTEE in principal.trust_roles,
        is_ceo=same_trust and principal.is_executive,
    )


def committee_cycles(principal: Principal) -> QuerySet[AppraisalCycle]:
    """The leaders' cycles whose review committee this person sets up: HR every one of
    the trust; the chair of governors their academy's headteacher's (classic §3.2)."""
    if not principal.is_authenticated or principal.trust_id is None:
        return AppraisalCycle.objects.none()
    cycles = AppraisalCycle.objects.filter(trust_id=principal.trust_id, is_headteacher_cycle=True)
    if principal.staff is not None:
        cycles = cycles.exclude(appraisee_id=principal.staff.pk)
    if principal.is_hr:
        return cycles
    chaired = principal.academies_with(Role.CHAIR_OF_GOVERNORS)
    if not chaired:
        return cycles.none()
    return cycles.filter(academy_id__in=chaired)


def may_set_up_committee(principal: Principal, cycle: AppraisalCycle) -> bool:
    """Set up the review committee and appoint the external adviser: HR, or the academy's
    chair of governors for its headteacher (never for the CEO: HR acts for the board)."""
    if not principal.is_authenticated or cycle.trust_id != principal.trust_id:
        return False
    if not cycle.is_headteacher_cycle or _is_appraisee(principal, cycle):
        return False
    if principal.is_hr:
        return True
    return cycle.academy_id in principal.academies_with(
        Role.CHAIR_OF_GOVERNORS
    ) and not is_ceo_cycle(cycle)


def get_committee_cycle_for_user(
    principal: Principal, pk: int, *, request: HttpRequest | None
) -> AppraisalCycle:
    """A leader's cycle whose committee ``principal`` sets up, or 404 (logged), as for
    any cycle they may not see."""
    cycle = (
        committee_cycles(principal)
        .select_related("appraisee__user", "academy", "policy_version")
        .filter(pk=pk)
        .first()
    )
    if cycle is None or not may_set_up_committee(principal, cycle):
        raise refused(request, AppraisalCycle, pk, "No such appraisal record.")
    return cycle


def may_grant_access(principal: Principal, cycle: AppraisalCycle) -> bool:
    """Exceptional access (an external adviser, a review committee member): HR, or the
    academy's headteacher; for the headteacher's own cycle, HR or the executive."""
    if not principal.is_authenticated or cycle.trust_id != principal.trust_id:
        return False
    if _is_appraisee(principal, cycle):
        return False
    if principal.is_hr:
        return True
    if cycle.is_headteacher_cycle:
        return principal.is_executive
    return cycle.academy_id in principal.academies_with(Role.HEADTEACHER)


def may_change_reviewer(principal: Principal, cycle: AppraisalCycle) -> bool:
    """Whoever manages the cycle, or the leads of the academy the appraisee has moved to."""
    if can(principal, CycleAction.MANAGE, cycle):
        return True
    if not principal.is_authenticated or cycle.trust_id != principal.trust_id:
        return False
    if _is_appraisee(principal, cycle) or cycle.is_headteacher_cycle:
        return False
    return cycle.appraisee.academy_id in principal.academies_with(*ACADEMY_LEADS)
