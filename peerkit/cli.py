"""The ``peerkit`` command line: parse options, call a stage, print.

No logic lives here beyond turning options into calls and results into
output and exit codes; each command's work is in its own module.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from . import __version__
from .problems import ERROR, FORMATTERS, WARNING, count, summary

RECORDS_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


class DateType(click.ParamType):
    """A YYYY-MM-DD date on the command line."""

    name = "date"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"'{value}' is not a date; use YYYY-MM-DD", param, ctx)


DATE = DateType()
as_of_option = click.option(
    "--as-of", type=DATE, default=None, metavar="DATE",
    help="Treat DATE (YYYY-MM-DD) as today, for due dates and date checks. Default: today.")


def _root_display(records: Path) -> str:
    return records.as_posix().rstrip("/") or "."


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="peerkit")
def main() -> None:
    """Keep a peer-support programme's records as YAML in git, check them, and
    build a coordinator's dashboard and supporters' development portfolios.

    \b
    Example:
      peerkit check records/
      peerkit build records/ -o site
    """


@main.command()
@click.argument("records", type=RECORDS_DIR, default="records")
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATTERS)), default="text",
              show_default=True, help="text for people, json for programs, github for Actions annotations.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@as_of_option
def check(records: Path, output_format: str, strict: bool, as_of: date | None) -> None:
    """Check every record in RECORDS (default: records/) and report every problem.

    Each problem is one line, path:line:col: severity: CODE message, at the
    offending field's own line. Exit status: 1 on errors (or on warnings
    with --strict), else 0.

    \b
    Example:
      peerkit check records/ --strict
      peerkit check --format json | jq '.[] | select(.severity == "error")'
    """
    from .check import check as run_check

    result = run_check(records, as_of or date.today(), _root_display(records))
    text = FORMATTERS[output_format](result.problems)
    if text:
        click.echo(text)
    if output_format != "json":
        click.echo(summary(result.problems, result.files_checked))
    failed = count(result.problems, ERROR) or (strict and count(result.problems, WARNING))
    sys.exit(1 if failed else 0)


def _checked_or_exit(records: Path, as_of: date):
    """Run check; on errors print them and exit 1, before anything is written."""
    from .check import check as run_check

    result = run_check(records, as_of, _root_display(records))
    if result.errors:
        click.echo(FORMATTERS["text"]([p for p in result.problems if p.severity == ERROR]), err=True)
        click.echo(f"error: build refused: {summary(result.problems, result.files_checked)}. "
                   f"Fix the errors above (peerkit check {_root_display(records)}); nothing was written.", err=True)
        sys.exit(1)
    return result


def _progress(items: list):
    """A progress bar on a terminal for long builds; nothing when piped or in CI."""
    if not sys.stderr.isatty() or len(items) < 20:
        yield from items
        return
    with click.progressbar(items, label="Building pages", file=sys.stderr) as bar:
        yield from bar


@main.command()
@click.argument("records", type=RECORDS_DIR, default="records")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default="site", show_default=True,
              help="Folder to write the site to. Replaced as a whole, only when the build succeeds.")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also write each portfolio as PDF.")
@as_of_option
def build(records: Path, output: Path, pdf: bool, as_of: date | None) -> None:
    """Check RECORDS, then build the coordinator's dashboard and every portfolio.

    Writes OUTPUT/index.html (dashboard), OUTPUT/supporters/<id>.html and
    OUTPUT/portfolios/<id>/ (index.html and portfolio.pdf). Refuses, writing
    nothing, when check finds errors. Open OUTPUT/index.html from disk: no
    network is needed.

    \b
    Example:
      peerkit build records/ -o site --as-of 2026-11-20
    """
    from .site import BuildError, build_site

    as_of = as_of or date.today()
    result = _checked_or_exit(records, as_of)
    try:
        report = build_site(result, as_of, output, make_pdf=pdf, progress=_progress)
    except BuildError as exc:
        raise click.ClickException(str(exc)) from None
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{summary(result.problems, result.files_checked)}")
    click.echo(f"built {output}/index.html: {report.pages} pages, {report.pdfs} PDF portfolios")


@main.command()
@click.argument("supporter_id", metavar="ID")
@click.argument("records", type=RECORDS_DIR, default="records")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write to. Default: portfolio-ID.")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also write portfolio.pdf.")
@as_of_option
def portfolio(supporter_id: str, records: Path, output: Path | None, pdf: bool, as_of: date | None) -> None:
    """Build one supporter's development portfolio, to send to them.

    The portfolio holds only that supporter's own records: no mentee
    initials or codes, no meeting notes, no one else's details.

    \b
    Example:
      peerkit portfolio amara-okafor records/ -o ~/to-send/amara
    """
    from .site import BuildError, build_portfolio

    as_of = as_of or date.today()
    output = output or Path(f"portfolio-{supporter_id}")
    result = _checked_or_exit(records, as_of)
    try:
        report = build_portfolio(result, as_of, supporter_id, output, make_pdf=pdf)
    except BuildError as exc:
        raise click.ClickException(str(exc)) from None
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    made = " and portfolio.pdf" if report.pdfs else ""
    click.echo(f"built {output}/index.html{made}")
