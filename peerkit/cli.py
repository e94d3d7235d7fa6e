"""The ``peerkit`` command line: parse options, call a stage, print.

No logic lives here beyond turning options into calls and results into
output and exit codes; each command's work is in its own module.
"""

from __future__ import annotations

import atexit
import os
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

import click

from . import __version__, asking
from .kinds import EXPORTABLE, NAMES as KIND_NAMES
from .obligations import HORIZON_DAYS
from .complete import complete_competency, complete_supporter, complete_training
from .places import Found, PlaceError, check_output, default_output, find_records, records_of_file
from .problems import ERROR, FORMATTERS, SEVERITIES, WARNING, count, summary

RECORDS_DIR = click.Path(path_type=Path)  # found by places.find_records when not given


class Failed(click.ClickException):
    """A command that cannot go ahead: one ``error: ...`` line, exit 1, as the refusals print."""

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


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


def _records(given: Path | None) -> Found:
    """The records folder: as given, else found as git finds its repository (said on stderr)."""
    try:
        found = find_records(given)
    except PlaceError as exc:
        if given is not None:  # the argument is wrong: a usage error, as Click gives for bad arguments
            raise click.UsageError(str(exc)) from None
        raise click.ClickException(str(exc)) from None
    if found.note:
        click.echo(f"peerkit: {found.note}", err=True)
    return found


def _output_allowed(out: Path, records_root: Path, folder: bool = True) -> None:
    try:
        check_output(out, records_root, folder)
    except PlaceError as exc:
        raise click.ClickException(str(exc)) from None


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


def run() -> None:
    """The ``peerkit`` program: :func:`main`, then leave at once.

    A check or build of a large programme ends with ~10^6 objects in memory;
    letting the interpreter free them one by one at exit costs a tenth of a
    second at 10,000 files for nothing (mypy leaves the same way). Output is
    flushed and exit handlers run first; every file was closed by then.
    """
    try:
        main()
        status = 0
    except SystemExit as leaving:
        status = leaving.code if isinstance(leaving.code, int) else 0 if leaving.code is None else 1
        if isinstance(leaving.code, str):
            print(leaving.code, file=sys.stderr)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (peerkit check | head): nothing more to say
            status = status or 1
    os._exit(status)


@main.command()
@click.argument("paths", metavar="[RECORDS | FILE...]", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATTERS)), default="text",
              show_default=True, help="text for people, json for programs, github for Actions annotations.")
