"""Safety in the field, as dates and numbers: venues' risk assessments, what
is coming up, and how each group is run.

Pure functions of (records, as_of), like :mod:`peerkit.analyse`, and no
English: the rules word the warnings, the dashboard's templates the tables.
The seed's reasons: a coordinator needs to know when and where meetings
happen "for health and safety reasons"; community venues are risk-assessed
(and not where conversations can be overheard); groups revisit their ground
rules at every meeting and have two facilitators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .analyse import EXPIRY_WARNING_DAYS, add_months
from .model import Group, Meeting, Records, Venue

# How far ahead the dashboard's Coming up looks.
COMING_UP_DAYS = 7
# A venue's risk assessment on a day: what the Venues table and the warnings say.
NOT_NEEDED = "not needed"  # an in-house venue: the organisation's own premises
NEVER = "never assessed"  # no assessment yet on that day
VALID = "assessed"
DUE_SOON = "review due"  # valid, but lapses within EXPIRY_WARNING_DAYS
LAPSED = "lapsed"


@dataclass(frozen=True)
class Assessment:
    """A venue's risk assessment on ``day``: the latest one before it, and until when it held."""

    status: str
    assessed: date | None = None  # the assessment in force (or the last one, once lapsed)
    valid_until: date | None = None
    first: date | None = None  # the first assessment on record, when ``day`` came before it


def assessment_on(venue: Venue, day: date) -> Assessment:
    """Whether ``venue`` had a risk assessment in date on ``day`` (each lasts review_every_months)."""
    if not venue.needs_assessment:
        return Assessment(NOT_NEEDED)
    ra = venue.risk_assessment
    if ra is None:
        return Assessment(NEVER)
    earlier = [d for d in ra.dates if d <= day]
    if not earlier:
        return Assessment(NEVER, first=ra.dates[0])
    latest = earlier[-1]
    until = add_months(latest, ra.review_every_months)
    if until < day:
        return Assessment(LAPSED, latest, until)
    status = DUE_SOON if (until - day).days <= EXPIRY_WARNING_DAYS else VALID
    return Assessment(status, latest, until)


@dataclass(frozen=True)
class ComingUp:
    """A planned meeting in the next days: when, what, who runs it, where. Never the mentee."""

    date: date
    start: str | None
    kind: str
    people: tuple[str, ...]
    setting: str
    venue: Venue | None
    assessment: Assessment | None  # the venue's on the meeting's day
    group: Group | None
    path: str


def coming_up(records: Records, as_of: date, days: int = COMING_UP_DAYS) -> list[ComingUp]:
    """Planned meetings from ``as_of`` to ``days`` ahead, by date and start time."""
    last = as_of + timedelta(days=days)
    planned = [m for m in records.meetings if m.planned and as_of <= m.date <= last]
    items = []
    for m in sorted(planned, key=lambda m: (m.date, m.start or "", m.source.rel)):
        venue, _ = records.venue_of(m)
        items.append(ComingUp(m.date, m.start, m.kind, m.people, m.setting, venue,
                              assessment_on(venue, m.date) if venue else None,
                              records.group_by_id.get(m.group or ""), m.source.display))
    return items


@dataclass(frozen=True)
class VenueRow:
    venue: Venue
    assessment: Assessment  # on as_of
    held_12m: int  # held meetings there in the last 12 months
    planned: int  # planned meetings there from as_of on
    groups: tuple[str, ...]  # titles of the groups that meet there


def _recent(day: date, as_of: date) -> bool:
    return as_of - timedelta(days=365) < day <= as_of


def venue_rows(records: Records, as_of: date) -> list[VenueRow]:
    """Every venue with its assessment today and how much it is used, by name."""
    held: dict[str, int] = {}
    planned: dict[str, int] = {}
    for m in records.meetings:
        venue, _ = records.venue_of(m)
        if venue is None:
            continue
        if m.held and _recent(m.date, as_of):
            held[venue.id] = held.get(venue.id, 0) + 1
        elif m.planned and m.date >= as_of:
            planned[venue.id] = planned.get(venue.id, 0) + 1
    return [VenueRow(v, assessment_on(v, as_of), held.get(v.id, 0), planned.get(v.id, 0),
                     tuple(g.title for g in records.groups if g.venue == v.id))
            for v in sorted(records.venues, key=lambda v: (v.name.casefold(), v.id))]


@dataclass(frozen=True)
class GroupRow:
    """How one group was run over the last 12 months (held meetings only)."""

    group: Group | None  # None: group meetings that name no group
    meetings: int
    average_attendance: float | None  # over the meetings that recorded it
    enough_facilitators: float | None  # share (0-1) run with at least facilitators_needed
    ground_rules: float | None  # share (0-1) with the ground rules revisited
    next_planned: date | None


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def group_rows(records: Records, as_of: date) -> list[GroupRow]:
    """One row per group (by title), then one for group meetings that name no group, if any."""
    by_group: dict[str, list[Meeting]] = {}
    upcoming: dict[str, date] = {}
    for m in records.meetings:
        if m.kind != "group":
            continue
        key = m.group if m.group in records.group_by_id else ""
        if m.held and _recent(m.date, as_of):
            by_group.setdefault(key, []).append(m)
        elif m.planned and m.date >= as_of:
            upcoming[key] = min(m.date, upcoming.get(key, m.date))
    groups: list[Group | None] = [*sorted(records.groups, key=lambda g: (g.title.casefold(), g.id))]
    if "" in by_group or "" in upcoming:
        groups.append(None)
    return [_group_row(records, g, by_group.get(g.id if g else "", []), upcoming.get(g.id if g else ""))
            for g in groups]


def _group_row(records: Records, group: Group | None, meetings: list[Meeting], next_planned: date | None) -> GroupRow:
    counted = [m.attendance for m in meetings if m.attendance is not None]
    enough = sum(1 for m in meetings if len(m.facilitators) >= records.facilitators_needed(m))
    rules = sum(1 for m in meetings if m.ground_rules_revisited is True)
    return GroupRow(group, len(meetings), round(sum(counted) / len(counted), 1) if counted else None,
                    _share(enough, len(meetings)), _share(rules, len(meetings)), next_planned)
