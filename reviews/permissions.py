"""Who may do what with observations, evidence, the annual review, the statement and
moderation.

Everything under a cycle follows the cycle's own access policy (``cycles.permissions``):
``edit`` is the reviewer's side (and the academy's appraisal leads'), ``comment`` the member
of staff's own part. This module answers, in one place for views, services and templates:

- ``can(principal, action, obj)``: may this person do ``action`` (a ``ReviewAction``) to this
  cycle, or, for moderation, to this academy;
- ``visible_*(principal)``: which observations, evidence, reviews and moderation samples this
  person may see (querysets scoped to their trust first);
- ``get_<kind>_for_user(principal, ...)``: the record with what the person may do to its
  cycle, or 404 (logged, like every refused look-up) whether it is missing or not theirs.

Moderation (classic §5.8.1): the headteacher or their delegated appraisal lead moderates
their own academy; HR every academy of the trust. That rule is written once, in
``_moderated_academy_ids``; the menus read ``moderates_anywhere``.
"""

from __future__ import annotations

import enum

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from cycles.models import AppraisalCycle
from cycles.permissions import (
    ACADEMY_LEADS,
    CycleAccess,
    CycleAction,
    get_child_for_user,
    get_cycle_for_user,
    refused,
    visible_cycles,
)
from cycles.permissions import can as can_on_cycle
from organisation.models import Academy, Role
from organisation.principal import Principal

from .models import AnnualReview, Evidence, ModerationItem, ModerationSample, Observation

# The cycle pages of this app read the cycle's policy, academy, appraisee and reviewer.
CYCLE_RELATED = ("policy_version__policy", "academy", "appraisee__job_role", "reviewer")


class ReviewAction(enum.StrEnum):
    RECORD_OBSERVATION = "record_observation"  # observations and their feedback
    ADD_EVIDENCE = "add_evidence"
    WRITE_REVIEW = "write_review"  # the review and its draft statement
    COMMENT_ON_REVIEW = "comment_on_review"  # the member of staff's response
    MODERATE = "moderate"  # on an academy, not a cycle


# Which of the cycle's actions allows each of this app's (any one of them suffices), and
# the sentence a refusal shows. Views (403) and services (ReviewError) both read it.
_ON_CYCLE: dict[ReviewAction, tuple[CycleAction, ...]] = {
    ReviewAction.RECORD_OBSERVATION: (CycleAction.EDIT,),
    ReviewAction.ADD_EVIDENCE: (CycleAction.EDIT, CycleAction.COMMENT),
    ReviewAction.WRITE_REVIEW: (CycleAction.EDIT,),
    ReviewAction.COMMENT_ON_REVIEW: (CycleAction.COMMENT,),
}
REFUSALS: dict[ReviewAction, str] = {
    ReviewAction.RECORD_OBSERVATION: (
        "Only the reviewer or the academy's leads record observations."
    ),
    ReviewAction.ADD_EVIDENCE: "Only the member of staff and their reviewer add evidence.",
    ReviewAction.WRITE_REVIEW: "Only the reviewer or the academy's leads write the review.",
    ReviewAction.COMMENT_ON_REVIEW: "Only the member of staff comments on their review.",
    ReviewAction.MODERATE: "Only the academy's headteacher, their delegate or HR moderate.",
}


def _moderated_academy_ids(principal: Principal) -> frozenset[int] | None:
    """The academies this person moderates; None for every academy of their trust (HR)."""
    if not principal.is_authenticated:
        return frozenset()
    if principal.is_hr:
        return None
    return principal.academies_with(*ACADEMY_LEADS)


def may_moderate(principal: Principal, academy: Academy) -> bool:
    if not principal.is_authenticated or academy.trust_id != principal.trust_id:
        return False
    ids = _moderated_academy_ids(principal)
    return ids is None or academy.pk in ids


def moderates_anywhere(principal: Principal | None) -> bool:
    """Whether the moderation pages exist for this person (the menus' flag)."""
    if principal is None:
        return False
    ids = _moderated_academy_ids(principal)
    return ids is None or bool(ids)


