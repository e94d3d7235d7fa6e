"""Messages that say how to fix it: each common hand-editing slip gets one line, at the line
where it is, naming the likely mistake and the fix (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import AS_OF, Found, problems, run, run_check, write

MEETING = "meetings/2025/2025-04-03-one-to-one-amara-okafor.yaml"
GROUP = "meetings/2025/2025-04-07-group-women.yaml"
SUPERVISION = "supervision/2025/2025-03-20-amara-okafor.yaml"


def only(records: Path, code: str | None = None) -> Found:
    """The one problem check reports (of ``code``, when given); fails if there are more."""
    exit_code, output = run_check(records)
    found = problems(output, records)
    assert len(found) == 1, output
    assert code is None or found[0].code == code, output
    return found[0]


def at(found: Found) -> tuple[str, int, int, str, str]:
    return found.path, found.line, found.column, found.severity, found.code


# --- YAML slips ----------------------------------------------------------------

def test_a_key_indented_one_space_too_far(records: Path) -> None:
    write(records / MEETING, """
        date: 2025-04-03
        kind: one-to-one
        supporter: amara-okafor
         mentee: DK
        setting: in-house
        duration_minutes: 60
    """)
    p = only(records)
    assert at(p) == (MEETING, 4, 2, "error", "yaml-syntax")
    assert p.message == ("'mentee' is indented 1 space more than 'supporter' on line 3, so YAML reads it as "
                         "part of that field's value; line 'mentee' up with 'supporter'")


def test_a_nested_key_indented_less_than_its_neighbours(records: Path) -> None:
    write(records / MEETING, """
        date: 2025-04-03
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: community
        duration_minutes: 60
        lone_working:
           checked_in: "10:00"
          checked_out: "11:00"
    """)
    p = only(records)
    assert at(p) == (MEETING, 9, 3, "error", "yaml-syntax")
    assert "'checked_out' is indented 2 spaces, which lines it up with no field above" in p.message
    assert "indent it 3 like 'checked_in' on line 8" in p.message


def test_no_space_after_a_colon(records: Path) -> None:
    write(records / MEETING, """
        date: 2025-04-03
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting:in-house
        duration_minutes: 60
    """)
    p = only(records)
    assert at(p) == (MEETING, 5, 1, "error", "yaml-syntax")  # libyaml says line 6
    assert p.message == "'setting:in-house' needs a space after the colon to be a field: write 'setting: in-house'"


def test_no_space_after_a_colon_in_a_nested_field(records: Path) -> None:
    write(records / MEETING, """
        date: 2025-04-03
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: community
        duration_minutes: 60
        lone_working: checked_in:"10:00"
    """)
    p = only(records)
    assert at(p) == (MEETING, 7, 1, "error", "wrong-type")
    assert p.message.endswith("""a field needs a space after its colon: write 'checked_in: "10:00"'""")


def test_no_space_after_a_list_dash(records: Path) -> None:
    write(records / GROUP, """
        date: 2025-04-07
        kind: group
        facilitators:
          -amara-okafor
          - ben-shah
        setting: in-house
        duration_minutes: 90
    """)
    p = only(records)
    assert at(p) == (GROUP, 4, 3, "error", "yaml-syntax")  # silently the text '-amara-okafor - ben-shah' before
    assert p.message == ("'-amara-okafor' has no space after the '-', so YAML reads it as text, "
                         "not a list item; write '- amara-okafor'")


def test_an_apostrophe_inside_single_quotes(records: Path) -> None:
    write(records / GROUP, """
        date: 2025-04-07
        kind: group
        facilitators: [amara-okafor, ben-shah]
        setting: in-house
        duration_minutes: 90
        topic: 'Women's group'
    """)
    p = only(records)
    assert at(p) == (GROUP, 6, 14, "error", "yaml-syntax")
    assert p.message == ("an apostrophe inside '...' ends the quoted text; write it twice ('Women''s group') "
                         "or use double quotes (\"Women's group\")")


def test_an_unclosed_quote_is_reported_where_it_opens(records: Path) -> None:
    write(records / GROUP, """
        date: 2025-04-07
        kind: group
        facilitators: [amara-okafor, ben-shah]
        topic: "Women's group
        setting: in-house
        duration_minutes: 90
        attendance: 8
        notes: "Good turnout."
    """)
    p = only(records)
    assert at(p) == (GROUP, 4, 8, "error", "yaml-syntax")  # libyaml: line 8, four lines late
    assert p.message == ('this quoted value has no closing " on its line, so it runs on to line 8 and swallows '
                         'the fields in between; close it with " at the end of line 4')


# --- silent data loss: ' #' in plain text ------------------------------------------

def test_a_hash_in_plain_text_warns_that_the_rest_was_cut(records: Path) -> None:
    write(records / GROUP, """
        date: 2025-04-07
        kind: group  # a comment after a value that is not free text: fine
        facilitators:
          - amara-okafor # lead
          - ben-shah
        setting: in-house
        duration_minutes: 90
        topic: Group #3 newly diagnosed
        attendance: 6
        debrief:
          date: 2025-04-07
          method: in-person
        ground_rules_revisited: true
    """)
    p = only(records)
    assert at(p) == (GROUP, 8, 1, "warning", "yaml-comment")
    assert p.message == ("topic is 'Group': the '#3 newly diagnosed' after it is a YAML comment and is not kept; "
                         "to keep it, quote the whole value (topic: \"Group #3 newly diagnosed\"), "
                         "or put a comment on a line of its own")


def test_a_comment_set_apart_by_two_spaces_is_a_comment(records: Path) -> None:
    text = (records / SUPERVISION).read_text().replace("supervisor: Jo Hill", "supervisor: Jo Hill  # clinical lead")
    (records / SUPERVISION).write_text(text)
    exit_code, output = run_check(records)
    assert exit_code == 0 and problems(output, records) == [], output


# --- values ------------------------------------------------------------------

@pytest.mark.parametrize("written", ["9:05", '"9:05"'])
def test_a_time_suggests_the_form_that_passes(records: Path, written: str) -> None:
    text = (records / "meetings/2025/2025-03-04-one-to-one-dk.yaml").read_text()
    (records / "meetings/2025/2025-03-04-one-to-one-dk.yaml").write_text(
        text.replace('checked_in: "10:00"', f"checked_in: {written}"))
    p = only(records)
    assert (p.line, p.code) == (8, "yaml-ambiguous" if written == "9:05" else "bad-format")
    assert 'quote it: "09:05"' in p.message if written == "9:05" else 'Write "09:05".' in p.message
    # the suggestion itself passes
    (records / "meetings/2025/2025-03-04-one-to-one-dk.yaml").write_text(text.replace('"10:00"', '"09:05"'))
    assert run_check(records)[0] == 0


def test_left_without_a_left_date_says_why_it_is_needed(records: Path) -> None:
    text = (records / "supporters/ben-shah.yaml").read_text().replace("status: active", "status: left")
    (records / "supporters/ben-shah.yaml").write_text(text)
    p = only(records)
    assert at(p) == ("supporters/ben-shah.yaml", 3, 1, "error", "missing-field")  # the status line
    assert p.message == ("missing required field 'left'; a supporter whose status is left needs the date they "
                         "left: it ends what they are owed (supervision, training) and dates their last record; "
                         "add left: YYYY-MM-DD")


@pytest.mark.parametrize("misspelt, meant, line", [("dat", "date", 1), ("duration_minute", "duration_minutes", 5)])
def test_a_misspelt_required_field_is_one_problem(records: Path, misspelt: str, meant: str, line: int) -> None:
    text = (records / "meetings/2025/2025-03-12-check-in-ben.yaml").read_text()
    (records / "meetings/2025/2025-03-12-check-in-ben.yaml").write_text(text.replace(f"{meant}:", f"{misspelt}:"))
    p = only(records)
    assert at(p) == ("meetings/2025/2025-03-12-check-in-ben.yaml", line, 1, "error", "unknown-field")
    assert p.message == f"unknown field '{misspelt}'; did you mean '{meant}'? ({meant} is required)"


def test_a_list_item_written_on_the_key_line_says_to_add_the_space(records: Path) -> None:
    write(records / GROUP, """
        date: 2025-04-07
        kind: group
        facilitators: -amara-okafor
        setting: in-house
        duration_minutes: 90
    """)
    p = only(records)
    assert (p.line, p.code) == (3, "wrong-type")
    assert p.message.endswith("a list item needs a space after the '-': write '- amara-okafor' on a line of its own")


def test_a_name_for_an_id_and_unknown_competency_suggest_the_id(records: Path) -> None:
    """A name typed for an id is stopped by the schema's id pattern, which now suggests the id;
    unknown-competency's did-you-mean and known ids were already on main (rules.did_you_mean)."""
    write(records / "supporters/zoe-ng.yaml", """
        id: zoe-ng
        name: Zoe Ng
        status: active
        joined: 2024-01-01
    """)
    write(records / "cpd/zoe-ng/2025-04-01-reading.yaml", """
        supporter: Zoe Ng
        date: 2025-04-01
        title: Reading
        type: reading
        hours: 1
        competencies: [listenning]
    """)
    exit_code, output = run_check(records)
    [supporter] = problems(output, records, "bad-format")  # the schema stops it before the rules
    assert supporter.message == ("supporter 'Zoe Ng' is not in the right form: Lower-case letters, digits and "
                                 "hyphens, e.g. amara-okafor. Did you mean 'zoe-ng'?")
    write(records / "cpd/zoe-ng/2025-04-01-reading.yaml",
          (records / "cpd/zoe-ng/2025-04-01-reading.yaml").read_text().replace("Zoe Ng", "zoe-ng"))
    exit_code, output = run_check(records)
    [competency] = problems(output, records, "unknown-competency")
    assert "did you mean 'listening'?" in competency.message and "known: listening, boundaries" in competency.message


