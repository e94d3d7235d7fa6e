"""Obligations: what is owed, by whom or to whom, by when, and which record shows it.

One layer of derived facts that three readers share: the rules (the
``lone-working``, ``no-debrief``, ``one-facilitator``, ``overdue-action``,
``no-peer-supervision``, ``no-agreement``, ``agreement-review``, ``no-copy``,
``quiet-match``, ``waiting-too-long``, ``escalated`` and ``planned-overdue`` warnings), the
dashboard's Needs attention and ``peerkit due``. Each reader
selects with :func:`listed`, so the dashboard and ``due`` agree item for item
by construction. No English here: :mod:`peerkit.wording` says them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .analyse import TRAINING_NEVER, Analysis, add_months
from .model import Programme, Records
from .relationships import relationships
from .source import FieldPath, Source

# How far ahead the dashboard's Needs attention looks, and `peerkit due` by default.
HORIZON_DAYS = 30

# Kinds, in the order the dashboard and `due` list them: concerns raised in a
# debrief and lone-working escalations head the list, as the people matter most.
CONCERN = "concern"
ESCALATION = "escalation"
SUPERVISION = "supervision"
PEER_SUPERVISION = "peer-supervision"
AGREEMENT = "agreement"
COPY = "copy"
ONE_TO_ONE = "one-to-one"
TRAINING = "training"
ACTION = "action"
MEETING_ACTION = "meeting-action"
PLANNED = "planned"
DEBRIEF = "debrief"
LONE_WORKING = "lone-working"
FACILITATION = "facilitation"
QUIET_MATCH = "quiet-match"  # an active match with no meeting for relationships.quiet_after_days
WAITING = "waiting"  # a referral waiting longer than relationships.waiting_alert_days
KINDS = (CONCERN, ESCALATION, SUPERVISION, PEER_SUPERVISION, AGREEMENT, COPY, ONE_TO_ONE, TRAINING, ACTION,
         MEETING_ACTION, PLANNED, DEBRIEF, LONE_WORKING, FACILITATION, QUIET_MATCH, WAITING)
# Kinds with a date in the future that is worth announcing; the others are
# owed after something happened and are listed once they are late.
SCHEDULED = frozenset({SUPERVISION, PEER_SUPERVISION, AGREEMENT, ONE_TO_ONE, TRAINING, ACTION, MEETING_ACTION})
# Kinds listed from the day they are raised until they are dealt with: ``due`` is when that was.
RAISED = frozenset({CONCERN, ESCALATION})
# Obligation.status of an agreement: never signed, or a review coming up.
UNSIGNED, REVIEW = "unsigned", "review"
# Obligation.subject of a one-to-one owed to someone in training (feedback on progress).
IN_TRAINING = "in-training"


@dataclass(frozen=True)
class Obligation:
    """One thing owed. ``due`` is None when it has never been done (nothing to count from)."""

    kind: str
    people: tuple[str, ...]  # the supporters it concerns, by id
    due: date | None
    source: Source  # the record that shows it
    field: FieldPath  # the field in that record to point at
    since: date | None = None  # what it follows from: the last supervision, the meeting, the session
    subject: str = ""  # a training's title, an action's text, a meeting's kind, a supervision type
    missing: tuple[str, ...] = ()  # lone working: the times not recorded
    status: str = ""  # training: expired, expiring, valid, never done; agreement: unsigned, review
    code: str | None = None  # the warning check gives once it is late (acknowledging it settles the obligation)
    mentee: str = ""  # matches: the mentee's code (coordinator's lists only; subject is the match id)
    meeting: str = ""  # meeting actions and concerns: the kind of meeting they came from
    origin: str = ""  # meeting actions: "meeting" or "debrief", where they were agreed
    counts: tuple[int, int] = (0, 0)  # concerns: (actions open, agreed); facilitation: (facilitators, needed)

    def days_left(self, as_of: date) -> int | None:
        """Days until due: negative when overdue, None when never done."""
        return None if self.due is None else (self.due - as_of).days

    def overdue(self, as_of: date) -> bool:
        return self.due is None or self.due < as_of


def listed(obligation: Obligation, as_of: date, within: int = HORIZON_DAYS) -> bool:
    """Whether a list looking ``within`` days ahead shows it: the one selection rule."""
    if obligation.due is None or obligation.kind in RAISED:
        return True
    if obligation.kind in SCHEDULED:
        return obligation.due <= as_of + timedelta(days=within)
    return obligation.due < as_of


def order(obligation: Obligation) -> tuple:
    return (KINDS.index(obligation.kind), obligation.due or date.min, obligation.people,
            obligation.source.display, obligation.subject)


def select(records: Records, as_of: date, within: int = HORIZON_DAYS) -> list[Obligation]:
    """The obligations a list looking ``within`` days ahead shows, in their order; acknowledged ones are settled."""
    return sorted((o for o in obligations(records, as_of)
                   if listed(o, as_of, within) and not acknowledged(records, o)), key=order)


def acknowledged(records: Records, obligation: Obligation) -> bool:
    return obligation.code is not None and records.acknowledgement(obligation.source.rel, obligation.code) is not None


@lru_cache(maxsize=4)
def obligations(records: Records, as_of: date) -> tuple[Obligation, ...]:
    """Every open obligation on ``as_of`` (remembered: several rules read it)."""
    analysis = Analysis.of(records, as_of)
    return (*_supervision(analysis), *_promised(analysis), *_training(analysis), *_actions(records),
            *_meeting_actions(records), *_meetings(records, records.debrief_within_days), *_concerns(records),
            *_matches(records, as_of))


def _promised(analysis: Analysis):
    """What the programme's settings promise: peer supervision, agreements, copies, one-to-ones.

    Without a programme.yaml (an error of its own) nothing is promised, so a
    folder that is not a programme is not also flooded with these.
    """
    programme = analysis.records.programme
    if programme is None:
        return
    yield from _peer_supervision(analysis, programme)
    yield from _agreements(analysis)
    yield from _copies(analysis.records, programme.copy_within_days)
    yield from _one_to_ones(analysis, programme)


def _supervision(analysis: Analysis):
    """One per promise: each arrangement by type is due on its own (subject: the type; "" for any type)."""
    for s in analysis.summaries.values():
        for p in s.promises:
            if p.due is not None:
                yield Obligation(SUPERVISION, (s.supporter.id,), p.due, s.supporter.source,
                                 p.promise.field or ("supervision",), since=p.last, subject=p.promise.type or "")


def _peer_supervision(analysis: Analysis, programme: Programme):
    """Programme's ``supervision.peer_every_days``: peer or group supervision at least that often (active)."""
    every = programme.peer_every_days
    if every is None:
        return
    for s in analysis.summaries.values():
        if s.supporter.is_active:
            last = max((x.date for x in s.supervision if x.type in ("peer", "group") and x.date <= analysis.as_of),
                       default=None)
            yield Obligation(PEER_SUPERVISION, (s.supporter.id,), (last or s.supporter.joined) + timedelta(days=every),
                             s.supporter.source, ("supervision",), since=last, code="no-peer-supervision")


