"""Matches: the mentee's journey (issue 13), through the real CLI on real files.

Rules each get a failing fixture at the offending field's line; figures are
unit-tested on hand-made records; ``new match``, ``new meeting --match``,
``end`` and ``export matches`` run as a coordinator would run them, on good
and on wrong input. The ``records`` fixture (conftest.py) is checked as of
2025-06-30; the ``matched`` fixture adds one active match with a recent
meeting, and is still clean.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import DEMO_AS_OF, NOT_IN_AMARA, SAMPLE_AS_OF, problems, run, run_check, write, write_sample
from peerkit.codes import BY_CODE
from peerkit.model import Match, Meeting, Programme, Records, Supporter
from peerkit.obligations import QUIET_MATCH, WAITING, listed, obligations
from peerkit.relationships import ENDING_REASONS, MENTEE, SUPPORTER, Relationships, link_meetings, people_reached
from peerkit.source import Source
from peerkit.validate import vocabulary

AS_OF = date(2025, 6, 30)

MATCH = """
    id: 2025-001
    mentee: "DK"
    supporter: amara-okafor
    referred: 2025-02-10
    matched: 2025-02-20
    sessions_offered: 6
    status: active
    goals:
      - goal: Go to the next clinic appointment
        set: 2025-03-04
        status: in-progress
"""
RECENT = """
    date: 2025-06-20
    kind: one-to-one
    supporter: amara-okafor
    mentee: "DK"
    match: 2025-001
    setting: in-house
    duration_minutes: 60
    debrief:
      date: 2025-06-20
      method: in-person
