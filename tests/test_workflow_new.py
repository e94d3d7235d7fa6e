"""``peerkit new``: a valid record at its canonical path, never overwriting."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import AMARA, AS_OF, BEN, make_records, run, snapshot


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_records(tmp_path / "records", {
        "supporters/amara-okafor.yaml": AMARA,
        "supporters/ben-shah.yaml": BEN,
    })


def check_passes(root: Path) -> None:
    result = run("check", root, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert ": error:" not in result.output


def test_new_meeting_writes_the_canonical_file_in_schema_order(root: Path) -> None:
    result = run("new", "meeting", root, "--date", "2025-03-04", "--kind", "one-to-one",
                 "--supporter", "amara-okafor", "--mentee", "NO", "--setting", "community",
                 "--duration", "60", "--checked-out", "11:05", "--checked-in", "10:00")

    assert result.exit_code == 0, result.output
    path = root / "meetings/2025/2025-03-04-one-to-one-amara-okafor.yaml"
    assert result.stdout.strip() == path.as_posix()
    # check's warnings about the new file go to stderr: a meeting from the past needs its debrief
    assert "warning: no-debrief no debrief recorded for this one-to-one meeting" in result.stderr
    # Mentee and times quoted: unquoted, YAML 1.1 reads NO as false and 10:00 as 600.
    assert path.read_text(encoding="utf-8") == (
        "date: 2025-03-04\n"
        "kind: one-to-one\n"
        "supporter: amara-okafor\n"
        'mentee: "NO"\n'
        "setting: community\n"
        "duration_minutes: 60\n"
        "lone_working:\n"
        '  checked_in: "10:00"\n'
        '  checked_out: "11:05"\n'
    )
    check_passes(root)


def test_new_group_meeting_lists_facilitators(root: Path) -> None:
    result = run("new", "meeting", root, "--date", "2025-03-10", "--kind", "group", "--facilitator", "amara-okafor",
                 "--facilitator", "ben-shah", "--setting", "in-house", "--duration", "90",
                 "--topic", "Living well", "--attendance", "8")

    assert result.exit_code == 0, result.output
    path = root / "meetings/2025/2025-03-10-group-living-well.yaml"
    assert path.read_text(encoding="utf-8") == (
        "date: 2025-03-10\nkind: group\nfacilitators: [amara-okafor, ben-shah]\n"
        "setting: in-house\nduration_minutes: 90\ntopic: Living well\nattendance: 8\n"
    )
    check_passes(root)


def test_new_never_overwrites_a_second_meeting_on_the_same_day_gets_its_own_file(root: Path) -> None:
    args = ("new", "meeting", root, "--date", "2025-03-04", "--kind", "coordinator-one-to-one",
            "--supporter", "ben-shah", "--setting", "online")
    first = run(*args, "--duration", "30")
    before = (root / "meetings/2025/2025-03-04-coordinator-ben-shah.yaml").read_text()

    second = run(*args, "--duration", "45")

    assert second.exit_code == 0, second.output
    assert second.output.strip() == f"{root.as_posix()}/meetings/2025/2025-03-04-coordinator-ben-shah-2.yaml"
    assert first.output != second.output
    assert (root / "meetings/2025/2025-03-04-coordinator-ben-shah.yaml").read_text() == before
    assert "duration_minutes: 45" in (root / "meetings/2025/2025-03-04-coordinator-ben-shah-2.yaml").read_text()
    check_passes(root)


def test_new_supporter_never_overwrites_an_existing_supporter(root: Path) -> None:
    before = snapshot(root)

    result = run("new", "supporter", root, "--name", "Amara Okafor", "--status", "active")

    assert result.exit_code == 1
    assert "supporters/amara-okafor.yaml already exists; nothing was written" in result.output
    assert snapshot(root) == before


def test_new_supporter_id_defaults_to_the_slug_of_the_name(root: Path) -> None:
    result = run("new", "supporter", root, "--name", "Zoë Ng", "--status", "in-training",
                 "--joined", "2025-02-01", "--role", "one-to-one", "--role", "telephone")

    assert result.exit_code == 0, result.output
    assert (root / "supporters/zoe-ng.yaml").read_text(encoding="utf-8") == (
        "id: zoe-ng\nname: Zoë Ng\nstatus: in-training\njoined: 2025-02-01\nroles: [one-to-one, telephone]\n"
    )
    check_passes(root)


def test_new_supervision_and_cpd_pass_check(root: Path) -> None:
    supervision = run("new", "supervision", root, "--date", "2025-04-01", "--supporter", "amara-okafor",
                      "--type", "clinical", "--supervisor", "Jo Hill", "--focus", "reflection",
                      "--focus", "development", "--duration", "60")
    group = run("new", "supervision", root, "--date", "2025-04-02", "--supporter", "amara-okafor",
                "--supporter", "ben-shah", "--type", "group", "--supervisor", "Jo Hill", "--focus", "restoration")
    cpd = run("new", "cpd", root, "--date", "2025-04-10", "--supporter", "amara-okafor",
              "--title", "Lone working: staying safe", "--type", "workshop", "--hours", "3.0",
              "--mandatory", "lone-working", "--competency", "boundaries", "--provider", "Riverside Trust")

    assert [r.exit_code for r in (supervision, group, cpd)] == [0, 0, 0]
    assert (root / "supervision/2025/2025-04-01-clinical-amara-okafor.yaml").read_text() == (
        "date: 2025-04-01\nsupporter: amara-okafor\ntype: clinical\nsupervisor: Jo Hill\n"
        "duration_minutes: 60\nfocus: [reflection, development]\n"
    )
    assert "supporters: [amara-okafor, ben-shah]\n" in (
        root / "supervision/2025/2025-04-02-group-supervision.yaml").read_text()
    assert (root / "cpd/amara-okafor/2025-04-10-lone-working-staying-safe.yaml").read_text() == (
        "supporter: amara-okafor\ndate: 2025-04-10\ntitle: 'Lone working: staying safe'\ntype: workshop\n"
        "provider: Riverside Trust\nhours: 3\nmandatory: lone-working\ncompetencies: [boundaries]\n"
    )
    check_passes(root)


def test_new_without_required_flags_and_no_terminal_names_them_and_writes_nothing(root: Path) -> None:
    before = snapshot(root)

    result = run("new", "meeting", root, "--kind", "one-to-one", input="")

    assert result.exit_code == 2
    assert "missing --supporter, --mentee, --setting, --duration" in result.output
    assert "only when run in a terminal" in result.output
    assert snapshot(root) == before


def test_new_unknown_supporter_names_the_known_ids(root: Path) -> None:
    before = snapshot(root)

    result = run("new", "cpd", root, "--date", "2025-04-10", "--supporter", "amara-okafr", "--title", "Reading",
                 "--type", "reading", "--hours", "1")

    assert result.exit_code == 1
    assert "no supporter 'amara-okafr'" in result.output
    assert "did you mean 'amara-okafor'?" in result.output
    assert "known ids: amara-okafor, ben-shah" in result.output
    assert snapshot(root) == before


@pytest.mark.parametrize("args, message", [
    (("--mentee", "Sarah"), "mentee 'Sarah' looks like a name"),
    (("--mentee", "DK", "--date", "2024-01-01"), "dated 2024-01-01, before amara-okafor joined (2024-01-15)"),
    (("--mentee", "DK", "--date", "2099-01-01"), "date 2099-01-01 is after"),
])
def test_new_refuses_a_record_that_would_fail_check(root: Path, args: tuple, message: str) -> None:
    before = snapshot(root)

    result = run("new", "meeting", root, "--kind", "one-to-one", "--supporter", "amara-okafor",
                 "--setting", "in-house", "--duration", "30", *args)

    assert result.exit_code == 1
    assert "nothing was written" in result.output and message in result.output
    assert snapshot(root) == before


def test_new_refuses_unknown_competency_and_training(root: Path) -> None:
    result = run("new", "cpd", root, "--date", "2025-04-10", "--supporter", "amara-okafor", "--title", "Course",
                 "--type", "course", "--hours", "2", "--competency", "listenin", "--mandatory", "first-aid")

    assert result.exit_code == 1
    assert "'listenin' is not a competency in programme.yaml; did you mean 'listening'? " \
        "known: listening, boundaries, safeguarding" in result.output
    assert "'first-aid' is not in programme.yaml's mandatory_training; known: equality, lone-working, safeguarding" \
        in result.output


def test_new_refuses_a_folder_without_programme(tmp_path: Path) -> None:
    result = run("new", "supporter", tmp_path, "--name", "Zoë Ng", "--status", "active")

    assert result.exit_code == 1
    assert "has no programme.yaml" in result.output
    assert list(tmp_path.iterdir()) == []


def test_new_prompts_for_missing_values_on_a_terminal(root: Path) -> None:
    """Run under a pseudo-terminal, answering each prompt as a coordinator would."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "peerkit", "new", "cpd", str(root), "--date", "2025-04-10"],
                               stdin=secondary, stdout=secondary, stderr=secondary, close_fds=True)
    os.close(secondary)
    answers = iter(["ben-shah", "Reading on boundaries", "reading", "1.5"])
    output = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([primary], [], [], 0.5)
        if not ready:
            if process.poll() is not None:
                break
            continue
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the child closed the terminal
            break
        output += chunk
        if chunk.rstrip().endswith(b":"):
            os.write(primary, (next(answers) + "\n").encode())
    process.wait(timeout=10)
    os.close(primary)

    text = output.decode()
    assert process.returncode == 0, text
    assert "Supporter id (amara-okafor, ben-shah):" in text
    assert "Type of CPD (course, e-learning" in text
    assert (root / "cpd/ben-shah/2025-04-10-reading-on-boundaries.yaml").read_text() == (
        "supporter: ben-shah\ndate: 2025-04-10\ntitle: Reading on boundaries\ntype: reading\nhours: 1.5\n"
    )
