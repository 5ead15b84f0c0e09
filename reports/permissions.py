"""Who sees which reports: scoped to the trust first, then to the academies a role covers.

Governors see their academy's figures; trustees, HR and the chief executive the trust's,
academy by academy; a headteacher their academy's. The reports never name a person, so
there is nothing finer to check: anyone else gets "Page not found".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from organisation.access_log import refused
from organisation.models import Role
from organisation.principal import Principal

from .models import HeadteacherReport, TermlyReportState


@dataclass(frozen=True)
class Scope:
    """The academies a reader sees, and whether they see the trust as a whole."""

    academy_ids: frozenset[int]
    whole_trust: bool

    def allows(self, academy_id: int) -> bool:
        return self.whole_trust or academy_id in self.academy_ids


def report_scope(principal: Principal) -> Scope | None:
    """The reader's scope, or None when they may not see any report."""
    if not principal.is_authenticated:
        return None
    if principal.has_trust_role(Role.TRUSTEE, Role.HR, Role.EXECUTIVE):
        return Scope(academy_ids=frozenset(), whole_trust=True)
    academies = principal.academies_with(Role.GOVERNOR, Role.HEADTEACHER)
    if academies:
        return Scope(academy_ids=academies, whole_trust=False)
    return None


def may_see_reports(principal: Principal) -> bool:
    return report_scope(principal) is not None


# The headteacher's report to the governing body, each term (leger §13).


class TermlyAccess:
    WRITE = "write"  # the academy's headteacher: writes, edits the draft, issues
    READ = "read"


def termly_writer_academies(principal: Principal) -> frozenset[int]:
    """The academies whose report the principal writes: their own as headteacher."""
    if not principal.is_authenticated:
        return frozenset()
    return principal.academies_with(Role.HEADTEACHER)


def termly_access(principal: Principal, report: HeadteacherReport) -> str | None:
    """What the principal may do with one report, or None ("Page not found"). Governors
    of the academy, HR and the CEO read it once it is issued; its headteacher writes it."""
    if not principal.is_authenticated or report.trust_id != principal.trust_id:
        return None
    if report.academy_id in termly_writer_academies(principal):
        return TermlyAccess.WRITE
    if not report.is_issued:
        return None
    if principal.has_trust_role(Role.HR, Role.EXECUTIVE):
        return TermlyAccess.READ
    if report.academy_id in principal.academies_with(Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS):
        return TermlyAccess.READ
    return None


def visible_termly_reports(principal: Principal) -> QuerySet[HeadteacherReport]:
    """The reports the principal may open, in their trust only."""
    if not principal.is_authenticated:
        return HeadteacherReport.objects.none()
    qs = HeadteacherReport.objects.filter(trust_id=principal.tenant_id)
    written = Q(academy_id__in=termly_writer_academies(principal))
    issued = Q(state=TermlyReportState.ISSUED)
    if principal.has_trust_role(Role.HR, Role.EXECUTIVE):
        return qs.filter(written | issued)
    governed = principal.academies_with(Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS)
    return qs.filter(written | (issued & Q(academy_id__in=governed)))


def termly_report_for(
    principal: Principal, pk: int, request: HttpRequest | None = None
) -> tuple[HeadteacherReport, str]:
    """The report and the principal's access, or 404 alike for missing and not yours (a
    refusal of a report that exists is noted in the security log)."""
    if not principal.is_authenticated:
        raise refused(request, HeadteacherReport, pk, "No such page.")
    report = (
        HeadteacherReport.objects.filter(pk=pk, trust_id=principal.tenant_id)
        .select_related("academy")
        .first()
    )
    access = termly_access(principal, report) if report is not None else None
    if report is None or access is None:
        raise refused(request, HeadteacherReport, pk, "No such page.")
    return report, access


def may_see_termly_reports(principal: Principal) -> bool:
    """Whether the headteachers' termly reports page opens: their writers and readers."""
    if not principal.is_authenticated:
        return False
    return bool(
        termly_writer_academies(principal)
        or principal.has_trust_role(Role.HR, Role.EXECUTIVE)
        or principal.academies_with(Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS)
    )
