"""Figures for funders and commissioners: one period, counts only, small numbers suppressed.

A report leaves the organisation, and the people it counts live with HIV or
mental-health conditions. So this module derives, for a period and the one
before it, only counts, hours and shares: never a name, code, id, path or
free text (the figures' keys are the schemas' fixed choices). Then it applies
disclosure control (:func:`protect`):

* a count from 1 to 4 is **suppressed** (shown as "fewer than 5");
* where a group of counts has a total, one suppressed part could be got back
  by subtracting the others from the total, so the next smallest part is
  suppressed too (complementary suppression);
* hours tied to counts (hours by kind of session) are hidden wherever their
  counts are, so hours cannot point back at a hidden count either.

The renderers (:mod:`peerkit.reporting`) read the one list of :class:`Figure`
this module makes; they add words, never numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

from .analyse import (CPD_TYPES, SUPERVISION_TYPES, TRAINING_EXPIRING, TRAINING_VALID, Analysis,
                      add_months)
from .model import Records
from .promises import kept, pooled_share
from .validate import vocabulary

SMALLEST_SHOWN = 5  # counts from 1 to SMALLEST_SHOWN - 1 are suppressed
TOTAL = "total"  # the part key of a group's total
COUNT, HOURS, PERCENT = "count", "hours", "percent"
DELIVERED_KINDS = ("one-to-one", "group")  # peer support delivered (not the coordinator's one-to-ones)
SETTINGS = vocabulary("meeting", "setting")


class PeriodError(ValueError):
    """A period that cannot be read; the message says how to write one."""


@dataclass(frozen=True)
class Period:
    """The days ``start`` to ``end``, both included, and how the user named them."""

    start: date
    end: date
    name: str  # 2026-Q3, 2025, or 2026-01-01 to 2026-03-31
    unit: str  # quarter, year or days: what "the previous period" means

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        """The period just before: the quarter or year before, or as many days before."""
        if self.unit == "quarter":
            start = add_months(self.start, -3)
            return quarter(start.year, (start.month - 1) // 3 + 1)
        if self.unit == "year":
            return year(self.start.year - 1)
        end = self.start - timedelta(days=1)
        start = end - timedelta(days=self.days - 1)
        return Period(start, end, f"{start.isoformat()} to {end.isoformat()}", "days")


def quarter(year_: int, number: int) -> Period:
    start = date(year_, 3 * number - 2, 1)
    end = add_months(start, 3) - timedelta(days=1)
    return Period(start, end, f"{year_}-Q{number}", "quarter")


def year(year_: int) -> Period:
    return Period(date(year_, 1, 1), date(year_, 12, 31), str(year_), "year")


def period_of(period: str | None = None, year_: int | None = None, start: date | None = None,
              end: date | None = None) -> Period:
    """The period the options name: exactly one of ``--period``, ``--year``, or ``--from`` with ``--to``."""
    given = [period is not None, year_ is not None, start is not None or end is not None]
    if sum(given) != 1:
        raise PeriodError("give one period: --period 2026-Q3, --year 2025, or --from DATE --to DATE")
    if period is not None:
        match = re.fullmatch(r"(\d{4})-Q([1-4])", period.strip(), re.IGNORECASE)
        if not match:
            raise PeriodError(f"'{period}' is not a quarter; write it as YYYY-QN, e.g. 2026-Q3")
        return quarter(int(match[1]), int(match[2]))
    if year_ is not None:
        return year(year_)
    if start is None or end is None:
        raise PeriodError("--from and --to go together: give both dates (YYYY-MM-DD)")
    if end < start:
        raise PeriodError(f"--to {end.isoformat()} is before --from {start.isoformat()}; swap them")
    return Period(start, end, f"{start.isoformat()} to {end.isoformat()}", "days")


# --- raw figures for one period ------------------------------------------------------

@dataclass(frozen=True)
class Group:
    """Numbers of one kind for one period: ``parts`` (in a fixed order) and maybe their total.

    ``tied_to`` names the count group whose suppression this group follows
    (hours of sessions follow the sessions' counts); a PERCENT group is never suppressed.
    """

    key: str
    unit: str
    parts: tuple[tuple[str, float | None], ...]  # (fixed choice, number; None: unknown)
    total: bool = True
    tied_to: str | None = None


def _single(key: str, number: float | None, unit: str = COUNT) -> Group:
    return Group(key, unit, ((TOTAL, number),), total=False)


def _held(records: Records, period: Period) -> list:
    return [m for m in records.meetings if m.kind in DELIVERED_KINDS and m.held and period.holds(m.date)]


def reach(records: Records, period: Period) -> list[Group]:
    """People reached: distinct mentee codes met in one-to-ones in the period."""
    codes = {m.mentee.casefold() for m in _held(records, period) if m.kind == "one-to-one" and m.mentee}
    return [_single("people-reached", len(codes))]


def _goal_day(match, goal) -> date | None:
    """When a goal counts as achieved: its last review, else the match's end."""
    return max(goal.reviewed, default=None) or match.ended


def matches(records: Records, period: Period) -> list[Group]:
    """New referrals, matches started and ended, endings by reason, mentees' goals achieved."""
    all_matches = records.of("match")
    ended = [m for m in all_matches if m.ended and period.holds(m.ended)]
    reasons = vocabulary("match", "ending", "reason")
    achieved = sum(1 for m in all_matches for g in m.goals
                   if g.status == "achieved" and (day := _goal_day(m, g)) is not None and period.holds(day))
    return [_single("new-referrals", sum(1 for m in all_matches if period.holds(m.referred))),
            _single("matches-started", sum(1 for m in all_matches if m.matched and period.holds(m.matched))),
            _single("matches-ended", len(ended)),
            Group("endings-by-reason", COUNT, tuple((r, sum(1 for m in ended if m.ending and m.ending.reason == r))
                                                    for r in reasons)),
            _single("goals-achieved", achieved)]


def sessions(records: Records, period: Period) -> list[Group]:
    """Sessions delivered by kind and by setting, their hours, group meetings' attendances."""
    held = _held(records, period)
    by_kind = tuple((k, sum(1 for m in held if m.kind == k)) for k in DELIVERED_KINDS)
    hours = tuple((k, round(sum(m.duration_minutes for m in held if m.kind == k) / 60, 2)) for k in DELIVERED_KINDS)
    by_setting = tuple((s, sum(1 for m in held if m.setting == s)) for s in SETTINGS)
    groups = [m for m in held if m.kind == "group"]
    counted = [m.attendance for m in groups if m.attendance is not None]
    attendances = sum(counted) if counted or not groups else None
    return [Group("sessions-by-kind", COUNT, by_kind), Group("sessions-by-setting", COUNT, by_setting),
            Group("hours-by-kind", HOURS, hours, tied_to="sessions-by-kind"),
            _single("group-attendances", attendances)]


def supervision(records: Records, period: Period) -> list[Group]:
    """Supervision sessions delivered, by type."""
    held = [s for s in records.supervision if period.holds(s.date)]
    return [Group("supervision-by-type", COUNT, tuple((t, sum(1 for s in held if s.type == t))
                                                       for t in SUPERVISION_TYPES))]


def promises_and_training(records: Records, period: Period) -> list[Group]:
    """Supervision promise kept over the period, and required training in date on its last day.

    Both read the dashboard's own figures (:mod:`peerkit.promises`, :class:`Analysis`)
    as of the period's end, with the promise measured over the period's days.
    """
    analysis = Analysis.of(records, period.end)
    promise_kept = pooled_share(kept(s.supporter.joined, p.sessions, p.promise.interval_days, period.end, period.days)
                                for s in analysis.promised for p in s.promises)
    required = [t for s in analysis.summaries.values() if s.supporter.is_active for t in s.required_training]
    in_date = sum(1 for t in required if t.status in (TRAINING_VALID, TRAINING_EXPIRING))
    return [_single("promise-kept", None if promise_kept is None else round(promise_kept, 4), PERCENT),
            _single("training-in-date", round(in_date / len(required), 4) if required else None, PERCENT)]


def cpd(records: Records, period: Period) -> list[Group]:
    """CPD activities and hours by type."""
    entries = [c for c in records.cpd if period.holds(c.date)]
    return [Group("cpd-by-type", COUNT, tuple((t, sum(1 for c in entries if c.type == t)) for t in CPD_TYPES)),
            Group("cpd-hours-by-type", HOURS, tuple((t, round(sum(c.hours for c in entries if c.type == t), 2))
                                                    for t in CPD_TYPES), tied_to="cpd-by-type")]


def supporters(records: Records, period: Period) -> list[Group]:
    """Supporters active (ran a session in the period), joined and left in it."""
    active = {person for m in _held(records, period) for person in m.people if person}
    return [_single("supporters-active", len(active)),
            _single("supporters-joined", sum(1 for s in records.supporters if period.holds(s.joined))),
            _single("supporters-left", sum(1 for s in records.supporters if s.left and period.holds(s.left)))]


SECTIONS = (("reach", reach), ("matches", matches), ("sessions", sessions), ("supervision", supervision),
            ("promises", promises_and_training), ("cpd", cpd), ("supporters", supporters))


# --- disclosure control --------------------------------------------------------------

def small(number: float | None) -> bool:
    return number is not None and 0 < number < SMALLEST_SHOWN


def protect(group: Group, hidden_counts: set[str] | None = None) -> set[str]:
    """The part keys of ``group`` (TOTAL for its total) that must not be shown.

    Counts 1-4 are hidden; a total of 1-4 too. When exactly one part is hidden
    and the total is shown, the next smallest part is hidden with it, so the
    total minus the shown parts is never a hidden count. A tied group hides
    what its count group hides (``hidden_counts``).
    """
    if group.unit == PERCENT:
        return set()
    if group.tied_to is not None:
        return set(hidden_counts or ())
    hidden = {key for key, number in group.parts if small(number)}
    if not group.total:
        return hidden
    total = sum(number or 0 for _, number in group.parts)
    if small(total):
        return hidden | {TOTAL}
    if len(hidden) == 1:
        shown = sorted((number, key) for key, number in group.parts if key not in hidden and number)
        hidden.add(shown[0][1] if shown else TOTAL)
    return hidden


# --- the figures --------------------------------------------------------------------

@dataclass(frozen=True)
class Value:
    """One number as the report shows it: ``number`` unless suppressed; None: unknown."""

    number: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class Figure:
    section: str
    group: str
    part: str  # a fixed choice, or TOTAL
    unit: str
    current: Value
    previous: Value


@dataclass(frozen=True)
class Report:
    programme: str
    period: Period
    previous: Period
    suppressed: bool  # False: --no-suppress, for internal use only
    figures: tuple[Figure, ...]

    def section(self, name: str) -> list[Figure]:
        return [f for f in self.figures if f.section == name]


def _values(groups: Iterable[Group], suppress: bool) -> dict[tuple[str, str], Value]:
    """Every part (and total) of ``groups`` as shown: suppressed where :func:`protect` says."""
    values: dict[tuple[str, str], Value] = {}
    hidden_by_group: dict[str, set[str]] = {}
    for group in groups:
        hidden = protect(group, hidden_by_group.get(group.tied_to or "")) if suppress else set()
        hidden_by_group[group.key] = hidden
        parts = list(group.parts)
        if group.total:
            numbers = [n for _, n in group.parts]
            total = None if any(n is None for n in numbers) else round(sum(n or 0 for n in numbers), 2)
            parts.append((TOTAL, total))
        for key, number in parts:
            values[group.key, key] = Value(None, True) if key in hidden else Value(number)
    return values


def derive(records: Records, period: Period, suppress: bool = True) -> Report:
    """The report's figures for ``period`` and the period before it, suppressed unless ``suppress`` is False."""
    previous = period.previous()
    figures = []
    for section, derive_section in SECTIONS:
        now, before = derive_section(records, period), derive_section(records, previous)
        shown_now, shown_before = _values(now, suppress), _values(before, suppress)
        for group in now:
            for key in [k for k, _ in group.parts] + ([TOTAL] if group.total else []):
                figures.append(Figure(section, group.key, key, group.unit, shown_now[group.key, key],
                                      shown_before[group.key, key]))
    programme = records.programme.name if records.programme else ""
    return Report(programme, period, previous, suppress, tuple(figures))
