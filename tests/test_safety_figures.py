"""The safety figures (peerkit/safety.py) on hand-made records: assessments, Coming up, group rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from peerkit.model import Group, Meeting, Records, Venue
from peerkit.obligations import CONCERN, ESCALATION, MEETING_ACTION, PLANNED, obligations, select
from peerkit.safety import DUE_SOON, LAPSED, NEVER, NOT_NEEDED, VALID, assessment_on, coming_up, group_rows, venue_rows
from peerkit.source import Source
from peerkit.wording import describe, when

AS_OF = date(2025, 6, 30)
CAFE = Venue.from_data({"id": "cafe", "name": "Cafe", "setting": "community",
                        "risk_assessment": {"date": "2025-01-31", "review_every_months": 6,
                                            "previous": ["2024-01-15"]}},
                      Source("venues/cafe.yaml", "venues/cafe.yaml"))
HUB = Venue.from_data({"id": "hub", "name": "Hub", "setting": "in-house"},
                      Source("venues/hub.yaml", "venues/hub.yaml"))
NEW = Venue.from_data({"id": "new", "name": "New", "setting": "community"},
                      Source("venues/new.yaml", "venues/new.yaml"))
DROP_IN = Group.from_data({"id": "drop-in", "title": "Drop-in", "venue": "hub", "facilitators_needed": 3},
                          Source("groups/drop-in.yaml", "groups/drop-in.yaml"))


def meeting(day: str, name: str = "x", **fields) -> Meeting:
    data = {"date": day, "kind": "one-to-one", "supporter": "amara", "mentee": "DK", "setting": "community",
            "duration_minutes": 60, **fields}
    rel = f"meetings/{day[:4]}/{day}-{name}.yaml"
    return Meeting.from_data(data, Source(rel, rel))


def group(day: str, **fields) -> Meeting:
    data = {"date": day, "kind": "group", "facilitators": ["amara", "ben"], "setting": "in-house",
            "duration_minutes": 90, "group": "drop-in", **fields}
    rel = f"meetings/{day[:4]}/{day}-group.yaml"
    return Meeting.from_data({k: v for k, v in data.items() if v is not None}, Source(rel, rel))


def records(*meetings: Meeting) -> Records:
    return Records(root=Path("records"), by_kind={"meeting": meetings, "venue": (CAFE, HUB, NEW), "group": (DROP_IN,)})


@pytest.mark.parametrize("day, status, until", [
    ("2024-01-14", NEVER, None),  # before the first assessment
    ("2024-01-15", VALID, date(2024, 7, 15)),  # the earlier one, under previous
    ("2024-07-15", DUE_SOON, date(2024, 7, 15)),  # its last day
    ("2024-07-16", LAPSED, date(2024, 7, 15)),  # lapsed until the next one
    ("2025-01-31", VALID, date(2025, 7, 31)),  # 31 Jan + 6 months = 31 Jul
    ("2025-06-01", DUE_SOON, date(2025, 7, 31)),  # within 60 days of its review
    ("2025-08-01", LAPSED, date(2025, 7, 31)),
])
def test_a_venue_assessment_on_a_day(day, status, until):
    found = assessment_on(CAFE, date.fromisoformat(day))
    assert (found.status, found.valid_until) == (status, until)
    assert found.first == (date(2024, 1, 15) if status == NEVER else None)


def test_in_house_venues_need_no_assessment_and_new_ones_have_none():
    assert assessment_on(HUB, AS_OF).status == NOT_NEEDED
    assert (assessment_on(NEW, AS_OF).status, assessment_on(NEW, AS_OF).first) == (NEVER, None)


def test_coming_up_is_planned_meetings_from_today_for_seven_days_by_time():
    listed = coming_up(records(
        meeting("2025-06-29", "late", status="planned"),  # passed: to update, not coming up
        meeting("2025-06-30", "today-pm", status="planned", start="15:00", venue="cafe"),
        meeting("2025-06-30", "today-am", status="planned", start="09:00"),
        meeting("2025-07-07", "last", status="planned", venue="new"),
        meeting("2025-07-08", "beyond", status="planned"),
        meeting("2025-07-01", "cancelled", status="cancelled"),
        group("2025-07-02", status="planned"),
    ), AS_OF)
    assert [m.path.rsplit("-", 1)[1] for m in listed] == ["am.yaml", "pm.yaml", "group.yaml", "last.yaml"]
    assert [m.venue.id if m.venue else None for m in listed] == [None, "cafe", "hub", "new"]
    assert [m.assessment.status if m.assessment else None for m in listed] == [None, DUE_SOON, NOT_NEEDED, NEVER]
    assert not hasattr(listed[0], "mentee")  # the type cannot carry a mentee to the page


def test_group_rows_count_held_meetings_in_the_last_twelve_months():
    rows = group_rows(records(
        group("2025-06-02", attendance=8, ground_rules_revisited=True, facilitators=["a", "b", "c"]),
        group("2025-05-05", attendance=5, ground_rules_revisited=False),
        group("2025-04-07"),
        group("2024-05-06", attendance=20, ground_rules_revisited=True),  # over a year ago
        group("2025-07-07", status="planned"),
        group("2025-06-16", status="cancelled", attendance=0),
        group("2025-06-09", group=None, attendance=4),
    ), AS_OF)
    assert [(r.group.id if r.group else None, r.meetings, r.average_attendance, r.enough_facilitators,
             r.ground_rules, r.next_planned) for r in rows] == [
        ("drop-in", 3, 6.5, 1 / 3, 1 / 3, date(2025, 7, 7)),
        (None, 1, 4.0, 1.0, 0.0, None),
    ]


def test_venue_rows_count_use_and_name_the_groups_meeting_there():
    rows = venue_rows(records(meeting("2025-06-02", venue="cafe"), meeting("2025-07-02", status="planned",
                                                                          venue="cafe"), group("2025-06-03")), AS_OF)
    assert [(r.venue.id, r.held_12m, r.planned, r.groups) for r in rows] == [
        ("cafe", 1, 1, ()), ("hub", 1, 0, ("Drop-in",)), ("new", 0, 0, ())]


def test_safety_obligations_and_their_words():
    held = meeting("2025-06-10", lone_working={"checked_in": "10:00", "checked_out": "11:00", "escalated": True},
                   debrief={"date": "2025-06-11", "concern": "safeguarding",
                            "actions": [{"action": "Call the lead", "due": "2025-06-12", "done": True},
                                        {"action": "Safety plan", "due": "2025-07-20"}]})
    late = meeting("2025-06-27", "late", status="planned")
    found = {o.kind: o for o in obligations(records(held, late), AS_OF)}
    people = {"amara": "Amara Okafor"}
    assert describe(found[CONCERN], people) == ("Amara Okafor: safeguarding concern raised at the debrief of the "
                                                "one-to-one on 2025-06-10; 1 of 2 actions still open")
    assert when(found[CONCERN], AS_OF) == "19 days ago"
    assert describe(found[ESCALATION], people) == "Amara Okafor: lone working escalated at the one-to-one on 2025-06-10"
    assert describe(found[MEETING_ACTION], people) == ("Amara Okafor: 'Safety plan' (agreed at the debrief of the "
                                                       "one-to-one on 2025-06-10) due 2025-07-20")
    assert (describe(found[PLANNED], people), when(found[PLANNED], AS_OF)) == (
        "Amara Okafor: the one-to-one planned for 2025-06-27 is not yet marked held or cancelled", "3 days overdue")
    assert [o.kind for o in select(records(held, late), AS_OF)][:2] == [CONCERN, ESCALATION]
