"""The policy's rules for observations, the review and moderation, as pure functions.

Nothing here touches the database: each function takes the pinned policy's settings
(``PolicySettings``) and plain facts, so every rule is tested on its own against the
paragraph it comes from.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from calendars.working_days import WorkingCalendar
from policies.schema import ObservationType, PolicySettings

from .models import Framework, ModerationKind, ObservationKind

# ----- Observations -------------------------------------------------------------------

# The kinds the policy schema names (the ones a policy can rule out for appraisal). An
# external adviser's observation is "unannounced" only when no advance notice was given.
SCHEMA_TYPE_FOR_KIND: dict[str, ObservationType] = {
    ObservationKind.OFSTED_INSPECTION: ObservationType.OFSTED_INSPECTION,
    ObservationKind.OTHER_MONITORING: ObservationType.OTHER_MONITORING,
    ObservationKind.LEARNING_WALK: ObservationType.LEARNING_WALK,
    ObservationKind.DROP_IN: ObservationType.DROP_IN,
}
# Kinds that are observation "for appraisal" and so must be discussed in advance where the
# policy says so (staploe: any work observation is discussed with the employee in advance).
PLANNED_KINDS = frozenset({ObservationKind.FORMAL, ObservationKind.WORK_OBSERVATION})


@dataclass(frozen=True)
class ObservationFacts:
    """What the rules need to know about an observation being recorded."""

    kind: str
    duration_minutes: int
    appraisee_is_teacher: bool
    observer_has_qts: bool
    observer_is_appraisee: bool = False
    advance_notice_given: bool = False
    concerns_arose: bool = False
    # Minutes of observation already used for appraisal in the cycle (the appraisal year).
    minutes_used_this_year: int = 0
    # Formal observations already recorded in the cycle.
    formal_this_cycle: int = 0


@dataclass(frozen=True)
class RuleBreach:
    """A rule the observation breaks. ``refuses``: it cannot be recorded; otherwise it is a
    warning the person recording it must confirm (the policy says "normally")."""

    code: str
    message: str
    refuses: bool = True


@dataclass(frozen=True)
class AppraisalUse:
    usable: bool
    reason: str = ""


def schema_type(kind: str, *, advance_notice_given: bool) -> ObservationType | None:
    if kind == ObservationKind.EXTERNAL:
        return None if advance_notice_given else ObservationType.EXTERNAL_UNANNOUNCED
    return SCHEMA_TYPE_FOR_KIND.get(kind)


def appraisal_use(rules: PolicySettings, facts: ObservationFacts) -> AppraisalUse:
    """May this observation be used for appraisal under the policy?

    classic §5.2.6: Ofsted and other monitoring observations are not used; an external
    adviser's only where planned and told to everyone in advance. aspire §7.4: learning
    walks are not used unless concerns arise. An observation that may not be used is still
    recorded, but kept out of the review's evidence and the statement.
    """
    obs = rules.observations
    kind_type = schema_type(facts.kind, advance_notice_given=facts.advance_notice_given)
    if kind_type is not None and kind_type in obs.not_usable_for_appraisal:
        if (
            kind_type == ObservationType.LEARNING_WALK
            and facts.concerns_arose
            and obs.learning_walks_usable_when_concerns
        ):
            return AppraisalUse(True)
        reason = kind_type.label
        if kind_type == ObservationType.LEARNING_WALK and obs.learning_walks_usable_when_concerns:
            reason += " (no concerns arose)"
        return AppraisalUse(False, f"{reason}: the policy does not use these for appraisal.")
    if (
        obs.advance_notice_required
        and facts.kind in PLANNED_KINDS
        and not facts.advance_notice_given
    ):
        return AppraisalUse(
            False,
            "Not discussed with the member of staff in advance: the policy uses an "
            "observation for appraisal only when it was.",
        )
    return AppraisalUse(True)


def appraisee_is_teacher(*, staff_group: str, has_qts: bool) -> bool:
    """Teachers for the QTS-observer rule: teaching staff, and leaders who hold QTS."""
    return staff_group == "teaching" or (staff_group == "leadership" and has_qts)


def check_observation(rules: PolicySettings, facts: ObservationFacts) -> list[RuleBreach]:
    """Every rule of the policy this observation would break (empty: it may be recorded)."""
    obs = rules.observations
    breaches: list[RuleBreach] = []
    if facts.observer_is_appraisee:
        breaches.append(RuleBreach("self_observation", "Nobody can observe themself."))
    if facts.duration_minutes <= 0:
        breaches.append(RuleBreach("no_length", "Enter how long the observation lasted."))
    if facts.kind == ObservationKind.DROP_IN and not obs.drop_ins_allowed:
        breaches.append(
            RuleBreach("drop_in_not_allowed", "The policy does not allow drop-in visits.")
        )
    # classic §5.2.2, aspire §7.3: classroom observation of teachers by holders of QTS.
    if obs.teacher_observer_needs_qts and facts.appraisee_is_teacher and not facts.observer_has_qts:
        breaches.append(
            RuleBreach(
                "observer_needs_qts",
                "The policy says teachers are observed only by people who hold qualified "
                "teacher status (QTS), and this observer does not.",
            )
        )
    use = appraisal_use(rules, facts)
    # aspire §7.2: observation for performance and development totals at most 3 hours a
    # year. Observations that do not count for appraisal do not use up the allowance.
    cap = obs.yearly_cap_minutes
    if cap is not None and use.usable:
        total = facts.minutes_used_this_year + facts.duration_minutes
        if total > cap:
            left = max(cap - facts.minutes_used_this_year, 0)
            breaches.append(
                RuleBreach(
                    "yearly_cap",
                    f"The policy allows at most {_minutes(cap)} of observation a year. "
                    f"{_minutes(facts.minutes_used_this_year)} are already recorded, so "
                    f"{_minutes(left)} remain and this {_minutes(facts.duration_minutes)} "
                    "observation would go beyond the limit.",
                )
            )
    # staploe: one formal work observation a cycle, normally: a warning to confirm.
    normal = obs.formal_per_cycle
    if normal is not None and facts.kind in PLANNED_KINDS and facts.formal_this_cycle + 1 > normal:
        breaches.append(
            RuleBreach(
                "formal_per_cycle",
                f"The policy normally allows {normal} formal observation"
                f"{'' if normal == 1 else 's'} a cycle, and {facts.formal_this_cycle} "
                "already recorded. Confirm that this one is needed.",
                refuses=False,
            )
        )
    return breaches


def _minutes(n: int) -> str:
    hours, minutes = divmod(n, 60)
    if minutes == 0 and hours:
        return f"{hours} hour{'' if hours == 1 else 's'}"
    if hours == 0:
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{hours} hour{'' if hours == 1 else 's'} {minutes} minutes"


@dataclass(frozen=True)
class FeedbackDue:
    verbal: dt.datetime | None = None
    written: dt.datetime | None = None
    any_feedback: dt.datetime | None = None

    @property
    def is_set(self) -> bool:
        return any((self.verbal, self.written, self.any_feedback))


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of ``day`` in local time: a date deadline is met all that day."""
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz)


