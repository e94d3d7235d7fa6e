"""``peerkit export``: CSV read back with the csv module; nothing that identifies a mentee."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from conftest import AMARA, BEN, make_records, run

MENTEE = "QZ-7781"  # unique, so any leak of it is found


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_records(tmp_path / "records", {
        "supporters/amara-okafor.yaml": AMARA,
        "supporters/ben-shah.yaml": BEN,
        # An older-style file name that holds the mentee's code.
        "meetings/2025/2025-03-04-one-to-one-qz-7781.yaml": f"""
            date: 2025-03-04
            kind: one-to-one
            supporter: amara-okafor
            mentee: "{MENTEE}"
            setting: in-house
            duration_minutes: 60
            topic: Talked about {MENTEE}'s housing
            debrief:
              date: 2025-03-05
              notes: {MENTEE} is doing well
            notes: Met {MENTEE} at the clinic.
        """,
        "meetings/2025/2025-03-20-one-to-one-amara-okafor.yaml": """
            date: 2025-03-20
            kind: one-to-one
            supporter: amara-okafor
            mentee: RB
            setting: telephone
            duration_minutes: 45
        """,
        "meetings/2025/2025-03-10-group-wellbeing.yaml": """
            date: 2025-03-10
            kind: group
            facilitators: [amara-okafor, ben-shah]
            setting: in-house
            duration_minutes: 90
            attendance: 8
            debrief:
              date: 2025-03-10
        """,
        "meetings/2025/2025-04-02-coordinator-ben-shah.yaml": """
            date: 2025-04-02
            kind: coordinator-one-to-one
            supporter: ben-shah
            setting: online
            duration_minutes: 30
        """,
        "supervision/2025/2025-03-20-clinical-amara-okafor.yaml": """
            date: 2025-03-20
            supporter: amara-okafor
            type: clinical
            supervisor: Jo Hill
            duration_minutes: 60
            focus: [reflection, development]
            notes: Private supervision notes.
            actions:
              - action: Read the policy
                done: true
              - action: Book training
        """,
        "cpd/amara-okafor/2025-04-10-safeguarding.yaml": """
            supporter: amara-okafor
            date: 2025-04-10
            title: Safeguarding adults
            type: e-learning
            provider: Riverside Trust
            hours: 2.5
            competencies: [listening, boundaries]
            reflection: Private reflection.
        """,
        "cpd/ben-shah/2025-04-20-reading.yaml": """
            supporter: ben-shah
            date: 2025-04-20
            title: Boundaries reading
            type: reading
            hours: 1
        """,
    })


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_export_meetings_has_one_row_per_meeting_and_no_mentee(root: Path) -> None:
    result = run("export", "meetings", root)
    with_paths = run("export", "meetings", root, "--with-paths")

    assert result.exit_code == 0, result.output
    for output in (result.output, with_paths.output):
        assert MENTEE.lower() not in output.lower()
        assert "housing" not in output and "doing well" not in output and "clinic" not in output
    table = rows(result.output)
    assert list(table[0]) == ["date", "kind", "supporters", "setting", "duration_minutes", "attendance", "debriefed"]
    assert table == [
        {"date": "2025-03-04", "kind": "one-to-one", "supporters": "amara-okafor", "setting": "in-house",
         "duration_minutes": "60", "attendance": "", "debriefed": "yes"},
        {"date": "2025-03-10", "kind": "group", "supporters": "amara-okafor; ben-shah", "setting": "in-house",
         "duration_minutes": "90", "attendance": "8", "debriefed": "yes"},
        {"date": "2025-03-20", "kind": "one-to-one", "supporters": "amara-okafor", "setting": "telephone",
         "duration_minutes": "45", "attendance": "", "debriefed": "no"},
        {"date": "2025-04-02", "kind": "coordinator-one-to-one", "supporters": "ben-shah", "setting": "online",
         "duration_minutes": "30", "attendance": "", "debriefed": "no"},
    ]
    # Paths only when asked for, and where a file name holds the mentee's code, it says "mentee".
    assert [row["path"] for row in rows(with_paths.output)] == [
        "meetings/2025/2025-03-04-one-to-one-mentee.yaml", "meetings/2025/2025-03-10-group-wellbeing.yaml",
        "meetings/2025/2025-03-20-one-to-one-amara-okafor.yaml", "meetings/2025/2025-04-02-coordinator-ben-shah.yaml"]


def test_export_supporters_supervision_and_cpd(root: Path) -> None:
    supporters = rows(run("export", "supporters", root).output)
    supervision = rows(run("export", "supervision", root, "--with-text").output)
    cpd_text = run("export", "cpd", root).output

    assert [(s["id"], s["name"], s["status"], s["roles"]) for s in supporters] == [
        ("amara-okafor", "Amara Okafor", "active", "one-to-one; group"),
        ("ben-shah", "Ben Shah", "active", "group; telephone")]
    [session] = supervision
    assert session["focus"] == "reflection; development"
    assert (session["actions"], session["open_actions"], session["supervisor"]) == ("2", "1", "Jo Hill")
    assert "Private" not in cpd_text
    assert [(c["date"], c["supporter"], c["hours"], c["competencies"]) for c in rows(cpd_text)] == [
        ("2025-04-10", "amara-okafor", "2.5", "listening; boundaries"), ("2025-04-20", "ben-shah", "1", "")]


def test_export_aggregate_month_counts_and_hours_per_kind(root: Path) -> None:
    meetings = run("export", "meetings", root, "--aggregate", "month", "--no-suppress")
    cpd = run("export", "cpd", root, "--aggregate", "month", "--no-suppress")

    assert meetings.exit_code == 0, meetings.output
    assert list(csv.reader(io.StringIO(meetings.output))) == [
        ["month", "kind", "count", "hours"],
        ["2025-03", "one-to-one", "2", "1.75"],
        ["2025-03", "group", "1", "1.5"],
        ["2025-04", "coordinator-one-to-one", "1", "0.5"],
    ]
    assert list(csv.reader(io.StringIO(cpd.output))) == [
        ["month", "type", "count", "hours"],
        ["2025-04", "e-learning", "1", "2.5"],
        ["2025-04", "reading", "1", "1"],
    ]
    assert "amara" not in meetings.output + cpd.output


def test_export_aggregate_refuses_supporters(root: Path) -> None:
    result = run("export", "supporters", root, "--aggregate", "month")

    assert result.exit_code == 2
    assert "--aggregate month works for meetings, supervision, cpd, matches, not supporters" in result.output


def test_export_to_a_file_is_the_same_csv_and_deterministic(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "meetings.csv"

    result = run("export", "meetings", root, "-o", out)

    assert result.exit_code == 0
    assert out.read_bytes() == run("export", "meetings", root).stdout_bytes
    assert out.read_bytes().count(b"\r\n") == 5  # header + 4 rows, RFC 4180 line ends


def test_export_refuses_records_with_errors(root: Path) -> None:
    (root / "supporters/ben-shah.yaml").write_text("id: ben-shah\nname: Ben\n", encoding="utf-8")

    result = run("export", "meetings", root)

    assert result.exit_code == 1
    assert "missing required field 'status'" in result.output
    assert "error: export refused" in result.output
