"""Relationships: the mentee's journey in figures (matches, sessions, goals, endings).

Pure functions of (records, as_of), as dates and numbers with no English:
the dashboard, supporter pages, portfolios, ``export``, the rules and the
obligations all read them here, so a figure means the same thing wherever it
is shown. Mentees are only ever their codes, as the records hold them.

Which meetings belong to a match: a one-to-one that names it (``match:``),
or one that names no match but has the match's supporter and mentee and is
dated while the match ran (from ``matched`` to ``ended``). So a programme
that has not written ``match:`` on its meetings still gets its sessions
counted, and its matches are not flagged as quiet for want of a link.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, lru_cache
from typing import Iterable

from .analyse import add_months, month_key
from .model import Match, Meeting, Records
from .validate import vocabulary

ENDING_REASONS = vocabulary("match", "ending", "reason")
GOAL_STATUSES = vocabulary("match", "goals", "status")
WINDOW_DAYS = 365  # "within 12 months": endings, re-match patterns, people reached
REMATCH_MENTEE_MATCHES = 3  # a mentee in this many matches within 12 months is a pattern
REMATCH_SUPPORTER_BREAKDOWNS = 2  # a supporter with this many breakdown endings within 12 months
MENTEE, SUPPORTER = "mentee", "supporter"  # the two kinds of re-match pattern


@dataclass(frozen=True)
class MatchProgress:
    """One match on ``as_of``: the one-to-one meetings it has had, and what follows from them."""

    match: Match
    meetings: tuple[Meeting, ...]  # held on or before as_of, oldest first

    @property
    def held(self) -> int:
        return len(self.meetings)

    @property
    def last_meeting(self) -> date | None:
        return self.meetings[-1].date if self.meetings else None

    @property
    def quiet_since(self) -> date | None:
        """The last meeting, or the day they were matched: what a quiet spell counts from."""
        return self.last_meeting or self.match.matched

    @property
    def over_offer(self) -> bool:
        """More sessions held than were offered."""
        offered = self.match.sessions_offered
        return offered is not None and self.held > offered

    @property
    def goals_set(self) -> int:
        return len(self.match.goals)

    @property
    def goals_achieved(self) -> int:
        return sum(1 for g in self.match.goals if g.status == "achieved")


@dataclass(frozen=True)
class Waiting:
    match: Match
    days: int  # days since referral
    alert: bool  # waiting longer than relationships.waiting_alert_days


@dataclass(frozen=True)
class RematchFlag:
    """A pattern worth a conversation: ``kind`` is MENTEE (re-matched again and again) or
    SUPPORTER (relationships breaking down); ``who`` is the mentee code or supporter id."""

    kind: str
    who: str
    matches: tuple[Match, ...]  # the matches that make the pattern, oldest first

    @property
    def latest(self) -> Match:
        return self.matches[-1]


@dataclass(frozen=True)
class Caseload:
    supporter: str  # id
    active: tuple[MatchProgress, ...]


@dataclass(frozen=True)
class PersonCounts:
    """What a supporter's portfolio may say about their relationships: counts only."""

    supported: int  # matches they were matched in, up to as_of
    completed: int  # of those, ended with reason completed
    goals_achieved: int  # mentees' goals achieved in them


def link_meetings(records: Records) -> dict[str, list[Meeting]]:
    """Each match's one-to-one meetings, by the match's file (``source.rel``), oldest first."""
    by_id: dict[str, Match] = {}
    by_pair: dict[tuple[str, str], list[Match]] = defaultdict(list)
    for match in records.matches:
        by_id.setdefault(match.id, match)
        if match.supporter and match.matched:
            by_pair[(match.supporter, match.mentee)].append(match)
    linked: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in records.meetings:
        if meeting.kind != "one-to-one" or not meeting.held:  # a planned or cancelled session was not had
            continue
        owner = by_id.get(meeting.match) if meeting.match else _running(by_pair, meeting)
        if owner is not None:
            linked[owner.source.rel].append(meeting)
    for meetings in linked.values():
        meetings.sort(key=lambda m: (m.date, m.source.rel))
    return linked


def _running(by_pair: dict[tuple[str, str], list[Match]], meeting: Meeting) -> Match | None:
    """The latest match of this supporter and mentee that was running on the meeting's date."""
    if meeting.supporter is None or meeting.mentee is None:
        return None
    candidates = [m for m in by_pair.get((meeting.supporter, meeting.mentee), ())
                  if m.matched is not None and m.matched <= meeting.date
                  and (m.ended is None or meeting.date <= m.ended)]
    return max(candidates, key=lambda m: (m.matched, m.source.rel), default=None)


