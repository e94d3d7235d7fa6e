"""The funders' report (issue 16) in headless Chromium: headings, captioned tables, charts with text equivalents."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from browser import ARTIFACTS, chromium_page, screenshot
from conftest import run

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_report(demo, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report"
    result = run("report", demo, "--period", "2026-Q3", "-o", out)
    assert result.exit_code == 0, result.output
    return out


def test_the_demo_report_reads_as_tables_with_charts_and_no_errors(demo_report: Path) -> None:
    with chromium_page(width=1000) as (page, console, errors):
        page.goto((demo_report / "report.html").as_uri())
        assert page.get_by_role("heading", level=1).inner_text() == "Thames Valley Positive Voices Peer Mentoring"
        assert "2026-Q3" in page.locator(".running").inner_text()
        sessions = page.get_by_role("table", name="Sessions by kind")
        assert sessions.is_visible()
        assert sessions.get_by_role("columnheader").all_inner_texts()[1:] == ["2026-Q3", "2026-Q2"]
        totals = sessions.locator("tr.total td").all_inner_texts()
        assert all(re.fullmatch(r"\d+", t) for t in totals), totals
        charts = page.get_by_role("img", name=re.compile("bar chart of the table above"))
        assert charts.count() >= 4
        assert "fewer than 5" in page.locator("main").inner_text()
        assert errors == [] and console == []  # the CSP allowed the page's own style and nothing else
        shot = screenshot(page, "report-demo-2026-Q3.png")
    assert shot.stat().st_size > 10_000
    if (demo_report / "report.pdf").exists() and shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                        str(demo_report / "report.pdf"), str(ARTIFACTS / "report-demo-2026-Q3-pdf-page1")], check=True)
        assert (ARTIFACTS / "report-demo-2026-Q3-pdf-page1.png").stat().st_size > 5_000
