"""The headteacher's review committee: who it must hold, as pure rules (no database).

The policy's headteacher section says how many sit on it (``committee_size``), whom it
always includes (``chair_on_committee``, ``ceo_on_committee``) and who sets the
headteacher's objectives (``objectives_set_by``: the governing body needs a governor on
it). A committee "of three" (classic §3.2, leger §7: ``appraised_by`` a governors'
committee) has exactly that many; where the governing body appraises with the CEO (aspire
§5.1, §6.2: the CEO leads, a governor may attend) the size is the most there may be.

The CEO's own appraisal (``MemberFacts.is_ceo`` on the appraisee's side) is by the
trust's board: its committee is of trustees only (``headteacher.ceo_appraised_by``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from policies.schema import Decider, HeadteacherAppraiser, HeadteacherSettings


@dataclass(frozen=True)
class MemberFacts:
    """What the rules need to know about one person offered a seat."""

    name: str
    is_chair: bool = False  # chair of the academy's governing body
    is_governor: bool = False  # a governor of the academy (the chair is one too)
    is_trustee: bool = False
    is_ceo: bool = False


def exact_size(headteacher: HeadteacherSettings) -> bool:
    """A committee of governors has exactly ``committee_size`` members; elsewhere it is
    the most there may be."""
    return headteacher.appraised_by == HeadteacherAppraiser.GOVERNORS_COMMITTEE


def _seats(n: int) -> str:
    return f"{n} member{'s' if n != 1 else ''}"


def required_missing(headteacher: HeadteacherSettings, members: Sequence[MemberFacts]) -> list[str]:
    """The people the policy's committee always includes and ``members`` lacks, in words."""
    missing = []
    if headteacher.chair_on_committee and not any(m.is_chair for m in members):
        missing.append("the chair of governors")
    if headteacher.ceo_on_committee and not any(m.is_ceo for m in members):
        missing.append("the CEO")
    if headteacher.objectives_set_by == Decider.GOVERNING_BODY and not any(
        m.is_governor for m in members
    ):
        missing.append("a governor of the academy (the governing body sets the objectives)")
    return missing


def committee_refusal(
    headteacher: HeadteacherSettings,
    members: Sequence[MemberFacts],
    *,
    for_ceo: bool = False,
) -> str | None:
    """Why ``members`` cannot be the committee the policy describes, or None."""
    size = headteacher.committee_size
    if not members:
        return "Choose the members of the review committee."
    if len({m.name for m in members}) != len(members):
        return "Choose each member once."
    if for_ceo:
        # The CEO is appraised by the board (aspire §5.1): trustees only, as many as the
        # committee has at most.
        outsiders = [m.name for m in members if not m.is_trustee]
        if outsiders:
            return (
                f"The CEO is appraised by {headteacher.ceo_appraised_by.lower()}: "
                f"{', '.join(outsiders)} {'is' if len(outsiders) == 1 else 'are'} not a "
                "trustee."
            )
        if len(members) > size:
            return f"The policy's review committee has at most {_seats(size)}."
        return None
    if exact_size(headteacher) and len(members) != size:
        return f"The policy's review committee has {_seats(size)}: you chose {len(members)}."
    if len(members) > size:
        return (
            f"The policy's review committee has at most {_seats(size)}: you chose {len(members)}."
        )
    missing = required_missing(headteacher, members)
    if missing:
        return "The policy's review committee always includes " + " and ".join(missing) + "."
    return None


def seat_refusal(
    headteacher: HeadteacherSettings,
    current: Sequence[MemberFacts],
    newcomer: MemberFacts,
) -> str | None:
    """Adding one member to a committee being filled one at a time: refused when it would
    take a seat the policy keeps for someone it always includes."""
    after = [*current, newcomer]
    left = headteacher.committee_size - len(after)
    missing = required_missing(headteacher, after)
    if len(missing) > left:
        return (
            "The policy's review committee always includes "
            + " and ".join(required_missing(headteacher, current) or missing)
            + f": the seat{'s' if left + 1 != 1 else ''} left "
            f"{'are' if left + 1 != 1 else 'is'} kept for them."
        )
    return None
