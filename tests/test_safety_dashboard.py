"""The demo dashboard's safety sections in headless Chromium, and where debrief notes may appear.

Coming up (the next 7 days: time and venue, never the mentee), open concerns
heading Needs attention, the Venues table with each assessment's status and
the Groups table. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from browser import chromium_page, screenshot
from peerkit.check import check
from peerkit.cli import main

DEMO_AS_OF = "2026-11-20"
SAFEGUARDING_NOTE = "controls their money"  # the demo's open safeguarding concern, in its debrief notes


@pytest.fixture(scope="module")
def demo_site(demo, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("safety") / "site"
    result = CliRunner().invoke(main, ["build", str(demo), "-o", str(site), "--as-of", DEMO_AS_OF, "--no-pdf"])
    assert result.exit_code == 0, result.output
    return site


def planned_mentees(demo: Path) -> set[str]:
    records = check(demo, date.fromisoformat(DEMO_AS_OF)).records
    return {m.mentee for m in records.meetings if m.planned and m.mentee}


@pytest.mark.browser
def test_coming_up_venues_groups_and_concerns_in_chromium(demo, demo_site):
    with chromium_page(width=1280, height=900) as (page, console, errors):
        page.goto((demo_site / "index.html").as_uri())
        nav = page.get_by_role("navigation")
        for link in ("Coming up", "Venues", "Groups"):
            assert nav.get_by_role("link", name=link).is_visible()

        coming = page.get_by_role("region", name=re.compile("^Coming up"))
        rows = coming.locator("tbody tr")
        assert [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())] == [
            "Mon 23 Nov 2026, 10:30", "Tue 24 Nov 2026, 14:00", "Wed 25 Nov 2026, 11:00", "Thu 26 Nov 2026, 15:30"]
        assert "Northside Community Centre, room 4 (not risk-assessed)" in rows.nth(1).inner_text()
        text = coming.inner_text()
        mentees = planned_mentees(demo)
        assert mentees and not any(re.search(rf"\b{re.escape(m)}\b", text) for m in mentees)
        assert "2 Dec 2026" not in text  # a week ahead, not more

        attention = page.get_by_role("region", name=re.compile("^Needs attention"))
        headings = attention.locator("h3").all_inner_texts()
        assert headings[:2] == ["Concerns from debriefs (1)", "Lone-working escalations (1)"]
        assert "safeguarding concern raised at the debrief" in attention.locator("li").first.inner_text()
        assert "Planned meetings to update (1)" in headings

        venues = page.locator("#venues-table tbody tr")
        status = {venues.nth(i).locator("th").inner_text().splitlines()[0]:
                  venues.nth(i).locator("td").nth(1).inner_text() for i in range(venues.count())}
        assert status["Northside Community Centre, room 4"] == "never assessed"
        assert status["Riverside Library, study room 2"].startswith("lapsed on 15 Sep 2026")
        assert status["Positive Voices hub, meeting room 1"] == "not needed (in-house)"

        groups = page.locator("#groups-table tbody tr")
        assert groups.count() == 2
        drop_in = groups.filter(has_text="Fortnightly drop-in").locator("td")
        assert [drop_in.nth(i).inner_text() for i in (1, 2, 3, 4)] == ["24", "8.2", "96%", "96%"]

        folder = screenshot(page, "safety-dashboard.png").parent
        for name in ("attention", "coming-up", "venues", "groups"):
            page.locator(f"#{name}").screenshot(path=str(folder / f"safety-{name}.png"))
        assert errors == [] and console == []


def test_debrief_notes_stay_on_coordinator_pages(demo, demo_site):
    records = check(demo, date.fromisoformat(DEMO_AS_OF)).records
    [concern] = [m for m in records.meetings if m.debrief and m.debrief.concern == "safeguarding"]
    who = concern.supporter
    assert SAFEGUARDING_NOTE in (demo_site / f"supporters/{who}.html").read_text(encoding="utf-8")
    assert SAFEGUARDING_NOTE not in (demo_site / f"portfolios/{who}/index.html").read_text(encoding="utf-8")
    assert SAFEGUARDING_NOTE not in (demo_site / "index.html").read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "meetings", str(demo)])
    assert result.exit_code == 0 and SAFEGUARDING_NOTE not in result.output


def test_portfolio_counts_only_held_meetings(demo):
    from peerkit.analyse import Analysis
    from peerkit.portfolio import portfolio_for

    as_of = date.fromisoformat(DEMO_AS_OF)
    records = check(demo, as_of).records
    analysis = Analysis.of(records, as_of)
    tom = [m for m in records.meetings if m.supporter == "tom-whitfield" and m.date.year == 2026
           and m.kind == "one-to-one"]  # a portfolio's practice: one-to-ones and groups
    assert any(m.status == "cancelled" for m in tom)
    practice = {row.year: row for row in portfolio_for(analysis, "tom-whitfield").practice}[2026]
    assert sum(row.sessions for row in practice.rows) == sum(1 for m in tom if m.held)


def test_the_demo_shows_each_safety_warning_once(demo):
    from collections import Counter

    from conftest import problems, run_check

    exit_code, output = run_check(demo, as_of=DEMO_AS_OF)
    assert exit_code == 0, output
    safety = {"planned-overdue", "escalated", "venue-risk-assessment", "venue-overheard", "ground-rules",
              "no-attendance", "concern-no-action", "checkout-before-checkin"}
    found = Counter(p.code for p in problems(output, demo) if p.code in safety)
    # the risk assessments: one venue never assessed (a planned meeting), one lapsed (a held meeting)
    assert found == {"planned-overdue": 1, "escalated": 1, "venue-risk-assessment": 2, "venue-overheard": 1,
                     "ground-rules": 1}, output
