"""``peerkit report``: the figures of :mod:`peerkit.report` as HTML, PDF, CSV or JSON.

Every renderer reads the one :class:`~peerkit.report.Report` and only words it:
no renderer counts anything, so the four formats cannot disagree and none can
show a number the suppression hid. Output is deterministic (no generated-on
date): the same records and period give byte-identical files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import htmlpdf
from .export import neutralise
from .html import csp_hash, day, environment, hours, percent, asset
from .report import COUNT, HOURS, PERCENT, SMALLEST_SHOWN, TOTAL, Figure, Report, Value

FEWER = f"fewer than {SMALLEST_SHOWN}"
SUPPRESSED_HOURS = "not shown"  # hours tied to a suppressed count
UNKNOWN = "unknown"
FORMATS = ("html", "csv", "json")

SECTION_TITLES = {
    "reach": "People reached",
    "matches": "Peer-support relationships (matches)",
    "sessions": "Peer support delivered",
    "supervision": "Supervision delivered",
    "promises": "Promises kept",
    "cpd": "Continuing professional development",
    "supporters": "Peer supporters",
}
GROUP_TITLES = {
    "people-reached": "People reached (different people met one-to-one)",
    "new-referrals": "New referrals",
    "matches-started": "Matches started",
    "matches-ended": "Matches ended",
    "endings-by-reason": "Endings by reason",
    "goals-achieved": "Mentees' goals achieved",
    "sessions-by-kind": "Sessions by kind",
    "sessions-by-setting": "Sessions by setting",
    "hours-by-kind": "Hours of peer support by kind",
    "group-attendances": "Attendances at group meetings",
    "supervision-by-type": "Supervision sessions by type",
    "promise-kept": "Supervision promise kept (share of promised days)",
    "training-in-date": "Required mandatory training in date on the last day",
    "cpd-by-type": "CPD activities by type",
    "cpd-hours-by-type": "CPD hours by type",
    "supporters-active": "Supporters who ran a session",
    "supporters-joined": "Supporters who joined",
    "supporters-left": "Supporters who left",
}


def shown(value: Value, unit: str) -> str:
    """A value in words: the number, "fewer than 5", "not shown" (hours) or "unknown"."""
    if value.suppressed:
        return FEWER if unit == COUNT else SUPPRESSED_HOURS
    if value.number is None:
        return UNKNOWN
    if unit == PERCENT:
        return percent(value.number)
    if unit == HOURS:
        return hours(value.number)
    return str(int(value.number))


def part_title(part: str) -> str:
    return "Total" if part == TOTAL else part.replace("-", " ").capitalize()


# --- CSV and JSON ---------------------------------------------------------------------

def rows(report: Report) -> list[list[str]]:
    header = ["programme", "period", "section", "figure", "part", "unit", report.period.name, report.previous.name]
    return [header] + [[report.programme, report.period.name, f.section, f.group, f.part, f.unit,
                        shown(f.current, f.unit), shown(f.previous, f.unit)] for f in report.figures]


def to_csv(report: Report) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([neutralise(cell) for cell in row] for row in rows(report))
    return out.getvalue()


def _json_value(value: Value, unit: str) -> object:
    if value.suppressed or value.number is None:
        return shown(value, unit)
    return int(value.number) if unit == COUNT else value.number


def to_json(report: Report) -> str:
    def period(p) -> dict:
        return {"name": p.name, "from": p.start.isoformat(), "to": p.end.isoformat()}

    data = {"programme": report.programme, "period": period(report.period), "previous": period(report.previous),
            "suppressed": report.suppressed,
            "figures": [{"section": f.section, "figure": f.group, "part": f.part, "unit": f.unit,
                         "current": _json_value(f.current, f.unit), "previous": _json_value(f.previous, f.unit)}
                        for f in report.figures]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --- HTML: tables, and bar charts drawn from them ------------------------------------------

BAR_WIDTH, LABEL_WIDTH, ROW_HEIGHT = 360, 150, 16


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    previous: bool
    label: str  # the part and its value, for the bar's <title>


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    labels: list[tuple[float, str]]  # (y, part)
    bars: list[Bar]
    notes: list[tuple[float, float, str]]  # (x, y, value) written at each bar's end


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    unit: str
    figures: list[Figure]
    chart: Chart | None


def chart(figures: list[Figure], unit: str) -> Chart | None:
    """Two bars per part (this period, the previous one); suppressed values get no bar, only words.

    None when there is nothing to compare (one part, a percentage) or no bar to draw at all."""
    parts = [f for f in figures if f.part != TOTAL]
    if len(parts) < 2 or unit == PERCENT:
        return None
    numbers = [v.number for f in parts for v in (f.current, f.previous) if not v.suppressed and v.number]
    if not numbers:
        return None  # no bar to draw: every value is hidden or 0, and the table says so
    top = max(numbers)
    bars: list[Bar] = []
    labels: list[tuple[float, str]] = []
    notes: list[tuple[float, float, str]] = []
    for i, f in enumerate(parts):
        y = 4 + i * (2 * ROW_HEIGHT + 8)
        labels.append((y + ROW_HEIGHT + 4, part_title(f.part)))
        for j, value in enumerate((f.current, f.previous)):
            width = 0.0 if value.suppressed or not value.number else round(BAR_WIDTH * value.number / top, 2)
            bar_y = y + j * ROW_HEIGHT
            text = shown(value, unit)
            bars.append(Bar(bar_y, width, j == 1, f"{part_title(f.part)}: {text}"))
            notes.append((LABEL_WIDTH + width + 4, bar_y + ROW_HEIGHT - 4, text))
    return Chart(LABEL_WIDTH + BAR_WIDTH + 90, 8 + len(parts) * (2 * ROW_HEIGHT + 8), labels, bars, notes)


def tables(report: Report) -> list[tuple[str, list[Table]]]:
    """(section title, its tables), in the report's order."""
    out: list[tuple[str, list[Table]]] = []
    for section, title in SECTION_TITLES.items():
        figures = report.section(section)
        groups = list(dict.fromkeys(f.group for f in figures))
        out.append((title, [Table(g, GROUP_TITLES[g], figures_of[0].unit, figures_of,
                                  chart(figures_of, figures_of[0].unit))
                            for g in groups for figures_of in [[f for f in figures if f.group == g]]]))
    return out


def render_html(report: Report) -> str:
    css = asset("report.css")
    return environment().get_template("report.html").render(
        report=report, sections=tables(report), css=css, css_hash=csp_hash(css), shown=shown,
        part_title=part_title, day=day, FEWER=FEWER)


# --- writing ---------------------------------------------------------------------------

@dataclass
class Written:
    files: list[str]
    warnings: list[str]


def write_report(report: Report, out: Path, output_format: str, make_pdf: bool = True) -> Written:
    """report.html (and report.pdf when WeasyPrint is there), report.csv or report.json in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = Written([], [])
    if output_format == "csv":
        (out / "report.csv").write_text(to_csv(report), encoding="utf-8", newline="")
        written.files.append("report.csv")
    elif output_format == "json":
        (out / "report.json").write_text(to_json(report), encoding="utf-8")
        written.files.append("report.json")
    else:
        html = render_html(report)
        (out / "report.html").write_text(html, encoding="utf-8")
        written.files.append("report.html")
        reason = htmlpdf.unavailable_reason() if make_pdf else None
        if make_pdf and reason is None:
            htmlpdf.write_pdf(html, out / "report.pdf")
            written.files.append("report.pdf")
        elif reason:
            written.warnings.append(htmlpdf.HOW_TO_GET_PDFS.format(reason=reason))
    return written
