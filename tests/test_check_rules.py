"""One failing fixture per cross-record rule (peerkit/rules.py), through the real CLI.

Each test writes the offending record inline and asserts the problem's code,
the line of the offending field (never line 1 unless the file itself is the
problem), its severity and the part of the message that tells the user what
to do. The ``records`` fixture (conftest.py) is a valid tree checked as of
2025-06-30.
"""

from __future__ import annotations

import pytest

from conftest import Found, problems, run_check, write


def only(output: str, records, code: str) -> Found:
    """The one problem in ``output``, which must have ``code``."""
    found = problems(output, records)
    assert [p.code for p in found] == [code], output
    return found[0]


def test_valid_tree_passes_cleanly(records):
    exit_code, output = run_check(records)
    assert exit_code == 0, output
    assert problems(output, records) == []
    assert output.strip() == "checked 8 files: 0 errors, 0 warnings"


# --- identity and layout ---------------------------------------------------

def test_id_mismatch(records):
    write(records / "supporters/chloe-ward.yaml", """
        name: Chloe Ward
        id: chloe-w
        status: applicant
        joined: 2025-05-01
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "id-mismatch")
    assert (p.path, p.line, p.column, p.severity) == ("supporters/chloe-ward.yaml", 2, 1, "error")
    assert "id 'chloe-w' does not match the file name 'chloe-ward'" in p.message
    assert "rename the file to chloe-w.yaml or set id: chloe-ward" in p.message
    assert exit_code == 1


def test_duplicate_supporter_id(records):
    # Same stem, other suffix: both files claim the id amara-okafor.
    write(records / "supporters/amara-okafor.yml", """
        name: Amara Okafor (again)
        id: amara-okafor
        status: active
        joined: 2024-01-15
        supervision: {agreement: {signed: 2025-01-06}}
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "duplicate-id")
    assert (p.path, p.line, p.severity) == ("supporters/amara-okafor.yml", 2, "error")
    assert f"id 'amara-okafor' is already used by {records}/supporters/amara-okafor.yaml" in p.message
    assert exit_code == 1


def test_duplicate_competency_id_in_programme(records):
    write(records / "programme.yaml", """
        name: Riverside Peer Mentoring
        supervision:
          default_interval_days: 42
        cpd:
          target_hours_per_year: 20
        mandatory_training:
          - id: safeguarding
            title: Safeguarding adults
        competencies:
          - id: listening
            title: Active listening
          - id: boundaries
            title: Keeping boundaries
          - id: listening
            title: Listening again
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "duplicate-id")
    assert (p.path, p.line, p.column, p.severity) == ("programme.yaml", 14, 5, "error")
    assert "competencies id 'listening' is listed twice" in p.message
    assert exit_code == 1


def test_file_name_date_differs_from_record_date(records):
    write(records / "meetings/2025/2025-04-01-check-in-ben.yaml", """
        kind: coordinator-one-to-one
        date: 2025-04-02
        supporter: ben-shah
        setting: online
        duration_minutes: 30
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "file-name")
    assert (p.path, p.line, p.severity) == ("meetings/2025/2025-04-01-check-in-ben.yaml", 2, "error")
    assert "date 2025-04-02 does not match the file name (2025-04-01)" in p.message
    assert exit_code == 1


def test_file_name_wrong_year_folder(records):
    write(records / "supervision/2024/2025-04-02-ben-shah.yaml", """
        supporter: ben-shah
        date: 2025-04-02
        type: managerial
        supervisor: Jo Hill
        focus: [restoration]
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "file-name")
    assert (p.path, p.line, p.severity) == ("supervision/2024/2025-04-02-ben-shah.yaml", 2, "error")
    assert "a record dated 2025-04-02 belongs in supervision/2025/, not supervision/2024/" in p.message
    assert exit_code == 1


def test_file_name_cpd_folder_is_not_the_supporter(records):
    write(records / "cpd/ben-shah/2025-05-01-group-skills.yaml", """
        date: 2025-05-01
        supporter: amara-okafor
        title: Group facilitation skills
        type: workshop
        hours: 6
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "file-name")
    assert (p.path, p.line, p.severity) == ("cpd/ben-shah/2025-05-01-group-skills.yaml", 2, "error")
    assert "supporter 'amara-okafor' does not match the folder cpd/ben-shah/" in p.message
    assert "move the file to cpd/amara-okafor/" in p.message
    assert exit_code == 1