def within_window(day: date | None, as_of: date) -> bool:
    """In the 12 months up to and including ``as_of``."""
    return day is not None and as_of - timedelta(days=WINDOW_DAYS) < day <= as_of


class Relationships:
    """Every relationship figure of a programme on ``as_of``."""

    def __init__(self, records: Records, as_of: date) -> None:
        self.records = records
        self.as_of = as_of

    @cached_property
    def progress(self) -> dict[str, MatchProgress]:
        """Every match's progress, by its file (``source.rel``), in file order."""
        linked = link_meetings(self.records)
        return {m.source.rel: MatchProgress(m, tuple(x for x in linked.get(m.source.rel, ()) if x.date <= self.as_of))
                for m in self.records.matches}

    def of(self, match: Match) -> MatchProgress:
        return self.progress[match.source.rel]

    def quiet(self, p: MatchProgress) -> bool:
        """An active match with no meeting for more than relationships.quiet_after_days (as its obligation says)."""
        return (p.match.is_active and p.quiet_since is not None
                and (self.as_of - p.quiet_since).days > self.records.quiet_after_days)

    def days_since(self, day: date) -> int:
        return (self.as_of - day).days

    # --- now ------------------------------------------------------------------

    @cached_property
    def active(self) -> list[MatchProgress]:
        """Active matches, by supporter then matched date."""
        return sorted((p for p in self.progress.values() if p.match.is_active),
                      key=lambda p: (p.match.supporter or "", p.match.matched or date.min, p.match.id))

    @cached_property
    def waiting(self) -> list[Waiting]:
        """The waiting list, longest waiting first."""
        alert = self.records.waiting_alert_days
        waiting = sorted((m for m in self.records.matches if m.is_waiting), key=lambda m: (m.referred, m.id))
        return [Waiting(m, (self.as_of - m.referred).days, (self.as_of - m.referred).days > alert) for m in waiting]

    @cached_property
    def caseloads(self) -> list[Caseload]:
        """Active matches per supporter: everyone with one, and every active supporter with a one-to-one role."""
        by_supporter: dict[str, list[MatchProgress]] = defaultdict(list)
        for p in self.active:
            if p.match.supporter:  # always, for an active match (the schema requires it)
                by_supporter[p.match.supporter].append(p)
        available = {s.id for s in self.records.supporters if s.is_active and "one-to-one" in s.roles}
        names = {s.id: s.name.casefold() for s in self.records.supporters}
        people = sorted(set(by_supporter) | available, key=lambda sid: (names.get(sid, sid), sid))
        return [Caseload(sid, tuple(by_supporter.get(sid, ()))) for sid in people]

    @cached_property
    def _by_supporter(self) -> dict[str, list[MatchProgress]]:
        """Every match by its supporter, in the order of :attr:`progress` (each page and portfolio
        asks for one supporter's: one pass, not one per supporter)."""
        found: dict[str, list[MatchProgress]] = defaultdict(list)
        for p in self.progress.values():
            if p.match.supporter:
                found[p.match.supporter].append(p)
        return found

    def matches_of(self, supporter_id: str) -> list[MatchProgress]:
        """A supporter's matches, newest first (for their page)."""
        mine = self._by_supporter.get(supporter_id, [])
        return sorted(mine, key=lambda p: (p.match.matched or p.match.referred, p.match.id), reverse=True)

    # --- the last 12 months -------------------------------------------------------

    @cached_property
    def recent(self) -> list[MatchProgress]:
        """Matches active now or ended within the last 12 months."""
        return [p for p in self.progress.values()
                if p.match.is_active or (p.match.is_ended and within_window(p.match.ended, self.as_of))]

    @cached_property
    def endings(self) -> list[tuple[str, int]]:
        """(reason, count) of the endings in the last 12 months, every reason in the schema's order."""
        counts = Counter(m.reason for m in self.records.matches if m.is_ended and within_window(m.ended, self.as_of))
        return [(reason, counts[reason]) for reason in ENDING_REASONS]

    @cached_property
    def goals(self) -> dict[str, int]:
        """Goals of current and recent matches, by status, and their total (``set``)."""
        counts = Counter(g.status for p in self.recent for g in p.match.goals)
        return {"set": sum(counts.values()), **{status: counts[status] for status in GOAL_STATUSES}}

    @cached_property
    def people_reached(self) -> int:
        """Distinct mentees supported in the last 12 months."""
        return len(people_reached(self.records, self.as_of - timedelta(days=WINDOW_DAYS - 1), self.as_of))

    @cached_property
    def rematch_flags(self) -> list[RematchFlag]:
        """Mentees in three or more matches, and supporters with two or more breakdowns, in 12 months."""
        by_mentee: dict[str, list[Match]] = defaultdict(list)
        breakdowns: dict[str, list[Match]] = defaultdict(list)
        for m in sorted(self.records.matches, key=lambda m: (m.referred, m.id)):
            if within_window(m.referred, self.as_of):
                by_mentee[m.mentee].append(m)
        for m in sorted(self.records.matches, key=lambda m: (m.ended or date.min, m.id)):
            if m.reason == "breakdown" and m.supporter and within_window(m.ended, self.as_of):
                breakdowns[m.supporter].append(m)
        flags = [RematchFlag(MENTEE, who, tuple(ms)) for who, ms in sorted(by_mentee.items())
                 if len(ms) >= REMATCH_MENTEE_MATCHES]
        flags += [RematchFlag(SUPPORTER, who, tuple(ms)) for who, ms in sorted(breakdowns.items())
                  if len(ms) >= REMATCH_SUPPORTER_BREAKDOWNS]
        return flags

    # --- one supporter, counts only (portfolios) ---------------------------------------

    def counts_for(self, supporter_id: str) -> PersonCounts:
        mine = [p for p in self._by_supporter.get(supporter_id, [])
                if p.match.matched and p.match.matched <= self.as_of]
        return PersonCounts(
            supported=len(mine),
            completed=sum(1 for p in mine if p.match.reason == "completed"
                          and p.match.ended is not None and p.match.ended <= self.as_of),
            goals_achieved=sum(p.goals_achieved for p in mine),
        )


