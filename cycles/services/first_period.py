"""A part-year starter's first cycle: how long it may run, and setting its end."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from organisation.principal import principal_for
from policies.schema import PartYearStart

from .. import permissions
from ..models import AppraisalCycle
from ._common import _after_change
from .errors import CycleError
from .transitions import S

if TYPE_CHECKING:
    from accounts.models import User


def first_period_latest_end(cycle: AppraisalCycle) -> dt.date:
    """The latest a part-year starter's first cycle may run to: the end of the cycle after
    the one they joined in (so it can line up with everyone else's next year)."""
    cycle_rules = cycle.policy_version.rules.cycle
    joined_start, _ = cycle_rules.cycle_containing(cycle.starts_on)
    return cycle_rules.dates_for(joined_start.year + 1)[1]


def may_adjust_first_period(cycle: AppraisalCycle) -> bool:
    """Whether this cycle's policy lets the headteacher set its length (aspire §4.3)."""
    return (
        cycle.part_year_start
        and cycle.state != S.CLOSED
        and cycle.policy_version.rules.scope.part_year_starter == PartYearStart.HEADTEACHER_DECIDES
    )


@transaction.atomic
def cycle_set_first_period_end(
    *, cycle: AppraisalCycle, ends_on: dt.date, actor: User | None, reason: str
) -> AppraisalCycle:
    """The headteacher (the CEO for a headteacher; HR for either) sets when a part-year
    starter's first cycle ends, to bring it into line with others (aspire §4.3)."""
    locked = (
        AppraisalCycle.objects.select_for_update(of=("self",))
        .select_related("policy_version", "appraisee")
        .get(pk=cycle.pk)
    )
    if actor is not None and not permissions.may_set_first_period(principal_for(actor), locked):
        raise CycleError("Only the headteacher or HR can set the length of this first cycle.")
    if not may_adjust_first_period(locked):
        raise CycleError(
            "Only the first cycle of someone who joined part-way through can be set this "
            "way, where the policy lets the headteacher decide its length."
        )
    if not reason.strip():
        raise CycleError("Say why the first cycle ends on this date.")
    if ends_on <= locked.starts_on:
        raise CycleError(f"The cycle must end after it starts ({locked.starts_on:%d %B %Y}).")
    latest = first_period_latest_end(locked)
    if ends_on > latest:
        raise CycleError(f"The first cycle can run to {latest:%d %B %Y} at the latest.")
    contract_end = locked.appraisee.contract_end_date
    if contract_end is not None and ends_on > contract_end:
        raise CycleError(f"Their contract ends on {contract_end:%d %B %Y}.")
    clash = (
        AppraisalCycle.objects.filter(
            appraisee_id=locked.appraisee_id, starts_on__lte=ends_on, ends_on__gte=locked.starts_on
        )
        .exclude(pk=locked.pk)
        .exists()
    )
    if clash:
        raise CycleError("That date overlaps their next cycle.")
    if ends_on == locked.ends_on:
        return locked
    locked.ends_on = ends_on
    locked._change_reason = f"First cycle length set: {reason.strip()[:200]}"  # type: ignore[attr-defined]
    if actor is not None:
        locked._history_user = actor  # type: ignore[attr-defined]
    locked.save(update_fields=["ends_on"])
    cycle_id = locked.pk
    transaction.on_commit(lambda: _after_change(cycle_id, "ends_on"))
    return locked