@click.option("--severity", type=click.Choice(list(SEVERITIES)), default="note", show_default=True,
              help="Show problems of this severity and worse: error shows errors only.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@as_of_option
@click.option("--no-cache", is_flag=True,
              help="Parse every file again instead of reusing unchanged results from RECORDS/.peerkit-cache/.")
@click.option("--fix", is_flag=True,
              help="First fix what is certain (quote 18:30 or NO in a text field as written, yes/no in a "
                   "true-or-false field, a misspelt field name with one close match); say what changed.")
def check(paths: tuple[Path, ...], output_format: str, severity: str, strict: bool, as_of: date | None,
          no_cache: bool, fix: bool) -> None:
    """Check every record in RECORDS and report every problem.

    RECORDS defaults to the nearest folder upwards holding programme.yaml,
    else records/. Given FILEs (as pre-commit passes them), the whole tree
    is still read, for references, and only the named files' problems are
    shown. Each problem is one line, path:line:col: severity: CODE message,
    at the offending field's own line. Exit status: 1 on errors (or on
    warnings with --strict), else 0.

    \b
    Example:
      peerkit check records/ --strict
      peerkit check records/meetings/2026/2026-03-04-one-to-one-amara-okafor.yaml
      peerkit check --severity error --format json | jq '.[].message'
      peerkit check --fix records/
    """
    from .check import check as run_check

    found, named = _check_targets(paths)
    result = run_check(found.root, as_of or date.today(), found.display, use_cache=not no_cache)
    if fix and _fix(found, paths, named, result.problems, to_stderr=output_format != "text"):
        result = run_check(found.root, as_of or date.today(), found.display, use_cache=not no_cache)
    problems = result.problems if named is None else [p for p in result.problems if p.path in named]
    shown_problems = [p for p in problems if SEVERITIES.index(p.severity) <= SEVERITIES.index(severity)]
    text = FORMATTERS[output_format](shown_problems)
    if text:
        click.echo(text)
    if output_format != "json":
        click.echo(summary(problems, result.files_checked if named is None else len(named)))
    failed = count(problems, ERROR) or (strict and count(problems, WARNING))
    sys.exit(1 if failed else 0)


def _fix(found: Found, paths: tuple[Path, ...], named: set[str] | None, problems, to_stderr: bool) -> bool:
    """Apply the certain fixes to the files whose problems may have one; print each; True if any."""
    from . import fix as fixes, fmt

    wanted = {p.path for p in problems if p.code in fixes.FIXABLE and (named is None or p.path in named)}
    if not wanted:
        return False
    if named is None:
        targets = [t for t in fmt.folder_targets(found.root, found.display)[0] if t.display in wanted]
    else:
        targets = [t for t in map(fmt.file_target, paths) if isinstance(t, fmt.Target)]
        targets = [Target for Target in targets if _displayed(found, Target) in wanted]
    made, failed = fixes.fix_targets(targets)
    for line in [str(f) for f in made] + FORMATTERS["text"](failed).splitlines():
        click.echo(line, err=to_stderr)
    if made:
        files = len({f.path for f in made})
        click.echo(f"fixed {len(made)} problem{'s' if len(made) != 1 else ''} in {files} "
                   f"file{'s' if files != 1 else ''}; checking again", err=to_stderr)
    return bool(made)


def _displayed(found: Found, target) -> str:
    """How check names ``target``'s file (problems carry that name)."""
    from .discover import display_path

    return display_path(found.display, target.rel)


def _check_targets(paths: tuple[Path, ...]) -> tuple[Found, set[str] | None]:
    """The records folder to read, and the display paths of the named files (None: show every file)."""
    files = [p for p in paths if p.is_file()]
    if not files:
        if len(paths) > 1:
            raise click.UsageError("give one records folder, or record files")
        return _records(paths[0] if paths else None), None
    if len(files) != len(paths):
        odd = next(p for p in paths if not p.is_file())
        raise click.UsageError(f"'{odd}' is not a file; give either one records folder or record files")
    try:
        roots = {records_of_file(f) for f in files}
    except PlaceError as exc:
        raise click.ClickException(str(exc)) from None
    if len(roots) > 1:
        raise click.UsageError("the files belong to different records folders; check one folder at a time")
    from .discover import display_path
    from .places import shown

    root = roots.pop()
    display = shown(root, Path.cwd())
    named = {display_path(display, f.resolve().relative_to(root).as_posix()) for f in files}
    return Found(root, display, None), named


@main.command("fmt")
@click.argument("paths", metavar="[RECORDS | FILE...]", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", "check_only", is_flag=True,
              help="Change nothing; list the files fmt would change and exit 1 if there are any.")
@click.option("--diff", is_flag=True, help="Change nothing; show the changes as a diff.")
def fmt_command(paths: tuple[Path, ...], check_only: bool, diff: bool) -> None:
    """Rewrite records in canonical form, keeping every comment.

    Fields in the schema's order, times and mentee codes quoted, dates as
    YYYY-MM-DD, short lists of ids on one line, two spaces per level, one
    newline at the end; the wording of free text and every comment are
    kept. A file that does not load cleanly is reported and left as it was;
    links are never followed. Running it twice changes nothing the second
    time. Exit status: 1 when a file has errors, or with --check when a file
    would change.

    \b
    Example:
      peerkit fmt records/
      peerkit fmt --check records/          # for CI and pre-commit
      peerkit fmt --diff records/meetings/2026/2026-03-04-one-to-one-amara-okafor.yaml
    """
    from . import fmt

    targets, notes = _fmt_targets(paths)
    report = fmt.run(targets, write=not (check_only or diff), diff=diff)
    for text in report.diffs:
        click.echo(text, nl=False)
    problems = sorted(notes + report.problems)
    if problems:
        click.echo(FORMATTERS["text"](problems), err=bool(diff))
    verb = "would format" if check_only or diff else "formatted"
    if not diff:
        for display in report.changed:
            click.echo(f"{verb} {display}")
    click.echo(_fmt_summary(report, verb), err=bool(diff))
    sys.exit(1 if report.failed or (check_only and report.changed) else 0)


def _fmt_targets(paths: tuple[Path, ...]):
    """The record files to format (folders walked, files taken as named) and notes on the rest."""
    from . import fmt

    if not paths:
        found = _records(None)
        return fmt.folder_targets(found.root, found.display)
    targets, notes = [], []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            more, skipped = fmt.folder_targets(path, _root_display(path))
            targets += more
            notes += skipped
        elif path.is_file() or path.is_symlink():
            named = fmt.file_target(path)
            (targets if isinstance(named, fmt.Target) else notes).append(named)
        else:
            raise click.UsageError(f"'{path}' does not exist; give a records folder or record files")
    unique = list({t.path: t for t in targets}.values())
    return unique, notes


def _fmt_summary(report, verb: str) -> str:
    parts = [f"{verb} {len(report.changed)} file{'s' if len(report.changed) != 1 else ''}",
             f"{report.unchanged} already in canonical form"]
    if report.failed:
        parts.append(f"{report.failed} left as {'it was' if report.failed == 1 else 'they were'} "
                     f"(see above; peerkit check --fix fixes what is certain)")
    return ", ".join(parts)


def _checked_or_exit(given: Path | None, as_of: date, command: str = "build"):
    """Find the records and check them; on errors print them and exit 1, before anything is written."""
    from .check import KeptModels, check as run_check

    found = _records(given)
    # (a build worker, peerkit.warm, passes the models it keeps between builds as the context's object)
    result = run_check(found.root, as_of, found.display, kept=click.get_current_context().find_object(KeptModels))
    if result.errors:
        click.echo(FORMATTERS["text"]([p for p in result.problems if p.severity == ERROR]), err=True)
        click.echo(f"error: {command} refused: {summary(result.problems, result.files_checked)}. "
                   f"Fix the errors above (peerkit check {found.display}); nothing was written.", err=True)
        sys.exit(1)
    return result


def _warnings_hint(result, records: str) -> None:
    """After a build: how many warnings, and how to list them."""
    warnings = count(result.problems, WARNING)
    if warnings:
        click.echo(f"{warnings} warning{'s' if warnings != 1 else ''}: list them with "
                   f"peerkit check {records} --severity warning", err=True)


@contextmanager
def _pdf_progress(total: int) -> Iterator[Callable[[int], None]]:
    """A bar of PDFs made (count, estimated time left) on a terminal; nothing when piped or in CI."""
    if not sys.stderr.isatty() or total < 2:
        yield lambda done: None
        return
    with click.progressbar(length=total, label="PDF portfolios", file=sys.stderr, show_pos=True,
                           show_eta=True) as bar:
        yield bar.update


@main.command()
@click.argument("records", type=RECORDS_DIR, required=False)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write the site to, replaced as a whole only when the build succeeds. "
                   "Default: site/ at the top of the records' git repository (else here).")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also write each portfolio as PDF.")