@pytest.mark.parametrize("rel", [
    "meetings/2025-04-03-check-in-ben.yaml",       # no year folder
    "meetings/2025/2025-04-03.yaml",               # no slug
    "meetings/2025/2025-04-03-Check_In.yaml",      # slug not lower-case words and hyphens
    "meetings/2025/check-in-2025-04-03.yaml",      # date not first
])
def test_file_name_layout(records, rel):
    write(records / rel, """
        date: 2025-04-03
        kind: coordinator-one-to-one
        supporter: ben-shah
        setting: online
        duration_minutes: 30
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "file-name")
    # The whole file is misplaced, so the problem is at the top of the file.
    assert (p.path, p.line, p.severity) == (rel, 1, "error")
    assert "file should be at meetings/<YYYY>/<YYYY-MM-DD>-<slug>.yaml" in p.message
    assert exit_code == 1


# --- references --------------------------------------------------------------

def test_unknown_supporter_in_meeting(records):
    write(records / "meetings/2025/2025-04-03-check-in-ben.yaml", """
        date: 2025-04-03
        kind: coordinator-one-to-one
        supporter: ben-shahh
        setting: online
        duration_minutes: 30
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "unknown-supporter")
    assert (p.path, p.line, p.column, p.severity) == ("meetings/2025/2025-04-03-check-in-ben.yaml", 3, 1, "error")
    assert "no supporter 'ben-shahh' (no supporters/ben-shahh.yaml)" in p.message
    assert exit_code == 1


def test_unknown_supporter_in_lists_points_at_the_item(records):
    write(records / "meetings/2025/2025-04-07-peer-group.yaml", """
        date: 2025-04-07
        kind: group
        facilitators:
          - amara-okafor
          - dan-brown
        setting: in-house
        duration_minutes: 60
        debrief:
          date: 2025-04-07
        attendance: 6
        ground_rules_revisited: true
    """)
    write(records / "supervision/2025/2025-04-08-group.yaml", """
        date: 2025-04-08
        supporters:
          - eve-adams
          - ben-shah
        type: group
        supervisor: Jo Hill
        focus: [restoration]
    """)
    exit_code, output = run_check(records)
    found = problems(output, records)
    assert [(p.path, p.line, p.column, p.code, p.severity) for p in found] == [
        ("meetings/2025/2025-04-07-peer-group.yaml", 5, 5, "unknown-supporter", "error"),
        ("supervision/2025/2025-04-08-group.yaml", 3, 5, "unknown-supporter", "error"),
    ]
    assert "no supporter 'dan-brown'" in found[0].message
    assert "no supporter 'eve-adams'" in found[1].message
    assert exit_code == 1


def test_unknown_competency_in_cpd(records):
    write(records / "cpd/ben-shah/2025-05-01-group-skills.yaml", """
        supporter: ben-shah
        date: 2025-05-01
        title: Group facilitation skills
        type: workshop
        hours: 6
        competencies:
          - listening
          - group-work
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "unknown-competency")
    assert (p.path, p.line, p.column, p.severity) == ("cpd/ben-shah/2025-05-01-group-skills.yaml", 8, 5, "error")
    assert "'group-work' is not a competency in programme.yaml" in p.message
    assert exit_code == 1


def test_unknown_competency_in_supporter(records):
    write(records / "supporters/ben-shah.yaml", """
        id: ben-shah
        name: Ben Shah
        status: active
        joined: 2024-03-01
        development_plan:
          - goal: Run a group on my own
            competency: facilitation
        competencies_assessed:
          listening: 2024-06-01
          empathy: 2024-07-01
        supervision: {agreement: {signed: 2025-01-06}}
    """)
    exit_code, output = run_check(records)
    found = problems(output, records, "unknown-competency")
    assert [(p.path, p.line, p.severity) for p in found] == [
        ("supporters/ben-shah.yaml", 7, "error"),
        ("supporters/ben-shah.yaml", 10, "error"),
    ]
    assert "'facilitation' is not a competency" in found[0].message
    assert "'empathy' is not a competency" in found[1].message
    assert len(problems(output, records)) == 2
    assert exit_code == 1


def test_unknown_training(records):
    write(records / "cpd/ben-shah/2025-05-01-fire-safety.yaml", """
        supporter: ben-shah
        date: 2025-05-01
        title: Fire safety
        type: e-learning
        hours: 1
        mandatory: fire-safety
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "unknown-training")
    assert (p.path, p.line, p.severity) == ("cpd/ben-shah/2025-05-01-fire-safety.yaml", 6, "error")
    assert "'fire-safety' is not in programme.yaml's mandatory_training" in p.message
    assert "known: equality, lone-working, safeguarding" in p.message
    assert exit_code == 1


