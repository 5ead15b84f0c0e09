"""Charts drawn on the server as SVG, for the page and the PDF alike: each has a title, a
text summary and, on the page, its data table (the report's own table) for screen readers.

A bar is drawn only for a row whose every figure is shown: a hidden figure is never drawn,
and no bar's length could let it be worked out."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .selectors import Report, Table

# Colours from the GOV.UK palette with at least 3:1 contrast against white, told apart by
# the key's labels as well as colour.
_COLOURS = ("#00703c", "#f47738", "#505a5f", "#1d70b8", "#d4351c", "#4c2c92")
_WIDTH = 640
_LABEL = 200
_BAR = 22
_GAP = 10


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    summary: str
    svg: SafeString


def _summary(table: Table) -> str:
    total = table.rows[-1]
    if total.total is None:
        return f"{total.label}: the figures are too small to show."
    parts = [
        f"{h.lower()} {v}" if v is not None else f"{h.lower()} hidden"
        for h, v in zip(table.headers, total.cells, strict=True)
    ]
    return f"{total.label}: {total.total} in all; " + ", ".join(parts) + "."


def stacked_bars(table: Table, chart_id: str) -> Chart:
    title = table.measure.title
    summary = _summary(table)
    rows = table.rows
    key_height = 28
    height = key_height + len(rows) * (_BAR + _GAP) + _GAP
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {_WIDTH} {height}" '
        f'width="100%" aria-labelledby="{chart_id}-title {chart_id}-desc" class="app-chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]
    x = _LABEL
    for i, header in enumerate(table.headers):
        colour = _COLOURS[i % len(_COLOURS)]
        out.append(f'<rect x="{x}" y="6" width="14" height="14" fill="{colour}"/>')
        out.append(
            f'<text x="{x + 18}" y="18" font-family="Arial, sans-serif" font-size="13" '
            f'fill="#0b0c0c">{escape(header)}</text>'
        )
        x += 24 + 8 * len(header)
    span = _WIDTH - _LABEL - 10
    for index, row in enumerate(rows):
        y = key_height + _GAP + index * (_BAR + _GAP)
        weight = "bold" if row.is_total else "normal"
        out.append(
            f'<text x="{_LABEL - 8}" y="{y + 16}" text-anchor="end" font-family="Arial, '
            f'sans-serif" font-size="13" font-weight="{weight}" fill="#0b0c0c">'
            f"{escape(row.label[:30])}</text>"
        )
        if row.total is None or any(v is None for v in row.cells):
            out.append(
                f'<text x="{_LABEL}" y="{y + 16}" font-family="Arial, sans-serif" '
                f'font-size="13" fill="#505a5f">Figures hidden (too few to show)</text>'
            )
            continue
        if not row.total:
            out.append(
                f'<text x="{_LABEL}" y="{y + 16}" font-family="Arial, sans-serif" '
                f'font-size="13" fill="#505a5f">None</text>'
            )
            continue
        left = float(_LABEL)
        for i, value in enumerate(row.cells):
            width = span * (value or 0) / row.total
            if width:
                out.append(
                    f'<rect x="{left:.1f}" y="{y}" width="{width:.1f}" height="{_BAR}" '
                    f'fill="{_COLOURS[i % len(_COLOURS)]}"/>'
                )
            left += width
    out.append("</svg>")
    # Every text in the drawing went through escape(); the rest is numbers.
    svg = mark_safe("".join(out))  # noqa: S308
    return Chart(key=table.measure.key, title=title, summary=summary, svg=svg)


def report_charts(report: Report) -> dict[str, Chart]:
    """The charts of the report's tables that ask for one, by the table's key."""
    return {
        table.measure.key: stacked_bars(table, f"chart-{table.measure.key}")
        for table in report.tables()
        if table.measure.chart
    }
