"""Who gets an appraisal cycle in a year, and its dates: pure rules, no database.

``cycle_plan_for(staff, rules, year, academy)`` answers for one member of staff, from the
policy version that governs them, either a ``CyclePlan`` (the dates and flags of the cycle
to open) or an ``Exclusion`` (why they are left out). The opening service gathers the facts
for thousands of staff in a fixed number of queries and calls this for each.

"Year" is the academic year named by the calendar year it starts in: opening 2026 opens every
cycle that *starts* between 1 September 2026 and 31 August 2027 (a September cycle in
September 2026, a January cycle in January 2027, a June cycle in June 2027).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from policies.schema import AppraisalModel, PartYearStart, PolicySettings

# The academic year starts on 1 September (the DfE school year; every policy's year).
ACADEMIC_YEAR_START = (9, 1)

# Half-terms entered separately are one term when the break between them is a half-term
# holiday (about a week); the Christmas and Easter holidays are longer than this.
HALF_TERM_BREAK_DAYS = 12

# Used only for an academic year with no term dates entered: the three terms as most
# English schools run them, near enough to compare a contract's length against.
_FALLBACK_TERMS: tuple[tuple[tuple[int, int], tuple[int, int], int], ...] = (
    ((9, 1), (12, 31), 0),  # autumn: September to December
    ((1, 1), (3, 31), 1),  # spring: January to Easter
    ((4, 1), (7, 31), 1),  # summer: Easter to July
)


class ExclusionReason(enum.StrEnum):
    LEFT = "left"
    NOT_STARTED = "not_started"
    ECT = "ect"
    PROBATION = "probation"
    CAPABILITY = "capability"
    SHORT_CONTRACT = "short_contract"
    CONTRACT_ENDED = "contract_ended"
    JOINS_NEXT_CYCLE = "joins_next_cycle"
    NO_POLICY = "no_policy"
    TOO_SHORT = "too_short"


EXCLUSION_LABELS: dict[str, str] = {
    ExclusionReason.LEFT: "Leaves before the cycle starts",
    ExclusionReason.NOT_STARTED: "Starts after the cycle ends",
    ExclusionReason.ECT: "Early career teacher in induction",
    ExclusionReason.PROBATION: "On probation",
    ExclusionReason.CAPABILITY: "Under the capability procedure",
    ExclusionReason.SHORT_CONTRACT: "Contract shorter than the policy covers",
    ExclusionReason.CONTRACT_ENDED: "Contract ends before the cycle starts",
    ExclusionReason.JOINS_NEXT_CYCLE: "Joined part-way: starts with the next cycle",
    ExclusionReason.NO_POLICY: "No appraisal policy applies",
    ExclusionReason.TOO_SHORT: "No time left in the cycle",
}


@dataclass(frozen=True)
class StaffFacts:
    """What the rules need to know about one member of staff."""

    staff_id: int
    start_date: dt.date
    contract_end_date: dt.date | None = None
    left_on: dt.date | None = None
    is_ect: bool = False
    probation_ends_on: dt.date | None = None
    in_capability: bool = False
    is_headteacher: bool = False
    line_manager_id: int | None = None


@dataclass(frozen=True)
class AcademyFacts:
    """The academy's school terms (whole terms, in date order) around the year."""

    terms: tuple[tuple[dt.date, dt.date], ...] = ()

    def terms_from(self, day: dt.date) -> list[tuple[dt.date, dt.date]]:
        """Terms that end on or after ``day`` (the term ``day`` falls in comes first)."""
        return [term for term in self.terms if term[1] >= day]


@dataclass(frozen=True)
class CyclePlan:
    staff_id: int
    starts_on: dt.date
    ends_on: dt.date
    reviewer_id: int | None
    is_headteacher_cycle: bool = False
    part_year_start: bool = False
    # The headteacher (or CEO for a headteacher) sets this first cycle's length (aspire §4.3).
    length_set_by_headteacher: bool = False
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Exclusion:
    staff_id: int
    reason: ExclusionReason
    detail: str

    @property
    def label(self) -> str:
        return EXCLUSION_LABELS[self.reason]


