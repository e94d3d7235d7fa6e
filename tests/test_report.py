"""``peerkit report`` (issue 16): a period beside the previous one, counts only, small numbers suppressed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import AMARA, BEN, make_records, run
from peerkit.report import Group, protect

MARKERS = ("Zebulonmarker", "QX-9317", "Sprocketnote", "Vantablacktopic", "Gorseprovider")


def one_to_one(day: str, mentee: str = "DK", setting: str = "community", minutes: int = 60,
               supporter: str = "amara-okafor", notes: str = "") -> str:
    return f"""
        date: {day}
        kind: one-to-one
        supporter: {supporter}
        mentee: {mentee}
        setting: {setting}
        duration_minutes: {minutes}
        debrief: {{date: {day}, method: phone}}
        {f'notes: {notes}' if notes else ''}
    """


def meetings(entries: list[tuple[str, str, str]]) -> dict[str, str]:
    """(date, mentee, setting) -> one-to-one meeting files, one each."""
    return {f"meetings/{day[:4]}/{day}-one-to-one-{i}.yaml": one_to_one(day, mentee, setting)
            for i, (day, mentee, setting) in enumerate(entries)}


def report_json(root: Path, *args: str) -> dict:
    out = root.parent / "out"
    result = run("report", root, *args, "--format", "json", "-o", out)
    assert result.exit_code == 0, result.output
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def figure(data: dict, group: str, part: str = "total", when: str = "current") -> object:
    [found] = [f[when] for f in data["figures"] if f["figure"] == group and f["part"] == part]
    return found


def test_a_meeting_on_the_last_day_counts_once_in_its_own_period(tmp_path: Path) -> None:
    days = ["2025-09-30"] + [f"2025-08-{d:02d}" for d in range(1, 6)] + [f"2025-10-{d:02d}" for d in range(1, 6)]
    root = make_records(tmp_path / "records", {"supporters/amara-okafor.yaml": AMARA,
                                               **meetings([(d, f"M-{i}", "community") for i, d in enumerate(days)])})
    q3 = report_json(root, "--period", "2025-Q3", "--no-suppress")
    q4 = report_json(root, "--period", "2025-Q4", "--no-suppress")
    assert figure(q3, "sessions-by-kind", "one-to-one") == 6  # 1-5 Aug and 30 Sep
    assert figure(q4, "sessions-by-kind", "one-to-one") == 5  # 1-5 Oct only
    assert figure(q4, "sessions-by-kind", "one-to-one", "previous") == 6
    assert figure(q3, "hours-by-kind", "one-to-one") == 6
    by_dates = report_json(root, "--from", "2025-09-30", "--to", "2025-10-01", "--no-suppress")
    assert figure(by_dates, "sessions-by-kind", "one-to-one") == 2


def test_people_reached_counts_each_mentee_once_and_only_one_to_ones(tmp_path: Path) -> None:
    entries = [("2026-01-05", "DK", "community"), ("2026-01-12", "dk", "community"), ("2026-02-01", "M-1", "online"),
               ("2026-02-02", "M-2", "online"), ("2026-02-03", "M-3", "in-house"), ("2026-02-04", "M-4", "in-house"),
               ("2026-03-31", "M-5", "in-house"), ("2025-12-31", "M-9", "in-house")]
    root = make_records(tmp_path / "records", {"supporters/amara-okafor.yaml": AMARA, **meetings(entries)})
    data = report_json(root, "--period", "2026-Q1", "--no-suppress")
    assert figure(data, "people-reached") == 6
    assert figure(data, "people-reached", when="previous") == 1
    assert data["period"] == {"name": "2026-Q1", "from": "2026-01-01", "to": "2026-03-31"}
    assert data["previous"]["name"] == "2025-Q4"
    assert figure(data, "supporters-active") == 1


def test_the_year_option_compares_with_the_year_before(tmp_path: Path) -> None:
    root = make_records(tmp_path / "records", {"supporters/amara-okafor.yaml": AMARA,
                                               "supporters/ben-shah.yaml": BEN})
    data = report_json(root, "--year", "2024", "--no-suppress")
    assert data["previous"] == {"name": "2023", "from": "2023-01-01", "to": "2023-12-31"}
    assert figure(data, "supporters-joined") == 2
    assert figure(data, "supporters-joined", when="previous") == 0


@pytest.mark.parametrize("args, message", [
    ((), "give one period"),
    (("--period", "2026-3"), "'2026-3' is not a quarter"),
    (("--period", "2026-Q3", "--year", "2026"), "give one period"),
    (("--from", "2026-01-01"), "--from and --to go together"),
    (("--from", "2026-02-01", "--to", "2026-01-01"), "is before --from"),
])
def test_a_period_that_cannot_be_read_is_one_clear_line(records: Path, args: tuple[str, ...], message: str) -> None:
    result = run("report", records, *args, "-o", records.parent / "out")
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output and not (records.parent / "out").exists()


# --- disclosure control ----------------------------------------------------------------

def test_protect_hides_the_next_smallest_part_when_one_is_small() -> None:
    group = Group("g", "count", (("a", 3), ("b", 10), ("c", 6), ("d", 0)))
    assert protect(group) == {"a", "c"}
    assert protect(Group("g", "count", (("a", 3), ("b", 2), ("c", 9)))) == {"a", "b"}
    assert protect(Group("g", "count", (("a", 3), ("b", 0)))) == {"a", "total"}
    assert protect(Group("g", "count", (("a", 7), ("b", 0)))) == set()


def _shown_numbers(data: dict, group: str, when: str) -> dict[str, object]:
    return {f["part"]: f[when] for f in data["figures"] if f["figure"] == group}


def test_a_three_is_never_printed_nor_derivable_from_a_total(tmp_path: Path) -> None:
    entries = ([("2026-07-01", f"M-{i}", "in-house") for i in range(3)]
               + [("2026-07-02", f"N-{i}", "community") for i in range(10)]
               + [("2026-07-03", f"P-{i}", "telephone") for i in range(6)])
    root = make_records(tmp_path / "records", {"supporters/amara-okafor.yaml": AMARA, **meetings(entries)})
    data = report_json(root, "--period", "2026-Q3")
    settings = _shown_numbers(data, "sessions-by-setting", "current")
    assert settings["in-house"] == "fewer than 5" and settings["telephone"] == "fewer than 5"
    assert settings["total"] == 19 and settings["community"] == 10
    for group in {f["figure"] for f in data["figures"]}:
        for when in ("current", "previous"):
            parts = _shown_numbers(data, group, when)
            numbers = [v for k, v in parts.items() if k != "total" and isinstance(v, (int, float))]
            assert 3 not in numbers
            if isinstance(parts.get("total"), (int, float)) and len(numbers) == len(parts) - 2:
                assert parts["total"] - sum(numbers) != 3, (group, when, parts)
    out = tmp_path / "html"
    assert run("report", root, "--period", "2026-Q3", "-o", out, "--no-pdf").exit_code == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    cells = re.findall(r'<td class="num">([^<]*)</td>', page)
    assert "3" not in cells and "fewer than 5" in cells and "19" in cells
    assert "internal" not in page.split("</style>")[1].lower()


def test_no_suppress_shows_small_counts_and_marks_every_page_internal(tmp_path: Path) -> None:
    entries = [("2026-07-01", f"M-{i}", "in-house") for i in range(3)]
    root = make_records(tmp_path / "records", {"supporters/amara-okafor.yaml": AMARA, **meetings(entries)})
    data = report_json(root, "--period", "2026-Q3", "--no-suppress")
    assert data["suppressed"] is False and figure(data, "sessions-by-setting", "in-house") == 3
    out = tmp_path / "html"
    result = run("report", root, "--period", "2026-Q3", "-o", out, "--no-suppress")
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<title>" in page and "(internal)</title>" in page and "<strong>Internal</strong>" in page
    if (out / "report.pdf").exists():
        from pypdf import PdfReader

        pages = PdfReader(out / "report.pdf").pages
        assert len(pages) > 1
        for pdf_page in pages:
            text = pdf_page.extract_text()
            assert "INTERNAL" in text and "2026-Q3" in text and "Riverside Peer Mentoring" in text


def test_no_identifier_reaches_any_format(tmp_path: Path) -> None:
    supporter = AMARA.replace("Amara Okafor", "Zebulonmarker Okafor").replace("Prefers morning", "Sprocketnote")
    cpd = """
        supporter: amara-okafor
        date: 2026-07-10
        title: Vantablacktopic course
        type: course
        provider: Gorseprovider
        hours: 3
        reflection: Sprocketnote reflection
    """
    group = """
        date: 2026-07-11
        kind: group
        facilitators: [amara-okafor]
        setting: in-house
        duration_minutes: 90
        topic: Vantablacktopic
        attendance: 2
        notes: Sprocketnote in the group
        debrief: {date: 2026-07-11, method: phone}
    """
    files = {"supporters/amara-okafor.yaml": supporter, "cpd/amara-okafor/2026-07-10-course.yaml": cpd,
             "meetings/2026/2026-07-11-vantablacktopic.yaml": group,
             **{f"meetings/2026/2026-07-0{i}-one-to-one-qx-9317.yaml":
                one_to_one(f"2026-07-0{i}", "QX-9317", notes="Sprocketnote talk") for i in range(1, 7)}}
    root = make_records(tmp_path / "records", files)
    texts = {}
    for fmt in ("html", "csv", "json"):
        out = tmp_path / fmt
        result = run("report", root, "--period", "2026-Q3", "--format", fmt, "-o", out, "--no-suppress")
        assert result.exit_code == 0, result.output
        for made in out.iterdir():
            if made.suffix == ".pdf":
                from pypdf import PdfReader

                texts[made.name] = "\n".join(p.extract_text() for p in PdfReader(made).pages)
            else:
                texts[made.name] = made.read_text(encoding="utf-8")
    assert {"report.html", "report.csv", "report.json"} <= set(texts)
    forbidden = (*MARKERS, "amara-okafor", "amara", "okafor", str(tmp_path), "records/", ".yaml")
    for name, text in texts.items():
        for marker in forbidden:
            assert marker.casefold() not in text.casefold(), (name, marker)


def test_the_default_output_is_under_outbox_at_the_top_of_the_repository(tmp_path: Path, monkeypatch) -> None:
    make_records(tmp_path / "repo" / "records", {"supporters/amara-okafor.yaml": AMARA})
    (tmp_path / "repo" / ".git").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    result = run("report", "records", "--period", "2026-Q3", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "repo" / "outbox" / "report-2026-Q3" / "report.csv").is_file()
    refused = run("report", "records", "--period", "2026-Q3", "-o", "records/report")
    assert refused.exit_code == 1 and "git would commit it" in refused.output


def test_the_demo_report_for_its_last_full_quarter(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "demo-report"
    result = run("report", demo, "--period", "2026-Q3", "-o", out)
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "2026-Q3" in page and "2026-Q2" in page and page.count("<svg") >= 4
    again = tmp_path / "again"
    assert run("report", demo, "--period", "2026-Q3", "-o", again, "--no-pdf").exit_code == 0
    assert (again / "report.html").read_bytes() == page.encode("utf-8")


def match(number: int, referred: str, matched: str | None = None, ended: str | None = None,
          reason: str = "completed", achieved: int = 0) -> str:
    goals = "".join(f"""
          - goal: Goal {i} Sprocketnote
            set: {matched}
            reviewed: [{ended or matched}]
            status: achieved""" for i in range(achieved))
    status = "ended" if ended else "active" if matched else "waiting"
    lines = [f'id: "2026-{number:03d}"', f'mentee: "QX-{number:04d}"', f"referred: {referred}", f"status: {status}"]
    if matched:
        lines += ["supporter: amara-okafor", f"matched: {matched}", "sessions_offered: 6"]
    if goals:
        lines += [f"goals:{goals}"]
    if ended:
        lines += [f"ended: {ended}", "ending:", f"  reason: {reason}", "  next_steps: Sprocketnote plan",
                  "  signposted_to: [Gorseprovider clinic]"]
    return "\n".join(line.replace("\n", "\n") for line in lines) + "\n"


def test_match_figures_count_referrals_starts_endings_by_reason_and_goals_in_the_period(tmp_path: Path) -> None:
    files = {f"matches/2026/2026-{i:03d}.yaml": text for i, text in enumerate([
        match(1, "2026-07-01"),  # waiting: a referral
        match(2, "2026-06-30", "2026-07-01"),  # referred before, started in
        match(3, "2026-07-02", "2026-07-10", "2026-09-30", "completed", achieved=2),  # ended on the last day
        match(4, "2026-01-02", "2026-02-10", "2026-08-01", "breakdown", achieved=1),
        match(5, "2026-01-03", "2026-02-11", "2026-10-01", "completed", achieved=1),  # ended after
    ], start=1)}
    root = make_records(tmp_path / "records", {"supporters/amara-okafor.yaml": AMARA, **files})
    data = report_json(root, "--period", "2026-Q3", "--no-suppress")
    assert figure(data, "new-referrals") == 2
    assert figure(data, "matches-started") == 2
    assert figure(data, "matches-ended") == 2
    assert figure(data, "endings-by-reason", "completed") == 1 and figure(data, "endings-by-reason", "breakdown") == 1
    assert figure(data, "goals-achieved") == 3
    assert figure(data, "new-referrals", when="previous") == 1
    suppressed = report_json(root, "--period", "2026-Q3")
    assert figure(suppressed, "matches-ended") == "fewer than 5"
    out = tmp_path / "html"
    assert run("report", root, "--period", "2026-Q3", "-o", out, "--no-suppress", "--no-pdf").exit_code == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    for marker in ("QX-0", "Sprocketnote", "Gorseprovider", "2026-001", "amara"):
        assert marker not in page


def test_a_chart_is_drawn_only_where_it_has_a_bar(tmp_path: Path) -> None:
    entries = [("2026-07-01", f"M-{i}", "in-house") for i in range(3)] + [("2026-07-02", "N-1", "online")]
    root = make_records(tmp_path / "records", {"supporters/amara-okafor.yaml": AMARA, **meetings(entries)})
    out = tmp_path / "html"
    assert run("report", root, "--period", "2026-Q3", "-o", out, "--no-pdf").exit_code == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'aria-label="Sessions by setting: bar chart' not in page  # every setting is fewer than 5
    assert page.count("<svg") == 0
    shown = tmp_path / "shown"
    assert run("report", root, "--period", "2026-Q3", "-o", shown, "--no-pdf", "--no-suppress").exit_code == 0
    assert 'aria-label="Sessions by setting: bar chart' in (shown / "report.html").read_text(encoding="utf-8")
