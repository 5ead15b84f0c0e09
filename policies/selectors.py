"""Reads: which policy version applies to whom, and what pages show about policies.

Which policy applies: the most specific assignment for the person's staff group wins
(academy + job role, then job role, then academy, then trust-wide); then the version of
that policy in force on the date (the latest whose effective date is on or before it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from organisation.models import Academy, JobRole, StaffGroup, StaffMember, Trust

from .models import Policy, PolicyAssignment, PolicyVersion
from .presets import all_presets, load_preset, split_policy_key
from .schema import (
    DescribedSetting,
    PolicySettings,
    Section,
    changed_paths,
    describe_settings,
    field_specs,
    flatten_settings,
    format_value,
    section_title,
)

ACADEMY_AND_ROLE = "academy_and_role"
ROLE = "role"
ACADEMY = "academy"
TRUST_WIDE = "trust_wide"

REASON_LABELS = {
    ACADEMY_AND_ROLE: "Academy and job role override",
    ROLE: "Job role override",
    ACADEMY: "Academy override",
    TRUST_WIDE: "Trust-wide",
}
_RANK = {ACADEMY_AND_ROLE: 0, ROLE: 1, ACADEMY: 2, TRUST_WIDE: 3}


def assignment_scope(academy_id: int | None, job_role_id: int | None) -> str:
    if academy_id is not None and job_role_id is not None:
        return ACADEMY_AND_ROLE
    if job_role_id is not None:
        return ROLE
    if academy_id is not None:
        return ACADEMY
    return TRUST_WIDE


def _applies(a: PolicyAssignment, academy_id: int | None, job_role_id: int | None) -> bool:
    return (a.academy_id is None or a.academy_id == academy_id) and (
        a.job_role_id is None or a.job_role_id == job_role_id
    )


def most_specific(
    assignments: Iterable[PolicyAssignment],
    *,
    staff_group: str,
    academy_id: int | None,
    job_role_id: int | None,
) -> PolicyAssignment | None:
    """The assignment that wins for a person in ``staff_group`` at ``academy_id`` in
    ``job_role_id`` (pure: works on already-loaded rows)."""
    candidates = [
        a
        for a in assignments
        if a.staff_group == staff_group and _applies(a, academy_id, job_role_id)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda a: _RANK[assignment_scope(a.academy_id, a.job_role_id)])


def versions_in_force(policy_ids: Iterable[int], on: dt.date) -> dict[int, PolicyVersion]:
    """policy id → its version in force on ``on``, in one query."""
    ids = set(policy_ids)
    if not ids:
        return {}
    rows = (
        PolicyVersion.objects.filter(policy_id__in=ids, effective_from__lte=on)
        .select_related("policy")
        .order_by("policy_id", "-effective_from")
    )
    # The first row per policy is the one in force. A trust has a handful of versions per
    # policy, so picking it here is as cheap as DISTINCT ON and works on SQLite too.
    in_force: dict[int, PolicyVersion] = {}
    for version in rows:
        in_force.setdefault(version.policy_id, version)
    return in_force


def version_in_force(*, policy: Policy, on: dt.date) -> PolicyVersion | None:
    return (
        PolicyVersion.objects.filter(policy=policy, effective_from__lte=on)
        .select_related("policy")
        .order_by("-effective_from")
        .first()
    )


def policy_for(*, staff_member: StaffMember, on: dt.date) -> PolicyVersion | None:
    """The policy version that governs ``staff_member`` on ``on`` (None if their staff
    group has no policy, or its policy has no version in force yet)."""
    assignments = PolicyAssignment.objects.filter(
        trust_id=staff_member.trust_id, staff_group=staff_member.staff_group
    ).filter(
        Q(academy__isnull=True) | Q(academy_id=staff_member.academy_id),
        Q(job_role__isnull=True) | Q(job_role_id=staff_member.job_role_id),
    )
    best = most_specific(
        assignments,
        staff_group=staff_member.staff_group,
        academy_id=staff_member.academy_id,
        job_role_id=staff_member.job_role_id,
    )
    if best is None:
        return None
    return versions_in_force([best.policy_id], on).get(best.policy_id)


def policy_versions_for_staff(
    staff_qs: QuerySet[StaffMember], on: dt.date
) -> dict[int, PolicyVersion]:
    """staff id → policy version in force on ``on``, for every member of ``staff_qs`` that
    has one. Three queries whatever the number of staff (used to open cycles in bulk)."""
    staff_rows = list(
        staff_qs.order_by().values_list(
            "id", "trust_id", "academy_id", "job_role_id", "staff_group"
        )
    )
    if not staff_rows:
        return {}
    trust_ids = {row[1] for row in staff_rows}
    by_trust_group: dict[tuple[int, str], list[PolicyAssignment]] = {}
    for assignment in PolicyAssignment.objects.filter(trust_id__in=trust_ids):
        key = (assignment.trust_id, assignment.staff_group)
        by_trust_group.setdefault(key, []).append(assignment)
    chosen: dict[int, int] = {}
    for staff_id, trust_id, academy_id, job_role_id, staff_group in staff_rows:
        best = most_specific(
            by_trust_group.get((trust_id, staff_group), ()),
            staff_group=staff_group,
            academy_id=academy_id,
            job_role_id=job_role_id,
        )
        if best is not None:
            chosen[staff_id] = best.policy_id
    versions = versions_in_force(chosen.values(), on)
    return {
        staff_id: versions[policy_id]
        for staff_id, policy_id in chosen.items()
        if policy_id in versions
    }


# ----- Pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """What applies to one group of staff, and why."""

    policy: Policy | None
    version: PolicyVersion | None
    scope: str
    job_role: JobRole | None = None
    assignment: PolicyAssignment | None = None

    @property
    def reason(self) -> str:
        return REASON_LABELS[self.scope] if self.policy else "No policy assigned"


@dataclass(frozen=True)
class OverviewCell:
    staff_group: str
    staff_group_label: str
    applied: Applied
    role_overrides: list[Applied] = field(default_factory=list)


@dataclass(frozen=True)
class OverviewRow:
    academy: Academy
    cells: list[OverviewCell]


def assignment_overview(trust: Trust, on: dt.date) -> list[OverviewRow]:
    """For each academy and staff group: the policy and version that applies on ``on`` and
    why, plus any job-role overrides that apply to some of that group there. Three queries
    whatever the size of the trust."""
    academies = list(Academy.objects.filter(trust=trust))
    assignments = list(
        PolicyAssignment.objects.filter(trust=trust).select_related("policy", "academy", "job_role")
    )
    versions = versions_in_force({a.policy_id for a in assignments}, on)

    def applied(a: PolicyAssignment | None) -> Applied:
        if a is None:
            return Applied(policy=None, version=None, scope=TRUST_WIDE)
        return Applied(
            policy=a.policy,
            version=versions.get(a.policy_id),
            scope=assignment_scope(a.academy_id, a.job_role_id),
            job_role=a.job_role,
            assignment=a,
        )

    rows = []
    for academy in academies:
        cells = []
        for group in StaffGroup:
            in_group = [a for a in assignments if a.staff_group == group.value]
            base = most_specific(
                [a for a in in_group if a.job_role_id is None],
                staff_group=group.value,
                academy_id=academy.pk,
                job_role_id=None,
            )
            # A role override applies at this academy when it is trust-wide for the role or
            # for this academy; the academy-specific one beats the trust-wide one.
            role_ids = {
                a.job_role_id
                for a in in_group
                if a.job_role_id is not None and a.academy_id in (None, academy.pk)
            }
            overrides = []
            for role_id in role_ids:
                winner = most_specific(
                    in_group, staff_group=group.value, academy_id=academy.pk, job_role_id=role_id
                )
                if winner is not None and winner.job_role_id is not None:
                    overrides.append(applied(winner))
            overrides.sort(key=lambda x: x.job_role.name if x.job_role else "")
            cells.append(
                OverviewCell(
                    staff_group=group.value,
                    staff_group_label=group.label,
                    applied=applied(base),
                    role_overrides=overrides,
                )
            )
        rows.append(OverviewRow(academy=academy, cells=cells))
    return rows


def trust_policies(trust: Trust) -> list[Policy]:
    """The trust's policies with their versions (newest first) and how many assignments
    use each. Three queries."""
    return list(
        Policy.objects.filter(trust=trust)
        .annotate(assignment_count=Count("assignments"))
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=PolicyVersion.objects.select_related("created_by").order_by(
                    "-effective_from", "-number"
                ),
            )
        )
        .order_by("name")
    )


def group_assignments(trust: Trust, staff_group: str) -> list[PolicyAssignment]:
    """Every assignment for one staff group, trust-wide first, then overrides."""
    rows = list(
        PolicyAssignment.objects.filter(trust=trust, staff_group=staff_group).select_related(
            "policy", "academy", "job_role"
        )
    )
    rows.sort(
        key=lambda a: (
            -_RANK[assignment_scope(a.academy_id, a.job_role_id)],
            a.academy.name if a.academy else "",
            a.job_role.name if a.job_role else "",
        )
    )
    return rows


def policy_versions(policy: Policy) -> list[PolicyVersion]:
    return list(
        PolicyVersion.objects.filter(policy=policy)
        .select_related("created_by")
        .order_by("-effective_from", "-number")
    )


def latest_version(policy: Policy) -> PolicyVersion | None:
    return (
        PolicyVersion.objects.filter(policy=policy).order_by("-effective_from", "-number").first()
    )


def previous_version(version: PolicyVersion) -> PolicyVersion | None:
    return (
        PolicyVersion.objects.filter(
            policy_id=version.policy_id, effective_from__lt=version.effective_from
        )
        .order_by("-effective_from")
        .first()
    )


# Origins of a displayed value.
FROM_POLICY = "policy"
SET_BY_TRUST = "trust"
TRUST_DEFAULT = "default"


@dataclass(frozen=True)
class ShownSetting:
    path: str
    label: str
    description: str
    value: str
    lines: tuple[str, ...]
    origin: str
    source: str
    changed: bool = False
    effect: str = ""


@dataclass(frozen=True)
class ShownSection:
    key: str
    title: str
    settings: list[ShownSetting]
    applies: bool = True


def preset_sources(policy: Policy) -> tuple[dict[str, str], dict[str, object]]:
    """(path → paragraph, path → the preset's value) for a policy made from a preset."""
    if not policy.preset:
        return {}, {}
    preset_key, variant = split_policy_key(policy.preset)
    try:
        preset = load_preset(preset_key)
        rules = preset.rules_for(variant)
        sources = preset.sources_for(variant)
    except KeyError:
        return {}, {}
    return sources, flatten_settings(rules)


def describe_version(
    version: PolicyVersion, compare_with: PolicyVersion | None = None
) -> list[ShownSection]:
    """Every setting of ``version`` in plain words, each marked as from the policy (with
    its paragraph), set by the trust, or the trust default; and, when ``compare_with`` is
    given, whether it changed since that version."""
    rules = version.rules
    sources, preset_values = preset_sources(version.policy)
    defaults = flatten_settings(PolicySettings())
    values = flatten_settings(rules)
    changed = set(changed_paths(compare_with.rules, rules)) if compare_with else set()
    sections: list[Section] = describe_settings(rules, sources)
    shown = []
    for section in sections:
        items = []
        for s in section.settings:
            if s.path in sources and values[s.path] == preset_values.get(s.path):
                origin, source = FROM_POLICY, sources[s.path]
            elif values[s.path] == defaults[s.path] and (
                not preset_values or values[s.path] == preset_values.get(s.path)
            ):
                origin, source = TRUST_DEFAULT, ""
            else:
                origin, source = SET_BY_TRUST, ""
            items.append(
                ShownSetting(
                    **{
                        k: v
                        for k, v in dataclasses.asdict(s).items()
                        if k in ("path", "label", "description", "value", "lines", "effect")
                    },
                    origin=origin,
                    source=source,
                    changed=s.path in changed,
                )
            )
        shown.append(
            ShownSection(
                key=section.key, title=section.title, settings=items, applies=section.applies
            )
        )
    return shown


@dataclass(frozen=True)
class PresetChoice:
    key: str
    name: str
    description: str
    staff_groups: tuple[str, ...]
    policy: Policy | None


def preset_choices(trust: Trust) -> list[PresetChoice]:
    """The five presets, each with the trust's policy made from it, if any."""
    loaded = {p.preset: p for p in Policy.objects.filter(trust=trust).exclude(preset="")}
    return [
        PresetChoice(
            key=p.key,
            name=p.name,
            description=p.description,
            staff_groups=p.staff_groups,
            policy=loaded.get(p.key),
        )
        for p in all_presets()
    ]


# ----- The policy page by section, and what changed between versions -------------------

SUMMARY_ITEMS = 3


@dataclass(frozen=True)
class SectionSummary:
    """One row of a version's list of sections: its title, whether the policy's model uses
    it, and a line naming the settings that differ from the preset the policy was made from
    (where none do, what the preset itself sets), or from the trust defaults."""

    key: str
    title: str
    applies: bool
    summary: str
    differing: int


def _listed(settings: list[DescribedSetting]) -> str:
    shown = "; ".join(f"{s.label}: {s.value}" for s in settings[:SUMMARY_ITEMS])
    more = len(settings) - SUMMARY_ITEMS
    return shown + (f"; and {more} more" if more > 0 else "")


def section_summaries(version: PolicyVersion) -> list[SectionSummary]:
    values = flatten_settings(version.rules)
    _, preset_values = preset_sources(version.policy)
    defaults = flatten_settings(PolicySettings())
    rows = []
    for section in describe_settings(version.rules):
        from_default = [s for s in section.settings if values[s.path] != defaults[s.path]]
        from_preset = [
            s
            for s in section.settings
            if preset_values and values[s.path] != preset_values.get(s.path, values[s.path])
        ]
        if from_preset:
            summary = "Changed from the preset: " + _listed(from_preset)
        elif preset_values:
            summary = "As the preset" + (f": {_listed(from_default)}" if from_default else "")
        elif from_default:
            summary = "Set by the trust: " + _listed(from_default)
        else:
            summary = "Trust defaults"
        rows.append(
            SectionSummary(
                key=section.key,
                title=section.title,
                applies=section.applies,
                summary=summary,
                differing=len(from_preset if preset_values else from_default),
            )
        )
    return rows


@dataclass(frozen=True)
class ChangedSetting:
    path: str
    label: str
    old: str
    new: str
    old_lines: tuple[str, ...]
    new_lines: tuple[str, ...]


@dataclass(frozen=True)
class ChangedSection:
    key: str
    title: str
    changes: list[ChangedSetting]


def version_changes(old: PolicyVersion, new: PolicyVersion) -> list[ChangedSection]:
    """Only the settings whose value differs between ``old`` and ``new``, old and new value
    in plain words, grouped by section in display order (empty when nothing changed)."""
    before, after = flatten_settings(old.rules), flatten_settings(new.rules)
    sections: dict[str, ChangedSection] = {}
    for spec in field_specs():
        if before.get(spec.path) == after.get(spec.path):
            continue
        old_text, old_lines = format_value(spec, before.get(spec.path))
        new_text, new_lines = format_value(spec, after.get(spec.path))
        section = sections.setdefault(
            spec.section,
            ChangedSection(key=spec.section, title=section_title(spec.section), changes=[]),
        )
        section.changes.append(
            ChangedSetting(
                path=spec.path,
                label=spec.label,
                old=old_text,
                new=new_text,
                old_lines=old_lines,
                new_lines=new_lines,
            )
        )
    return list(sections.values())
