"""Small-number suppression: which figures of a report are hidden.

Pure functions, no database. A report's figures are *cells*: counts keyed by a tuple of
strings. Published figures add up, and each way they add up is a *relation*: a total cell
equal to the sum of its part cells (an academy's figure is the sum of its staff groups'; the
trust's is the sum of its academies'; a row's total is the sum of its columns).

1. **Primary suppression**: a cell counting between 1 and its threshold minus one is hidden
   (the policy's ``small_number_threshold``, or ``sensitive_small_number_threshold`` for
   support, capability and equality figures). A zero is shown: it identifies nobody.
2. **Secondary suppression**: more cells are hidden until no hidden cell can be worked out
   from the published ones. First, no relation may hide exactly one of its cells (the others
   would give it away by subtraction); then every hidden cell is checked against the whole
   system of relations by linear algebra, and a cell that the published figures still pin down
   gets a further complement. Complements are the smallest non-zero published figures of the
   relation (parts before totals), ties broken by key, so the same figures always give the
   same hidden cells.

Suppression is decided once, over every cell of the whole trust (the trust, each academy,
each staff group within each, every table sharing a total), so no combination of the reports
anyone may see, the trust's report minus the other academies', an academy's report minus a
staff group's, reveals a hidden cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

Key = tuple[str, ...]
ALL = "*"

# A large prime: the elimination runs over the integers modulo it. The relations' coefficients
# are 0 and ±1 and the tables are sums of sums, so the determinants met are tiny integers and
# no rank is lost modulo a 61-bit prime.
_PRIME = (1 << 61) - 1


@dataclass(frozen=True)
class Relation:
    """``total`` = the sum of ``parts``."""

    total: Key
    parts: tuple[Key, ...]

    @property
    def members(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


@dataclass
class System:
    """Every cell of a trust's reports, each cell's threshold, and how the cells add up."""

    values: dict[Key, int] = field(default_factory=dict)
    thresholds: dict[Key, int] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)

    def add(self, other: System) -> None:
        for key, value in other.values.items():
            known = self.values.get(key)
            if known is not None and known != value:
                raise ValueError(f"Cell {key} has two values: {known} and {value}.")
            self.values[key] = value
        for key, threshold in other.thresholds.items():
            self.thresholds[key] = max(threshold, self.thresholds.get(key, 0))
        self.relations.extend(other.relations)


def is_primary(value: int, threshold: int) -> bool:
    """A figure small enough to identify someone: between 1 and the threshold minus one."""
    return 0 < value < threshold


def primary_cells(system: System) -> set[Key]:
    return {
        key
        for key, value in system.values.items()
        if is_primary(value, system.thresholds.get(key, 0))
    }


def _complement_order(system: System, relation: Relation, key: Key) -> tuple[bool, bool, int, Key]:
    value = system.values[key]
    return (value == 0, key == relation.total, value, key)


def _close_relations(
    system: System,
    hidden: set[Key],
    by_cell: Mapping[Key, list[int]],
    pending: Iterable[int],
) -> None:
    """Hide complements until no relation hides exactly one of its cells."""
    queue = sorted(set(pending))
    queued = set(queue)
    while queue:
        index = queue.pop()
        queued.discard(index)
        relation = system.relations[index]
        members = relation.members
        hidden_here = [k for k in members if k in hidden]
        if len(hidden_here) != 1:
            continue
        shown = [k for k in members if k not in hidden]
        if not shown:
            continue
        complement = min(shown, key=lambda k: _complement_order(system, relation, k))
        hidden.add(complement)
        for other in by_cell[complement]:
            if other not in queued:
                queued.add(other)
                queue.append(other)
        queue.sort()


def _components(system: System, hidden: set[Key]) -> list[tuple[list[Key], list[Relation]]]:
    """Hidden cells grouped by the relations that tie them together, with those relations."""
    parent: dict[Key, Key] = {k: k for k in hidden}

    def find(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    touching: list[tuple[Relation, list[Key]]] = []
    for relation in dict.fromkeys(system.relations):
        cells = [k for k in relation.members if k in hidden]
        if not cells:
            continue
        touching.append((relation, cells))
        root = find(cells[0])
        for k in cells[1:]:
            other = find(k)
            if other != root:
                parent[max(other, root)] = min(other, root)
                root = min(other, root)
    groups: dict[Key, tuple[list[Key], list[Relation]]] = {}
    for k in sorted(hidden):
        groups.setdefault(find(k), ([], []))[0].append(k)
    for relation, cells in touching:
        groups[find(cells[0])][1].append(relation)
    return [groups[root] for root in sorted(groups)]


def determined_cells(system: System, hidden: set[Key]) -> list[Key]:
    """Hidden cells that the published cells pin down exactly (ignoring that counts cannot
    be negative: every hidden cell counts at least one, or is a zero a relation needed, so
    any direction the equations leave free is a real alternative)."""
    found: list[Key] = []
    for cells, relations in _components(system, hidden):
        column = {k: i for i, k in enumerate(cells)}
        rows: list[dict[int, int]] = []
        for relation in relations:
            row: dict[int, int] = {}
            if relation.total in column:
                row[column[relation.total]] = _PRIME - 1
            for part in relation.parts:
                if part in column:
                    i = column[part]
                    row[i] = (row.get(i, 0) + 1) % _PRIME
            row = {i: c for i, c in row.items() if c}
            if row:
                rows.append(row)
        found.extend(cells[i] for i in _pinned_columns(rows))
    return sorted(found)


def _pinned_columns(rows: list[dict[int, int]]) -> list[int]:
    """Columns whose unit vector lies in the rows' span: the pivots of the reduced row echelon
    form whose row has no other entry."""
    pivots: dict[int, dict[int, int]] = {}
    for row in rows:
        row = dict(row)
        # Reduce by the pivots found so far.
        changed = True
        while changed and row:
            changed = False
            for col in sorted(row):
                pivot_row = pivots.get(col)
                if pivot_row is None:
                    continue
                factor = row[col]
                for c, v in pivot_row.items():
                    nv = (row.get(c, 0) - factor * v) % _PRIME
                    if nv:
                        row[c] = nv
                    else:
                        row.pop(c, None)
                changed = True
                break
        if not row:
            continue
        col = min(row)
        inverse = pow(row[col], _PRIME - 2, _PRIME)
        row = {c: (v * inverse) % _PRIME for c, v in row.items()}
        # Keep the basis fully reduced: clear the new pivot from the other rows.
        for other in pivots.values():
            scale = other.get(col, 0)
            if scale:
                for c, v in row.items():
                    nv = (other.get(c, 0) - scale * v) % _PRIME
                    if nv:
                        other[c] = nv
                    else:
                        other.pop(c, None)
        pivots[col] = row
    return sorted(col for col, row in pivots.items() if len(row) == 1)


def suppress(system: System) -> frozenset[Key]:
    """The cells to hide: primary cells and enough complements that none can be worked out."""
    for relation in system.relations:
        for key in relation.members:
            if key not in system.values:
                raise ValueError(f"Relation names a cell with no value: {key}.")
    by_cell: dict[Key, list[int]] = {k: [] for k in system.values}
    for index, relation in enumerate(system.relations):
        for key in relation.members:
            by_cell[key].append(index)
    hidden = primary_cells(system)
    _close_relations(system, hidden, by_cell, range(len(system.relations)))
    while True:
        pinned = determined_cells(system, hidden)
        if not pinned:
            return frozenset(hidden)
        cell = pinned[0]
        candidates = [
            (system.relations[index], k)
            for index in by_cell[cell]
            for k in system.relations[index].members
            if k not in hidden
        ]
        if not candidates:  # pragma: no cover - a pinned cell has a shown neighbour
            raise RuntimeError(f"Cannot protect {cell}.")
        _relation, complement = min(
            candidates, key=lambda rk: _complement_order(system, rk[0], rk[1])
        )
        hidden.add(complement)
        _close_relations(system, hidden, by_cell, by_cell[complement])


# ---------------------------------------------------------------------------------------
# Tables by academy, staff group and category.


@dataclass(frozen=True)
class TableSpec:
    """One table of a report: counts of ``population`` split by ``categories``.

    When the categories split the whole population (each counted once), the table's total is
    the population's head count, shared by every table that splits the same population: give
    them the same ``population`` and ``partition=True`` so they hide the same totals."""

    key: str
    categories: tuple[str, ...]
    threshold: int
    population: str = ""
    partition: bool = False

    @property
    def total_name(self) -> str:
        return f"{self.population}#total" if self.partition and self.population else self.key


def cell_key(table: TableSpec, academy: str, group: str, category: str) -> Key:
    if category == ALL:
        return (table.total_name, academy, group, ALL)
    return (table.key, academy, group, category)


def table_system(
    table: TableSpec,
    counts: Mapping[tuple[str, str, str], int],
    academies: Sequence[str],
    groups: Sequence[str],
) -> System:
    """Every cell of one table for the whole trust: each (academy or the trust), (staff group
    or everyone) and (category or the total), with the relations along each of the three ways
    they add up. ``counts`` holds the finest cells, (academy, group, category), missing = 0."""
    system = System()
    academy_axis = [*academies, ALL]
    group_axis = [*groups, ALL]
    category_axis = [*table.categories, ALL]
    for a in academy_axis:
        for g in group_axis:
            for c in category_axis:
                value = sum(
                    counts.get((aa, gg, cc), 0)
                    for aa in (academies if a == ALL else (a,))
                    for gg in (groups if g == ALL else (g,))
                    for cc in (table.categories if c == ALL else (c,))
                )
                key = cell_key(table, a, g, c)
                system.values[key] = value
                system.thresholds[key] = table.threshold
    for g in group_axis:
        for c in category_axis:
            system.relations.append(
                Relation(
                    cell_key(table, ALL, g, c), tuple(cell_key(table, a, g, c) for a in academies)
                )
            )
    for a in academy_axis:
        for c in category_axis:
            system.relations.append(
                Relation(
                    cell_key(table, a, ALL, c), tuple(cell_key(table, a, g, c) for g in groups)
                )
            )
        for g in group_axis:
            system.relations.append(
                Relation(
                    cell_key(table, a, g, ALL),
                    tuple(cell_key(table, a, g, c) for c in table.categories),
                )
            )
    return system


def trust_system(
    tables: Sequence[tuple[TableSpec, Mapping[tuple[str, str, str], int]]],
    academies: Sequence[str],
    groups: Sequence[str],
) -> System:
    """Every table of a trust's reports in one system, shared totals joined."""
    system = System()
    for table, counts in tables:
        system.add(table_system(table, counts, academies, groups))
    return system


def shown_value(system: System, hidden: frozenset[Key], key: Key) -> int | None:
    """The figure to publish, or None where it is hidden."""
    return None if key in hidden else system.values[key]