@pytest.mark.parametrize("evidence", ["../outside.pdf", "evidence/../../outside.pdf", "/etc/hostname"])
def test_evidence_outside(records, evidence):
    (records.parent / "outside.pdf").write_bytes(b"%PDF")
    write(records / "cpd/ben-shah/2025-05-01-group-skills.yaml", f"""
        supporter: ben-shah
        date: 2025-05-01
        title: Group facilitation skills
        type: workshop
        hours: 6
        evidence:
          - {evidence}
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "evidence-outside")
    assert (p.path, p.line, p.column, p.severity) == ("cpd/ben-shah/2025-05-01-group-skills.yaml", 7, 5, "error")
    assert f"evidence '{evidence}' points outside the records folder" in p.message
    assert exit_code == 1


def test_evidence_link_to_outside(records):
    (records.parent / "outside.pdf").write_bytes(b"%PDF")
    (records / "evidence/ben-shah").mkdir(parents=True)
    (records / "evidence/ben-shah/certificate.pdf").symlink_to(records.parent / "outside.pdf")
    write(records / "cpd/ben-shah/2025-05-01-group-skills.yaml", """
        supporter: ben-shah
        date: 2025-05-01
        title: Group facilitation skills
        type: workshop
        hours: 6
        evidence: [evidence/ben-shah/certificate.pdf]
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "evidence-outside")
    assert (p.path, p.line, p.severity) == ("cpd/ben-shah/2025-05-01-group-skills.yaml", 6, "error")


def test_missing_evidence(records):
    (records / "evidence/ben-shah").mkdir(parents=True)
    (records / "evidence/ben-shah/attendance.pdf").write_bytes(b"%PDF-1.4\n")
    write(records / "cpd/ben-shah/2025-05-01-group-skills.yaml", """
        supporter: ben-shah
        date: 2025-05-01
        title: Group facilitation skills
        type: workshop
        hours: 6
        evidence:
          - evidence/ben-shah/attendance.pdf
          - evidence/ben-shah/group-skills.pdf
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "missing-evidence")
    assert (p.path, p.line, p.column, p.severity) == ("cpd/ben-shah/2025-05-01-group-skills.yaml", 8, 5, "error")
    assert "evidence file 'evidence/ben-shah/group-skills.pdf' does not exist" in p.message
    assert exit_code == 1


def test_evidence_that_is_a_folder_is_missing(records):
    (records / "evidence/ben-shah").mkdir(parents=True)
    write(records / "cpd/ben-shah/2025-05-01-group-skills.yaml", """
        supporter: ben-shah
        date: 2025-05-01
        title: Group facilitation skills
        type: workshop
        hours: 6
        evidence: [evidence/ben-shah]
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "missing-evidence")
    assert (p.line, p.severity) == (6, "error")


# --- dates -------------------------------------------------------------------

def test_future_date_of_a_meeting(records):
    write(records / "meetings/2025/2025-07-01-check-in-ben.yaml", """
        kind: coordinator-one-to-one
        date: 2025-07-01
        supporter: ben-shah
        setting: online
        duration_minutes: 30
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "future-date")
    assert (p.path, p.line, p.severity) == ("meetings/2025/2025-07-01-check-in-ben.yaml", 2, "error")
    assert "date 2025-07-01 is after 2025-06-30" in p.message
    assert exit_code == 1
    # The same file is fine once that day has come.
    assert run_check(records, as_of="2025-07-01") == (0, "checked 9 files: 0 errors, 0 warnings\n")


def test_future_date_nested_in_a_supporter(records):
    write(records / "supporters/ben-shah.yaml", """
        id: ben-shah
        name: Ben Shah
        status: active
        joined: 2024-03-01
        competencies_assessed:
          listening: 2025-08-01
        supervision: {agreement: {signed: 2025-01-06}}
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "future-date")
    assert (p.path, p.line, p.column, p.severity) == ("supporters/ben-shah.yaml", 6, 3, "error")
    assert "competencies_assessed.listening 2025-08-01 is after 2025-06-30" in p.message


