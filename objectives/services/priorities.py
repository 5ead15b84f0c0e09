"""Improvement priorities of an academy or of the trust."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from organisation.models import Academy

from .. import permissions
from ..models import (
    ImprovementPriority,
    Objective,
    SharedObjective,
)
from ._common import _history, _principal, _require
from .errors import ObjectivesError

if TYPE_CHECKING:
    from accounts.models import User


# ----- Improvement priorities ---------------------------------------------------------


def _check_priority_unique(
    *, trust_id: int, academy: Academy | None, academic_year: int, code: str, pk: int | None
) -> None:
    clash = ImprovementPriority.objects.filter(
        trust_id=trust_id, academy=academy, academic_year=academic_year, code__iexact=code
    )
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        where = academy.name if academy is not None else "the trust"
        raise ObjectivesError(
            f"{where} already has a priority {code} for {academic_year} to {academic_year + 1}."
        )


@transaction.atomic
def priority_create(
    *,
    actor: User,
    academy: Academy | None,
    academic_year: int,
    code: str,
    title: str,
    description: str = "",
) -> ImprovementPriority:
    principal = _principal(actor)
    trust_id = principal.trust_id
    if academy is not None and academy.trust_id != trust_id:
        raise PermissionDenied("Not an academy of this trust.")
    _require(
        permissions.can_manage_priorities(principal, academy.pk if academy else None),
        "You cannot add priorities to this plan.",
    )
    assert trust_id is not None
    code, title = code.strip(), title.strip()
    if not code or not title:
        raise ObjectivesError("Enter the priority's code and title.")
    _check_priority_unique(
        trust_id=trust_id, academy=academy, academic_year=academic_year, code=code, pk=None
    )
    priority = ImprovementPriority(
        trust_id=trust_id,
        academy=academy,
        academic_year=academic_year,
        code=code,
        title=title,
        description=description.strip(),
    )
    _history(priority, actor)
    try:
        with transaction.atomic():
            priority.save()
    except IntegrityError:
        raise ObjectivesError("That priority code is already used for that year.") from None
    return priority


@transaction.atomic
def priority_update(
    *,
    actor: User,
    priority: ImprovementPriority,
    academic_year: int,
    code: str,
    title: str,
    description: str = "",
) -> ImprovementPriority:
    principal = _principal(actor)
    priority = ImprovementPriority.objects.select_for_update(of=("self",)).get(
        pk=priority.pk, trust_id=principal.trust_id or 0
    )
    _require(permissions.can_manage_priorities(principal, priority.academy_id))
    code, title = code.strip(), title.strip()
    if not code or not title:
        raise ObjectivesError("Enter the priority's code and title.")
    _check_priority_unique(
        trust_id=priority.trust_id,
        academy=priority.academy,
        academic_year=academic_year,
        code=code,
        pk=priority.pk,
    )
    priority.academic_year, priority.code = academic_year, code
    priority.title, priority.description = title, description.strip()
    _history(priority, actor)
    priority.save(update_fields=["academic_year", "code", "title", "description"])
    return priority


@transaction.atomic
def priority_delete(*, actor: User, priority: ImprovementPriority) -> None:
    principal = _principal(actor)
    priority = ImprovementPriority.objects.select_for_update(of=("self",)).get(
        pk=priority.pk, trust_id=principal.trust_id or 0
    )
    _require(permissions.can_manage_priorities(principal, priority.academy_id))
    used = Objective.priorities.through.objects.filter(improvementpriority_id=priority.pk).count()
    shared = SharedObjective.objects.filter(priority=priority).count()
    if used or shared:
        raise ObjectivesError(
            f"{priority.code} is linked to {used + shared} objective"
            f"{'' if used + shared == 1 else 's'}, so it cannot be deleted."
        )
    _history(priority, actor)
    priority.delete()
