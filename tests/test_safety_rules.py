"""Safety in the field, one failing fixture per rule, through the real CLI.

Planned and cancelled meetings, venues and their risk assessments, lone-working
times and escalations, debrief concerns and actions, groups. Each test writes
the offending record inline and asserts the problem's code, line, severity and
the words that tell the coordinator what to do. The ``records`` fixture
(conftest.py) is a valid tree checked as of 2025-06-30.
"""

from __future__ import annotations

import json

import pytest

from conftest import Found, problems, run, run_check, write


def only(output: str, records, code: str) -> Found:
    """The one problem in ``output``, which must have ``code``."""
    found = problems(output, records)
    assert [p.code for p in found] == [code], output
    return found[0]


ONE_TO_ONE = "meetings/2025/2025-06-02-one-to-one-amara-okafor.yaml"
GROUP = "meetings/2025/2025-06-05-group-drop-in.yaml"

VENUES = {
    "venues/canal-cafe.yaml": """
        id: canal-cafe
        name: The Canal Cafe
        setting: community
        risk_assessment:
          date: 2025-01-10
          by: Coordinator
          previous: [2024-01-08]
        overheard: false
        discreet_signage: true
    """,
    "venues/old-library.yaml": """
        id: old-library
        name: Old Library
        setting: community
        risk_assessment:
          date: 2024-03-01
          review_every_months: 12
    """,
    "venues/new-centre.yaml": """
        id: new-centre
        name: New Community Centre
        setting: community
    """,
    "venues/hub.yaml": """
        id: hub
        name: Our hub
        setting: in-house
    """,
    "venues/hospital-cafe.yaml": """
        id: hospital-cafe
        name: Hospital cafe
        setting: community
        risk_assessment:
          date: 2025-02-01
        overheard: true
    """,
    "groups/drop-in.yaml": """
        id: drop-in
        title: Fortnightly drop-in
        venue: hub
        eligibility: Anyone living with HIV.
        complaints_contact: Programme coordinator
        ground_rules: |
          - What is said here stays here.
    """,
}


@pytest.fixture
def places(records):
    """The valid tree plus venues (assessed, lapsed, never assessed, in-house, overheard) and a group."""
    for rel, text in VENUES.items():
        write(records / rel, text)
    return records


def one_to_one(records, *lines: str, day: str = "2025-06-02", setting: str = "community") -> str:
    """A one-to-one by amara-okafor with DK on ``day``, plus ``lines`` (top-level YAML) at the end."""
    rel = f"meetings/{day[:4]}/{day}-one-to-one-amara-okafor.yaml"
    extra = "".join(f"        {line}\n" for line in lines)
    write(records / rel, f"""
        date: {day}
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: {setting}
        duration_minutes: 60
""" + extra)
    return rel


def group_meeting(records, *lines: str, day: str = "2025-06-05", facilitators: str = "[amara-okafor, ben-shah]") -> str:
    rel = f"meetings/{day[:4]}/{day}-group-drop-in.yaml"
    write(records / rel, f"""
        date: {day}
        kind: group
        facilitators: {facilitators}
        setting: in-house
        duration_minutes: 90
""" + "".join(f"        {line}\n" for line in lines))
    return rel


def held(day: str = "2025-06-02") -> tuple[str, ...]:
    """A check-in, a check-out and a debrief on ``day``: what a held community meeting needs."""
    return ("lone_working:", '  checked_in: "10:00"', '  checked_out: "11:05"',
            "debrief:", f"  date: {day}", "  method: phone")


HELD_EXTRAS = held()
GROUP_EXTRAS = ("debrief:", "  date: 2025-06-05", "attendance: 7", "ground_rules_revisited: true")


def test_the_fixtures_pass_cleanly(places):
    one_to_one(places, "venue: canal-cafe", *HELD_EXTRAS)
    group_meeting(places, "group: drop-in", *GROUP_EXTRAS)
    exit_code, output = run_check(places)
    assert (exit_code, problems(output, places)) == (0, []), output


# --- planned and cancelled meetings ---------------------------------------------

def test_a_planned_meeting_may_be_dated_ahead_and_owes_nothing_yet(records):
    one_to_one(records, "status: planned", 'start: "10:30"', day="2025-07-04")
    exit_code, output = run_check(records)
    assert (exit_code, problems(output, records)) == (0, []), output


