"""The support and capability figures of the governors' and trustees' reports: how many
support plans were open in the year, at a support stage or in the capability procedure,
counted in one ``GROUP BY`` query and shown with the policy's stricter sensitive threshold."""

from __future__ import annotations

from django.db.models import Case, CharField, Count, Q, Value, When

from calendars.working_days import academic_year_bounds
from reports.measures import Counts, Measure
from reports.sections import Section

from .models import SupportPlan


def _support_counts(trust_id: int, year: int) -> Counts:
    first, last = academic_year_bounds(year)
    rows = (
        SupportPlan.objects.filter(trust_id=trust_id, opened_on__lte=last)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first))
        .annotate(
            category=Case(
                When(capability_started_on__lte=last, then=Value("capability")),
                default=Value("support"),
                output_field=CharField(),
            )
        )
        .order_by()
        .values("academy_id", "staff__staff_group", "category")
        .annotate(n=Count("pk"))
        .values_list("academy_id", "staff__staff_group", "category", "n")
    )
    return {(str(a), str(g), str(c)): n for a, g, c, n in rows}


SECTION = Section(
    key="support",
    title="Support and capability",
    position=50,
    measures=(
        Measure(
            "support_plans",
            "Support plans and capability",
            "How many support plans were open in the year, at a support stage or in the "
            "capability procedure.",
            (("support", "At a support stage"), ("capability", "In capability")),
            population="support_plans",
            partition=True,
            count=_support_counts,
            sensitive=True,
        ),
    ),
)