# ----- Terms ---------------------------------------------------------------------------


def merge_terms(entered: Iterable[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """Whole terms from the term dates an academy entered (often half-terms)."""
    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in sorted(entered):
        if merged and (start - merged[-1][1]).days <= HALF_TERM_BREAK_DAYS:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def academic_year_of(day: dt.date) -> int:
    return day.year if (day.month, day.day) >= ACADEMIC_YEAR_START else day.year - 1


def fallback_terms(academic_year: int) -> list[tuple[dt.date, dt.date]]:
    return [
        (
            dt.date(academic_year + offset, *first),
            dt.date(academic_year + offset, *last),
        )
        for first, last, offset in _FALLBACK_TERMS
    ]


def academy_facts(
    entered_terms: Iterable[tuple[dt.date, dt.date]], academic_years: Iterable[int]
) -> AcademyFacts:
    """Whole terms for ``academic_years``: the academy's own where it entered them, the
    usual three terms for a year it has not."""
    entered = list(entered_terms)
    with_terms = {academic_year_of(start) for start, _ in entered}
    terms = merge_terms(entered)
    for year in academic_years:
        if year not in with_terms:
            terms.extend(fallback_terms(year))
    return AcademyFacts(terms=tuple(sorted(terms)))


def shorter_than_terms(start: dt.date, end: dt.date, n: int, academy: AcademyFacts) -> bool:
    """Is the time from ``start`` to ``end`` (both included) shorter than ``n`` terms?

    Measured against the academy's own terms: the term ``start`` falls in (or the next one,
    from a holiday) and the ones after it, each counted first day to last day."""
    if n <= 0:
        return False
    terms = academy.terms_from(start)[:n]
    if len(terms) < n:
        # Beyond the terms we know: a third of a year a term.
        known = sum((b - a).days + 1 for a, b in terms)
        needed = known + (n - len(terms)) * 365 // 3
    else:
        needed = sum((b - a).days + 1 for a, b in terms)
    return (end - start).days + 1 < needed


# ----- The plan ------------------------------------------------------------------------


def normal_dates(rules: PolicySettings, year: int) -> tuple[dt.date, dt.date]:
    """The policy's cycle that starts in academic year ``year``."""
    first_day = dt.date(year, *ACADEMIC_YEAR_START)
    start = rules.cycle.starts_on.next_on_or_after(first_day)
    return rules.cycle.dates_for(start.year)


def _d(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def cycle_plan_for(
    staff: StaffFacts,
    rules: PolicySettings,
    year: int,
    academy: AcademyFacts,
    *,
    today: dt.date,
) -> CyclePlan | Exclusion:
    """In or out of appraisal for academic year ``year``, and the cycle's dates.

    ``today`` matters only for a probationer whose probation ends part-way through the
    cycle: once it has ended they join like a part-year starter; until then they are left
    out (open the year again later to include them)."""
    scope = rules.scope
    start, end = normal_dates(rules, year)
    notes: list[str] = []

    def out(reason: ExclusionReason, detail: str) -> Exclusion:
        return Exclusion(staff_id=staff.staff_id, reason=reason, detail=detail)

    if staff.start_date > end:
        return out(ExclusionReason.NOT_STARTED, f"Starts on {_d(staff.start_date)}.")
    if scope.exclude_ects_in_induction and staff.is_ect:
        return out(
            ExclusionReason.ECT,
            "Early career teachers follow the statutory induction programme instead.",
        )
    if scope.exclude_staff_in_capability and staff.in_capability:
        return out(
            ExclusionReason.CAPABILITY,
            "The capability procedure applies to them; appraisal does not start meanwhile.",
        )

    first_day = max(start, staff.start_date)
    part_year = staff.start_date > start
    if (
        scope.exclude_probationers
        and staff.probation_ends_on is not None
        and staff.probation_ends_on >= first_day
    ):
        after_probation = staff.probation_ends_on + dt.timedelta(days=1)
        if staff.probation_ends_on >= today or after_probation >= end:
            return out(
                ExclusionReason.PROBATION,
                f"On probation until {_d(staff.probation_ends_on)}; the probation procedure "
                "applies until then.",
            )
        first_day, part_year = after_probation, True
        notes.append(f"Appraisal starts after probation, on {_d(after_probation)}.")

    if part_year and scope.part_year_starter == PartYearStart.JOIN_NEXT_CYCLE:
        next_start, _ = normal_dates(rules, year + 1)
        return out(
            ExclusionReason.JOINS_NEXT_CYCLE,
            f"Joined on {_d(first_day)}: their first cycle starts on {_d(next_start)}.",
        )

    if staff.left_on is not None and staff.left_on < first_day:
        return out(ExclusionReason.LEFT, f"Employment ends on {_d(staff.left_on)}.")
    contract_end = staff.contract_end_date
    if contract_end is not None and contract_end < first_day:
        return out(ExclusionReason.CONTRACT_ENDED, f"Contract ends on {_d(contract_end)}.")
    terms = scope.exclude_contracts_shorter_than_terms
    if contract_end is not None and shorter_than_terms(first_day, contract_end, terms, academy):
        length = "a term" if terms == 1 else f"{terms} terms"
        return out(
            ExclusionReason.SHORT_CONTRACT,
            f"Contract ends on {_d(contract_end)}, less than {length} away: the policy "
            f"leaves out contracts shorter than {length}.",
        )

    last_day = end
    if (
        contract_end is not None
        and contract_end < last_day
        and scope.fixed_term_cycle_matches_contract
    ):
        last_day = contract_end
        notes.append(f"Fixed-term contract: the cycle runs to its end on {_d(contract_end)}.")
    if staff.left_on is not None and staff.left_on < last_day:
        last_day = staff.left_on
        notes.append(f"Employment ends on {_d(staff.left_on)}.")
    if last_day <= first_day:
        return out(ExclusionReason.TOO_SHORT, "There is no time left in the cycle for them.")

    headteacher_decides = part_year and scope.part_year_starter == PartYearStart.HEADTEACHER_DECIDES
    if part_year and not notes:
        notes.append(f"Joined part-way through: the first cycle starts on {_d(first_day)}.")
    if headteacher_decides:
        notes.append(
            "The headteacher sets the length of this first cycle to bring it into line with others."
        )
    return CyclePlan(
        staff_id=staff.staff_id,
        starts_on=first_day,
        ends_on=last_day,
        reviewer_id=None if staff.is_headteacher else staff.line_manager_id,
        is_headteacher_cycle=staff.is_headteacher,
        part_year_start=part_year,
        length_set_by_headteacher=headteacher_decides,
        notes=tuple(notes),
    )


# ----- How the year runs, for the cycle page ---------------------------------------------


def how_the_year_runs(
    rules: PolicySettings,
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    contract_end_date: dt.date | None,
) -> list[str]:
    """What the cycle's policy says about the way this year runs, in the words the cycle
    page shows to the member of staff and their reviewer."""
    lines: list[str] = []
    if rules.cycle.evidence_reviewed_through_year:
        lines.append(
            "Evidence is looked at as it is added, through the year: add it as you go "
            "rather than saving it for the end-of-year review."
        )
    else:
        lines.append("Evidence is looked at at the end-of-year review.")
    if not rules.cycle.formal_mid_year_review:
        lines.append("There is no formal mid-year review.")
    if (
        rules.model != AppraisalModel.CONVERSATIONS
        and rules.scope.fixed_term_objectives_sized_to_contract
        and contract_end_date is not None
        and contract_end_date == ends_on
        and ends_on < rules.cycle.cycle_containing(starts_on)[1]
    ):
        lines.append(
            f"The fixed-term contract ends on {_d(contract_end_date)}: set objectives that "
            "can be met by then, sized to the length of the contract."
        )
    return lines
