"""Line management: who manages whom, kept as a closure table so that "everyone below
this person" is one query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection, transaction

from ..models import LineManagementPath, StaffMember, Trust
from ._common import OrganisationError, _ensure_self_path

if TYPE_CHECKING:
    from accounts.models import User


def would_create_loop(*, staff: StaffMember, manager: StaffMember | None) -> bool:
    """True if making ``manager`` the line manager of ``staff`` closes a loop."""
    if manager is None:
        return False
    if manager.pk == staff.pk:
        return True
    return LineManagementPath.objects.filter(manager=staff, report=manager).exists()


@transaction.atomic
def staff_set_line_manager(
    *, staff: StaffMember, manager: StaffMember | None, actor: User | None = None
) -> StaffMember:
    """Change who line-manages ``staff``; keeps the closure table right for the subtree."""
    staff = StaffMember.objects.select_for_update(of=("self",)).get(pk=staff.pk)
    if manager is not None:
        if manager.trust_id != staff.trust_id:
            raise OrganisationError("A line manager must work for the same trust.")
        if would_create_loop(staff=staff, manager=manager):
            raise OrganisationError(
                f"{manager.full_name} cannot line-manage {staff.full_name}: "
                f"{manager.full_name} already reports to {staff.full_name}, directly or "
                "through others, so this would make a loop."
            )
    if staff.line_manager_id == (manager.pk if manager else None):
        return staff
    _ensure_self_path(staff)
    subtree = list(
        LineManagementPath.objects.filter(manager=staff).values_list("report_id", "depth")
    )
    subtree_ids = [report_id for report_id, _ in subtree]
    # Cut the subtree loose from everyone above ``staff``.
    LineManagementPath.objects.filter(report_id__in=subtree_ids).exclude(
        manager_id__in=subtree_ids
    ).delete()
    if manager is not None:
        _ensure_self_path(manager)
        above = list(
            LineManagementPath.objects.filter(report=manager).values_list("manager_id", "depth")
        )
        LineManagementPath.objects.bulk_create(
            [
                LineManagementPath(
                    trust_id=staff.trust_id,
                    manager_id=anc_id,
                    report_id=report_id,
                    depth=anc_depth + 1 + sub_depth,
                )
                for anc_id, anc_depth in above
                for report_id, sub_depth in subtree
            ]
        )
    staff.line_manager = manager
    if actor is not None:
        staff._history_user = actor  # type: ignore[attr-defined]
    staff.save(update_fields=["line_manager"])
    return staff


def rebuild_line_management(*, trust: Trust) -> int:
    """Recompute the whole closure table for a trust from ``line_manager`` (after imports).

    Returns the number of paths written. Assumes no loops (imports refuse them first).
    """
    with transaction.atomic():
        LineManagementPath.objects.filter(trust=trust).delete()
        if connection.vendor in _RECURSIVE_SQL_VENDORS:
            return _rebuild_line_management_sql(trust_id=trust.pk)
        parent = dict(StaffMember.objects.filter(trust=trust).values_list("id", "line_manager_id"))
        rows: list[LineManagementPath] = []
        for staff_id in parent:
            depth = 0
            current: int | None = staff_id
            seen: set[int] = set()
            while current is not None and current not in seen:
                seen.add(current)
                rows.append(
                    LineManagementPath(
                        trust=trust, manager_id=current, report_id=staff_id, depth=depth
                    )
                )
                current = parent.get(current)
                depth += 1
        LineManagementPath.objects.bulk_create(rows, batch_size=2000)
        return len(rows)


_RECURSIVE_SQL_VENDORS = {"postgresql", "sqlite"}
# No real line management is this deep; the cap only ends the walk if a loop slipped in.
_MAX_LINE_MANAGEMENT_DEPTH = 100
_REBUILD_SQL = """
WITH RECURSIVE chain (manager_id, report_id, depth) AS (
    SELECT id, id, 0 FROM organisation_staffmember WHERE trust_id = %s
    UNION ALL
    SELECT s.line_manager_id, chain.report_id, chain.depth + 1
    FROM chain JOIN organisation_staffmember s ON s.id = chain.manager_id
    WHERE s.line_manager_id IS NOT NULL AND chain.depth < %s
)
INSERT INTO organisation_linemanagementpath (trust_id, manager_id, report_id, depth)
SELECT %s, manager_id, report_id, MIN(depth) FROM chain GROUP BY manager_id, report_id
"""


def _rebuild_line_management_sql(*, trust_id: int) -> int:
    """The same paths as the loop in ``rebuild_line_management``, computed by the database:
    a 10,000-person trust is one statement instead of ~60,000 objects built in Python.
    Taking the shortest depth per pair matches the loop's stop-at-first-repeat."""
    with connection.cursor() as cursor:
        cursor.execute(_REBUILD_SQL, [trust_id, _MAX_LINE_MANAGEMENT_DEPTH, trust_id])
        return cursor.rowcount
