"""The support and capability rules as pure functions of the pinned policy's settings and
the facts: which stage comes next, when a stage may be skipped, how much notice a meeting
needs and the earliest date it may be held, and how long improvement must be sustained.

No database: a ``WorkingCalendar`` (``calendars.working_days``) carries the academy's
working days, so every rule here is tested without one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from calendars.working_days import WorkingCalendar
from policies.schema import AppraisalInCapability, CapabilityLetterWriter
from policies.schema.sections.support import SupportSettings

from .models import CAPABILITY, AppraisalEffect, LetterKind, MeetingKind

CAPABILITY_NAME = "Capability procedure"


@dataclass(frozen=True)
class StageRef:
    key: str
    name: str
    formal: bool = False


def stages(support: SupportSettings) -> list[StageRef]:
    """The policy's own stages in order, then the capability procedure."""
    return [StageRef(s.key, s.name, s.formal) for s in support.stages] + [
        StageRef(CAPABILITY, CAPABILITY_NAME, True)
    ]


def stage_keys(support: SupportSettings) -> list[str]:
    return [s.key for s in stages(support)]


def stage_name(support: SupportSettings, key: str) -> str:
    return next((s.name for s in stages(support) if s.key == key), key)


def first_stage(support: SupportSettings) -> str:
    return support.stages[0].key


def next_stage(support: SupportSettings, current: str) -> str | None:
    """The stage after ``current``, or None at capability (or for a key the policy lacks)."""
    keys = stage_keys(support)
    if current not in keys:
        return None
    index = keys.index(current)
    return keys[index + 1] if index + 1 < len(keys) else None


def may_bypass(support: SupportSettings, current: str) -> bool:
    """Whether the policy lets a plan at ``current`` go straight to capability, skipping
    the stages between (classic §6.11): only where it lists reasons for doing so."""
    return bool(support.skip_informal_when) and next_stage(support, current) not in (
        None,
        CAPABILITY,
    )


def move_refusal(
    support: SupportSettings, current: str, target: str, bypass_reason: str = ""
) -> str | None:
    """Why a plan at ``current`` may not move to ``target``, or None when it may.

    A plan moves one stage at a time along the policy's stages. Going straight to
    capability past a stage needs one of the reasons the policy lists in
    ``skip_informal_when``; a policy listing none never skips a stage."""
    keys = stage_keys(support)
    if target not in keys:
        return "Choose one of the policy's stages."
    if current not in keys:
        return "This plan's stage is not one of its policy's stages."
    following = next_stage(support, current)
    if following is None:
        return "The plan is at the last stage: the capability procedure."
    if target == following:
        return None
    if keys.index(target) <= keys.index(current):
        return "A plan moves on to the next stage; it does not go back."
    skipped = stage_name(support, following)
    if target != CAPABILITY or not support.skip_informal_when:
        return (
            f"The policy moves a plan through each of its stages in turn: "
            f"“{skipped}” comes next and may not be skipped."
        )
    if bypass_reason not in support.skip_informal_when:
        return (
            f"“{skipped}” comes next. The policy allows going straight to capability only "
            "for one of the reasons it lists: choose the reason."
        )
    return None


# ----- The capability procedure's own stages -------------------------------------------------


def capability_stage_keys(support: SupportSettings) -> list[str]:
    return [s.key for s in support.capability_stages]


def first_capability_stage(support: SupportSettings) -> str:
    return support.capability_stages[0].key


def capability_stage_name(support: SupportSettings, key: str) -> str:
    step = support.capability_stage(key)
    return step.name if step is not None else key


def next_capability_stage(support: SupportSettings, current: str) -> str | None:
    """The capability stage after ``current``, or None at the last (or an unknown key)."""
    keys = capability_stage_keys(support)
    if current not in keys:
        return None
    index = keys.index(current)
    return keys[index + 1] if index + 1 < len(keys) else None


def capability_move_refusal(support: SupportSettings, current: str, target: str) -> str | None:
    """Why a plan at capability stage ``current`` may not move to ``target``: the
    procedure goes one stage at a time, in the policy's order. None when it may."""
    keys = capability_stage_keys(support)
    if target not in keys:
        return "Choose one of the capability procedure's stages."
    following = next_capability_stage(support, current)
    if following is None:
        return "The capability procedure is at its last stage: end it or close the plan."
    if target == following:
        return None
    if keys.index(target) <= keys.index(current):
        return "The capability procedure moves on to the next stage; it does not go back."
    return (
        "The capability procedure goes through each of its stages in turn: "
        f"“{capability_stage_name(support, following)}” comes next and may not be skipped."
    )


