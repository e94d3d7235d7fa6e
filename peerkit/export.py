"""``peerkit export``: CSV for funders, commissioners and spreadsheets.

One row per record, in a fixed order (by date, then path), so two exports of
the same records are identical. What may identify someone stays behind:

* meeting rows carry no mentee, topic or notes; match rows no mentee code, goals,
  next steps or signposting (an id holding the mentee's code says ``mentee``);
  free text (notes, reflections) is never exported;
* by default an export holds only values whose form peerkit controls: ids,
  dates, numbers, counts and the fixed choices. Text typed freely into a record
  (a supervisor's name, titles, providers, accreditation) comes only with
  ``--with-text``, and file paths (whose names can hold a topic or, in older
  files, a mentee's code) only with ``--with-paths``; where a path holds the
  mentee's code it says ``mentee`` instead. The supporters list keeps each
  supporter's name: naming them is what it is for;
* a text cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``,
  ``@``, tab or carriage return first, also after blanks or in full width) is
  written with a leading ``'``, as OWASP advises; numbers stay numbers.

``--aggregate month|quarter|year`` goes further: counts and hours only, with no
identifiers at all, small counts suppressed as the report suppresses them.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from datetime import date
from typing import Iterable, Sequence

from .analyse import CPD_TYPES, MEETING_KINDS, SUPERVISION_TYPES, month_key
from .model import Meeting, Records
from .relationships import ENDING_REASONS, by_month as matches_by_month, link_meetings, months_of

AGGREGATABLE = ("meetings", "supervision", "cpd", "matches")

Table = tuple[list[str], Sequence[Sequence[object]]]

# Columns of text typed freely into records, in any export: only with --with-text.
# (A supporter's name stays in the supporters list: naming them is its purpose.)
TEXT_COLUMNS = frozenset({"accreditation", "supervisor", "title", "provider"})
PATH_COLUMN = "path"
# What a spreadsheet may take as the start of a formula (OWASP, "CSV injection").
_FORMULA_FIRST = frozenset("=+-@")
_FORMULA_CONTROL = frozenset("\t\r")


def _join(values: Iterable[str]) -> str:
    """Several values in one cell, as spreadsheets split them: ``a; b``."""
    return "; ".join(values)


def _number(value: float) -> float | int:
    """Round to 2 places and write 6.0 as 6, as people write hours."""
    value = round(value, 2)
    return int(value) if value.is_integer() else value


def _without_mentee(meeting: Meeting) -> str:
    """The meeting's path, with the mentee's code replaced where its file name holds it."""
    return _without_code(meeting.source.rel, meeting.mentee)


def _without_code(rel: str, mentee: str | None) -> str:
    """``rel`` (a path or an id) with the words of the mentee's code replaced by ``mentee``."""
    folder, slash, name = rel.rpartition("/")
    stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
    parts = re.findall(r"[a-z0-9]+", (mentee or "").lower())
    words = stem.split("-")
    dated = 3 if re.fullmatch(r"\d{4}-\d{2}-\d{2}", "-".join(words[:3])) else 0
    for code in (parts, ["".join(parts)]) if parts else ():  # M-0042 as m-0042; D.K. as d-k or dk
        for start in range(dated, len(words) - len(code) + 1):
            if words[start:start + len(code)] == code:
                words[start:start + len(code)] = ["mentee"]
    return f"{folder}{slash}{'-'.join(words)}{dot}{suffix}"


def supporters(records: Records) -> Table:
    header = ["id", "name", "status", "joined", "left", "roles", "induction_completed", "core_completed",
              "accreditation", "supervisor", "path"]
    rows = []
    for s in sorted(records.supporters, key=lambda s: s.id):
        accreditation = s.accreditation
        award = " ".join(filter(None, (accreditation.title, accreditation.level and f"level {accreditation.level}",
                                       f"({accreditation.body})"))) if accreditation else ""
        rows.append([s.id, s.name, s.status, s.joined, s.left or "", _join(s.roles), s.induction_completed or "",
                     s.core_completed or "", award, s.supervisor or "", s.source.rel])
    return header, rows


