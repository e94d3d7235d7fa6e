"""``peerkit new`` on a terminal: each answer checked as it is typed, in plain words; the date,
lone-working times, group topic and attendance, a supporter's joined date and roles asked for;
the supervisor pre-filled from the supporter's record. Run under a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import make_records, run

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_records(tmp_path / "records", {
        "supporters/amara-okafor.yaml": """
            id: amara-okafor
            name: Amara Okafor
            status: active
            joined: 2024-01-15
            supervision:
              supervisor: Jo Hill
        """,
        "supporters/ben-shah.yaml": """
            id: ben-shah
            name: Ben Shah
            status: active
            joined: 2024-03-01
        """,
    })


def drive(args: list[str], script: list[tuple[str, str]]) -> tuple[int, str]:
    """Run ``peerkit ARGS`` on a pseudo-terminal; for each (prompt, answer), wait until the prompt
    appears in what was printed since the last answer, then type the answer."""
    primary, secondary = pty.openpty()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen([sys.executable, "-m", "peerkit", *args], stdin=secondary, stdout=secondary,
                               stderr=secondary, close_fds=True, env=env)
    os.close(secondary)
    output, since = "", ""
    steps = iter(script)
    step = next(steps, None)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([primary], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(primary, 4096).decode()
            except OSError:  # the child closed the terminal
                break
            output += chunk
            since += chunk
        elif process.poll() is not None:
            break
        if step is not None and step[0] in since and since.rstrip().endswith(":"):
            os.write(primary, (step[1] + "\n").encode())
            since = ""
            step = next(steps, None)
    process.wait(timeout=10)
    os.close(primary)
    assert step is None, f"never asked {step[0]!r}:\n{output}"
    return process.returncode, output.replace("\r\n", "\n")


def test_a_meeting_asks_its_date_and_times_and_refuses_a_name_at_once(root: Path) -> None:
    code, output = drive(["new", "meeting", str(root)], [
        ("Date (YYYY-MM-DD) [", "2025-03-04"),
        ("Kind of meeting", "one-to-one"),
        ("Supporter id", "amara-okafr"),
        ("Supporter id", "amara-okafor"),
        ("Mentee initials or code", "Dina Kaur"),
        ("Mentee initials or code", "DK"),
        ("Setting", "community"),
        ("Duration in minutes", "1h"),
        ("Duration in minutes", "60"),
        ("checked in at (HH:MM)", "9:05"),
        ("checked out at (HH:MM)", "10:15"),
    ])
    assert code == 0, output
    assert "no supporter 'amara-okafr' (known ids: amara-okafor, ben-shah); did you mean 'amara-okafor'?" in output
    refusal = output.index("'Dina Kaur' looks like a name; type initials (e.g. DK) or a code (e.g. M-0042)")
    assert refusal < output.index("Setting")  # at once, not after every other prompt
    assert "'1h' is not a whole number of minutes; type digits only, e.g. 60" in output
    path = root / "meetings/2025/2025-03-04-one-to-one-amara-okafor.yaml"
    assert path.read_text() == (
        'date: 2025-03-04\nkind: one-to-one\nsupporter: amara-okafor\nmentee: "DK"\nsetting: community\n'
        'duration_minutes: 60\nlone_working:\n  checked_in: "09:05"\n  checked_out: "10:15"\n')
    assert run("check", root, "--as-of", "2025-03-06").exit_code == 0


def test_a_group_asks_topic_and_attendance(root: Path) -> None:
    code, output = drive(["new", "meeting", str(root), "--date", "2025-03-10"], [
        ("Kind of meeting", "group"),
        ("Facilitators' ids", "amara-okafor, ben-shah"),
        ("Setting", "in-house"),
        ("Duration in minutes", "90"),
        ("Topic (optional", "Living well"),
        ("Attendance", "eight"),
        ("Attendance", "8"),
    ])
    assert code == 0, output
    assert "'eight' is not a whole number of people; type digits only, e.g. 8" in output
    assert (root / "meetings/2025/2025-03-10-group-living-well.yaml").read_text().endswith(
        "topic: Living well\nattendance: 8\n")


def test_a_supporter_asks_joined_and_roles(root: Path) -> None:
    code, output = drive(["new", "supporter", str(root)], [
        ("Full name", "Zoë Ng"),
        ("Status", "in-training"),
        ("Joined (YYYY-MM-DD) [", "2025-01-06"),
        ("Roles (separate with commas: one-to-one, group, telephone, online) (optional", "one-to-one, grup"),
        ("Roles", "one-to-one, group"),
    ])
    assert code == 0, output
    assert "'grup' is not a known role (known: group, one-to-one, online, telephone); did you mean 'group'?" in output
    assert (root / "supporters/zoe-ng.yaml").read_text() == (
        "id: zoe-ng\nname: Zoë Ng\nstatus: in-training\njoined: 2025-01-06\nroles: [one-to-one, group]\n")


def test_supervision_prefills_the_supervisor_from_the_supporters_record(root: Path) -> None:
    code, output = drive(["new", "supervision", str(root), "--date", "2025-03-20"], [
        ("Supporter ids", "amara-okafor"),
        ("Type of supervision", "clinical"),
        ("Supervisor's name [Jo Hill]", ""),  # Enter takes the supervisor agreed in her record
        ("Focus", "reflection"),
        ("Duration in minutes", ""),
    ])
    assert code == 0, output
    assert "supervisor: Jo Hill\n" in (root / "supervision/2025/2025-03-20-clinical-amara-okafor.yaml").read_text()


def test_supervision_without_a_terminal_takes_the_agreed_supervisor(root: Path) -> None:
    result = run("new", "supervision", root, "--date", "2025-03-20", "--supporter", "amara-okafor",
                 "--type", "clinical", "--focus", "reflection")
    assert result.exit_code == 0, result.output
    assert "supervisor: Jo Hill\n" in (root / "supervision/2025/2025-03-20-clinical-amara-okafor.yaml").read_text()
    result = run("new", "supervision", root, "--date", "2025-03-21", "--supporter", "ben-shah",
                 "--type", "clinical", "--focus", "reflection")
    assert result.exit_code == 2 and "missing --supervisor" in result.output  # Ben's record names none


def test_hours_with_a_decimal_comma_are_explained_in_plain_words(root: Path) -> None:
    code, output = drive(["new", "cpd", str(root), "--date", "2025-04-10"], [
        ("Supporter id", "ben-shah"),
        ("Title", "Reading on boundaries"),
        ("Type of CPD", "reading"),
        ("Hours", "1,5"),
        ("Hours", "1.5"),
    ])
    assert code == 0, output
    assert "'1,5' is not a number of hours; write the decimals after a point: 1.5" in output
    assert "not a valid float" not in output
    flag = run("new", "cpd", root, "--supporter", "ben-shah", "--title", "Reading", "--type", "reading",
               "--hours", "1,5")
    assert flag.exit_code == 2
    assert "'1,5' is not a number of hours; write the decimals after a point: 1.5" in flag.output


def test_a_time_flag_without_its_leading_zero_is_written_as_the_schema_wants(root: Path) -> None:
    result = run("new", "meeting", root, "--date", "2025-03-04", "--kind", "one-to-one", "--supporter",
                 "amara-okafor", "--mentee", "DK", "--setting", "community", "--duration", "60",
                 "--checked-in", "9:30", "--checked-out", "25:00")
    assert result.exit_code == 2 and "'25:00' is not a time; type HH:MM on the 24-hour clock" in result.output
    result = run("new", "meeting", root, "--date", "2025-03-04", "--kind", "one-to-one", "--supporter",
                 "amara-okafor", "--mentee", "DK", "--setting", "community", "--duration", "60",
                 "--checked-in", "9:30")
    assert result.exit_code == 0, result.output
    assert 'checked_in: "09:30"' in Path(result.stdout.strip().splitlines()[-1]).read_text()
