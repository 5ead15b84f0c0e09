"""Every write to policies: create, new versions, presets, assignments.

A version in force, or pinned by any record, is never edited: a change is a new version with
its own effective date, so a cycle that pinned a version keeps the rules it started under.
Only a *draft* (a version that starts after today and that nothing pins yet) may be
updated in place, so changing several sections for the same start day makes one version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from organisation.models import Academy, JobRole, StaffGroup, Trust
from organisation.principal import principal_for

from . import permissions
from .extensions import latest_pinned_effective_from
from .models import Policy, PolicyAssignment, PolicyVersion
from .presets import Preset, load_preset
from .schema import validate_settings

if TYPE_CHECKING:
    from accounts.models import User


class PolicyError(Exception):
    """A refused policy change. ``str(error)`` is shown to the user; ``field_errors`` maps
    a flat settings path ("pay.decision_due") or a form field name to its messages."""

    def __init__(self, message: str, field_errors: Mapping[str, list[str]] | None = None):
        super().__init__(message)
        self.field_errors: dict[str, list[str]] = dict(field_errors or {})


def _require_manage(actor: User | None, trust_id: int) -> None:
    """Commands and tasks pass no actor; a person must be the trust's administrator."""
    if actor is None:
        return
    principal = principal_for(actor)
    if not (principal.trust_id == trust_id and permissions.may_manage_policies(principal)):
        raise PolicyError("Only the trust's administrator can change its policies.")


def _validated(settings: Mapping[str, Any]) -> dict[str, Any]:
    rules, errors = validate_settings(settings)
    if rules is None:
        raise PolicyError("Some settings are not valid: nothing was saved.", errors)
    # Store the whole document (defaults filled in), so a later change of a default
    # never silently changes a version a cycle has pinned.
    return rules.model_dump(mode="json")


def _with_history_user(obj: Any, actor: User | None) -> None:
    if actor is not None:
        obj._history_user = actor


@transaction.atomic
def policy_create(
    *,
    trust: Trust,
    name: str,
    settings: Mapping[str, Any],
    effective_from: dt.date,
    actor: User | None = None,
    description: str = "",
    preset: str = "",
    change_note: str = "Created",
) -> Policy:
    """A new policy with its first version."""
    _require_manage(actor, trust.pk)
    name = name.strip()
    if not name:
        raise PolicyError("Give the policy a name.", {"name": ["Give the policy a name."]})
    document = _validated(settings)
    if Policy.objects.filter(trust=trust, name=name).exists():
        message = f"The trust already has a policy called “{name}”."
        raise PolicyError(message, {"name": [message]})
    policy = Policy(trust=trust, name=name, description=description, preset=preset)
    _with_history_user(policy, actor)
    policy.save()
    version = PolicyVersion(
        policy=policy,
        number=1,
        effective_from=effective_from,
        settings=document,
        change_note=change_note[:300],
        created_by=actor,
    )
    _with_history_user(version, actor)
    version.save()
    return policy


def is_draft(version: PolicyVersion, *, today: dt.date | None = None) -> bool:
    """Whether ``version`` may still be updated in place: it starts after today and no
    record pins it (nor a later version)."""
    if version.effective_from <= (today or timezone.localdate()):
        return False
    pinned_from = latest_pinned_effective_from(version.policy)
    return pinned_from is None or pinned_from < version.effective_from


@transaction.atomic
def policy_version_create(
    *,
    policy: Policy,
    settings: Mapping[str, Any],
    effective_from: dt.date,
    change_note: str,
    actor: User | None,
    update_draft: bool = False,
) -> PolicyVersion:
    """A new numbered version of ``policy`` in force from ``effective_from``; or, with
    ``update_draft``, when a draft version (``is_draft``) already starts that day, that
    version with these settings (its change note gains ``change_note``).

    Refused (``PolicyError``) when the settings are invalid, when another version already
    starts that day (and is not a draft to update), or when it would start before a version
    a cycle has already pinned (that cycle's rules must not be overtaken retroactively)."""
    # Lock the policy so two administrators saving at once cannot take the same number.
    policy = Policy.objects.select_for_update(of=("self",)).get(pk=policy.pk)
    _require_manage(actor, policy.trust_id)
    document = _validated(settings)
    versions = PolicyVersion.objects.filter(policy=policy)
    same_day = versions.select_for_update(of=("self",)).filter(effective_from=effective_from)
    existing = same_day.first()
    if existing is not None and update_draft and is_draft(existing):
        existing.settings = document
        note = change_note.strip()
        if note and note not in existing.change_note:
            existing.change_note = f"{existing.change_note}; {note}".strip("; ")[:300]
        _with_history_user(existing, actor)
        existing.save(update_fields=["settings", "change_note"])
        return existing
    if existing is not None:
        message = f"Version already in force from {effective_from:%-d %B %Y}: choose another date."
        raise PolicyError(message, {"effective_from": [message]})
    pinned_from = latest_pinned_effective_from(policy)
    if pinned_from is not None and effective_from < pinned_from:
        message = (
            f"Appraisal cycles already use the version in force from {pinned_from:%-d %B %Y}: "
            "a new version cannot start before it."
        )
        raise PolicyError(message, {"effective_from": [message]})
    number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PolicyVersion(
        policy=policy,
        number=number,
        effective_from=effective_from,
        settings=document,
        change_note=change_note.strip()[:300],
        created_by=actor,
    )
    _with_history_user(version, actor)
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:
        raise PolicyError("Someone else changed this policy at the same time: try again.") from None
    return version


