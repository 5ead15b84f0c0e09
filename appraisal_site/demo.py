"""A demo trust for trying the product: two academies, a central team, ~40 staff, line
management, term dates, the chosen policy preset and one account per persona.

Idempotent: running it again updates the same trust (matched by slug) instead of adding a
second one, and gives every demo account a fresh password, which it prints.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from calendars.models import CalendarDay, CalendarDayKind, Term
from organisation.models import (
    Academy,
    ContractType,
    JobRole,
    Role,
    RoleAssignment,
    StaffGroup,
    StaffMember,
    Trust,
)
from organisation.services import rebuild_line_management, role_grant
from policies.presets import PRESET_KEYS

# The presets the demo can be built under: every shipped preset.
PRESETS = PRESET_KEYS
# The trust each preset's demo is named after (the policies come from real trusts).
TRUST_NAMES = {
    "langley-interim": "Langley Demo Academy Trust",
    "classic-objectives": "Classic Demo Learning Trust",
    "aspire-grow": "Aspire Demo Multi-Academy Trust",
    "leger-pdp": "Leger Demo Education Trust",
    "staploe-associate": "Staploe Demo Education Trust",
}
FIRST_NAMES = [
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Ellie",
    "Farah",
    "George",
    "Hannah",
    "Isaac",
    "Jess",
    "Kieran",
    "Leah",
    "Mohammed",
    "Nia",
    "Oliver",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Vikram",
    "Willow",
    "Xavier",
    "Yasmin",
    "Zac",
    "Aisha",
    "Callum",
    "Daisy",
    "Ethan",
    "Freya",
    "Harvey",
    "Imogen",
    "Jamal",
    "Kate",
    "Luca",
    "Maisie",
    "Noah",
    "Orla",
    "Reuben",
]
LAST_NAMES = [
    "Ahmed",
    "Brown",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nolan",
    "Owen",
    "Patel",
    "Quinn",
    "Roberts",
    "Smith",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walker",
    "Young",
    "Zhang",
    "Bennett",
    "Cooper",
    "Dixon",
    "Ellis",
    "Foster",
    "Gill",
    "Harris",
    "Jackson",
    "Kaur",
    "Lloyd",
    "Mills",
    "Nash",
    "Osei",
    "Price",
    "Reid",
]


# The Staploe preset's variant names the academy and job role its June-May cycle is for.
LEARNING_SUPPORT_ACADEMY = "Soham Village College"
LEARNING_SUPPORT_ROLE = "Learning support"


@dataclass
class Persona:
    key: str
    label: str
    email: str
    password: str
    mfa_secret: str = ""
    recovery_codes: tuple[str, ...] = ()


@dataclass
class DemoResult:
    trust: Trust
    personas: list[Persona]
    staff_count: int
    created: bool


def _staff_plan(second_academy: str) -> list[dict[str, object]]:
    """Who works where, as (key, academy, role, group, qts, pay, manager key)."""
    rows: list[tuple[str, str, str, str, bool, str, str, str | None]] = [
        ("ceo", "central", "Chief executive officer", "leadership", True, "LSP", "L40", None),
        ("hr", "central", "HR officer", "support", False, "SCP", "25", "ceo"),
        ("admin", "central", "Trust data manager", "support", False, "SCP", "22", "ceo"),
        ("finance", "central", "Finance officer", "support", False, "SCP", "20", "ceo"),
    ]
    for prefix, academy in (("a", "first"), ("b", "second")):
        head = f"{prefix}_head"
        rows += [
            (head, academy, "Headteacher", "leadership", True, "LSP", "L21", "ceo"),
            (
                f"{prefix}_deputy",
                academy,
                "Deputy headteacher",
                "leadership",
                True,
                "LSP",
                "L9",
                head,
            ),
            (
                f"{prefix}_hod1",
                academy,
                "Head of department",
                "teaching",
                True,
                "UPR",
                "U2",
                f"{prefix}_deputy",
            ),
            (
                f"{prefix}_hod2",
                academy,
                "Head of department",
                "teaching",
                True,
                "UPR",
                "U3",
                f"{prefix}_deputy",
            ),
            (
                f"{prefix}_sbm",
                academy,
                "School business manager",
                "support",
                False,
                "SCP",
                "30",
                head,
            ),
        ]
        for n in range(1, 9):
            manager = f"{prefix}_hod1" if n <= 4 else f"{prefix}_hod2"
            point = f"M{min(n + 1, 6)}"
            rows.append(
                (
                    f"{prefix}_t{n}",
                    academy,
                    "Class teacher",
                    "teaching",
                    True,
                    "MPR",
                    point,
                    manager,
                )
            )
        role_ta = LEARNING_SUPPORT_ROLE if prefix == "b" else "Teaching assistant"
        for n in range(1, 5):
            rows.append(
                (
                    f"{prefix}_ta{n}",
                    academy,
                    role_ta,
                    "support",
                    False,
                    "SCP",
                    str(5 + n),
                    f"{prefix}_deputy",
                )
            )
        rows.append(
            (
                f"{prefix}_office",
                academy,
                "Office administrator",
                "support",
                False,
                "SCP",
                "8",
                f"{prefix}_sbm",
            )
        )
    # Make sure the persona line manager (a_hod1) has the persona teacher (a_t1) and TA.
    return [
        {
            "key": key,
            "academy": academy,
            "role": role,
            "group": group,
            "qts": qts,
            "pay_range": pay_range,
            "pay_point": pay_point,
            "manager": manager,
        }
        for key, academy, role, group, qts, pay_range, pay_point, manager in rows
    ]


# Key staff that sign in as a persona, and the label printed for them.
PERSONAS = (
    ("admin", "Trust administrator"),
    ("hr", "HR"),
    ("ceo", "Chief executive"),
    ("a_head", "Headteacher"),
    ("a_deputy", "Delegated lead"),
    ("a_hod1", "Line manager"),
    ("a_t1", "Teacher"),
    ("a_ta1", "Teaching assistant"),
)
# Roles that must use two-step verification get an authenticator (organisation.mfa).
PRIVILEGED = {"admin", "hr", "ceo", "a_head", "a_deputy"}


def _terms(year: int) -> list[tuple[str, dt.date, dt.date]]:
    """A typical English school year starting in September ``year``."""
    return [
        ("Autumn 1", dt.date(year, 9, 3), dt.date(year, 10, 23)),
        ("Autumn 2", dt.date(year, 11, 2), dt.date(year, 12, 18)),
        ("Spring 1", dt.date(year + 1, 1, 5), dt.date(year + 1, 2, 12)),
        ("Spring 2", dt.date(year + 1, 2, 22), dt.date(year + 1, 3, 26)),
        ("Summer 1", dt.date(year + 1, 4, 12), dt.date(year + 1, 5, 28)),
        ("Summer 2", dt.date(year + 1, 6, 7), dt.date(year + 1, 7, 21)),
    ]


def _inset_days(year: int) -> list[dt.date]:
    return [dt.date(year, 9, 1), dt.date(year, 9, 2), dt.date(year + 1, 1, 4)]


def _set_password(user: User) -> str:
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.save(update_fields=["password"])
    return password


def _ensure_mfa(user: User) -> tuple[str, tuple[str, ...]]:
    """Give a privileged demo account an authenticator, so the demo shows real MFA: the
    printed secret goes into any authenticator app, or a printed recovery code is used."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    Authenticator.objects.filter(user=user).delete()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    return secret, tuple(codes[:3])