def _agreements(analysis: Analysis):
    """An active supporter's supervision agreement: to be signed, then reviewed every so many months."""
    for s in analysis.summaries.values():
        person = s.supporter
        if not person.is_active:
            continue
        agreement = person.agreement
        if agreement is None or agreement.last_agreed is None:
            yield Obligation(AGREEMENT, (person.id,), None, person.source, ("supervision",), status=UNSIGNED,
                             code="no-agreement")
            continue
        field = (("supervision", "agreement", "reviewed", agreement.reviewed.index(agreement.last_agreed))
                 if agreement.last_agreed in agreement.reviewed else agreement.signed_field)
        yield Obligation(AGREEMENT, (person.id,), add_months(agreement.last_agreed, agreement.review_every_months),
                         person.source, field, since=agreement.last_agreed, status=REVIEW, code="agreement-review")


def _copies(records: Records, within: int):
    """Notes shared with the supporter are copied to them within ``within`` days (once late, until given)."""
    for session in records.supervision:
        if session.copy_owed and session.copy_given is None:
            yield Obligation(COPY, session.supporters, session.date + timedelta(days=within), session.source,
                             ("date",), since=session.date, subject=session.type, code="no-copy")


def _one_to_ones(analysis: Analysis, programme: Programme):
    """Coordinator one-to-ones: every ``interval_days`` when active, ``in_training_days`` during training."""
    for s in analysis.summaries.values():
        person = s.supporter
        if person.is_active:
            every, subject = programme.one_to_one_days, ""
        elif person.status == IN_TRAINING:
            every, subject = programme.in_training_contact_days, IN_TRAINING
        else:
            continue
        last = s.one_to_ones[-1] if s.one_to_ones else None
        yield Obligation(ONE_TO_ONE, (person.id,), (last or person.joined) + timedelta(days=every), person.source,
                         (), since=last, subject=subject)


