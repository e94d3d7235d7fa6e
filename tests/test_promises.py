"""Promises kept over time (issue 14): every figure on hand-made dates and records.

Pure figures take plain dates; the rest build records by hand (a :class:`Source`
with positions stands in for the loader), as tests/test_obligations.py does.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from peerkit.analyse import Analysis
from peerkit.model import CpdEntry, MandatoryTraining, Meeting, Programme, Records, Supervision, Supporter
from peerkit.obligations import (AGREEMENT, COPY, ONE_TO_ONE, PEER_SUPERVISION, SUPERVISION, TRAINING, obligations,
                                 select)
from peerkit.promises import (BEHIND, CLEARLY_BEHIND, NOT_FOR_ROLES, ON_TRACK, RECOMMENDED, REQUIRED, Gap, Promise,
                              cpd_pace, kept, missed_days, pooled_share, promises_of, regularity, requirement)
from peerkit.source import Source
from peerkit.wording import describe, when

AS_OF = date(2026, 6, 30)
D = date.fromisoformat


def days(*isos: str) -> list[date]:
    return [D(d) for d in isos]


# --- kept: the share of the window within the promise, and the longest gap -------

def test_sessions_within_the_interval_keep_the_whole_year():
    sessions = [AS_OF - timedelta(days=30 * k) for k in range(14)]  # every 30 days, back past the window
    k = kept(D("2020-01-01"), sessions, 42, AS_OF)
    assert (k.start, k.end, k.days, k.covered, k.share, k.broken) == (D("2025-07-01"), AS_OF, 365, 365, 1.0, 0)
    assert k.sessions == 13  # the 14th is before the window
    assert k.longest == Gap(D("2026-05-31"), D("2026-06-30"), 30)  # the latest of the equal gaps; none open
    assert k.missed == ()


def test_a_gap_longer_than_promised_misses_the_days_it_was_overdue():
    k = kept(D("2020-01-01"), days("2025-06-20", "2025-08-01", "2025-10-01", "2025-11-01", "2026-06-25"), 42, AS_OF)
    # 2025-08-01 -> 10-01 is 61 days: due 09-12, overdue 09-13 to 10-01 when the session came (19 days);
    # 2025-11-01 -> 2026-06-25 is 236 days: overdue 2025-12-14 to 2026-06-25 (194 days).
    assert k.missed == ((D("2025-09-13"), D("2025-10-01")), (D("2025-12-14"), D("2026-06-25")))
    assert (k.days, k.covered, k.broken) == (365, 365 - 19 - 194, 2)
    assert k.longest == Gap(D("2025-11-01"), D("2026-06-25"), 236)
    assert k.sessions == 4


def test_a_session_on_its_due_date_keeps_the_promise_and_a_day_later_misses_one_day():
    on_time = kept(D("2020-01-01"), days("2026-04-01", "2026-05-13", "2026-06-20"), 42, AS_OF, window_days=60)
    late = kept(D("2020-01-01"), days("2026-04-01", "2026-05-14", "2026-06-20"), 42, AS_OF, window_days=60)
    assert (on_time.covered, on_time.broken, on_time.missed) == (60, 0, ())
    assert (late.covered, late.broken, late.missed) == (59, 1, ((D("2026-05-14"), D("2026-05-14")),))
    assert missed_days([late]) == {D("2026-05-14")}


def test_before_the_first_session_the_promise_runs_from_joining():
    joined = AS_OF - timedelta(days=99)  # 100 days in the window, never supervised
    k = kept(joined, [], 42, AS_OF)
    assert (k.start, k.days, k.covered, k.sessions, k.broken) == (joined, 100, 43, 0, 1)
    assert k.longest == Gap(joined, None, 99)  # still open on as_of
    assert k.missed == ((joined + timedelta(days=43), AS_OF),)


def test_an_open_gap_counts_to_today_and_a_gap_from_before_the_window_counts_whole():
    k = kept(D("2020-01-01"), days("2025-03-01", "2025-09-01"), 42, AS_OF)
    assert k.longest == Gap(D("2025-09-01"), None, 302)  # open, to as_of
    assert [g for g in [k.longest]] and k.broken == 2  # 2025-03-01 -> 09-01 (184 days) ended in the window


def test_sessions_after_as_of_and_an_empty_window_are_ignored():
    assert kept(D("2020-01-01"), days("2026-07-15"), 42, AS_OF).sessions == 0
    future = kept(D("2026-07-01"), [], 42, AS_OF)  # joins tomorrow
    assert (future.days, future.covered, future.share, future.longest) == (0, 0, None, None)


def test_missed_days_are_the_union_over_promises_and_pooled_share_weights_by_days():
    a = kept(D("2020-01-01"), days("2026-05-01"), 30, AS_OF, window_days=60)  # missed 2026-06-01..06-30
    b = kept(D("2020-01-01"), days("2026-04-01"), 60, AS_OF, window_days=60)  # missed 2026-06-01..06-30
    c = kept(D("2026-06-21"), [], 42, AS_OF)  # 10 days, all covered
    assert missed_days([a, b]) == {D("2026-06-01") + timedelta(days=i) for i in range(30)}
    assert pooled_share([a, b, c]) == pytest.approx((30 + 30 + 10) / (60 + 60 + 10))
    assert pooled_share([]) is None


def test_regularity_counts_sessions_and_measures_gaps_between_days():
    r = regularity(days("2025-06-01", "2025-08-01", "2025-09-10", "2025-09-10", "2025-11-09", "2026-06-01"), AS_OF)
    # in the 12 months: 08-01, 09-10 (twice: two sessions, no gap between them), 11-09, 2026-06-01
    assert (r.sessions, r.longest_days) == (5, 204)
    assert r.average_days == round((D("2026-06-01") - D("2025-08-01")).days / 3, 1)
    assert regularity(days("2026-01-01"), AS_OF).average_days is None


# --- promises of a supporter -------------------------------------------------------

def source(name: str, **positions: tuple[int, int]) -> Source:
    return Source(f"records/{name}", name, {
        tuple(int(step) if step.isdigit() else step for step in key.split("__")): at
        for key, at in positions.items()})


def supporter(sid: str = "amara", status: str = "active", joined: str = "2024-01-01", **fields) -> Supporter:
    data = {"id": sid, "name": sid.title(), "status": status, "joined": joined, **fields}
    return Supporter.from_data(data, source(f"supporters/{sid}.yaml", supervision=(9, 1),
                                            supervision__agreement__signed=(11, 13),
                                            supervision__agreement__reviewed__0=(13, 7),
                                            supervision__agreement_signed=(10, 3)))


def test_promises_are_the_arrangements_and_an_agreed_interval_else_the_programme_default():
    both = supporter(supervision={"interval_days": 28, "supervisor": "Jo Hill", "arrangements": [
        {"type": "managerial", "interval_days": 61, "supervisor": "Helen Marsh"},
        {"type": "peer", "interval_days": 42}]})
    assert promises_of(both, 42) == (
        Promise(None, 28, "Jo Hill", ("supervision", "interval_days")),
        Promise("managerial", 61, "Helen Marsh", ("supervision", "arrangements", 0)),
        Promise("peer", 42, "Jo Hill", ("supervision", "arrangements", 1)))
    assert promises_of(supporter(), 42) == (Promise(None, 42, None, ()),)
    assert Promise("peer", 42).counts("peer") and not Promise("peer", 42).counts("group")
    assert Promise(None, 42).counts("group")


PROGRAMME_DATA = {"name": "Test", "supervision": {"default_interval_days": 42}, "cpd": {"target_hours_per_year": 20},
                  "competencies": [{"id": "listening", "title": "Listening"}]}


def programme(**settings) -> Programme:
    data = {**PROGRAMME_DATA, **settings}
    data["supervision"] = {**PROGRAMME_DATA["supervision"], **settings.get("supervision", {})}
    return Programme.from_data(data, source("programme.yaml"))


def session(day: str, type_: str = "clinical", who: tuple[str, ...] = ("amara",), **fields) -> Supervision:
    people = {"supporter": who[0]} if len(who) == 1 else {"supporters": list(who)}
    data = {"date": day, **people, "type": type_, "supervisor": "Jo Hill", "focus": ["reflection"], **fields}
    return Supervision.from_data(data, source(f"supervision/{day[:4]}/{day}-{type_}.yaml", date=(1, 1),
                                              copy_given=(8, 1)))


def one_to_one(day: str, who: str = "amara") -> Meeting:
    return Meeting.from_data({"date": day, "kind": "coordinator-one-to-one", "supporter": who, "setting": "online",
                              "duration_minutes": 30}, source(f"meetings/{day[:4]}/{day}-c.yaml"))


def records(*items, people=(), prog: Programme | None = None, cpd=()) -> Records:
    people = tuple(people) or (supporter(),)
    by_kind = {"programme": (prog or programme(),), "supporter": people,
               "meeting": tuple(i for i in items if isinstance(i, Meeting)),
               "supervision": tuple(i for i in items if isinstance(i, Supervision)), "cpd": tuple(cpd)}
    return Records(root=Path("records"), by_kind=by_kind, stems={"supporter": frozenset(p.id for p in people)})


ARRANGED = supporter(supervision={"arrangements": [{"type": "managerial", "interval_days": 61},
                                                   {"type": "peer", "interval_days": 42}]})


def test_each_arrangement_counts_its_own_type_and_is_due_on_its_own():
    recs = records(session("2026-03-02", "managerial"), session("2026-05-20", "peer"), session("2026-06-10", "group"),
                   people=[ARRANGED])
    s = Analysis.of(recs, AS_OF).summaries["amara"]
    managerial, peer = s.promises
    assert (managerial.sessions, managerial.last, managerial.due) == ((D("2026-03-02"),), D("2026-03-02"),
                                                                      D("2026-05-02"))
    assert (peer.sessions, peer.due) == ((D("2026-05-20"),), D("2026-07-01"))
    assert s.next_supervision_due == D("2026-05-02")  # the soonest promise
    owed = [o for o in obligations(recs, AS_OF) if o.kind == SUPERVISION]
    assert [(o.subject, o.due, o.field) for o in owed] == [
        ("managerial", D("2026-05-02"), ("supervision", "arrangements", 0)),
        ("peer", D("2026-07-01"), ("supervision", "arrangements", 1))]
    assert describe(owed[0], {"amara": "Amara Okafor"}) == \
        "Amara Okafor: managerial supervision due 2026-05-02 (last on 2026-03-02)"
    assert when(owed[0], AS_OF) == "59 days overdue"


def test_the_supervision_grid_lists_sessions_by_month_and_the_days_past_a_promise():
    recs = records(session("2026-03-02", "managerial"), session("2026-05-20", "peer"), session("2026-05-20", "group"),
                   people=[ARRANGED])
    a = Analysis.of(recs, AS_OF)
    s = a.summaries["amara"]
    cells = {c.month: c for c in s.supervision_months(a.promise_months)}
    assert list(cells)[0] == "2025-07" and list(cells)[-1] == "2026-06" and len(cells) == 12
    assert cells["2026-05"].sessions == ((D("2026-05-20"), "group"), (D("2026-05-20"), "peer"))
    # managerial every 61 days: 2026-03-02 covers to 2026-05-02, missed from 05-03 to today (as_of);
    # peer every 42 days from joining (2024): missed all year until the session on 2026-05-20.
    assert cells["2026-06"].late_days == 30 and cells["2026-04"].late_days == 30
    assert cells["2026-05"].late_days == 31  # peer missed 05-01..05-19, managerial 05-03..05-31
    assert a.promise_months == [c.month for c in s.supervision_months(a.promise_months)]


def test_promise_kept_per_supporter_and_for_the_programme_pool_days():
    ben = supporter("ben", joined="2026-06-21")  # 10 days in, within the first 42: all kept
    recs = records(session("2025-12-01"), people=[supporter(), ben, supporter("cleo", status="paused")])
    a = Analysis.of(recs, AS_OF)
    amara = a.summaries["amara"]
    # amara (joined 2024, first session 2025-12-01): overdue 2025-07-01..12-01 (154 days, the session day
    # too), kept 12-02..2026-01-12 (42 days), overdue again 01-13..06-30 (169 days)
    assert amara.promise_kept == pytest.approx(42 / 365)
    assert a.summaries["ben"].promise_kept == 1.0
    assert [s.supporter.id for s in a.promised] == ["amara", "ben"]  # not the paused supporter
    assert a.programme_kept == pytest.approx((42 + 10) / (365 + 10))
    assert a.programme_broken == 2  # amara's gap to 2025-12-01 and the open one since
    who, promise, gap = a.programme_longest_gap
    assert (who.supporter.id, gap.start, gap.end, gap.days) == ("amara", D("2024-01-01"), D("2025-12-01"), 700)


def test_the_longest_gap_compares_gaps_with_their_own_promise():
    recs = records(session("2025-12-29", "managerial"), session("2026-03-27", "managerial"),  # 88 days of 91
                   session("2026-06-20", "managerial"),
                   session("2026-01-10", "peer"), session("2026-03-20", "peer"),  # 69 days of 56
                   session("2026-06-01", "peer"),  # 73 days of 56: the furthest past its promise
                   people=[supporter(joined="2025-12-20", supervision={"arrangements": [
                       {"type": "managerial", "interval_days": 91}, {"type": "peer", "interval_days": 56}]})])
    s = Analysis.of(recs, AS_OF).summaries["amara"]
    promise, gap = s.longest_gap
    assert (promise.promise.type, gap.start, gap.days) == ("peer", D("2026-03-20"), 73)
    assert max(p.kept.longest.days for p in s.promises) == 88


# --- obligations: peer supervision, agreements, copies, one-to-ones ----------------

def test_peer_or_group_supervision_is_owed_every_peer_every_days_only_when_set():
    recs = records(session("2026-01-10", "group"), session("2026-05-01", "clinical"),
                   prog=programme(supervision={"peer_every_days": 91}))
    [owed] = [o for o in obligations(recs, AS_OF) if o.kind == PEER_SUPERVISION]
    assert (owed.due, owed.since) == (D("2026-04-11"), D("2026-01-10"))
    assert describe(owed, {}) == "amara: peer or group supervision due 2026-04-11 (last on 2026-01-10)"
    assert not [o for o in obligations(records(session("2026-01-10", "group")), AS_OF) if o.kind == PEER_SUPERVISION]


def test_an_agreement_is_owed_unsigned_then_due_for_review_from_the_latest_date():
    unsigned = supporter()
    older = supporter("ben", supervision={"agreement_signed": "2025-03-01"})
    reviewed = supporter("cleo", supervision={"agreement": {"signed": "2024-02-01", "review_every_months": 6,
                                                            "reviewed": ["2025-12-20", "2025-08-01"]}})
    paused = supporter("dev", status="paused")
    recs = records(people=[unsigned, older, reviewed, paused])
    owed = {o.people[0]: o for o in obligations(recs, AS_OF) if o.kind == AGREEMENT}
    assert set(owed) == {"amara", "ben", "cleo"}
    assert (owed["amara"].due, owed["amara"].status, when(owed["amara"], AS_OF)) == (None, "unsigned", "never done")
    assert describe(owed["amara"], {"amara": "Amara"}) == "Amara: no signed supervision agreement"
    assert (owed["ben"].due, owed["ben"].field) == (D("2026-03-01"), ("supervision", "agreement_signed"))
    assert (owed["cleo"].due, owed["cleo"].since) == (D("2026-06-20"), D("2025-12-20"))
    assert owed["cleo"].source.at(*owed["cleo"].field) == (13, 7)  # the latest review, wherever it is listed
    assert describe(owed["ben"], {}) == "ben: supervision agreement review due 2026-03-01 (last agreed on 2025-03-01)"


def test_a_copy_is_owed_for_shared_notes_or_actions_and_listed_only_once_late():
    notes = session("2026-06-01", notes="Talked about boundaries.")
    recent = session("2026-06-20", notes="Talked about rest.")
    actions = session("2026-05-02", actions=[{"action": "Read the policy", "done": True}])
    bare = session("2026-05-03")  # nothing written down: nothing to copy
    private = session("2026-05-04", notes="Kept back.", shared_with_supporter=False)
    given = session("2026-05-05", notes="Copied.", copy_given="2026-05-06")
    group = session("2026-05-06", "group", ("amara", "ben"), notes="Theme: endings.")
    recs = records(notes, recent, actions, bare, private, given, group,
                   people=[supporter(), supporter("ben")])
    owed = [o for o in obligations(recs, AS_OF) if o.kind == COPY]
    assert [(o.since, o.due, o.people) for o in owed] == [
        (D("2026-06-01"), D("2026-06-15"), ("amara",)), (D("2026-06-20"), D("2026-07-04"), ("amara",)),
        (D("2026-05-02"), D("2026-05-16"), ("amara",)), (D("2026-05-06"), D("2026-05-20"), ("amara", "ben"))]
    assert [o.since for o in select(recs, AS_OF) if o.kind == COPY] == [D("2026-05-02"), D("2026-05-06"),
                                                                         D("2026-06-01")]
    assert describe(owed[0], {"amara": "Amara"}) == \
        "Amara: no copy given of the notes of clinical supervision on 2026-06-01"


def test_one_to_ones_are_owed_to_active_supporters_and_more_often_during_training():
    trainee = supporter("tia", status="in-training", joined="2026-05-01")
    recs = records(one_to_one("2026-03-10"), one_to_one("2026-06-05", "tia"),
                   people=[supporter(), trainee, supporter("dev", status="paused")],
                   prog=programme(coordinator_one_to_one={"interval_days": 56}))
    owed = {o.people[0]: o for o in obligations(recs, AS_OF) if o.kind == ONE_TO_ONE}
    assert set(owed) == {"amara", "tia"}
    assert (owed["amara"].due, owed["amara"].since) == (D("2026-05-05"), D("2026-03-10"))  # every 56 days
    assert (owed["tia"].due, owed["tia"].subject) == (D("2026-07-03"), "in-training")  # default 28
    assert describe(owed["tia"], {"tia": "Tia"}) == \
        "Tia: one-to-one time during training due 2026-07-03 (feedback on progress; last on 2026-06-05)"
    default = {o.people[0]: o.due for o in obligations(records(), AS_OF) if o.kind == ONE_TO_ONE}
    assert default == {"amara": D("2024-01-01") + timedelta(days=61)}


def test_without_a_programme_nothing_is_promised():
    bare = Records(root=Path("records"), by_kind={"supporter": (supporter(),)}, stems={})
    assert {o.kind for o in obligations(bare, AS_OF)} <= {SUPERVISION, TRAINING}


# --- mandatory training by role and employment -------------------------------------

LONE = MandatoryTraining("lone-working", "Lone working", 24, applies_to_roles=("one-to-one", "group"), statutory=True)
EQUALITY = MandatoryTraining("equality", "Equality", None)


@pytest.mark.parametrize("roles, employment, training, expected", [
    (["telephone", "online"], None, LONE, NOT_FOR_ROLES),  # never meets anyone in person
    (["telephone", "group"], None, LONE, REQUIRED),
    ([], None, LONE, REQUIRED),  # roles not recorded yet: every role
    (["one-to-one"], "volunteer", LONE, REQUIRED),  # statutory
    (["one-to-one"], "volunteer", EQUALITY, RECOMMENDED),
    (["one-to-one"], "paid", EQUALITY, REQUIRED),
    (["one-to-one"], None, EQUALITY, REQUIRED),
    (["telephone"], "volunteer", LONE, NOT_FOR_ROLES),
])
def test_requirement_follows_roles_and_employment(roles, employment, training, expected):
    person = supporter(roles=roles, **({"employment": employment} if employment else {}))
    assert requirement(training, person) == expected


def test_only_required_training_is_owed_the_rest_is_shown():
    prog = programme(mandatory_training=[
        {"id": "lone-working", "title": "Lone working", "applies_to_roles": ["one-to-one", "group"],
         "statutory": True},
        {"id": "safeguarding", "title": "Safeguarding", "statutory": True},
        {"id": "equality", "title": "Equality"}])
    tom = supporter("tom", roles=["telephone", "online"], employment="volunteer")
    recs = records(people=[tom], prog=prog)
    owed = [o.subject for o in obligations(recs, AS_OF) if o.kind == TRAINING]
    assert owed == ["Safeguarding"]
    shown = {t.training.id: t.requirement for t in Analysis.of(recs, AS_OF).summaries["tom"].training}
    assert shown == {"lone-working": NOT_FOR_ROLES, "safeguarding": REQUIRED, "equality": RECOMMENDED}
    assert Analysis.of(recs, AS_OF).summaries["tom"].training_counts == {"never done": 1}


# --- CPD pace --------------------------------------------------------------------------

@pytest.mark.parametrize("hours, as_of, joined, status, expected", [
    (15, "2026-07-02", "2020-01-01", ON_TRACK, 15.04),  # half the year gone (183 days), half the target done
    (11.3, "2026-07-02", "2020-01-01", ON_TRACK, 15.04),  # three quarters of pro rata: on track
    (11, "2026-07-02", "2020-01-01", BEHIND, 15.04),
    (7, "2026-07-02", "2020-01-01", CLEARLY_BEHIND, 15.04),  # under half of pro rata
    (0, "2026-02-15", "2020-01-01", BEHIND, 3.78),  # six weeks in: behind, never flagged yet
    (0, "2026-12-31", "2026-10-15", BEHIND, 6.41),  # joined in mid-October: pro rata from joining, not flagged
    (0, "2026-12-31", "2026-06-01", CLEARLY_BEHIND, 17.59),
])
def test_cpd_pace_is_pro_rata_through_the_calendar_year(hours, as_of, joined, status, expected):
    entries = [(D("2025-12-31"), 40.0), (D(as_of) - timedelta(days=1), float(hours)), (D("2027-01-01"), 9.0)]
    pace = cpd_pace(entries, 30, D(joined), D(as_of))
    assert (pace.hours, pace.status, pace.expected) == (float(hours), status, expected)
    assert pace.flagged == (status == CLEARLY_BEHIND)


def test_cpd_pace_on_a_summary_counts_this_year_only():
    entries = [CpdEntry.from_data({"supporter": "amara", "date": day, "title": "x", "type": "reading", "hours": h},
                                  source(f"cpd/amara/{day}-x.yaml"))
               for day, h in (("2025-12-01", 20), ("2026-03-01", 4))]
    pace = Analysis.of(records(cpd=entries), AS_OF).summaries["amara"].cpd_pace
    assert (pace.year, pace.hours, pace.target, pace.status) == (2026, 4.0, 20, CLEARLY_BEHIND)


def test_the_copied_vocabularies_agree_with_their_source():
    """Arrangement types are supervision types; applies_to_roles are supporter roles (schemas cannot share enums)."""
    from peerkit.validate import vocabulary

    assert vocabulary("supporter", "supervision", "arrangements", "type") == vocabulary("supervision", "type")
    assert vocabulary("programme", "mandatory_training", "applies_to_roles") == vocabulary("supporter", "roles")
