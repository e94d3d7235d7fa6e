"""Promises kept (issue 14) in headless Chromium: the grid, the figures, the supporter page, the portfolio."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from browser import ARTIFACTS, chromium_page, screenshot
from conftest import DEMO_AS_OF, run
from peerkit.analyse import Analysis
from peerkit.check import check
from peerkit.html import percent

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_site(demo, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("promises") / "site"
    result = run("build", demo, "-o", site, "--no-pdf", "--as-of", DEMO_AS_OF)
    assert result.exit_code == 0, result.output
    return site


@pytest.fixture(scope="module")
def analysis(demo) -> Analysis:
    as_of = date.fromisoformat(DEMO_AS_OF)
    return Analysis.of(check(demo, as_of).records, as_of)


def test_the_grid_shows_every_active_supporter_by_month_with_their_promise_kept(demo_site, analysis):
    with chromium_page(width=1400) as (page, console, errors):
        page.goto((demo_site / "index.html").as_uri())
        section = page.get_by_role("region", name=re.compile("Promises kept"))
        assert section.is_visible()
        grid = section.get_by_role("table", name=re.compile("Supervision sessions by month and type"))
        rows = grid.locator("tbody tr")
        assert rows.count() == len(analysis.promised) == 9  # the active supporters
        assert grid.locator("thead th.month").count() == 12
        for row, s in zip(rows.all(), analysis.promised):
            cells = row.locator("td")
            assert row.locator("th").inner_text() == s.supporter.name
            assert cells.nth(12).inner_text() == percent(s.promise_kept)
            months = s.supervision_months(analysis.promise_months)
            for i, cell in enumerate(months):
                td = cells.nth(i)
                # a letter per session, each in its type's colour; a month past a promise says how many days
                assert td.locator(".sv").all_inner_texts() == [t[:1].upper() for _, t in cell.sessions]
                assert ("late" in (td.get_attribute("class") or "")) == bool(cell.late_days)
                if cell.late_days:
                    assert td.locator(".late-mark").inner_text() == f"{cell.late_days}d"
        # colour is never the only signal: each type has its own colour AND letter, explained in the key
        colours = {t: page.locator(f".sv-legend .sv-{t}").evaluate("e => getComputedStyle(e).backgroundColor")
                   for t in ("clinical", "managerial", "group", "peer")}
        assert len(set(colours.values())) == 4
        key = section.get_by_label("Key to the grid").inner_text()
        assert all(word in key for word in ("clinical", "managerial", "group", "peer", "past a promised interval"))
        # and a screen reader hears each cell in words
        first = rows.first.locator("td").first.locator(".visually-hidden").inner_text()
        assert re.search(r"(no supervision|(clinical|managerial|group|peer) on \d+ \w+ \d{4})", first)
        cards = section.locator("dl.cards").inner_text()
        assert f"Promise kept, programme\n{percent(analysis.programme_kept)}" in cards
        assert f"Gaps longer than promised\n{analysis.programme_broken}" in cards
        who, promise, gap = analysis.programme_longest_gap
        assert f"{gap.days - promise.promise.interval_days} days" in cards and who.supporter.name in cards
        table = section.get_by_role("table", name="Each promise over the last 12 months")
        assert table.locator("tbody tr").count() == sum(len(s.promises) for s in analysis.promised)
        assert "managerial supervision every 61 days with Helen Marsh" in table.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        section.screenshot(path=str(ARTIFACTS / "promises.png"))
        assert errors == [] and console == []


def test_needs_attention_shows_the_new_promises(demo_site):
    with chromium_page() as (page, console, errors):
        page.goto((demo_site / "index.html").as_uri())
        attention = page.get_by_role("region", name="Needs attention").inner_text()
        for text in ("Peer supervision (", "Supervision agreements (", "Copies of supervision notes (",
                     "One-to-ones with the coordinator (", "Ioana Popescu: no signed supervision agreement",
                     "Marcus Campbell: supervision agreement review due",
                     "Chiamaka Eze: one-to-one time during training",
                     "Amara Okafor: peer supervision due"):
            assert text in attention, text
        assert "Tom Whitfield: Lone working" not in attention  # telephone and online only: not for his roles
        table = page.locator("#supporters-table").inner_text()
        assert "(clearly behind)" in table and "(on track)" in table
        assert "Equality, diversity and inclusion: never done (recommended)" in table
        assert errors == []


def test_the_supporter_page_shows_promises_agreement_and_copies(demo_site):
    with chromium_page() as (page, console, errors):
        page.goto((demo_site / "supporters/amara-okafor.html").as_uri())
        promised = page.get_by_role("region", name="Supervision promised, last 12 months")
        assert promised.locator("tbody tr").count() == 3  # managerial, peer, clinical
        overview = page.get_by_role("region", name="Overview").inner_text()
        assert "Supervision agreement signed 28 May 2021, reviewed" in overview
        assert re.search(r"copy given \d+ \w+ 2026", page.locator("#history").inner_text())
        page.goto((demo_site / "supporters/farah-siddiqui.html").as_uri())
        assert "no copy given yet" in page.locator("#history").inner_text()
        screenshot(page, "supporter-promises.png")
        assert errors == []


def test_the_portfolio_shows_supervision_received_as_facts_never_notes(demo_site):
    with chromium_page() as (page, console, errors):
        page.goto((demo_site / "portfolios/grace-mensah/index.html").as_uri())
        section = page.get_by_role("region", name="Supervision record")
        text = section.inner_text()
        assert re.search(r"\d+ sessions in the 12 months from .* on average one every \d+ days, the longest gap \d+ "
                         r"days", text)
        years = section.get_by_role("table", name="Sessions by year and type").inner_text()
        assert "2026" in years and "managerial" in years and "peer" in years
        assert "Reflected on" not in text and "Checked in on wellbeing" not in text  # supervision notes stay out
        assert errors == []