def meetings(records: Records) -> Table:
    """Held meetings only (planned and cancelled ones did not happen). No mentee, topic or notes: a
    meetings export may leave the organisation."""
    header = ["date", "kind", "supporters", "setting", "duration_minutes", "attendance", "debriefed", "path"]
    rows = [[m.date, m.kind, _join(m.people), m.setting, m.duration_minutes,
             "" if m.attendance is None else m.attendance, "yes" if m.debrief else "no", _without_mentee(m)]
            for m in sorted(records.meetings, key=lambda m: (m.date, m.source.rel)) if m.held]
    return header, rows


def supervision(records: Records) -> Table:
    header = ["date", "type", "supporters", "supervisor", "duration_minutes", "focus", "actions", "open_actions",
              "copy_given", "path"]
    rows = [[s.date, s.type, _join(s.supporters), s.supervisor, s.duration_minutes or "", _join(s.focus),
             len(s.actions), sum(1 for a in s.actions if not a.done), s.copy_given or "", s.source.rel]
            for s in sorted(records.supervision, key=lambda s: (s.date, s.source.rel))]
    return header, rows


def cpd(records: Records) -> Table:
    header = ["date", "supporter", "title", "type", "provider", "hours", "mandatory", "competencies", "path"]
    rows = [[c.date, c.supporter, c.title, c.type, c.provider or "", _number(c.hours), c.mandatory or "",
             _join(c.competencies), c.source.rel]
            for c in sorted(records.cpd, key=lambda c: (c.date, c.source.rel))]
    return header, rows


def select(table: Table, *, with_text: bool = False, with_paths: bool = False) -> Table:
    """``table`` without its free-text columns and paths, unless asked for."""
    header, rows = table
    dropped = (set() if with_text else TEXT_COLUMNS) | (set() if with_paths else {PATH_COLUMN})
    keep = [i for i, name in enumerate(header) if name not in dropped]
    return [header[i] for i in keep], [[row[i] for i in keep] for row in rows]


def matches(records: Records) -> Table:
    """No mentee code, goals, notes, next steps or signposting: counts and dates only.

    An id or file name that holds the mentee's code says ``mentee`` in its place.
    """
    header = ["id", "supporter", "status", "referred", "matched", "sessions_offered", "sessions_held", "goals_set",
              "goals_achieved", "ended", "ending_reason", "rematched_from", "path"]
    held = link_meetings(records)
    rows = [[_without_code(m.id, m.mentee), m.supporter or "", m.status, m.referred, m.matched or "",
             "" if m.sessions_offered is None else m.sessions_offered, len(held.get(m.source.rel, ())), len(m.goals),
             sum(1 for g in m.goals if g.status == "achieved"), m.ended or "", m.reason or "",
             _without_code(m.rematched_from, m.mentee) if m.rematched_from else "",
             _without_code(m.source.rel, m.mentee)]
            for m in sorted(records.matches, key=lambda m: (m.referred, m.source.rel))]
    return header, rows


PERIOD_UNITS = ("month", "quarter", "year")
FEWER = "fewer than 5"  # as the report words a suppressed count
NOT_SHOWN = "not shown"  # hours tied to a suppressed count
UNKNOWN = "unknown"  # hours where a duration is missing


def period_key(day: date, unit: str) -> str:
    """``2026-03``, ``2026-Q1`` or ``2026``: the period of ``unit`` holding ``day``."""
    if unit == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if unit == "year":
        return f"{day.year:04d}"
    return month_key(day)


def _items(kind: str, records: Records) -> tuple[list[tuple[date, str, float | None]], tuple[str, ...]]:
    """(date, kind or type, hours or None where no duration was recorded) and the order of kinds."""
    if kind == "meetings":
        return [(m.date, m.kind, m.duration_minutes / 60) for m in records.meetings if m.held], MEETING_KINDS
    if kind == "supervision":
        return [(s.date, s.type, None if s.duration_minutes is None else s.duration_minutes / 60)
                for s in records.supervision], SUPERVISION_TYPES
    if kind == "cpd":
        return [(c.date, c.type, c.hours) for c in records.cpd], CPD_TYPES
    raise ValueError(f"--aggregate works for {', '.join(AGGREGATABLE)}, not {kind}")


