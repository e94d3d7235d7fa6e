"""Typed, immutable records, each carrying the file it came from.

Built only from schema-valid data, so construction here never fails: every
required field is present and every value has its declared type. Optional
fields become ``None`` or empty tuples, and dates become ``datetime.date``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Container, Mapping

from .source import Source


# Supporter statuses that the figures group by (the schema lists them all).
ACTIVE = "active"
CURRENT = frozenset({"active", "paused"})  # still owed training and supervision
IN_PROGRAMME = frozenset({"active", "paused", "in-training"})
STATUS_ORDER = ("active", "in-training", "applicant", "paused", "left")  # as the dashboard shows them

# Defaults of optional programme settings (the schema documents them too).
DEFAULT_DEBRIEF_WITHIN_DAYS = 2
DEFAULT_SUPERVISION_INTERVAL_DAYS = 42
DEFAULT_COPY_WITHIN_DAYS = 14  # notes copied to the supporter (seed: "give a copy to the Peer Supporter")
DEFAULT_ONE_TO_ONE_DAYS = 61  # coordinator one-to-ones, "bi-monthly"
DEFAULT_IN_TRAINING_CONTACT_DAYS = 28  # one-to-one time during training, for feedback on progress
DEFAULT_AGREEMENT_REVIEW_MONTHS = 12
DEFAULT_QUIET_AFTER_DAYS = 42  # relationships.quiet_after_days
DEFAULT_WAITING_ALERT_DAYS = 28  # relationships.waiting_alert_days
DEFAULT_REVIEW_EVERY_MONTHS = 12  # a venue's risk assessment
DEFAULT_FACILITATORS_NEEDED = 2  # a group's, when it does not say

# Meeting statuses (the schema lists them): only held meetings owe a debrief, a check-out and so on.
HELD, PLANNED, CANCELLED = "held", "planned", "cancelled"
# Debrief concerns that stay open until the actions agreed for them are done.
OPEN_CONCERNS = frozenset({"follow-up", "safeguarding"})


# Fields named ``date`` shadow the type inside a class body, so annotations use this name.
Day = date


def _day(value: str) -> Day:
    """A required date: the schema guarantees it is there and valid."""
    return date.fromisoformat(value)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Action:
    """An agreed action (supervision or meeting): done is a bool or the date it was done."""

    action: str
    due: Day | None
    done: bool
    done_on: Day | None
    outcome: str | None
    index: int

    @classmethod
    def from_data(cls, data: dict, index: int) -> Action:
        done = data.get("done", False)
        done_on = _date(done) if isinstance(done, str) else None
        return cls(data["action"], _date(data.get("due")), bool(done), done_on, data.get("outcome"), index)

    def overdue(self, as_of: date) -> bool:
        return not self.done and self.due is not None and self.due < as_of


@dataclass(frozen=True)
class MandatoryTraining:
    id: str
    title: str
    renew_every_months: int | None
    applies_to_roles: tuple[str, ...] = ()  # empty: every role
    statutory: bool = False  # a volunteer can be required to do only statutory training

    @classmethod
    def from_data(cls, t: dict[str, Any]) -> MandatoryTraining:
        return cls(t["id"], t["title"], t.get("renew_every_months"), tuple(t.get("applies_to_roles", ())),
                   t.get("statutory", False))


@dataclass(frozen=True)
class Competency:
    id: str
    title: str
    group: str | None


@dataclass(frozen=True)
class Programme:
    name: str
    organisation: str | None
    supervision_interval_days: int
    cpd_target_hours: float
    debrief_within_days: int
    mandatory_training: tuple[MandatoryTraining, ...]
    competencies: tuple[Competency, ...]
    source: Source = field(repr=False, compare=False)
    copy_within_days: int = DEFAULT_COPY_WITHIN_DAYS
    peer_every_days: int | None = None
    one_to_one_days: int = DEFAULT_ONE_TO_ONE_DAYS
    in_training_contact_days: int = DEFAULT_IN_TRAINING_CONTACT_DAYS
    quiet_after_days: int = DEFAULT_QUIET_AFTER_DAYS
    waiting_alert_days: int = DEFAULT_WAITING_ALERT_DAYS

    @classmethod
    def from_data(cls, d: dict[str, Any], source: Source) -> Programme:
        one_to_one = d.get("coordinator_one_to_one", {})
        return cls(
            name=d["name"],
            organisation=d.get("organisation"),
            supervision_interval_days=d["supervision"]["default_interval_days"],
            cpd_target_hours=d["cpd"]["target_hours_per_year"],
            debrief_within_days=d.get("debrief_within_days", DEFAULT_DEBRIEF_WITHIN_DAYS),
            mandatory_training=tuple(MandatoryTraining.from_data(t) for t in d.get("mandatory_training", ())),
            competencies=tuple(Competency(c["id"], c["title"], c.get("group")) for c in d["competencies"]),
            source=source,
            copy_within_days=d["supervision"].get("copy_within_days", DEFAULT_COPY_WITHIN_DAYS),
            peer_every_days=d["supervision"].get("peer_every_days"),
            one_to_one_days=one_to_one.get("interval_days", DEFAULT_ONE_TO_ONE_DAYS),
            in_training_contact_days=one_to_one.get("in_training_days", DEFAULT_IN_TRAINING_CONTACT_DAYS),
            quiet_after_days=d.get("relationships", {}).get("quiet_after_days", DEFAULT_QUIET_AFTER_DAYS),
            waiting_alert_days=d.get("relationships", {}).get("waiting_alert_days", DEFAULT_WAITING_ALERT_DAYS),
        )

    @property
    def competency_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.competencies)

    @property
    def training_ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.mandatory_training)


@dataclass(frozen=True)
class Goal:
    goal: str
    competency: str | None
    target: Day | None
    status: str


@dataclass(frozen=True)
class Accreditation:
    body: str
    title: str
    level: str | None
    awarded: Day | None


@dataclass(frozen=True)
class Arrangement:
    """One supervision promise by type: ``type`` every ``interval_days`` (with ``supervisor``)."""

    type: str
    interval_days: int
    supervisor: str | None
    index: int  # its place in supervision.arrangements, for pointing at its line


@dataclass(frozen=True)
class Agreement:
    """The supervision agreement: signed (``signed`` or the older ``agreement_signed``), reviewed."""

    signed: date | None
    review_every_months: int
    reviewed: tuple[date, ...]
    signed_field: tuple[str, ...]  # the field that holds the signed date, for pointing at its line

    @classmethod
    def from_data(cls, supervision: dict[str, Any]) -> Agreement | None:
        block = supervision.get("agreement")
        older = supervision.get("agreement_signed")
        if block is None and older is None:
            return None
        block = block or {}
        signed_field = ("supervision", "agreement", "signed") if "signed" in block else (
            "supervision", "agreement_signed")
        return cls(signed=_date(block.get("signed") or older),
                   review_every_months=block.get("review_every_months", DEFAULT_AGREEMENT_REVIEW_MONTHS),
                   reviewed=tuple(date.fromisoformat(day) for day in block.get("reviewed", ())),
                   signed_field=signed_field)

    @property
    def last_agreed(self) -> date | None:
        """When it was last signed or reviewed: the review is due a period after this."""
        return max((self.signed, *self.reviewed), default=None) if self.signed else None


@dataclass(frozen=True)
class Supporter:
    id: str
    name: str
    status: str
    joined: Day
    left: Day | None
    roles: tuple[str, ...]
    induction_completed: Day | None
    core_completed: Day | None
    accreditation: Accreditation | None
    supervision_interval_days: int | None
    supervisor: str | None
    agreement_signed: Day | None
    development_plan: tuple[Goal, ...]
    competencies_assessed: dict[str, date]
    notes: str | None
    source: Source = field(repr=False, compare=False)
    employment: str | None = None  # volunteer, paid, or not recorded
    arrangements: tuple[Arrangement, ...] = ()
    agreement: Agreement | None = None
    statement: str | None = None  # their own words, for their portfolio (markdown)

    @classmethod
    def from_data(cls, d: dict[str, Any], source: Source) -> Supporter:
        training = d.get("training", {})
        accreditation = training.get("accreditation")
        supervision = d.get("supervision", {})
        return cls(
            id=d["id"],
            name=d["name"],
            status=d["status"],
            joined=_day(d["joined"]),
            left=_date(d.get("left")),
            roles=tuple(d.get("roles", ())),
            induction_completed=_date(training.get("induction_completed")),
            core_completed=_date(training.get("core_completed")),
            accreditation=Accreditation(
                accreditation["body"], accreditation["title"],
                None if accreditation.get("level") is None else str(accreditation["level"]),
                _date(accreditation.get("awarded")),
            ) if accreditation else None,
            supervision_interval_days=supervision.get("interval_days"),
            supervisor=supervision.get("supervisor"),
            agreement_signed=_date(supervision.get("agreement_signed")),
            development_plan=tuple(
                Goal(g["goal"], g.get("competency"), _date(g.get("target")), g.get("status", "planned"))
                for g in d.get("development_plan", ())
            ),
            competencies_assessed={k: _day(v) for k, v in d.get("competencies_assessed", {}).items()},
            notes=d.get("notes"),
            source=source,
            employment=d.get("employment"),
            arrangements=tuple(Arrangement(a["type"], a["interval_days"], a.get("supervisor"), i)
                               for i, a in enumerate(supervision.get("arrangements", ()))),
            agreement=Agreement.from_data(supervision),
            statement=d.get("statement"),
        )

    @property
    def is_current(self) -> bool:
        """Active or paused: someone the programme still owes supervision and training."""
        return self.status in CURRENT

    @property
    def is_active(self) -> bool:
        """Active: owed supervision on a schedule, and every mandatory training."""
        return self.status == ACTIVE

    @property
    def in_programme(self) -> bool:
        """Active, paused or in training: whose competencies and figures the coordinator follows."""
        return self.status in IN_PROGRAMME


@dataclass(frozen=True)
class LoneWorking:
    checked_in: str | None
    checked_out: str | None
    with_whom: str | None  # the field `with`: who they checked in and out with
    escalated: bool

    @classmethod
    def from_data(cls, d: dict[str, Any]) -> LoneWorking:
        return cls(d.get("checked_in"), d.get("checked_out"), d.get("with"), d.get("escalated", False))


@dataclass(frozen=True)
class Debrief:
    date: Day
    method: str | None
    concern: str | None
    notes: str | None
    actions: tuple[Action, ...]

    @classmethod
    def from_data(cls, d: dict[str, Any]) -> Debrief:
        return cls(_day(d["date"]), d.get("method"), d.get("concern"), d.get("notes"),
                   tuple(Action.from_data(a, i) for i, a in enumerate(d.get("actions", ()))))

    @property
    def concern_open(self) -> bool:
        """A follow-up or safeguarding concern stays open until every action agreed for it is done
        (and while none is recorded: there is nothing yet to show it was followed up)."""
        return self.concern in OPEN_CONCERNS and (not self.actions or not all(a.done for a in self.actions))


@dataclass(frozen=True)
class Meeting:
    date: Day
    status: str
    kind: str
    supporter: str | None
    facilitators: tuple[str, ...]
    mentee: str | None
    setting: str
    start: str | None
    venue: str | None
    group: str | None
    duration_minutes: int
    topic: str | None
    lone_working: LoneWorking | None
    debrief: Debrief | None
    attendance: int | None
    ground_rules_revisited: bool | None
    actions: tuple[Action, ...]
    notes: str | None
    source: Source = field(repr=False, compare=False)
    match: str | None = None  # the match a one-to-one belongs to, when it names one

    @classmethod
    def from_data(cls, d: dict[str, Any], source: Source) -> Meeting:
        lone = d.get("lone_working")
        debrief = d.get("debrief")
        return cls(
            date=_day(d["date"]),
            status=d.get("status", HELD),
            kind=d["kind"],
            supporter=d.get("supporter"),
            facilitators=tuple(d.get("facilitators", ())),
            mentee=d.get("mentee"),
            setting=d["setting"],
            start=d.get("start"),
            venue=d.get("venue"),
            group=d.get("group"),
            duration_minutes=d["duration_minutes"],
            topic=d.get("topic"),
            lone_working=LoneWorking.from_data(lone) if lone is not None else None,
            debrief=Debrief.from_data(debrief) if debrief else None,
            attendance=d.get("attendance"),
            ground_rules_revisited=d.get("ground_rules_revisited"),
            actions=tuple(Action.from_data(a, i) for i, a in enumerate(d.get("actions", ()))),
            notes=d.get("notes"),
            source=source,
            match=d.get("match"),
        )

    @property
    def people(self) -> tuple[str, ...]:
        """The supporters who ran this meeting."""
        return self.facilitators if self.kind == "group" else (self.supporter,)  # type: ignore[return-value]

    @property
    def needs_debrief(self) -> bool:
        """Supporters debrief after every session they run (not after meeting the coordinator), once it is held."""
        return self.held and self.kind in ("one-to-one", "group")

    @property
    def held(self) -> bool:
        """It happened: the after-meeting rules (debrief, lone working, facilitation) apply, and it counts."""
        return self.status == HELD

    @property
    def planned(self) -> bool:
        return self.status == PLANNED

    @property
    def all_actions(self) -> tuple[tuple[tuple, Action], ...]:
        """(field path of the actions list, action) for the meeting's actions and its debrief's."""
        own = tuple((("actions",), a) for a in self.actions)
        return own + (tuple((("debrief", "actions"), a) for a in self.debrief.actions) if self.debrief else ())


@dataclass(frozen=True)
class RiskAssessment:
    date: Day
    by: str | None
    review_every_months: int
    previous: tuple[Day, ...]  # earlier assessments, each valid for review_every_months

    @property
    def dates(self) -> tuple[Day, ...]:
        return tuple(sorted({self.date, *self.previous}))


@dataclass(frozen=True)
class Venue:
    """A place where meetings and groups happen; holds no personal details."""

    id: str
    name: str
    setting: str
    risk_assessment: RiskAssessment | None
    overheard: bool
    discreet_signage: bool | None
    notes: str | None
    source: Source = field(repr=False, compare=False)

    @classmethod
    def from_data(cls, d: dict[str, Any], source: Source) -> Venue:
        ra = d.get("risk_assessment")
        return cls(
            id=d["id"], name=d["name"], setting=d["setting"],
            risk_assessment=RiskAssessment(
                _day(ra["date"]), ra.get("by"), ra.get("review_every_months", DEFAULT_REVIEW_EVERY_MONTHS),
                tuple(_day(day) for day in ra.get("previous", ())),
            ) if ra else None,
            overheard=d.get("overheard", False), discreet_signage=d.get("discreet_signage"),
            notes=d.get("notes"), source=source,
        )

    @property
    def needs_assessment(self) -> bool:
        """Community venues are risk-assessed; the organisation's own premises are covered by its policies."""
        return self.setting == "community"


