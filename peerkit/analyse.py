"""Derived figures: due dates, hours, expiries, coverage, activity.

Pure functions of (records, as_of). The dashboard, the portfolios and
``peerkit due`` all read their numbers from here, so a figure means the same
thing wherever it is shown.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from .model import (DEFAULT_SUPERVISION_INTERVAL_DAYS, STATUS_ORDER, Action, CpdEntry, MandatoryTraining, Meeting,
                    Records,
                    Supervision, Supporter)
from .promises import (REQUIRED, CpdPace, Gap, Kept, Promise, cpd_pace, kept, missed_days, next_due, pooled_share,
                       promises_of, requirement)
from .validate import vocabulary

EXPIRY_WARNING_DAYS = 60
ACTIVITY_MONTHS = 18
PROMISE_MONTHS = 12  # the supervision grid's months
TRAINING_VALID, TRAINING_EXPIRING, TRAINING_EXPIRED, TRAINING_NEVER = "valid", "expiring", "expired", "never done"
ASSESSED, EVIDENCED, MISSING = "assessed", "evidenced", "missing"
MEETING_KINDS = vocabulary("meeting", "kind")
SUPERVISION_TYPES = vocabulary("supervision", "type")
CPD_TYPES = vocabulary("cpd", "type")
SUPPORTER_STATUSES = vocabulary("supporter", "status")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def last_months(as_of: date, count: int) -> list[str]:
    """``YYYY-MM`` of the ``count`` months ending with as_of's month, oldest first."""
    first = add_months(as_of.replace(day=1), -(count - 1))
    return [month_key(add_months(first, i)) for i in range(count)]


@dataclass(frozen=True)
class TrainingStatus:
    training: MandatoryTraining
    completed: date | None
    valid_until: date | None
    status: str
    source: CpdEntry | None
    requirement: str = REQUIRED  # required, recommended (a volunteer's non-statutory), not for their roles

    @property
    def required(self) -> bool:
        return self.requirement == REQUIRED


@dataclass(frozen=True)
class PromiseStatus:
    """One supervision promise of a supporter: the sessions it counts, when the next is due, how it was kept."""

    promise: Promise
    sessions: tuple[date, ...]
    last: date | None
    due: date | None  # None when the supporter is not owed supervision on a schedule
    kept: Kept


@dataclass(frozen=True)
class MonthCell:
    """One month of the supervision grid: the sessions (date, type) and the days past a promise."""

    month: str  # YYYY-MM
    sessions: tuple[tuple[date, str], ...]
    late_days: int


@dataclass(frozen=True)
class OpenAction:
    action: Action
    supervision: Supervision

    @property
    def overdue_on(self) -> date | None:
        return self.action.due


@dataclass(frozen=True)
class OpenMeetingAction:
    """An open action agreed at a meeting (``origin`` "meeting") or at its debrief ("debrief")."""

    action: Action
    meeting: Meeting
    origin: str


