"""`peerkit new meeting --planned` and `peerkit held FILE`, through the real CLI.

`held` is a small in-place edit: the tests compare whole files byte for byte,
so a lost comment, a reordered field or a changed line ending fails them.
"""

from __future__ import annotations

import os

import pytest

from conftest import problems, run, run_check, write

PLANNED = "meetings/2025/2025-07-03-one-to-one-amara-okafor.yaml"
PLANNED_TEXT = (
    "date: 2025-07-03\n"
    "status: planned   # booked by phone\n"
    "kind: one-to-one\n"
    "supporter: amara-okafor\n"
    'mentee: "DK"\n'
    "setting: community\n"
    'start: "10:30"\n'
    "duration_minutes: 60\n"
    "# what they will talk about\n"
    "topic: Clinic appointments\n"
    "\n"
    "# after the meeting\n"
    "notes: |\n"
    "  Bring the leaflet.\n"
)


def held(records, *args: str, as_of: str = "2025-07-04", file: str = PLANNED) -> tuple[int, str]:
    return run("held", records / file, "--as-of", as_of, *args)


@pytest.fixture
def planned(records):
    (records / PLANNED).parent.mkdir(parents=True, exist_ok=True)
    (records / PLANNED).write_bytes(PLANNED_TEXT.encode())
    return records


# --- peerkit new meeting --planned ------------------------------------------------

def test_new_planned_meeting_may_be_dated_ahead(records):
    code, out = run("new", "meeting", records, "--planned", "--date", "2099-01-05", "--start", "10:30",
                    "--kind", "one-to-one", "--supporter", "amara-okafor", "--mentee", "DK",
                    "--setting", "community", "--duration", "60", "--with", "coordinator")
    assert code == 0, out
    path = records / "meetings/2099/2099-01-05-one-to-one-amara-okafor.yaml"
    assert out.splitlines()[-1] == path.as_posix()
    assert path.read_text() == ("date: 2099-01-05\nstatus: planned\nkind: one-to-one\nsupporter: amara-okafor\n"
                                'mentee: "DK"\nsetting: community\nstart: "10:30"\nduration_minutes: 60\n'
                                "lone_working:\n  with: coordinator\n")
    exit_code, output = run_check(records, as_of=None)
    rel = path.relative_to(records).as_posix()
    assert (exit_code, [p for p in problems(output, records) if p.path == rel]) == (0, []), output


def test_new_planned_group_is_named_after_its_group(records):
    write(records / "groups/drop-in.yaml", "id: drop-in\ntitle: Drop-in\n")
    code, out = run("new", "meeting", records, "--planned", "--date", "2099-01-07", "--kind", "group",
                    "--group", "drop-in", "--facilitator", "amara-okafor", "--facilitator", "ben-shah",
                    "--setting", "in-house", "--duration", "90")
    assert code == 0, out
    assert out.splitlines()[-1].endswith("meetings/2099/2099-01-07-group-drop-in.yaml")


def test_new_meeting_dated_ahead_without_planned_is_refused(records):
    code, out = run("new", "meeting", records, "--date", "2099-01-05", "--kind", "one-to-one",
                    "--supporter", "amara-okafor", "--mentee", "DK", "--setting", "online", "--duration", "60")
    assert code == 1
    assert "future-date: date 2099-01-05 is after" in out and "(peerkit new meeting --planned)" in out
    assert not (records / "meetings/2099").exists()


def test_new_planned_meeting_takes_no_check_out_and_a_real_time(records):
    base = ("new", "meeting", records, "--planned", "--date", "2099-01-05", "--kind", "one-to-one",
            "--supporter", "amara-okafor", "--mentee", "DK", "--setting", "community", "--duration", "60")
    code, out = run(*base, "--checked-out", "11:00")
    assert code == 2 and "recorded once the meeting is held: peerkit held FILE" in out
    code, out = run(*base, "--start", "25:00")
    assert code == 2 and "'25:00' is not a time; type HH:MM on the 24-hour clock" in out
    code, out = run(*base, "--venue", "canal-cafe")
    assert code == 1 and "unknown-venue: no venue 'canal-cafe'" in out
    assert not (records / "meetings/2099").exists()


# --- peerkit held ----------------------------------------------------------------------

def test_held_edits_only_what_it_must_keeping_comments_order_and_line_ends(planned):
    crlf = PLANNED_TEXT.replace("\n", "\r\n").encode()
    (planned / PLANNED).write_bytes(crlf)
    code, out = held(planned, "--checked-in", "10:25", "--checked-out", "11:40", "--with", "duty worker",
                     "--debrief-method", "phone", "--concern", "monitor", "--debrief-notes", "Tired but OK.")
    assert code == 0, out
    assert out.splitlines()[-1] == (planned / PLANNED).as_posix()
    expected = PLANNED_TEXT.replace("status: planned   #", "status: held   #").replace(
        "topic: Clinic appointments\n",
        'topic: Clinic appointments\nlone_working:\n  checked_in: "10:25"\n  checked_out: "11:40"\n'
        "  with: duty worker\ndebrief:\n  date: 2025-07-04\n  method: phone\n  concern: monitor\n"
        "  notes: Tired but OK.\n")
    assert (planned / PLANNED).read_bytes() == expected.replace("\n", "\r\n").encode()
    exit_code, output = run_check(planned, as_of="2025-07-04")
    assert (exit_code, problems(output, planned)) == (0, []), output


