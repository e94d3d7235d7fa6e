"""``export --aggregate`` (issue 16): quarters and years, --from/--to, suppression, unknown hours."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from conftest import AMARA, BEN, make_records, run


def supervision(day: str, kind: str = "managerial", minutes: int | None = 60) -> str:
    duration = f"duration_minutes: {minutes}" if minutes is not None else ""
    return f"""
        date: {day}
        supporter: amara-okafor
        type: {kind}
        supervisor: Jo Hill
        focus: [development]
        {duration}
    """


def table(output: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(output)))


def tree(tmp_path: Path, sessions: dict[str, str]) -> Path:
    return make_records(tmp_path / "records", {"supporters/amara-okafor.yaml": AMARA,
                                               "supporters/ben-shah.yaml": BEN, **sessions})


def test_quarters_and_years_count_within_from_and_to(tmp_path: Path) -> None:
    days = [f"2025-0{m}-1{d}" for m in (1, 2, 4, 5) for d in range(3)] + ["2024-12-31", "2025-06-30"]
    root = tree(tmp_path, {f"supervision/{d[:4]}/{d}-amara-okafor.yaml": supervision(d) for d in days})
    quarters = run("export", "supervision", root, "--aggregate", "quarter", "--no-suppress")
    assert quarters.exit_code == 0, quarters.output
    assert table(quarters.output) == [["quarter", "type", "count", "hours"], ["2024-Q4", "managerial", "1", "1"],
                                      ["2025-Q1", "managerial", "6", "6"], ["2025-Q2", "managerial", "7", "7"]]
    years = run("export", "supervision", root, "--aggregate", "year", "--from", "2025-01-01", "--to", "2025-06-29")
    assert table(years.output) == [["year", "type", "count", "hours"], ["2025", "managerial", "12", "12"]]


def test_small_counts_are_suppressed_with_the_next_smallest_of_their_period(tmp_path: Path) -> None:
    days = {f"2025-02-{d:02d}": kind for d, kind in
            zip(range(1, 20), ["clinical"] * 3 + ["managerial"] * 10 + ["peer"] * 6)}
    root = tree(tmp_path, {f"supervision/2025/{d}-amara-okafor.yaml": supervision(d, k) for d, k in days.items()})
    result = run("export", "supervision", root, "--aggregate", "quarter")
    assert result.exit_code == 0, result.output
    assert table(result.output)[1:] == [["2025-Q1", "clinical", "fewer than 5", "not shown"],
                                        ["2025-Q1", "managerial", "10", "10"],
                                        ["2025-Q1", "peer", "fewer than 5", "not shown"]]
    assert ",3," not in result.output and ",6," not in result.output


def test_hours_are_unknown_where_a_duration_is_missing(tmp_path: Path) -> None:
    days = [f"2025-03-{d:02d}" for d in range(1, 7)]
    root = tree(tmp_path, {f"supervision/2025/{d}-amara-okafor.yaml": supervision(d, minutes=None if d.endswith("1")
                                                                                   else 60) for d in days})
    result = run("export", "supervision", root, "--aggregate", "month")
    assert table(result.output)[1:] == [["2025-03", "managerial", "6", "unknown"]]


def test_period_options_go_with_aggregate_only(records: Path) -> None:
    result = run("export", "meetings", records, "--from", "2025-01-01")
    assert result.exit_code == 2 and "go with --aggregate" in result.output
    backwards = run("export", "meetings", records, "--aggregate", "year", "--from", "2025-02-01", "--to", "2025-01-01")
    assert backwards.exit_code == 2 and "is before --from" in backwards.output


def test_matches_by_month_are_suppressed_too_and_by_month_only(tmp_path: Path) -> None:
    root = tree(tmp_path, {"matches/2025/2025-001.yaml": """
        id: "2025-001"
        mentee: "QX-0001"
        referred: 2025-02-03
        status: waiting
    """})
    result = run("export", "matches", root, "--aggregate", "month")
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(result.output)))
    assert (row["month"], row["referrals"], row["endings"]) == ("2025-02", "fewer than 5", "0")
    assert run("export", "matches", root, "--aggregate", "month", "--no-suppress").output.splitlines()[1].startswith(
        "2025-02,1,")
    quarter = run("export", "matches", root, "--aggregate", "quarter")
    assert quarter.exit_code == 2 and "matches aggregate by month only" in quarter.output
