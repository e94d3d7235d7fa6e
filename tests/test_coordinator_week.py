"""A coordinator's week: finding the records, keeping outputs out of them, living with warnings."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import AS_OF, run, run_check, write
from peerkit.cli import main

SOLO_GROUP = """
    date: 2025-04-07
    kind: group
    facilitators: [amara-okafor]
    setting: in-house
    duration_minutes: 90
    attendance: 6
    debrief:
      date: 2025-04-07
      method: in-person
    ground_rules_revisited: true
"""
MEETING = "meetings/2025/2025-04-07-peer-group.yaml"


def invoke(*args: object, cwd: Path | None = None, monkeypatch=None):
    if cwd is not None and monkeypatch is not None:
        monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, [str(a) for a in args])


# --- finding the records -------------------------------------------------------------

def test_records_are_found_upwards_like_git_finds_its_repository(records, monkeypatch):
    monkeypatch.chdir(records / "meetings")
    result = invoke("check", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == "peerkit: using the records in .. (nearest programme.yaml upwards)"
    assert "checked" in result.stdout
    due = invoke("due", "--as-of", AS_OF)
    assert due.exit_code == 0 and "using the records in .." in due.stderr


def test_no_records_anywhere_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("check")
    assert result.exit_code == 1
    assert "no records here: no programme.yaml in" in result.output and "peerkit init DIR" in result.output
    assert "Traceback" not in result.output


def test_check_files_reads_the_whole_tree_and_shows_only_their_problems(records, monkeypatch):
    write(records / MEETING, SOLO_GROUP)  # a warning here...
    write(records / "meetings/2025/2025-04-08-one-to-one-amara-okafor.yaml", """
        date: 2025-04-08
        kind: one-to-one
        supporter: amara-okafr
        mentee: DK
        setting: in-house
        duration_minutes: 60
    """)  # ...and an error there
    monkeypatch.chdir(records.parent)
    result = invoke("check", f"records/{MEETING}", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output  # the error is in another file
    assert f"records/{MEETING}:3:1: warning: one-facilitator" in result.stdout
    assert "amara-okafr" not in result.stdout
    assert result.stdout.splitlines()[-1] == "checked 1 file: 0 errors, 1 warning"
    both = invoke("check", f"records/{MEETING}", "records/meetings/2025/2025-04-08-one-to-one-amara-okafor.yaml",
                  "--as-of", AS_OF)
    assert both.exit_code == 1 and "did you mean 'amara-okafor'?" in both.stdout


def test_check_refuses_a_file_outside_any_records(tmp_path, monkeypatch):
    stray = write(tmp_path / "x.yaml", "a: 1\n")
    result = invoke("check", stray)
    assert result.exit_code == 1 and "is not inside a records folder" in result.output


# --- outputs stay out of the records ------------------------------------------------

def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_outputs_never_land_where_git_would_commit_them(tmp_path, monkeypatch):
    repo = tmp_path / "our-records"
    assert invoke("init", repo).exit_code == 0
    git(repo, "init", "-q")
    monkeypatch.chdir(repo)
    made = invoke("portfolio", "alex-example", "--no-pdf", "--as-of", "2026-01-10")
    assert made.exit_code == 0, made.output
    assert (repo / "outbox/portfolio-alex-example/index.html").is_file()
    exported = invoke("export", "supporters", "-o", "outbox/supporters.csv")
    assert exported.exit_code == 0, exported.output
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert "outbox" not in status  # ignored by init's .gitignore
    refused = invoke("export", "supporters", "-o", "supporters.csv")
    assert refused.exit_code == 1
    assert "inside the records repository" in refused.output and not (repo / "supporters.csv").exists()
    refused = invoke("portfolio", "alex-example", "-o", "to-send", "--no-pdf", "--as-of", "2026-01-10")
    assert refused.exit_code == 1 and not (repo / "to-send").exists()
    # from deep inside the repository, the defaults still land at its top, where they are ignored
    monkeypatch.chdir(repo / "meetings")
    built = invoke("build", "--no-pdf", "--as-of", "2026-01-10")
    assert built.exit_code == 0, built.output
    assert "built ../site/index.html" in built.stdout and (repo / "site/index.html").is_file()
    assert invoke("portfolio", "alex-example", "--no-pdf", "--as-of", "2026-01-10").exit_code == 0
    assert not (repo / "meetings/outbox").exists() and not (repo / "meetings/site").exists()


def test_init_force_adds_infrastructure_never_example_records(tmp_path):
    repo = tmp_path / "r"
    assert invoke("init", repo).exit_code == 0
    (repo / "supporters/alex-example.yaml").unlink()
    (repo / ".gitignore").unlink()
    result = invoke("init", repo, "--force")
    assert result.exit_code == 0, result.output
    assert (repo / ".gitignore").is_file()
    assert not (repo / "supporters/alex-example.yaml").exists()


# --- living with warnings -----------------------------------------------------------

ACKNOWLEDGED = SOLO_GROUP + """
    acknowledged:
      - code: one-facilitator
        reason: Co-facilitator off sick; the group ran with a volunteer observer.
        by: Jo Hill (coordinator)
        date: 2025-04-08
