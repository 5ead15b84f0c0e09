"""Who may do what with objectives, conversations, development plans, meetings, wellbeing
notes, improvement priorities and shared objectives.

Everything under a cycle follows the cycle's own policy (``cycles.permissions.can``):
``edit`` is the reviewer's work (and the academy's appraisal leads'), ``comment`` is the
member of staff's own part. On top of that:

- wellbeing notes are read only by the member of staff (all of theirs) and by a note's
  writer (their own; the reviewer reads them all where the policy lets the notes inform
  the appraisal); written only by the member of staff or their reviewer (the people in
  the conversation), never by a headteacher, HR or anyone else who can read the cycle;
- the headteacher (the executive headteacher for central staff) decides objectives when
  reviewer and member of staff cannot agree, where the policy says so (staploe);
- improvement priorities: the trust administrator and HR manage them all; a headteacher
  manages their own academy's;
- shared objectives: the trust administrator, HR, an academy's appraisal leads, and
  reviewers at that academy create them; each assignment needs ``edit`` on that cycle.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from cycles.models import AppraisalCycle, CycleState
from cycles.permissions import (
    ACADEMY_LEADS,
    CycleAccess,
    CycleAction,
    can,
    get_child_for_user,
    refused,
)
from organisation.models import Academy, Role
from organisation.principal import Principal
from policies.schema import Decider

from .models import ImprovementPriority, Meeting, Objective, SharedObjective, WellbeingNote

# A closed year is over and a suspended one is paused: nothing under it changes.
FROZEN_STATES = frozenset({CycleState.CLOSED, CycleState.SUSPENDED})


def is_appraisee(principal: Principal, cycle: AppraisalCycle) -> bool:
    return principal.staff is not None and cycle.appraisee_id == principal.staff.pk


def is_reviewer(principal: Principal, cycle: AppraisalCycle) -> bool:
    return principal.staff is not None and cycle.reviewer_id == principal.staff.pk


def can_edit(principal: Principal, cycle: AppraisalCycle) -> bool:
    return can(principal, CycleAction.EDIT, cycle)


def can_comment(principal: Principal, cycle: AppraisalCycle) -> bool:
    return can(principal, CycleAction.COMMENT, cycle)


def can_contribute(principal: Principal, cycle: AppraisalCycle) -> bool:
    """The reviewer's side or the member of staff's own side."""
    return can_edit(principal, cycle) or can_comment(principal, cycle)


def can_determine_objectives(principal: Principal, cycle: AppraisalCycle) -> bool:
    """May decide the objectives when the two sides cannot agree (staploe, Setting
    Objectives: the headteacher; for central staff the executive headteacher)."""
    if not principal.is_authenticated or cycle.trust_id != principal.trust_id:
        return False
    if is_appraisee(principal, cycle) or cycle.is_headteacher_cycle:
        return False
    decider = cycle.policy_version.rules.objectives.disagreement_decided_by
    if decider != Decider.HEADTEACHER:
        return False
    if cycle.academy.is_central_team:
        return principal.is_executive
    return cycle.academy_id in principal.academies_with(Role.HEADTEACHER)


# ----- Wellbeing notes -----------------------------------------------------------------


def may_write_wellbeing_notes(principal: Principal, cycle: AppraisalCycle) -> bool:
    """The people in the conversation: the member of staff and their reviewer (for a
    headteacher, whoever holds the review-committee grant on the cycle)."""
    if not principal.is_authenticated or cycle.trust_id != principal.trust_id:
        return False
    if is_appraisee(principal, cycle) or is_reviewer(principal, cycle):
        return True
    return cycle.is_headteacher_cycle and can_edit(principal, cycle)


def readable_wellbeing_notes(
    principal: Principal, cycle: AppraisalCycle
) -> QuerySet[WellbeingNote]:
    """The notes on ``cycle`` this person may read: every note for the member of staff,
    only their own for a writer, none for anyone else (HR, headteacher, line managers).

    Where the policy lets wellbeing notes inform the appraisal
    (``wellbeing.never_used_for_performance`` off), the reviewer reads every note too: the
    member of staff consented to that, the page told them so."""
    notes = WellbeingNote.objects.filter(trust_id=principal.trust_id or 0, cycle_id=cycle.pk)
    if is_appraisee(principal, cycle):
        return notes
    if principal.user_id is not None and may_write_wellbeing_notes(principal, cycle):
        if not cycle.policy_version.rules.wellbeing.never_used_for_performance:
            return notes
        return notes.filter(written_by_id=principal.user_id)
    return notes.none()


# ----- Improvement priorities ----------------------------------------------------------


def can_manage_priorities(principal: Principal, academy_id: int | None) -> bool:
    """Trust-wide priorities: trust administrator and HR. An academy's: those, and its
    headteacher."""
    if not principal.is_authenticated:
        return False
    if principal.is_trust_admin or principal.is_hr:
        return True
    return academy_id is not None and academy_id in principal.academies_with(Role.HEADTEACHER)


def manageable_academies(principal: Principal) -> QuerySet[Academy]:
    academies = Academy.objects.filter(trust_id=principal.trust_id or 0)
    if principal.is_trust_admin or principal.is_hr:
        return academies
    return academies.filter(pk__in=principal.academies_with(Role.HEADTEACHER))


def may_open_priorities(principal: Principal) -> bool:
    return principal.is_authenticated and (
        principal.is_trust_admin
        or principal.is_hr
        or bool(principal.academies_with(Role.HEADTEACHER))
    )


def get_priority_for_user(
    principal: Principal, pk: int, *, request: HttpRequest | None
) -> ImprovementPriority:
    """A priority this person may manage; 404 otherwise (another trust's, or another
    academy's, is not theirs to see here), logged like every refused look-up."""
    if not principal.is_authenticated:
        raise refused(request, ImprovementPriority, pk, "No such priority.")
    priority = (
        ImprovementPriority.objects.select_related("academy")
        .filter(trust_id=principal.trust_id or 0, pk=pk)
        .first()
    )
    if priority is None or not can_manage_priorities(principal, priority.academy_id):
        raise refused(request, ImprovementPriority, pk, "No such priority.")
    return priority


# ----- Shared objectives ---------------------------------------------------------------


def _reviews_at(principal: Principal, academy_id: int) -> bool:
    return (
        principal.staff is not None
        and AppraisalCycle.objects.filter(
            trust_id=principal.trust_id or 0, reviewer_id=principal.staff.pk, academy_id=academy_id
        ).exists()
    )


def can_create_shared(principal: Principal, academy_id: int | None) -> bool:
    if not principal.is_authenticated:
        return False
    if principal.is_trust_admin or principal.is_hr:
        return True
    if academy_id is None:
        return False
    return academy_id in principal.academies_with(*ACADEMY_LEADS) or _reviews_at(
        principal, academy_id
    )


def shared_objective_academies(principal: Principal) -> QuerySet[Academy]:
    """Academies this person may create a shared objective for."""
    academies = Academy.objects.filter(trust_id=principal.trust_id or 0)
    if principal.is_trust_admin or principal.is_hr:
        return academies
    reviewed = (
        AppraisalCycle.objects.filter(
            trust_id=principal.trust_id or 0, reviewer_id=principal.staff.pk
        ).values("academy_id")
        if principal.staff is not None
        else AppraisalCycle.objects.none().values("academy_id")
    )
    return academies.filter(Q(pk__in=principal.academies_with(*ACADEMY_LEADS)) | Q(pk__in=reviewed))


def may_open_shared(principal: Principal) -> bool:
    return principal.is_authenticated and shared_objective_academies(principal).exists()


def visible_shared_objectives(principal: Principal) -> QuerySet[SharedObjective]:
    """Shared objectives this person may see and give to the people they review: those of
    the academies they lead or review at, the trust-wide ones, and their own."""
    if not principal.is_authenticated:
        return SharedObjective.objects.none()
    shared = SharedObjective.objects.filter(trust_id=principal.trust_id or 0)
    if principal.is_trust_admin or principal.is_hr:
        return shared
    academies = list(shared_objective_academies(principal).values_list("pk", flat=True))
    cond = Q(created_by_id=principal.user_id)
    if academies:
        cond |= Q(academy_id__in=academies) | Q(academy__isnull=True)
    return shared.filter(cond)


def get_shared_objective_for_user(
    principal: Principal, pk: int, *, request: HttpRequest | None
) -> SharedObjective:
    try:
        return visible_shared_objectives(principal).select_related("academy", "priority").get(pk=pk)
    except SharedObjective.DoesNotExist:
        raise refused(request, SharedObjective, pk, "No such shared objective.") from None


# ----- Records under a cycle -----------------------------------------------------------
# One fetch per kind, shared by every view: the cycle through ``get_cycle_for_user``, then
# the record among that cycle's own (``cycles.permissions.get_child_for_user``).


def get_objective_for_user(
    principal: Principal,
    cycle_id: int,
    pk: int,
    *,
    request: HttpRequest | None,
    cycle_queryset: QuerySet[AppraisalCycle] | None = None,
) -> tuple[Objective, CycleAccess]:
    # Imported here: the selectors read this module's rules, so the import runs one way.
    from .selectors import objectives_for_cycle

    return get_child_for_user(
        principal,
        cycle_id,
        pk,
        request=request,
        rows=objectives_for_cycle,
        message="No such objective.",
        cycle_queryset=cycle_queryset,
    )


def get_meeting_for_user(
    principal: Principal,
    cycle_id: int,
    pk: int,
    *,
    request: HttpRequest | None,
    cycle_queryset: QuerySet[AppraisalCycle] | None = None,
) -> tuple[Meeting, CycleAccess]:
    return get_child_for_user(
        principal,
        cycle_id,
        pk,
        request=request,
        rows=lambda cycle: Meeting.objects.all(),
        message="No such meeting.",
        cycle_queryset=cycle_queryset,
    )


def get_wellbeing_note_for_user(
    principal: Principal,
    cycle_id: int,
    pk: int,
    *,
    request: HttpRequest | None,
    cycle_queryset: QuerySet[AppraisalCycle] | None = None,
) -> tuple[WellbeingNote, CycleAccess]:
    """A note this person may read (``readable_wellbeing_notes``): anyone else, even one
    who reads the cycle, gets the same 404 as for a note that does not exist."""
    return get_child_for_user(
        principal,
        cycle_id,
        pk,
        request=request,
        rows=lambda cycle: readable_wellbeing_notes(principal, cycle),
        message="No such note.",
        cycle_queryset=cycle_queryset,
    )


def may_read_headteacher_commitments(principal: Principal, cycle: AppraisalCycle) -> bool:
    """aspire §6.2: the headteacher's professional development commitments (the growth
    areas and CPD of each conversation held, the agreed development plan's needs) are
    shared with the academy's local governing body where the pinned policy says so
    (``confidentiality.headteacher_commitments_shared_with_governors``). Only those: the
    rest of the record stays with the review committee."""
    if not principal.is_authenticated or cycle.trust_id != principal.trust_id:
        return False
    if not cycle.is_headteacher_cycle or is_appraisee(principal, cycle):
        return False
    if cycle.academy_id not in principal.academies_with(Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS):
        return False
    rules = cycle.policy_version.rules
    return bool(rules.confidentiality.headteacher_commitments_shared_with_governors)