def test_future_date_of_a_supervision_action_done(records):
    write(records / "supervision/2025/2025-05-20-ben-shah.yaml", """
        date: 2025-05-20
        supporter: ben-shah
        type: managerial
        supervisor: Jo Hill
        focus: [development]
        actions:
          - action: Shadow a group session
            due: 2025-06-15
            done: 2025-07-04
        copy_given: 2025-05-21
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "future-date")
    assert (p.path, p.line, p.severity) == ("supervision/2025/2025-05-20-ben-shah.yaml", 9, "error")
    # Items count from 1, as in schema messages: this is the first action.
    assert "actions[1].done 2025-07-04 is after 2025-06-30" in p.message


def test_before_joined(records):
    write(records / "meetings/2024/2024-02-20-check-in-ben.yaml", """
        kind: coordinator-one-to-one
        date: 2024-02-20
        supporter: ben-shah
        setting: online
        duration_minutes: 30
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "before-joined")
    assert (p.path, p.line, p.severity) == ("meetings/2024/2024-02-20-check-in-ben.yaml", 2, "error")
    assert "dated 2024-02-20, before ben-shah joined (2024-03-01)" in p.message
    assert exit_code == 1


def test_after_left(records):
    write(records / "supporters/chloe-ward.yaml", """
        id: chloe-ward
        name: Chloe Ward
        status: left
        joined: 2024-01-10
        left: 2024-12-31
    """)
    write(records / "cpd/chloe-ward/2025-01-10-listening-skills.yaml", """
        supporter: chloe-ward
        date: 2025-01-10
        title: Listening skills
        type: reading
        hours: 2
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "after-left")
    assert (p.path, p.line, p.severity) == ("cpd/chloe-ward/2025-01-10-listening-skills.yaml", 2, "error")
    assert "dated 2025-01-10, after chloe-ward left (2024-12-31)" in p.message
    assert exit_code == 1


def test_left_before_joined(records):
    write(records / "supporters/chloe-ward.yaml", """
        id: chloe-ward
        name: Chloe Ward
        status: left
        joined: 2024-01-10
        left: 2023-12-31
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "after-left")
    assert (p.path, p.line, p.severity) == ("supporters/chloe-ward.yaml", 5, "error")
    assert "left 2023-12-31 is before joined 2024-01-10" in p.message


# --- privacy -----------------------------------------------------------------

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


@pytest.mark.parametrize("mentee", ["Dave", "dave", "Dave K", "Mrs Smith", "Jones-Smith", "SARAH", "SARAH J"])
def test_mentee_name(records, mentee):
    write(records / "meetings/2025/2025-04-03-one-to-one.yaml", ONE_TO_ONE.format(mentee=mentee))
    exit_code, output = run_check(records)
    p = only(output, records, "mentee-name")
    assert (p.path, p.line, p.column, p.severity) == ("meetings/2025/2025-04-03-one-to-one.yaml", 4, 1, "error")
    assert f"mentee '{mentee}' looks like a name" in p.message
    assert "initials (e.g. DK) or a code (e.g. M-0042)" in p.message
    assert exit_code == 1


@pytest.mark.parametrize("mentee", ["DK", "D.K.", "D. K.", "DKM", "Y", "M-0042", "P17", "'0042'"])
def test_mentee_initials_and_codes_pass(records, mentee):
    write(records / "meetings/2025/2025-04-03-one-to-one.yaml", ONE_TO_ONE.format(mentee=mentee))
    assert run_check(records) == (0, "checked 9 files: 0 errors, 0 warnings\n")