@pytest.mark.parametrize("status", ["held", "cancelled", None])
def test_only_a_planned_meeting_may_be_dated_ahead(records, status):
    rel = one_to_one(records, *([f"status: {status}"] if status else []), day="2025-07-04", setting="online")
    exit_code, output = run_check(records)
    p = only(output, records, "future-date")
    assert (p.path, p.line, p.severity) == (rel, 1, "error")
    assert "only a planned meeting may be dated ahead: set status: planned" in p.message
    assert exit_code == 1


def test_a_planned_meeting_whose_day_has_passed_is_to_be_updated(records):
    rel = one_to_one(records, "status: planned", day="2025-06-27")
    exit_code, output = run_check(records)
    p = only(output, records, "planned-overdue")  # and no lone-working or debrief warning: it is not held
    assert (p.path, p.line, p.column, p.severity) == (rel, 7, 1, "warning")
    assert "planned for 2025-06-27, which has passed; mark it held (peerkit held FILE" in p.message
    assert "or set status: cancelled" in p.message
    assert exit_code == 0


def test_a_planned_meeting_on_its_day_is_not_yet_late(records):
    one_to_one(records, "status: planned", day="2025-06-30")
    assert problems(run_check(records)[1], records) == []


def test_a_cancelled_meeting_owes_no_debrief_check_out_or_facilitator(records):
    one_to_one(records, "status: cancelled", day="2025-06-02")
    group_meeting(records, "status: cancelled", facilitators="[ben-shah]")
    exit_code, output = run_check(records)
    assert (exit_code, problems(output, records)) == (0, []), output


def test_a_held_meeting_still_owes_them(records):
    rel = one_to_one(records, "status: held")
    exit_code, output = run_check(records)
    assert sorted((p.code, p.path) for p in problems(output, records)) == [("lone-working", rel), ("no-debrief", rel)]


# --- lone working ------------------------------------------------------------------

def test_check_out_before_check_in_is_an_error(records):
    rel = one_to_one(records, "lone_working:", '  checked_in: "10:00"', '  checked_out: "09:50"',
                     "  with: coordinator", "debrief:", "  date: 2025-06-02")
    exit_code, output = run_check(records)
    p = only(output, records, "checkout-before-checkin")
    assert (p.path, p.line, p.column, p.severity) == (rel, 9, 3, "error")
    assert "checked out at 09:50, before checking in at 10:00; correct the time that is wrong" in p.message
    assert exit_code == 1
    # a meeting running past midnight checks out after it
    write(records / "meetings/2025/2025-06-02-one-to-one-amara-okafor.yaml", """
        date: 2025-06-02
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: community
        duration_minutes: 90
        lone_working:
          checked_in: "23:00"
          checked_out: "00:35"
        debrief:
          date: 2025-06-03
    """)
    assert problems(run_check(records)[1], records) == []


def test_an_escalation_is_a_warning_and_heads_due(records):
    rel = one_to_one(records, "lone_working:", '  checked_in: "10:00"', '  checked_out: "11:40"',
                     "  with: duty worker", "  escalated: true", "debrief:", "  date: 2025-06-02")
    exit_code, output = run_check(records)
    p = only(output, records, "escalated")
    assert (p.path, p.line, p.column, p.severity) == (rel, 11, 3, "warning")
    assert "lone working was escalated at this meeting; make sure the supporter is safe" in p.message
    code, text = run("due", records, "--as-of", "2025-06-30")
    assert "Lone-working escalations (1)\n  28 days ago " in text
    assert "Amara Okafor: lone working escalated at the one-to-one on 2025-06-02" in text


# --- debrief concerns and actions ----------------------------------------------------

def _debrief(concern: str, *actions: str) -> tuple[str, ...]:
    lines = ["debrief:", "  date: 2025-06-03", "  method: phone", f"  concern: {concern}",
             "  notes: Mentee talked about money worries."]
    if actions:
        lines.append("  actions:")
        lines += [f"    {line}" for line in actions]
    return ("lone_working:", '  checked_in: "10:00"', '  checked_out: "11:05"', *lines)


def _due_json(records) -> list[dict]:
    code, text = run("due", records, "--as-of", "2025-06-30", "--format", "json")
    assert code == 0, text
    return json.loads(text)


