"""The reports as pages read them: every figure of the trust's year counted in the database,
suppressed once for the whole trust, then the rows the reader's scope and filters ask for."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone

from calendars.working_days import academic_year_label, academic_year_of
from cycles.models import AppraisalCycle
from organisation.models import Academy, StaffGroup
from policies.schema.sections.confidentiality import ConfidentialitySettings

from .measures import Measure, year_versions
from .permissions import Scope
from .sections import Section, sections
from .suppression import ALL, System, TableSpec, cell_key, suppress, trust_system

# Suppression is a pure function of the figures; a trust's figures change little from one
# page view to the next, so the hidden cells are kept by a digest of every figure.
_CACHE_SECONDS = 6 * 60 * 60


@dataclass(frozen=True)
class Thresholds:
    ordinary: int
    sensitive: int


@dataclass(frozen=True)
class Filters:
    year: int
    academy_id: int | None = None
    staff_group: str = ""


@dataclass
class Row:
    label: str
    cells: list[int | None]
    total: int | None
    is_total: bool = False


@dataclass
class Table:
    measure: Measure
    headers: list[str]
    rows: list[Row]
    threshold: int

    @property
    def any_hidden(self) -> bool:
        return any(v is None for row in self.rows for v in [*row.cells, row.total])

    @property
    def is_empty(self) -> bool:
        return all(row.total == 0 for row in self.rows)


@dataclass
class SectionTables:
    section: Section
    tables: list[Table]


@dataclass
class Report:
    year: int
    year_label: str
    where: str
    group_label: str
    thresholds: Thresholds
    sections: list[SectionTables] = field(default_factory=list)

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]


def thresholds_for(trust_id: int, year: int) -> Thresholds:
    """The strictest thresholds of the policy versions pinned to the year's cycles: a figure
    is hidden if any policy it covers would hide it (the schema's defaults when there are no
    cycles yet)."""
    rules = [v.rules.confidentiality for v in year_versions(trust_id, year)]
    if not rules:
        rules = [ConfidentialitySettings()]
    return Thresholds(
        ordinary=max(r.small_number_threshold for r in rules),
        sensitive=max(r.sensitive_small_number_threshold for r in rules),
    )


def report_years(trust_id: int, today: dt.date | None = None) -> list[int]:
    """The academic years with cycles, newest first (the current year when there are none).
    Reads the distinct months cycles start in, not the cycles."""
    today = today or timezone.localdate()
    months = AppraisalCycle.objects.filter(trust_id=trust_id).dates("starts_on", "month")
    years = sorted({academic_year_of(m) for m in months}, reverse=True)
    return years or [academic_year_of(today)]


def default_year(years: list[int], today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    current = academic_year_of(today)
    past = [y for y in years if y <= current]
    return past[0] if past else years[-1]


def report_academies(trust_id: int, scope: Scope) -> list[tuple[int, str]]:
    qs = Academy.objects.filter(trust_id=trust_id).order_by("name", "pk")
    if not scope.whole_trust:
        qs = qs.filter(pk__in=scope.academy_ids)
    return list(qs.values_list("pk", "name"))


def _spec(measure: Measure, thresholds: Thresholds) -> TableSpec:
    return TableSpec(
        key=measure.key,
        categories=tuple(c for c, _ in measure.categories),
        threshold=thresholds.sensitive if measure.sensitive else thresholds.ordinary,
        population=measure.population,
        partition=measure.partition,
    )


@dataclass
class TrustFigures:
    system: System
    hidden: frozenset
    specs: dict[str, TableSpec]
    thresholds: Thresholds


def trust_figures(trust_id: int, year: int) -> TrustFigures:
    """Every figure of the trust's year, and which are hidden: one ``GROUP BY`` query per
    measure, whatever the number of staff."""
    thresholds = thresholds_for(trust_id, year)
    academy_ids = (
        Academy.objects.filter(trust_id=trust_id).order_by("pk").values_list("pk", flat=True)
    )
    academies = [str(pk) for pk in academy_ids]
    groups = [g.value for g in StaffGroup]
    tables = []
    specs: dict[str, TableSpec] = {}
    for section in sections():
        for measure in section.measures:
            spec = _spec(measure, thresholds)
            specs[measure.key] = spec
            tables.append((spec, measure.count(trust_id, year)))
    system = trust_system(tables, academies, groups)
    digest = hashlib.sha256(
        json.dumps(
            [sorted(system.values.items()), sorted(system.thresholds.items())], default=list
        ).encode()
    ).hexdigest()
    cache_key = f"reports:hidden:{trust_id}:{year}:{digest}"
    hidden = cache.get(cache_key)
    if hidden is None:
        hidden = suppress(system)
        cache.set(cache_key, hidden, _CACHE_SECONDS)
    return TrustFigures(system=system, hidden=frozenset(hidden), specs=specs, thresholds=thresholds)


def _row(figures: TrustFigures, spec: TableSpec, label: str, academy: str, group: str) -> Row:
    def shown(category: str) -> int | None:
        key = cell_key(spec, academy, group, category)
        return None if key in figures.hidden else figures.system.values.get(key, 0)

    return Row(
        label=label,
        cells=[shown(c) for c in spec.categories],
        total=shown(ALL),
    )


def year_report(trust_id: int, scope: Scope, filters: Filters) -> Report:
    """The appraisal-year report for what the reader may see. Governors and headteachers see
    one academy, by staff group; trustees, HR and the CEO every academy and the trust."""
    figures = trust_figures(trust_id, filters.year)
    academies = report_academies(trust_id, scope)
    names = dict(academies)
    group = filters.staff_group or ALL
    group_label = StaffGroup(filters.staff_group).label if filters.staff_group else "All staff"
    if filters.academy_id is not None:
        where = names[filters.academy_id]
    else:
        where = "The trust, academy by academy"
    report = Report(
        year=filters.year,
        year_label=academic_year_label(filters.year),
        where=where,
        group_label=group_label,
        thresholds=figures.thresholds,
    )
    for section in sections():
        tables = []
        for measure in section.measures:
            spec = figures.specs[measure.key]
            rows: list[Row] = []
            if filters.academy_id is not None:
                a = str(filters.academy_id)
                if not filters.staff_group:
                    for g in StaffGroup:
                        rows.append(_row(figures, spec, g.label, a, g.value))
                    total = _row(figures, spec, f"All staff at {where}", a, ALL)
                else:
                    total = _row(figures, spec, f"{group_label} at {where}", a, group)
                total.is_total = True
                rows.append(total)
            else:
                for pk, name in academies:
                    rows.append(_row(figures, spec, name, str(pk), group))
                total = _row(figures, spec, "Whole trust", ALL, group)
                total.is_total = True
                rows.append(total)
            tables.append(
                Table(
                    measure=measure,
                    headers=[label for _, label in measure.categories],
                    rows=rows,
                    threshold=spec.threshold,
                )
            )
        report.sections.append(SectionTables(section=section, tables=tables))
    return report