"""
MATCH_FILE = "matches/2025/2025-001.yaml"
RECENT_FILE = "meetings/2025/2025-06-20-one-to-one-amara-okafor.yaml"


@pytest.fixture
def matched(records: Path) -> Path:
    """The valid tree plus one active match (DK with Amara) met ten days ago."""
    write(records / MATCH_FILE, MATCH)
    write(records / RECENT_FILE, RECENT)
    return records


def found(records: Path, *args: str) -> list[tuple[str, int, int, str, str]]:
    """(path, line, column, severity, code) of every problem ``check`` reports."""
    _, output = run_check(records, *args)
    return [(p.path, p.line, p.column, p.severity, p.code) for p in problems(output, records)]


def one(records: Path, code: str):
    """The one problem of ``code``; there must be no other problem of its severity."""
    _, output = run_check(records)
    severity = BY_CODE[code].severity
    every = [p for p in problems(output, records) if p.severity == severity]
    assert [p.code for p in every] == [code], output
    return every[0]


def test_a_match_and_its_meetings_pass_cleanly(matched):
    exit_code, output = run_check(matched)
    assert exit_code == 0 and problems(output, matched) == [], output
    assert output.strip() == "checked 10 files: 0 errors, 0 warnings"


# --- references: errors ---------------------------------------------------------------

def test_unknown_match_on_a_meeting(matched):
    meeting = matched / RECENT_FILE
    meeting.write_text(meeting.read_text().replace("match: 2025-001", "match: 2025-011"))
    p = one(matched, "unknown-match")
    assert (p.path, p.line, p.column, p.severity) == (RECENT_FILE, 5, 1, "error")
    assert "no match '2025-011'" in p.message and "did you mean '2025-001'?" in p.message


def test_unknown_match_in_rematched_from(matched):
    write(matched / MATCH_FILE, MATCH + "    rematched_from: 2024-077\n")
    p = one(matched, "unknown-match")
    assert (p.path, p.line, p.severity) == (MATCH_FILE, 12, "error")


@pytest.mark.parametrize("field, value, line", [("supporter", "ben-shah", 3), ("mentee", '"DQ"', 4)])
def test_meeting_whose_supporter_or_mentee_is_not_its_matchs(matched, field, value, line):
    text = (matched / RECENT_FILE).read_text().replace(f"{field}: ", f"{field}: {value} #", 1)
    (matched / RECENT_FILE).write_text(text)
    p = one(matched, "match-mismatch")
    assert (p.path, p.line, p.column, p.severity) == (RECENT_FILE, line, 1, "error")
    assert "fix the" in p.message


def test_meeting_naming_a_waiting_match(matched):
    write(matched / MATCH_FILE, """
        id: 2025-001
        mentee: "DK"
        referred: 2025-06-25
        status: waiting
    """)
    p = one(matched, "match-mismatch")
    assert (p.path, p.line) == (RECENT_FILE, 5)
    assert "still waiting for a supporter" in p.message


def test_rematch_of_another_mentee(matched):
    write(matched / "matches/2025/2025-002.yaml", """
        id: 2025-002
        mentee: "ZR"
        referred: 2025-06-25
        status: waiting
        rematched_from: 2025-001
    """)
    p = one(matched, "match-mismatch")
    assert (p.path, p.line) == ("matches/2025/2025-002.yaml", 5)
    assert "was with mentee 'DK', not 'ZR'" in p.message


def test_match_dates_out_of_order(matched):
    write(matched / MATCH_FILE, MATCH.replace("matched: 2025-02-20", "matched: 2025-02-01"))
    p = one(matched, "match-dates")
    assert (p.path, p.line, p.severity) == (MATCH_FILE, 5, "error")
    assert "matched 2025-02-01 is before referred 2025-02-10" in p.message


# --- the schema: an ended match needs its date and reason -------------------------------

def test_ended_match_without_date_or_reason_points_at_status(matched):
    write(matched / MATCH_FILE, MATCH.replace("status: active", "status: ended"))
    exit_code, output = run_check(matched)
    found_here = [(p.line, p.code, p.message) for p in problems(output, matched) if p.path == MATCH_FILE]
    assert [(line, code) for line, code, _ in found_here] == [(7, "missing-field"), (7, "missing-field")]
    assert found_here[0][2] == ("missing required field 'ended'; an ended match needs its ended date and "
                                "ending.reason; peerkit end writes both")
    assert exit_code == 1


@pytest.mark.parametrize("extra, line, needle", [
    ("ended: 2025-06-01\n", 12, "only an ended match has an ended date"),
    ("ending:\n  reason: completed\n", 12, "only an ended match has an ending"),
])
def test_active_match_with_an_ending(matched, extra, line, needle):
    write(matched / MATCH_FILE, MATCH + "\n".join("    " + row for row in extra.splitlines()) + "\n")
    p = one(matched, "invalid")
    assert (p.path, p.line) == (MATCH_FILE, line) and needle in p.message


def test_waiting_referral_with_a_supporter(matched):
    write(matched / "matches/2025/2025-002.yaml", """
        id: 2025-002
        mentee: "ZR"
        supporter: ben-shah
        referred: 2025-06-25
        status: waiting
    """)
    p = one(matched, "invalid")
    assert (p.path, p.line) == ("matches/2025/2025-002.yaml", 3)
    assert "a waiting referral has no supporter yet" in p.message


def test_only_one_to_ones_name_a_match(matched):
    path = matched / "meetings/2025/2025-03-10-wellbeing-group.yaml"
    path.write_text(path.read_text().replace("setting: in-house", "match: 2025-001\nsetting: in-house"))
    p = one(matched, "invalid")
    assert (p.path, p.line) == ("meetings/2025/2025-03-10-wellbeing-group.yaml", 6)
    assert "only one-to-one meetings belong to a match" in p.message


# --- identity, dates, privacy ------------------------------------------------------------

@pytest.mark.parametrize("rel, text, code, line", [
    ("matches/2024/2025-001.yaml", MATCH, "file-name", 4),
    ("matches/2025-001.yaml", MATCH, "file-name", 1),
    ("matches/2025/2025-01.yaml", MATCH, "id-mismatch", 1),
    (MATCH_FILE, MATCH.replace("supporter: amara-okafor", "supporter: amara-okafr"), "unknown-supporter", 3),
    (MATCH_FILE, MATCH.replace('mentee: "DK"', "mentee: Dennis"), "mentee-name", 2),
    (MATCH_FILE, MATCH.replace("set: 2025-03-04", "set: 2025-07-04"), "future-date", 10),
])
def test_match_identity_dates_and_mentee(records, rel, text, code, line):
    write(records / rel, text)
    codes = [(p.path, p.line, p.code) for p in problems(run_check(records)[1], records) if p.severity == "error"]
    assert codes == [(rel, line, code)]


def test_two_matches_with_one_id(matched):
    write(matched / "matches/2024/2025-001.yaml", MATCH.replace("referred: 2025-02-10", "referred: 2024-12-10"))
    errors = [(p.path, p.line, p.code) for p in problems(run_check(matched)[1], matched) if p.severity == "error"]
    assert ("matches/2025/2025-001.yaml", 1, "duplicate-id") in errors


def test_matched_after_the_supporter_left(matched):
    write(matched / "supporters/cara-lee.yaml", """
        id: cara-lee
        name: Cara Lee
        status: left
        joined: 2024-05-01
        left: 2025-01-31
    """)
    write(matched / "matches/2025/2025-002.yaml", """
        id: 2025-002
        mentee: "ZR"
        supporter: cara-lee
        referred: 2025-02-01
        matched: 2025-02-03
        status: ended
        ended: 2025-02-03
        ending:
          reason: supporter-left
    """)
    p = one(matched, "after-left")
    assert (p.path, p.line) == ("matches/2025/2025-002.yaml", 5)
    assert p.message == "matched 2025-02-03, after cara-lee left (2025-01-31)"


ENDED = """
    id: 2025-001
    mentee: "DK"
    supporter: amara-okafor
    referred: 2025-02-10
    matched: 2025-02-20
    sessions_offered: 6
    status: ended
    ended: 2025-06-25
    ending:
      reason: completed
      next_steps: NEXT
      signposted_to: [SIGN]