def meeting_kinds(
    support: SupportSettings, stage: str, capability_stage: str = ""
) -> list[MeetingKind]:
    """The kinds of meeting a plan at ``stage`` holds (in capability: a capability meeting
    where the capability stage is a meeting, and review meetings)."""
    if stage == CAPABILITY:
        step = support.capability_stage(capability_stage)
        if step is not None and not step.holds_meeting:
            return [MeetingKind.REVIEW]
        return [MeetingKind.CAPABILITY, MeetingKind.REVIEW]
    rule = support.stage(stage)
    kinds = [MeetingKind.SUPPORT, MeetingKind.REVIEW]
    if rule is not None and rule.formal:
        kinds.insert(0, MeetingKind.FORMAL)
    return kinds


def notice_working_days(
    support: SupportSettings, stage: str, kind: str, capability_stage: str = ""
) -> int:
    """The least notice, in working days, of a meeting of ``kind`` at ``stage``: for a
    capability meeting, its capability stage's notice where set, else the capability
    meeting's notice; otherwise the stage's own meeting notice (0 when the policy sets
    none)."""
    if kind == MeetingKind.CAPABILITY:
        step = support.capability_stage(capability_stage)
        if step is not None and step.meeting_notice_working_days is not None:
            return step.meeting_notice_working_days
        return support.capability_meeting_notice_working_days
    rule = support.stage(stage)
    if rule is None or rule.meeting_notice_working_days is None:
        return 0
    return rule.meeting_notice_working_days


def earliest_meeting_date(
    calendar: WorkingCalendar, notice_given_on: dt.date, days: int
) -> dt.date:
    """The first day a meeting may be held with ``days`` working days' notice given on
    ``notice_given_on`` (which does not count): that many working days later."""
    if days <= 0:
        return calendar.add_working_days(notice_given_on, 0)
    return calendar.add_working_days(notice_given_on, days)


def notice_refusal(
    calendar: WorkingCalendar, notice_given_on: dt.date, meeting_on: dt.date, days: int
) -> str | None:
    """Why a meeting on ``meeting_on`` is too soon after notice on ``notice_given_on``, with
    the earliest allowed date; None when the notice is enough."""
    if meeting_on < notice_given_on:
        return "The meeting must be on or after the day notice is given."
    if days <= 0:
        return None
    if calendar.working_days_between(notice_given_on, meeting_on) >= days:
        return None
    earliest = earliest_meeting_date(calendar, notice_given_on, days)
    return (
        f"The policy needs at least {days} working day{'s' if days != 1 else ''}' notice "
        f"of this meeting: with notice given on {notice_given_on:%-d %B %Y}, the earliest "
        f"date is {earliest:%-d %B %Y}."
    )


def sustain_until(support: SupportSettings, ended_on: dt.date) -> dt.date | None:
    """The day until which improvement must be sustained after support ends successfully
    (classic §6.10.7), or None when the policy sets no sustain period."""
    if support.sustain_months is None:
        return None
    return _add_months(ended_on, support.sustain_months)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has 28 days


def appraisal_effect(support: SupportSettings) -> AppraisalEffect:
    """What entering capability does to the person's appraisal cycle under this policy."""
    if support.appraisal_in_capability == AppraisalInCapability.NO_LONGER_APPLIES:
        return AppraisalEffect.NO_LONGER_APPLIES
    return AppraisalEffect.SUSPENDED


def headteacher_told(support: SupportSettings) -> bool:
    """Whether recording a concern tells the academy's headteacher at once (classic §6.3)."""
    return support.concerns_reported_to_headteacher


def stage_normally_ends(
    calendar: WorkingCalendar, support: SupportSettings, stage: str, started_on: dt.date
) -> dt.date | None:
    """When a stage normally ends (its ``normal_weeks``): in working weeks of five working
    days on the academy's calendar where the policy counts them so (aspire §11.2: 12
    working weeks, school holidays not counted), otherwise calendar weeks."""
    rule = support.stage(stage)
    if rule is None or rule.normal_weeks is None:
        return None
    if rule.working_weeks:
        return calendar.add_working_days(started_on, rule.normal_weeks * 5)
    return started_on + dt.timedelta(weeks=rule.normal_weeks)


def capability_letter_due(
    calendar: WorkingCalendar, support: SupportSettings, capability_started_on: dt.date
) -> dt.date | None:
    """The day by which the invitation to the capability meeting is written (leger §11:
    within 5 working days of the decision), or None when the policy sets no limit."""
    days = support.capability_letter_within_working_days
    if days is None:
        return None
    return calendar.add_working_days(capability_started_on, days)