@as_of_option
def build(records: Path | None, output: Path | None, pdf: bool, as_of: date | None) -> None:
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
    output = output or default_output(result.records.root, "site")
    _output_allowed(output, result.records.root)
    try:
        report = build_site(result, as_of, output, make_pdf=pdf, progress=_pdf_progress)
    except BuildError as exc:
        raise Failed(str(exc)) from None
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{summary(result.problems, result.files_checked)}")
    kept = f" ({report.rendered} made, {report.pdfs - report.rendered} unchanged)" if report.pdfs else ""
    same = f" ({report.pages - report.reused} made, {report.reused} unchanged)" if report.reused else ""
    click.echo(f"built {output}/index.html: {report.pages} pages{same}, {report.pdfs} PDF portfolios{kept}")
    _warnings_hint(result, _root_display(records) if records else "")


@main.command()
@click.argument("records", type=RECORDS_DIR, required=False)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Only this machine can connect to 127.0.0.1.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on; 0 picks a free one.")
@click.option("--allow-network", is_flag=True,
              help="Allow a --host other people can reach. The records are confidential: think twice.")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also make each portfolio's PDF.")
@as_of_option
def serve(records: Path | None, host: str, port: int, allow_network: bool, pdf: bool, as_of: date | None) -> None:
    """Build the site, serve it on this machine, and rebuild on every save.

    Watches RECORDS (and peerkit's templates, schemas and code) and rebuilds what
    changed when a file is saved; the page open in the browser reloads
    itself. A save that introduces an error keeps the last good site and
    shows the problems at the top of every page. The site is built in a
    private temporary folder, removed when the server stops (Ctrl+C).

    \b
    Example:
      peerkit serve records/            # then open http://127.0.0.1:8000/
      peerkit serve --port 0 --no-pdf   # any free port; faster rebuilds without PDFs
    """
    from .serve import ServeError, Session, is_loopback

    if not is_loopback(host) and not allow_network:
        raise click.UsageError(f"--host {host} would show the programme's confidential records to anyone who can "
                               f"reach this machine; serve on 127.0.0.1 (the default), or add --allow-network "
                               f"if you really mean it")
    found = _records(records)
    if not is_loopback(host):
        click.echo(f"warning: serving confidential records on {host}: anyone who can reach this machine on port "
                   f"{port} can read every page and portfolio", err=True)
    options = [*(["--as-of", as_of.isoformat()] if as_of else []), *([] if pdf else ["--no-pdf"])]
    session = Session(found.root, options, lambda text: click.echo(text, err=True))
    try:
        session.run(host, port, any_host=not is_loopback(host))
    except ServeError as exc:
        raise Failed(str(exc)) from None
    except KeyboardInterrupt:
        pass
    click.echo("stopped; the served site was removed", err=True)


@main.command()
@click.argument("supporter_id", metavar="ID", shell_complete=complete_supporter)
@click.argument("records", type=RECORDS_DIR, required=False)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write to. Default: outbox/portfolio-ID (git-ignored by init).")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also write portfolio.pdf.")
@as_of_option
def portfolio(supporter_id: str, records: Path | None, output: Path | None, pdf: bool, as_of: date | None) -> None:
    """Build one supporter's development portfolio, to send to them.

    The portfolio holds only that supporter's own records: no mentee
    initials or codes, no meeting notes, no one else's details.

    \b
    Example:
      peerkit portfolio amara-okafor records/ -o ~/to-send/amara
    """
    from .site import BuildError, build_portfolio

    as_of = as_of or date.today()
    result = _checked_or_exit(records, as_of)
    output = output or default_output(result.records.root, "outbox") / f"portfolio-{supporter_id}"
    _output_allowed(output, result.records.root)
    try:
        report = build_portfolio(result, as_of, supporter_id, output, make_pdf=pdf)
    except BuildError as exc:
        raise Failed(str(exc)) from None
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    made = " and portfolio.pdf" if report.pdfs else ""
    click.echo(f"built {output}/index.html{made}")


