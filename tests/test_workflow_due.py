"""``peerkit due`` on hand-made records with known overdue and coming-up items."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AMARA, AS_OF, make_records, programme, run, write


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Known dates on 2025-06-30, with --within 30 (horizon 2025-07-30):

    Amara: last supervision 2025-04-01 + 42 days -> due 2025-05-13, 48 days overdue;
    lone working done 2024-07-15, renewed every 12 months -> expires 2025-07-15, in 15 days;
    safeguarding done 2025-01-10 (36 months) -> valid, not listed;
    actions due 2025-06-01 (29 days overdue), 2025-07-10 (in 10 days), 2025-09-01 (too far), one done;
    one-to-one on 2025-06-20 without debrief -> due 2025-06-22, 8 days overdue;
    one-to-one on 2025-06-29 without debrief -> still within 2 days, not listed.
    Ben: joined 2025-05-01, never supervised -> due 2025-06-12, 18 days overdue; no training.
    Cleo: left -> owed nothing.
    Promises (issue 14): Ben has no signed supervision agreement (Amara's was reviewed 2025-01-28); the notes of
    Amara's session on 2025-04-01 were never copied to her (due within 14 days: 76 days overdue);
    coordinator one-to-ones every 61 days from joining: Amara's 471 days overdue, Ben's in 1 day.
    """
    return make_records(tmp_path / "records", {
        "programme.yaml": programme(mandatory_training=[
            {"id": "safeguarding", "title": "Safeguarding adults", "renew_every_months": 36},
            {"id": "lone-working", "title": "Lone working", "renew_every_months": 12},
        ]),
        "supporters/amara-okafor.yaml": AMARA,
        "supporters/ben-shah.yaml": """
            id: ben-shah
            name: Ben Shah
            status: active
            joined: 2025-05-01
        """,
        "supporters/cleo-li.yaml": """
            id: cleo-li
            name: Cleo Li
            status: left
            joined: 2024-01-01
            left: 2024-06-01
        """,
        "supervision/2025/2025-04-01-clinical-amara-okafor.yaml": """
            date: 2025-04-01
            supporter: amara-okafor
            type: clinical
            supervisor: Jo Hill
            focus: [reflection]
            actions:
              - action: Book the lone working refresher
                due: 2025-06-01
              - action: Read the boundaries policy
                due: 2025-07-10
              - action: Shadow a group session
                due: 2025-09-01
              - action: Sign the supervision agreement
                due: 2025-04-15
                done: 2025-04-10
        """,
        "cpd/amara-okafor/2024-07-15-lone-working.yaml": """
            supporter: amara-okafor
            date: 2024-07-15
            title: Lone working
            type: workshop
            hours: 3
            mandatory: lone-working
        """,
        "cpd/amara-okafor/2025-01-10-safeguarding.yaml": """
            supporter: amara-okafor
            date: 2025-01-10
            title: Safeguarding adults
            type: e-learning
            hours: 2
            mandatory: safeguarding
        """,
        "meetings/2025/2025-06-20-one-to-one-amara-okafor.yaml": """
            date: 2025-06-20
            kind: one-to-one
            supporter: amara-okafor
            mentee: DK
            setting: in-house
            duration_minutes: 60
        """,
        "meetings/2025/2025-06-29-one-to-one-amara-okafor.yaml": """
            date: 2025-06-29
            kind: one-to-one
            supporter: amara-okafor
            mentee: RB
            setting: in-house
            duration_minutes: 60
        """,
    })