"""


@pytest.mark.parametrize("text, line", [
    (MATCH + "    notes: Call her on 07700 900123.\n", 12),
    (MATCH.replace("Go to the next clinic appointment", "Ring the clinic on 0118 496 0000"), 9),
    (ENDED.replace("NEXT", "Email dk@example.org about the group.").replace("SIGN", "a housing line"), 11),
    (ENDED.replace("NEXT", "The drop-in.").replace("SIGN", "call 020 7946 0123"), 12),
], ids=["notes", "goal", "next_steps", "signposted_to"])
def test_contact_details_in_match_text(matched, text, line):
    write(matched / MATCH_FILE, text)
    errors = [(p.line, p.code) for p in problems(run_check(matched)[1], matched) if p.path == MATCH_FILE]
    assert errors == [(line, "personal-data")]


# --- best practice: warnings ---------------------------------------------------------------

def test_more_sessions_held_than_offered(matched):
    write(matched / MATCH_FILE, MATCH.replace("sessions_offered: 6", "sessions_offered: 1"))
    p = one(matched, "over-sessions")
    assert (p.path, p.line, p.severity) == (MATCH_FILE, 6, "warning")
    assert p.message.startswith("2 one-to-one meetings held in this match, more than the 1 sessions offered")


def test_quiet_match_is_said_kindly_at_its_status(matched):
    (matched / RECENT_FILE).unlink()  # the last meeting is now 2025-03-04, found by supporter and mentee
    p = one(matched, "quiet-match")
    assert (p.path, p.line, p.severity) == (MATCH_FILE, 7, "warning")
    assert "no meeting recorded since 2025-03-04 (118 days; the programme checks in after 42)" in p.message
    assert "may have stepped back" in p.message and "peerkit end 2025-001" in p.message


def test_quiet_after_days_is_the_programmes_setting(matched):
    (matched / RECENT_FILE).unlink()
    programme = matched / "programme.yaml"
    programme.write_text(programme.read_text().replace(
        "debrief_within_days: 2\n", "debrief_within_days: 2\nrelationships:\n  quiet_after_days: 120\n"))
    assert found(matched) == []


def test_referral_waiting_too_long(matched):
    write(matched / "matches/2025/2025-002.yaml", """
        id: 2025-002
        mentee: "ZR"
        referred: 2025-06-01
        status: waiting
    """)
    p = one(matched, "waiting-too-long")
    assert (p.path, p.line, p.severity) == ("matches/2025/2025-002.yaml", 3, "warning")
    assert ("referred 2025-06-01 and waiting 29 days for a supporter (the programme aims to match within 28)"
            in p.message)


def test_completed_without_next_steps(matched):
    write(matched / MATCH_FILE, MATCH.replace("status: active", "status: ended")
          + "    ended: 2025-06-25\n    ending:\n      reason: completed\n")
    p = one(matched, "no-next-steps")
    assert (p.path, p.line, p.severity) == (MATCH_FILE, 14, "warning")
    assert "add ending.next_steps" in p.message


def ended_match(match_id: str, mentee: str, supporter: str, referred: str, ended: str, reason: str) -> str:
    return f"""
        id: {match_id}
        mentee: "{mentee}"
        supporter: {supporter}
        referred: {referred}
        matched: {referred}
        sessions_offered: 6
        status: ended
        ended: {ended}
        ending:
          reason: {reason}
    """


def test_a_mentee_in_three_matches_within_a_year(matched):
    write(matched / "matches/2024/2024-010.yaml", ended_match(
        "2024-010", "DK", "ben-shah", "2024-08-01", "2024-09-01", "other"))
    write(matched / "matches/2024/2024-011.yaml", ended_match("2024-011", "DK", "ben-shah", "2024-10-01", "2024-11-01",
                                                              "stopped-engaging"))
    p = one(matched, "rematch-pattern")
    assert (p.path, p.line, p.severity) == (MATCH_FILE, 2, "warning")
    assert "mentee DK has been in 3 matches in the last 12 months (2024-010, 2024-011, 2025-001)" in p.message


def test_two_matches_or_an_old_third_are_no_pattern(matched):
    write(matched / "matches/2024/2024-010.yaml", ended_match(
        "2024-010", "DK", "ben-shah", "2024-06-30", "2024-09-01", "other"))
    write(matched / "matches/2024/2024-011.yaml", ended_match("2024-011", "DK", "ben-shah", "2024-10-01", "2024-11-01",
                                                              "stopped-engaging"))
    assert found(matched) == []  # referred 2024-06-30, 365 days before as-of: outside the last 12 months


def test_a_supporter_with_two_breakdowns_within_a_year(matched):
    write(matched / "matches/2024/2024-010.yaml", ended_match(
        "2024-010", "AB", "ben-shah", "2024-08-01", "2024-09-01", "breakdown"))
    write(matched / "matches/2025/2025-002.yaml", ended_match(
        "2025-002", "CD", "ben-shah", "2025-01-10", "2025-02-01", "breakdown"))
    p = one(matched, "rematch-pattern")
    assert (p.path, p.line) == ("matches/2025/2025-002.yaml", 10)
    assert "ben-shah has had 2 relationships end in breakdown in the last 12 months (2024-010, 2025-002)" in p.message


# --- figures, on hand-made records -------------------------------------------------------

def _source(rel: str) -> Source:
    return Source(rel, rel, {})


def make_match(match_id: str, mentee: str = "DK", supporter: str | None = "amy", referred: str = "2025-01-01",
               matched: str | None = "2025-01-10", status: str = "active", **extra) -> Match:
    data = {"id": match_id, "mentee": mentee, "referred": referred, "status": status, **extra}
    if supporter:
        data["supporter"] = supporter
    if matched:
        data["matched"] = matched
    return Match.from_data(data, _source(f"matches/{referred[:4]}/{match_id}.yaml"))


def make_meeting(day: str, mentee: str = "DK", supporter: str = "amy", match: str | None = None,
                 kind: str = "one-to-one") -> Meeting:
    data = {"date": day, "kind": kind, "supporter": supporter, "mentee": mentee, "setting": "online",
            "duration_minutes": 30}
    if match:
        data["match"] = match
    return Meeting.from_data(data, _source(f"meetings/{day[:4]}/{day}-{mentee.lower()}.yaml"))


def records_of(matches=(), meetings=(), supporters=(), quiet: int | None = None, waiting: int | None = None) -> Records:
    programme = {"name": "P", "supervision": {"default_interval_days": 42}, "cpd": {"target_hours_per_year": 10},
                 "competencies": [{"id": "c", "title": "C"}]}
    if quiet or waiting:
        settings = (("quiet_after_days", quiet), ("waiting_alert_days", waiting))
        programme["relationships"] = {k: v for k, v in settings if v}
    return Records(root=Path("."), by_kind={"programme": (Programme.from_data(programme, _source("programme.yaml")),),
                                            "match": tuple(matches), "meeting": tuple(meetings),
                                            "supporter": tuple(supporters)},
                   stems={"match": frozenset(m.id for m in matches)})


def test_meetings_belong_to_the_match_they_name_or_to_the_one_running():
    first = make_match("m1", matched="2025-01-10", status="ended", ended="2025-03-01", ending={"reason": "other"})
    second = make_match("m2", referred="2025-03-05", matched="2025-03-10")
    named = make_meeting("2025-02-01", match="m2")  # names m2 although m1 was running: the name wins
    running = make_meeting("2025-02-15")
    after = make_meeting("2025-03-12")
    between = make_meeting("2025-03-03")  # after m1 ended, before m2 began: neither
    other_mentee = make_meeting("2025-03-20", mentee="ZR")
    group = make_meeting("2025-03-21", kind="group")
    linked = link_meetings(records_of([first, second], [named, running, after, between, other_mentee, group]))
    assert linked[first.source.rel] == [running]
    assert linked[second.source.rel] == [named, after]


def test_sessions_held_count_only_meetings_up_to_as_of():
    m = make_match("m1", sessions_offered=2)
    figures = Relationships(records_of([m], [make_meeting("2025-01-20"), make_meeting("2025-02-01"),
                                              make_meeting("2025-03-01")]), date(2025, 2, 15))
    p = figures.of(m)
    assert (p.held, p.last_meeting, p.over_offer) == (2, date(2025, 2, 1), False)
    assert Relationships(figures.records, date(2025, 3, 1)).of(m).over_offer


@pytest.mark.parametrize("days_quiet, quiet", [(42, False), (43, True)])
def test_quiet_boundary_and_the_obligation_agree(days_quiet, quiet):
    m = make_match("m1")
    records = records_of([m], [make_meeting("2025-02-01")])
    as_of = date(2025, 2, 1) + timedelta(days=days_quiet)
    assert Relationships(records, as_of).quiet(Relationships(records, as_of).of(m)) is quiet
    [o] = [o for o in obligations(records, as_of) if o.kind == QUIET_MATCH]
    assert (o.due, o.since, o.subject, o.mentee, o.people) == (
        date(2025, 3, 15), date(2025, 2, 1), "m1", "DK", ("amy",))
    assert listed(o, as_of) is quiet


def test_a_match_never_met_is_quiet_from_the_day_it_was_made():
    m = make_match("m1", matched="2025-01-10")
    [o] = [o for o in obligations(records_of([m]), date(2025, 3, 1)) if o.kind == QUIET_MATCH]
    assert (o.since, o.status) == (date(2025, 1, 10), "never met")


@pytest.mark.parametrize("days, alert", [(28, False), (29, True)])
def test_waiting_boundary_and_the_obligation_agree(days, alert):
    m = make_match("w1", supporter=None, matched=None, status="waiting")
    as_of = date(2025, 1, 1) + timedelta(days=days)
    records = records_of([m])
    [w] = Relationships(records, as_of).waiting
    assert (w.days, w.alert) == (days, alert)
    [o] = [o for o in obligations(records, as_of) if o.kind == WAITING]
    assert listed(o, as_of) is alert and o.people == ()


def test_waiting_alert_days_is_the_programmes_setting():
    m = make_match("w1", supporter=None, matched=None, status="waiting")
    [w] = Relationships(records_of([m], waiting=60), date(2025, 2, 15)).waiting
    assert not w.alert


def test_endings_in_the_last_twelve_months_by_reason():
    def ended(match_id, day, reason):
        return make_match(match_id, status="ended", ended=day, ending={"reason": reason})

    matches = [ended("a", "2024-06-30", "breakdown"),  # 365 days before as-of: outside
               ended("b", "2024-07-01", "breakdown"), ended("c", "2025-06-30", "completed"),
               ended("d", "2025-01-01", "completed"), make_match("e")]
    endings = dict(Relationships(records_of(matches), date(2025, 6, 30)).endings)
    assert list(endings) == list(ENDING_REASONS)
    assert endings == {**{r: 0 for r in ENDING_REASONS}, "breakdown": 1, "completed": 2}


def test_rematch_flags_for_mentees_and_supporters():
    def ended(match_id, mentee, referred, day, reason, supporter="amy"):
        return make_match(match_id, mentee=mentee, supporter=supporter, referred=referred, matched=referred,
                          status="ended", ended=day, ending={"reason": reason})

    matches = [ended("a", "DK", "2024-09-01", "2024-10-01", "breakdown"),
               ended("b", "DK", "2024-11-01", "2024-12-01", "other", supporter="bob"),
               make_match("c", mentee="DK", referred="2025-01-05", matched="2025-01-06", supporter="cat"),
               ended("d", "ZR", "2025-02-01", "2025-03-01", "breakdown"),
               ended("e", "QQ", "2025-03-01", "2025-03-05", "breakdown", supporter="bob")]
    flags = Relationships(records_of(matches), date(2025, 6, 30)).rematch_flags
    assert [(f.kind, f.who, [m.id for m in f.matches]) for f in flags] == [
        (MENTEE, "DK", ["a", "b", "c"]), (SUPPORTER, "amy", ["a", "d"])]


def test_goals_caseload_people_reached_and_a_supporters_counts():
    amy = Supporter.from_data({"id": "amy", "name": "Amy", "status": "active", "joined": "2020-01-01",
                               "roles": ["one-to-one"]}, _source("supporters/amy.yaml"))
    bob = Supporter.from_data({"id": "bob", "name": "Bob", "status": "active", "joined": "2020-01-01",
                               "roles": ["group"]}, _source("supporters/bob.yaml"))
    goals = [{"goal": "g1", "status": "achieved"}, {"goal": "g2"}]
    done = make_match("a", mentee="AA", status="ended", ended="2025-03-01",
                      ending={"reason": "completed", "next_steps": "x"}, goals=goals)
    old = make_match("b", mentee="BB", referred="2023-01-01", matched="2023-01-02", status="ended",
                     ended="2023-05-01", ending={"reason": "completed"}, goals=[{"goal": "g3", "status": "achieved"}])
    now = make_match("c", mentee="CC", goals=[{"goal": "g4", "status": "dropped"}])
    waiting = make_match("d", mentee="DD", supporter=None, matched=None, status="waiting")
    records = records_of([done, old, now, waiting], [make_meeting("2025-06-01", mentee="EE", supporter="bob")],
                         supporters=[amy, bob])
    figures = Relationships(records, date(2025, 6, 30))
    assert figures.goals == {"set": 3, "planned": 1, "in-progress": 0, "achieved": 1, "dropped": 1}
    assert [(c.supporter, [p.match.id for p in c.active]) for c in figures.caseloads] == [("amy", ["c"])]
    assert figures.people_reached == 3  # AA and CC in matches, EE met one-to-one; BB was long ago
    assert people_reached(records, date(2023, 1, 1), date(2023, 12, 31)) == {"BB"}
    counts = figures.counts_for("amy")
    assert (counts.supported, counts.completed, counts.goals_achieved) == (3, 2, 2)


def test_goal_statuses_are_the_development_plans():
    assert vocabulary("match", "goals", "status") == vocabulary("supporter", "development_plan", "status")


# --- peerkit new match, new meeting --match ------------------------------------------------

def test_new_match_puts_a_referral_on_the_waiting_list(records):
    result = run("new", "match", records, "--mentee", "DK", "--referred", "2025-06-20")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("matches/2025/2025-001.yaml")
    assert (records / "matches/2025/2025-001.yaml").read_text() == (
        'id: 2025-001\nmentee: "DK"\nreferred: 2025-06-20\nstatus: waiting\n')


def test_new_match_with_a_supporter_is_active_and_numbered_after_the_others(records):
    write(records / "matches/2025/2025-001.yaml", 'id: 2025-001\nmentee: "ZR"\nreferred: 2025-06-20\nstatus: waiting\n')
    result = run("new", "match", records, "--mentee", "M-0042", "--referred", "2025-06-01", "--supporter",
                 "amara-okafor", "--matched", "2025-06-10", "--sessions", "6", "--goal", "Register with a GP",
                 "--goal", "Try the drop-in")
    assert result.exit_code == 0, result.output
    assert (records / "matches/2025/2025-002.yaml").read_text() == (
        'id: 2025-002\nmentee: "M-0042"\nsupporter: amara-okafor\nreferred: 2025-06-01\nmatched: 2025-06-10\n'
        'sessions_offered: 6\nstatus: active\ngoals:\n  - goal: Register with a GP\n    set: 2025-06-10\n'
        '    status: planned\n  - goal: Try the drop-in\n    set: 2025-06-10\n    status: planned\n')


@pytest.mark.parametrize("args, needle", [
    (["--mentee", "Dennis"], "mentee-name: mentee 'Dennis' looks like a name"),
    (["--mentee", "DK", "--supporter", "amara-okafor"], "missing --sessions"),
    (["--mentee", "DK", "--supporter", "amara-okafr", "--sessions", "4"], "did you mean 'amara-okafor'?"),
    (["--mentee", "DK", "--rematched-from", "2024-009"], "unknown-match: no match '2024-009'"),
    (["--mentee", "DK", "--referred", "2025-06-20", "--supporter", "amara-okafor", "--sessions", "4",
      "--matched", "2025-06-01"], "match-dates: matched 2025-06-01 is before referred 2025-06-20"),
])
def test_new_match_refuses_wrong_input_and_writes_nothing(records, args, needle):
    result = run("new", "match", records, *args)
    assert result.exit_code != 0
    assert needle in result.output
    assert not (records / "matches").exists()


def test_new_match_never_replaces_an_id_taken(records):
    write(records / "matches/2025/x-1.yaml", 'id: x-1\nmentee: "ZR"\nreferred: 2025-06-20\nstatus: waiting\n')
    before = (records / "matches/2025/x-1.yaml").read_bytes()
    result = run("new", "match", records, "--mentee", "DK", "--referred", "2025-06-21", "--id", "x-1")
    assert result.exit_code == 1 and "x-1.yaml already exists; nothing was written" in result.output
    assert (records / "matches/2025/x-1.yaml").read_bytes() == before


def test_new_meeting_with_match_takes_its_supporter_and_mentee(matched):
    result = run("new", "meeting", matched, "--match", "2025-001", "--setting", "online", "--duration", "30",
                 "--date", "2025-06-25")
    assert result.exit_code == 0, result.output
    text = (matched / "meetings/2025/2025-06-25-one-to-one-amara-okafor.yaml").read_text()
    assert text.startswith('date: 2025-06-25\nkind: one-to-one\nsupporter: amara-okafor\nmentee: "DK"\n'
                           'match: 2025-001\nsetting: online\n')
    wrong = run("new", "meeting", matched, "--match", "2025-001", "--setting", "online", "--duration", "30",
                "--date", "2025-06-26", "--mentee", "ZR")
    assert wrong.exit_code == 1 and "match-mismatch: mentee 'ZR' is not match 2025-001's mentee 'DK'" in wrong.output


# --- peerkit end ----------------------------------------------------------------------------

COMMENTED = """\
# Referred by the clinic health adviser.
id: 2025-001
mentee: "DK"   # initials only
supporter: amara-okafor
referred: 2025-02-10
matched: 2025-02-20
sessions_offered: 6
status: active  # matched at the drop-in
goals:
  - goal: Go to the next clinic appointment
    set: 2025-03-04
    status: achieved