@lru_cache(maxsize=4)
def relationships(records: Records, as_of: date) -> Relationships:
    """The figures of ``records`` on ``as_of`` (remembered: rules, obligations and pages all read them)."""
    return Relationships(records, as_of)


def people_reached(records: Records, start: date, end: date) -> set[str]:
    """Mentee codes supported between ``start`` and ``end`` (inclusive): in a match that was running
    then, or met at a one-to-one then. The codes, so callers can count or combine them."""
    reached = {m.mentee for m in records.matches
               if m.matched and m.matched <= end and (m.ended is None or m.ended >= start)}
    reached |= {m.mentee for m in records.meetings
                if m.kind == "one-to-one" and m.held and m.mentee and start <= m.date <= end}
    return reached


def by_month(records: Records, months: Iterable[str]) -> list[dict[str, object]]:
    """Per ``YYYY-MM``: referrals, matches made, people reached, and endings by reason (no identifiers).

    One pass over the records (a programme of ten years has 120 months and ~10^5 records).
    """
    wanted = list(months)
    referrals: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    endings: dict[str, Counter[str]] = defaultdict(Counter)
    reached: dict[str, set[str]] = defaultdict(set)
    for m in records.matches:
        referrals[month_key(m.referred)] += 1
        if m.matched:
            matched[month_key(m.matched)] += 1
            for key in _months_between(m.matched, m.ended or date.max, wanted):
                reached[key].add(m.mentee)
        if m.ended and m.ending:
            endings[month_key(m.ended)][m.ending.reason] += 1
    for meeting in records.meetings:
        if meeting.kind == "one-to-one" and meeting.held and meeting.mentee:
            reached[month_key(meeting.date)].add(meeting.mentee)
    return [{"month": key, "referrals": referrals[key], "matched": matched[key], "people_reached": len(reached[key]),
             "endings": sum(endings[key].values()), **{reason: endings[key][reason] for reason in ENDING_REASONS}}
            for key in wanted]


def _months_between(start: date, end: date, months: list[str]) -> list[str]:
    """The months of ``months`` (sorted ``YYYY-MM``) from ``start``'s to ``end``'s, inclusive."""
    first, last = month_key(start), month_key(end) if end != date.max else "9999-12"
    return [key for key in months if first <= key <= last]


def months_of(records: Records) -> list[str]:
    """Every ``YYYY-MM`` from the first referral or one-to-one to the last date on record."""
    days = [m.referred for m in records.matches] + [m.ended for m in records.matches if m.ended] + [
        m.date for m in records.meetings if m.kind == "one-to-one"]
    if not days:
        return []
    months, day = [], min(days).replace(day=1)
    while day <= max(days):
        months.append(month_key(day))
        day = add_months(day, 1)
    return months