@dataclass
class SupporterSummary:
    """What the coordinator needs to know about one supporter on as_of."""

    supporter: Supporter
    meetings: list[Meeting]
    supervision: list[Supervision]
    cpd: list[CpdEntry]
    as_of: date
    default_interval: int
    cpd_target: float
    mandatory: tuple[MandatoryTraining, ...]

    @property
    def interval_days(self) -> int:
        return self.supporter.supervision_interval_days or self.default_interval

    @cached_property
    def last_supervision(self) -> date | None:
        return max((s.date for s in self.supervision), default=None)

    @cached_property
    def promises(self) -> tuple[PromiseStatus, ...]:
        """Each supervision promise (arrangements by type, or the agreed or default interval) and how it stands."""
        held = [s for s in self.supervision if s.date <= self.as_of]
        statuses = []
        for promise in promises_of(self.supporter, self.default_interval):
            days = tuple(sorted(s.date for s in held if promise.counts(s.type)))
            last, due = next_due(self.supporter.joined, days, promise.interval_days)
            statuses.append(PromiseStatus(promise, days, last, due if self.expects_supervision else None,
                                          kept(self.supporter.joined, days, promise.interval_days, self.as_of)))
        return tuple(statuses)

    @cached_property
    def next_supervision_due(self) -> date | None:
        """The soonest due of their promises (last session, or joining, plus its interval); None when not expected."""
        return min((p.due for p in self.promises if p.due is not None), default=None)

    @property
    def promise_kept(self) -> float | None:
        """The share of promised days kept over 12 months, all their promises pooled."""
        return pooled_share(p.kept for p in self.promises)

    @property
    def longest_gap(self) -> tuple[PromiseStatus, Gap] | None:
        """(promise, its longest gap) for the promise whose longest gap ran furthest past its interval.

        Gaps of promises with different intervals compare by how far they ran
        past the promise: 80 days against a 56-day promise is worse than 88
        against a 91-day one.
        """
        pairs = [(p, p.kept.longest) for p in self.promises if p.kept.longest is not None]
        return max(pairs, key=lambda pg: (pg[1].days - pg[0].promise.interval_days, pg[1].days), default=None)

    def supervision_months(self, months: list[str]) -> list[MonthCell]:
        """The supervision grid's row: sessions by month, and the days in it past a promised interval."""
        sessions: dict[str, list[tuple[date, str]]] = defaultdict(list)
        for s in sorted(self.supervision, key=lambda s: (s.date, s.type)):
            if s.date <= self.as_of:
                sessions[month_key(s.date)].append((s.date, s.type))
        late = Counter(month_key(day) for day in missed_days(p.kept for p in self.promises))
        return [MonthCell(m, tuple(sessions[m]), late[m]) for m in months]

    @property
    def expects_supervision(self) -> bool:
        """Only active supporters are owed supervision on a schedule."""
        return self.supporter.is_active

    @property
    def supervision_overdue_days(self) -> int:
        due = self.next_supervision_due
        return (self.as_of - due).days if due and due < self.as_of else 0

    @cached_property
    def cpd_hours_12m(self) -> float:
        since = self.as_of - timedelta(days=365)
        return round(sum(c.hours for c in self.cpd if since < c.date <= self.as_of), 2)

    @property
    def cpd_on_target(self) -> bool:
        return self.cpd_hours_12m >= self.cpd_target

    @cached_property
    def cpd_pace(self) -> CpdPace:
        """Hours this calendar year against the target pro rata (on track, behind, clearly behind)."""
        return cpd_pace(((c.date, c.hours) for c in self.cpd), self.cpd_target, self.supporter.joined, self.as_of)

    @cached_property
    def one_to_ones(self) -> list[date]:
        """Dates of their one-to-ones with the coordinator, held up to as_of (a planned one is not kept yet)."""
        return sorted(m.date for m in self.meetings
                      if m.kind == "coordinator-one-to-one" and m.held and m.date <= self.as_of)

    @cached_property
    def training(self) -> list[TrainingStatus]:
        return [self._training_status(t) for t in self.mandatory]

    @property
    def required_training(self) -> list[TrainingStatus]:
        """The mandatory training required of them (by role and employment): the only training flagged."""
        return [t for t in self.training if t.required]

    def _training_status(self, training: MandatoryTraining) -> TrainingStatus:
        needed = requirement(training, self.supporter)
        done = [c for c in self.cpd if c.mandatory == training.id and c.date <= self.as_of]
        latest = max(done, key=lambda c: c.date, default=None)
        if latest is None:
            return TrainingStatus(training, None, None, TRAINING_NEVER, None, needed)
        if training.renew_every_months is None:
            return TrainingStatus(training, latest.date, None, TRAINING_VALID, latest, needed)
        valid_until = add_months(latest.date, training.renew_every_months)
        if valid_until < self.as_of:
            status = TRAINING_EXPIRED
        elif (valid_until - self.as_of).days <= EXPIRY_WARNING_DAYS:
            status = TRAINING_EXPIRING
        else:
            status = TRAINING_VALID
        return TrainingStatus(training, latest.date, valid_until, status, latest, needed)

    @property
    def training_counts(self) -> Counter:
        """Statuses of the training required of them."""
        return Counter(t.status for t in self.required_training)

    @cached_property
    def open_actions(self) -> list[OpenAction]:
        return [OpenAction(a, s) for s in sorted(self.supervision, key=lambda s: s.date)
                for a in s.actions if not a.done]

    @property
    def overdue_actions(self) -> list[OpenAction]:
        return [a for a in self.open_actions if a.action.overdue(self.as_of)]

    @cached_property
    def open_meeting_actions(self) -> list[OpenMeetingAction]:
        """Open actions from the meetings they ran and their debriefs, oldest meeting first."""
        return [OpenMeetingAction(a, m, where[0] if where[0] == "debrief" else "meeting")
                for m in sorted(self.meetings, key=lambda m: (m.date, m.source.rel))
                for where, a in m.all_actions if not a.done]

    @property
    def meetings_held(self) -> int:
        return sum(1 for m in self.meetings if m.held and m.date <= self.as_of)

    def coverage(self, competency_id: str) -> str:
        if competency_id in self.supporter.competencies_assessed:
            return ASSESSED
        if any(competency_id in c.competencies for c in self.cpd):
            return EVIDENCED
        return MISSING

    @cached_property
    def history(self) -> list[tuple[date, str, Meeting | Supervision | CpdEntry]]:
        """Everything on record for this supporter, newest first."""
        items: list[tuple[date, str, Meeting | Supervision | CpdEntry]] = (
                 [(m.date, "meeting", m) for m in self.meetings]
                 + [(s.date, "supervision", s) for s in self.supervision]
                 + [(c.date, "cpd", c) for c in self.cpd])
        return sorted(items, key=lambda item: (item[0], item[1], item[2].source.rel), reverse=True)