# The coordinator's notes
notes: |
  Prefers evening sessions.
"""


def files_in(root: Path) -> dict[str, bytes]:
    """Every file and its bytes, the check's cache aside."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
            and ".peerkit-cache" not in p.parts}


def test_end_edits_the_match_in_place_keeping_comments_and_order(matched):
    (matched / MATCH_FILE).write_text(COMMENTED)
    before = files_in(matched)
    result = run("end", "2025-001", matched, "--reason", "completed", "--date", "2025-06-25", "--next-steps",
                 "Keep going to the drop-in.\nClinic again in September.", "--signpost", "the drop-in group")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{matched}/{MATCH_FILE}"
    assert (matched / MATCH_FILE).read_text() == COMMENTED.replace(
        "status: active  # matched", "status: ended  # matched").replace(
        "    status: achieved\n", "    status: achieved\nended: 2025-06-25\nending:\n  reason: completed\n"
        "  next_steps: |\n    Keep going to the drop-in.\n    Clinic again in September.\n"
        "  signposted_to:\n    - the drop-in group\n")
    after = files_in(matched)
    assert {k for k in after if after[k] != before.get(k)} == {MATCH_FILE}  # nothing else written
    assert found(matched) == []


def test_end_keeps_crlf_line_ends_and_a_byte_order_mark(matched):
    text = "\ufeff" + "\r\n".join(line[4:] for line in MATCH.strip("\n").splitlines()) + "\r\n"
    (matched / MATCH_FILE).write_bytes(text.encode("utf-8"))
    result = run("end", "2025-001", matched, "--reason", "moved-to-group", "--date", "2025-06-25")
    assert result.exit_code == 0, result.output
    raw = (matched / MATCH_FILE).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid: 2025-001\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert b"status: ended\r\n" in raw and raw.endswith(b"ended: 2025-06-25\r\nending:\r\n  reason: moved-to-group\r\n")


