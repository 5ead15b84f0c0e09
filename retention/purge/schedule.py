"""Which record trees are due: every expired cycle, by its policy version's schedule."""

from __future__ import annotations

import datetime as dt

from cycles.models import AppraisalCycle
from policies.models import PolicyVersion

from ..rules import CYCLE_TREE_RECORD_TYPES, add_years, cycle_retention, years_for_types
from .candidates import Candidate
from .holds import _held_cycle_ids, _held_staff_ids
from .replay import _restored_candidates


def expired_candidates(as_of: dt.date) -> tuple[list[Candidate], int]:
    """Every expired cycle not under a legal hold, oldest first, and how many expired
    cycles a hold kept. One query per policy version (a trust has a handful)."""
    found: list[Candidate] = []
    held_staff = _held_staff_ids()
    held = 0
    for version in PolicyVersion.objects.only("pk", "settings"):
        schedule = version.rules.retention
        years = years_for_types(schedule, CYCLE_TREE_RECORD_TYPES)
        # Narrow in SQL (a day's slack), decide exactly below.
        latest = add_years(as_of, -years) + dt.timedelta(days=1)
        rows = AppraisalCycle.objects.filter(policy_version_id=version.pk)
        if schedule.counted_from == "end_of_employment":
            rows = rows.filter(appraisee__left_on__lte=latest, ends_on__lte=latest)
        else:
            rows = rows.filter(ends_on__lte=latest)
        chunk: list[Candidate] = []
        for values in rows.values(
            "pk",
            "trust_id",
            "academy_id",
            "appraisee_id",
            "starts_on",
            "ends_on",
            "appraisee__left_on",
        ).order_by("ends_on", "pk"):
            decision = cycle_retention(
                schedule,
                cycle_ends_on=values["ends_on"],
                left_on=values["appraisee__left_on"],
                as_of=as_of,
            )
            if not decision.expired(as_of) or decision.keep_until is None:
                continue
            chunk.append(
                Candidate(
                    record_id=values["pk"],
                    trust_id=values["trust_id"],
                    academy_id=values["academy_id"],
                    appraisee_id=values["appraisee_id"],
                    policy_version_id=version.pk,
                    starts_on=values["starts_on"],
                    ends_on=values["ends_on"],
                    years=decision.years,
                    counted_from=str(decision.counted_from),
                    keep_until=decision.keep_until,
                )
            )
        held_cycles = _held_cycle_ids(c.record_id for c in chunk)
        for candidate in chunk:
            if candidate.record_id in held_cycles or candidate.appraisee_id in held_staff:
                held += 1
            else:
                found.append(candidate)
    found += _restored_candidates(exclude={c.record_id for c in found}, held_staff=held_staff)
    found.sort(key=lambda c: (c.keep_until, c.record_id))
    return found, held
