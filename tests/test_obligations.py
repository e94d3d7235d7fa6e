"""Obligations: one derivation read by the rules, the dashboard and ``peerkit due``.

The demo test proves that Needs attention and ``due`` (at the dashboard's
horizon) list the same items, item for item. The rest build records by hand,
without files: a :class:`Source` with positions stands in for the loader.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path

from conftest import DEMO_AS_OF, run
from peerkit.model import Meeting, Programme, Records, Supervision, Supporter
from peerkit.obligations import (ACTION, CONCERN, DEBRIEF, ESCALATION, FACILITATION, HORIZON_DAYS, LONE_WORKING,
                                 SUPERVISION, listed, obligations, select)
from peerkit.rules import actions_done, debriefed_in_time, lone_working_checked, two_facilitators
from peerkit.source import Source
from peerkit.wording import HEADINGS, describe, when

AS_OF = date(2025, 6, 30)


# --- the dashboard and `due` agree -------------------------------------------------

def _attention_items(index_html: str) -> list[tuple[str, str, str]]:
    """(heading, when, path) of every Needs attention item, in page order."""
    section = index_html[index_html.index('id="attention"'):index_html.index('id="supporters"')]
    items = []
    for heading, body in re.findall(r"<h3>(.*?) \(\d+\)</h3>\s*<ul>(.*?)</ul>", section, re.S):
        for when_text, path in re.findall(r'<li><span class="flag-\w+">(.*?)</span>.*?<span class="path">(.*?)</span>',
                                          body, re.S):
            items.append((html.unescape(heading), html.unescape(when_text), html.unescape(path)))
    return items


def _when(category: str, days: int | None) -> str:
    if days is None:
        return "never done"
    if category in (LONE_WORKING, FACILITATION, CONCERN, ESCALATION):  # about something past: how long ago
        return "today" if days == 0 else f"{-days} day{'' if days == -1 else 's'} ago"
    if days < 0:
        return f"{-days} day{'' if days == -1 else 's'} overdue"
    return "due today" if days == 0 else f"in {days} day{'' if days == 1 else 's'}"


def test_needs_attention_and_due_list_the_same_items_on_the_demo(demo, tmp_path):
    site = tmp_path / "site"
    built = run("build", demo, "-o", site, "--no-pdf", "--as-of", DEMO_AS_OF)
    assert built.exit_code == 0, built.output
    due = run("due", demo, "--format", "json", "--as-of", DEMO_AS_OF, "--within", HORIZON_DAYS)
    assert due.exit_code == 0, due.output
    listed_by_due = [(HEADINGS[item["category"]], _when(item["category"], item["days"]), item["path"])
                     for item in json.loads(due.output)]
    on_dashboard = _attention_items((site / "index.html").read_text(encoding="utf-8"))
    assert len(on_dashboard) >= 10  # the demo has something under every heading
    assert {heading for heading, _, _ in on_dashboard} == set(HEADINGS.values())
    assert on_dashboard == listed_by_due
    # and `due` without --within looks exactly as far ahead as the dashboard
    default = run("due", demo, "--format", "json", "--as-of", DEMO_AS_OF)
    assert json.loads(default.output) == json.loads(due.output)


# --- hand-made records ---------------------------------------------------------------

def source(name: str, **positions: tuple[int, int]) -> Source:
    """A source whose fields sit at the given lines (``actions__0__due`` for ``actions[0].due``)."""
    return Source(f"records/{name}", name, {
        tuple(int(step) if step.isdigit() else step for step in key.split("__")): at
        for key, at in positions.items()})


PROGRAMME = Programme.from_data({
    "name": "Test", "supervision": {"default_interval_days": 42}, "cpd": {"target_hours_per_year": 20},
    "competencies": [{"id": "listening", "title": "Listening"}]}, source("programme.yaml"))
AMARA = Supporter.from_data({"id": "amara", "name": "Amara Okafor", "status": "active", "joined": "2024-01-01"},
                            source("supporters/amara.yaml", supervision=(9, 1)))


def records(*items) -> Records:
    by_kind: dict[str, list] = {"programme": [PROGRAMME], "supporter": [AMARA], "meeting": [], "supervision": []}
    for item in items:
        by_kind["meeting" if isinstance(item, Meeting) else "supervision"].append(item)
    return Records(root=Path("records"), by_kind={k: tuple(v) for k, v in by_kind.items()},
                   stems={"supporter": frozenset({"amara"})})


def meeting(day: str, **fields) -> Meeting:
    data = {"date": day, "kind": "one-to-one", "supporter": "amara", "mentee": "DK", "setting": "in-house",
            "duration_minutes": 60, **fields}
    return Meeting.from_data(data, source(f"meetings/{day[:4]}/{day}-x.yaml", date=(1, 1), setting=(5, 1),
                                          lone_working=(7, 1), facilitators=(3, 1)))


def test_a_missing_debrief_is_owed_from_the_meeting_and_warned_once_late():
    held = meeting("2025-06-20")
    [owed] = [o for o in obligations(records(held), AS_OF) if o.kind == DEBRIEF]
    assert (owed.due, owed.people, owed.since) == (date(2025, 6, 22), ("amara",), date(2025, 6, 20))
    assert describe(owed, {"amara": "Amara Okafor"}) == \
        "Amara Okafor: no debrief after the one-to-one meeting on 2025-06-20"
    assert when(owed, AS_OF) == "8 days overdue"
    [warning] = debriefed_in_time(records(held), AS_OF)
    assert (warning.code, warning.line, warning.path) == ("no-debrief", 1, "records/meetings/2025/2025-06-20-x.yaml")
    recent = meeting("2025-06-29")
    assert not list(debriefed_in_time(records(recent), AS_OF))
    assert DEBRIEF not in [o.kind for o in select(records(recent), AS_OF)]  # owed after the fact: not announced ahead


def test_lone_working_points_at_the_block_or_at_the_setting():
    no_block = meeting("2025-06-01", setting="community")
    half = meeting("2025-06-02", setting="community", lone_working={"checked_in": "10:00"})
    problems = sorted(lone_working_checked(records(no_block, half), AS_OF))
    assert [(p.path.rsplit("/", 1)[1], p.line, p.message) for p in problems] == [
        ("2025-06-01-x.yaml", 5, "community meeting with no lone-working checked_in or checked_out; "
                                 "record lone_working.checked_in (time as \"HH:MM\")"),
        ("2025-06-02-x.yaml", 7, "community meeting with no lone-working checked_out; "
                                 "record lone_working.checked_out (time as \"HH:MM\")"),
    ]
    kinds = [o.kind for o in select(records(no_block, half), AS_OF)]
    assert kinds.count(LONE_WORKING) == 2


def test_one_facilitator_is_an_obligation_and_a_warning():
    solo = meeting("2025-05-19", kind="group", supporter=None, mentee=None, facilitators=["amara"], attendance=5)
    [warning] = two_facilitators(records(solo), AS_OF)
    assert (warning.code, warning.line) == ("one-facilitator", 3)
    assert [o.kind for o in select(records(solo), AS_OF) if o.kind == FACILITATION] == [FACILITATION]


def test_actions_are_announced_within_the_horizon_and_warned_once_overdue():
    session = Supervision.from_data({
        "date": "2025-04-01", "supporter": "amara", "type": "clinical", "supervisor": "Jo Hill",
        "focus": ["reflection"], "actions": [
            {"action": "Book the refresher", "due": "2025-06-01"},
            {"action": "Read the policy", "due": "2025-07-10"},
            {"action": "Shadow a group", "due": "2025-09-01"},
            {"action": "Sign the agreement", "due": "2025-04-15", "done": "2025-04-10"}]},
        source("supervision/2025/2025-04-01-x.yaml", actions__0__due=(9, 5), actions__1__due=(11, 5)))
    actions = [o for o in obligations(records(session), AS_OF) if o.kind == ACTION]
    assert [o.subject for o in actions] == ["Book the refresher", "Read the policy", "Shadow a group"]
    assert [o.subject for o in actions if listed(o, AS_OF)] == ["Book the refresher", "Read the policy"]
    assert [o.subject for o in actions if listed(o, AS_OF, within=90)] == [o.subject for o in actions]
    [warning] = actions_done(records(session), AS_OF)
    assert (warning.line, warning.column, warning.code) == (9, 5, "overdue-action")


def test_supervision_is_owed_from_the_last_session_or_from_joining():
    [owed] = [o for o in obligations(records(), AS_OF) if o.kind == SUPERVISION]
    assert (owed.due, owed.since) == (date(2024, 2, 12), None)  # joined 2024-01-01 + 42 days, never supervised
    assert describe(owed, {"amara": "Amara Okafor"}, lambda d: d.strftime("%d/%m/%Y")) == \
        "Amara Okafor: supervision due 12/02/2024 (never supervised)"
    assert owed.source.at(*owed.field) == (9, 1)


def test_source_points_at_the_nearest_field_that_exists():
    s = source("x.yaml", actions=(4, 1), actions__1=(6, 3), actions__1__due=(7, 5))
    assert s.at("actions", 1, "due") == (7, 5)
    assert s.at("actions", 1, "done") == (6, 3)  # absent: its parent
    assert s.at("actions", 9, "due") == (4, 1)
    assert s.at("notes") == (1, 1)  # nothing known: the first line