def too_early_refusal(
    support: SupportSettings, stage: str, started_on: dt.date, today: dt.date
) -> str | None:
    """Why a plan may not leave ``stage`` yet: it has run less than the stage's
    ``minimum_weeks`` (leger §9: a formal support plan lasts at least 4 weeks). None when
    it may, or when the stage sets no minimum."""
    rule = support.stage(stage)
    if rule is None or rule.minimum_weeks is None:
        return None
    earliest = started_on + dt.timedelta(weeks=rule.minimum_weeks)
    if today >= earliest:
        return None
    return (
        f"The policy says “{rule.name}” lasts at least {rule.minimum_weeks} week"
        f"{'s' if rule.minimum_weeks != 1 else ''}: it can move on from {earliest:%-d %B %Y}."
    )


def progress_meeting_due(
    support: SupportSettings, stage: str, started_on: dt.date, last_meeting: dt.date | None
) -> dt.date | None:
    """When the next progress meeting of ``stage`` is due where the policy sets their
    frequency (aspire §11.2: weekly): that many weeks after the last one, or after the
    stage began. None when the plan sets its own frequency."""
    rule = support.stage(stage)
    if rule is None or rule.meeting_every_weeks is None:
        return None
    since = max(started_on, last_meeting) if last_meeting else started_on
    return since + dt.timedelta(weeks=rule.meeting_every_weeks)


# ----- Letters -------------------------------------------------------------------------------

LETTER_MEETINGS: dict[str, tuple[str, ...]] = {
    # An invitation goes to a formal or capability meeting; an outcome letter follows any
    # meeting that has been held.
    LetterKind.INVITATION: (MeetingKind.FORMAL, MeetingKind.CAPABILITY),
    LetterKind.OUTCOME: tuple(MeetingKind.values),
}


def letter_items(support: SupportSettings, kind: str, meeting_kind: str) -> tuple[str, ...]:
    """What the writer answers in a letter, in the policy's words: the invitation to a
    capability meeting includes ``capability_letter_contents`` (leger §11), an outcome
    letter ``outcome_letter_contents``; an invitation to a formal support meeting says
    what the policy asks of it itself (``letter_facts``) and has no listed contents."""
    if kind == LetterKind.OUTCOME:
        return support.outcome_letter_contents
    if meeting_kind == MeetingKind.CAPABILITY:
        return support.capability_letter_contents
    return ()


def letter_facts(
    support: SupportSettings, kind: str, meeting_kind: str, stage: str, capability_stage: str
) -> list[str]:
    """The sentences the letter states from the policy itself (the notice, the right to
    be accompanied or represented, the papers sent first)."""
    if kind != LetterKind.INVITATION:
        return []
    days = notice_working_days(support, stage, meeting_kind, capability_stage)
    facts = []
    if days:
        facts.append(
            f"The policy gives you at least {days} working day{'s' if days != 1 else ''}' "
            "notice of this meeting."
        )
    if meeting_kind == MeetingKind.CAPABILITY:
        if support.accompanied_at_capability_meeting:
            facts.append(
                "You may be accompanied at the meeting by a trade union representative or a "
                "work colleague. A copy of the capability procedure is sent with this letter."
            )
        return facts
    rule = support.stage(stage)
    if rule is not None:
        if rule.right_to_representation:
            facts.append(
                "You may be represented at the meeting by a trade union representative or a "
                "work colleague."
            )
        if rule.written_feedback_first:
            facts.append("Written feedback on the concerns is sent to you before the meeting.")
        if rule.draft_plan_first:
            facts.append("A draft support plan is sent to you before the meeting.")
    return facts


def letter_refusal(kind: str, meeting_kind: str, held: bool) -> str | None:
    """Why a letter of ``kind`` may not be written for this meeting, or None."""
    if kind not in LETTER_MEETINGS:
        return "Choose the kind of letter."
    if meeting_kind not in LETTER_MEETINGS[kind]:
        return "An invitation letter is written for a formal or capability meeting."
    if kind == LetterKind.INVITATION and held:
        return "The meeting has been held: write the outcome letter instead."
    if kind == LetterKind.OUTCOME and not held:
        return "Record the meeting as held before writing its outcome letter."
    return None


def letter_writer(support: SupportSettings, kind: str, meeting_kind: str) -> CapabilityLetterWriter:
    """Who writes a letter of ``kind`` for a meeting of ``meeting_kind``: the invitation to
    the capability meeting is the headteacher's where the policy says so
    (``support.capability_letter_written_by``, leger §11: "the Headteacher will write");
    every other letter is written by whoever runs the plan."""
    if kind == LetterKind.INVITATION and meeting_kind == MeetingKind.CAPABILITY:
        return support.capability_letter_written_by
    return CapabilityLetterWriter.PLAN


def letter_writer_refusal(writer: CapabilityLetterWriter) -> str:
    """What someone who runs the plan but may not write this letter is told."""
    if writer == CapabilityLetterWriter.HEADTEACHER:
        return (
            "The policy says the headteacher writes the invitation to the capability "
            "meeting: ask the academy's headteacher to write it."
        )
    return "Only whoever manages the plan writes its letters."
