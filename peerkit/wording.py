"""The words for obligations: one place for the terminal, the dashboard and JSON.

:mod:`peerkit.obligations` derives the facts; this module says them. Each
output passes its own date style (ISO in the terminal and JSON, "4 Mar 2025"
on pages), so the sentences are the same everywhere.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Mapping

from .obligations import (ACTION, AGREEMENT, CONCERN, COPY, DEBRIEF, ESCALATION, FACILITATION, IN_TRAINING,
                          LONE_WORKING, MEETING_ACTION, ONE_TO_ONE, PEER_SUPERVISION, PLANNED, QUIET_MATCH,
                          SUPERVISION, TRAINING, UNSIGNED, WAITING, Obligation)

DateText = Callable[[date], str]

HEADINGS = {
    CONCERN: "Concerns from debriefs",
    ESCALATION: "Lone-working escalations",
    SUPERVISION: "Supervision",
    PEER_SUPERVISION: "Peer supervision",
    AGREEMENT: "Supervision agreements",
    COPY: "Copies of supervision notes",
    ONE_TO_ONE: "One-to-ones with the coordinator",
    TRAINING: "Mandatory training",
    ACTION: "Supervision actions",
    MEETING_ACTION: "Meeting and debrief actions",
    PLANNED: "Planned meetings to update",
    DEBRIEF: "Debriefs",
    LONE_WORKING: "Lone working",
    FACILITATION: "Group facilitation",
    QUIET_MATCH: "Quiet matches",
    WAITING: "Waiting for a match",
}


# How the sentences name a kind of meeting.
MEETING_WORDS = {"one-to-one": "one-to-one", "group": "group meeting",
                 "coordinator-one-to-one": "coordinator's one-to-one"}


def meeting_words(kind: str) -> str:
    return MEETING_WORDS.get(kind, f"{kind} meeting")


def iso(day: date) -> str:
    return day.isoformat()


def names(obligation: Obligation, people: Mapping[str, str]) -> str:
    """The supporters' names (their ids where a name is not known), joined."""
    return ", ".join(people.get(person, person) for person in obligation.people)


def describe(obligation: Obligation, people: Mapping[str, str], date_text: DateText = iso) -> str:
    """``Amara Okafor: supervision due 2025-05-13 (last on 2025-04-01)``: who, what, and from when."""
    who, o = names(obligation, people), obligation
    if o.kind == SUPERVISION:
        last = f"last on {date_text(o.since)}" if o.since else "never supervised"
        what = f"{o.subject} supervision" if o.subject else "supervision"
        return f"{who}: {what} due {_day(o.due, date_text)} ({last})"
    if o.kind == PEER_SUPERVISION:
        last = f"last on {date_text(o.since)}" if o.since else "none yet"
        return f"{who}: peer or group supervision due {_day(o.due, date_text)} ({last})"
    if o.kind == AGREEMENT:
        if o.status == UNSIGNED:
            return f"{who}: no signed supervision agreement"
        return (f"{who}: supervision agreement review due {_day(o.due, date_text)} "
                f"(last agreed on {_day(o.since, date_text)})")
    if o.kind == COPY:
        return f"{who}: no copy given of the notes of {o.subject} supervision on {_day(o.since, date_text)}"
    if o.kind == ONE_TO_ONE:
        last = f"last on {date_text(o.since)}" if o.since else "none yet"
        if o.subject == IN_TRAINING:
            return f"{who}: one-to-one time during training due {_day(o.due, date_text)} (feedback on progress; {last})"
        return f"{who}: one-to-one with the coordinator due {_day(o.due, date_text)} ({last})"
    if o.kind == TRAINING:
        if o.due is None:
            return f"{who}: {o.subject} never done"
        return f"{who}: {o.subject} {'expires on' if o.status != 'expired' else 'expired on'} {date_text(o.due)}"
    if o.kind == ACTION:
        agreed = _day(o.since, date_text)
        return f"{who}: '{o.subject}' (agreed in supervision on {agreed}) due {_day(o.due, date_text)}"
    if o.kind == DEBRIEF:
        return f"{who}: no debrief after the {o.subject} meeting on {_day(o.since, date_text)}"
    if o.kind == LONE_WORKING:
        times = " or ".join(_TIMES.get(name, name) for name in o.missing)
        return f"{who}: no lone-working {times} for the community meeting on {_day(o.since, date_text)}"
    if o.kind == FACILITATION:
        had, needed = o.counts
        why = "best practice is two" if needed == 2 else f"the group needs {needed}"
        return f"{who}: group run by {_facilitators(had)} on {_day(o.since, date_text)} ({why})"
    if o.kind == CONCERN:
        still_open, agreed_on = o.counts
        actions = (f"{still_open} of {agreed_on} action{'' if agreed_on == 1 else 's'} still open" if agreed_on
                   else "no action recorded yet")
        return (f"{who}: {o.subject} concern raised at the debrief of the {meeting_words(o.meeting)} on "
                f"{_day(o.since, date_text)}; {actions}")
    if o.kind == ESCALATION:
        return f"{who}: lone working escalated at the {meeting_words(o.subject)} on {_day(o.since, date_text)}"
    if o.kind == MEETING_ACTION:
        where = "at the debrief of" if o.origin == "debrief" else "at"
        return (f"{who}: '{o.subject}' (agreed {where} the {meeting_words(o.meeting)} on "
                f"{_day(o.since, date_text)}) due {_day(o.due, date_text)}")
    if o.kind == PLANNED:
        return (f"{who}: the {meeting_words(o.subject)} planned for {_day(o.since, date_text)} is not yet "
                f"marked held or cancelled")
    if o.kind == QUIET_MATCH:
        since = "since the last meeting on" if o.status == "met" else "since they were matched on"
        return (f"{who}: no meeting with {o.mentee} (match {o.subject}) {since} {_day(o.since, date_text)}; "
                f"a gentle check-in may help")
    if o.kind == WAITING:
        return f"{o.mentee} (match {o.subject}): referred on {_day(o.since, date_text)}, still waiting for a supporter"
    raise ValueError(f"no words for obligations of kind {o.kind!r}")


_TIMES = {"checked_in": "check-in", "checked_out": "check-out"}
# Owed about something that already happened (a missing check-out, a concern raised at a
# debrief, an escalation): how long ago, not "overdue".
_SINCE_KINDS = frozenset({LONE_WORKING, FACILITATION, CONCERN, ESCALATION})


def when(obligation: Obligation, as_of: date) -> str:
    """``3 days overdue``, ``due today``, ``in 5 days``, ``never done``, or ``40 days ago``."""
    days = obligation.days_left(as_of)
    if days is None:
        return "never done"
    if obligation.kind in _SINCE_KINDS:
        return "today" if days == 0 else f"{-days} day{'' if days == -1 else 's'} ago"
    if days < 0:
        return f"{-days} day{'' if days == -1 else 's'} overdue"
    if days == 0:
        return "due today"
    return f"in {days} day{'' if days == 1 else 's'}"


def _facilitators(n: int) -> str:
    return "one facilitator" if n == 1 else f"{n} facilitators"


def _day(value: date | None, date_text: DateText) -> str:
    return date_text(value) if value else "an unknown date"