@pytest.mark.parametrize("text, what", [
    ("Asked me to e-mail d.k@example.org with the leaflet.", "an e-mail address"),
    ("Gave their number, 07700 900123, for a call back.", "a phone number"),
    ("Clinic line is +44 20 7946 0958 if needed.", "a phone number"),
    ("Ring 020 7946 0958 to rebook.", "a phone number"),
    ("Mobile 07700-900-123.", "a phone number"),
])
def test_personal_data_in_meeting_notes(records, text, what):
    write(records / "meetings/2025/2025-04-03-check-in-ben.yaml", f"""
        date: 2025-04-03
        kind: coordinator-one-to-one
        supporter: ben-shah
        setting: online
        duration_minutes: 30
        notes: |
          Catch-up on the month.
          {text}
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "personal-data")
    assert (p.path, p.line, p.column, p.severity) == ("meetings/2025/2025-04-03-check-in-ben.yaml", 6, 1, "error")
    assert f"notes contains {what}; remove it" in p.message
    assert exit_code == 1


def test_personal_data_in_nested_free_text(records):
    write(records / "supervision/2025/2025-05-20-ben-shah.yaml", """
        date: 2025-05-20
        supporter: ben-shah
        type: managerial
        supervisor: Jo Hill
        focus: [development]
        actions:
          - action: Agree cover for June
            due: 2025-06-15
            done: true
          - action: Ask jo.hill@example.org about the rota
            done: true
        copy_given: 2025-05-21
    """)
    write(records / "cpd/ben-shah/2025-05-01-group-skills.yaml", """
        supporter: ben-shah
        date: 2025-05-01
        title: Group facilitation skills
        type: workshop
        hours: 6
        reflection: >
          The trainer (07700 900123) shared handouts.
    """)
    exit_code, output = run_check(records)
    found = problems(output, records)
    assert [(p.path, p.line, p.column, p.code) for p in found] == [
        ("cpd/ben-shah/2025-05-01-group-skills.yaml", 6, 1, "personal-data"),
        ("supervision/2025/2025-05-20-ben-shah.yaml", 10, 5, "personal-data"),
    ]
    assert "reflection contains a phone number" in found[0].message
    assert "actions[2].action contains an e-mail address" in found[1].message


def test_dates_times_and_durations_are_not_phone_numbers(records):
    write(records / "meetings/2025/2025-04-03-check-in-ben.yaml", """
        date: 2025-04-03
        kind: coordinator-one-to-one
        supporter: ben-shah
        setting: online
        duration_minutes: 30
        topic: Rota for 2025-03-04 to 2025-04-30
        notes: |
          Met for 60 minutes on 2025-03-04, 10:30-11:30 (0930 start next time).
          Session 12 of 20; 1 hour 45 minutes of shadowing logged on 04/03/2025.
          Budget code 2025-0042; room 0123.
    """)
    assert run_check(records) == (0, "checked 9 files: 0 errors, 0 warnings\n")


# --- best practice (warnings) ------------------------------------------------

def test_lone_working_missing_altogether(records):
    write(records / "meetings/2025/2025-04-03-one-to-one-dk.yaml", """
        date: 2025-04-03
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: community
        duration_minutes: 45
        debrief:
          date: 2025-04-03
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "lone-working")
    assert (p.path, p.line, p.severity) == ("meetings/2025/2025-04-03-one-to-one-dk.yaml", 5, "warning")
    assert "community meeting with no lone-working checked_in or checked_out" in p.message
    assert 'record lone_working.checked_in (time as "HH:MM")' in p.message
    assert exit_code == 0


def test_lone_working_without_check_out(records):
    write(records / "meetings/2025/2025-04-03-one-to-one-dk.yaml", """
        date: 2025-04-03
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: community
        duration_minutes: 45
        lone_working:
          checked_in: "14:00"
        debrief:
          date: 2025-04-03
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "lone-working")
    assert (p.path, p.line, p.severity) == ("meetings/2025/2025-04-03-one-to-one-dk.yaml", 7, "warning")
    assert "community meeting with no lone-working checked_out" in p.message
    assert exit_code == 0


def test_lone_working_not_expected_in_house(records):
    write(records / "meetings/2025/2025-04-03-one-to-one-dk.yaml", """
        date: 2025-04-03
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: in-house
        duration_minutes: 45
        debrief:
          date: 2025-04-03
    """)
    assert run_check(records)[0] == 0
    assert problems(run_check(records)[1], records) == []


def test_no_debrief_recorded(records):
    write(records / "meetings/2025/2025-04-03-one-to-one-dk.yaml", """
        kind: one-to-one
        date: 2025-04-03
        supporter: amara-okafor
        mentee: DK
        setting: telephone
        duration_minutes: 45
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "no-debrief")
    assert (p.path, p.line, p.severity) == ("meetings/2025/2025-04-03-one-to-one-dk.yaml", 2, "warning")
    assert "no debrief recorded for this one-to-one meeting (expected within 2 days)" in p.message
    assert exit_code == 0


