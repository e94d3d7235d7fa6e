"""Hostile text in records never becomes active HTML (issue 6).

Every free-text field that reaches a page (names, titles, goals, notes,
reflections, actions, the programme's own names) gets a payload that tries
to run script: ``<script>``, ``onerror=``, ``javascript:`` and ``data:``
links, ``<iframe>``, ``<svg onload>``, ``<style>``, ``<form>``, ``<object>``,
``<meta http-equiv=refresh>``, entity tricks. The built pages are then read
twice: parsed as HTML (nothing active is left, safe formatting is) and
opened in headless Chromium (no script ran, no dialog opened).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from browser import chromium_page
from conftest import REPO, SAMPLE_AS_OF, run, write_sample

# One line: for names and titles (autoescaped as text).
LINE = ("<script>window.pwned=1;document.title='PWNED';alert('line')</script>"
        "<img src=x onerror=\"window.pwned=1;alert('img')\"><svg onload=\"window.pwned=1\">")
# Markdown: for notes and reflections (rendered, then sanitised).
MARKDOWN = """\
**Bold kept** and a list:

- item one
- item two

<script>window.pwned=1;document.title='PWNED';alert('script')</script>
<img src=x onerror="window.pwned=1;document.title='PWNED';alert('img')">
<svg onload="window.pwned=1;alert('svg')"><circle r="1"></circle></svg>
<iframe src="javascript:parent.pwned=1"></iframe>
<iframe srcdoc="<script>parent.pwned=1</script>"></iframe>
<style>body { display: none }</style>
<a href="javascript:window.pwned=1;alert('link')">js link</a>
[md js link](javascript:window.pwned=1)
[md data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
<a href="data:text/html,<script>alert('data')</script>">data link</a>
<a href="jav&#x09;ascript:window.pwned=1">tab link</a>
<form action="https://evil.example/"><input name="q"><button formaction="javascript:alert('form')">go</button></form>
<object data="javascript:alert('object')"></object>
<embed src="javascript:alert('embed')">
<meta http-equiv="refresh" content="0;url=javascript:alert('meta')">
<base href="https://evil.example/">
<link rel="stylesheet" href="https://evil.example/x.css">
<details open ontoggle="window.pwned=1">details</details>
&lt;script&gt;alert('entity')&lt;/script&gt; &#60;script&#62;window.pwned=1&#60;/script&#62;
<scr<script>ipt>window.pwned=1</script>
<math><mtext><table><mglyph><style><img src=x onerror="window.pwned=1"></style></mglyph></table></mtext></math>
"""

# What the payloads must not leave behind in any page.
FORBIDDEN_TAGS = {"iframe", "object", "embed", "form", "input", "button", "base", "math", "mglyph", "frame"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


def _inject(records: Path) -> None:
    def edit(rel: str, change) -> None:
        path = records / rel
        data = yaml.safe_load(path.read_text())
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000))

    def programme(d):
        d["name"] = "Riverside " + LINE
        d["organisation"] = LINE
        for item in d["competencies"] + d["mandatory_training"]:
            item["title"] = f"{item['title']} {LINE}"
        d["competencies"][0]["group"] = LINE

    def amara(d):
        d["name"] = "Amara " + LINE
        d["notes"] = MARKDOWN
        d["development_plan"][0]["goal"] = LINE
        d["training"]["accreditation"]["body"] = LINE
        d["training"]["accreditation"]["title"] = LINE
        d["supervision"]["supervisor"] = LINE

    def bex(d):
        d["name"] = "Bex " + LINE
        d["notes"] = MARKDOWN

    def meeting(d):
        d["notes"] = MARKDOWN
        d["debrief"]["notes"] = MARKDOWN

    def group(d):
        d["topic"] = LINE
        d["notes"] = MARKDOWN

    def supervision(d):
        d["notes"] = MARKDOWN
        d["supervisor"] = LINE
        for action in d["actions"]:  # the open one is overdue, so it is on the dashboard too
            action["action"] = LINE
        d["actions"][0]["outcome"] = LINE

    def cpd(d):
        d["title"] = LINE
        d["provider"] = LINE
        d["reflection"] = MARKDOWN

    edit("programme.yaml", programme)
    edit("supporters/amara.yaml", amara)
    edit("supporters/bex.yaml", bex)
    edit("meetings/2026/2026-05-04-one-to-one-q9.yaml", meeting)
    edit("meetings/2026/2026-05-12-group.yaml", group)
    edit("supervision/2026/2026-03-02-amara.yaml", supervision)
    edit("cpd/amara/2025-07-20-safeguarding.yaml", cpd)
    edit("cpd/bex/2026-02-01-listening.yaml", cpd)


PAGES = ["index.html", "supporters/amara.html", "supporters/bex.html",
         "portfolios/amara/index.html", "portfolios/bex/index.html"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile-html")
    records = write_sample(root / "records")
    _inject(records)
    check = run("check", records, "--as-of", SAMPLE_AS_OF, "--no-cache")
    assert check.exit_code == 0, check.output  # hostile text is still valid text
    result = run("build", records, "-o", root / "site", "--as-of", SAMPLE_AS_OF, "--no-pdf")
    assert result.exit_code == 0, result.output
    return root / "site"


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        if tag in self.raw:
            self._in = tag
            self.raw[tag].append("")

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.raw[self._in][-1] += data


def parse(html: str) -> Elements:
    elements = Elements()
    elements.feed(html)
    return elements


def active_content(page: str, html: str) -> list[str]:
    """Everything in ``html`` that could run script or load something; empty when safe."""
    found = []
    elements = parse(html)
    for tag, attrs in elements.tags:
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...>")
            squashed = "".join(value.split()).lower()
            if name in ("href", "src", "action", "formaction", "data", "srcdoc", "xlink:href") and \
                    squashed.startswith(BAD_SCHEMES):
                found.append(f"<{tag} {name}={value[:30]}>")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
        if tag == "link":
            found.append(f"<link href={attrs.get('href')}>")
        if tag == "script" and attrs.get("src"):
            found.append(f"<script src={attrs.get('src')}>")
        if tag == "svg" and page != "index.html":
            found.append("<svg> outside the dashboard chart")
    templates = REPO / "templates"
    portfolio = page.startswith("portfolios/")
    # Only peerkit's own script (dashboard pages; portfolios have none) and CSS, each
    # allowed by its CSP hash.
    own_script = "" if portfolio else (templates / "peerkit.js").read_text()
    own_css = (templates / ("portfolio.css" if portfolio else "peerkit.css")).read_text()
    if any(text != own_script for text in elements.raw["script"]):
        found.append("inline script text")
    if any(text != own_css for text in elements.raw["style"]):
        found.append("<style> that is not peerkit's")
    return found


def test_the_detector_finds_what_it_looks_for():
    """So that an empty result below means something."""
    assert active_content("supporters/x.html", MARKDOWN)
    assert "<img onerror=...>" in active_content("supporters/x.html", LINE)
    assert active_content("supporters/x.html", '<a href=" JaVaScRiPt:alert(1)">x</a>') == [
        "<a href= JaVaScRiPt:alert(1)>"]


@pytest.mark.parametrize("page", PAGES)
def test_pages_hold_no_active_content(site, page):
    html = (site / page).read_text()
    assert active_content(page, html) == []
    assert 'http-equiv="Content-Security-Policy"' in html


@pytest.mark.parametrize("page", PAGES)
def test_hostile_text_is_shown_as_text(site, page):
    html = (site / page).read_text()
    assert "&lt;script&gt;window.pwned=1" in html  # the one-line payload, escaped, is there to read
    assert "PWNED" not in parse(html).raw["script"]


@pytest.mark.parametrize("page", ["supporters/amara.html", "supporters/bex.html",
                                  "portfolios/amara/index.html", "portfolios/bex/index.html"])
def test_safe_formatting_is_kept(site, page):
    html = (site / page).read_text()
    assert "<strong>Bold kept</strong>" in html
    assert "<li>item one</li>" in html
    assert ">js link</a>" in html  # the link text stays; its javascript: target does not


# --- in a real browser --------------------------------------------------------

def _opened(page, url: str, errors: list[str]) -> dict:
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    for text in ["js link", "md js link", "data link", "tab link", "md data link"]:
        links = page.get_by_text(text, exact=True)
        for i in range(links.count()):
            links.nth(i).click(no_wait_after=True)
    page.wait_for_timeout(200)
    return {
        "pwned": page.evaluate("window.pwned"),
        "parent_pwned": page.evaluate("window.parent.pwned"),
        "title": page.title(),
        "url": page.url,
        "csp": page.locator('meta[http-equiv="Content-Security-Policy"]').count(),
        "frames": len(page.frames),
        "dialogs": [e for e in errors if e.startswith("dialog:")],
    }


@pytest.mark.browser
def test_the_browser_harness_sees_a_script_that_runs():
    """Control: the same checks do catch script that runs, so their silence below means something."""
    with chromium_page() as (page, console, errors):
        page.set_content("<script>window.pwned = 1; document.title = 'PWNED'; alert('x')</script>")
        assert page.evaluate("window.pwned") == 1
        assert page.title() == "PWNED"
        assert errors == ["dialog: x"]


@pytest.mark.browser
@pytest.mark.parametrize("page_path", PAGES)
def test_no_script_from_the_records_runs_in_chromium(site, page_path):
    url = (site / page_path).as_uri()
    with chromium_page() as (page, console, errors):
        seen = _opened(page, url, errors)
    assert seen["pwned"] is None and seen["parent_pwned"] is None
    assert seen["title"] != "PWNED" and "<script>" in seen["title"]  # the payload is in the title as text
    assert seen["dialogs"] == [] and errors == []
    assert seen["csp"] == 1
    assert seen["frames"] == 1  # no iframe came through
    assert seen["url"] == url  # no refresh or link took the page elsewhere


@pytest.mark.browser
@pytest.mark.parametrize("page_path", ["index.html", "portfolios/amara/index.html"])
def test_the_csp_blocks_inline_script_even_if_sanitising_failed(site, page_path):
    """Defence in depth: put an inline script and handler straight into a built page;
    its Content-Security-Policy still stops them."""
    original = site / page_path
    broken = original.with_name("broken-" + original.name)
    broken.write_text(original.read_text().replace(
        "</main>" if page_path == "index.html" else "</body>",
        "<script>window.pwned=1;alert('inline')</script><img src=x onerror=\"window.pwned=2\">"
        + ("</main>" if page_path == "index.html" else "</body>")))
    try:
        with chromium_page() as (page, console, errors):
            page.goto(broken.as_uri())
            page.wait_for_load_state("load")
            page.wait_for_timeout(300)
            pwned = page.evaluate("window.pwned")
    finally:
        broken.unlink()
    assert pwned is None and errors == []