def _matches_by_month(records: Records, suppress: bool) -> Table:
    """month, referrals, matched, people_reached, endings and endings by reason, small counts suppressed.

    people_reached counts distinct mentees in a running match or met one-to-one that month: not to
    be summed across months, so matches aggregate by month only.
    """
    from .report import COUNT, TOTAL, Group, protect

    header = ["month", "referrals", "matched", "people_reached", "endings", *ENDING_REASONS]
    rows = []
    for row in matches_by_month(records, months_of(records)):
        cells = [row[column] for column in header]
        if suppress:
            hidden = protect(Group("endings", COUNT, tuple((r, int(str(row[r]))) for r in ENDING_REASONS)))
            hidden = {("endings" if key == TOTAL else key) for key in hidden}
            hidden |= {c for c in ("referrals", "matched", "people_reached")
                       if isinstance(n := row[c], int) and 0 < n < 5}
            cells = [FEWER if column in hidden else cell for column, cell in zip(header, cells)]
        rows.append(cells)
    return header, rows


def aggregate(kind: str, records: Records, unit: str = "month", start: date | None = None, end: date | None = None,
              suppress: bool = True) -> Table:
    """period, kind (meeting kind, supervision type or CPD type), count, hours: no identifiers.

    Only records dated ``start`` to ``end`` (both included) count. With
    ``suppress``, each period's counts are protected as the report's are
    (:func:`peerkit.report.protect`): 1-4 show as "fewer than 5", with the next
    smallest count of the period when one alone would be hidden, and their
    hours are not shown. Hours are "unknown" where a duration is missing.
    """
    from .report import COUNT, Group, protect

    if kind == "matches":
        return _matches_by_month(records, suppress)
    items, order = _items(kind, records)
    cells: dict[tuple[str, str], list[float | None]] = defaultdict(list)
    for day, sort, duration in items:
        if (start is None or day >= start) and (end is None or day <= end):
            cells[(period_key(day, unit), sort)].append(duration)
    rank = {name: i for i, name in enumerate(order)}
    keys = sorted(cells, key=lambda k: (k[0], rank.get(k[1], len(rank)), k[1]))
    hidden: set[tuple[str, str]] = set()
    for period in dict.fromkeys(p for p, _ in keys) if suppress else ():
        parts = tuple((sort, len(cells[p, sort])) for p, sort in keys if p == period)
        hidden |= {(period, sort) for sort in protect(Group(period, COUNT, parts))}
    rows: list[list[object]] = []
    for key in keys:
        durations = cells[key]
        if key in hidden:
            rows.append([*key, FEWER, NOT_SHOWN])
        else:
            known = None if any(h is None for h in durations) else _number(sum(h or 0 for h in durations))
            rows.append([*key, len(durations), UNKNOWN if known is None else known])
    column = "kind" if kind == "meetings" else "type"
    return [unit, column, "count", "hours"], rows


def by_month(kind: str, records: Records) -> Table:
    """month, kind (meeting kind, supervision type or CPD type), count, hours, unsuppressed (matches: see
    :func:`_matches_by_month`)."""
    return aggregate(kind, records, "month", suppress=False)


def neutralise(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula, made inert with a leading ``'``.

    Triggers are ``= + - @`` first, after any blanks (some spreadsheets trim
    them), in any width (``＝`` is ``=`` to an IME), and a leading tab or carriage
    return. Numbers and dates are not text and stay as they are.
    """
    if not isinstance(cell, str) or not cell:
        return cell
    if cell[0] in _FORMULA_CONTROL:
        return "'" + cell
    first = cell.lstrip()[:1]
    if first and unicodedata.normalize("NFKC", first)[:1] in _FORMULA_FIRST:
        return "'" + cell
    return cell


def to_csv(table: Table) -> str:
    """RFC 4180 CSV (CRLF line ends), dates as YYYY-MM-DD, formulas neutralised."""
    header, rows = table
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return out.getvalue()