def can(principal: Principal, action: str, obj: AppraisalCycle | Academy) -> bool:
    """May ``principal`` do ``action`` to ``obj`` (a cycle; an academy for moderation)?"""
    action = ReviewAction(action)
    if action is ReviewAction.MODERATE:
        return isinstance(obj, Academy) and may_moderate(principal, obj)
    if not isinstance(obj, AppraisalCycle):
        return False
    return any(can_on_cycle(principal, needed, obj) for needed in _ON_CYCLE[action])


def allows(access: CycleAccess, action: str) -> bool:
    """``can`` for a cycle already fetched with ``get_cycle_for_user``, from the answers
    its access level has worked out (no repeated look-ups within a request)."""
    return any(access.allows(needed) for needed in _ON_CYCLE[ReviewAction(action)])


def may_change_evidence(principal: Principal, evidence: Evidence, access: CycleAccess) -> bool:
    """May this person replace or withdraw this piece of evidence? The person who added it
    (while they still add evidence to the cycle), and the reviewer's side (the reviewer,
    the academy's leads). Whether the review still allows it is the service's question."""
    if not allows(access, ReviewAction.ADD_EVIDENCE):
        return False
    return (
        evidence.added_by_id is not None and evidence.added_by_id == principal.user_id
    ) or allows(access, ReviewAction.WRITE_REVIEW)


def can_change_evidence(principal: Principal, evidence: Evidence) -> bool:
    """``may_change_evidence`` for a caller without the cycle's access level at hand."""
    cycle = evidence.cycle
    if not can(principal, ReviewAction.ADD_EVIDENCE, cycle):
        return False
    return (evidence.added_by_id is not None and evidence.added_by_id == principal.user_id) or can(
        principal, ReviewAction.WRITE_REVIEW, cycle
    )


# ----- Which records -------------------------------------------------------------------


def visible_observations(principal: Principal) -> QuerySet[Observation]:
    return Observation.objects.filter(
        trust_id=principal.trust_id or 0, cycle__in=visible_cycles(principal)
    )


def visible_evidence(principal: Principal) -> QuerySet[Evidence]:
    return Evidence.objects.filter(
        trust_id=principal.trust_id or 0, cycle__in=visible_cycles(principal)
    )


def visible_reviews(principal: Principal) -> QuerySet[AnnualReview]:
    return AnnualReview.objects.filter(
        trust_id=principal.trust_id or 0, cycle__in=visible_cycles(principal)
    )


# The headteacher's copy (staploe: a copy of each completed review goes to the academy's
# headteacher to confirm the objectives and support are appropriate). Reading the copy is
# granted by the copy itself: the headteacher of the cycle's academy reads it whatever the
# cycle's other readers are.


def _copy_academy_ids(principal: Principal) -> frozenset[int]:
    if not principal.is_authenticated:
        return frozenset()
    return principal.academies_with(Role.HEADTEACHER)


def receives_headteacher_copies(principal: Principal) -> bool:
    """Whether the reviews-to-read page exists for this person (a headteacher)."""
    return bool(_copy_academy_ids(principal))


def reads_headteacher_copy(principal: Principal, review: AnnualReview) -> bool:
    """May this person read the copy of ``review`` sent to the headteacher?"""
    return (
        review.headteacher_copy_at is not None
        and review.trust_id == principal.trust_id
        and review.cycle.academy_id in _copy_academy_ids(principal)
    )


def visible_headteacher_copies(principal: Principal) -> QuerySet[AnnualReview]:
    """The copies of completed reviews sent to this person as headteacher."""
    ids = _copy_academy_ids(principal)
    if not ids:
        return AnnualReview.objects.none()
    return AnnualReview.objects.filter(
        trust_id=principal.tenant_id,
        headteacher_copy_at__isnull=False,
        cycle__academy_id__in=ids,
    )


def get_headteacher_copy_for_user(
    principal: Principal, cycle_id: int, *, request: HttpRequest | None
) -> AnnualReview:
    """The copy of the cycle's review sent to this headteacher; 404 (logged) otherwise."""
    try:
        return (
            visible_headteacher_copies(principal)
            .select_related(*(f"cycle__{name}" for name in CYCLE_RELATED))
            .prefetch_related("objective_assessments", "standard_assessments__standard")
            .get(cycle_id=cycle_id)
        )
    except AnnualReview.DoesNotExist:
        raise refused(request, AppraisalCycle, cycle_id, "No copy of this review.") from None


