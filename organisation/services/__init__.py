"""Every write to the organisation: staff, line management and role grants.

Services take keyword-only arguments, check what they must, write inside one transaction
and raise ``OrganisationError`` with a sentence a person can act on when a change is refused.

One module per concept: ``trust`` (the trust and its academies), ``staff``, ``accounts``
(sign-in accounts), ``line_management``, ``roles``, ``role_requests`` and ``staff_import``.
Import from here; the modules are where each rule is written.
"""

from __future__ import annotations

from ._common import SELF_GRANT_MESSAGE, OrganisationError
from .accounts import (
    AccountUnavailable,
    account_create,
    account_ensure_for_staff,
    account_unavailable_message,
    sign_in_guarded_message,
    staff_invitation_resend,
)
from .line_management import rebuild_line_management, staff_set_line_manager, would_create_loop
from .role_requests import role_grant_or_request, role_request, role_request_decide
from .roles import role_grant, role_grant_to_staff, role_revoke
from .staff import STAFF_FIELDS, job_role_get_or_create, staff_create, staff_update
from .staff_import import (
    IMPORT_BATCH_SIZE,
    IMPORT_CHANGE_REASON,
    StaffImportResult,
    staff_import_csv,
)
from .trust import academy_create, academy_update, trust_update

__all__ = [
    "IMPORT_BATCH_SIZE",
    "IMPORT_CHANGE_REASON",
    "SELF_GRANT_MESSAGE",
    "STAFF_FIELDS",
    "AccountUnavailable",
    "OrganisationError",
    "StaffImportResult",
    "academy_create",
    "academy_update",
    "account_create",
    "account_ensure_for_staff",
    "account_unavailable_message",
    "job_role_get_or_create",
    "rebuild_line_management",
    "role_grant",
    "role_grant_or_request",
    "role_grant_to_staff",
    "role_request",
    "role_request_decide",
    "role_revoke",
    "sign_in_guarded_message",
    "staff_create",
    "staff_import_csv",
    "staff_invitation_resend",
    "staff_set_line_manager",
    "staff_update",
    "trust_update",
    "would_create_loop",
]