@dataclass(frozen=True)
class Group:
    """A standing peer-support group; holds no personal details."""

    id: str
    title: str
    venue: str | None
    facilitators_needed: int
    eligibility: str | None
    complaints_contact: str | None
    ground_rules: str | None
    notes: str | None
    source: Source = field(repr=False, compare=False)

    @classmethod
    def from_data(cls, d: dict[str, Any], source: Source) -> Group:
        return cls(
            id=d["id"], title=d["title"], venue=d.get("venue"),
            facilitators_needed=d.get("facilitators_needed", DEFAULT_FACILITATORS_NEEDED),
            eligibility=d.get("eligibility"), complaints_contact=d.get("complaints_contact"),
            ground_rules=d.get("ground_rules"), notes=d.get("notes"), source=source,
        )


@dataclass(frozen=True)
class Supervision:
    date: Day
    supporters: tuple[str, ...]
    type: str
    supervisor: str
    duration_minutes: int | None
    focus: tuple[str, ...]
    notes: str | None
    actions: tuple[Action, ...]
    copy_given: Day | None
    shared_with_supporter: bool
    source: Source = field(repr=False, compare=False)
    supporter_field: str = "supporter"  # the field that names the supervisees, for pointing at its line

    @classmethod
    def from_data(cls, d: dict[str, Any], source: Source) -> Supervision:
        supporters = (d["supporter"],) if "supporter" in d else tuple(d["supporters"])
        return cls(
            date=_day(d["date"]),
            supporters=supporters,
            type=d["type"],
            supervisor=d["supervisor"],
            duration_minutes=d.get("duration_minutes"),
            focus=tuple(d["focus"]),
            notes=d.get("notes"),
            actions=tuple(Action.from_data(a, i) for i, a in enumerate(d.get("actions", ()))),
            copy_given=_date(d.get("copy_given")),
            shared_with_supporter=d.get("shared_with_supporter", True),
            source=source,
            supporter_field="supporter" if "supporter" in d else "supporters",
        )

    @property
    def copy_owed(self) -> bool:
        """Shared notes or agreed actions are copied to the supporter (seed: "give a copy to the Peer Supporter")."""
        return self.shared_with_supporter and bool(self.notes or self.actions)



