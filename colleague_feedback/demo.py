"""Colleague feedback in the demo trust: where the teachers' policy provides for it, the
line manager has asked four colleagues about one of the teachers they review; three have
answered (so the summary can be read) and the demo teacher's request is still waiting on
their home page. Under a policy that asks the member of staff first, they have agreed.
Made through the services a reviewer and colleagues use; a cycle that already has
feedback is left as it is."""

from __future__ import annotations

from cycles.models import AppraisalCycle, CycleState
from organisation.models import StaffMember

from . import services
from .models import FeedbackRound, RoundStatus

ANSWERS = (
    "Always willing to share resources with the year team, and the planning is thorough.",
    "Behaviour routines are calm and consistent; the class settles quickly after break.",
    "Could share more of the reading work in phase meetings: others would learn from it.",
)


def seed_colleague_feedback(*, staff: dict[str, StaffMember]) -> FeedbackRound | None:
    reviewer, about, waiting = staff["a_hod1"], staff["a_t2"], staff["a_t1"]
    answering = [staff["a_t3"], staff["a_t4"], staff["a_hod2"]]
    cycle = (
        AppraisalCycle.objects.filter(appraisee=about, reviewer=reviewer)
        .exclude(state=CycleState.CLOSED)
        .select_related("policy_version")
        .order_by("-starts_on")
        .first()
    )
    if cycle is None or not cycle.policy_version.rules.review.colleague_feedback:
        return None
    if FeedbackRound.objects.filter(cycle=cycle).exists():
        return None
    assert reviewer.user is not None and about.user is not None
    round_ = services.feedback_round_ask(
        actor=reviewer.user,
        cycle=cycle,
        colleagues=[waiting, *answering],
        question=(
            f"How does {about.first_name} work with the rest of the year team, and what "
            "could they share more widely?"
        ),
    )
    if round_.status == RoundStatus.AWAITING_AGREEMENT:
        round_ = services.feedback_round_agree(actor=about.user, round=round_, agree=True)
    for colleague, text in zip(answering, ANSWERS, strict=True):
        assert colleague.user is not None
        request = round_.requests.get(colleague=colleague)
        services.feedback_answer(actor=colleague.user, request=request, text=text)
    return round_
