"""A supporter's development portfolio: exactly their own records, nothing else.

This module is the privacy boundary, and the boundary is a type.
:func:`portfolio_for` copies out of the analysis only what belongs in one
supporter's portfolio, into small frozen dataclasses defined here, and the
portfolio template sees nothing but the :class:`Portfolio` it returns. No
model record (with its ``notes``, its ``source`` file and the raw data parsed
from it), no dict or list of raw data, is reachable from a ``Portfolio``:
only plain values (text, numbers, dates), tuples, and the types below, each
holding fields that may be printed. tests/test_portfolio_types.py walks
every demo portfolio to keep it so. To show something new, add a field here
and copy it in the conversion function; never pass a record through.

So the portfolio holds:

* their CPD, training, competencies, goals (their own files), without the
  coordinator's notes about them;
* supervision they received, only notes with ``shared_with_supporter`` not
  false, and agreed actions only from sessions where they were the sole
  supervisee (a group session's actions may be someone else's); and, of the
  same sessions, "supervision received" as facts: sessions by type and year,
  and how regular they were over the last 12 months (never the notes);
* their practice as counts and hours per year: no mentee codes, no meeting
  notes, no co-facilitators;
* their peer support relationships as three counts (supported, completed,
  mentees' goals achieved): no match id, mentee code, goal, reason or date.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from .analyse import SUPERVISION_TYPES, Analysis, SupporterSummary, TrainingStatus
from .model import Accreditation, Action, CpdEntry, Goal, Supervision, Supporter
from .promises import NOT_FOR_ROLES, REQUIRED, regularity
from .relationships import relationships

PRACTICE_ROWS = (
    ("one-to-one, face to face", lambda m: m.kind == "one-to-one" and m.setting in ("in-house", "community")),
    ("one-to-one, telephone or online", lambda m: m.kind == "one-to-one" and m.setting in ("telephone", "online")),
    ("groups facilitated", lambda m: m.kind == "group"),
)


@dataclass(frozen=True)
class PortfolioAccreditation:
    body: str
    title: str
    level: str | None
    awarded: date | None


@dataclass(frozen=True)
class PortfolioPerson:
    """Who the portfolio is about: no notes, supervisor or supervision agreement."""

    name: str
    status: str
    roles: tuple[str, ...]
    joined: date
    left: date | None
    induction_completed: date | None
    core_completed: date | None
    accreditation: PortfolioAccreditation | None


@dataclass(frozen=True)
class PortfolioTraining:
    """One mandatory training, as the supporter stands on it."""

    title: str
    completed: date | None
    valid_until: date | None
    status: str
    required: bool = True  # False: recommended for them (a volunteer's non-statutory training)


@dataclass(frozen=True)
class PortfolioCpd:
    """One CPD activity; competencies by title (the id when the programme does not list it)."""

    date: date
    title: str
    type: str
    provider: str | None
    hours: float
    competencies: tuple[str, ...]
    reflection: str | None
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class PortfolioAction:
    """An agreed action from the supporter's own supervision."""

    action: str
    due: date | None
    done: bool
    done_on: date | None
    outcome: str | None


@dataclass(frozen=True)
class SupervisionEntry:
    """A supervision session, without its notes or supervisor."""

    date: date
    type: str
    focus: tuple[str, ...]
    group: bool
    actions: tuple[PortfolioAction, ...]


@dataclass(frozen=True)
class SupervisionYear:
    """Supervision sessions received in one year, by type (the programme's types, in its order)."""

    year: int
    by_type: tuple[tuple[str, int], ...]
    total: int


@dataclass(frozen=True)
class SupervisionRegularity:
    """How regular supervision was over the 12 months to the portfolio's end: counts and days only."""

    since: date
    sessions: int
    average_days: float | None  # between consecutive sessions
    longest_days: int | None  # the longest gap between two sessions


@dataclass(frozen=True)
class CompetencyEvidence:
    title: str
    assessed: date | None
    cpd: tuple[PortfolioCpd, ...]


@dataclass(frozen=True)
class PracticeYear:
    year: int
    rows: tuple[tuple[str, int, float], ...]  # (label, sessions, hours)