def _training(analysis: Analysis):
    """Required training only: not training outside their roles, nor a volunteer's non-statutory training."""
    for s in analysis.summaries.values():
        person = s.supporter
        if not person.is_current:
            continue
        for t in s.required_training:
            if t.status == TRAINING_NEVER and person.is_active:
                yield Obligation(TRAINING, (person.id,), None, person.source, (), subject=t.training.title,
                                 status=t.status)
            elif t.valid_until is not None and t.source is not None:
                yield Obligation(TRAINING, (person.id,), t.valid_until, t.source.source, ("date",),
                                 since=t.completed, subject=t.training.title, status=t.status)


def _actions(records: Records):
    """Open supervision actions with a due date, once each (a group session's belong to all)."""
    for session in records.supervision:
        for action in session.actions:
            if not action.done and action.due is not None:
                yield Obligation(ACTION, session.supporters, action.due, session.source,
                                 ("actions", action.index, "due"), since=session.date, subject=action.action,
                                 code="overdue-action")


def _meeting_actions(records: Records):
    """Open actions agreed at a meeting or at its debrief, with a due date, whatever the meeting's status."""
    for m in records.meetings:
        for (*where,), action in m.all_actions:
            if not action.done and action.due is not None:
                yield Obligation(MEETING_ACTION, m.people, action.due, m.source, (*where, action.index, "due"),
                                 since=m.date, subject=action.action, meeting=m.kind,
                                 origin="debrief" if where[0] == "debrief" else "meeting", code="overdue-action")


def _concerns(records: Records):
    """Follow-up and safeguarding concerns raised at a debrief, until the actions agreed for them are done."""
    for m in records.meetings:
        debrief = m.debrief
        if debrief is not None and debrief.concern_open:
            still_open = sum(1 for a in debrief.actions if not a.done)
            yield Obligation(CONCERN, m.people, debrief.date, m.source, ("debrief", "concern"), since=m.date,
                             subject=debrief.concern or "", meeting=m.kind, counts=(still_open, len(debrief.actions)),
                             code="concern-no-action" if not debrief.actions else None)


def _meetings(records: Records, debrief_within: int):
    """What a held meeting still owes (a debrief, a check-out, a second facilitator), and planned ones not updated."""
    for m in records.meetings:
        if m.planned:
            yield Obligation(PLANNED, m.people, m.date, m.source, ("status",), since=m.date, subject=m.kind,
                             code="planned-overdue")
        if not m.held:
            continue
        if m.lone_working is not None and m.lone_working.escalated:
            yield Obligation(ESCALATION, m.people, m.date, m.source, ("lone_working", "escalated"), since=m.date,
                             subject=m.kind, code="escalated")
        if m.needs_debrief and m.debrief is None:
            yield Obligation(DEBRIEF, m.people, m.date + timedelta(days=debrief_within), m.source, ("date",),
                             since=m.date, subject=m.kind, code="no-debrief")
        if m.setting == "community":
            lone = m.lone_working
            missing = tuple(name for name in ("checked_in", "checked_out")
                            if lone is None or getattr(lone, name) is None)
            if missing:
                yield Obligation(LONE_WORKING, m.people, m.date, m.source,
                                 ("lone_working",) if lone is not None else ("setting",),
                                 since=m.date, subject=m.kind, missing=missing, code="lone-working")
        if m.kind == "group" and len(m.facilitators) < records.facilitators_needed(m):
            yield Obligation(FACILITATION, m.people, m.date, m.source, ("facilitators",), since=m.date,
                             subject=m.kind, counts=(len(m.facilitators), records.facilitators_needed(m)),
                             code="one-facilitator")


def _matches(records: Records, as_of: date):
    """A check-in owed once an active match has gone quiet; a match owed to a waiting referral."""
    figures = relationships(records, as_of)
    for p in figures.active:
        m = p.match
        if p.quiet_since is not None and m.supporter is not None:
            yield Obligation(QUIET_MATCH, (m.supporter,), p.quiet_since + timedelta(days=records.quiet_after_days),
                             m.source, ("status",), since=p.quiet_since, subject=m.id, mentee=m.mentee,
                             status="met" if p.last_meeting else "never met", code="quiet-match")
    for w in figures.waiting:
        m = w.match
        yield Obligation(WAITING, (), m.referred + timedelta(days=records.waiting_alert_days), m.source,
                         ("referred",), since=m.referred, subject=m.id, mentee=m.mentee, code="waiting-too-long")
