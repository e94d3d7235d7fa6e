"""Render the static site and swap it into place in one step.

Pages are written into a fresh temporary folder beside the output folder;
only when every page (and PDF) is written is the old site replaced by a
rename. A build that fails half-way removes its temporary folder and leaves
the previous site exactly as it was. Nothing is written outside the output
folder, and a folder that is not a peerkit site is never replaced.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import Callable, Iterator

from . import pdf
from .analyse import MEETING_KINDS, Analysis
from .charts import stacked_bars
from .gcpause import no_gc_pauses
from .pipeline import CheckResult
from .html import asset, csp_hash, day, environment
from .portfolio import Portfolio, portfolio_for
from .obligations import HORIZON_DAYS, select
from .wording import HEADINGS, describe, when

MARKER = ".peerkit-site"


class BuildError(Exception):
    """A build that cannot go ahead; the message says why and what to do."""


@dataclass
class BuildReport:
    pages: int = 0
    pdfs: int = 0
    warnings: list[str] = field(default_factory=list)


class SiteWriter:
    """Writes files under a temporary root; refuses any path that would escape it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0

    def path(self, rel: str) -> Path:
        target = (self.root / rel).resolve()
        if self.root.resolve() not in target.parents:
            raise BuildError(f"refusing to write {rel!r}: it would land outside the output folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write(self, rel: str, text: str) -> None:
        self.path(rel).write_text(text, encoding="utf-8", newline="\n")
        self.count += 1

    def copy(self, source: Path, rel: str) -> None:
        shutil.copyfile(source, self.path(rel))


def _check_output(out: Path, records_root: Path) -> None:
    out_real, records_real = out.resolve(), records_root.resolve()
    if out_real == records_real or out_real in records_real.parents:
        raise BuildError(f"the output folder {out} holds the records; choose another, e.g. -o site")
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out} exists and is not a folder; choose another output folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise BuildError(f"{out} is not empty and was not made by peerkit; choose an empty or new folder "
                         f"(peerkit replaces only folders it built)")


@contextmanager
def swap_into(out: Path, records_root: Path) -> Iterator[SiteWriter]:
    """Yield a writer on a temporary folder; on success it replaces ``out``."""
    _check_output(out, records_root)
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    try:
        writer = SiteWriter(tmp)
        yield writer
        (tmp / MARKER).write_text("Built by peerkit; this folder is replaced on every build.\n", encoding="utf-8")
        os.chmod(tmp, 0o755)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            out.rename(old / "site")
            tmp.rename(out)
            shutil.rmtree(old)
        else:
            tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


# --- pages ------------------------------------------------------------------

def _page_context(analysis: Analysis) -> dict:
    programme = analysis.records.programme
    return {"programme": programme, "as_of": analysis.as_of, "analysis": analysis}


@dataclass(frozen=True)
class AttentionItem:
    """One line of Needs attention, worded as ``peerkit due`` words it."""

    message: str
    when: str
    overdue: bool
    path: str


def needs_attention(analysis: Analysis) -> list[tuple[str, list[AttentionItem]]]:
    """(heading, items) of the obligations within the horizon: the same selection as ``peerkit due``."""
    people = {s.id: s.name for s in analysis.records.supporters}
    listed = select(analysis.records, analysis.as_of, HORIZON_DAYS)
    return [(HEADINGS[kind], [AttentionItem(describe(o, people, day), when(o, analysis.as_of),
                                            o.overdue(analysis.as_of), o.source.display) for o in items])
            for kind, items in groupby(listed, key=lambda o: o.kind)]


def render_dashboard(analysis: Analysis) -> str:
    chart = stacked_bars(analysis.meetings_per_month, list(MEETING_KINDS),
                         label=lambda key: day(date.fromisoformat(key + "-01"))[2:])
    groups = needs_attention(analysis)
    return environment().get_template("dashboard.html").render(
        **_page_context(analysis), attention_count=sum(len(items) for _, items in groups),
        attention_groups=groups, horizon=HORIZON_DAYS, chart=chart, root="")


def render_supporter_page(analysis: Analysis, supporter_id: str) -> str:
    return environment().get_template("supporter.html").render(
        **_page_context(analysis), s=analysis.summaries[supporter_id], root="../")


def render_portfolio(portfolio: Portfolio) -> str:
    css = asset("portfolio.css")
    return environment().get_template("portfolio.html").render(p=portfolio, css=css, css_hash=csp_hash(css))


def write_portfolio(writer: SiteWriter, portfolio: Portfolio, records_root: Path, folder: str, make_pdf: bool) -> int:
    """index.html, the evidence it links to, and portfolio.pdf; returns PDFs written."""
    html = render_portfolio(portfolio)
    writer.write(f"{folder}index.html", html)
    for rel in portfolio.evidence_files:
        source = records_root / rel
        if source.is_file():
            writer.copy(source, folder + rel)
    if not make_pdf:
        return 0
    pdf.write_pdf(html, writer.path(f"{folder}portfolio.pdf"))
    return 1


def _pdf_possible(wanted: bool, report: BuildReport) -> bool:
    """Whether to write PDFs; when wanted but impossible, say once how to get them."""
    reason = pdf.unavailable_reason() if wanted else None
    if reason:
        report.warnings.append(pdf.HOW_TO_GET_PDFS.format(reason=reason))
    return wanted and reason is None


def build_site(check: CheckResult, as_of: date, out: Path, *, make_pdf: bool = True,
               progress: Callable[[Iterator], Iterator] = lambda items: items) -> BuildReport:
    """Write the dashboard, a page per supporter and every portfolio to ``out``."""
    records = check.records
    analysis = Analysis.of(records, as_of)
    report = BuildReport()
    make_pdf = _pdf_possible(make_pdf, report)
    with no_gc_pauses(), swap_into(out, Path(records.root)) as writer:
        writer.write("index.html", render_dashboard(analysis))
        writer.write("assets/peerkit.css", asset("peerkit.css"))
        writer.write("assets/peerkit.js", asset("peerkit.js"))
        for supporter_id in progress(list(analysis.summaries)):
            writer.write(f"supporters/{supporter_id}.html", render_supporter_page(analysis, supporter_id))
            report.pdfs += write_portfolio(writer, portfolio_for(analysis, supporter_id), Path(records.root),
                                           f"portfolios/{supporter_id}/", make_pdf)
        report.pages = writer.count
    return report


def build_portfolio(check: CheckResult, as_of: date, supporter_id: str, out: Path, *, make_pdf: bool = True) -> BuildReport:
    """Just one supporter's portfolio, for sending to them."""
    analysis = Analysis.of(check.records, as_of)
    if supporter_id not in analysis.summaries:
        known = ", ".join(sorted(analysis.summaries)) or "none"
        raise BuildError(f"no supporter '{supporter_id}' in the records; known ids: {known}")
    report = BuildReport()
    make_pdf = _pdf_possible(make_pdf, report)
    with swap_into(out, Path(check.records.root)) as writer:
        report.pdfs = write_portfolio(writer, portfolio_for(analysis, supporter_id), Path(check.records.root), "",
                                      make_pdf)
        report.pages = writer.count
    return report