@dataclass
class Analysis:
    """Every derived figure of a programme on ``as_of``."""

    records: Records
    as_of: date
    summaries: dict[str, SupporterSummary] = field(default_factory=dict)

    @classmethod
    def of(cls, records: Records, as_of: date) -> Analysis:
        meetings, supervision, cpd = defaultdict(list), defaultdict(list), defaultdict(list)
        for m in records.meetings:
            for person in m.people:
                meetings[person].append(m)
        for s in records.supervision:
            for person in s.supporters:
                supervision[person].append(s)
        for c in records.cpd:
            cpd[c.supporter].append(c)
        programme = records.programme
        summaries = {
            s.id: SupporterSummary(
                supporter=s, meetings=meetings[s.id], supervision=supervision[s.id], cpd=cpd[s.id], as_of=as_of,
                default_interval=(programme.supervision_interval_days if programme
                                  else DEFAULT_SUPERVISION_INTERVAL_DAYS),
                cpd_target=programme.cpd_target_hours if programme else 0,
                mandatory=programme.mandatory_training if programme else (),
            )
            for s in sorted(records.supporters, key=lambda s: (s.name.casefold(), s.id))
        }
        return cls(records, as_of, summaries)

    # --- supporters ------------------------------------------------------

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        counts = Counter(s.supporter.status for s in self.summaries.values())
        return [(status, counts[status]) for status in STATUS_ORDER]

    @property
    def current(self) -> list[SupporterSummary]:
        """Supporters still with the programme (not applicants, not left)."""
        return [s for s in self.summaries.values() if s.supporter.in_programme]

    # --- promises kept --------------------------------------------------------

    @property
    def promised(self) -> list[SupporterSummary]:
        """Whose supervision promises the grid follows: those owed supervision on a schedule (active)."""
        return [s for s in self.summaries.values() if s.expects_supervision]

    @cached_property
    def promise_months(self) -> list[str]:
        return last_months(self.as_of, PROMISE_MONTHS)

    @property
    def programme_kept(self) -> float | None:
        """Promised days kept over 12 months, every promise of every active supporter pooled."""
        return pooled_share(p.kept for s in self.promised for p in s.promises)

    @property
    def programme_broken(self) -> int:
        """Gaps longer than promised, over 12 months, across the programme."""
        return sum(p.kept.broken for s in self.promised for p in s.promises)

    @property
    def programme_longest_gap(self) -> tuple[SupporterSummary, PromiseStatus, Gap] | None:
        """The gap that ran furthest past its promise in the programme: (who, which promise, the gap)."""
        worst = [(s, *s.longest_gap) for s in self.promised if s.longest_gap is not None]
        return max(worst, key=lambda w: (w[2].days - w[1].promise.interval_days, w[2].days), default=None)

    # --- activity ------------------------------------------------------------

    @cached_property
    def months(self) -> list[str]:
        return last_months(self.as_of, ACTIVITY_MONTHS)

    @cached_property
    def meetings_per_month(self) -> dict[str, dict[str, int]]:
        """month -> kind -> count, over the last ACTIVITY_MONTHS months."""
        table = {m: {k: 0 for k in MEETING_KINDS} for m in self.months}
        for m in self.records.meetings:
            row = table.get(month_key(m.date))
            if row is not None and m.held and m.date <= self.as_of:
                row[m.kind] += 1
        return table

    def _recent(self, day: date) -> bool:
        return self.as_of - timedelta(days=365) < day <= self.as_of

    @cached_property
    def support_hours(self) -> dict[str, float]:
        """Hours of peer support delivered (held one-to-ones and groups), last 12 months and all time."""
        delivered = [m for m in self.records.meetings
                     if m.kind != "coordinator-one-to-one" and m.held and m.date <= self.as_of]
        return {
            "12 months": round(sum(m.duration_minutes for m in delivered if self._recent(m.date)) / 60, 1),
            "all time": round(sum(m.duration_minutes for m in delivered) / 60, 1),
        }

    @cached_property
    def group_attendance(self) -> dict[str, float]:
        groups = [m for m in self.records.meetings if m.kind == "group" and m.held and self._recent(m.date)]
        counted = [m.attendance for m in groups if m.attendance is not None]
        return {
            "groups": len(groups),
            "attendances": sum(counted),
            "average": round(sum(counted) / len(counted), 1) if counted else 0,
        }

    @cached_property
    def supervision_by_type(self) -> list[tuple[str, int, int]]:
        """(type, last 12 months, all time)."""
        recent = Counter(s.type for s in self.records.supervision if self._recent(s.date))
        total = Counter(s.type for s in self.records.supervision)
        return [(t, recent[t], total[t]) for t in SUPERVISION_TYPES]

    @cached_property
    def cpd_hours_by_type(self) -> list[tuple[str, float, float]]:
        """(type, hours in the last 12 months, hours all time)."""
        recent: dict[str, float] = defaultdict(float)
        total: dict[str, float] = defaultdict(float)
        for c in self.records.cpd:
            total[c.type] += c.hours
            if self._recent(c.date):
                recent[c.type] += c.hours
        return [(t, round(recent[t], 1), round(total[t], 1)) for t in CPD_TYPES if total[t]]

    # --- competencies --------------------------------------------------------

    @cached_property
    def competency_titles(self) -> dict[str, str]:
        competencies = self.records.programme.competencies if self.records.programme else ()
        return {c.id: c.title for c in competencies}

    @property
    def competency_people(self) -> list[SupporterSummary]:
        """Whose competencies the coordinator plans learning for: active and in training."""
        return [s for s in self.summaries.values() if s.supporter.in_programme]

    @cached_property
    def coverage(self) -> list[tuple[SupporterSummary, list[str]]]:
        competencies = self.records.programme.competencies if self.records.programme else ()
        return [(s, [s.coverage(c.id) for c in competencies]) for s in self.competency_people]

    @cached_property
    def most_missing(self) -> list[tuple[object, int]]:
        """(competency, how many lack it), the gaps shared by at least two people, most first."""
        competencies = self.records.programme.competencies if self.records.programme else ()
        missing: Counter[str] = Counter()
        for _, row in self.coverage:
            for competency, state in zip(competencies, row):
                if state == MISSING:
                    missing[competency.id] += 1
        ranked = sorted(competencies, key=lambda c: (-missing[c.id], c.title))
        return [(c, missing[c.id]) for c in ranked if missing[c.id] >= 2]
