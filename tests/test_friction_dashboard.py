"""The dashboard in Chromium: every sortable column sorts by its real value (hours as numbers,
dates as dates), and the dashboard and supporter pages write every date one way ("4 Mar 2025")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser import chromium_page, screenshot
from conftest import AS_OF, run, write

pytestmark = pytest.mark.browser

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def cpd(root: Path, supporter: str, day: str, hours: str) -> None:
    write(root / f"cpd/{supporter}/{day}-reading.yaml", f"""
        supporter: {supporter}
        date: {day}
        title: Reading
        type: reading
        hours: {hours}
    """)


@pytest.fixture
def site(records: Path, tmp_path: Path) -> Path:
    """Three supporters with 26.5, 9 and 8 CPD hours in the last 12 months (all in 2025, this year)."""
    write(records / "supporters/cara-diallo.yaml", """
        id: cara-diallo
        name: Cara Diallo
        status: active
        joined: 2024-05-01
        roles: [online]
    """)
    cpd(records, "amara-okafor", "2025-01-15", "23.5")  # plus the 3-hour refresher: 26.5
    cpd(records, "ben-shah", "2025-02-01", "9")
    cpd(records, "cara-diallo", "2025-02-03", "8")
    out = tmp_path / "site"
    code, output = run("build", records, "-o", out, "--no-pdf", "--as-of", AS_OF)
    assert code == 0, output
    return out


def real_value(text: str) -> tuple:
    """How a person orders a cell: empty first, then numbers, dates or text as what they are."""
    if text == "":
        return (0,)
    if _NUMBER.fullmatch(text):
        return (1, float(text))
    if _ISO.fullmatch(text):
        return (1, text)
    return (1, text.casefold())


def column(page, table: str, index: int) -> list[str]:
    return page.locator(f"{table} tbody tr > :nth-child({index + 1})").evaluate_all(
        "cells => cells.map(c => c.dataset.sort !== undefined ? c.dataset.sort : c.textContent.trim())")


def test_every_column_sorts_by_its_real_value(site: Path) -> None:
    with chromium_page() as (page, console, errors):
        pages = (("index.html", "#supporters-table"), ("supporters/amara-okafor.html", "table[data-sortable]"))
        for html, table in pages:
            page.goto((site / html).as_uri())
            headers = page.locator(f"{table} thead th")
            for index in range(headers.count()):
                button = headers.nth(index).get_by_role("button")
                if button.count() == 0:  # data-nosort
                    continue
                name = button.inner_text()
                button.click()
                up = column(page, table, index)
                assert [real_value(v) for v in up] == sorted(real_value(v) for v in up), (html, name, up)
                button.click()
                down = column(page, table, index)
                values = [real_value(v) for v in down]
                assert values == sorted(values, reverse=True), (html, name)
        page.goto((site / "index.html").as_uri())
        page.get_by_role("button", name="CPD hours this year (pro rata)").click()  # all 2025 hours here
        hours = page.locator("#supporters-table tbody tr td:nth-child(7)").all_inner_texts()
        assert [h.split(" of")[0] for h in hours] == ["8", "9", "26.5"]
        screenshot(page, "friction-sorted-by-cpd-hours.png")
        assert errors == [] and console == []


def test_dashboard_and_supporter_pages_write_every_date_one_way(site: Path) -> None:
    pages = ["index.html", *(f"supporters/{p.name}" for p in sorted((site / "supporters").glob("*.html")))]
    with chromium_page() as (page, console, errors):
        for html in pages:
            page.goto((site / html).as_uri())
            # File paths name dates in their file names; everything else a person reads says "4 Mar 2025".
            page.evaluate("document.querySelectorAll('.path').forEach(e => e.remove())")
            text = page.locator("body").inner_text()
            other = re.findall(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
                               r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}\b", text)
            assert other == [], (html, other)
            assert re.search(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b", text), html
        assert errors == [] and console == []