def test_end_refuses_a_match_already_ended_and_changes_nothing(matched):
    run("end", "2025-001", matched, "--reason", "completed", "--date", "2025-06-25", "--next-steps", "Plan")
    before = (matched / MATCH_FILE).read_bytes()
    result = run("end", "2025-001", matched, "--reason", "breakdown")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"error: match 2025-001 has already ended on 2025-06-25; nothing was changed "
        f"(edit {matched}/{MATCH_FILE} by hand to correct it)"]
    assert (matched / MATCH_FILE).read_bytes() == before


def test_end_refuses_what_check_would_refuse(matched):
    before = files_in(matched)
    result = run("end", "2025-001", matched, "--reason", "completed", "--date", "2025-02-01")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0] == (f"{matched}/{MATCH_FILE}:12:1: error: match-dates ended 2025-02-01 is before matched "
                        f"2025-02-20; fix one of the dates")
    assert lines[1].startswith("error: end refused") and len(lines) == 2
    assert files_in(matched) == before


@pytest.mark.parametrize("reference, needle", [
    ("2025-011", "error: no match '2025-011' in {root}/matches/; did you mean '2025-001'? known ids: 2025-001"),
    ("2025-*", "error: no match '2025-*' in {root}/matches/; did you mean '2025-001'? known ids: 2025-001"),
    ("../supporters/ben-shah.yaml", "error: ../supporters/ben-shah.yaml is not a match file in {root}/matches/"),
])
def test_end_names_a_match_that_is_not_there(matched, reference, needle):
    before = files_in(matched)
    result = run("end", reference, matched, "--reason", "other")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [needle.format(root=matched) + (
        "; give a match id or its file" if reference.endswith(".yaml") else "")]
    assert files_in(matched) == before


