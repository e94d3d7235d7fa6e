"""Promises kept over time: supervision promised and given, training owed by role, CPD pace.

"You need to make sure that you fulfil the commitment you decide to offer"
(seed ``ongoing-support-and-cpd.txt``). Who is overdue today says little about
the year: someone supervised yesterday may have gone four months without it
in the spring. This module measures each promise over a window of 12 months:

* a **promise** is "supervision (of a type, or of any type) every N days":
  each entry of a supporter's ``supervision.arrangements``, their own
  ``supervision.interval_days``, or else the programme's default;
* a day of the window is **missed** when the promise was overdue on it: more
  than N days after the last session the promise counts (or joining, before
  the first), up to the day the next session came; the share of the other
  days is the promise kept; the **longest gap** is the most days between two
  sessions (or joining and the first, or the last and today);
* mandatory training is **required**, **recommended** (a volunteer's
  non-statutory training) or **not for their roles**;
* CPD hours are judged **pro rata** through the calendar year.

Pure functions of dates and numbers, no English (templates and
:mod:`peerkit.wording` word them), each unit-tested on hand-made values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Sequence

from .model import MandatoryTraining, Supporter
from .source import FieldPath

WINDOW_DAYS = 365  # "over 12 months", as the other 12-month figures count them

REQUIRED, RECOMMENDED, NOT_FOR_ROLES = "required", "recommended", "not for their roles"

# CPD pace: on track from this share of the pro-rata hours (CPD comes in blocks:
# one course can be a fifth of a year's target), clearly behind under CLEARLY_BEHIND,
# and never clearly behind before a quarter of the year has passed for them.
ON_TRACK_SHARE = 0.75
CLEARLY_BEHIND_SHARE = 0.5
MIN_SHARE_OF_YEAR = 0.25
ON_TRACK, BEHIND, CLEARLY_BEHIND = "on track", "behind", "clearly behind"


# --- supervision promises ----------------------------------------------------------

@dataclass(frozen=True)
class Promise:
    """Supervision of ``type`` (None: of any type) every ``interval_days``."""

    type: str | None
    interval_days: int
    supervisor: str | None = None
    field: FieldPath = ()  # where the supporter file states it; () for the programme's default

    def counts(self, session_type: str) -> bool:
        return self.type is None or self.type == session_type


def promises_of(supporter: Supporter, default_interval: int) -> tuple[Promise, ...]:
    """The supporter's promises: their arrangements by type, and their own interval if they agreed one.

    With neither, the programme's ``default_interval_days`` is the one promise.
    """
    promises = [Promise(None, supporter.supervision_interval_days, supporter.supervisor,
                        ("supervision", "interval_days"))] if supporter.supervision_interval_days else []
    promises += [Promise(a.type, a.interval_days, a.supervisor or supporter.supervisor,
                         ("supervision", "arrangements", a.index)) for a in supporter.arrangements]
    return tuple(promises) or (Promise(None, default_interval, supporter.supervisor),)


@dataclass(frozen=True)
class Gap:
    """Days without a session the promise counts: from ``start`` (a session, or joining) to ``end``."""

    start: date
    end: date | None  # the next session; None while still open on as_of
    days: int


@dataclass(frozen=True)
class Kept:
    """How one promise was kept over the window ``start``..``end`` (both included)."""

    start: date
    end: date
    days: int  # days in the window (from joining, when later)
    covered: int  # of which within the promised interval of a session or of joining
    sessions: int  # sessions in the window
    longest: Gap | None  # the longest gap ending in the window (or still open)
    broken: int  # gaps longer than promised
    missed: tuple[tuple[date, date], ...]  # the days not covered, as (first, last) runs

    @property
    def share(self) -> float | None:
        """The share of the window's days covered; None for an empty window."""
        return self.covered / self.days if self.days else None


def kept(anchor: date, sessions: Iterable[date], interval: int, as_of: date,
         window_days: int = WINDOW_DAYS) -> Kept:
    """How "a session every ``interval`` days" was kept in the ``window_days`` up to ``as_of``.

    ``anchor`` is when the promise began (joining): the first session is due
    ``interval`` days after it. Between one session (or the anchor) and the
    next, the days after the due date up to and including the day the next
    session came (or ``as_of``, while none has) are missed: exactly the days
    on which ``peerkit due`` would have listed it as overdue. A session on
    its due date misses nothing; one a day late misses that day.
    """
    sessions = [d for d in sessions if d <= as_of]
    start = max(as_of - timedelta(days=window_days - 1), anchor)
    days = max((as_of - start).days + 1, 0)
    points = sorted({anchor, *sessions})
    missed, gaps = [], []
    for here, after in zip(points, [*points[1:], None]):
        end = after or as_of
        if end > here and end >= start:
            gaps.append(Gap(here, after, (end - here).days))
        first, last = max(here + timedelta(days=interval + 1), start), min(end, as_of)
        if first <= last:
            missed.append((first, last))
    covered = days - sum((last - first).days + 1 for first, last in missed)
    longest = max(gaps, key=lambda g: (g.days, g.start), default=None)
    return Kept(start, as_of, days, covered, sum(1 for d in sessions if start <= d), longest,
                sum(1 for g in gaps if g.days > interval), tuple(missed))


