"""``peerkit due``: what is overdue or coming up, for the coordinator's week.

The items are the obligations of :mod:`peerkit.obligations`, selected by the
same rule as the dashboard's Needs attention and worded by
:mod:`peerkit.wording`; so with ``--within`` at the dashboard's horizon
(30 days, the default) ``due`` lists exactly what the dashboard lists.
This module only turns them into lines or JSON.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date

import click

from .model import Records
from .obligations import KINDS, Obligation, select
from .wording import HEADINGS, describe, when

# category -> heading, in the order the report shows them.
CATEGORIES = {kind: HEADINGS[kind] for kind in KINDS}


@dataclass(frozen=True)
class DueItem:
    """One thing to do by a date. ``days`` is days until ``due``: negative when overdue, None when never done."""

    category: str
    supporter: str  # id, or ids joined by ", " for a group
    due: date | None
    days: int | None
    message: str
    path: str
    when: str

    @property
    def overdue(self) -> bool:
        return self.days is None or self.days < 0


def due_item(obligation: Obligation, people: dict[str, str], as_of: date) -> DueItem:
    return DueItem(obligation.kind, ", ".join(obligation.people), obligation.due, obligation.days_left(as_of),
                   describe(obligation, people), obligation.source.display, when(obligation, as_of))


def due_items(records: Records, as_of: date, within: int) -> list[DueItem]:
    """Everything overdue on ``as_of`` or due within ``within`` days, grouped by category."""
    people = {s.id: s.name for s in records.supporters}
    return [due_item(o, people, as_of) for o in select(records, as_of, within)]


# --- output -------------------------------------------------------------------

def format_text(items: list[DueItem], as_of: date, within: int) -> str:
    """Grouped under headings, overdue in red and coming up in yellow (click strips colour when piped)."""
    if not items:
        return f"Nothing overdue or due within {within} days (as of {as_of})."
    width = max(len(i.when) for i in items)
    lines = [f"Overdue, or due within {within} days (as of {as_of}):"]
    for category, heading in CATEGORIES.items():
        group = [i for i in items if i.category == category]
        if not group:
            continue
        lines += ["", click.style(f"{heading} ({len(group)})", bold=True)]
        for i in group:
            when = click.style(f"{i.when:<{width}}", fg="red" if i.overdue else "yellow")
            lines.append(f"  {when} {i.message}  {click.style(i.path, dim=True)}")
    overdue = sum(1 for i in items if i.overdue)
    lines += ["", f"{overdue} overdue, {len(items) - overdue} due within {within} days"]
    return "\n".join(lines)


def format_json(items: list[DueItem]) -> str:
    """A list of ``{category, supporter, due, days, message, path}``; due is YYYY-MM-DD or null."""
    fields = ("category", "supporter", "due", "days", "message", "path")
    return json.dumps([{**{k: v for k, v in asdict(i).items() if k in fields},
                        "due": i.due.isoformat() if i.due else None} for i in items],
                      indent=2, ensure_ascii=False)
