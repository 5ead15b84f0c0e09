"""What the header shows of the cycle pages, decided by ``cycles.permissions``."""

from __future__ import annotations

from django import template

from organisation.principal import Principal

from ..models import AppraisalCycle
from ..permissions import ACADEMY_LEADS

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
