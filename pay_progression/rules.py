"""The pay rules as pure functions of (the pinned policy's pay settings, the facts).

Nothing here reads the database: the service gathers the facts (the person's pay point and
since when, the support-plan records, the annual review's outcomes) and the rules say what
the recommendation starts as, why, and which refusals apply. Each reason names the policy
paragraph it comes from where the preset says (``sources``: setting path → paragraph).

The national rule for teachers in England is a dated rule in code, not a trust setting:
from 1 September 2024 performance-related pay is no longer required, so a teacher
progresses unless an early career teacher or in capability; a trust that keeps
performance-related pay (``pay.performance_related_pay``) still applies its own reasons,
and the appraisal evidence is then required.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from policies.schema.choices import Decider, PayProgression, WithholdReason
from policies.schema.sections.pay import PaySettings

# School Teachers' Pay and Conditions from 1 September 2024: performance-related pay is no
# longer required for teachers on any pay range.
NATIONAL_NO_PRP_FROM = dt.date(2024, 9, 1)

PROGRESS = "progress"
NO_PROGRESSION = "no_progression"

# Reasons computed from the facts rather than from performance.
ECT = "ect"
TOP_OF_SCALE = "top_of_scale"
TOP_OF_MAIN_RANGE = "top_of_main_range"
APPOINTED_PART_WAY = "appointed_part_way"
UNDER_YEARS_ON_UPPER_POINT = "under_years_on_upper_point"
OTHER = "other"

TEACHER_RANGES = frozenset({"MPR", "UPR", "LPR", "LSP", "UQT"})
MAIN, UPPER, SUPPORT_SPINE = "MPR", "UPR", "SCP"


@dataclass(frozen=True)
class Facts:
    """What the rules need to know about one member of staff."""

    staff_group: str
    pay_range: str
    point: str
    since: dt.date | None
    start_date: dt.date
    is_ect: bool = False
    has_qts: bool = False
    in_capability: bool = False
    under_support: bool = False  # an open support plan short of capability
    concern_raised_and_supported: bool = False  # told of concerns, then given a support plan
    objectives_significantly_missed: bool = False
    standards_not_met: bool = False


@dataclass(frozen=True)
class Reason:
    key: str
    text: str
    paragraph: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "text": self.text, "paragraph": self.paragraph}


@dataclass(frozen=True)
class Suggestion:
    outcome: str
    next_point: str
    reasons: tuple[Reason, ...]
    basis: str
    evidence_required: bool
    reason_choices: tuple[tuple[str, str], ...] = field(default=())


def is_teacher(facts: Facts) -> bool:
    return facts.pay_range in TEACHER_RANGES or (
        facts.pay_range == "" and facts.staff_group in ("teaching", "leadership")
    )


def progression_for(pay: PaySettings, facts: Facts) -> PayProgression:
    return pay.teacher_progression if is_teacher(facts) else pay.support_staff_progression


def national_rule_applies(facts: Facts, effective_on: dt.date) -> bool:
    return is_teacher(facts) and effective_on >= NATIONAL_NO_PRP_FROM


def evidence_required(pay: PaySettings, facts: Facts, effective_on: dt.date) -> bool:
    """Where appraisal decides pay the recommendation must cite the evidence: the trust
    keeps performance-related pay, the policy makes progression depend on performance,
    or (teachers, before 1 September 2024) the national rules still required it."""
    if pay.performance_related_pay:
        return True
    if progression_for(pay, facts) == PayProgression.PERFORMANCE:
        return True
    return is_teacher(facts) and effective_on < NATIONAL_NO_PRP_FROM


def withhold_reasons_applying(
    pay: PaySettings, facts: Facts, effective_on: dt.date
) -> tuple[WithholdReason, ...]:
    """The policy's reasons for withholding that may be used for this person: automatic
    progression (aspire §8.3) withholds only for capability and managing underperformance;
    progression not linked to appraisal (aspire §8.5, leger) only for formal capability;
    a teacher under the national rule only for capability, unless the trust keeps
    performance-related pay."""
    listed = tuple(pay.withhold_reasons)
    progression = progression_for(pay, facts)
    if national_rule_applies(facts, effective_on) and not pay.performance_related_pay:
        return (WithholdReason.FORMAL_CAPABILITY,)
    if progression == PayProgression.NOT_LINKED:
        allowed: frozenset[WithholdReason] = frozenset({WithholdReason.FORMAL_CAPABILITY})
    elif progression == PayProgression.AUTOMATIC:
        allowed = frozenset(
            {WithholdReason.FORMAL_CAPABILITY, WithholdReason.MANAGING_UNDERPERFORMANCE}
        )
    else:
        allowed = frozenset(WithholdReason)
    return tuple(r for r in listed if r in allowed)


def withhold_fact(reason: WithholdReason, facts: Facts) -> bool:
    """Whether the facts show ``reason``."""
    return {
        WithholdReason.FORMAL_CAPABILITY: facts.in_capability,
        WithholdReason.MANAGING_UNDERPERFORMANCE: facts.under_support or facts.in_capability,
        WithholdReason.OBJECTIVES_SIGNIFICANTLY_MISSED: facts.objectives_significantly_missed,
        WithholdReason.FELL_SHORT_OF_STANDARDS: facts.standards_not_met,
        WithholdReason.UNSATISFACTORY_AFTER_SUPPORT: facts.concern_raised_and_supported,
    }[reason]


def next_point(points: Sequence[str], current: str) -> str | None:
    """The point after ``current`` in its range's order, or None at the top (or when the
    point is not in the range)."""
    codes = [p.upper() for p in points]
    if current.upper() not in codes:
        return None
    at = codes.index(current.upper())
    return points[at + 1] if at + 1 < len(points) else None


def whole_years_between(start: dt.date, end: dt.date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def lists_part_way(pay: PaySettings) -> bool:
    """The policy lists "appointed part-way through the year" among its other reasons for
    no increment (langley §10)."""
    return any(
        "part-way" in line.lower() or "part way" in line.lower()
        for line in pay.other_no_increment_reasons
    )


def _paragraph(sources: Mapping[str, str], path: str) -> str:
    return sources.get(path, "")


def suggest(
    pay: PaySettings,
    facts: Facts,
    *,
    effective_on: dt.date,
    points: Sequence[str],
    upper_first: str | None = None,
    sources: Mapping[str, str] | None = None,
) -> Suggestion:
    """What the recommendation starts as: move to the next point, or stay, with every
    reason the facts show; the recommender may change it."""
    sources = sources or {}
    national = national_rule_applies(facts, effective_on)
    progression = progression_for(pay, facts)
    progression_path = (
        "pay.teacher_progression" if is_teacher(facts) else ("pay.support_staff_progression")
    )
    if national and not pay.performance_related_pay:
        basis = (
            "National rule from 1 September 2024: a teacher progresses unless an early career "
            "teacher or in capability."
        )
    else:
        basis = progression.label
        paragraph = _paragraph(sources, progression_path)
        if paragraph:
            basis = f"{basis} ({paragraph})"
    reasons: list[Reason] = []
    if is_teacher(facts) and facts.is_ect:
        reasons.append(
            Reason(ECT, "Early career teacher in induction: pay follows the induction outcome")
        )
    for withhold in withhold_reasons_applying(pay, facts, effective_on):
        if withhold_fact(withhold, facts):
            reasons.append(
                Reason(withhold.value, withhold.label, _paragraph(sources, "pay.withhold_reasons"))
            )
    if (
        national
        and facts.in_capability
        and not any(r.key == WithholdReason.FORMAL_CAPABILITY for r in reasons)
    ):
        reasons.append(
            Reason(WithholdReason.FORMAL_CAPABILITY.value, WithholdReason.FORMAL_CAPABILITY.label)
        )
    following = next_point(points, facts.point) if facts.point else None
    other = _paragraph(sources, "pay.other_no_increment_reasons")
    if facts.point and following is None:
        if facts.pay_range == MAIN and facts.has_qts and upper_first:
            if pay.threshold_applications:
                reasons.append(
                    Reason(
                        TOP_OF_MAIN_RANGE,
                        "At the top of the main pay range: the upper pay range is by application",
                        _paragraph(sources, "pay.threshold_applications"),
                    )
                )
            else:
                following = upper_first
        else:
            reasons.append(Reason(TOP_OF_SCALE, "Already at the top of their scale", other))
    years = pay.years_between_upper_range_points
    if facts.pay_range == UPPER and years and facts.since is not None:
        served = whole_years_between(facts.since, effective_on)
        if served < years:
            reasons.append(
                Reason(
                    UNDER_YEARS_ON_UPPER_POINT,
                    f"Served less than {years} years on their upper pay range point "
                    f"({facts.point}, since {facts.since:%d %B %Y})",
                    _paragraph(sources, "pay.years_between_upper_range_points"),
                )
            )
    period_start = dt.date(effective_on.year - 1, effective_on.month, effective_on.day)
    if lists_part_way(pay) and facts.start_date > period_start:
        reasons.append(
            Reason(
                APPOINTED_PART_WAY,
                f"Appointed part-way through the year (started {facts.start_date:%d %B %Y})",
                other,
            )
        )
    outcome = NO_PROGRESSION if reasons or following is None else PROGRESS
    return Suggestion(
        outcome=outcome,
        next_point=(following or "") if outcome == PROGRESS else "",
        reasons=tuple(reasons),
        basis=basis,
        evidence_required=evidence_required(pay, facts, effective_on),
        reason_choices=reason_choices(pay, facts, effective_on),
    )


def reason_choices(
    pay: PaySettings, facts: Facts, effective_on: dt.date
) -> tuple[tuple[str, str], ...]:
    """The reasons a recommender may give for no increment: the policy's withholding
    reasons that apply to this person, then the reasons unrelated to performance (the
    policy's own list, ``pay.other_no_increment_reasons``), the computed ones and an ECT's."""
    found: list[tuple[str, str]] = [
        (r.value, r.label) for r in withhold_reasons_applying(pay, facts, effective_on)
    ]
    found += [(f"{OTHER}:{i}", line) for i, line in enumerate(pay.other_no_increment_reasons)]
    if pay.years_between_upper_range_points and facts.pay_range == UPPER:
        found.append((UNDER_YEARS_ON_UPPER_POINT, "Served too short a time on their point"))
    if facts.pay_range == MAIN and pay.threshold_applications:
        found.append((TOP_OF_MAIN_RANGE, "At the top of the main pay range"))
    if is_teacher(facts) and facts.is_ect:
        found.append((ECT, "Early career teacher in induction"))
    keys = {k for k, _ in found}
    if TOP_OF_SCALE not in keys:
        found.append((TOP_OF_SCALE, "Already at the top of their scale"))
    return tuple(found)


def withhold_refusal(
    pay: PaySettings, facts: Facts, *, reason_key: str, effective_on: dt.date
) -> str | None:
    """Why a recommendation of no increment for ``reason_key`` may not stand, or None.
    A reason the policy does not list for this person is refused; so is withholding for
    capability when the person is not in it, and (staploe, "Links to Pay") for an
    unsatisfactory performance when no concern was raised and support given before."""
    allowed = dict(reason_choices(pay, facts, effective_on))
    if reason_key not in allowed:
        return "Choose one of the reasons the policy allows for this member of staff."
    try:
        withhold = WithholdReason(reason_key)
    except ValueError:
        return None
    if withhold == WithholdReason.FORMAL_CAPABILITY and not facts.in_capability:
        return "They are not in the capability procedure, so this reason does not apply."
    if withhold == WithholdReason.UNSATISFACTORY_AFTER_SUPPORT and not (
        facts.concern_raised_and_supported
    ):
        return (
            "An increment is withheld for unsatisfactory performance only where the concerns "
            "were raised with them and support given first: there is no support plan "
            "following a concern on record."
        )
    return None


def honorarium_refusal(pay: PaySettings, honorarium: bool) -> str | None:
    if honorarium and not pay.honorarium_allowed:
        return "The policy does not provide for an honorarium."
    return None


def evidence_refusal(required: bool, evidence: str) -> str | None:
    if required and not evidence.strip():
        return (
            "Give the appraisal evidence the recommendation rests on: the policy links pay to "
            "performance."
        )
    return None


def recommender_kind(pay: PaySettings, *, is_headteacher: bool) -> str:
    """Who drafts: the reviewer, or the headteacher (the executive headteacher for central
    staff: staploe "Links to Pay"). The headteacher's own is drafted by the headteacher's
    review committee, or by HR for it (classic §5.7.7: the committee refers its
    recommendation to the appropriate governors' committee)."""
    if is_headteacher:
        return "committee"
    if pay.recommended_by == Decider.HEADTEACHER:
        return "headteacher"
    return "reviewer"


def pay_years_informed_by(starts_on: dt.date, ends_on: dt.date) -> list[int]:
    """The pay years whose decision a cycle from ``starts_on`` to ``ends_on`` informs: those
    starting (1 September) after the cycle starts and no later than the day after it ends
    (classic §2.3: the year to 31 August informs the pay decided that autumn)."""
    after = ends_on + dt.timedelta(days=1)
    return [
        year
        for year in range(starts_on.year, after.year + 1)
        if starts_on < dt.date(year, 9, 1) <= after
    ]


def approval_needed(pay: PaySettings, *, is_headteacher: bool) -> bool:
    """Classic §5.7.7: every recommendation but the headteacher's own is approved by the
    headteacher before the member of staff sees it."""
    return pay.headteacher_approves_before_shared and not is_headteacher


def decision_due(
    pay_decision_due: object, headteacher_due: object, *, pay_year: int, is_headteacher: bool
) -> dt.date | None:
    """The day pay is decided by (classic §2.3: 31 October; the headteacher's 31
    December), in the autumn of the pay year."""
    due = headteacher_due if is_headteacher and headteacher_due is not None else pay_decision_due
    in_year = getattr(due, "in_year", None)
    return in_year(pay_year) if in_year is not None else None


def effective_from(pay: PaySettings, *, pay_year_starts: dt.date, decided_on: dt.date) -> dt.date:
    """An award takes effect from 1 September where the policy backdates it (classic
    §2.3), else from the day it is decided."""
    return pay_year_starts if pay.backdated_to_cycle_start else max(decided_on, pay_year_starts)


def objectives_significantly_missed(outcomes: Sequence[str]) -> bool:
    """From the annual review: more than half of the assessed objectives not met."""
    assessed = [o for o in outcomes if o]
    return bool(assessed) and sum(o == "not_met" for o in assessed) * 2 > len(assessed)


def standards_not_met(outcomes: Sequence[str]) -> bool:
    return any(o == "not_met" for o in outcomes)