def test_due_json_lists_each_known_item(root: Path) -> None:
    result = run("due", root, "--as-of", AS_OF, "--format", "json")

    assert result.exit_code == 0, result.output
    r = root.as_posix()
    assert json.loads(result.output) == [
        {"category": "supervision", "supporter": "amara-okafor", "due": "2025-05-13", "days": -48,
         "message": "Amara Okafor: supervision due 2025-05-13 (last on 2025-04-01)",
         "path": f"{r}/supporters/amara-okafor.yaml"},
        {"category": "supervision", "supporter": "ben-shah", "due": "2025-06-12", "days": -18,
         "message": "Ben Shah: supervision due 2025-06-12 (never supervised)",
         "path": f"{r}/supporters/ben-shah.yaml"},
        {"category": "agreement", "supporter": "ben-shah", "due": None, "days": None,
         "message": "Ben Shah: no signed supervision agreement", "path": f"{r}/supporters/ben-shah.yaml"},
        {"category": "copy", "supporter": "amara-okafor", "due": "2025-04-15", "days": -76,
         "message": "Amara Okafor: no copy given of the notes of clinical supervision on 2025-04-01",
         "path": f"{r}/supervision/2025/2025-04-01-clinical-amara-okafor.yaml"},
        {"category": "one-to-one", "supporter": "amara-okafor", "due": "2024-03-16", "days": -471,
         "message": "Amara Okafor: one-to-one with the coordinator due 2024-03-16 (none yet)",
         "path": f"{r}/supporters/amara-okafor.yaml"},
        {"category": "one-to-one", "supporter": "ben-shah", "due": "2025-07-01", "days": 1,
         "message": "Ben Shah: one-to-one with the coordinator due 2025-07-01 (none yet)",
         "path": f"{r}/supporters/ben-shah.yaml"},
        {"category": "training", "supporter": "ben-shah", "due": None, "days": None,
         "message": "Ben Shah: Lone working never done", "path": f"{r}/supporters/ben-shah.yaml"},
        {"category": "training", "supporter": "ben-shah", "due": None, "days": None,
         "message": "Ben Shah: Safeguarding adults never done", "path": f"{r}/supporters/ben-shah.yaml"},
        {"category": "training", "supporter": "amara-okafor", "due": "2025-07-15", "days": 15,
         "message": "Amara Okafor: Lone working expires on 2025-07-15",
         "path": f"{r}/cpd/amara-okafor/2024-07-15-lone-working.yaml"},
        {"category": "action", "supporter": "amara-okafor", "due": "2025-06-01", "days": -29,
         "message": "Amara Okafor: 'Book the lone working refresher' (agreed in supervision on 2025-04-01) "
                    "due 2025-06-01",
         "path": f"{r}/supervision/2025/2025-04-01-clinical-amara-okafor.yaml"},
        {"category": "action", "supporter": "amara-okafor", "due": "2025-07-10", "days": 10,
         "message": "Amara Okafor: 'Read the boundaries policy' (agreed in supervision on 2025-04-01) "
                    "due 2025-07-10",
         "path": f"{r}/supervision/2025/2025-04-01-clinical-amara-okafor.yaml"},
        {"category": "debrief", "supporter": "amara-okafor", "due": "2025-06-22", "days": -8,
         "message": "Amara Okafor: no debrief after the one-to-one meeting on 2025-06-20",
         "path": f"{r}/meetings/2025/2025-06-20-one-to-one-amara-okafor.yaml"},
    ]


def test_due_text_groups_items_under_headings(root: Path) -> None:
    result = run("due", root, "--as-of", AS_OF)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    headings = [line for line in lines if line and not line.startswith(" ") and "(" in line and ":" not in line]
    assert headings == ["Supervision (2)", "Supervision agreements (1)", "Copies of supervision notes (1)",
                        "One-to-ones with the coordinator (2)", "Mandatory training (3)", "Supervision actions (2)",
                        "Debriefs (1)"]
    text = "\n".join(" ".join(line.split()) for line in lines)
    assert "48 days overdue Amara Okafor: supervision due 2025-05-13 (last on 2025-04-01)" in text
    assert "in 15 days Amara Okafor: Lone working expires on 2025-07-15" in text
    assert "29 days overdue Amara Okafor: 'Book the lone working refresher'" in text
    assert "in 10 days Amara Okafor: 'Read the boundaries policy'" in text
    assert "never done Ben Shah: Safeguarding adults never done" in text
    assert "8 days overdue Amara Okafor: no debrief after the one-to-one meeting on 2025-06-20" in text
    assert "Shadow a group session" not in text and "Cleo Li" not in text and "2025-06-29" not in text
    assert lines[-1] == "9 overdue, 3 due within 30 days"


def test_due_within_widens_and_narrows_the_window(root: Path) -> None:
    narrow = json.loads(run("due", root, "--as-of", AS_OF, "--within", "0", "--format", "json").output)
    wide = json.loads(run("due", root, "--as-of", AS_OF, "--within", "90", "--format", "json").output)

    assert all(item["days"] is None or item["days"] <= 0 for item in narrow)
    assert len(narrow) == 9
    assert "Amara Okafor: 'Shadow a group session' (agreed in supervision on 2025-04-01) due 2025-09-01" in [
        item["message"] for item in wide]


def test_due_is_coloured_only_on_a_terminal(root: Path) -> None:
    coloured = run("due", root, "--as-of", AS_OF, color=True)
    piped = subprocess.run([sys.executable, "-m", "peerkit", "due", str(root), "--as-of", AS_OF],
                           capture_output=True, text=True, check=True)

    assert "\x1b[31m" in coloured.output  # overdue in red when colour is on
    assert "Supervision (2)" in piped.stdout
    assert "\x1b" not in piped.stdout


def test_due_with_nothing_due_says_so(tmp_path: Path) -> None:
    root = make_records(tmp_path / "records", {})

    result = run("due", root, "--as-of", AS_OF)

    assert result.exit_code == 0
    assert result.output == "Nothing overdue or due within 30 days (as of 2025-06-30).\n"


def test_due_reports_the_rest_when_a_record_has_errors(root: Path) -> None:
    write(root / "supporters/ben-shah.yaml", "id: ben-shah\nname: Ben Shah\nstatus: sleeping\njoined: 2025-05-01\n")

    result = run("due", root, "--as-of", AS_OF)

    assert result.exit_code == 1
    assert "ben-shah.yaml:3:1: error: bad-value status is 'sleeping'" in result.output
    assert "left out 1 file with errors" in result.output and "ben-shah.yaml" in result.output
    assert "Amara Okafor: supervision due 2025-05-13" in result.output  # one typo hides nothing else
