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

* their own statement, CPD, training, competencies, goals (their own files),
  without the coordinator's notes about them; CPD entries marked
  ``portfolio: false`` are left out whole (title, reflection, hours, evidence);
* supervision they received, only notes with ``shared_with_supporter`` not
  false, and agreed actions only from sessions where they were the sole
  supervisee (a group session's actions may be someone else's); and, of the
  same sessions, "supervision received" as facts: sessions by type and year,
  and how regular they were over the last 12 months (never the notes);
* their practice as counts and hours per year: no mentee codes, no meeting
  notes, no co-facilitators;
* their peer support relationships as three counts (supported, completed,
  mentees' goals achieved): no match id, mentee code, goal, reason or date.

It also shapes the portfolio the way an employer reads one (an HCPC CPD
profile, NMC revalidation): a short practice summary, the last two years of
CPD in full against the target and earlier CPD in brief, the mix of learning,
and each competency with the evidence behind it. Everything empty is left out
rather than printed as a dash, so a new supporter's portfolio shows what they
have. Figures here are numbers and dates; the template words them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from posixpath import basename, splitext

from .analyse import SUPERVISION_TYPES, TRAINING_NEVER, Analysis, SupporterSummary, TrainingStatus, add_months
from .model import Accreditation, Action, CpdEntry, Goal, Meeting, Supervision, Supporter
from .promises import REQUIRED, regularity
from .relationships import relationships

# A field holding markdown from a record: the page renders it (sanitised), the PDF lays out its tree.
MARKDOWN = {"markdown": True}
PROFILE_YEARS = 2  # CPD in full for this many years back (an HCPC audit asks for two)

# (key, label, which meetings): a supporter's practice, as counts and hours only.
PRACTICE_ROWS = (
    ("face-to-face", "one-to-one, face to face",
     lambda m: m.kind == "one-to-one" and m.setting in ("in-house", "community")),
    ("remote", "one-to-one, telephone or online",
     lambda m: m.kind == "one-to-one" and m.setting in ("telephone", "online")),
    ("group", "groups facilitated", lambda m: m.kind == "group"),
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
    statement: str | None = field(metadata=MARKDOWN)  # their own words


@dataclass(frozen=True)
class PortfolioTraining:
    """One mandatory training they have done, as they stand on it."""

    title: str
    completed: date
    valid_until: date | None
    status: str
    required: bool = True  # False: recommended for them (a volunteer's non-statutory training)


@dataclass(frozen=True)
class PortfolioEvidence:
    """An evidence file as a CPD entry cites it: the clean path it is copied to, and
    the name it is attached to the PDF under (unique within the portfolio)."""

    path: str
    name: str


@dataclass(frozen=True)
class PortfolioCpd:
    """One CPD activity; competencies by title (the id when the programme does not list it)."""

    date: date
    title: str
    type: str
    provider: str | None
    hours: float
    competencies: tuple[str, ...]
    reflection: str | None = field(metadata=MARKDOWN)
    evidence: tuple[PortfolioEvidence, ...]


@dataclass(frozen=True)
class EvidenceFile:
    """One file attached to the PDF, and the CPD entries citing it, oldest first."""

    path: str
    name: str
    cited_by: tuple[PortfolioCpd, ...]

    @property
    def date(self) -> date:
        """The date of the first activity it evidences: the attachment's date in the PDF."""
        return self.cited_by[0].date


@dataclass(frozen=True)
class CpdPeriod:
    """Twelve months of the CPD profile (fewer when the supporter joined during them)."""

    start: date
    end: date
    activities: int
    hours: float
    target: float
    pro_rata: bool  # joined during the period: the target is scaled to the days they were there


@dataclass(frozen=True)
class LearningMix:
    type: str
    activities: int
    hours: float


@dataclass(frozen=True)
class PracticeCount:
    key: str  # one of PRACTICE_ROWS
    label: str
    sessions: int
    hours: float


@dataclass(frozen=True)
class PracticeSummary:
    """The short summary at the top: what they did in the profile's two years, counts only."""

    delivered: tuple[PracticeCount, ...]  # only kinds they did
    supervision_sessions: int
    cpd_activities: int
    cpd_hours: float


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
class PortfolioGoal:
    """A development-plan goal; its competency by title (or id), or None."""

    goal: str
    competency: str | None
    target: date | None
    status: str


@dataclass(frozen=True)
class CompetencyEvidence:
    """A competency and what supports it: an assessment, CPD (newest first), achieved goals."""

    title: str
    assessed: date | None
    cpd: tuple[PortfolioCpd, ...]
    goals: tuple[PortfolioGoal, ...]


@dataclass(frozen=True)
class PracticeYear:
    year: int
    rows: tuple[PracticeCount, ...]  # only kinds with sessions that year


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
    profile_start: date  # the first day of the two-year CPD profile (or joining, if later)
    summary: PracticeSummary
    cpd: tuple[PortfolioCpd, ...]  # newest first, without entries kept out
    cpd_total: float
    cpd_target: float
    cpd_periods: tuple[CpdPeriod, ...]  # newest first
    mix: tuple[LearningMix, ...]  # the profile's two years, most hours first
    training: tuple[PortfolioTraining, ...]  # done at least once
    competencies: tuple[CompetencyEvidence, ...]  # evidenced ones, in the programme's order
    competencies_total: int
    supervision: tuple[SupervisionEntry, ...]
    supervision_years: tuple[SupervisionYear, ...]
    supervision_regularity: SupervisionRegularity
    practice: tuple[PracticeYear, ...]
    goals: tuple[PortfolioGoal, ...]
    relationships: PortfolioRelationships
    attachments: tuple[EvidenceFile, ...]  # by name
    built_from: str | None = None  # "commit 1a2b3c4d5e6f[, with uncommitted changes]", when the records are in git

    @property
    def cpd_recent(self) -> tuple[PortfolioCpd, ...]:
        return tuple(c for c in self.cpd if c.date >= self.profile_start)

    @property
    def cpd_earlier(self) -> tuple[PortfolioCpd, ...]:
        return tuple(c for c in self.cpd if c.date < self.profile_start)

    @property
    def has_training(self) -> bool:
        p = self.person
        return bool(p.induction_completed or p.core_completed or p.accreditation or self.training)


def portfolio_for(analysis: Analysis, supporter_id: str, built_from: str | None = None) -> Portfolio:
    """Everything one supporter's portfolio shows, taken from their records only.

    ``built_from`` names the commit of the records it was made from (see :mod:`peerkit.provenance`).
    """
    summary = analysis.summaries[supporter_id]
    supporter = summary.supporter
    programme = analysis.records.programme
    as_of = analysis.as_of
    end = min(supporter.left or as_of, as_of)
    profile_start = max(supporter.joined, add_months(end, -12 * PROFILE_YEARS) + timedelta(days=1))
    titles = {c.id: c.title for c in programme.competencies} if programme else {}
    own = sorted((c for c in summary.cpd if c.date <= as_of and c.in_portfolio),
                 key=lambda c: (c.date, c.title), reverse=True)
    names = _attachment_names(path for entry in own for path in entry.evidence)
    cpd = tuple(_cpd(entry, titles, names) for entry in own)
    goals = tuple(_goal(g, titles) for g in supporter.development_plan)
    supervision = _supervision(summary)
    recent = [c for c in cpd if c.date >= profile_start]
    return Portfolio(
        programme_name=programme.name if programme else "",
        organisation=programme.organisation if programme else None,
        person=_person(supporter),
        period_start=supporter.joined,
        period_end=end,
        generated=as_of,
        profile_start=profile_start,
        summary=PracticeSummary(
            delivered=_practice_counts([m for m in summary.meetings if profile_start <= m.date <= end]),
            supervision_sessions=sum(1 for s in supervision if s.date >= profile_start),
            cpd_activities=len(recent),
            cpd_hours=round(sum(c.hours for c in recent), 1),
        ),
        cpd=cpd,
        cpd_total=round(sum(c.hours for c in cpd), 1),
        cpd_target=summary.cpd_target,
        cpd_periods=_cpd_periods(cpd, supporter.joined, end, summary.cpd_target),
        mix=_mix(recent),
        # Training done at least once (required or recommended for them); never-done is not printed.
        training=tuple(_training(t) for t in summary.training if t.status != TRAINING_NEVER),
        competencies=_competencies(analysis, summary, own, cpd, goals),
        competencies_total=len(titles),
        supervision=supervision,
        supervision_years=_supervision_years(summary),
        supervision_regularity=_regularity(summary, end),
        practice=_practice(summary, as_of),
        goals=goals,
        relationships=_relationships(analysis, supporter_id),
        attachments=_attachments(cpd),
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
        statement=supporter.statement,
    )


def _accreditation(a: Accreditation) -> PortfolioAccreditation:
    return PortfolioAccreditation(body=a.body, title=a.title, level=a.level, awarded=a.awarded)


def _training(t: TrainingStatus) -> PortfolioTraining:
    assert t.completed is not None  # only training done at least once is shown
    return PortfolioTraining(title=t.training.title, completed=t.completed, valid_until=t.valid_until,
                             status=t.status, required=t.requirement == REQUIRED)


def _cpd(entry: CpdEntry, titles: dict[str, str], names: dict[str, str]) -> PortfolioCpd:
    return PortfolioCpd(
        date=entry.date,
        title=entry.title,
        type=entry.type,
        provider=entry.provider,
        hours=entry.hours,
        competencies=tuple(titles.get(cid, cid) for cid in entry.competencies),
        reflection=entry.reflection,
        evidence=tuple(PortfolioEvidence(path, names[path]) for path in dict.fromkeys(entry.evidence)),
    )


def _action(a: Action) -> PortfolioAction:
    return PortfolioAction(action=a.action, due=a.due, done=a.done, done_on=a.done_on, outcome=a.outcome)


def _goal(g: Goal, titles: dict[str, str]) -> PortfolioGoal:
    competency = titles.get(g.competency, g.competency) if g.competency else None
    return PortfolioGoal(goal=g.goal, competency=competency, target=g.target, status=g.status)


# --- evidence: the files attached to the PDF ----------------------------------

def _attachment_names(paths) -> dict[str, str]:
    """A name per evidence path, unique in the portfolio: the file's own name, or, where two
    files share one, the folders under evidence/ joined to it (shared-certificate.pdf)."""
    paths = sorted(set(paths))
    clashing = Counter(basename(p) for p in paths)
    names: dict[str, str] = {}
    for path in paths:
        name = basename(path) if clashing[basename(path)] == 1 else "-".join(path.split("/")[1:])
        stem, extension = splitext(name)
        n = 1
        while name in names.values():  # folders joined by '-' can still meet ("a-b/c" and "a/b-c")
            n += 1
            name = f"{stem}-{n}{extension}"
        names[path] = name
    return names


def _attachments(cpd: tuple[PortfolioCpd, ...]) -> tuple[EvidenceFile, ...]:
    """Each evidence file once, with the entries citing it (oldest first), sorted by name."""
    citing: dict[PortfolioEvidence, list[PortfolioCpd]] = defaultdict(list)
    for entry in sorted(cpd, key=lambda c: (c.date, c.title)):
        for evidence in entry.evidence:
            citing[evidence].append(entry)
    return tuple(sorted((EvidenceFile(e.path, e.name, tuple(cited)) for e, cited in citing.items()),
                        key=lambda f: f.name))


# --- figures ---------------------------------------------------------------------

def _cpd_periods(cpd: tuple[PortfolioCpd, ...], joined: date, end: date, target: float) -> tuple[CpdPeriod, ...]:
    """The profile's years, newest first: twelve months each, back from ``end``, from joining at the earliest."""
    periods = []
    for k in range(PROFILE_YEARS):
        last = add_months(end, -12 * k)
        first = add_months(end, -12 * (k + 1)) + timedelta(days=1)
        if last < joined:
            break
        pro_rata = first < joined
        first = max(first, joined)
        inside = [c for c in cpd if first <= c.date <= last]
        days = (last - first).days + 1
        periods.append(CpdPeriod(first, last, len(inside), round(sum(c.hours for c in inside), 1),
                                 round(target * days / 365 * 2) / 2 if pro_rata else target, pro_rata))
    return tuple(periods)


def _mix(cpd: list[PortfolioCpd]) -> tuple[LearningMix, ...]:
    activities = Counter(c.type for c in cpd)
    hours: dict[str, float] = defaultdict(float)
    for c in cpd:
        hours[c.type] += c.hours
    mix = (LearningMix(t, activities[t], round(hours[t], 1)) for t in activities)
    return tuple(sorted(mix, key=lambda m: (-m.hours, m.type)))


def _competencies(analysis: Analysis, summary: SupporterSummary, own: list[CpdEntry],
                  cpd: tuple[PortfolioCpd, ...], goals: tuple[PortfolioGoal, ...]) -> tuple[CompetencyEvidence, ...]:
    """Each competency with something behind it: ``own`` (records, by id) and ``cpd`` (copies) pair up.

    Competencies with nothing yet are left out (the template says how many of all are evidenced).
    """
    competencies = analysis.records.programme.competencies if analysis.records.programme else ()
    plan = list(zip(summary.supporter.development_plan, goals))
    found = []
    for c in competencies:
        evidence = CompetencyEvidence(
            c.title, summary.supporter.competencies_assessed.get(c.id),
            tuple(copy for entry, copy in zip(own, cpd) if c.id in entry.competencies),
            tuple(copy for goal, copy in plan if goal.competency == c.id and goal.status == "achieved"))
        if evidence.assessed or evidence.cpd or evidence.goals:
            found.append(evidence)
    return tuple(found)


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


def _practice_counts(meetings: list[Meeting]) -> tuple[PracticeCount, ...]:
    """Sessions and hours of each kind of practice in ``meetings``; kinds with none are left out.

    Held meetings only: a planned or cancelled meeting was not practice.
    """
    meetings = [m for m in meetings if m.held]
    rows = []
    for key, label, belongs in PRACTICE_ROWS:
        mine = [m for m in meetings if belongs(m)]
        if mine:
            rows.append(PracticeCount(key, label, len(mine), round(sum(m.duration_minutes for m in mine) / 60, 1)))
    return tuple(rows)


def _practice(summary: SupporterSummary, as_of: date) -> tuple[PracticeYear, ...]:
    by_year: dict[int, list[Meeting]] = defaultdict(list)
    for m in summary.meetings:
        if m.date <= as_of:
            by_year[m.date.year].append(m)
    years = (PracticeYear(year, _practice_counts(by_year[year])) for year in sorted(by_year, reverse=True))
    return tuple(y for y in years if y.rows)


def _relationships(analysis: Analysis, supporter_id: str) -> PortfolioRelationships:
    counts = relationships(analysis.records, analysis.as_of).counts_for(supporter_id)
    return PortfolioRelationships(supported=counts.supported, completed=counts.completed,
                                  goals_achieved=counts.goals_achieved)