def test_no_debrief_late(records):
    write(records / "meetings/2025/2025-04-07-peer-group.yaml", """
        date: 2025-04-07
        kind: group
        facilitators: [amara-okafor, ben-shah]
        setting: in-house
        duration_minutes: 60
        debrief:
          method: email
          date: 2025-04-12
        attendance: 6
        ground_rules_revisited: true
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "no-debrief")
    assert (p.path, p.line, p.column, p.severity) == ("meetings/2025/2025-04-07-peer-group.yaml", 8, 3, "warning")
    assert "debrief 5 days after the meeting, later than the 2 days the programme aims for" in p.message
    assert exit_code == 0


@pytest.mark.parametrize("as_of, warned", [
    ("2025-06-28", False),  # the day of the meeting
    ("2025-06-30", False),  # two days on: still within debrief_within_days
    ("2025-07-01", True),   # three days on: late
])
def test_no_debrief_not_yet_due(records, as_of, warned):
    write(records / "meetings/2025/2025-06-28-one-to-one-dk.yaml", """
        kind: one-to-one
        date: 2025-06-28
        supporter: amara-okafor
        mentee: DK
        setting: online
        duration_minutes: 45
    """)
    exit_code, output = run_check(records, as_of=as_of)
    assert exit_code == 0
    assert [(p.code, p.line) for p in problems(output, records)] == ([("no-debrief", 2)] if warned else [])


def test_no_debrief_uses_programme_setting(records):
    programme = (records / "programme.yaml").read_text().replace("debrief_within_days: 2", "debrief_within_days: 7")
    (records / "programme.yaml").write_text(programme)
    write(records / "meetings/2025/2025-04-07-peer-group.yaml", """
        date: 2025-04-07
        kind: group
        facilitators: [amara-okafor, ben-shah]
        setting: in-house
        duration_minutes: 60
        debrief:
          date: 2025-04-12
        attendance: 6
        ground_rules_revisited: true
    """)
    assert run_check(records) == (0, "checked 9 files: 0 errors, 0 warnings\n")


def test_debrief_before_meeting(records):
    write(records / "meetings/2025/2025-04-07-peer-group.yaml", """
        date: 2025-04-07
        kind: group
        facilitators: [amara-okafor, ben-shah]
        setting: in-house
        duration_minutes: 60
        debrief:
          date: 2025-04-06
        attendance: 6
        ground_rules_revisited: true
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "debrief-before-meeting")
    assert (p.path, p.line, p.severity) == ("meetings/2025/2025-04-07-peer-group.yaml", 7, "error")
    assert "debrief dated 2025-04-06, before the meeting on 2025-04-07" in p.message
    assert exit_code == 1


def test_one_facilitator(records):
    write(records / "meetings/2025/2025-04-07-peer-group.yaml", """
        date: 2025-04-07
        kind: group
        setting: in-house
        facilitators:
          - ben-shah
        duration_minutes: 60
        debrief:
          date: 2025-04-07
        attendance: 6
        ground_rules_revisited: true
    """)
    exit_code, output = run_check(records)
    p = only(output, records, "one-facilitator")
    assert (p.path, p.line, p.severity) == ("meetings/2025/2025-04-07-peer-group.yaml", 4, "warning")
    assert "group run by one facilitator; best practice is two" in p.message
    assert exit_code == 0


SUPERVISION_WITH_ACTION = """
    date: 2025-05-20
    supporter: ben-shah
    type: managerial
    supervisor: Jo Hill
    focus: [development]
    actions:
      - action: Agree cover for June
        done: true
      - action: Shadow a group session with Amara
        due: 2025-06-15
        {done}
    copy_given: 2025-05-21
"""


def test_overdue_action(records):
    write(records / "supervision/2025/2025-05-20-ben-shah.yaml", SUPERVISION_WITH_ACTION.format(done="done: false"))
    exit_code, output = run_check(records)
    p = only(output, records, "overdue-action")
    assert (p.path, p.line, p.column, p.severity) == ("supervision/2025/2025-05-20-ben-shah.yaml", 10, 5, "warning")
    assert "action 'Shadow a group session with Amara' was due 2025-06-15 and is not done" in p.message
    assert "mark it done (done: YYYY-MM-DD) or agree a new due date" in p.message
    assert exit_code == 0


@pytest.mark.parametrize("done, as_of", [
    ("done: true", "2025-06-30"),
    ("done: 2025-06-20", "2025-06-30"),   # done late, but done
    ("done: false", "2025-06-15"),        # due today: not yet overdue
])
def test_action_not_overdue(records, done, as_of):
    write(records / "supervision/2025/2025-05-20-ben-shah.yaml", SUPERVISION_WITH_ACTION.format(done=done))
    assert run_check(records, as_of=as_of) == (0, "checked 9 files: 0 errors, 0 warnings\n")


def test_overdue_action_without_done_field(records):
    write(records / "supervision/2025/2025-05-20-ben-shah.yaml", SUPERVISION_WITH_ACTION.format(done=""))
    exit_code, output = run_check(records)
    p = only(output, records, "overdue-action")
    assert (p.line, p.severity) == (10, "warning")
