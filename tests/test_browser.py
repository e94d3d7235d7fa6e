"""The demo dashboard and a portfolio in headless Chromium: what a person sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser import chromium_page, screenshot
from conftest import DEMO_AS_OF, run
from peerkit.analyse import Analysis
from peerkit.check import check

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_site(demo, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("demo-site") / "site"
    result = run("build", demo, "-o", site, "--as-of", DEMO_AS_OF)
    assert result.exit_code == 0, result.output
    return site


def overdue_supporters(demo: Path) -> list[str]:
    from datetime import date

    analysis = Analysis.of(check(demo, date.fromisoformat(DEMO_AS_OF)).records, date.fromisoformat(DEMO_AS_OF))
    return [s.supporter.name for s in analysis.summaries.values() if s.supervision_overdue_days]


def test_dashboard_shows_overdue_supporter_chart_and_tables(demo, demo_site):
    overdue = overdue_supporters(demo)
    assert overdue, "the demo programme should have someone overdue for supervision"
    with chromium_page() as (page, console, errors):
        page.goto((demo_site / "index.html").as_uri())
        attention = page.get_by_role("region", name="Needs attention")
        assert attention.is_visible()
        section = attention.locator("h3", has_text=re.compile(r"^Supervision \(")).locator(
            "xpath=following-sibling::ul[1]")  # not "Peer supervision (", also a heading
        for name in overdue:
            assert name in section.inner_text()
        bars = page.locator("svg.chart rect.bar")
        assert bars.count() >= 18
        box = bars.first.bounding_box()
        assert box and box["height"] > 0 and box["width"] > 0
        assert page.get_by_role("img", name="Meetings per month by kind").is_visible()
        rows = page.locator("#supporters-table tbody tr")
        assert rows.count() == 14
        screenshot(page, "dashboard.png")
        assert errors == [] and console == []  # no script errors, no CSP violations


def test_supporters_table_filters_and_sorts_with_javascript(demo_site):
    with chromium_page() as (page, console, errors):
        page.goto((demo_site / "index.html").as_uri())
        page.get_by_role("searchbox").fill("paused")
        visible = page.locator("#supporters-table tbody tr:visible")
        assert visible.count() == 1
        page.get_by_role("searchbox").fill("")
        page.get_by_role("button", name="Joined").click()
        joined = page.locator("#supporters-table tbody tr td:nth-child(4)").all_inner_texts()
        sort_keys = page.locator("#supporters-table tbody tr td:nth-child(4)").evaluate_all(
            "cells => cells.map(c => c.dataset.sort)")
        assert sort_keys == sorted(sort_keys) and len(joined) == 14
        assert errors == []


def test_dashboard_is_complete_without_javascript(demo_site):
    with chromium_page(javascript=False) as (page, console, errors):
        page.goto((demo_site / "index.html").as_uri())
        assert page.locator("#supporters-table tbody tr").count() == 14
        assert page.get_by_role("searchbox").count() == 0  # the filter is an enhancement
        assert page.get_by_role("region", name="Needs attention").is_visible()
        assert page.locator("svg.chart rect.bar").count() >= 18


def test_portfolio_renders_and_prints(demo_site):
    portfolios = sorted((demo_site / "portfolios").iterdir())
    with chromium_page(width=900) as (page, console, errors):
        page.goto((portfolios[0] / "index.html").as_uri())
        assert page.get_by_role("heading", name="Continuing professional development").is_visible()
        assert page.get_by_role("heading", name="Supervision record").is_visible()
        screenshot(page, "portfolio.png")
        assert errors == [] and console == []
