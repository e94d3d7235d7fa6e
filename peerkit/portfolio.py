"""A supporter's development portfolio: exactly their own records, nothing else.

This module is the privacy boundary. :func:`portfolio_for` copies out of the
analysis only what belongs in one supporter's portfolio, and the portfolio
template sees nothing but the :class:`Portfolio` it returns, never the
whole set of records. So the portfolio holds:

* their CPD, training, competencies, goals (their own files);
* supervision they received, only notes with ``shared_with_supporter`` not
  false, and agreed actions only from sessions where they were the sole
  supervisee (a group session's actions may be someone else's);
* their practice as counts and hours per year: no mentee codes, no meeting
  notes, no co-facilitators.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from .analyse import Analysis, SupporterSummary, TrainingStatus
from .model import Action, Competency, CpdEntry, Goal, Supporter

PRACTICE_ROWS = (
    ("one-to-one, face to face", lambda m: m.kind == "one-to-one" and m.setting in ("in-house", "community")),
    ("one-to-one, telephone or online", lambda m: m.kind == "one-to-one" and m.setting in ("telephone", "online")),
    ("groups facilitated", lambda m: m.kind == "group"),
)


@dataclass(frozen=True)
class SupervisionEntry:
    date: date
    type: str
    focus: tuple[str, ...]
    group: bool
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class CompetencyEvidence:
    competency: Competency
    assessed: date | None
    cpd: tuple[CpdEntry, ...]


@dataclass(frozen=True)
class PracticeYear:
    year: int
    rows: tuple[tuple[str, int, float], ...]  # (label, sessions, hours)


@dataclass(frozen=True)
class Portfolio:
    programme_name: str
    organisation: str | None
    supporter: Supporter
    period_start: date
    period_end: date
    generated: date
    cpd: tuple[CpdEntry, ...]
    cpd_by_year: tuple[tuple[int, float, float], ...]  # (year, hours, target)
    cpd_by_type: tuple[tuple[str, float], ...]
    cpd_total: float
    cpd_target: float
    training: tuple[TrainingStatus, ...]
    competencies: tuple[CompetencyEvidence, ...]
    supervision: tuple[SupervisionEntry, ...]
    practice: tuple[PracticeYear, ...]
    goals: tuple[Goal, ...]
    competency_titles: dict[str, str]

    @property
    def evidence_files(self) -> tuple[str, ...]:
        return tuple(path for entry in self.cpd for path in entry.evidence)


def portfolio_for(analysis: Analysis, supporter_id: str) -> Portfolio:
    """Everything one supporter's portfolio shows, taken from their records only."""
    summary = analysis.summaries[supporter_id]
    supporter = summary.supporter
    programme = analysis.records.programme
    as_of = analysis.as_of
    end = min(supporter.left or as_of, as_of)
    cpd = tuple(sorted((c for c in summary.cpd if c.date <= as_of), key=lambda c: (c.date, c.title), reverse=True))
    return Portfolio(
        programme_name=programme.name if programme else "",
        organisation=programme.organisation if programme else None,
        supporter=supporter,
        period_start=supporter.joined,
        period_end=end,
        generated=as_of,
        cpd=cpd,
        cpd_by_year=_cpd_by_year(cpd, summary.cpd_target),
        cpd_by_type=tuple(sorted(_sum_hours(cpd, lambda c: c.type).items(), key=lambda kv: (-kv[1], kv[0]))),
        cpd_total=round(sum(c.hours for c in cpd), 1),
        cpd_target=summary.cpd_target,
        training=tuple(summary.training),
        competencies=_competencies(analysis, summary, cpd),
        supervision=_supervision(summary),
        practice=_practice(summary, as_of),
        goals=supporter.development_plan,
        competency_titles={c.id: c.title for c in programme.competencies} if programme else {},
    )


def _sum_hours(entries, key) -> dict:
    totals: Counter = Counter()
    for entry in entries:
        totals[key(entry)] += entry.hours
    return {k: round(v, 1) for k, v in totals.items()}


def _cpd_by_year(cpd: tuple[CpdEntry, ...], target: float) -> tuple[tuple[int, float, float], ...]:
    by_year = _sum_hours(cpd, lambda c: c.date.year)
    return tuple((year, by_year[year], target) for year in sorted(by_year, reverse=True))


def _competencies(analysis: Analysis, summary: SupporterSummary, cpd) -> tuple[CompetencyEvidence, ...]:
    competencies = analysis.records.programme.competencies if analysis.records.programme else ()
    return tuple(
        CompetencyEvidence(c, summary.supporter.competencies_assessed.get(c.id),
                           tuple(entry for entry in cpd if c.id in entry.competencies))
        for c in competencies
    )


def _supervision(summary: SupporterSummary) -> tuple[SupervisionEntry, ...]:
    shared = [s for s in summary.supervision if s.shared_with_supporter and s.date <= summary.as_of]
    return tuple(
        SupervisionEntry(s.date, s.type, s.focus, len(s.supporters) > 1,
                         s.actions if len(s.supporters) == 1 else ())
        for s in sorted(shared, key=lambda s: s.date, reverse=True)
    )


def _practice(summary: SupporterSummary, as_of: date) -> tuple[PracticeYear, ...]:
    sessions: dict[int, Counter] = defaultdict(Counter)
    minutes: dict[int, Counter] = defaultdict(Counter)
    for m in summary.meetings:
        if m.date > as_of:
            continue
        for label, belongs in PRACTICE_ROWS:
            if belongs(m):
                sessions[m.date.year][label] += 1
                minutes[m.date.year][label] += m.duration_minutes
    return tuple(
        PracticeYear(year, tuple((label, sessions[year][label], round(minutes[year][label] / 60, 1))
                                 for label, _ in PRACTICE_ROWS))
        for year in sorted(sessions, reverse=True)
    )

