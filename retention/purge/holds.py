"""Legal holds as the purge sees them: an active hold on a root, or on the member of
staff it is about, keeps the root's tree (and every record under it)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from ..models import LegalHold


def _held_root_ids(root_kind: str, root_ids: Iterable[int]) -> set[int]:
    rows = (
        LegalHold.objects.filter(
            lifted_at__isnull=True, root_kind=root_kind, root_id__in=list(root_ids)
        )
        .values_list("root_id", flat=True)
        .distinct()
    )
    return {ref for ref in rows if ref is not None}


def _held_staff_ids() -> set[int]:
    return set(
        LegalHold.objects.filter(lifted_at__isnull=True, staff_member__isnull=False)
        .values_list("staff_member_id", flat=True)
        .distinct()
    )


def _is_held(root_kind: str, root_id: int, person_id: int | None) -> bool:
    held = Q(root_kind=root_kind, root_id=root_id)
    if person_id is not None:
        held |= Q(staff_member_id=person_id)
    return LegalHold.objects.filter(lifted_at__isnull=True).filter(held).exists()