@pytest.mark.parametrize("concern", ["follow-up", "safeguarding"])
def test_a_concern_with_no_action_is_a_warning_and_heads_due(records, concern):
    rel = one_to_one(records, *_debrief(concern))
    exit_code, output = run_check(records)
    p = only(output, records, "concern-no-action")
    assert (p.path, p.line, p.column, p.severity) == (rel, 13, 3, "warning")
    assert f"{concern} concern with no action recorded; add debrief.actions" in p.message
    first = _due_json(records)[0]
    assert (first["category"], first["path"]) == ("concern", f"{records}/{rel}")
    assert first["message"] == (f"Amara Okafor: {concern} concern raised at the debrief of the one-to-one on "
                                f"2025-06-02; no action recorded yet")


def test_an_open_concern_stays_in_due_until_its_actions_are_done(records):
    rel = one_to_one(records, *_debrief("safeguarding",
                                        "- action: Talk to the safeguarding lead", "  due: 2025-06-04",
                                        "  done: 2025-06-04",
                                        "- action: Agree a safety plan", "  due: 2025-07-10"))
    exit_code, output = run_check(records)
    assert (exit_code, problems(output, records)) == (0, []), output
    items = _due_json(records)
    assert [i["category"] for i in items][:1] == ["concern"]
    assert items[0]["message"].endswith("; 1 of 2 actions still open")
    assert ("meeting-action", "Amara Okafor: 'Agree a safety plan' (agreed at the debrief of the one-to-one on "
            "2025-06-02) due 2025-07-10") in [(i["category"], i["message"]) for i in items]
    text = (records / rel).read_text().replace("  due: 2025-07-10", "  due: 2025-07-10\n      done: true")
    (records / rel).write_text(text)
    assert not {"concern", "meeting-action"} & {i["category"] for i in _due_json(records)}


@pytest.mark.parametrize("concern", ["none", "note", "monitor"])
def test_lesser_concerns_are_not_listed(records, concern):
    one_to_one(records, *_debrief(concern))
    assert "concern" not in [i["category"] for i in _due_json(records)]
    assert problems(run_check(records)[1], records) == []


def test_debrief_and_meeting_actions_overdue_are_warnings(records):
    rel = one_to_one(records, *_debrief("follow-up", "- action: Refer to housing advice", "  due: 2025-06-20"),
                     "actions:", "  - action: DK to book the clinic appointment", "    due: 2025-06-25",
                     "    done: false")
    exit_code, output = run_check(records)
    found = problems(output, records, "overdue-action")
    assert [(p.path, p.line, p.column) for p in found] == [(rel, 17, 7), (rel, 20, 5)], output
    assert "action 'Refer to housing advice' was due 2025-06-20 and is not done" in found[0].message
    assert exit_code == 0


# --- venues --------------------------------------------------------------------------

def test_an_unknown_venue_or_group_is_an_error_with_a_suggestion(places):
    rel = one_to_one(places, "venue: canal-caffe", *HELD_EXTRAS)
    group = group_meeting(places, "group: dropin", *GROUP_EXTRAS)
    write(places / "groups/womens.yaml", """
        id: womens
        title: Women's group
        venue: st-marys
    """)
    exit_code, output = run_check(places)
    found = [(p.path, p.line, p.column, p.code) for p in problems(output, places)]
    assert found == [("groups/womens.yaml", 3, 1, "unknown-venue"), (rel, 7, 1, "unknown-venue"),
                     (group, 6, 1, "unknown-group")], output
    messages = [p.message for p in problems(output, places)]
    assert messages[2].startswith("no group 'dropin' (no groups/dropin.yaml); did you mean 'drop-in'? known ids: ")
    assert messages[1].startswith("no venue 'canal-caffe' (no venues/canal-caffe.yaml); did you mean 'canal-cafe'?")
    assert exit_code == 1


def test_an_unknown_venue_in_a_tree_with_none(records):
    one_to_one(records, "venue: canal-cafe", *HELD_EXTRAS)
    p = only(run_check(records)[1], records, "unknown-venue")
    assert p.message.endswith("known ids: none yet (add venues/canal-cafe.yaml)")


def test_only_group_meetings_name_a_group(places):
    rel = one_to_one(places, "group: drop-in", *HELD_EXTRAS)
    p = only(run_check(places)[1], places, "invalid")
    assert (p.path, p.line) == (rel, 7)
    assert "only group meetings belong to a group" in p.message