@main.command()
@click.argument("records", type=RECORDS_DIR, required=False)
@click.option("--period", metavar="YYYY-QN", help="A quarter, e.g. 2026-Q3.")
@click.option("--year", "year_", type=click.IntRange(1900, 9999), metavar="YYYY", help="A calendar year.")
@click.option("--from", "start", type=DATE, default=None, metavar="DATE", help="First day (with --to).")
@click.option("--to", "end", type=DATE, default=None, metavar="DATE", help="Last day (with --from).")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write to. Default: outbox/report-PERIOD (git-ignored by init).")
@click.option("--format", "output_format", type=click.Choice(["html", "csv", "json"]), default="html",
              show_default=True, help="html writes report.html and report.pdf (with WeasyPrint).")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="With --format html, also write report.pdf.")
@click.option("--no-suppress", is_flag=True,
              help="Show counts from 1 to 4 too, for internal use only: every page says internal.")
def report(records: Path | None, period: str | None, year_: int | None, start: date | None, end: date | None,
           output: Path | None, output_format: str, pdf: bool, no_suppress: bool) -> None:
    """Write a report for funders and commissioners: one period beside the previous one.

    Counts, hours and shares only: no one's name, code or id, no paths, no
    free text. Counts from 1 to 4 show as "fewer than 5", and a total never
    gives a hidden count back.

    \b
    Example:
      peerkit report records/ --period 2026-Q3
      peerkit report records/ --year 2025 --format csv -o ~/to-send
    """
    from .report import PeriodError, derive, period_of
    from .reporting import write_report

    try:
        chosen = period_of(period, year_, start, end)
    except PeriodError as exc:
        raise click.UsageError(str(exc)) from None
    result = _checked_or_exit(records, date.today(), "report")
    output = output or default_output(result.records.root, "outbox") / f"report-{chosen.name.replace(' ', '')}"
    _output_allowed(output, result.records.root)
    try:
        written = write_report(derive(result.records, chosen, suppress=not no_suppress), output, output_format,
                               make_pdf=pdf)
    except OSError as exc:
        raise Failed(f"cannot write {output}: {exc.strerror or exc}; choose a folder you can write to") from None
    for warning in written.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"wrote {', '.join(f'{output}/{name}' for name in written.files)}")


# --- coordinator workflow: init, new, due, export, schema -------------------

@main.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Add the starter files DIR lacks even if it is not empty. Never overwrites a file.")
def init(directory: Path, force: bool) -> None:
    """Start a new records repository in DIR.

    Writes programme.yaml (the National Standards competency framework and
    mandatory training), one example supporter, empty meetings/,
    supervision/, cpd/, matches/ and evidence/ folders, .gitignore, a pre-commit
    config running peerkit check, editor schemas and a README for
    coordinators. Refuses a non-empty DIR unless --force.

    \b
    Example:
      peerkit init our-records && cd our-records && git init
      peerkit check .
    """
    from .scaffold import InitError, init as run_init

    try:
        report = run_init(directory, force)
    except InitError as exc:
        raise Failed(str(exc)) from None
    for rel in report.skipped:
        click.echo(f"skipped {rel}: already exists, left as it was", err=True)
    shown = _root_display(directory)
    click.echo(f"created {len(report.created)} files in {shown}; next: edit {shown}/programme.yaml, "
               f"then peerkit check {shown}")


def _new_record(kind: str, records: Path | None, values: dict) -> None:
    """Ask for what is missing (only on a terminal), then write the record and print its path."""
    from . import new as records_new
    from .asking import questions

    records = records if records is not None else _records(None).root
    today = date.today()
    try:
        records_new.prefill(kind, values, records, today)  # a meeting's --match names its supporter and mentee
    except records_new.NewRecordError as exc:
        raise Failed(str(exc)) from None
    terminal = sys.stdin.isatty()
    asked: set[str] = set()
    while True:
        gaps = [q for q in questions(kind, values, records, today)
                if values.get(q.name) in (None, "", ()) and q.name not in asked and (terminal or q.required)]
        if not gaps:
            break
        if not terminal:
            for gap in gaps:  # what the records already say (a supporter's agreed supervisor)
                if gap.default is not None:
                    values[gap.name] = gap.read(gap.default)
            unanswered = [gap.flag for gap in gaps if gap.default is None]
            if unanswered:
                raise click.UsageError(f"missing {', '.join(unanswered)}: give "
                                       f"{'it' if len(unanswered) == 1 else 'them'} as flags "
                                       f"(peerkit asks for them only when run in a terminal)")
            continue
        asked.add(gaps[0].name)
        values[gaps[0].name] = _ask(gaps[0])
    try:
        path, warnings = records_new.create(kind, values, records, today)
    except records_new.NewRecordError as exc:
        raise Failed(str(exc)) from None
    for warning in warnings:  # first, so the path stays the last line (scripts take it)
        click.echo(f"{warning.severity}: {warning.code} {warning.message}", err=True)
    click.echo(path.as_posix())