def _free_name(trust: Trust, name: str) -> str:
    taken = set(
        Policy.objects.filter(trust=trust, name__startswith=name).values_list("name", flat=True)
    )
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def _default_effective_from(preset: Preset, variant: str | None) -> dt.date:
    """The start of the cycle running today under the preset's rules."""
    start, _ = preset.rules_for(variant).cycle.cycle_containing(timezone.localdate())
    return start


def _create_one_from_preset(
    *,
    trust: Trust,
    preset: Preset,
    variant: str | None,
    actor: User | None,
    effective_from: dt.date | None,
) -> tuple[Policy, bool]:
    key = preset.policy_key(variant)
    existing = Policy.objects.filter(trust=trust, preset=key).first()
    if existing is not None:
        return existing, False
    description = preset.description if variant is None else preset.variant(variant).description
    policy = policy_create(
        trust=trust,
        name=_free_name(trust, preset.policy_name(variant)),
        description=description,
        preset=key,
        settings=preset.settings_for(variant),
        effective_from=effective_from or _default_effective_from(preset, variant),
        actor=actor,
        change_note=f"Created from the {preset.short_name} preset",
    )
    return policy, True


@transaction.atomic
def policy_create_from_preset(
    *,
    trust: Trust,
    preset_key: str,
    actor: User | None = None,
    effective_from: dt.date | None = None,
    variant: str | None = None,
    include_variants: bool = True,
) -> Policy:
    """The trust's policy made from a preset (and, unless asked not to, a policy for each
    of its variants). Idempotent: a preset already loaded is returned, not duplicated.

    ``variant`` returns that variant's policy instead of the main one."""
    _require_manage(actor, trust.pk)
    try:
        preset = load_preset(preset_key)
        if variant is not None:
            preset.variant(variant)
    except KeyError:
        raise PolicyError("There is no such preset.") from None
    # Serialise concurrent loads for one trust so the preset is created once.
    Trust.objects.select_for_update(of=("self",)).get(pk=trust.pk)
    main, _ = _create_one_from_preset(
        trust=trust, preset=preset, variant=None, actor=actor, effective_from=effective_from
    )
    chosen = main
    for v in preset.variants:
        if include_variants or v.key == variant:
            policy, _ = _create_one_from_preset(
                trust=trust,
                preset=preset,
                variant=v.key,
                actor=actor,
                effective_from=effective_from,
            )
            if v.key == variant:
                chosen = policy
    return chosen


@transaction.atomic
def policy_assign(
    *,
    trust: Trust,
    staff_group: str,
    policy: Policy,
    academy: Academy | None = None,
    job_role: JobRole | None = None,
    actor: User | None,
) -> PolicyAssignment:
    """Make ``policy`` the one ``staff_group`` follows, trust-wide or for one academy
    and/or job role (replacing whatever was assigned at exactly that scope)."""
    _require_manage(actor, trust.pk)
    if staff_group not in StaffGroup.values:
        raise PolicyError("Choose a staff group.", {"staff_group": ["Choose a staff group."]})
    if policy.trust_id != trust.pk:
        raise PolicyError("Choose one of the trust's policies.")
    if academy is not None and academy.trust_id != trust.pk:
        raise PolicyError("Choose one of the trust's academies.")
    if job_role is not None and job_role.trust_id != trust.pk:
        raise PolicyError("Choose one of the trust's job roles.")
    existing = (
        PolicyAssignment.objects.select_for_update(of=("self",))
        .filter(trust=trust, staff_group=staff_group, academy=academy, job_role=job_role)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        if existing.policy_id == policy.pk:
            return existing
        existing.policy = policy
        _with_history_user(existing, actor)
        existing.save(update_fields=["policy"])
        return existing
    assignment = PolicyAssignment(
        trust=trust, staff_group=staff_group, academy=academy, job_role=job_role, policy=policy
    )
    _with_history_user(assignment, actor)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise PolicyError(
            "Someone else changed this assignment at the same time: try again."
        ) from None
    return assignment


@transaction.atomic
def policy_unassign(*, assignment: PolicyAssignment, actor: User | None) -> None:
    """Remove an assignment: the staff it covered fall back to the next less specific
    one (academy+role → role → academy → trust-wide)."""
    _require_manage(actor, assignment.trust_id)
    locked = (
        PolicyAssignment.objects.select_for_update(of=("self",))
        .filter(pk=assignment.pk)
        .order_by()
        .first()
    )
    if locked is None:
        return
    _with_history_user(locked, actor)
    locked.delete()
