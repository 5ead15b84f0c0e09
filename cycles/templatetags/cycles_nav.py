"""What the header shows of the cycle pages, decided by ``cycles.permissions``."""

from __future__ import annotations

from django import template
from django.utils import timezone

from organisation.principal import Principal

from ..models import AppraisalCycle, CycleAccessGrant
from ..permissions import ACADEMY_LEADS, committee_cycles

register = template.Library()


@register.simple_tag
def cycles_nav(principal: Principal | None) -> dict[str, bool]:
    """Three flags for at most one query: "My appraisal" for staff, "My reviewees" only
    for people who review someone, "Academy overview" for HR and academy leads."""
    if principal is None or not principal.is_authenticated or principal.is_governor_only:
        return {"mine": False, "reviewees": False, "academy": False}
    staff = principal.staff
    reviews = (
        staff is not None
        and AppraisalCycle.objects.filter(
            trust_id=principal.tenant_id, reviewer_id=staff.pk
        ).exists()
    )
    return {
        "mine": staff is not None,
        "reviewees": reviews,
        "academy": principal.is_hr or bool(principal.academies_with(*ACADEMY_LEADS)),
    }


@register.inclusion_tag("cycles/includes/leader_reviews_link.html")
def cycles_nav_leaders(principal: Principal | None) -> dict[str, bool]:
    """The home page's link to "Headteachers' appraisals", for those it opens for."""
    return {"show": leader_reviews_nav(principal)}


def leader_reviews_nav(principal: Principal | None) -> bool:
    """Whether "Headteachers' appraisals" opens for this person: HR, a chair of governors
    with a headteacher's cycle to set up, or a committee member or adviser with open
    access to one (at most two queries)."""
    if principal is None or not principal.is_authenticated:
        return False
    if committee_cycles(principal).exists():
        return True
    return CycleAccessGrant.objects.filter(
        user_id=principal.user_id or 0,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
        cycle__trust_id=principal.tenant_id,
        cycle__is_headteacher_cycle=True,
    ).exists()