def next_due(anchor: date, sessions: Sequence[date], interval: int) -> tuple[date | None, date]:
    """(the last session or None, when the next is due: the last session, or joining, plus ``interval``)."""
    last = max(sessions, default=None)
    return last, (last or anchor) + timedelta(days=interval)


def pooled_share(results: Iterable[Kept]) -> float | None:
    """Covered days over promised days, pooled: a supporter's or the programme's promise kept."""
    results = list(results)
    days = sum(k.days for k in results)
    return sum(k.covered for k in results) / days if days else None


def missed_days(results: Iterable[Kept]) -> set[date]:
    """Every day on which at least one of the promises was not kept."""
    return {first + timedelta(days=i) for k in results for first, last in k.missed
            for i in range((last - first).days + 1)}


@dataclass(frozen=True)
class Regularity:
    """Supervision received in a window, as facts a supporter can show: how many, how often."""

    sessions: int
    average_days: float | None  # between consecutive sessions; None with fewer than two
    longest_days: int | None  # the longest gap between two sessions in the window


def regularity(sessions: Iterable[date], as_of: date, window_days: int = WINDOW_DAYS) -> Regularity:
    """Sessions in the window, the average days between them and the longest gap (two on one day: no gap)."""
    start = as_of - timedelta(days=window_days - 1)
    held = [d for d in sessions if start <= d <= as_of]
    days = sorted(set(held))
    gaps = [(b - a).days for a, b in zip(days, days[1:])]
    return Regularity(len(held), round((days[-1] - days[0]).days / len(gaps), 1) if gaps else None,
                      max(gaps, default=None))


# --- mandatory training by role and employment -------------------------------------

def requirement(training: MandatoryTraining, supporter: Supporter) -> str:
    """Whether ``training`` is required of ``supporter``, recommended, or not for their roles.

    A training with ``applies_to_roles`` is for supporters with one of those
    roles (a supporter with no roles recorded yet is treated as having them
    all). A volunteer can be required to do only statutory training (seed
    ``ongoing-support-and-cpd.txt``); the rest is recommended.
    """
    if training.applies_to_roles and supporter.roles and not set(training.applies_to_roles) & set(supporter.roles):
        return NOT_FOR_ROLES
    if supporter.employment == "volunteer" and not training.statutory:
        return RECOMMENDED
    return REQUIRED


# --- CPD pace --------------------------------------------------------------------------

@dataclass(frozen=True)
class CpdPace:
    """CPD hours this calendar year against the target pro rata to as_of (from joining, if later)."""

    year: int
    since: date  # 1 January, or the day they joined
    hours: float
    expected: float  # the target pro rata to as_of
    target: float
    status: str  # ON_TRACK, BEHIND or CLEARLY_BEHIND

    @property
    def flagged(self) -> bool:
        return self.status == CLEARLY_BEHIND


def cpd_pace(entries: Iterable[tuple[date, float]], target: float, joined: date, as_of: date) -> CpdPace:
    """Hours (``(date, hours)`` pairs) logged this year against ``target`` pro rata.

    On track from three quarters of the pro-rata hours, behind below that,
    clearly behind (the only flag) under half of them once they have been
    with the programme for at least a quarter of the year.
    """
    year_start = date(as_of.year, 1, 1)
    year_days = (date(as_of.year + 1, 1, 1) - year_start).days
    since = max(year_start, joined)
    elapsed = max((as_of - since).days + 1, 0)
    hours = round(sum(h for day, h in entries if year_start <= day <= as_of), 2)
    expected = round(target * elapsed / year_days, 2)
    if hours >= ON_TRACK_SHARE * expected:
        status = ON_TRACK
    elif hours < CLEARLY_BEHIND_SHARE * expected and elapsed >= MIN_SHARE_OF_YEAR * year_days:
        status = CLEARLY_BEHIND
    else:
        status = BEHIND
    return CpdPace(as_of.year, since, hours, expected, target, status)
