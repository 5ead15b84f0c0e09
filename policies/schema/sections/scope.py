"""The policy document's section: Who the policy covers."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import _Frozen
from ..choices import PartYearStart


class ScopeSettings(_Frozen):
    """Who appraisal applies to."""

    TITLE: ClassVar[str] = "Who the policy covers"

    EFFECTS: ClassVar[dict[str, str]] = {
        "exclude_contracts_shorter_than_terms": "Opening the year leaves out anyone whose "
        "contract ends sooner than this many of the academy's terms, and lists them with the "
        "reason.",
        "exclude_ects_in_induction": "Opening the year leaves out early career teachers in "
        "induction, and lists them with the reason.",
        "exclude_probationers": "Opening the year leaves out anyone still on probation (they "
        "join once it ends and the year is opened again), and lists them with the reason.",
        "exclude_staff_in_capability": "Opening the year leaves out anyone the capability "
        "procedure applies to, and lists them with the reason.",
        "probation_months": "Sets how long a new member of staff's probation runs from the "
        "day it starts (0: the policy has no probation, and none can be started).",
        "probation_extension_months": "Sets how much longer probation runs when it is "
        "extended (once, with a reason, HR told by email); 0: it cannot be extended.",
        "probation_review_every_months": "Sets when a probationer's review meetings fall "
        "due (every this many months from the start, and a final one on the last day), "
        "shown on the probation page and the lists and reminded to the line manager.",
        "fixed_term_cycle_matches_contract": "Opening the year ends a short fixed-term "
        "contract's cycle on the day the contract ends instead of with everyone else's.",
        "fixed_term_objectives_sized_to_contract": "On a cycle cut short by a fixed-term "
        "contract, the appraisal record tells reviewer and member of staff to set objectives "
        "that can be met by the day the contract ends.",
        "part_year_starter": "Decides what opening the year does for someone who joins "
        "part-way: a shorter first cycle, none until the next cycle, or a first cycle whose "
        "end the headteacher sets.",
    }

    exclude_contracts_shorter_than_terms: int = Field(
        1,
        ge=0,
        le=6,
        title="Leave out contracts shorter than (terms)",
        description="Staff whose contract is shorter than this many terms are not appraised. "
        "0 appraises everyone whatever the contract length.",
    )
    exclude_ects_in_induction: bool = Field(
        True,
        title="Leave out early career teachers in induction",
        description="ECTs follow the statutory induction programme instead of appraisal.",
    )
    exclude_probationers: bool = Field(
        True,
        title="Leave out staff on probation",
        description="Staff still in their probationary period follow the probation procedure "
        "instead of appraisal.",
    )
    exclude_staff_in_capability: bool = Field(
        True,
        title="Leave out staff under the capability procedure",
        description="Nobody starts an appraisal cycle while the formal capability "
        "procedure applies to them.",
    )
    probation_months: int = Field(
        6,
        ge=0,
        le=24,
        title="Probation length (months)",
        description="How long a new member of staff's probationary period lasts.",
    )
    probation_extension_months: int = Field(
        6,
        ge=0,
        le=24,
        title="Probation may be extended by (months)",
        description="How much longer probation may run if there are concerns. 0 means it "
        "cannot be extended.",
    )
    probation_review_every_months: int = Field(
        3,
        ge=1,
        le=12,
        title="Probation reviews every (months)",
        description="How often a probationer has a review meeting.",
    )
    fixed_term_cycle_matches_contract: bool = Field(
        True,
        title="Short fixed-term contracts: cycle is the contract's length",
        description="For fixed-term contracts shorter than a year, the appraisal period runs "
        "for the length of the contract instead of a full cycle.",
    )
    fixed_term_objectives_sized_to_contract: bool = Field(
        True,
        title="Short fixed-term contracts: objectives sized to the contract",
        description="Objectives for a short fixed-term contract take its length into account.",
    )
    part_year_starter: PartYearStart = Field(
        PartYearStart.SHORT_FIRST_CYCLE,
        title="Someone who starts part-way through a cycle",
        description="How the first cycle is set for a person who joins part-way through.",
    )
