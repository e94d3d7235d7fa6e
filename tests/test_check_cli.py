"""``peerkit check`` as a command: exit codes, output formats, summary, order, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import AS_OF, problems, run, run_check, write


def add_two_errors_and_a_warning(records: Path) -> None:
    """Errors in two files (one a schema error, one a rule) and one warning."""
    write(records / "meetings/2025/2025-04-03-check-in-ben.yaml", """
        date: 2025-04-03
        kind: coordinator-one-to-one
        supporter: ben-shah
        setting: comunity
        duration_minutes: 30
    """)
    write(records / "cpd/ben-shah/2025-05-01-group-skills.yaml", """
        supporter: ben-shah
        date: 2025-05-01
        title: Group facilitation skills
        type: workshop
        hours: 6
        competencies: [group-work]
    """)
    add_a_warning(records)


def add_a_warning(records: Path) -> None:
    write(records / "meetings/2025/2025-04-07-peer-group.yaml", """
        date: 2025-04-07
        kind: group
        facilitators: [ben-shah]
        setting: in-house
        duration_minutes: 60
        debrief:
          date: 2025-04-07
        attendance: 6
        ground_rules_revisited: true
    """)


# --- exit codes --------------------------------------------------------------

def test_clean_records_exit_0_even_with_strict(records):
    assert run_check(records) == (0, "checked 8 files: 0 errors, 0 warnings\n")
    assert run_check(records, "--strict") == (0, "checked 8 files: 0 errors, 0 warnings\n")


def test_errors_exit_1(records):
    add_two_errors_and_a_warning(records)
    exit_code, output = run_check(records)
    assert exit_code == 1, output


def test_warnings_only_exit_0(records):
    add_a_warning(records)
    exit_code, output = run_check(records)
    assert exit_code == 0, output
    assert [p.severity for p in problems(output, records)] == ["warning"]


def test_warnings_with_strict_exit_1(records):
    add_a_warning(records)
    exit_code, output = run_check(records, "--strict")
    assert exit_code == 1, output
    assert [p.severity for p in problems(output, records)] == ["warning"]


def test_notes_do_not_fail_even_with_strict(records):
    (records / "meetings/2025/agenda.txt").write_text("not a record\n")
    exit_code, output = run_check(records, "--strict")
    assert exit_code == 0, output
    [p] = problems(output, records)
    assert (p.path, p.line, p.severity, p.code) == ("meetings/2025/agenda.txt", 1, "note", "skipped")
    assert output.splitlines()[-1] == "checked 8 files: 0 errors, 0 warnings, 1 note"


# --- text output: format, summary, order -------------------------------------------

def test_text_lines_and_summary(records):
    add_two_errors_and_a_warning(records)
    exit_code, output = run_check(records)
    lines = output.splitlines()
    assert lines == [
        f"{records}/cpd/ben-shah/2025-05-01-group-skills.yaml:6:16: error: unknown-competency "
        "'group-work' is not a competency in programme.yaml; known: listening, boundaries, safeguarding",
        f"{records}/meetings/2025/2025-04-03-check-in-ben.yaml:4:1: error: bad-value "
        "setting is 'comunity'; expected one of: in-house, community, telephone, online; did you mean 'community'?",
        f"{records}/meetings/2025/2025-04-07-peer-group.yaml:3:1: warning: one-facilitator "
        "group run by one facilitator; best practice is two, for safety and support",
        "checked 11 files: 2 errors, 1 warning",
    ]


def test_summary_counts_singular_and_plural(records):
    add_a_warning(records)
    write(records / "meetings/2025/2025-04-08-peer-group.yaml", """
        date: 2025-04-08
        kind: group
        facilitators: [amara-okafor]
        setting: in-house
        duration_minutes: 60
        debrief:
          date: 2025-04-08
        attendance: 6
        ground_rules_revisited: true
    """)
    write(records / "meetings/2025/2025-04-09-check-in.yaml", """
        date: 2025-04-09
        kind: coordinator-one-to-one
        supporter: nobody
        setting: online
        duration_minutes: 30
    """)
    exit_code, output = run_check(records)
    assert output.splitlines()[-1] == "checked 11 files: 1 error, 2 warnings"
    assert exit_code == 1


def test_output_sorted_by_path_then_line(records):
    # Problems from every stage (load, schema, rules) in several files,
    # written so that finding order is not sorted order.
    write(records / "supporters/zoe-lee.yaml", """
        id: zoe-lee
        name: Zoe Lee
        status: active
        joined: 2024-01-01
        notes: Call on 07700 900123.
        left: 2023-01-01
    """)
    write(records / "meetings/2025/2025-04-03-one-to-one.yaml", """
        date: 2025-04-03
        kind: one-to-one
        supporter: zoe-lee
        mentee: Dave
        setting: community
        duration_minutes: 45
    """)
    write(records / "cpd/ben-shah/2025-05-01-group-skills.yaml", """
        supporter: ben-shah
        date: 2025-05-01
        title: Group facilitation skills
        type: worksop
        hours: 6
        mandatory: fire-safety
    """)
    write(records / "cpd/amara-okafor/2025-05-02-reading.yaml", """
        supporter: amara-okafor
        date: 2025-05-02
        title: Peer support reading
        type: reading
        hours: 2
        mandatory: fire-safety
    """)
    exit_code, output = run_check(records)
    found = problems(output, records)
    keys = [(p.path, p.line, p.column) for p in found]
    assert keys == sorted(keys)
    assert len({p.path for p in found}) == 4
    assert len(found) >= 7, output
    # The summary comes last.
    assert output.splitlines()[-1].startswith("checked 12 files: ")


def test_paths_as_the_user_typed_them(records, monkeypatch):
    add_a_warning(records)
    monkeypatch.chdir(records.parent)
    exit_code, output = run("check", "--as-of", AS_OF)  # default: records/, and it says so
    assert output.splitlines()[0] == "peerkit: using the records in records/"
    assert output.splitlines()[1].startswith("records/meetings/2025/2025-04-07-peer-group.yaml:3:1: warning: ")
    monkeypatch.chdir(records)
    exit_code, output = run("check", ".", "--as-of", AS_OF)
    assert output.splitlines()[0].startswith("meetings/2025/2025-04-07-peer-group.yaml:3:1: warning: ")


# --- json and github -----------------------------------------------------------

def test_json_output(records):
    add_two_errors_and_a_warning(records)
    exit_code, text_output = run_check(records)
    json_exit_code, output = run_check(records, "--format", "json")
    assert json_exit_code == exit_code == 1
    data = json.loads(output)  # the whole output is JSON: no summary line
    assert isinstance(data, list) and len(data) == 3
    for item in data:
        assert set(item) == {"path", "line", "column", "severity", "code", "message"}
        assert isinstance(item["line"], int) and isinstance(item["column"], int)
    assert data[0] == {
        "path": f"{records}/cpd/ben-shah/2025-05-01-group-skills.yaml",
        "line": 6,
        "column": 16,
        "severity": "error",
        "code": "unknown-competency",
        "message": "'group-work' is not a competency in programme.yaml; known: listening, boundaries, safeguarding",
    }
    # The same problems as the text report, in the same order.
    assert [f"{records}/{p.path}" for p in problems(text_output, records)] == [d["path"] for d in data]
    assert [d["severity"] for d in data] == ["error", "error", "warning"]


def test_json_output_when_clean_is_an_empty_list(records):
    exit_code, output = run_check(records, "--format", "json")
    assert exit_code == 0
    assert json.loads(output) == []


def test_json_output_keeps_non_ascii(records):
    write(records / "supporters/zoe-lee.yaml", """
        id: zoe-lee
        name: Zoë Lee
        status: activé
        joined: 2024-01-01
    """)
    exit_code, output = run_check(records, "--format", "json")
    [item] = json.loads(output)
    assert (item["code"], item["line"]) == ("bad-value", 3)
    assert "status is 'activé'" in item["message"]
    assert "activé" in output  # written as UTF-8, not \\u escapes


def test_github_output(records):
    add_two_errors_and_a_warning(records)
    exit_code, output = run_check(records, "--format", "github")
    assert exit_code == 1
    lines = output.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert [line.split(" ", 1)[0] for line in annotations] == ["::error", "::error", "::warning"]
    assert annotations[2] == (
        f"::warning file={records}/meetings/2025/2025-04-07-peer-group.yaml,line=3,col=1,title=one-facilitator"
        "::group run by one facilitator; best practice is two, for safety and support")
    assert lines[-1] == "checked 11 files: 2 errors, 1 warning"


# --- usage errors --------------------------------------------------------------

@pytest.mark.parametrize("value", ["2025-13-01", "yesterday", "30/06/2025", ""])
def test_bad_as_of_is_a_clean_usage_error(records, value):
    exit_code, output = run("check", str(records), "--as-of", value)
    assert exit_code == 2
    assert f"'{value}' is not a date; use YYYY-MM-DD" in output
    assert "Usage: " in output
    assert "Traceback" not in output


def test_missing_records_folder_is_a_clean_usage_error(tmp_path):
    exit_code, output = run("check", str(tmp_path / "nowhere"))
    assert exit_code == 2
    assert "does not exist" in output
    assert "Traceback" not in output


def test_a_record_file_is_checked_on_its_own(records):
    exit_code, output = run("check", str(records / "programme.yaml"))
    assert exit_code == 0
    assert output.splitlines()[-1] == "checked 1 file: 0 errors, 0 warnings"


def test_unknown_format_is_a_usage_error(records):
    exit_code, output = run_check(records, "--format", "xml")
    assert exit_code == 2
    assert "'xml' is not one of" in output


def test_folder_without_programme(tmp_path):
    write(tmp_path / "supporters/ben-shah.yaml", """
        id: ben-shah
        name: Ben Shah
        status: active
        joined: 2024-03-01
    """)
    exit_code, output = run_check(tmp_path)
    [p] = problems(output, tmp_path)
    assert (p.path, p.line, p.severity, p.code) == ("programme.yaml", 1, "error", "no-programme")
    assert exit_code == 1