@transaction.atomic
def seed_demo(*, preset: str, academic_year: int) -> DemoResult:
    if preset not in PRESETS:
        raise ValueError(f"Unknown preset {preset!r}; choose one of {', '.join(PRESETS)}.")
    slug = f"demo-{preset}"
    domain = f"{preset}.example.org"
    trust, created = Trust.objects.get_or_create(slug=slug, defaults={"name": TRUST_NAMES[preset]})

    second_name = LEARNING_SUPPORT_ACADEMY if preset == "staploe-associate" else "Riverside Academy"
    academies = {
        "central": Academy.objects.get_or_create(
            trust=trust, is_central_team=True, defaults={"name": "Central team"}
        )[0],
        "first": Academy.objects.get_or_create(
            trust=trust, name="Oakfield Primary Academy", defaults={"urn": "140001"}
        )[0],
        "second": Academy.objects.get_or_create(
            trust=trust, name=second_name, defaults={"urn": "140002"}
        )[0],
    }

    plan = _staff_plan(second_name)
    staff: dict[str, StaffMember] = {}
    for index, row in enumerate(plan):
        key = str(row["key"])
        role, _ = JobRole.objects.get_or_create(trust=trust, name=str(row["role"]))
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = LAST_NAMES[index % len(LAST_NAMES)]
        email = f"{key.replace('_', '.')}@{domain}"
        user, _ = User.objects.get_or_create(
            email=email, defaults={"trust": trust, "first_name": first, "last_name": last}
        )
        if not user.has_usable_password():
            user.set_unusable_password()
        member, _ = StaffMember.objects.update_or_create(
            trust=trust,
            staff_number=f"D{index + 1:04d}",
            defaults={
                "academy": academies[str(row["academy"])],
                "user": user,
                "first_name": first,
                "last_name": last,
                "email": email,
                "job_role": role,
                "staff_group": StaffGroup(str(row["group"])),
                "has_qts": bool(row["qts"]),
                "pay_range": str(row["pay_range"]),
                "pay_point": str(row["pay_point"]),
                "contract_type": ContractType.PERMANENT,
                "start_date": dt.date(2015 + index % 9, 9, 1),
            },
        )
        staff[key] = member
    for row in plan:
        manager_key = row["manager"]
        member = staff[str(row["key"])]
        manager = staff[str(manager_key)] if manager_key else None
        if member.line_manager_id != (manager.pk if manager else None):
            member.line_manager = manager
            member.save(update_fields=["line_manager"])
    rebuild_line_management(trust=trust)

    # Roles: trust-wide and per academy.
    grants: list[tuple[str, Role, Academy | None]] = [
        ("admin", Role.TRUST_ADMIN, None),
        ("hr", Role.HR, None),
        ("ceo", Role.EXECUTIVE, None),
        ("a_head", Role.HEADTEACHER, academies["first"]),
        # The deputy runs appraisal for the first academy on the headteacher's behalf.
        ("a_deputy", Role.APPRAISAL_DELEGATE, academies["first"]),
        ("b_head", Role.HEADTEACHER, academies["second"]),
    ]
    for key, held, where in grants:
        holder = staff[key].user
        assert holder is not None
        if (
            not RoleAssignment.objects.active()
            .filter(user=holder, role=held, academy=where)
            .exists()
        ):
            role_grant(user=holder, role=held, trust=trust, academy=where, reason="Demo set-up")
    governor, _ = User.objects.get_or_create(
        email=f"governor@{domain}",
        defaults={"trust": trust, "first_name": "Gwen", "last_name": "Governor"},
    )
    if not RoleAssignment.objects.active().filter(user=governor, role=Role.GOVERNOR).exists():
        role_grant(
            user=governor,
            role=Role.GOVERNOR,
            trust=trust,
            academy=academies["first"],
            reason="Demo set-up",
        )

    for academy in (academies["first"], academies["second"], academies["central"]):
        for year in (academic_year - 1, academic_year):
            for name, start, end in _terms(year):
                Term.objects.get_or_create(
                    academy=academy,
                    name=f"{name} {year}",
                    defaults={"starts_on": start, "ends_on": end},
                )
            for day in _inset_days(year):
                CalendarDay.objects.get_or_create(
                    academy=academy,
                    date=day,
                    defaults={"kind": CalendarDayKind.INSET, "description": "INSET day"},
                )

    _apply_policy(trust=trust, preset=preset, staff=staff, academy=academies["second"])

    # Open this year's appraisal cycles, so reviewers have reviewees from the first page.
    from cycles.services import cycles_open
    from probation.demo import seed_probation

    # Before the year opens, so the probationer is left out of it where the policy says so.
    seed_probation(staff=staff, academic_year=academic_year)
    cycles_open(trust=trust, year=academic_year, actor=None)
    _bring_the_year_to_today(trust=trust, academic_year=academic_year)
    from support_plans.demo import seed_support_cases

    seed_support_cases(preset=preset, staff=staff)
    from colleague_feedback.demo import seed_colleague_feedback

    seed_colleague_feedback(staff=staff)
    from pay_progression.demo import seed_pay_review

    seed_pay_review(staff=staff, academy=academies["first"], academic_year=academic_year)

    personas: list[Persona] = []
    for key, label in PERSONAS:
        account = staff[key].user
        assert account is not None
        persona = Persona(
            key=key, label=label, email=account.email, password=_set_password(account)
        )
        if key in PRIVILEGED:
            persona.mfa_secret, persona.recovery_codes = _ensure_mfa(account)
        personas.append(persona)
    personas.append(
        Persona(
            key="governor",
            label="Governor",
            email=governor.email,
            password=_set_password(governor),
        )
    )
    from cycles.demo import seed_leader_reviews

    hr_user = staff["hr"].user
    assert hr_user is not None
    people = seed_leader_reviews(
        trust=trust,
        academy=academies["first"],
        headteacher=staff["a_head"],
        hr=hr_user,
        domain=domain,
    )
    personas += [
        Persona(key=k, label=t, email=u.email, password=_set_password(u)) for k, t, u in people
    ]
    return DemoResult(trust=trust, personas=personas, staff_count=len(staff), created=created)