def _ask(question):
    """One answer, read as it is typed; a bad one is explained and asked again."""
    from .asking import BadAnswer

    while True:
        answer = click.prompt(question.text(), default=question.default or "",
                              show_default=question.default is not None)
        try:
            return question.read(answer)
        except BadAnswer as exc:
            click.echo(f"  {exc}", err=True)


class Answer(click.ParamType):
    """A flag read by the same reader as its prompt, so both say what is wrong in the same words."""

    def __init__(self, name: str, read) -> None:
        self.name = name
        self.read = read

    def convert(self, value, param, ctx):
        from .asking import BadAnswer

        if not isinstance(value, str):
            return value
        try:
            return self.read(value)
        except BadAnswer as exc:
            self.fail(str(exc), param, ctx)


def _enum(kind: str, *field: str) -> click.Choice:
    from .new import choices

    return click.Choice(choices(kind, *field))


def _enum_of(kind: str, *field_path: str) -> click.Choice:
    from .validate import vocabulary

    return click.Choice(vocabulary(kind, *field_path))


records_argument = click.argument("records", type=RECORDS_DIR, required=False)
date_option = click.option("--date", type=DATE, default=None, metavar="DATE", help="YYYY-MM-DD. Default: today.")


@main.group()
def new() -> None:
    """Write a new record, valid and at its proper path; never overwrites.

    Prints the new file's path. Missing required values are asked for on a
    terminal; otherwise (a script, a pipe) their flags are named and
    nothing is written.

    \b
    Example:
      peerkit new meeting records/ --kind one-to-one --supporter amara-okafor \\
          --mentee DK --setting community --duration 60
      $EDITOR "$(peerkit new cpd records/ --supporter amara-okafor --title 'Safeguarding adults' \\
          --type e-learning --hours 2 --mandatory safeguarding-adults)"
    """


@new.command("supporter")
@records_argument
@click.option("--name", help="Full name.")
@click.option("--id", "id", help="File name and id. Default: the name in lower case with hyphens.")
@click.option("--status", type=_enum("supporter", "status"))
@click.option("--joined", type=DATE, default=None, metavar="DATE", help="YYYY-MM-DD. Default: today.")
@click.option("--role", "roles", type=_enum("supporter", "roles"), multiple=True, help="Repeat for each role.")
@click.option("--employment", type=_enum("supporter", "employment"), help="Volunteer or paid.")
@click.option("--agreement-signed", type=DATE, default=None, metavar="DATE",
              help="YYYY-MM-DD the supervision agreement was signed (active supporters need one).")
def new_supporter(records: Path, **values) -> None:
    """A new supporter, in supporters/<id>.yaml.

    \b
    Example:
      peerkit new supporter records/ --name "Zoë Ng" --status in-training --role one-to-one
      peerkit new supporter records/ --name "Sam Reid" --status active --role telephone \\
          --employment volunteer --agreement-signed 2025-03-04
    """
    _new_record("supporter", records, values)


@new.command("meeting")
@records_argument
@date_option
@click.option("--kind", type=_enum("meeting", "kind"))
@click.option("--supporter", metavar="ID", help="Who ran it (one-to-one and coordinator meetings).",
              shell_complete=complete_supporter)
@click.option("--facilitator", "facilitators", metavar="ID", multiple=True, help="Group facilitator; repeat for each.",
              shell_complete=complete_supporter)
@click.option("--mentee", help="Initials or a code (DK, M-0042), never a name. One-to-one only.")
@click.option("--setting", type=_enum("meeting", "setting"))
@click.option("--duration", type=Answer("minutes", asking.whole_number("minutes", 1, 1440)), help="Minutes.")
@click.option("--topic", help="A few words (groups: also names the file).")
@click.option("--attendance", type=Answer("people", asking.whole_number("people", 0, 1000, example=8)),
              help="People at a group.")
@click.option("--planned", is_flag=True, help="Still to happen: status planned, and --date may be ahead.")
@click.option("--start", type=Answer("time", asking.a_time), metavar="HH:MM",
              help="Start time (planned meetings: when it happens).")
@click.option("--venue", metavar="ID", help="Where: a venue in venues/<id>.yaml.")
@click.option("--group", metavar="ID", help="Group meetings: the group in groups/<id>.yaml (also names the file).")
@click.option("--checked-in", type=Answer("time", asking.a_time), metavar="HH:MM",
              help="Lone-working check-in time (community meetings).")
