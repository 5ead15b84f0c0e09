"""The trust and its academies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from ..models import Academy, Trust
from ._common import OrganisationError, _with_history_user

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def trust_update(*, trust: Trust, name: str, actor: User | None = None) -> Trust:
    trust = Trust.objects.select_for_update(of=("self",)).get(pk=trust.pk)
    name = " ".join(name.split())
    if not name:
        raise OrganisationError("Enter the trust's name.")
    if trust.name == name:
        return trust
    trust.name = name
    _with_history_user(trust, actor)
    trust.save(update_fields=["name"])
    return trust


def _check_academy(*, trust: Trust, name: str, is_central_team: bool, pk: int | None) -> None:
    others = Academy.objects.filter(trust=trust)
    if pk is not None:
        others = others.exclude(pk=pk)
    if others.filter(name__iexact=name).exists():
        raise OrganisationError(f"The trust already has an academy called {name}.")
    if is_central_team and others.filter(is_central_team=True).exists():
        raise OrganisationError(
            "The trust already has a central team. A trust has one central team: "
            "untick it on the other academy first."
        )


@transaction.atomic
def academy_create(
    *,
    trust: Trust,
    name: str,
    urn: str = "",
    is_central_team: bool = False,
    actor: User | None = None,
) -> Academy:
    name = " ".join(name.split())
    _check_academy(trust=trust, name=name, is_central_team=is_central_team, pk=None)
    academy = Academy(trust=trust, name=name, urn=urn.strip(), is_central_team=is_central_team)
    _with_history_user(academy, actor)
    try:
        with transaction.atomic():
            academy.save()
    except IntegrityError:
        # Added by someone else between the check above and this save: say it the same way.
        _check_academy(trust=trust, name=name, is_central_team=is_central_team, pk=None)
        raise OrganisationError(f"The trust already has an academy called {name}.") from None
    return academy


@transaction.atomic
def academy_update(
    *,
    academy: Academy,
    name: str,
    urn: str = "",
    is_central_team: bool = False,
    actor: User | None = None,
) -> Academy:
    academy = Academy.objects.select_for_update(of=("self",)).get(pk=academy.pk)
    name = " ".join(name.split())
    _check_academy(trust=academy.trust, name=name, is_central_team=is_central_team, pk=academy.pk)
    changed = []
    for field_name, value in (
        ("name", name),
        ("urn", urn.strip()),
        ("is_central_team", is_central_team),
    ):
        if getattr(academy, field_name) != value:
            setattr(academy, field_name, value)
            changed.append(field_name)
    if changed:
        _with_history_user(academy, actor)
        academy.save(update_fields=changed)
    return academy