def feedback_due(
    rules: PolicySettings, observed_at: dt.datetime, calendar: WorkingCalendar
) -> FeedbackDue:
    """When feedback on an observation is due, from the academy's working calendar.

    classic §5.2.4: verbal within 2 working days, written within 5 working days;
    staploe: within 48 hours (whole working days, see ``WorkingCalendar.due_after_hours``).
    A policy that says "as soon as practicable" (aspire §10) sets no date.
    """
    obs = rules.observations
    day = timezone.localtime(observed_at).date()
    verbal = written = any_feedback = None
    if obs.verbal_feedback_working_days is not None:
        verbal = end_of_day(calendar.add_working_days(day, obs.verbal_feedback_working_days))
    if obs.written_feedback_working_days is not None:
        written = end_of_day(calendar.add_working_days(day, obs.written_feedback_working_days))
    if obs.feedback_within_hours is not None:
        any_feedback = calendar.due_after_hours(observed_at, obs.feedback_within_hours)
    return FeedbackDue(verbal=verbal, written=written, any_feedback=any_feedback)


def feedback_horizon_days(rules: PolicySettings) -> int:
    """Working days the calendar must reach beyond the observation for ``feedback_due``."""
    obs = rules.observations
    hours = obs.feedback_within_hours or 0
    return max(
        obs.verbal_feedback_working_days or 0,
        obs.written_feedback_working_days or 0,
        -(-hours // 24),
    )


class FeedbackState(enum.StrEnum):
    GIVEN = "given"
    DUE = "due"
    OVERDUE = "overdue"
    NO_DEADLINE = "none"


def feedback_state(
    due_at: dt.datetime | None, given_at: dt.datetime | None, now: dt.datetime
) -> FeedbackState:
    if given_at is not None:
        return FeedbackState.GIVEN
    if due_at is None:
        return FeedbackState.NO_DEADLINE
    return FeedbackState.OVERDUE if now > due_at else FeedbackState.DUE


# ----- The annual review ----------------------------------------------------------------


def framework_for(*, staff_group: str, has_qts: bool, is_headteacher_cycle: bool) -> Framework:
    """Which standards a person's review assesses them against: the Headteachers' Standards
    for a headteacher, the Teachers' Standards for teachers (and leaders who hold QTS), the
    role's key accountabilities for everyone else (support staff)."""
    if is_headteacher_cycle:
        return Framework.HEADTEACHERS
    if appraisee_is_teacher(staff_group=staff_group, has_qts=has_qts):
        return Framework.TEACHERS
    return Framework.KEY_ACCOUNTABILITIES


def pay_reference_required(rules: PolicySettings) -> bool:
    """With performance-related pay (classic §5.7.2) the review must refer to pay; without
    it a reference is optional (a pay recommendation is still made by the pay process)."""
    return rules.pay.performance_related_pay


class StatementPart(enum.StrEnum):
    OBJECTIVES = "objectives"
    STANDARDS = "standards"
    EVIDENCE = "evidence"
    OVERVIEW = "overview"
    PAY = "pay"
    NEXT_OBJECTIVES = "next_objectives"
    NEXT_STANDARDS = "next_standards"
    DEVELOPMENT = "development"
    MONITORING = "monitoring"


def statement_part_for(line: str, *, new_cycle: bool = False) -> StatementPart | None:
    """Which part of the review answers one line of the policy's statement contents.

    The policy lists the contents in its own words (classic §5.7.2 and §5.7.4); this reads
    the words, so a trust can reword a line without breaking the statement. None: no part
    of the review answers it (the statement then says so)."""
    text = line.lower()
    if "pay" in text:
        return StatementPart.PAY
    if "monitor" in text:
        return StatementPart.MONITORING
    if "training" in text or "development need" in text:
        return StatementPart.DEVELOPMENT
    if "evidence" in text:
        return StatementPart.EVIDENCE
    if "standard" in text or "accountabilit" in text:
        return StatementPart.NEXT_STANDARDS if new_cycle else StatementPart.STANDARDS
    if "extent" in text or "targets" in text or "overview" in text:
        return StatementPart.OVERVIEW
    if "objective" in text:
        return StatementPart.NEXT_OBJECTIVES if new_cycle else StatementPart.OBJECTIVES
    return None


def overview_shown_to(rules: PolicySettings, *, reader_is_appraisee: bool) -> bool:
    """Whether this reader sees the review's overview. leger §12: the overview is kept on
    file and shared with the member of staff; where a policy does not share it, it stays
    on file for the reviewer and leaders only."""
    return not reader_is_appraisee or rules.review.overview_shared_with_staff


def copy_goes_to_headteacher(rules: PolicySettings, *, is_headteacher_cycle: bool) -> bool:
    """staploe (Performance Management Review Meeting): a copy of the completed review goes
    to the headteacher to confirm the objectives and support are appropriate. A
    headteacher's own review is not copied to themself."""
    return rules.review.copy_to_headteacher and not is_headteacher_cycle


def headteacher_may_adjust(rules: PolicySettings) -> bool:
    """staploe: having read the copy, the headteacher may adjust the objectives or offer
    support in a different way, always discussed with reviewer and reviewee."""
    return rules.review.copy_to_headteacher and rules.review.headteacher_may_adjust_objectives


# ----- Moderation ---------------------------------------------------------------------


def moderated_kinds(rules: PolicySettings) -> frozenset[ModerationKind]:
    """What a policy lets be drawn into a moderation sample: statements (classic §5.8.1)
    and objectives checked for alignment with the improvement plans (langley §5)."""
    kinds: set[ModerationKind] = set()
    if rules.review.moderation_sample:
        kinds.add(ModerationKind.STATEMENTS)
    if rules.review.alignment_sample_check:
        kinds.add(ModerationKind.OBJECTIVES)
    return frozenset(kinds)


def asks_alignment(rules: PolicySettings) -> bool:
    """langley §5: the moderator checks a sampled record's objectives against the trust
    and academy improvement plans."""
    return rules.review.alignment_sample_check


def draw_sample(population: Sequence[int], size: int, seed: int) -> list[int]:
    """A random sample of ``size`` ids from ``population``, the same for the same seed and
    population whatever order the ids came in (classic §5.8.1, langley §5)."""
    ordered = sorted(set(population))
    return random.Random(seed).sample(ordered, min(size, len(ordered)))