def _bring_the_year_to_today(*, trust: Trust, academic_year: int) -> None:
    """The year as far as it has gone on today's date: most cycles started with agreed
    objectives, some observed, a few behind (genuinely overdue) and the rest not yet due,
    so the first look is a school mid-year rather than every cycle at "Planning"."""
    from cycles.demo import demo_year_cycles, seed_year_started
    from objectives.demo import seed_objectives
    from reviews.demo import seed_observations

    today = timezone.localdate()
    cycles = demo_year_cycles(trust=trust, academic_year=academic_year)
    seed_year_started(cycles=cycles, today=today)
    seed_objectives(cycles=cycles, today=today)
    seed_observations(cycles=cycles, today=today)


def _apply_policy(
    *, trust: Trust, preset: str, staff: dict[str, StaffMember], academy: Academy
) -> None:
    """Load the preset and make it the policy of the staff groups it covers; groups it does
    not cover (Staploe's policy is for associate staff only) follow the classic preset."""
    from policies import services as policy_services
    from policies.models import PolicyAssignment
    from policies.presets import load_preset

    chosen = policy_services.policy_create_from_preset(trust=trust, preset_key=preset)
    covered = set(load_preset(preset).staff_groups)
    fallback = None
    for group in StaffGroup:
        policy = chosen
        if group.value not in covered:
            if fallback is None:
                fallback = policy_services.policy_create_from_preset(
                    trust=trust, preset_key="classic-objectives"
                )
            policy = fallback
        if not PolicyAssignment.objects.filter(
            trust=trust, staff_group=group, academy__isnull=True, job_role__isnull=True
        ).exists():
            policy_services.policy_assign(trust=trust, staff_group=group, policy=policy, actor=None)
    if preset == "staploe-associate":
        # Learning support staff at Soham Village College run June to May.
        variant_spec = load_preset(preset).variant("learning-support")
        assert variant_spec.academy == LEARNING_SUPPORT_ACADEMY
        assert variant_spec.job_role == LEARNING_SUPPORT_ROLE
        role = JobRole.objects.get(trust=trust, name=LEARNING_SUPPORT_ROLE)
        variant = policy_services.policy_create_from_preset(
            trust=trust, preset_key=preset, variant="learning-support"
        )
        if not PolicyAssignment.objects.filter(
            trust=trust, staff_group=StaffGroup.SUPPORT, academy=academy, job_role=role
        ).exists():
            policy_services.policy_assign(
                trust=trust,
                staff_group=StaffGroup.SUPPORT,
                policy=variant,
                academy=academy,
                job_role=role,
                actor=None,
            )
