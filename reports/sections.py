"""Sections of the governors' and trustees' reports, registered by the apps that own the
figures.

The appraisal year's own section is registered by this app. Another app adds a section from
its ``AppConfig.ready()`` with ``register_section(Section(...))``: its measures are counted,
suppressed with every other figure of the trust (so a total shared with another section
hides the same cells) and shown, charted and exported like the rest. A pay section, for
example, registers measures of pay recommendations by range and by reason, each counting
(academy, staff group, category) in one ``GROUP BY`` query.
"""

from __future__ import annotations

from dataclasses import dataclass

from .measures import MEASURES, Measure


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    measures: tuple[Measure, ...]
    position: int = 100


_sections: dict[str, Section] = {}


def register_section(section: Section) -> None:
    """Add (or replace, for a reloaded app) a section of the reports."""
    _sections[section.key] = section


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: (s.position, s.key))


register_section(Section("appraisal_year", "The appraisal year", MEASURES, position=0))