@dataclass(frozen=True)
class PortfolioGoal:
    """A development-plan goal; its competency by title (or id), or None."""

    goal: str
    competency: str | None
    target: date | None
    status: str


@dataclass(frozen=True)
class PortfolioRelationships:
    """Counts only: nothing that could point at a mentee or say why one relationship ended."""

    supported: int
    completed: int
    goals_achieved: int


@dataclass(frozen=True)
class Portfolio:
    programme_name: str
    organisation: str | None
    person: PortfolioPerson
    period_start: date
    period_end: date
    generated: date
    cpd: tuple[PortfolioCpd, ...]
    cpd_by_year: tuple[tuple[int, float, float], ...]  # (year, hours, target)
    cpd_by_type: tuple[tuple[str, float], ...]
    cpd_total: float
    cpd_target: float
    training: tuple[PortfolioTraining, ...]
    competencies: tuple[CompetencyEvidence, ...]
    supervision: tuple[SupervisionEntry, ...]
    supervision_years: tuple[SupervisionYear, ...]
    supervision_regularity: SupervisionRegularity
    practice: tuple[PracticeYear, ...]
    goals: tuple[PortfolioGoal, ...]
    relationships: PortfolioRelationships
    built_from: str | None = None  # "commit 1a2b3c4d5e6f[, with uncommitted changes]", when the records are in git

    @property
    def evidence_files(self) -> tuple[str, ...]:
        return tuple(path for entry in self.cpd for path in entry.evidence)


def portfolio_for(analysis: Analysis, supporter_id: str, built_from: str | None = None) -> Portfolio:
    """Everything one supporter's portfolio shows, taken from their records only.

    ``built_from`` names the commit of the records it was made from (see :mod:`peerkit.provenance`).
    """
    summary = analysis.summaries[supporter_id]
    supporter = summary.supporter
    programme = analysis.records.programme
    as_of = analysis.as_of
    end = min(supporter.left or as_of, as_of)
    titles = {c.id: c.title for c in programme.competencies} if programme else {}
    own = sorted((c for c in summary.cpd if c.date <= as_of), key=lambda c: (c.date, c.title), reverse=True)
    cpd = tuple(_cpd(entry, titles) for entry in own)
    return Portfolio(
        programme_name=programme.name if programme else "",
        organisation=programme.organisation if programme else None,
        person=_person(supporter),
        period_start=supporter.joined,
        period_end=end,
        generated=as_of,
        cpd=cpd,
        cpd_by_year=_cpd_by_year(cpd, summary.cpd_target),
        cpd_by_type=tuple(sorted(_sum_hours(cpd, lambda c: c.type).items(), key=lambda kv: (-kv[1], kv[0]))),
        cpd_total=round(sum(c.hours for c in cpd), 1),
        cpd_target=summary.cpd_target,
        training=tuple(_training(t) for t in summary.training
                       if t.requirement != NOT_FOR_ROLES or t.completed is not None),
        competencies=_competencies(analysis, summary, own, cpd),
        supervision=_supervision(summary),
        supervision_years=_supervision_years(summary),
        supervision_regularity=_regularity(summary, end),
        practice=_practice(summary, as_of),
        goals=tuple(_goal(g, titles) for g in supporter.development_plan),
        relationships=_relationships(analysis, supporter_id),
        built_from=built_from,
    )


# --- conversions: a record in, only its printable fields out -----------------

def _person(supporter: Supporter) -> PortfolioPerson:
    return PortfolioPerson(
        name=supporter.name,
        status=supporter.status,
        roles=supporter.roles,
        joined=supporter.joined,
        left=supporter.left,
        induction_completed=supporter.induction_completed,
        core_completed=supporter.core_completed,
        accreditation=_accreditation(supporter.accreditation) if supporter.accreditation else None,
    )


def _accreditation(a: Accreditation) -> PortfolioAccreditation:
    return PortfolioAccreditation(body=a.body, title=a.title, level=a.level, awarded=a.awarded)