def test_end_by_path_and_a_wrong_reason(matched):
    wrong = run("end", "2025-001", matched, "--reason", "finished")
    assert wrong.exit_code == 2 and "'finished' is not one of 'completed', 'breakdown'" in wrong.output
    result = run("end", str(matched / MATCH_FILE), matched, "--reason", "friendship", "--date", "2025-06-25")
    assert result.exit_code == 0, result.output
    assert "reason: friendship" in (matched / MATCH_FILE).read_text()


def test_end_leaves_a_flow_style_file_to_the_hand(matched):
    (matched / MATCH_FILE).write_text('{id: 2025-001, mentee: "DK", supporter: amara-okafor, referred: 2025-02-10, '
                                      'matched: 2025-02-20, sessions_offered: 6, status: active}\n')
    before = files_in(matched)
    result = run("end", "2025-001", matched, "--reason", "other", "--date", "2025-06-25")
    assert result.exit_code == 1
    assert "written in flow style" in result.output and files_in(matched) == before


def test_end_of_a_broken_file_says_to_fix_it_first(matched):
    write(matched / MATCH_FILE, MATCH.replace("status: active", "status: [active"))
    result = run("end", "2025-001", matched, "--reason", "other")
    assert result.exit_code == 1 and "has errors; fix them first (peerkit check)" in result.output