def moderation_academies(principal: Principal) -> QuerySet[Academy]:
    """Academies this person may moderate."""
    if not principal.is_authenticated:
        return Academy.objects.none()
    academies = Academy.objects.filter(trust_id=principal.tenant_id)
    ids = _moderated_academy_ids(principal)
    return academies if ids is None else academies.filter(pk__in=ids)


def visible_moderation_samples(principal: Principal) -> QuerySet[ModerationSample]:
    if not principal.is_authenticated:
        return ModerationSample.objects.none()
    return ModerationSample.objects.filter(
        trust_id=principal.tenant_id, academy__in=moderation_academies(principal)
    )


# ----- Fetching one record for this person ---------------------------------------------


def _cycle_queryset() -> QuerySet[AppraisalCycle]:
    return AppraisalCycle.objects.select_related(*CYCLE_RELATED)


def get_review_cycle_for_user(
    principal: Principal, cycle_id: int, *, request: HttpRequest | None
) -> tuple[AppraisalCycle, CycleAccess]:
    """The cycle, with what this app's pages read of it."""
    return get_cycle_for_user(principal, cycle_id, request=request, queryset=_cycle_queryset())


def get_observation_for_user(
    principal: Principal, cycle_id: int, pk: int, *, request: HttpRequest | None
) -> tuple[Observation, CycleAccess]:
    return get_child_for_user(
        principal,
        cycle_id,
        pk,
        request=request,
        rows=lambda cycle: Observation.objects.select_related("observer"),
        message="No such observation.",
        cycle_queryset=_cycle_queryset(),
    )


def get_evidence_for_user(
    principal: Principal,
    cycle_id: int,
    pk: int,
    *,
    request: HttpRequest | None,
    kind: str | None = None,
) -> tuple[Evidence, CycleAccess]:
    """A piece of evidence on the cycle (only of ``kind`` when given: a download is for
    files; asking for a note's download is the same 404 as a missing file)."""

    def rows(cycle: AppraisalCycle) -> QuerySet[Evidence]:
        evidence = Evidence.objects.select_related("added_by")
        return evidence if kind is None else evidence.filter(kind=kind)

    return get_child_for_user(
        principal,
        cycle_id,
        pk,
        request=request,
        rows=rows,
        message="No such evidence.",
        cycle_queryset=_cycle_queryset(),
    )


def get_review_for_user(
    principal: Principal, cycle_id: int, *, request: HttpRequest | None
) -> tuple[AnnualReview, CycleAccess]:
    """The cycle's annual review; 404 before it has been started."""
    cycle, access = get_review_cycle_for_user(principal, cycle_id, request=request)
    review = (
        AnnualReview.objects.filter(trust_id=cycle.trust_id, cycle=cycle)
        .prefetch_related("objective_assessments", "standard_assessments__standard")
        .first()
    )
    if review is None:
        raise Http404("No review yet.")
    review.cycle = cycle
    return review, access


def get_sample_for_user(
    principal: Principal, pk: int, *, request: HttpRequest | None
) -> ModerationSample:
    """A moderation sample this person moderates (seeing one is moderating it, so there is
    no separate access level); 404 and a logged refusal otherwise."""
    try:
        return visible_moderation_samples(principal).select_related("academy").get(pk=pk)
    except ModerationSample.DoesNotExist:
        raise refused(request, ModerationSample, pk, "No such sample.") from None


def get_moderation_item_for_user(
    principal: Principal, sample_id: int, pk: int, *, request: HttpRequest | None
) -> ModerationItem:
    sample = get_sample_for_user(principal, sample_id, request=request)
    try:
        item = sample.items.select_related(
            "cycle__appraisee",
            "cycle__reviewer",
            "cycle__annual_review",
            "cycle__policy_version",
            "recorded_by",
        ).get(pk=pk)
    except ModerationItem.DoesNotExist:
        raise refused(request, ModerationItem, pk, "No such sample item.") from None
    item.sample = sample
    return item
