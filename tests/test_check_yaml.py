"""YAML syntax, YAML 1.1 traps, dates and schema errors, each at its real line.

Every test writes one record inline into the valid ``records`` tree and
checks it through the real CLI (see conftest.py).
"""

from __future__ import annotations

import pytest

from conftest import Found, problems, run_check, write

MEETING = "meetings/2025/2025-04-03-check-in.yaml"
SUPERVISION = "supervision/2025/2025-04-03-ben-shah.yaml"


def only(output: str, records, code: str) -> Found:
    found = problems(output, records)
    assert [p.code for p in found] == [code], output
    return found[0]


def where(p: Found) -> tuple:
    return (p.path, p.line, p.column, p.severity)


# --- syntax ------------------------------------------------------------------

def test_syntax_error_at_its_line_and_column(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: coordinator-one-to-one
        supporter: ben-shah
          setting: online
        duration_minutes: 30
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "yaml-syntax")
    assert where(p) == (MEETING, 4, 3, "error")  # at the over-indented key itself
    assert "'setting' is indented 2 spaces more than 'supporter' on line 3" in p.message
    assert "line 'setting' up with 'supporter'" in p.message
    assert exit_code == 1


def test_colon_in_prose_says_to_quote_it(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: coordinator-one-to-one
        supporter: ben-shah
        setting: online
        duration_minutes: 30
        notes: Plan: call the clinic on Friday
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "yaml-syntax")
    assert where(p) == (MEETING, 6, 12, "error")
    assert "quote a value that contains ': '" in p.message


