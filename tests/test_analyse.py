"""Derived figures on small hand-made records: due dates, hours, expiries, coverage, activity."""

from __future__ import annotations

from datetime import date

import pytest

from peerkit.analyse import (ASSESSED, EVIDENCED, MISSING, TRAINING_EXPIRED, TRAINING_EXPIRING, TRAINING_NEVER,
                             TRAINING_VALID, Analysis, add_months, last_months)
from conftest import SAMPLE, SAMPLE_AS_OF, write_sample
from peerkit.check import check

AS_OF_DATE = date.fromisoformat(SAMPLE_AS_OF)


def analysis_of(tmp_path, as_of: date = AS_OF_DATE, **changes: str) -> Analysis:
    """Analyse the sample programme, with some files replaced or added."""
    files = {**SAMPLE, **changes}
    root = write_sample(tmp_path / "records", files)
    result = check(root, as_of, use_cache=False)
    assert result.errors == 0, [p for p in result.problems if p.severity == "error"]
    return Analysis.of(result.records, as_of)


@pytest.mark.parametrize("day, months, expected", [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 11, 15), 3, date(2026, 2, 15)),
    (date(2025, 3, 31), -1, date(2025, 2, 28)),
    (date(2025, 7, 20), 12, date(2026, 7, 20)),
])
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_last_months_end_with_the_as_of_month():
    assert last_months(date(2026, 2, 10), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_next_supervision_uses_the_agreed_interval_else_the_programme_default(tmp_path):
    a = analysis_of(tmp_path)
    amara, bex = a.summaries["amara"], a.summaries["bex"]
    # Both were last supervised in the group session of 20 Apr 2026.
    assert amara.last_supervision == bex.last_supervision == date(2026, 4, 20)
    assert amara.next_supervision_due == date(2026, 5, 18)  # agreed 28 days
    assert bex.next_supervision_due == date(2026, 6, 1)  # programme default 42
    assert amara.supervision_overdue_days == 43 and bex.supervision_overdue_days == 29


def test_never_supervised_counts_from_joining_and_only_active_supporters_are_due(tmp_path):
    new = """
        id: new
        name: New Person
        status: active
        joined: 2026-06-01
    """
    paused = new.replace("id: new", "id: resting").replace("New Person", "Resting Person").replace(
        "active", "paused")
    a = analysis_of(tmp_path, **{"supporters/new.yaml": new, "supporters/resting.yaml": paused})
    assert a.summaries["new"].last_supervision is None
    assert a.summaries["new"].next_supervision_due == date(2026, 7, 13)
    assert a.summaries["new"].supervision_overdue_days == 0
    assert a.summaries["resting"].next_supervision_due is None


def test_cpd_hours_cover_the_365_days_up_to_as_of(tmp_path):
    a = analysis_of(tmp_path)
    # Safeguarding (20 Jul 2025, 3 h) and lone working (1 Jun 2025, 2 h): only the first is within a year.
    assert a.summaries["amara"].cpd_hours_12m == 3
    assert analysis_of(tmp_path / "later", as_of=date(2026, 7, 20)).summaries["amara"].cpd_hours_12m == 0
    assert a.summaries["bex"].cpd_hours_12m == 6


def test_mandatory_training_status_and_valid_until(tmp_path):
    statuses = {t.training.id: t for t in analysis_of(tmp_path).summaries["amara"].training}
    assert (statuses["safeguarding"].status, statuses["safeguarding"].valid_until) == (
        TRAINING_EXPIRING, date(2026, 7, 20))  # 20 days ahead: within 60
    assert (statuses["lone-working"].status, statuses["lone-working"].valid_until) == (
        TRAINING_VALID, date(2027, 6, 1))
    assert statuses["equality"].status == TRAINING_NEVER
    later = analysis_of(tmp_path / "later", as_of=date(2026, 7, 21)).summaries["amara"].training
    assert {t.training.id: t.status for t in later}["safeguarding"] == TRAINING_EXPIRED
    earlier = analysis_of(tmp_path / "earlier", as_of=date(2026, 5, 20)).summaries["amara"].training
    assert {t.training.id: t.status for t in earlier}["safeguarding"] == TRAINING_VALID  # 61 days ahead


def test_training_that_never_expires_stays_valid(tmp_path):
    done = """
        supporter: bex
        date: 2025-02-01
        title: Equality and diversity
        type: e-learning
        hours: 1
        mandatory: equality
    """
    a = analysis_of(tmp_path, **{"cpd/bex/2025-02-01-equality.yaml": done})
    [equality] = [t for t in a.summaries["bex"].training if t.training.id == "equality"]
    assert (equality.status, equality.completed, equality.valid_until) == (TRAINING_VALID, date(2025, 2, 1), None)


def test_open_and_overdue_actions_come_from_supervision(tmp_path):
    amara = analysis_of(tmp_path).summaries["amara"]
    assert [a.action.action for a in amara.open_actions] == ["Shadow a group session", "Unsharedactionmarker"]
    assert [a.action.action for a in amara.overdue_actions] == ["Shadow a group session"]


def test_competency_coverage_and_most_missing(tmp_path):
    a = analysis_of(tmp_path)
    amara, bex = a.summaries["amara"], a.summaries["bex"]
    assert [amara.coverage(c) for c in ("listening", "boundaries", "safeguarding")] == [ASSESSED, MISSING, EVIDENCED]
    assert [bex.coverage(c) for c in ("listening", "boundaries", "safeguarding")] == [EVIDENCED, MISSING, MISSING]
    assert [(c.id, n) for c, n in a.most_missing] == [("boundaries", 2)]


def test_activity_figures(tmp_path):
    a = analysis_of(tmp_path)
    assert a.meetings_per_month["2026-05"] == {"one-to-one": 2, "group": 2, "coordinator-one-to-one": 0}
    assert len(a.meetings_per_month) == 18 and "2026-06" in a.meetings_per_month
    assert a.support_hours == {"12 months": 6.0, "all time": 6.0}  # 90 + 30 + 120 + 120 minutes
    assert a.group_attendance == {"groups": 2, "attendances": 12, "average": 6.0}
    assert a.supervision_by_type == [("clinical", 1, 1), ("managerial", 1, 1), ("group", 1, 1), ("peer", 0, 0)]
    recent_by_type = {t: recent for t, recent, _ in a.cpd_hours_by_type}
    assert recent_by_type == {"e-learning": 3.0, "course": 0, "workshop": 6.0}
