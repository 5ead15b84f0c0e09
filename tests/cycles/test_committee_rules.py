"""Who the headteacher's (and the CEO's) review committee must hold: the pure rules, each
against the policy paragraph it comes from. No database."""

from __future__ import annotations

import pytest

from cycles.committee import MemberFacts, committee_refusal, seat_refusal
from policies.presets import load_preset
from policies.schema import Decider, HeadteacherAppraiser, HeadteacherSettings

CHAIR = MemberFacts(name="Chris Chair", is_chair=True, is_governor=True)
GOV1 = MemberFacts(name="Gail Governor", is_governor=True)
GOV2 = MemberFacts(name="Gus Governor", is_governor=True)
GOV3 = MemberFacts(name="Gina Governor", is_governor=True)
CEO = MemberFacts(name="Cora Ceo", is_ceo=True)
TRUSTEE = MemberFacts(name="Tom Trustee", is_trustee=True)
TRUSTEE2 = MemberFacts(name="Tess Trustee", is_trustee=True)


def preset_headteacher(key: str) -> HeadteacherSettings:
    return load_preset(key).rules.headteacher


def test_classic_committee_is_three_governors_including_the_chair() -> None:
    """classic §3.2: "a sub-group consisting of three ... including the Chair of Governors"."""
    classic = preset_headteacher("classic-objectives")
    assert committee_refusal(classic, [CHAIR, GOV1, GOV2]) is None
    assert "has 3 members: you chose 2" in (committee_refusal(classic, [CHAIR, GOV1]) or "")
    assert "always includes the chair of governors" in (
        committee_refusal(classic, [GOV1, GOV2, GOV3]) or ""
    )


def test_leger_sub_group_of_three_includes_the_trust_ceo() -> None:
    """leger §7: three members of the academy governing body, including the trust CEO."""
    leger = preset_headteacher("leger-pdp")
    assert committee_refusal(leger, [CEO, GOV1, GOV2]) is None
    assert "always includes the CEO" in (committee_refusal(leger, [CHAIR, GOV1, GOV2]) or "")


def test_aspire_ceo_leads_and_a_governor_may_attend() -> None:
    """aspire §5.1, §6.2: the CEO leads the conversation; a nominated governor or the chair
    may attend: the CEO alone will do, the CEO and one governor too, no more."""
    aspire = preset_headteacher("aspire-grow")
    assert committee_refusal(aspire, [CEO]) is None
    assert committee_refusal(aspire, [CEO, CHAIR]) is None
    assert "at most 2 members" in (committee_refusal(aspire, [CEO, CHAIR, GOV1]) or "")
    assert "always includes the CEO" in (committee_refusal(aspire, [GOV1]) or "")


@pytest.mark.policy_setting("headteacher.chair_on_committee")
@pytest.mark.parametrize("chair_required", [True, False])
def test_chair_on_committee(chair_required: bool) -> None:
    """The chair of governors is required only where the policy says so (classic §3.2)."""
    rules = HeadteacherSettings(chair_on_committee=chair_required)
    refusal = committee_refusal(rules, [GOV1, GOV2, GOV3])
    assert (refusal is not None) is chair_required
    if chair_required:
        assert "the chair of governors" in refusal  # type: ignore[operator]
        # Filling seats one at a time: the last seat is kept for the chair.
        assert seat_refusal(rules, [GOV1, GOV2], GOV3) is not None
        assert seat_refusal(rules, [GOV1, GOV2], CHAIR) is None
    else:
        assert seat_refusal(rules, [GOV1, GOV2], GOV3) is None


@pytest.mark.policy_setting("headteacher.ceo_on_committee")
@pytest.mark.parametrize("ceo_required", [True, False])
def test_ceo_on_committee_is_required_where_the_policy_puts_the_ceo_on_it(
    ceo_required: bool,
) -> None:
    rules = HeadteacherSettings(ceo_on_committee=ceo_required)
    refusal = committee_refusal(rules, [CHAIR, GOV1, GOV2])
    assert (refusal is not None) is ceo_required


@pytest.mark.policy_setting("headteacher.objectives_set_by")
@pytest.mark.parametrize(
    ("setter", "refused"), [(Decider.GOVERNING_BODY, True), (Decider.REVIEWER, False)]
)
def test_objectives_set_by_the_governing_body_needs_a_governor(
    setter: Decider, refused: bool
) -> None:
    """classic §4.1: the governing body sets the headteacher's objectives, so its committee
    holds at least one governor; where the policy gives it to the reviewer, the CEO and
    trustees may sit alone."""
    rules = HeadteacherSettings(objectives_set_by=setter, committee_size=3)
    refusal = committee_refusal(rules, [CEO, TRUSTEE, TRUSTEE2])
    assert (refusal is not None) is refused
    if refused:
        assert "a governor of the academy" in refusal  # type: ignore[operator]


@pytest.mark.policy_setting("headteacher.committee_size")
def test_a_governors_committee_has_exactly_its_size_elsewhere_at_most() -> None:
    committee = HeadteacherSettings(committee_size=2)
    assert "has 2 members: you chose 1" in (committee_refusal(committee, [GOV1]) or "")
    with_ceo = HeadteacherSettings(
        committee_size=2, appraised_by=HeadteacherAppraiser.GOVERNING_BODY_WITH_CEO
    )
    assert committee_refusal(with_ceo, [GOV1]) is None


@pytest.mark.policy_setting("headteacher.ceo_appraised_by")
@pytest.mark.parametrize(
    "wording", ["Nominated members of the trust board", "The chair of trustees"]
)
def test_the_ceo_is_appraised_by_the_boards_nominees(wording: str) -> None:
    """aspire §5.1: "The CEO will be appraised by nominated representatives from the Board
    of Directors": trustees only, and the refusal names who appraises the CEO."""
    rules = HeadteacherSettings(ceo_appraised_by=wording)
    assert committee_refusal(rules, [TRUSTEE, TRUSTEE2], for_ceo=True) is None
    refusal = committee_refusal(rules, [TRUSTEE, GOV1], for_ceo=True) or ""
    assert f"appraised by {wording.lower()}" in refusal
    assert "Gail Governor is not a trustee" in refusal


def test_nobody_and_twice_are_refused() -> None:
    rules = HeadteacherSettings()
    assert committee_refusal(rules, []) == "Choose the members of the review committee."
    assert committee_refusal(rules, [GOV1, GOV1, CHAIR]) == "Choose each member once."