@click.option("--checked-out", type=Answer("time", asking.a_time), metavar="HH:MM", help="Lone-working check-out time.")
@click.option("--with", "with_whom", metavar="WHO", help="Who they check in and out with: a role, e.g. coordinator.")
@click.option("--match", metavar="MATCH", help="The match a one-to-one belongs to; fills in its supporter and mentee.")
def new_meeting(records: Path, **values) -> None:
    """A meeting, in meetings/<YYYY>/.

    The file is <date>-<kind>-<supporter>.yaml (groups: <date>-group-<group
    or topic>.yaml), never named after the mentee. With --planned the
    meeting is recorded ahead (status: planned), so the coordinator knows
    when and where it happens; mark it held afterwards with peerkit held FILE.

    \b
    Example:
      peerkit new meeting records/ --planned --date 2026-11-26 --start 10:30 --kind one-to-one \\
          --supporter amara-okafor --mentee DK --setting community --venue canal-cafe --duration 60
      peerkit new meeting records/ --kind group --group drop-in --facilitator amara-okafor \\
          --facilitator grace-mensah --setting in-house --duration 90 --topic "Drop-in" --attendance 9
    """
    if values["planned"] and (values["checked_in"] or values["checked_out"]):
        raise click.UsageError("--checked-in and --checked-out are recorded once the meeting is held: "
                               "peerkit held FILE --checked-in HH:MM --checked-out HH:MM")
    _new_record("meeting", records, values)


