"""Obligations: what is owed, by whom or to whom, by when, and which record shows it.

One layer of derived facts that three readers share: the rules (the
``lone-working``, ``no-debrief``, ``one-facilitator`` and ``overdue-action``
warnings), the dashboard's Needs attention and ``peerkit due``. Each reader
selects with :func:`listed`, so the dashboard and ``due`` agree item for item
by construction. No English here: :mod:`peerkit.wording` says them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .analyse import TRAINING_NEVER, Analysis
from .model import Records
from .source import FieldPath, Source

# How far ahead the dashboard's Needs attention looks, and `peerkit due` by default.
HORIZON_DAYS = 30

# Kinds, in the order the dashboard and `due` list them.
SUPERVISION = "supervision"
TRAINING = "training"
ACTION = "action"
DEBRIEF = "debrief"
LONE_WORKING = "lone-working"
FACILITATION = "facilitation"
KINDS = (SUPERVISION, TRAINING, ACTION, DEBRIEF, LONE_WORKING, FACILITATION)
# Kinds with a date in the future that is worth announcing; the others are
# owed after something happened and are listed once they are late.
SCHEDULED = frozenset({SUPERVISION, TRAINING, ACTION})


@dataclass(frozen=True)
class Obligation:
    """One thing owed. ``due`` is None when it has never been done (nothing to count from)."""

    kind: str
    people: tuple[str, ...]  # the supporters it concerns, by id
    due: date | None
    source: Source  # the record that shows it
    field: FieldPath  # the field in that record to point at
    since: date | None = None  # what it follows from: the last supervision, the meeting, the session
    subject: str = ""  # a training's title, an action's text, a meeting's kind
    missing: tuple[str, ...] = ()  # lone working: the times not recorded
    status: str = ""  # training: expired, expiring, valid, never done
    code: str | None = None  # the warning check gives once it is late (acknowledging it settles the obligation)

    def days_left(self, as_of: date) -> int | None:
        """Days until due: negative when overdue, None when never done."""
        return None if self.due is None else (self.due - as_of).days

    def overdue(self, as_of: date) -> bool:
        return self.due is None or self.due < as_of


def listed(obligation: Obligation, as_of: date, within: int = HORIZON_DAYS) -> bool:
    """Whether a list looking ``within`` days ahead shows it: the one selection rule."""
    if obligation.due is None:
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
    return (*_supervision(analysis), *_training(analysis), *_actions(records),
            *_meetings(records, records.debrief_within_days))


def _supervision(analysis: Analysis):
    for s in analysis.summaries.values():
        due = s.next_supervision_due
        if due is not None:
            yield Obligation(SUPERVISION, (s.supporter.id,), due, s.supporter.source, ("supervision",),
                             since=s.last_supervision)


def _training(analysis: Analysis):
    for s in analysis.summaries.values():
        person = s.supporter
        if not person.is_current:
            continue
        for t in s.training:
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


def _meetings(records: Records, debrief_within: int):
    for m in records.meetings:
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
        if m.kind == "group" and len(m.facilitators) < 2:
            yield Obligation(FACILITATION, m.people, m.date, m.source, ("facilitators",), since=m.date,
                             subject=m.kind, code="one-facilitator")
