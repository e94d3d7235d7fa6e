"""``peerkit check --fix``: the certain fixes, each at its line, as the user wrote the value."""

from __future__ import annotations

import json

from conftest import problems, run, run_check, write

MEETING = "meetings/2025/2025-03-05-one-to-one-amara-okafor.yaml"
TRAPPED = """\
date: 2025-03-05
kind: one-to-one
supporter: amara-okafor
mentee: NO      # their code, not a no
setting: community
duration_minutes: 60
lone_working:
  checked_in: 18:30
  checked_out: 19:40   # back home
debrief:
  date: 2025-03-06
  methd: phone
ground_rules_revisited: yes
"""
FIXED = """\
date: 2025-03-05
kind: one-to-one
supporter: amara-okafor
mentee: "NO"      # their code, not a no
setting: community
duration_minutes: 60
lone_working:
  checked_in: "18:30"
  checked_out: "19:40"   # back home
debrief:
  date: 2025-03-06
  method: phone
ground_rules_revisited: true
"""


def test_fix_quotes_traps_as_written_and_renames_a_misspelt_field(records):
    path = write(records / MEETING, TRAPPED)
    exit_code, output = run_check(records, "--fix")
    shown = f"{records}/{MEETING}"
    assert output.splitlines() == [
        f'{shown}:4:9: fixed: yaml-ambiguous mentee: NO -> "NO", as written',
        f'{shown}:8:15: fixed: yaml-ambiguous lone_working.checked_in: 18:30 -> "18:30", as written',
        f'{shown}:9:16: fixed: yaml-ambiguous lone_working.checked_out: 19:40 -> "19:40", as written',
        f"{shown}:12:3: fixed: unknown-field renamed 'methd' in debrief to 'method'",
        f"{shown}:13:25: fixed: yaml-ambiguous ground_rules_revisited: yes -> true",
        "fixed 5 problems in 1 file; checking again",
        "checked 9 files: 0 errors, 0 warnings"]
    assert exit_code == 0
    assert path.read_text() == FIXED  # byte for byte, comments and spacing kept
    assert run_check(records) == (0, "checked 9 files: 0 errors, 0 warnings\n")


def test_what_is_not_certain_stays_a_problem(records):
    text = TRAPPED.replace("duration_minutes: 60", "duration_minutes: 1:30").replace(
        "  methd: phone", "  methd: phone\n  dat: 2025-03-06").replace("date: 2025-03-05", "date: 2025:03:05")
    path = write(records / MEETING, text)
    exit_code, output = run_check(records, "--fix")
    assert exit_code == 1
    left = [(p.line, p.code) for p in problems(output, records) if p.severity == "error"]
    assert left == [(1, "yaml-ambiguous"), (6, "yaml-ambiguous")]  # a date, a number: who knows what was meant
    assert "renamed 'dat'" not in output  # its one close name, date, is already there
    fixed = path.read_text()
    assert fixed.startswith("date: 2025:03:05\n") and "duration_minutes: 1:30\n" in fixed
    assert 'checked_in: "18:30"' in fixed


def test_two_misspellings_of_one_field_are_not_both_renamed(records):
    write(records / MEETING, FIXED.replace("  method: phone\n", "  methd: phone\n  metod: email\n"))
    exit_code, output = run_check(records, "--fix")
    assert "renamed 'methd' in debrief to 'method'" in output and "renamed 'metod'" not in output
    [problem] = problems(output, records, "unknown-field")
    assert problem.line == 13 and "'metod'" in problem.message


def test_a_second_close_name_means_no_rename(records):
    write(records / MEETING, FIXED.replace('  checked_out: "19:40"   # back home\n', '  chekced_out: "19:40"\n'))
    exit_code, output = run_check(records, "--fix")
    assert exit_code == 1
    [problem] = problems(output, records, "unknown-field")
    assert problem.line == 9 and "fixed:" not in output  # checked_out and checked_in are both close


def test_fix_leaves_other_files_and_links_alone(records, tmp_path):
    outside = write(tmp_path / "outside.yaml", TRAPPED)
    named = write(records / MEETING, TRAPPED)
    other = write(records / "meetings/2025/2025-03-06-one-to-one-amara-okafor.yaml", TRAPPED.replace("03-05", "03-06"))
    link = records / "meetings/2025/2025-03-07-one-to-one-amara-okafor.yaml"
    link.symlink_to(other)
    exit_code, output = run("check", named, "--fix", "--as-of", "2025-06-30")
    assert "fixed 5 problems in 1 file" in output
    assert named.read_text() == FIXED
    assert other.read_text() == TRAPPED.replace("03-05", "03-06") and link.is_symlink()
    assert outside.read_text() == TRAPPED
    exit_code, output = run("check", link, "--fix", "--as-of", "2025-06-30")
    assert "fixed:" not in output and link.is_symlink() and other.read_text() == TRAPPED.replace("03-05", "03-06")


def test_fixes_go_to_stderr_with_json(records):
    write(records / MEETING, TRAPPED)
    from click.testing import CliRunner

    from peerkit.cli import main

    result = CliRunner().invoke(main, ["check", str(records), "--fix", "--format", "json", "--as-of", "2025-06-30"])
    assert json.loads(result.stdout) == []
    assert "fixed 5 problems in 1 file" in result.stderr