@dataclass(frozen=True)
class CpdEntry:
    supporter: str
    date: Day
    title: str
    type: str
    provider: str | None
    hours: float
    mandatory: str | None
    competencies: tuple[str, ...]
    reflection: str | None
    evidence: tuple[str, ...]
    source: Source = field(repr=False, compare=False)
    in_portfolio: bool = True  # `portfolio: false`: the supporter keeps this entry out of their portfolio

    @classmethod
    def from_data(cls, d: dict[str, Any], source: Source) -> CpdEntry:
        return cls(
            supporter=d["supporter"],
            date=_day(d["date"]),
            title=d["title"],
            type=d["type"],
            provider=d.get("provider"),
            hours=float(d["hours"]),
            mandatory=d.get("mandatory"),
            competencies=tuple(d.get("competencies", ())),
            reflection=d.get("reflection"),
            evidence=tuple(d.get("evidence", ())),
            source=source,
            in_portfolio=d.get("portfolio", True),
        )


@dataclass(frozen=True)
class Acknowledgement:
    """A warning accepted on one record (``acknowledged:``, accepted on every kind)."""

    code: str
    reason: str
    by: str
    date: Day
    index: int  # its place in the record's list, for pointing at its line
    source: Source = field(repr=False, compare=False)

    @classmethod
    def all_from(cls, data: dict[str, Any], source: Source) -> tuple[Acknowledgement, ...]:
        return tuple(cls(a["code"], a["reason"], a["by"], date.fromisoformat(a["date"]), i, source)
                     for i, a in enumerate(data.get("acknowledged", ())))