def test_held_adds_to_a_block_already_there_in_schema_order(planned):
    text = PLANNED_TEXT.replace("topic: Clinic appointments\n",
                                "topic: Clinic appointments\nlone_working:\n    with: coordinator  # Jo\n")
    (planned / PLANNED).write_text(text)
    code, out = held(planned, "--checked-in", "10:25", "--checked-out", "11:40", "--debrief-date", "2025-07-03")
    assert code == 0, out
    assert (planned / PLANNED).read_text() == text.replace("status: planned", "status: held").replace(
        "lone_working:\n", 'lone_working:\n    checked_in: "10:25"\n    checked_out: "11:40"\n').replace(
        "  # Jo\n", "  # Jo\ndebrief:\n  date: 2025-07-03\n")  # a new block: two spaces, as peerkit writes


def test_held_group_records_attendance_and_ground_rules(records):
    rel = "meetings/2025/2025-07-03-group-drop-in.yaml"
    text = ("date: 2025-07-03\nstatus: planned\nkind: group\nfacilitators: [amara-okafor, ben-shah]\n"
            "setting: in-house\nduration_minutes: 90\n")
    write(records / rel, text)
    code, out = held(records, "--attendance", "9", "--ground-rules", "--debrief-method", "in-person", file=rel)
    assert code == 0, out
    assert (records / rel).read_text() == text.replace("planned", "held") + (
        "debrief:\n  date: 2025-07-04\n  method: in-person\nattendance: 9\nground_rules_revisited: true\n")
    assert problems(run_check(records, as_of="2025-07-04")[1], records) == []


def test_held_prints_the_warnings_left_at_their_lines(planned):
    code, out = held(planned, "--checked-in", "10:25", "--checked-out", "11:40", "--concern", "safeguarding")
    assert code == 0, out
    [p] = problems(out, planned)
    assert (p.path, p.line, p.code) == (PLANNED, 16, "concern-no-action")


@pytest.mark.parametrize("args, as_of, code, line, words", [
    (("--checked-in", "10:25", "--checked-out", "10:05"), "2025-07-04", "checkout-before-checkin", 13,
     "checked out at 10:05, before checking in at 10:25"),
    (("--checked-in", "10:25"), "2025-07-02", "future-date", 1,
     "this meeting is planned for 2025-07-03, after today (2025-07-02); mark it held on or after its day"),
])
def test_held_refuses_an_edit_check_would_reject(planned, args, as_of, code, line, words):
    before = (planned / PLANNED).read_bytes()
    exit_code, out = held(planned, *args, as_of=as_of)
    assert exit_code == 1
    [p] = problems(out, planned)
    assert (p.path, p.line, p.severity, p.code) == (PLANNED, line, "error", code)
    assert words in p.message
    assert out.splitlines()[-1] == f"error: held refused; nothing was written ({planned / PLANNED} is unchanged)"
    assert (planned / PLANNED).read_bytes() == before


def test_held_only_marks_a_planned_meeting(records):
    rel = "meetings/2025/2025-03-04-one-to-one-dk.yaml"
    before = (records / rel).read_bytes()
    code, out = held(records, file=rel)
    [p] = problems(out, records)
    assert (code, p.path, p.line, p.code) == (1, rel, 1, "not-planned")
    assert "this meeting is held (the default), not planned" in p.message
    code, out = held(records, file="supporters/ben-shah.yaml")
    [p] = problems(out, records)
    assert (code, p.path, p.line, p.code) == (1, "supporters/ben-shah.yaml", 1, "not-planned")
    assert "not a meeting record" in p.message
    assert (records / rel).read_bytes() == before


def test_held_refuses_what_it_cannot_edit_safely(planned):
    text = PLANNED_TEXT.replace("topic: Clinic appointments\n",
                                "topic: Clinic appointments\nlone_working: {with: coordinator}\n")
    (planned / PLANNED).write_text(text)
    code, out = held(planned, "--checked-in", "10:25")
    [p] = problems(out, planned)
    assert (code, p.line, p.code) == (1, 11, "cannot-edit")
    assert "lone_working is written on one line; write it as an indented block" in p.message
    assert (planned / PLANNED).read_text() == text


def test_held_does_not_write_through_a_link(planned, tmp_path):
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_bytes((planned / PLANNED).read_bytes())
    link = planned / "meetings/2025/2025-07-03-one-to-one-link.yaml"
    os.symlink(elsewhere, link)
    code, out = run("held", link, "--as-of", "2025-07-04", "--checked-in", "10:00")
    assert code == 1 and "not-planned" in out
    assert elsewhere.read_bytes() == PLANNED_TEXT.encode()


def test_held_with_no_planned_file_or_a_bad_value_is_a_usage_error(planned):
    code, out = run("held", planned / "meetings/2025/none.yaml")
    assert code == 2 and "does not exist" in out
    code, out = held(planned, "--checked-in", "25:00")
    assert code == 2 and "'25:00' is not a time; type HH:MM on the 24-hour clock" in out
    code, out = held(planned, "--concern", "urgent")
    assert code == 2 and "'urgent' is not one of 'none', 'note', 'monitor', 'follow-up', 'safeguarding'" in out


def test_exports_count_held_meetings_only(planned):
    write(planned / "meetings/2025/2025-05-06-one-to-one-ben-shah.yaml", """
        date: 2025-05-06
        status: cancelled
        kind: one-to-one
        supporter: ben-shah
        mentee: RB
        setting: telephone
        duration_minutes: 45
    """)
    rows = run("export", "meetings", planned)[1].splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["2025-03-04", "2025-03-10", "2025-03-12"]
    months = run("export", "meetings", planned, "--aggregate", "month", "--no-suppress")[1].splitlines()
    assert months[1:] == ["2025-03,one-to-one,1,1", "2025-03,group,1,1.5", "2025-03,coordinator-one-to-one,1,0.5"]
