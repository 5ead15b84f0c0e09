"""Organisation pages: home, trust and academies, staff, line management, roles, import.

Views are thin: they find the principal, fetch through ``permissions`` (404 for what the
user may not see, 403 for what they may see but not change), and call a service.
"""

from __future__ import annotations

from ._common import (  # noqa: F401
    IMPORT_SUMMARY_KEY,
    ROLES_PAGE_SIZE,
    STAFF_PAGE_SIZE,
    _actor,
    _posted,
    _principal,
    _require,
    _trust,
)
from .home import home  # noqa: F401
from .job_roles import job_role_list  # noqa: F401
from .line_management import line_management, line_management_index  # noqa: F401
from .role_requests import role_request_decide, role_requests  # noqa: F401
from .roles import _end_of_day, role_grant, role_list, role_revoke  # noqa: F401
from .staff import (  # noqa: F401
    staff_account,
    staff_add,
    staff_detail,
    staff_edit,
    staff_invitation,
    staff_line_manager,
    staff_list,
)
from .staff_import import (  # noqa: F401
    _has_authenticator,
    _import_allowed,
    staff_import,
    staff_import_done,
    staff_import_example,
)
from .trust import (  # noqa: F401
    _academy_for_edit,
    academy_add,
    academy_edit,
    administration,
    trust_detail,
    trust_edit,
)