def test_end_warns_of_a_completed_match_with_no_next_steps(matched):
    result = run("end", "2025-001", matched, "--reason", "completed", "--date", "2025-06-25")
    assert result.exit_code == 0
    assert f"{matched}/{MATCH_FILE}:14:3: warning: no-next-steps completed with no next steps" in result.output


# --- export ----------------------------------------------------------------------------------

def test_export_matches_carries_no_mentee_goal_or_note(matched):
    write(matched / "matches/2025/dk-2.yaml", """
        id: dk-2
        mentee: "DK"
        supporter: ben-shah
        referred: 2025-01-10
        matched: 2025-01-10
        sessions_offered: 6
        status: ended
        goals:
          - goal: Goalmarker
        ended: 2025-02-01
        ending:
          reason: completed
          next_steps: Nextmarker.
          signposted_to: [Signmarker]
        notes: Notemarker.
    """)
    result = run("export", "matches", matched, "--with-paths", "--with-text")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["id", "supporter", "status", "referred", "matched", "sessions_offered", "sessions_held",
                       "goals_set", "goals_achieved", "ended", "ending_reason", "rematched_from", "path"]
    assert rows[1:] == [
        ["mentee-2", "ben-shah", "ended", "2025-01-10", "2025-01-10", "6", "0", "1", "0", "2025-02-01", "completed", "",
         "matches/2025/mentee-2.yaml"],
        ["2025-001", "amara-okafor", "active", "2025-02-10", "2025-02-20", "6", "2", "1", "0", "", "", "",
         "matches/2025/2025-001.yaml"]]
    for secret in ("DK", "dk", "Notemarker", "Goalmarker", "Nextmarker", "Signmarker"):
        assert secret not in result.output
    plain = run("export", "matches", matched)  # by default, no paths
    assert [row[:-1] for row in rows] == list(csv.reader(io.StringIO(plain.output)))


