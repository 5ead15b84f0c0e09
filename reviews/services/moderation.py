"""Moderation."""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from organisation.models import Academy

from .. import rules as review_rules
from .. import selectors
from ..models import (
    Alignment,
    ModerationItem,
    ModerationKind,
    ModerationOutcome,
    ModerationSample,
)
from ..permissions import REFUSALS, ReviewAction, may_moderate
from ._common import ReviewError, _principal, _with_actor

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


MAX_SAMPLE_SIZE = 200


class NotModeratedByPolicy(ReviewError):
    """The policy of every candidate cycle leaves this kind of moderation out."""


@transaction.atomic
def moderation_draw(
    *,
    actor: User,
    academy: Academy,
    year: int,
    kind: str,
    size: int,
    seed: int | None = None,
) -> ModerationSample:
    """Draw and store a random sample of the academy's reviews or objectives for a year.

    The seed and the population are kept so anyone can redraw it and get the same cycles
    (``reviews.rules.draw_sample``)."""
    principal = _principal(actor)
    if not may_moderate(principal, academy):
        raise ReviewError(REFUSALS[ReviewAction.MODERATE])
    kind = ModerationKind(kind)
    if not 1 <= size <= MAX_SAMPLE_SIZE:
        raise ReviewError(f"Choose a sample of between 1 and {MAX_SAMPLE_SIZE}.")
    population = selectors.moderation_population(academy=academy, year=year, kind=kind)
    if not population and selectors.moderation_population(
        academy=academy, year=year, kind=kind, by_policy=False
    ):
        raise NotModeratedByPolicy(
            "The policy for this academy's appraisal year does not moderate "
            + (
                "a sample of statements."
                if kind == ModerationKind.STATEMENTS
                else "objectives for alignment with the improvement plans."
            )
        )
    if not population:
        raise ReviewError(
            "There is nothing to moderate for that academy and year yet: "
            + (
                "no review has been completed."
                if kind == ModerationKind.STATEMENTS
                else "no objectives have been recorded."
            )
        )
    seed = seed if seed is not None else secrets.randbits(62)
    chosen = review_rules.draw_sample(population, size, seed)
    sample = ModerationSample(
        trust_id=academy.trust_id,
        academy=academy,
        year=year,
        kind=kind,
        requested_size=size,
        population_size=len(population),
        seed=seed,
        drawn_by=actor,
    )
    _with_actor(sample, actor)
    sample.save()
    ModerationItem.objects.bulk_create(
        ModerationItem(sample=sample, cycle_id=cycle_id, position=i)
        for i, cycle_id in enumerate(chosen, start=1)
    )
    return sample


@transaction.atomic
def moderation_record(
    *, actor: User, item: ModerationItem, outcome: str, note: str, objectives_aligned: str = ""
) -> ModerationItem:
    """Record a sampled record's outcome; where the cycle's policy checks alignment
    (langley §5), also whether its objectives are aligned with the improvement plans."""
    principal = _principal(actor)
    item = (
        ModerationItem.objects.select_for_update(of=("self",))
        .select_related("sample__academy", "cycle__policy_version")
        .get(pk=item.pk)
    )
    if not may_moderate(principal, item.sample.academy):
        raise ReviewError(REFUSALS[ReviewAction.MODERATE])
    if outcome not in (ModerationOutcome.CONSISTENT, ModerationOutcome.NEEDS_CHANGE):
        raise ReviewError("Choose consistent or needs change.")
    if outcome == ModerationOutcome.NEEDS_CHANGE and not note.strip():
        raise ReviewError("Say what needs to change.")
    fields = ["outcome", "note", "recorded_by", "recorded_at"]
    if review_rules.asks_alignment(item.cycle.policy_version.rules):
        if objectives_aligned not in Alignment.values:
            raise ReviewError("Say whether the objectives are aligned with the improvement plans.")
        item.objectives_aligned = objectives_aligned
        fields.append("objectives_aligned")
    newly_asked = outcome == ModerationOutcome.NEEDS_CHANGE and (
        item.outcome != outcome or item.note.strip() != note.strip()
    )
    item.outcome = outcome
    item.note = note
    item.recorded_by = actor
    item.recorded_at = timezone.now()
    _with_actor(item, actor)
    try:
        item.save(update_fields=fields)
    except IntegrityError:  # pragma: no cover - the row is locked above
        raise ReviewError("The outcome could not be saved; try again.") from None
    if newly_asked:
        # The reviewer is told at once; the change also stays on their to-do list (and in
        # the reminders) until the review is completed again (``reviews.deadlines``).
        item_id = item.pk
        transaction.on_commit(lambda: tell_reviewer_of_change(item_id), robust=True)
    return item


def tell_reviewer_of_change(item_id: int) -> None:
    """Email the reviewer what moderation asked to change and where to do it."""
    item = ModerationItem.objects.select_related(
        "sample", "cycle__appraisee", "cycle__reviewer__user"
    ).get(pk=item_id)
    reviewer = item.cycle.reviewer
    user = getattr(reviewer, "user", None) if reviewer is not None else None
    if user is None or not user.email or not user.is_active:
        logger.info("moderation change not emailed: item_id=%s has no reviewer account", item_id)
        return
    name = item.cycle.appraisee.full_name
    link = settings.SITE_URL.rstrip("/") + reverse("cycles:detail", args=[item.cycle_id])
    what = (
        "annual review and statement"
        if item.sample.kind == ModerationKind.STATEMENTS
        else "objectives"
    )
    send_mail(
        subject=f"Moderation asks for a change to {name}'s {what}",
        message=(
            f"Moderation of {item.sample} found that {name}'s {what} needs a change:\n\n"
            f"{item.note.strip()}\n\n"
            f"Sign in to make the change: {link}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