# --- rule gaps: dates that cannot come before their session ------------------------

def test_an_action_done_before_its_session(records: Path) -> None:
    text = (records / SUPERVISION).read_text().replace("done: 2025-04-10", "done: 2025-03-10")
    (records / SUPERVISION).write_text(text)
    p = only(records)
    assert at(p) == (SUPERVISION, 11, 5, "error", "before-session")
    assert p.message == ("action 'Book the safeguarding refresher' is marked done on 2025-03-10, before the "
                         "supervision session on 2025-03-20 that agreed it; fix the date (or write done: true)")


def test_a_copy_given_before_the_session(records: Path) -> None:
    text = (records / SUPERVISION).read_text().replace("copy_given: 2025-03-21", "copy_given: 2025-02-21")
    (records / SUPERVISION).write_text(text)
    p = only(records)
    assert at(p) == (SUPERVISION, 12, 1, "error", "before-session")
    assert "copy_given 2025-02-21 is before the supervision session on 2025-03-20" in p.message


def test_a_meeting_action_done_before_the_meeting(records: Path) -> None:
    path = records / "meetings/2025/2025-03-12-check-in-ben.yaml"
    path.write_text(path.read_text() + "actions:\n  - action: Plan the group\n    done: 2025-03-01\n")
    p = only(records)
    assert (p.line, p.code) == (8, "before-session")
    assert "before the meeting on 2025-03-12" in p.message


# --- markdown ------------------------------------------------------------------

def test_a_list_straight_after_a_paragraph_line_renders_as_a_list(records: Path, tmp_path: Path) -> None:
    text = (records / SUPERVISION).read_text().replace(
        "notes: Reflected on boundaries with a new mentee.",
        "notes: |\n  Reflected on boundaries; agreed to revisit.\n  - signposted to the clinic\n  - booked a follow-up")
    (records / SUPERVISION).write_text(text)
    code, output = run("build", records, "-o", tmp_path / "site", "--no-pdf", "--as-of", AS_OF)
    assert code == 0, output
    page = (tmp_path / "site/supporters/amara-okafor.html").read_text()
    assert re.search(r"<p>Reflected on boundaries; agreed to revisit.</p>\s*<ul>\s*<li>signposted to the clinic</li>"
                     r"\s*<li>booked a follow-up</li>\s*</ul>", page), page