@pytest.mark.parametrize("venue, day, words", [
    ("new-centre", "2025-06-02", "New Community Centre (venues/new-centre.yaml) had no risk assessment on 2025-06-02;"),
    ("old-library", "2025-06-02", "the risk assessment of Old Library (venues/old-library.yaml) lapsed on 2025-03-01, "
                                  "before this meeting on 2025-06-02"),
    ("canal-cafe", "2023-12-01", "The Canal Cafe (venues/canal-cafe.yaml) had no risk assessment on 2023-12-01 "
                                 "(first assessed 2024-01-08)"),
])
def test_a_community_venue_without_an_assessment_in_date(places, venue, day, words):
    rel = one_to_one(places, f"venue: {venue}", *held(day), day=day)
    if day < "2024":
        (places / "supporters/amara-okafor.yaml").write_text(
            (places / "supporters/amara-okafor.yaml").read_text().replace("joined: 2024-01-15", "joined: 2023-01-15"))
    exit_code, output = run_check(places)
    p = only(output, places, "venue-risk-assessment")
    assert (p.path, p.line, p.column, p.severity) == (rel, 7, 1, "warning")
    assert words in p.message
    assert exit_code == 0


@pytest.mark.parametrize("venue, day", [
    ("canal-cafe", "2025-06-02"),  # the latest assessment
    ("canal-cafe", "2024-06-02"),  # an earlier one, under previous
    ("hub", "2025-06-02"),  # in-house: the organisation's own premises
])
def test_an_assessment_in_date_or_an_in_house_venue_is_fine(places, venue, day):
    one_to_one(places, f"venue: {venue}", *held(day), day=day)
    assert problems(run_check(places)[1], places) == []


def test_a_planned_meeting_at_an_unassessed_venue_is_warned_ahead(places):
    rel = one_to_one(places, "status: planned", 'start: "14:00"', "venue: new-centre", day="2025-07-03")
    p = only(run_check(places)[1], places, "venue-risk-assessment")
    assert (p.path, p.line) == (rel, 9)


def test_a_group_meeting_at_its_groups_venue_points_at_the_group(places):
    (places / "groups/drop-in.yaml").write_text(
        (places / "groups/drop-in.yaml").read_text().replace("venue: hub", "venue: new-centre"))
    rel = group_meeting(places, "group: drop-in", *GROUP_EXTRAS)
    p = only(run_check(places)[1], places, "venue-risk-assessment")
    assert (p.path, p.line) == (rel, 6)


def test_a_one_to_one_where_it_can_be_overheard(places):
    rel = one_to_one(places, "venue: hospital-cafe", *HELD_EXTRAS)
    p = only(run_check(places)[1], places, "venue-overheard")
    assert (p.path, p.line, p.severity) == (rel, 7, "warning")
    assert "Hospital cafe (venues/hospital-cafe.yaml) is marked overheard" in p.message
    group_meeting(places, "venue: hospital-cafe", "group: drop-in", *GROUP_EXTRAS)
    assert [p.code for p in problems(run_check(places)[1], places)] == ["venue-overheard"]  # a group may meet there


def test_a_venue_id_is_its_file_name(places):
    write(places / "venues/canal.yaml", "id: canal-cafe\nname: Canal\nsetting: community\n")
    found = [(p.path, p.line, p.code) for p in problems(run_check(places)[1], places)]
    assert found == [("venues/canal.yaml", 1, "duplicate-id"), ("venues/canal.yaml", 1, "id-mismatch")]


# --- groups -------------------------------------------------------------------------

@pytest.mark.parametrize("line, words", [
    ("ground_rules_revisited: false", "ground rules not revisited at this group"),
    (None, "ground rules not recorded as revisited at this group"),
])
def test_ground_rules_are_revisited_at_every_group(places, line, words):
    rel = group_meeting(places, "group: drop-in", "debrief:", "  date: 2025-06-05", "attendance: 7",
                        *([line] if line else []))
    exit_code, output = run_check(places)
    p = only(output, places, "ground-rules")
    assert (p.path, p.line, p.severity) == (rel, 10 if line else 1, "warning")
    assert words in p.message and "record ground_rules_revisited: true" in p.message


def test_attendance_is_recorded(places):
    rel = group_meeting(places, "group: drop-in", "debrief:", "  date: 2025-06-05", "ground_rules_revisited: true")
    p = only(run_check(places)[1], places, "no-attendance")
    assert (p.path, p.line, p.severity) == (rel, 1, "warning")
    assert "no attendance recorded for this group; add attendance" in p.message