@main.command()
@click.argument("file", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--checked-in", type=Answer("time", asking.a_time), metavar="HH:MM", help="Lone-working check-in time.")
@click.option("--checked-out", type=Answer("time", asking.a_time), metavar="HH:MM", help="Lone-working check-out time.")
@click.option("--with", "with_whom", metavar="WHO", help="Who they checked in and out with: a role, e.g. coordinator.")
@click.option("--escalated", is_flag=True,
              help="The lone-working procedure was escalated (listed under Needs attention).")
@click.option("--debrief-method", type=_enum_of("meeting", "debrief", "method"), help="How the debrief happened.")
@click.option("--debrief-date", type=DATE, metavar="DATE", help="YYYY-MM-DD. Default: today (when a debrief is given).")
@click.option("--concern", type=_enum_of("meeting", "debrief", "concern"), help="What the debrief raised.")
@click.option("--debrief-notes", metavar="TEXT", help="What was discussed (coordinator pages only; no names).")
@click.option("--attendance", type=click.IntRange(0), help="Groups: how many came.")
@click.option("--ground-rules/--no-ground-rules", default=None, help="Groups: whether the ground rules were revisited.")
@as_of_option
def held(file: Path, as_of: date | None, **values) -> None:
    """Mark a planned meeting held, with its check-in, check-out and debrief.

    A small edit of FILE: status becomes held and the given fields are
    added where the schema puts them; comments, blank lines and the order of
    the fields already there stay as they were. The edited meeting is
    checked first (the whole records folder, as peerkit check would): on an
    error nothing is written. Prints FILE; check's warnings about it go to
    standard error.

    \b
    Example:
      peerkit held records/meetings/2026/2026-11-23-one-to-one-amara-okafor.yaml \\
          --checked-in 10:25 --checked-out 11:40 --with coordinator --debrief-method phone --concern none
    """
    from .held import HeldError, mark_held

    try:
        shown_path, warnings = mark_held(file, values, as_of or date.today())
    except HeldError as exc:
        click.echo(FORMATTERS["text"](exc.problems), err=True)
        click.echo(f"error: held refused; nothing was written ({file.as_posix()} is unchanged)", err=True)
        sys.exit(1)
    if warnings:
        click.echo(FORMATTERS["text"](warnings), err=True)
    click.echo(shown_path)


@new.command("supervision")
@records_argument
@date_option
@click.option("--supporter", "supporters", metavar="ID", multiple=True, help="Supervisee; repeat for a group.",
              shell_complete=complete_supporter)
@click.option("--type", "type", type=_enum("supervision", "type"))
@click.option("--supervisor", help="The supervisor's name.")
@click.option("--focus", type=_enum("supervision", "focus"), multiple=True, help="ImROC focus; repeat for each.")
@click.option("--duration", type=Answer("minutes", asking.whole_number("minutes", 1, 1440)), help="Minutes.")
def new_supervision(records: Path, **values) -> None:
    """A supervision session, in supervision/<YYYY>/.

    The file is <date>-<type>-<supporter>.yaml (<date>-<type>-supervision.yaml
    for several supervisees). Repeat --supporter for group supervision.

    \b
    Example:
      peerkit new supervision records/ --supporter amara-okafor --type clinical \\
          --supervisor "Helen Marsh" --focus reflection --focus restoration --duration 60
    """
    _new_record("supervision", records, values)


@new.command("cpd")
@records_argument
@date_option
@click.option("--supporter", metavar="ID", shell_complete=complete_supporter)
@click.option("--title")
@click.option("--type", "type", type=_enum("cpd", "type"))
@click.option("--provider")
@click.option("--hours", type=Answer("hours", asking.hours))
@click.option("--competency", "competencies", metavar="ID", multiple=True, help="Competency evidenced; repeat.",
              shell_complete=complete_competency)
@click.option("--mandatory", metavar="ID", help="The mandatory training this renews, from programme.yaml.",
              shell_complete=complete_training)
def new_cpd(records: Path, **values) -> None:
    """A CPD entry, in cpd/<supporter>/<date>-<title>.yaml.

    \b
    Example:
      peerkit new cpd records/ --supporter amara-okafor --title "Lone working" \\
          --type workshop --hours 3 --mandatory lone-working --competency safety
    """
    _new_record("cpd", records, values)


@new.command("match")
@records_argument
@click.option("--mentee", help="Initials or a code (DK, M-0042), never a name.")
@click.option("--referred", type=DATE, default=None, metavar="DATE", help="Date of the referral. Default: today.")
@click.option("--supporter", metavar="ID", shell_complete=complete_supporter,
              help="The supporter matched; without it the referral joins the waiting list.")
@click.option("--matched", type=DATE, default=None, metavar="DATE",
              help="Date matched (with --supporter). Default: today.")
@click.option("--sessions", type=click.IntRange(1, 200), help="Sessions offered (with --supporter).")
@click.option("--goal", "goals", metavar="TEXT", multiple=True, help="A goal set with the mentee; repeat for each.")
@click.option("--rematched-from", metavar="MATCH", help="The mentee's earlier match, when re-matching them.")
@click.option("--id", "id", help="The match id and file name. Default: YEAR-NNN, the next free number.")
def new_match(records: Path, **values) -> None:
    """A referral or a match, in matches/<YYYY>/<id>.yaml (YYYY: the referral's year).

    Without --supporter the mentee joins the waiting list (status: waiting);
    with it the match is active and needs --sessions. The id (and file name)
    never holds the mentee's initials or code.

    \b
    Example:
      peerkit new match records/ --mentee DK --referred 2026-11-02
      peerkit new match records/ --mentee DK --supporter amara-okafor --sessions 6 \\
          --goal "Go to the next clinic appointment"
    """
    _new_record("match", records, values)


@main.command()
@click.argument("match", metavar="MATCH")
@records_argument
@click.option("--reason", type=_enum("match", "ending", "reason"), required=True, help="Why it ended.")
@click.option("--next-steps", metavar="TEXT", help="The mentee's plan for the 3-6 months after (markdown).")
@click.option("--signpost", "signposted_to", metavar="SERVICE", multiple=True,
              help="A service the mentee was signposted to (never a person); repeat for each.")
@click.option("--date", "day", type=DATE, default=None, metavar="DATE", help="When it ended. Default: today.")
def end(match: str, records: Path | None, reason: str, next_steps: str | None, signposted_to: tuple[str, ...],
        day: date | None) -> None:
    """End MATCH (its id, or its file): status ended, the date, the reason and next steps.

    Edits only that file, in place: its comments and field order stay, and
    the new fields go where the schema puts them. Refuses, changing nothing,
    a match that has already ended or that would then fail peerkit check.
    Prints the file's path.

    \b
    Example:
      peerkit end 2025-007 records/ --reason completed \\
          --next-steps "Keep going to the drop-in; clinic in March" --signpost "the drop-in group"
    """
    from .end import EndError, Refused, end_match

    today = date.today()
    try:
        path, warnings = end_match(_records(records).root, match, reason, day or today, today,
                                   next_steps=next_steps, signposted_to=signposted_to)
    except EndError as exc:
        raise Failed(str(exc)) from None
    except Refused as refused:
        click.echo(FORMATTERS["text"](list(refused.problems)), err=True)
        click.echo("error: end refused: the match would then have the errors above; nothing was changed", err=True)
        sys.exit(1)
    if warnings:
        click.echo(FORMATTERS["text"](warnings), err=True)
    click.echo(path.as_posix())


@main.command()
@records_argument
@click.option("--within", type=click.IntRange(0), default=HORIZON_DAYS, show_default=True, metavar="DAYS",
              help="Also list what falls due in the next DAYS days (the dashboard looks as far ahead as the default).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@as_of_option
def due(records: Path | None, within: int, output_format: str, as_of: date | None) -> None:
    """Show what is overdue or due within DAYS.

    Open concerns from debriefs and lone-working escalations first, then
    supervision, mandatory training renewals, supervision, meeting and
    debrief actions, planned meetings not yet marked held, debriefs, lone
    working, group facilitation, quiet matches and referrals waiting too
    long, grouped by heading;
    coloured on a terminal, plain when piped. With the default DAYS this is
    the dashboard's Needs attention. A record with errors is left out (and
    named); the rest is reported. Exit 0, or 1 when some record has errors.

    \b
    Example:
      peerkit due records/ --within 14
      peerkit due --format json | jq '.[] | select(.days < 0)'
    """
    from .due import due_items, format_json, format_text

    from .check import check as run_check

    as_of = as_of or date.today()
    found = _records(records)
    result = run_check(found.root, as_of, found.display)
    items = due_items(result.records, as_of, within)
    click.echo(format_json(items) if output_format == "json" else format_text(items, as_of, within))
    if result.errors:  # one typo must not hide expired training: report the rest, name what was left out
        click.echo(FORMATTERS["text"]([p for p in result.problems if p.severity == ERROR]), err=True)
        broken = sorted({p.path for p in result.problems if p.severity == ERROR})
        click.echo(f"warning: left out {len(broken)} file{'s' if len(broken) != 1 else ''} with errors "
                   f"(their dates are not counted above): {', '.join(broken[:5])}"
                   f"{' ...' if len(broken) > 5 else ''}; see peerkit check {found.display}", err=True)
        sys.exit(1)


@main.command()
@click.argument("kind", type=click.Choice(list(EXPORTABLE)))
@records_argument
@click.option("--format", "output_format", type=click.Choice(["csv"]), default="csv", show_default=True)
@click.option("--aggregate", type=click.Choice(["month", "quarter", "year"]), default=None,
              help="Counts and hours per period per kind, with no identifiers (not for supporters); counts "
                   "from 1 to 4 show as 'fewer than 5'.")
@click.option("--from", "start", type=DATE, default=None, metavar="DATE",
              help="With --aggregate: count records from DATE (YYYY-MM-DD).")
@click.option("--to", "end", type=DATE, default=None, metavar="DATE",
              help="With --aggregate: count records up to DATE, included.")
@click.option("--no-suppress", is_flag=True,
              help="With --aggregate: show counts from 1 to 4 too, for internal use only.")
@click.option("--with-text", is_flag=True,
              help="Also export text typed freely into records: supervisors' names, accreditation, CPD titles "
                   "and providers.")
@click.option("--with-paths", is_flag=True,
              help="Also export each record's file path (file names can hold a group's topic).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write. Default: standard output.")
def export(kind: str, records: Path | None, output_format: str, aggregate: str | None, start: date | None,
           end: date | None, no_suppress: bool, with_text: bool, with_paths: bool, output: Path | None) -> None:
    """Export KIND as CSV, one row per record, for funders and spreadsheets.

    By default only ids, dates, numbers, counts and fixed choices (and the
    supporters' names in the supporters list): --with-text adds text typed
    freely into records, --with-paths the file paths. Meetings never carry a
    mentee, topic or notes; no export carries notes or reflections. Cells a
    spreadsheet would run as formulas start with '. --aggregate month,
    quarter or year leaves out every identifier and suppresses counts from
    1 to 4 as peerkit report does; hours are "unknown" where a duration is
    missing.

    \b
    Example:
      peerkit export meetings records/ --aggregate month -o meetings-by-month.csv
      peerkit export supervision records/ --aggregate quarter --from 2025-04-01 --to 2026-03-31
      peerkit export cpd records/ --with-text > cpd.csv
    """
    from .export import AGGREGATABLE, aggregate as aggregated, select, to_csv

    if aggregate and kind not in AGGREGATABLE:
        raise click.UsageError(f"--aggregate {aggregate} works for {', '.join(AGGREGATABLE)}, not {kind}")
    if aggregate and (with_text or with_paths):
        raise click.UsageError(f"--aggregate {aggregate} holds counts and hours only; leave out --with-text and "
                               f"--with-paths")
    if not aggregate and (start or end or no_suppress):
        raise click.UsageError("--from, --to and --no-suppress go with --aggregate month, quarter or year")
    if start and end and end < start:
        raise click.UsageError(f"--to {end.isoformat()} is before --from {start.isoformat()}; swap them")
    if kind == "matches" and (aggregate not in (None, "month") or start or end):
        raise click.UsageError("matches aggregate by month only (people reached cannot be added up across months); "
                               "use --aggregate month without --from and --to")
    records_found = _checked_or_exit(records, date.today(), "export").records
    if output:
        _output_allowed(output, records_found.root, folder=False)
    rows = EXPORTABLE[kind].export
    assert rows is not None, "EXPORTABLE lists only kinds with an export"
    table = aggregated(kind, records_found, aggregate, start, end, not no_suppress) if aggregate else select(
        rows(records_found), with_text=with_text, with_paths=with_paths)
    text = to_csv(table)
    if output:
        try:
            output.write_text(text, encoding="utf-8", newline="")
        except OSError as exc:
            raise Failed(f"cannot write {output}: {exc.strerror or exc}; choose a file you can write to") from None
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("kind", type=click.Choice(list(KIND_NAMES)))
def schema(kind: str) -> None:
    """Print the JSON Schema of a KIND of record, for editors and other tools.

    \b
    Example:
      peerkit schema meeting > .schemas/meeting.schema.json
    """
    from .validate import schema_text

    click.echo(schema_text(kind), nl=False)