def test_unclosed_quote_is_reported_where_it_opens(records):
    # libyaml only notices at the end of the file; the fix is on line 3.
    write(records / MEETING, """
        date: 2025-04-03
        kind: coordinator-one-to-one
        supporter: "ben-shah
        setting: online
        duration_minutes: 30
        notes: Catch-up.
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "yaml-syntax")
    assert where(p) == (MEETING, 3, 12, "error")
    assert "no closing quote" in p.message


def test_unclosed_list_is_reported_where_it_opens(records):
    write(records / SUPERVISION, """
        date: 2025-04-03
        supporter: ben-shah
        type: peer
        supervisor: Jo Hill
        focus: [reflection, development
        notes: Good session.
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "yaml-syntax")
    assert where(p) == (SUPERVISION, 5, 8, "error")
    assert "this [ list is not closed: add the missing ']'" in p.message


@pytest.mark.parametrize("text, line, column", [
    ("date: 2025-04-03\nkind: coordinator-one-to-one\n\tsupporter: ben-shah\n", 3, 1),
    ("date: 2025-04-03\nkind: coordinator-one-to-one\nsupporter:\n\t- ben-shah\n", 4, 1),
])
def test_tab_indentation(records, text, line, column):
    (records / MEETING).parent.mkdir(parents=True, exist_ok=True)
    (records / MEETING).write_text(text)
    exit_code, output = run_check(records)
    p = only(output, records, "yaml-syntax")
    assert where(p) == (MEETING, line, column, "error")
    assert "indent YAML with spaces, not tabs" in p.message


def test_a_broken_file_does_not_hide_problems_in_others(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: [coordinator-one-to-one
    """)
    write(records / SUPERVISION, """
        date: 2025-04-03
        supporter: ben-shah
        type: peer
        supervisor: Jo Hill
        focus: [reflection]
        shared_with_supporter: no
    """)
    exit_code, output = run_check(records)
    found = problems(output, records)
    assert [(p.path, p.line, p.code) for p in found] == [
        (MEETING, 2, "yaml-syntax"),
        (SUPERVISION, 6, "yaml-ambiguous"),
    ]
    assert output.splitlines()[-1] == "checked 10 files: 2 errors, 0 warnings"
    assert exit_code == 1


def test_several_documents(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: coordinator-one-to-one
        ---
        date: 2025-04-04
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "yaml-syntax")
    assert (p.line, p.severity) == (3, "error")
    assert "several YAML documents (---); keep one record per file" in p.message


@pytest.mark.parametrize("text, code, message", [
    ("", "empty-file", "the file is empty"),
    ("# only a comment\n", "empty-file", "the file holds no fields"),
    ("---\n", "empty-file", "the file holds no fields"),
    ("- date: 2025-04-03\n", "not-mapping", "not a list"),
    ("just some text\n", "not-mapping", "not a single value"),
])
def test_not_a_record(records, text, code, message):
    (records / MEETING).parent.mkdir(parents=True, exist_ok=True)
    (records / MEETING).write_text(text)
    exit_code, output = run_check(records)
    p = only(output, records, code)
    assert where(p) == (MEETING, 1, 1, "error")
    assert message in p.message


def test_not_utf8(records):
    (records / MEETING).parent.mkdir(parents=True, exist_ok=True)
    (records / MEETING).write_bytes(b"date: 2025-04-03\nnotes: caf\xe9\n")
    exit_code, output = run_check(records)
    p = only(output, records, "encoding")
    assert where(p) == (MEETING, 2, 11, "error")
    assert "byte 0xe9 is not UTF-8" in p.message


def test_aliases_are_refused(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: coordinator-one-to-one
        supporter: &who ben-shah
        setting: online
        duration_minutes: 30
        notes: *who
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "yaml-alias")
    assert (p.line, p.severity) == (3, "error")
    assert "anchors and aliases" in p.message


# --- duplicate keys ------------------------------------------------------------

def test_duplicate_key_names_both_lines(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: coordinator-one-to-one
        supporter: ben-shah
        setting: online
        supporter: amara-okafor
        duration_minutes: 30
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "duplicate-key")
    assert where(p) == (MEETING, 5, 1, "error")
    assert "key 'supporter' appears twice (first on line 3); keep only one" in p.message
    assert exit_code == 1


def test_duplicate_nested_key(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: community
        duration_minutes: 30
        lone_working:
          checked_in: "10:00"
          checked_in: "11:00"
        debrief:
          date: 2025-04-03
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "duplicate-key")
    assert where(p) == (MEETING, 9, 3, "error")
    assert "key 'checked_in' appears twice (first on line 8)" in p.message


# --- YAML 1.1 traps --------------------------------------------------------------

ONE_TO_ONE = """
    date: 2025-04-03
    kind: one-to-one
    supporter: amara-okafor
    mentee: {mentee}
    setting: in-house
    duration_minutes: 45
    debrief:
      date: 2025-04-03
"""


@pytest.mark.parametrize("mentee, reading", [
    ("NO", "false"), ("no", "false"), ("On", "true"), ("on", "true"), ("Off", "false"), ("yes", "true"),
])
def test_mentee_read_as_a_boolean_says_quote_it(records, mentee, reading):
    write(records / MEETING, ONE_TO_ONE.format(mentee=mentee))
    exit_code, output = run_check(records)
    p = only(output, records, "yaml-ambiguous")
    assert where(p) == (MEETING, 4, 9, "error")
    assert f"'{mentee}' is read as {reading} by YAML 1.1" in p.message
    assert f'quote it ("{mentee}") if it is text' in p.message
    assert exit_code == 1


def test_quoted_mentee_initials_pass(records):
    write(records / MEETING, ONE_TO_ONE.format(mentee='"NO"'))
    assert run_check(records) == (0, "checked 9 files: 0 errors, 0 warnings\n")


def test_octal_mentee_code_says_quote_it(records):
    write(records / MEETING, ONE_TO_ONE.format(mentee="012"))
    exit_code, output = run_check(records)
    p = only(output, records, "yaml-ambiguous")
    assert where(p) == (MEETING, 4, 9, "error")
    assert "'012' is read as an octal number by YAML 1.1; quote it: \"012\"" in p.message


@pytest.mark.parametrize("value", ["yes", "on", "No", "OFF"])
def test_yes_no_flag_says_write_true_or_false(records, value):
    write(records / "meetings/2025/2025-04-07-peer-group.yaml", f"""
        date: 2025-04-07
        kind: group
        facilitators: [amara-okafor, ben-shah]
        setting: in-house
        duration_minutes: 60
        ground_rules_revisited: {value}
        debrief:
          date: 2025-04-07
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "yaml-ambiguous")
    assert where(p) == ("meetings/2025/2025-04-07-peer-group.yaml", 6, 25, "error")
    assert "write true or false for yes/no" in p.message


def test_unquoted_time_is_base_60(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: community
        duration_minutes: 60
        lone_working:
          checked_in: 12:30
          checked_out: "13:30"
        debrief:
          date: 2025-04-03
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "yaml-ambiguous")
    assert where(p) == (MEETING, 8, 15, "error")
    assert "'12:30' is read as a base-60 number by YAML 1.1; quote it: \"12:30\"" in p.message


@pytest.mark.parametrize("value, message", [
    ("060", "'060' is read as an octal number"),
    ("6_0", "'6_0' is read as 60 by YAML 1.1"),
    ("1:00", "'1:00' is read as a base-60 number"),
])
def test_surprising_numbers(records, value, message):
    write(records / MEETING, f"""
        kind: coordinator-one-to-one
        date: 2025-04-03
        supporter: ben-shah
        setting: online
        duration_minutes: {value}
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "yaml-ambiguous")
    assert where(p) == (MEETING, 5, 19, "error")
    assert message in p.message


# --- dates -------------------------------------------------------------------

def test_impossible_date(records):
    write(records / MEETING, """
        kind: coordinator-one-to-one
        date: 2024-02-30
        supporter: ben-shah
        setting: online
        duration_minutes: 30
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "bad-date")
    assert where(p) == (MEETING, 2, 7, "error")
    assert "'2024-02-30' is not a real date; use YYYY-MM-DD" in p.message
    assert exit_code == 1


def test_impossible_quoted_date(records):
    write(records / MEETING, """
        kind: coordinator-one-to-one
        date: "2024-02-30"
        supporter: ben-shah
        setting: online
        duration_minutes: 30
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "bad-format")
    assert (p.path, p.line, p.severity) == (MEETING, 2, "error")
    assert "date '2024-02-30' is not a real date; use YYYY-MM-DD" in p.message


def test_impossible_nested_date(records):
    write(records / "supporters/ben-shah.yaml", """
        id: ben-shah
        name: Ben Shah
        status: active
        joined: 2024-03-01
        competencies_assessed:
          listening: 2024-06-31
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "bad-date")
    assert where(p) == ("supporters/ben-shah.yaml", 6, 14, "error")


@pytest.mark.parametrize("value", ["03/04/2025", "2025-4-3", "2025-04-03 10:00", "April 2025"])
def test_date_in_another_form(records, value):
    write(records / MEETING, f"""
        kind: coordinator-one-to-one
        date: {value}
        supporter: ben-shah
        setting: online
        duration_minutes: 30
    """)
    exit_code, output = run_check(records)
    # One problem per bad date, not one per schema keyword it breaks.
    p = only(output, records, "bad-format")
    assert (p.path, p.line, p.severity) == (MEETING, 2, "error")
    assert f"date '{value}' is not a real date; use YYYY-MM-DD" in p.message


def test_dates_as_yaml_dates_or_quoted_iso_strings(records):
    write(records / MEETING, """
        date: '2025-04-03'
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: in-house
        duration_minutes: 45
        debrief:
          date: "2025-04-04"
    """)
    write(records / SUPERVISION, """
        date: 2025-04-03
        supporter: ben-shah
        type: peer
        supervisor: Jo Hill
        focus: [reflection]
        actions:
          - action: Read the lone working policy
            due: "2025-05-01"
            done: '2025-04-20'
        copy_given: 2025-04-03
    """)
    assert run_check(records) == (0, "checked 10 files: 0 errors, 0 warnings\n")


def test_quoted_dates_are_still_dates_for_the_rules(records):
    write(records / MEETING, """
        kind: one-to-one
        date: "2025-04-03"
        supporter: amara-okafor
        mentee: DK
        setting: in-house
        duration_minutes: 45
        debrief:
          date: "2025-04-09"
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "no-debrief")
    assert (p.line, p.severity) == (8, "warning")
    assert "debrief 6 days after the meeting" in p.message


# --- schema ------------------------------------------------------------------

def test_missing_field(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: coordinator-one-to-one
        setting: online
        duration_minutes: 30
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "missing-field")
    # Nothing to point at but the record itself.
    assert where(p) == (MEETING, 1, 1, "error")
    assert "missing required field 'supporter'; add it" in p.message
    assert exit_code == 1


def test_missing_nested_field_points_at_its_parent(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: in-house
        duration_minutes: 45
        debrief:
          method: phone
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "missing-field")
    assert where(p) == (MEETING, 7, 1, "error")
    assert "missing required field 'date' in debrief" in p.message


def test_unknown_field_with_did_you_mean(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: coordinator-one-to-one
        supporter: ben-shah
        setting: online
        duration_minutes: 30
        note: Catch-up on the month.
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "unknown-field")
    assert where(p) == (MEETING, 6, 1, "error")
    assert "unknown field 'note'; did you mean 'notes'?" in p.message
    assert exit_code == 1


def test_unknown_nested_field_with_did_you_mean(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: community
        duration_minutes: 45
        lone_working:
          checked_in: "10:00"
          chekced_out: "11:00"
        debrief:
          date: 2025-04-03
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "unknown-field")
    assert where(p) == (MEETING, 9, 3, "error")
    assert "unknown field 'chekced_out' in lone_working; did you mean 'checked_out'?" in p.message


def test_wrong_type(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: coordinator-one-to-one
        supporter: ben-shah
        setting: online
        duration_minutes: an hour
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "wrong-type")
    assert where(p) == (MEETING, 5, 1, "error")
    assert "duration_minutes should be a whole number, but is text ('an hour')" in p.message


def test_wrong_type_nested_in_a_list(records):
    write(records / "cpd/ben-shah/2025-05-01-group-skills.yaml", """
        supporter: ben-shah
        date: 2025-05-01
        title: Group facilitation skills
        type: workshop
        hours: 6
        competencies:
          - listening
          - [boundaries]
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "wrong-type")
    assert where(p) == ("cpd/ben-shah/2025-05-01-group-skills.yaml", 8, 5, "error")
    assert "competencies[2] should be text, but is a list" in p.message


def test_bad_enum_with_suggestion(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: coordinator-one-to-one
        supporter: ben-shah
        setting: comunity
        duration_minutes: 30
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "bad-value")
    assert where(p) == (MEETING, 4, 1, "error")
    assert "setting is 'comunity'; expected one of: in-house, community, telephone, online" in p.message
    assert "did you mean 'community'?" in p.message


def test_bad_enum_in_a_list_points_at_the_item(records):
    write(records / SUPERVISION, """
        date: 2025-04-03
        supporter: ben-shah
        type: peer
        supervisor: Jo Hill
        focus:
          - reflection
          - reflexion
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "bad-value")
    assert where(p) == (SUPERVISION, 7, 5, "error")
    assert "focus[2] is 'reflexion'" in p.message
    assert "did you mean 'reflection'?" in p.message


def test_out_of_range(records):
    write(records / "cpd/ben-shah/2025-05-01-group-skills.yaml", """
        supporter: ben-shah
        date: 2025-05-01
        title: Group facilitation skills
        type: workshop
        hours: 0
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "out-of-range")
    assert (p.line, p.severity) == (5, "error")
    assert "hours is 0; it must be more than 0" in p.message


def test_bad_time(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: community
        duration_minutes: 45
        lone_working:
          checked_in: "10:00"
          checked_out: 11am
        debrief:
          date: 2025-04-03
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "bad-format")
    assert where(p) == (MEETING, 9, 3, "error")
    assert "lone_working.checked_out '11am' is not in the right form: A time, HH:MM" in p.message


def test_group_meeting_with_a_mentee_points_at_mentee(records):
    write(records / "meetings/2025/2025-04-07-peer-group.yaml", """
        date: 2025-04-07
        kind: group
        facilitators: [amara-okafor, ben-shah]
        mentee: DK
        setting: in-house
        duration_minutes: 60
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "invalid")
    assert where(p) == ("meetings/2025/2025-04-07-peer-group.yaml", 4, 1, "error")
    assert p.message == "mentee: a group meeting has no mentee; remove it (record attendance instead)"


def test_one_to_one_with_facilitators_points_at_facilitators(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: coordinator-one-to-one
        supporter: ben-shah
        facilitators: [ben-shah]
        setting: online
        duration_minutes: 30
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "invalid")
    assert where(p) == (MEETING, 4, 1, "error")
    assert "only group meetings have facilitators; name the supporter instead" in p.message


def test_action_done_must_be_a_flag_or_date(records):
    write(records / SUPERVISION, """
        date: 2025-04-03
        supporter: ben-shah
        type: peer
        supervisor: Jo Hill
        focus: [reflection]
        actions:
          - action: Read the policy
            done: nearly
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "invalid")
    assert where(p) == (SUPERVISION, 8, 5, "error")
    assert "actions[1].done: done is true, false, or the date it was done (YYYY-MM-DD)" in p.message


def test_schema_errors_are_all_reported_in_one_run(records):
    write(records / MEETING, """
        date: 2025-04-03
        kind: one-to-one
        supporter: Amara Okafor
        mentee: DK
        setting: comunity
        duration_minutes: -5
        debrief:
          date: 2025-04-03
          method: text
    """)
    exit_code, output = run_check(records)
    assert [(p.line, p.code) for p in problems(output, records)] == [
        (3, "bad-format"), (5, "bad-value"), (6, "out-of-range"), (9, "bad-value"),
    ]
