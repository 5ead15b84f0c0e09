"""Legal holds as the purge sees them: an active hold on a cycle, or on its appraisee,
keeps the tree."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from cycles.models import AppraisalCycle

from ..models import LegalHold


def _held_cycle_ids(cycle_ids: Iterable[int]) -> set[int]:
    rows = (
        LegalHold.objects.filter(lifted_at__isnull=True, cycle_ref__in=list(cycle_ids))
        .values_list("cycle_ref", flat=True)
        .distinct()
    )
    return {ref for ref in rows if ref is not None}


def _held_staff_ids() -> set[int]:
    return set(
        LegalHold.objects.filter(lifted_at__isnull=True, staff_member__isnull=False)
        .values_list("staff_member_id", flat=True)
        .distinct()
    )


def _is_held(cycle: AppraisalCycle) -> bool:
    return (
        LegalHold.objects.filter(lifted_at__isnull=True)
        .filter(Q(cycle_ref=cycle.pk) | Q(staff_member_id=cycle.appraisee_id))
        .exists()
    )
