"""``peerkit due``: what is overdue or coming up, for the coordinator's week.

Every date here comes from :mod:`peerkit.analyse` (supervision due dates,
training valid-until dates, open actions) or from check's ``no-debrief``
warnings, so ``due`` agrees with the dashboard and with ``check``. This
module only picks what falls before ``as_of + within`` and says it plainly.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import click

from .analyse import TRAINING_NEVER, Analysis
from .check import CheckResult

# category -> heading, in the order the report shows them.
CATEGORIES = {
    "supervision": "Supervision",
    "training": "Mandatory training",
    "action": "Supervision actions",
    "debrief": "Debriefs",
}


@dataclass(frozen=True)
class DueItem:
    """One thing to do by a date. ``days`` is days until ``due``: negative when overdue, None when never done."""

    category: str
    supporter: str  # id, or ids joined by ", " for a group
    due: date | None
    days: int | None
    message: str
    path: str

    @property
    def overdue(self) -> bool:
        return self.days is None or self.days < 0


def _item(category: str, supporter: str, due: date | None, as_of: date, message: str, path: str) -> DueItem:
    return DueItem(category, supporter, due, None if due is None else (due - as_of).days, message, path)


def due_items(result: CheckResult, as_of: date, within: int) -> list[DueItem]:
    """Everything overdue on ``as_of`` or due within ``within`` days, grouped by category."""
    analysis = Analysis.of(result.records, as_of)
    horizon = as_of + timedelta(days=within)
    items: list[DueItem] = []
    for s in analysis.summaries.values():
        person, who = s.supporter, s.supporter.name
        due = s.next_supervision_due
        if due and due <= horizon:
            last = f"last on {s.last_supervision}" if s.last_supervision else "never supervised"
            items.append(_item("supervision", person.id, due, as_of,
                               f"{who}: supervision due {due} ({last})", person.source.display))
        if not person.is_current:
            continue
        for t in s.training:
            if t.status == TRAINING_NEVER and person.status == "active":
                items.append(_item("training", person.id, None, as_of,
                                   f"{who}: {t.training.title} never done", person.source.display))
            elif t.valid_until and t.valid_until <= horizon:
                verb = "expired on" if t.valid_until < as_of else "expires on"
                items.append(_item("training", person.id, t.valid_until, as_of,
                                   f"{who}: {t.training.title} {verb} {t.valid_until}", t.source.source.display))
    items += _actions(analysis, as_of, horizon)
    items += _debriefs(result, as_of)
    order = list(CATEGORIES)
    return sorted(items, key=lambda i: (order.index(i.category), i.due or date.min, i.supporter, i.path, i.message))


def _actions(analysis: Analysis, as_of: date, horizon: date) -> list[DueItem]:
    """Open supervision actions due by the horizon, once each (a group session's actions belong to all)."""
    seen: set[tuple[str, int]] = set()
    items = []
    for s in analysis.summaries.values():
        for open_action in s.open_actions:
            action, session = open_action.action, open_action.supervision
            key = (session.source.rel, action.index)
            if action.due is None or action.due > horizon or key in seen:
                continue
            seen.add(key)
            names = ", ".join(analysis.summaries[p].supporter.name if p in analysis.summaries else p
                              for p in session.supporters)
            items.append(_item("action", ", ".join(session.supporters), action.due, as_of,
                               f"{names}: '{action.action}' (agreed in supervision on {session.date}) "
                               f"due {action.due}", session.source.display))
    return items


def _debriefs(result: CheckResult, as_of: date) -> list[DueItem]:
    """Meetings check warns have no debrief (late debriefs already happened: nothing to do)."""
    meetings = {m.source.display: m for m in result.records.meetings}
    programme = result.records.programme
    within = programme.debrief_within_days if programme else 2
    items = []
    for problem in result.problems:
        meeting = meetings.get(problem.path)
        if problem.code != "no-debrief" or meeting is None or meeting.debrief is not None:
            continue
        names = ", ".join(result.records.by_id[p].name if p in result.records.by_id else p for p in meeting.people)
        items.append(_item("debrief", ", ".join(meeting.people), meeting.date + timedelta(days=within), as_of,
                           f"{names}: no debrief after the {meeting.kind} meeting on {meeting.date}",
                           problem.path))
    return items


# --- output -------------------------------------------------------------------

def _when(item: DueItem) -> str:
    if item.days is None:
        return "never done"
    if item.days < 0:
        return f"{-item.days} day{'' if item.days == -1 else 's'} overdue"
    if item.days == 0:
        return "due today"
    return f"in {item.days} day{'' if item.days == 1 else 's'}"


def format_text(items: list[DueItem], as_of: date, within: int) -> str:
    """Grouped under headings, overdue in red and coming up in yellow (click strips colour when piped)."""
    if not items:
        return f"Nothing overdue or due within {within} days (as of {as_of})."
    width = max(len(_when(i)) for i in items)
    lines = [f"Overdue, or due within {within} days (as of {as_of}):"]
    for category, heading in CATEGORIES.items():
        group = [i for i in items if i.category == category]
        if not group:
            continue
        lines += ["", click.style(f"{heading} ({len(group)})", bold=True)]
        for i in group:
            when = click.style(f"{_when(i):<{width}}", fg="red" if i.overdue else "yellow")
            lines.append(f"  {when} {i.message}  {click.style(i.path, dim=True)}")
    overdue = sum(1 for i in items if i.overdue)
    lines += ["", f"{overdue} overdue, {len(items) - overdue} due within {within} days"]
    return "\n".join(lines)


def format_json(items: list[DueItem]) -> str:
    """A list of ``{category, supporter, due, days, message, path}``; due is YYYY-MM-DD or null."""
    return json.dumps([{**asdict(i), "due": i.due.isoformat() if i.due else None} for i in items],
                      indent=2, ensure_ascii=False)