@dataclass(frozen=True)
class MatchGoal:
    """A mentee's goal in a match; ``index`` is its place in the file's goals list."""

    goal: str
    set: date | None
    reviewed: tuple[date, ...]
    status: str
    index: int


@dataclass(frozen=True)
class Ending:
    reason: str
    next_steps: str | None
    signposted_to: tuple[str, ...]


# Match statuses (the schema lists them too).
MATCH_WAITING, MATCH_ACTIVE, MATCH_ENDED = "waiting", "active", "ended"


@dataclass(frozen=True)
class Match:
    """One peer-support relationship: a mentee (by code only) referred, matched, and in time ended."""

    id: str
    mentee: str
    supporter: str | None
    referred: date
    matched: date | None
    sessions_offered: int | None
    status: str
    goals: tuple[MatchGoal, ...]
    ended: date | None
    ending: Ending | None
    rematched_from: str | None
    notes: str | None
    source: Source = field(repr=False, compare=False)

    @classmethod
    def from_data(cls, d: dict[str, Any], source: Source) -> Match:
        ending = d.get("ending")
        return cls(
            id=d["id"],
            mentee=d["mentee"],
            supporter=d.get("supporter"),
            referred=_day(d["referred"]),
            matched=_date(d.get("matched")),
            sessions_offered=d.get("sessions_offered"),
            status=d["status"],
            goals=tuple(MatchGoal(g["goal"], _date(g.get("set")), tuple(_day(r) for r in g.get("reviewed", ())),
                                  g.get("status", "planned"), i)
                        for i, g in enumerate(d.get("goals", ()))),
            ended=_date(d.get("ended")),
            ending=Ending(ending["reason"], ending.get("next_steps"), tuple(ending.get("signposted_to", ())))
            if ending else None,
            rematched_from=d.get("rematched_from"),
            notes=d.get("notes"),
            source=source,
        )

    @property
    def is_waiting(self) -> bool:
        return self.status == MATCH_WAITING

    @property
    def is_active(self) -> bool:
        return self.status == MATCH_ACTIVE

    @property
    def is_ended(self) -> bool:
        return self.status == MATCH_ENDED

    @property
    def reason(self) -> str | None:
        return self.ending.reason if self.ending else None


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: derived figures are remembered per Records
class Records:
    """Every schema-valid record of a programme, by kind (see :mod:`peerkit.kinds`), each sorted by path."""

    root: Path  # the records folder
    by_kind: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    # Per kind, the file stems present, valid or not, so one broken supporter
    # file does not also make every reference to it an error.
    stems: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # rel -> the warnings accepted on that record, whatever its kind.
    acknowledgements: Mapping[str, tuple[Acknowledgement, ...]] = field(default_factory=dict)

    def of(self, kind: str) -> tuple[Any, ...]:
        return self.by_kind.get(kind, ())

    def only(self, rels: Container[str]) -> Records:
        """The records of the files ``rels`` alone (for the rules that look at one record at a time)."""
        return Records(root=self.root, stems=self.stems, acknowledgements=self.acknowledgements,
                       by_kind={kind: tuple(r for r in found if r.source.rel in rels)
                                for kind, found in self.by_kind.items()})

    @property
    def programme(self) -> Programme | None:
        programmes = self.of("programme")
        return programmes[0] if programmes else None

    @property
    def supporters(self) -> tuple[Supporter, ...]:
        return self.of("supporter")

    @property
    def meetings(self) -> tuple[Meeting, ...]:
        return self.of("meeting")

    @property
    def supervision(self) -> tuple[Supervision, ...]:
        return self.of("supervision")

    @property
    def cpd(self) -> tuple[CpdEntry, ...]:
        return self.of("cpd")

    @property
    def matches(self) -> tuple[Match, ...]:
        return self.of("match")

    @property
    def match_files(self) -> frozenset[str]:
        """The file stems in matches/, valid or not: the match ids a meeting may name."""
        return self.stems.get("match", frozenset())

    @property
    def quiet_after_days(self) -> int:
        return self.programme.quiet_after_days if self.programme else DEFAULT_QUIET_AFTER_DAYS

    @property
    def waiting_alert_days(self) -> int:
        return self.programme.waiting_alert_days if self.programme else DEFAULT_WAITING_ALERT_DAYS

    @property
    def venues(self) -> tuple[Venue, ...]:
        return self.of("venue")

    @property
    def groups(self) -> tuple[Group, ...]:
        return self.of("group")

    @cached_property
    def venue_by_id(self) -> dict[str, Venue]:
        return {v.id: v for v in self.venues}

    @cached_property
    def group_by_id(self) -> dict[str, Group]:
        return {g.id: g for g in self.groups}

    def venue_of(self, meeting: Meeting) -> tuple[Venue | None, tuple[str, ...]]:
        """Where ``meeting`` happens, and the field that says so: its own venue, else its group's."""
        if meeting.venue:
            return self.venue_by_id.get(meeting.venue), ("venue",)
        group = self.group_by_id.get(meeting.group or "")
        if group is not None and group.venue:
            return self.venue_by_id.get(group.venue), ("group",)
        return None, ()

    def facilitators_needed(self, meeting: Meeting) -> int:
        """How many facilitators a group meeting needs: its group's number, else two."""
        group = self.group_by_id.get(meeting.group or "")
        return group.facilitators_needed if group is not None else DEFAULT_FACILITATORS_NEEDED

    @property
    def supporter_files(self) -> frozenset[str]:
        return self.stems.get("supporter", frozenset())

    def acknowledgement(self, rel: str, code: str) -> Acknowledgement | None:
        """The acknowledgement of warning ``code`` on the record at ``rel``, if any."""
        return next((a for a in self.acknowledgements.get(rel, ()) if a.code == code), None)

    @property
    def debrief_within_days(self) -> int:
        return self.programme.debrief_within_days if self.programme else DEFAULT_DEBRIEF_WITHIN_DAYS

    @property
    def copy_within_days(self) -> int:
        return self.programme.copy_within_days if self.programme else DEFAULT_COPY_WITHIN_DAYS

    @cached_property
    def by_id(self) -> dict[str, Supporter]:
        return {s.id: s for s in self.supporters}
