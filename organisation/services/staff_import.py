"""Applying a checked staff CSV: all rows written at once, or none."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, transaction
from django.utils import timezone

from accounts.services import invitations_queue

from .. import selectors
from ..imports import (
    ImportContext,
    RowProblem,
    StaffImportFileError,
    StaffRow,
    parse_staff_csv,
    validate_staff_rows,
)
from ..models import JobRole, StaffMember, Trust
from ..principal import principal_for
from ._common import _user_model
from .line_management import rebuild_line_management

if TYPE_CHECKING:
    from accounts.models import User


IMPORT_BATCH_SIZE = 1000
IMPORT_CHANGE_REASON = "Staff import"


@dataclass
class StaffImportResult:
    """What happened to an uploaded file. Nothing was written unless ``imported``."""

    file_error: str = ""
    problems: list[RowProblem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    row_count: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    accounts_created: int = 0
    job_roles_created: int = 0

    @property
    def imported(self) -> bool:
        return not self.file_error and not self.problems


def staff_import_csv(*, trust: Trust, data: bytes, actor: User | None = None) -> StaffImportResult:
    """Check every row of a staff CSV; if all are right, create or update the staff.

    All or nothing: one bad row and nothing is written. Staff are matched by staff number
    within the trust; staff not in the file are left as they are.
    """
    try:
        parsed = parse_staff_csv(data)
    except StaffImportFileError as exc:
        return StaffImportResult(file_error=str(exc))
    result = StaffImportResult(
        columns=parsed.columns,
        ignored_columns=parsed.ignored_columns,
        row_count=len(parsed.rows),
    )
    with transaction.atomic():
        # One import at a time per trust, so the snapshot we check is the one we write to.
        trust = Trust.objects.select_for_update(of=("self",)).get(pk=trust.pk)
        context = selectors.staff_import_context(
            trust=trust,
            emails=[raw.values.get("email", "") for raw in parsed.rows],
            may_move_guarded_sign_ins=actor is None or principal_for(actor).is_hr,
        )
        validation = validate_staff_rows(parsed, context)
        if not validation.ok:
            result.problems = validation.problems
            return result
        _write_import(
            trust=trust, rows=validation.rows, context=context, actor=actor, result=result
        )
    return result


def _write_import(
    *,
    trust: Trust,
    rows: list[StaffRow],
    context: ImportContext,
    actor: User | None,
    result: StaffImportResult,
) -> None:
    now = timezone.now()
    history = {
        "default_user": actor,
        "default_change_reason": IMPORT_CHANGE_REASON,
        "default_date": now,
    }
    user_model = _user_model()

    # Job roles, matched by title whatever its case.
    roles = {r.name.casefold(): r for r in JobRole.objects.filter(trust=trust)}
    new_roles: dict[str, JobRole] = {}
    for row in rows:
        key = row.job_title.casefold()
        if key not in roles and key not in new_roles:
            new_roles[key] = JobRole(trust=trust, name=row.job_title)
    if new_roles:
        JobRole.objects.bulk_create(new_roles.values(), batch_size=IMPORT_BATCH_SIZE)
        JobRole.history.bulk_history_create(list(new_roles.values()), **history)  # type: ignore[attr-defined]
        roles.update(new_roles)
    result.job_roles_created = len(new_roles)

    # Existing records the file touches, and accounts holding the file's emails.
    existing_ids = [
        context.existing_staff[row.key].id for row in rows if row.key in context.existing_staff
    ]
    existing = StaffMember.objects.select_related("user").in_bulk(existing_ids)
    accounts = {
        u.email: u
        for u in user_model.objects.filter(
            trust=trust, email__in=[row.values["email"] for row in rows]
        )
    }

    # Accounts: link an unlinked account of the trust with the same email (validation has
    # checked it is as good as new), or make one; none where another trust's account holds
    # the address (answered like any new address, as ``staff_create`` does).
    new_users: list[User] = []
    account_for_row: dict[int, User | None] = {}
    for row in rows:
        record = (
            existing.get(context.existing_staff[row.key].id)
            if row.key in context.existing_staff
            else None
        )
        if record is not None and record.user_id is not None:
            continue
        email = row.values["email"]
        held = context.accounts.get(email)
        if held is not None and not held.in_trust:
            account_for_row[row.number] = None
            continue
        user = accounts.get(email)
        if user is None:
            user = user_model(
                email=email,
                trust=trust,
                first_name=row.values["first_name"],
                last_name=row.values["last_name"],
            )
            # What set_unusable_password() stores, made with one random call per account
            # rather than forty: it matters at 10,000 rows.
            user.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20)
            new_users.append(user)
        account_for_row[row.number] = user
    if new_users:
        user_model.objects.bulk_create(new_users, batch_size=IMPORT_BATCH_SIZE)
        user_model.history.bulk_history_create(new_users, **history)  # type: ignore[attr-defined]
    result.accounts_created = len(new_users)
    # Each new account's owner is told it exists, once the import has committed.
    invitations_queue(users=new_users, actor=actor)

    # New staff first (their ids are needed as line managers), then changes to existing staff.
    key_to_id = {key: s.id for key, s in context.existing_staff.items()}
    created: list[StaffMember] = []
    created_rows: list[tuple[StaffRow, StaffMember]] = []
    for row in rows:
        if row.key in context.existing_staff:
            continue
        staff = StaffMember(
            trust=trust,
            staff_number=row.staff_number,
            job_role=roles[row.job_title.casefold()],
            user=account_for_row[row.number],
            **row.values,
        )
        created.append(staff)
        created_rows.append((row, staff))
    # With ids known before the insert, each new person is written once, line manager
    # included; otherwise insert first and set line managers in a second pass.
    ids = _reserve_ids(StaffMember, len(created))
    for (row, staff), pk in zip(created_rows, ids, strict=False):
        staff.pk = pk
        key_to_id[row.key] = pk
    managed: list[StaffMember] = []
    if ids:
        for row, staff in created_rows:
            if row.line_manager_key is not None:
                staff.line_manager_id = key_to_id[row.line_manager_key]
                managed.append(staff)
    StaffMember.objects.bulk_create(created, batch_size=IMPORT_BATCH_SIZE)
    if not ids:
        for row, staff in created_rows:
            key_to_id[row.key] = staff.pk
        for row, staff in created_rows:
            if row.line_manager_key is not None:
                staff.line_manager_id = key_to_id[row.line_manager_key]
                managed.append(staff)
        if managed:
            StaffMember.objects.bulk_update(managed, ["line_manager"], batch_size=IMPORT_BATCH_SIZE)
    if created:
        StaffMember.history.bulk_history_create(created, **history)  # type: ignore[attr-defined]
    result.created = len(created)

    updated: list[StaffMember] = []
    updated_fields: set[str] = set()
    users_to_sync: list[User] = []
    user_fields: set[str] = set()
    line_management_changed = bool(managed)
    for row in rows:
        if row.key not in context.existing_staff:
            continue
        staff = existing[context.existing_staff[row.key].id]
        wanted: dict[str, Any] = {
            ("academy" if name == "academy_id" else name): value
            for name, value in row.values.items()
        }
        wanted["job_role"] = roles[row.job_title.casefold()].pk
        if row.sets_line_manager:
            wanted["line_manager"] = (
                key_to_id[row.line_manager_key] if row.line_manager_key is not None else None
            )
        changed = _apply(staff, wanted)
        if staff.user_id is None and account_for_row.get(row.number) is not None:
            staff.user = account_for_row[row.number]
            changed.append("user")
        if "line_manager" in changed:
            line_management_changed = True
        if changed:
            updated.append(staff)
            updated_fields.update(changed)
        else:
            result.unchanged += 1
        user = staff.user
        if user is not None and "user" not in changed:
            user_changed = _apply(
                user,
                {
                    "email": staff.email.lower(),
                    "first_name": staff.first_name,
                    "last_name": staff.last_name,
                },
            )
            if user_changed:
                users_to_sync.append(user)
                user_fields.update(user_changed)
    if updated:
        StaffMember.objects.bulk_update(
            updated, sorted(updated_fields), batch_size=IMPORT_BATCH_SIZE
        )
        StaffMember.history.bulk_history_create(updated, update=True, **history)  # type: ignore[attr-defined]
    if users_to_sync:
        user_model.objects.bulk_update(
            users_to_sync, sorted(user_fields), batch_size=IMPORT_BATCH_SIZE
        )
        user_model.history.bulk_history_create(users_to_sync, update=True, **history)  # type: ignore[attr-defined]
    result.updated = len(updated)

    if created or line_management_changed:
        rebuild_line_management(trust=trust)


def _reserve_ids(model: type[StaffMember], count: int) -> list[int]:
    """Take ``count`` ids from the table's sequence (PostgreSQL), or none elsewhere."""
    if count == 0 or connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _apply(obj: Any, wanted: dict[str, Any]) -> list[str]:
    """Set the fields of ``obj`` that differ from ``wanted``; return their names.

    Foreign keys are compared and set by id (``academy`` -> ``academy_id``)."""
    changed = []
    for name, value in wanted.items():
        field_obj = obj._meta.get_field(name)
        attname = field_obj.attname
        if getattr(obj, attname) != value:
            setattr(obj, attname, value)
            changed.append(name)
    return changed