def test_export_matches_by_month_counts_people_and_endings(matched):
    write(matched / "matches/2025/2025-002.yaml", ended_match("2025-002", "ZR", "ben-shah", "2025-03-03", "2025-03-20",
                                                              "breakdown"))
    result = run("export", "matches", matched, "--aggregate", "month", "--no-suppress")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["month", "referrals", "matched", "people_reached", "endings", *ENDING_REASONS]
    by_month = {row["month"]: row for row in rows}
    assert [row["month"] for row in rows] == ["2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    february, march = by_month["2025-02"], by_month["2025-03"]
    assert (february["referrals"], february["matched"], february["people_reached"]) == ("1", "1", "1")
    assert (march["people_reached"], march["breakdown"], march["endings"]) == ("2", "1", "1")
    assert by_month["2025-05"]["people_reached"] == "1"  # DK's match is still running
    assert "DK" not in result.output and "ZR" not in result.output


# --- the demo --------------------------------------------------------------------------------

def test_the_demo_shows_each_new_warning_once_and_every_ending(demo):
    _, output = run_check(demo, as_of=DEMO_AS_OF)
    codes = [p.code for p in problems(output, demo)]
    assert [c for c in codes if c in ("quiet-match", "waiting-too-long", "rematch-pattern", "over-sessions",
                                      "no-next-steps")] == ["rematch-pattern", "quiet-match", "waiting-too-long"]
    from peerkit.check import check

    records = check(demo, date(2026, 11, 20), use_cache=False).records
    figures = Relationships(records, date(2026, 11, 20))
    assert all(n for _, n in figures.endings), figures.endings  # every reason, in the last 12 months
    assert figures.waiting and figures.active and len(figures.rematch_flags) == 1
    assert all(m.match for m in records.meetings if m.kind == "one-to-one")


def test_demo_notes_no_longer_carry_what_matches_hold(demo):
    notes = "\n".join(p.read_text() for p in (demo / "meetings").rglob("*.yaml"))
    for phrase in ("Agreed to meet for", "signposted to", "plan agreed for the next", "stopped engaging"):
        assert phrase not in notes, phrase
    everything = "\n".join(p.read_text() for p in demo.rglob("*.yaml") if ".peerkit-cache" not in p.parts)
    assert "stopped engaging" not in everything


def test_due_json_lists_the_new_obligations_on_the_demo(demo):
    result = run("due", demo, "--format", "json", "--as-of", DEMO_AS_OF)
    items = json.loads(result.output)
    quiet = [i for i in items if i["category"] == "quiet-match"]
    waiting = [i for i in items if i["category"] == "waiting"]
    assert len(quiet) == 1 and len(waiting) == 1
    assert quiet[0]["message"].startswith("Ioana Popescu: no meeting with ")
    assert waiting[0]["supporter"] == "" and "still waiting for a supporter" in waiting[0]["message"]


# --- portfolios: counts only ------------------------------------------------------------------

def test_portfolio_counts_relationships_and_shows_nothing_else_of_them(tmp_path):
    from pypdf import PdfReader

    records = write_sample(tmp_path / "records")
    site = tmp_path / "site"
    result = run("build", records, "-o", site, "--as-of", SAMPLE_AS_OF)
    assert result.exit_code == 0, result.output
    html = (site / "portfolios/amara/index.html").read_text()
    assert ("<dt>Relationships supported</dt><dd>2</dd>\n<dt>Completed as planned</dt><dd>1</dd>\n"
            "<dt>Goals achieved with mentees</dt><dd>1</dd>") in html
    pdf = "\n".join(page.extract_text() for page in PdfReader(site / "portfolios/amara/portfolio.pdf").pages)
    assert "Relationships supported 2" in pdf and "Goals achieved with mentees 1" in pdf
    match_markers = ["matchidmarker", "Menteegoalmarker", "Othergoalmarker", "Nextstepsmarker", "Signpostmarker",
                     "Matchnotemarker", "breakdown", "Q9ZM", "X7-0042", "W4IT"]
    assert set(match_markers) <= set(NOT_IN_AMARA)
    assert [m for m in match_markers if m in html or m in pdf] == []
    assert "Relationships supported" not in (site / "portfolios/bex/index.html").read_text()
    # the coordinator's own pages do show the codes
    assert "Q9ZM" in (site / "supporters/amara.html").read_text()


# --- the dashboard in Chromium -------------------------------------------------------------------

@pytest.mark.browser
def test_relationships_section_in_chromium(demo, tmp_path):
    from browser import ARTIFACTS, chromium_page
    from peerkit.check import check

    site = tmp_path / "site"
    result = run("build", demo, "-o", site, "--no-pdf", "--as-of", DEMO_AS_OF)
    assert result.exit_code == 0, result.output
    figures = Relationships(check(demo, date(2026, 11, 20), use_cache=False).records, date(2026, 11, 20))
    with chromium_page(height=2200) as (page, console, errors):  # tall: the section fits without scrolling
        page.goto((site / "index.html").as_uri())
        section = page.get_by_role("region", name="Relationships")
        assert section.is_visible()
        assert page.get_by_role("link", name="Relationships").is_visible()  # in the nav
        caseload = page.locator("#caseload-table tbody tr")
        assert caseload.count() == len(figures.caseloads) >= 5
        assert caseload.first.is_visible()
        chart = page.get_by_role("img", name="Endings in the last 12 months, by reason")
        assert chart.is_visible()
        bars = chart.locator("rect.bar")
        assert bars.count() == len(ENDING_REASONS)  # every reason ended something in the demo's last year
        for i in range(bars.count()):
            box = bars.nth(i).bounding_box()
            assert box and box["width"] > 0 and box["height"] > 0
        endings = page.locator("#endings-table tbody tr").all_inner_texts()
        assert [row.split("\t")[0] for row in endings] == list(ENDING_REASONS)
        assert page.locator("#waiting-table tbody tr").count() == len(figures.waiting)
        assert "over 28" in page.locator("#waiting-table").inner_text()
        assert page.locator("#active-matches-table tbody tr").count() == len(figures.active)
        assert "quiet" in page.locator("#active-matches-table").inner_text()
        [flag] = figures.rematch_flags
        assert flag.who in page.locator("#rematch-flags").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        section.screenshot(path=str(ARTIFACTS / "relationships.png"))
        assert errors == [] and console == []
        page.goto((site / "supporters/amara-okafor.html").as_uri())
        rows = page.locator("#matches-table tbody tr")
        assert rows.count() == len(figures.matches_of("amara-okafor")) > 0
        assert errors == [] and console == []


def test_a_quiet_match_can_be_acknowledged(matched):
    """The mentee said they would be away for the summer: the warning becomes a note and leaves due."""
    (matched / RECENT_FILE).unlink()
    write(matched / MATCH_FILE, MATCH + """
    acknowledged:
      - code: quiet-match
        reason: away for the summer, back in September
        by: coordinator
        date: 2025-06-01
    """)
    found_here = [(p.line, p.severity, p.code) for p in problems(run_check(matched)[1], matched)]
    assert found_here == [(14, "note", "acknowledged")]
    due = run("due", matched, "--format", "json", "--as-of", "2025-06-30")
    assert [i for i in json.loads(due.output) if i["category"] == "quiet-match"] == []


def test_new_match_on_a_terminal_asks_the_referral_then_the_match(records):
    from test_friction_new import drive

    code, output = drive(["new", "match", str(records)], [
        ("Referred on (YYYY-MM-DD) [", "2025-06-02"),
        ("Mentee initials or code", "Dina Kaur"),
        ("Mentee initials or code", "DK"),
        ("Supporter id, if matched now", "amara-okafr"),
        ("Supporter id, if matched now", "amara-okafor"),
        ("Matched on (YYYY-MM-DD) [", "2025-06-09"),
        ("Sessions offered", "six"),
        ("Sessions offered", "6"),
    ])
    assert code == 0, output
    assert "'Dina Kaur' looks like a name" in output and "did you mean 'amara-okafor'?" in output
    assert "'six' is not a whole number of sessions; type digits only, e.g. 6" in output
    assert (records / "matches/2025/2025-001.yaml").read_text() == (
        'id: 2025-001\nmentee: "DK"\nsupporter: amara-okafor\nreferred: 2025-06-02\nmatched: 2025-06-09\n'
        'sessions_offered: 6\nstatus: active\n')


def test_new_match_on_a_terminal_with_no_supporter_is_a_referral(records):
    from test_friction_new import drive

    code, output = drive(["new", "match", str(records)], [
        ("Referred on (YYYY-MM-DD) [", "2025-06-02"),
        ("Mentee initials or code", "M-0042"),
        ("Supporter id, if matched now", ""),
    ])
    assert code == 0, output
    assert "Sessions offered" not in output
    assert (records / "matches/2025/2025-001.yaml").read_text() == (
        'id: 2025-001\nmentee: "M-0042"\nreferred: 2025-06-02\nstatus: waiting\n')
