"""The plain snapshot of the trust that validation checks the file against (no database)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ExistingStaff:
    """What validation needs to know about a member of staff already in the trust."""

    id: int
    staff_number: str
    email: str
    full_name: str
    line_manager_number: str | None = None
    has_account: bool = False
    # Their account holds a role only HR may move the sign-in of (permissions.GUARDED_ROLES).
    sign_in_guarded: bool = False


@dataclass(frozen=True)
class Account:
    """A sign-in account holding an email address the file uses."""

    in_trust: bool
    staff_number: str | None = None  # the staff member it belongs to, if any (this trust's)
    # Why it may not become a staff record's sign-in (``account_adoption_refusal``), if so.
    adoption_refusal: str | None = None


@dataclass(frozen=True)
class ImportContext:
    academies: dict[str, int]  # academy_key(name) and URN -> academy id
    existing_staff: dict[str, ExistingStaff]  # staff_number_key -> record
    accounts: dict[str, Account] = field(default_factory=dict)  # lower-case email -> account
    central_team_id: int | None = None
    # Whether the one importing may move guarded sign-ins (HR may; an administrator not).
    may_move_guarded_sign_ins: bool = True