def _training(t: TrainingStatus) -> PortfolioTraining:
    return PortfolioTraining(title=t.training.title, completed=t.completed, valid_until=t.valid_until,
                             status=t.status, required=t.requirement == REQUIRED)


def _cpd(entry: CpdEntry, titles: dict[str, str]) -> PortfolioCpd:
    return PortfolioCpd(
        date=entry.date,
        title=entry.title,
        type=entry.type,
        provider=entry.provider,
        hours=entry.hours,
        competencies=tuple(titles.get(cid, cid) for cid in entry.competencies),
        reflection=entry.reflection,
        evidence=entry.evidence,
    )


def _action(a: Action) -> PortfolioAction:
    return PortfolioAction(action=a.action, due=a.due, done=a.done, done_on=a.done_on, outcome=a.outcome)


def _goal(g: Goal, titles: dict[str, str]) -> PortfolioGoal:
    competency = titles.get(g.competency, g.competency) if g.competency else None
    return PortfolioGoal(goal=g.goal, competency=competency, target=g.target, status=g.status)


def _sum_hours(entries, key) -> dict:
    totals: Counter = Counter()
    for entry in entries:
        totals[key(entry)] += entry.hours
    return {k: round(v, 1) for k, v in totals.items()}


def _cpd_by_year(cpd: tuple[PortfolioCpd, ...], target: float) -> tuple[tuple[int, float, float], ...]:
    by_year = _sum_hours(cpd, lambda c: c.date.year)
    return tuple((year, by_year[year], target) for year in sorted(by_year, reverse=True))


def _competencies(analysis: Analysis, summary: SupporterSummary, own: list[CpdEntry],
                  cpd: tuple[PortfolioCpd, ...]) -> tuple[CompetencyEvidence, ...]:
    """Each competency with the CPD evidencing it: ``own`` (records, by id) and ``cpd`` (copies) pair up."""
    competencies = analysis.records.programme.competencies if analysis.records.programme else ()
    return tuple(
        CompetencyEvidence(c.title, summary.supporter.competencies_assessed.get(c.id),
                           tuple(copy for entry, copy in zip(own, cpd) if c.id in entry.competencies))
        for c in competencies
    )


def _supervision(summary: SupporterSummary) -> tuple[SupervisionEntry, ...]:
    shared = _received(summary)
    return tuple(
        SupervisionEntry(s.date, s.type, s.focus, len(s.supporters) > 1, _own_actions(s))
        for s in sorted(shared, key=lambda s: s.date, reverse=True)
    )


def _received(summary: SupporterSummary) -> list[Supervision]:
    """The sessions a portfolio may show: shared with the supporter, up to as_of."""
    return [s for s in summary.supervision if s.shared_with_supporter and s.date <= summary.as_of]


def _supervision_years(summary: SupporterSummary) -> tuple[SupervisionYear, ...]:
    counts: dict[int, Counter] = defaultdict(Counter)
    for s in _received(summary):
        counts[s.date.year][s.type] += 1
    return tuple(SupervisionYear(year, tuple((t, counts[year][t]) for t in SUPERVISION_TYPES if counts[year][t]),
                                 sum(counts[year].values()))
                 for year in sorted(counts, reverse=True))


def _regularity(summary: SupporterSummary, end: date) -> SupervisionRegularity:
    r = regularity((s.date for s in _received(summary)), end)
    return SupervisionRegularity(since=max(end - timedelta(days=364), summary.supporter.joined),
                                 sessions=r.sessions, average_days=r.average_days, longest_days=r.longest_days)


def _own_actions(s: Supervision) -> tuple[PortfolioAction, ...]:
    """A group session's actions may be someone else's: only a sole supervisee's are theirs."""
    return tuple(_action(a) for a in s.actions) if len(s.supporters) == 1 else ()


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



def _relationships(analysis: Analysis, supporter_id: str) -> PortfolioRelationships:
    counts = relationships(analysis.records, analysis.as_of).counts_for(supporter_id)
    return PortfolioRelationships(supported=counts.supported, completed=counts.completed,
                                  goals_achieved=counts.goals_achieved)
