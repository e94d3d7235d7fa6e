"""Issue 18: the dashboard, a supporter page and the portfolios read well on a phone and on A4.

Chromium at 1280 px and 390 px (an iPhone's width): no table runs off the page
silently (it fits, stacks, or scrolls with a visible cue), chart labels are big
enough to read, the competency matrix shows its whole headers; and printed on A4,
nothing is cut off. Screenshots go to tests/artifacts/ for a person to look at.
The checks are generic (every table, every label on the page), so sections added
later are held to them too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from browser import ARTIFACTS, chromium_page, screenshot
from conftest import DEMO_AS_OF as AS_OF
from peerkit.cli import main

pytestmark = pytest.mark.browser
PHONE, DESKTOP = 390, 1280
PAGES = {
    "dashboard": "index.html",
    "supporter": "supporters/amara-okafor.html",
    "portfolio": "portfolios/amara-okafor/index.html",
    "portfolio-new": "portfolios/chiamaka-eze/index.html",
}


@pytest.fixture(scope="module")
def site(demo, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("anywhere") / "site"
    result = CliRunner().invoke(main, ["build", str(demo), "-o", str(out), "--as-of", AS_OF, "--no-pdf"])
    assert result.exit_code == 0, result.output
    return out


# Every table on the page: does it run past the page, or past a box that hides it without a cue?
TABLE_PROBLEMS = """() => {
  const width = document.documentElement.clientWidth, problems = [];
  if (document.documentElement.scrollWidth > width + 1)
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide`);
  for (const table of document.querySelectorAll('table')) {
    if (!table.getClientRects().length) continue;  // hidden (a closed <details>)
    const name = (table.caption || table.tHead || table).textContent.trim().slice(0, 40);
    const wrap = table.closest('.table-wrap');
    if (!wrap) {
      if (table.getBoundingClientRect().right > width + 1) problems.push(`${name}: runs off the page`);
      continue;
    }
    if (wrap.scrollWidth <= wrap.clientWidth + 1) continue;  // fits
    const cue = wrap.previousElementSibling;
    const visible = cue && cue.classList.contains('scroll-cue') && cue.getClientRects().length
      && getComputedStyle(cue).visibility !== 'hidden';
    const shadow = getComputedStyle(wrap).backgroundImage.includes('gradient');
    if (!visible || !shadow) problems.push(`${name}: scrolls sideways with no cue`);
  }
  return problems;
}"""


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_table_is_silently_cut(site, name, width):
    with chromium_page(width=width, height=844) as (page, console, errors):
        page.goto((site / PAGES[name]).as_uri())
        screenshot(page, f"{name}-{width}.png")
        assert page.evaluate(TABLE_PROBLEMS) == []
        assert errors == [] and console == []


def test_the_supporters_table_stacks_on_a_phone(site):
    """Every column of every supporter is on screen, each value with its column's name."""
    with chromium_page(width=PHONE, height=844) as (page, console, errors):
        page.goto((site / "index.html").as_uri())
        cells = page.locator("#supporters-table tbody tr:first-child > *")
        assert cells.count() == 10
        for i in range(cells.count()):
            box = cells.nth(i).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE, cells.nth(i).inner_text()
        labels = cells.evaluate_all("cells => cells.slice(1).map(c => getComputedStyle(c, '::before').content)")
        assert labels[:3] == ['"Status"', '"Roles"', '"Joined"']
        # Each cell is as tall as its label (a label of two lines runs into the next cell otherwise).
        cramped = page.locator("#supporters-table tbody td").evaluate_all("""cells => cells.filter(td => {
            const probe = document.createElement('span');
            probe.textContent = td.dataset.label;
            probe.style.cssText = 'position: absolute; visibility: hidden; width: 8.5rem; font-weight: 600';
            td.appendChild(probe);
            const needed = probe.getBoundingClientRect().height;
            probe.remove();
            const style = getComputedStyle(td);
            const inner = td.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
            return inner + 1 < needed;
        }).map(td => td.dataset.label)""")
        assert cramped == []
        assert page.get_by_role("searchbox").is_visible()  # the filter still works on a phone
        page.get_by_role("searchbox").fill("paused")
        assert page.locator("#supporters-table tbody tr:visible").count() == 1


CHART_LABELS = """() => [...document.querySelectorAll('svg.chart')].flatMap((svg, chart) => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].filter(t => t.getClientRects().length).map(t => {
    const r = t.getBoundingClientRect();
    return {chart, months: svg.classList.contains('months'), text: t.textContent,
            px: parseFloat(getComputedStyle(t).fontSize) * scale,
            left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  });
})"""


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_chart_labels_are_readable_and_apart(site, width):
    """Every chart on the dashboard: labels at least 10 px, on screen, none on top of another."""
    with chromium_page(width=width, height=844) as (page, console, errors):
        page.goto((site / "index.html").as_uri())
        labels = page.evaluate(CHART_LABELS)
    assert len({label["chart"] for label in labels}) >= 1
    small = [(label["text"], round(label["px"], 1)) for label in labels if label["px"] < 10]
    assert small == []
    assert [label["text"] for label in labels if label["left"] < 0 or label["right"] > width] == []
    months = [label for label in labels if label["months"] and (not label["text"].isdigit() or len(label["text"]) == 4)]
    assert len(months) >= 5  # still a time axis
    clashes = [(a["text"], b["text"]) for i, a in enumerate(labels) for b in labels[i + 1:]
               if a["chart"] == b["chart"] and a["left"] < b["right"] and b["left"] < a["right"]
               and a["top"] < b["bottom"] and b["top"] < a["bottom"]]
    assert clashes == []


MATRIX_HEADERS = """() => [...document.querySelectorAll('.matrix thead th.competency')].map(th => {
  const range = document.createRange();
  range.selectNodeContents(th);
  const text = range.getBoundingClientRect(), box = th.getBoundingClientRect();
  const inside = text.top >= box.top - 1 && text.bottom <= box.bottom + 1
    && text.left >= box.left - 1 && text.right <= box.right + 1;
  return {title: th.textContent.trim(), inside, height: text.height};
})"""


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_competency_matrix_headers_are_whole(site, width):
    with chromium_page(width=width, height=844) as (page, console, errors):
        page.goto((site / "index.html").as_uri())
        headers = page.evaluate(MATRIX_HEADERS)
    assert len(headers) == 19
    assert [h["title"] for h in headers if not h["inside"]] == []
    assert max(h["height"] for h in headers) <= 15 * 16  # wrapped, not a tower as tall as the longest title


@pytest.mark.parametrize("name", ["dashboard", "supporter"])
def test_pages_print_on_a4_with_nothing_cut_off(site, name):
    """Printed (Chromium's print to PDF, A4): every page A4, the navigation and filter left out, and laid
    out at the printed width no table needs a scroll bar, which paper does not have."""
    with chromium_page(width=DESKTOP) as (page, console, errors):
        page.goto((site / PAGES[name]).as_uri())
        page.emulate_media(media="print")
        ARTIFACTS.mkdir(exist_ok=True)
        target = ARTIFACTS / f"{name}-print.pdf"
        page.pdf(path=str(target), format="A4", prefer_css_page_size=True)
        hidden = page.evaluate("() => [...document.querySelectorAll('nav.site, .filter, .scroll-cue')]"
                               ".filter(e => e.getClientRects().length).length")
        page.set_viewport_size({"width": 680, "height": 1000})  # A4 less the page margins, in CSS px
        overflowing = page.evaluate("""() => [document.documentElement,
                                              ...document.querySelectorAll('.table-wrap, table')]
            .filter(e => e.getClientRects().length && (e.scrollWidth > e.clientWidth + 1
                                                       || e.getBoundingClientRect().right > 681))
            .map(e => e.tagName + ' ' + e.textContent.trim().slice(0, 40))""")
    reader = PdfReader(target)
    sizes = {(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages}
    assert all(abs(w - 595.3) < 1 and abs(h - 841.9) < 1.5 for w, h in sizes), sizes  # A4: 210 x 297 mm
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Amara Okafor" in text
    assert hidden == 0
    assert overflowing == []
