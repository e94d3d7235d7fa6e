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
