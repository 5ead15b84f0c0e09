"""Reads: the records of the layers below this app (the staff record, the appraisal cycles,
the access log), the parts every registered source adds, and the pages' lists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AccessLogEntry
from cycles.models import AppraisalCycle
from organisation.models import StaffMember
from organisation.principal import Principal

from . import rules
from .extensions import ArchivePart, logged, values
from .models import AccessRequest


def _name(person: StaffMember | None) -> str:
    return person.full_name if person is not None else ""


def staff_record_parts(staff: StaffMember) -> list[ArchivePart]:
    """The staff record itself: who they are, where they work, their contract."""
    member = StaffMember.objects.select_related("academy", "job_role", "line_manager").get(
        pk=staff.pk
    )
    record = values(
        member,
        "staff_number",
        "first_name",
        "last_name",
        "email",
        "staff_group",
        "has_qts",
        "pay_range",
        "pay_point",
        "pay_point_since",
        "contract_type",
        "contract_end_date",
        "start_date",
        "left_on",
        "is_ect",
        "probation_ends_on",
    )
    record["academy"] = member.academy.name if member.academy_id else ""
    record["job_role"] = member.job_role.name if member.job_role_id else ""
    record["line_manager"] = _name(member.line_manager)
    return [ArchivePart("staff_record", "Your staff record", [record], logged=logged([member]))]


def cycle_parts(staff: StaffMember) -> list[ArchivePart]:
    """Their appraisal cycles (never those they review: those are about someone else)."""
    cycles = list(
        AppraisalCycle.objects.filter(trust_id=staff.trust_id, appraisee_id=staff.pk)
        .select_related("academy", "reviewer", "policy_version__policy")
        .order_by("starts_on", "pk")
    )
    records = []
    for cycle in cycles:
        record = values(
            cycle,
            "id",
            "starts_on",
            "ends_on",
            "state",
            "is_headteacher_cycle",
            "part_year_start",
            "suspended_from",
            "suspension_reason",
            "review_begun_early_reason",
            "created_at",
        )
        record["academy"] = cycle.academy.name
        record["reviewer"] = _name(cycle.reviewer)
        record["policy"] = str(cycle.policy_version)
        records.append(record)
    return [ArchivePart("appraisal_cycles", "Appraisal cycles", records, logged=logged(cycles))]


def requests_about(staff: StaffMember) -> QuerySet[AccessRequest]:
    return AccessRequest.objects.filter(trust_id=staff.trust_id, staff_id=staff.pk)


def access_log_part(staff: StaffMember, keys: Iterable[tuple[str, str]]) -> ArchivePart:
    """Who read, downloaded or exported each record of the archive, and when: one query.

    The records named by ``keys`` (every other part's), the staff record, and the
    person's requests for a copy of their data."""
    by_type: dict[str, set[str]] = defaultdict(set)
    for object_type, object_id in keys:
        by_type[object_type].add(object_id)
    by_type[AccessRequest._meta.label_lower].update(
        str(pk) for pk in requests_about(staff).values_list("pk", flat=True)
    )
    cond = Q(pk__in=[])
    for object_type, ids in by_type.items():
        cond |= Q(object_type=object_type, object_id__in=sorted(ids))
    entries = (
        AccessLogEntry.objects.filter(trust_id=staff.trust_id)
        .filter(cond)
        .select_related("user")
        .order_by("at", "pk")
    )
    records = [
        {
            "at": entry.at,
            "action": entry.action,
            "action_label": entry.get_action_display(),
            "record": entry.record_name,
            "record_type": entry.object_type,
            "record_id": entry.object_id,
            "by": (entry.user.get_full_name() or entry.user.email) if entry.user else "",
        }
        for entry in entries
    ]
    return ArchivePart("access_log", "Who opened your records", records)


# Pages


def own_requests(principal: Principal) -> list[AccessRequest]:
    if principal.staff is None:
        return []
    return list(requests_about(principal.staff).order_by("-requested_at", "-pk")[:20])


def trust_requests(principal: Principal, *, open_only: bool) -> list[AccessRequest]:
    qs = AccessRequest.objects.filter(trust_id=principal.tenant_id, on_behalf=True)
    if open_only:
        qs = qs.filter(responded_on__isnull=True)
    return list(qs.select_related("staff", "requested_by").order_by("due_on", "pk")[:200])


def open_deadlines(
    trust_id: int, *, today: dt.date | None = None
) -> list[tuple[AccessRequest, str]]:
    """HR's requests not yet answered, soonest first, each with its deadline's status."""
    today = today or timezone.localdate()
    rows = (
        AccessRequest.objects.filter(trust_id=trust_id, on_behalf=True, responded_on__isnull=True)
        .select_related("staff")
        .order_by("due_on", "pk")
    )
    return [(row, rules.due_status(due_on=row.due_on, today=today)) for row in rows]


def staff_for_request(principal: Principal, staff_number: str) -> StaffMember | None:
    """A current or former member of staff of HR's trust, by staff number or email."""
    wanted = staff_number.strip()
    if not wanted:
        return None
    return (
        StaffMember.objects.filter(trust_id=principal.tenant_id)
        .filter(Q(staff_number__iexact=wanted) | Q(email__iexact=wanted))
        .order_by("pk")
        .first()
    )


def parts_count(sources: Sequence[object]) -> int:
    """The steps of a build: the sources below this app (staff record, cycles), each
    registered source, and the access log."""
    return len(sources) + 3