"""


def test_an_acknowledged_warning_no_longer_counts_and_is_listed_with_its_reason(records, tmp_path):
    write(records / MEETING, SOLO_GROUP)
    assert run_check(records, "--strict")[0] == 1
    write(records / MEETING, ACKNOWLEDGED)
    exit_code, output = run_check(records, "--strict")
    assert exit_code == 0, output
    assert (f"{MEETING}:13:5: note: acknowledged one-facilitator accepted by Jo Hill (coordinator) on 2025-04-08: "
            "Co-facilitator off sick") in output.replace(str(records) + "/", "")
    assert output.splitlines()[-1].endswith("0 errors, 0 warnings, 1 note")
    due = json.loads(run("due", str(records), "--as-of", AS_OF, "--format", "json")[1])
    assert not [item for item in due if item["path"].endswith(MEETING)]
    site = tmp_path / "site"
    assert run("build", str(records), "-o", str(site), "--no-pdf", "--as-of", AS_OF)[0] == 0
    page = (site / "index.html").read_text(encoding="utf-8")
    attention = page[page.index('id="attention"'):page.index('id="acknowledged"')]
    assert MEETING not in attention
    listed = page[page.index('id="acknowledged"'):page.index('id="supporters"')]
    assert "Co-facilitator off sick" in listed and "Jo Hill (coordinator)" in listed and MEETING in listed


@pytest.mark.parametrize("code, expected", [
    ("no-debrief", "warning: stale-acknowledgement acknowledges 'no-debrief', but this record has no such warning"),
    ("mentee-name", "error: bad-acknowledgement 'mentee-name' is an error, and only warnings can be acknowledged"),
    ("one-facilitater", "error: bad-acknowledgement 'one-facilitater' is not a warning code; "
                        "did you mean 'one-facilitator'?"),
])
def test_acknowledgements_that_match_nothing_or_an_error_are_problems_themselves(records, code, expected):
    write(records / MEETING, ACKNOWLEDGED.replace("code: one-facilitator", f"code: {code}"))
    exit_code, output = run_check(records)
    [line] = [line for line in output.splitlines() if "acknowledge" in line and ":13:5:" in line]
    assert expected in line, output
    assert exit_code == (1 if "error:" in expected else 0)


def test_severity_error_shows_errors_only(records):
    write(records / MEETING, SOLO_GROUP)
    exit_code, output = run_check(records, "--severity", "error")
    assert exit_code == 0
    assert "one-facilitator" not in output
    assert output.splitlines()[-1].endswith("0 errors, 1 warning")  # the count still tells


def test_build_says_how_many_warnings_and_how_to_list_them(records, tmp_path):
    write(records / MEETING, SOLO_GROUP)
    result = CliRunner().invoke(main, ["build", str(records), "-o", str(tmp_path / "site"), "--no-pdf",
                                       "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert f"1 warning: list them with peerkit check {records} --severity warning" in result.stderr


def test_due_reports_what_it_can_when_an_unrelated_record_has_an_error(records):
    write(records / "meetings/2025/2025-04-08-one-to-one-amara-okafor.yaml", """
        date: 2025-04-08
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: comunity
        duration_minutes: 60
    """)
    result = CliRunner().invoke(main, ["due", str(records), "--as-of", "2027-01-01"])
    assert result.exit_code == 1
    assert "Supervision (" in result.stdout  # the rest is still reported
    assert "left out 1 file with errors" in result.stderr
    assert "2025-04-08-one-to-one-amara-okafor.yaml" in result.stderr