def test_a_planned_group_owes_nothing_yet(places):
    group_meeting(places, "status: planned", "group: drop-in", facilitators="[ben-shah]", day="2025-07-03")
    assert problems(run_check(places)[1], places) == []


def test_a_group_needs_the_facilitators_it_says(places):
    (places / "groups/drop-in.yaml").write_text(
        (places / "groups/drop-in.yaml").read_text() + "facilitators_needed: 3\n")
    rel = group_meeting(places, "group: drop-in", *GROUP_EXTRAS)
    p = only(run_check(places)[1], places, "one-facilitator")
    assert (p.path, p.line) == (rel, 3)
    assert p.message == "group run by 2 facilitators; its group needs 3 (facilitators_needed)"
    (places / "groups/drop-in.yaml").write_text(
        (places / "groups/drop-in.yaml").read_text().replace("facilitators_needed: 3", "facilitators_needed: 1"))
    group_meeting(places, "group: drop-in", *GROUP_EXTRAS, facilitators="[ben-shah]")
    assert problems(run_check(places)[1], places) == []


# --- privacy -------------------------------------------------------------------------

@pytest.mark.parametrize("rel, text, line, field", [
    ("venues/hub.yaml", "id: hub\nname: Our hub\nsetting: in-house\nnotes: Ask for Jo on 07700 900123.\n",
     4, "notes"),
    ("venues/hub.yaml", "id: hub\nname: Our hub\nsetting: community\nrisk_assessment:\n  date: 2025-01-01\n"
     "  by: jo.hill@example.org\n", 6, "risk_assessment.by"),
    ("groups/drop-in.yaml", "id: drop-in\ntitle: Drop-in\ncomplaints_contact: complaints@example.org\n",
     3, "complaints_contact"),
    ("groups/drop-in.yaml", "id: drop-in\ntitle: Drop-in\nground_rules: |\n  - Call 020 7946 0958 if you are late.\n",
     3, "ground_rules"),
])
def test_venues_and_groups_hold_no_contact_details(records, rel, text, line, field):
    write(records / rel, text)
    exit_code, output = run_check(records)
    p = only(output, records, "personal-data")
    assert (p.path, p.line, p.severity) == (rel, line, "error")
    assert p.message.startswith(f"{field} contains ")
    assert exit_code == 1


def test_lone_working_with_and_debrief_actions_hold_no_contact_details(records):
    rel = one_to_one(records, "lone_working:", '  checked_in: "10:00"', '  checked_out: "11:00"',
                     "  with: 07700 900123", "debrief:", "  date: 2025-06-02",
                     "  actions:", "    - action: Email dk@example.org the leaflet")
    found = [(p.path, p.line, p.code) for p in problems(run_check(records)[1], records)]
    assert found == [(rel, 10, "personal-data"), (rel, 14, "personal-data")]


@pytest.mark.parametrize("code, lines", [
    ("escalated", ("lone_working:", '  checked_in: "10:00"', '  checked_out: "11:40"', "  escalated: true",
                   "debrief:", "  date: 2025-06-02")),
    ("planned-overdue", ("status: planned",)),
    ("concern-no-action", _debrief("follow-up")),
])
def test_acknowledging_the_warning_settles_it_in_due(records, code, lines):
    rel = one_to_one(records, *lines, day="2025-06-02")
    category = {"escalated": "escalation", "planned-overdue": "planned", "concern-no-action": "concern"}[code]
    assert category in [i["category"] for i in _due_json(records)]
    with (records / rel).open("a") as f:
        f.write(f"acknowledged:\n  - code: {code}\n    reason: Followed up by phone.\n    by: Jo Hill\n"
                f"    date: 2025-06-20\n")
    exit_code, output = run_check(records, "--strict")
    assert exit_code == 0 and [p.code for p in problems(output, records)] == ["acknowledged"], output
    assert category not in [i["category"] for i in _due_json(records)]


def test_a_debrief_action_done_before_the_debrief_is_an_error(records):
    rel = one_to_one(records, *_debrief("follow-up", "- action: Refer to housing advice", "  due: 2025-06-20",
                                        "  done: 2025-06-01"))
    exit_code, output = run_check(records)
    p = only(output, records, "before-session")
    assert (p.path, p.line, p.column, p.severity) == (rel, 18, 7, "error")
    assert "marked done on 2025-06-01, before the debrief on 2025-06-03 that agreed it" in p.message
    assert exit_code == 1
