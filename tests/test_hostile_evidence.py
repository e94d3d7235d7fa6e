"""Evidence files are hostile input too (security issue items 1, 4, 7 and 10).

A CPD entry's ``evidence`` names files that ``build`` copies into a portfolio,
which coordinators open from disk and employers may open over HTTP. So a
record may name only a clean relative path under ``evidence/`` (never a web
address, never ``..``), the file must really sit in ``evidence/``, be at most
20 MiB, and be a type a browser will not run (decided by its content, and
named to match). The copy step refuses on its own whatever the check let
through, and writes nothing outside the portfolio's folder.
"""

from __future__ import annotations

import json
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader

from browser import chromium_page
from conftest import problems, run, run_check

CPD = "cpd/amara-okafor/2025-04-10-safeguarding-refresher.yaml"
OWN = "evidence/amara-okafor/safeguarding-2025.pdf"
FIRST = 11  # the line of the first evidence item in CPD

PDF = b"%PDF-1.4\n% certificate\n"
HTML = b"<!DOCTYPE html><html><body><script>console.log('PWNED');alert('PWNED')</script></body></html>\n"
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="console.log(\'PWNED\')">'
       b"<script>alert('PWNED')</script></svg>\n")
SCRIPT = b"console.log('PWNED'); alert('PWNED'); document.title = 'PWNED';\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32)
GIF = b"GIF89a" + bytes(32)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(32)
ZIP = b"PK\x03\x04\x14\x00\x00\x00" + bytes(32)  # .docx, .xlsx, .odt ...
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(32)  # .doc, .xls, .ppt
TEXT = "Certificate of attendance: Safeguarding adults, 3 hours. Score >= 80%.\n".encode()


def set_evidence(records: Path, *evidence: str) -> None:
    """Give the CPD entry exactly these evidence items, from line FIRST on (JSON
    strings are YAML double-quoted scalars, so any text can be written)."""
    path = records / CPD
    head = path.read_text().split("evidence:")[0]
    path.write_text(head + "evidence:\n" + "".join(f"  - {json.dumps(e)}\n" for e in evidence))


def put(records: Path, rel: str, content: bytes) -> str:
    path = records / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return rel


def found(output: str, records: Path) -> list[tuple[int, str, str]]:
    return [(p.line, p.severity, p.code) for p in problems(output, records)]


def build(records: Path, site: Path, *extra: str) -> tuple[int, str]:
    return run("build", records, "-o", site, "--as-of", "2025-06-30", "--no-pdf", *extra)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    """Temporary build folders left beside the site (a failed build cleans up)."""
    return sorted(p.name for p in folder.iterdir() if ".building-" in p.name or ".old-" in p.name)


# --- 7: evidence is a relative path under evidence/, never a URL ------------------

@pytest.mark.parametrize("evidence", [
    "https://evil.example/certificate.pdf",
    "https://evil.example/../../evidence/amara-okafor/safeguarding-2025.pdf",
    "javascript:alert(1)//../evidence/amara-okafor/safeguarding-2025.pdf",
    "JavaScript:alert(1)//../evidence/amara-okafor/safeguarding-2025.pdf",
    "data:text/html,<script>alert(1)</script>//../../evidence/amara-okafor/safeguarding-2025.pdf",
    "file:///etc/passwd",
    "c:\\certificates\\safeguarding.pdf",
])
def test_evidence_that_is_a_web_address_is_refused_at_its_line(records, evidence):
    set_evidence(records, OWN, evidence)
    exit_code, output = run_check(records)
    assert found(output, records) == [(FIRST + 1, "error", "evidence-path")], output
    [p] = problems(output, records)
    assert "web address" in p.message and "evidence/" in p.message
    assert exit_code == 1


@pytest.mark.parametrize("evidence, says", [
    ("evidence/amara-okafor/../amara-okafor/safeguarding-2025.pdf", "'..'"),
    ("evidence//amara-okafor/safeguarding-2025.pdf", "evidence/amara-okafor/safeguarding-2025.pdf"),
    ("evidence/./amara-okafor/safeguarding-2025.pdf", "evidence/amara-okafor/safeguarding-2025.pdf"),
    ("./evidence/amara-okafor/safeguarding-2025.pdf", "evidence/amara-okafor/safeguarding-2025.pdf"),
    ("evidence/amara-okafor/safeguarding-2025.pdf/", "evidence/amara-okafor/safeguarding-2025.pdf"),
    ("evidence\\amara-okafor\\safeguarding-2025.pdf", "'/'"),
    ("evidence/amara-okafor/\u202efdp.exe", "invisible"),
    ("evidence/amara-okafor/safeguarding\u200b-2025.pdf", "invisible"),
])
def test_evidence_that_is_not_a_clean_path_is_refused(records, evidence, says):
    """The file is there (or the text names it once cleaned up), but the path is
    not written the one way a portfolio can copy it to."""
    set_evidence(records, evidence)
    exit_code, output = run_check(records)
    assert found(output, records) == [(FIRST, "error", "evidence-path")], output
    assert says in problems(output, records)[0].message


# --- 1: a link and '..' cannot make the copy land elsewhere ---------------------------

# A link inside evidence/ (evidence/a/lnk -> a/b/c/d) makes '..' climb further on disk
# than in the copy: each path below names a file inside evidence/ on disk, but in the
# portfolio folder it climbs to the dashboard's script, the dashboard, another
# supporter's pages or the portfolio's own index.html.
CLIMBS = {
    "evidence/a/lnk/../../../../../assets/peerkit.js": ("evidence/assets/peerkit.js", SCRIPT),
    "evidence/a/lnk/../../../../../index.html": ("evidence/index.html", HTML),
    "evidence/a/lnk/../../../../../supporters/ben-shah.html": ("evidence/supporters/ben-shah.html", HTML),
    "evidence/a/lnk/../../../../ben-shah/index.html": ("evidence/a/ben-shah/index.html", HTML),
    "evidence/a/lnk/../../../index.html": ("evidence/a/a/index.html", HTML),
}


def plant_climbs(records: Path) -> list[str]:
    (records / "evidence/a/a/b/c/d").mkdir(parents=True)
    (records / "evidence/a/lnk").symlink_to("a/b/c/d")
    for rel, (on_disk, content) in CLIMBS.items():
        put(records, on_disk, content)
        assert (records / rel).resolve() == (records / on_disk).resolve()  # the trick works on disk
    return list(CLIMBS)


def test_a_link_and_dotdot_cannot_overwrite_the_site(records, tmp_path):
    site = tmp_path / "site"
    assert build(records, site)[0] == 0
    before = snapshot(site)
    set_evidence(records, OWN, *plant_climbs(records))

    exit_code, output = run_check(records)
    report = found(output, records)
    assert [line for line, _, _ in report] == list(range(FIRST + 1, FIRST + 1 + len(CLIMBS))), output
    assert {severity for _, severity, _ in report} == {"error"}
    assert {code for _, _, code in report} <= {"evidence-outside", "evidence-path"}

    exit_code, output = build(records, site)
    assert exit_code == 1
    assert snapshot(site) == before  # assets/peerkit.js, every page and portfolio as they were
    assert leftovers(tmp_path) == []


@pytest.fixture
def check_misses_evidence(monkeypatch):
    """As if the evidence rule had a hole: the copy step must still refuse on its own."""
    import peerkit.rules

    def nothing(*args, **kwargs):
        return iter(())

    monkeypatch.setattr(peerkit.rules, "evidence_problems", nothing)


def _sparse(records: Path, rel: str, size: int) -> str:
    path = records / rel
    with path.open("wb") as f:
        f.write(PDF)
        f.truncate(size)
    return rel


def _link_out(records: Path) -> str:
    put(records.parent, "secret.pdf", PDF)
    (records / "evidence/amara-okafor/linked.pdf").symlink_to(records.parent / "secret.pdf")
    return "evidence/amara-okafor/linked.pdf"


ATTACKS = {
    "link-and-dotdot": lambda records: plant_climbs(records),
    "javascript-url": lambda records: ["javascript:alert(1)//../evidence/amara-okafor/safeguarding-2025.pdf"],
    "https-url": lambda records: ["https://evil.example/../../evidence/amara-okafor/safeguarding-2025.pdf"],
    "html-named-pdf": lambda records: [put(records, "evidence/amara-okafor/cert.pdf", HTML)],
    "svg": lambda records: [put(records, "evidence/amara-okafor/cert.svg", SVG)],
    "oversized": lambda records: [_sparse(records, "evidence/amara-okafor/huge.pdf", 3 * 2**30)],
    "link-out": lambda records: [_link_out(records)],
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_copy_step_refuses_what_the_check_missed(records, tmp_path, check_misses_evidence, attack):
    site = tmp_path / "site"
    assert build(records, site)[0] == 0
    before = snapshot(site)
    set_evidence(records, OWN, *ATTACKS[attack](records))
    assert run_check(records, "--no-cache")[0] == 0  # the check really misses it here

    started = time.monotonic()
    exit_code, output = build(records, site)
    assert exit_code == 1, output
    assert "evidence" in output and "Traceback" not in output
    assert time.monotonic() - started < 20  # the 3 GiB file was not copied
    assert snapshot(site) == before
    assert leftovers(tmp_path) == []


# --- 4: only types a browser will not run, decided by content ----------------------

ACCEPTED = {"cert.pdf": PDF, "CERT.PDF": PDF, "scan.png": PNG, "scan.jpg": JPEG, "scan.jpeg": JPEG,
            "scan.gif": GIF, "scan.webp": WEBP, "notes.txt": TEXT, "log.docx": ZIP, "log.xlsx": ZIP,
            "log.odt": ZIP, "log.doc": OLE, "log.xls": OLE}


@pytest.mark.parametrize("name, content, says", [
    ("cert.pdf", HTML, "is HTML"),
    ("cert.pdf", b"\n  \t<html><body onload=alert(1)>", "is HTML"),
    ("cert.pdf", b"\xef\xbb\xbf<script>alert(1)</script>", "is HTML"),
    ("cert.html", HTML, "is HTML"),
    ("cert.htm", b"<p>certificate</p>", "HTML"),
    ("cert.svg", SVG, "is SVG"),
    ("cert.png", b"<svg onload=alert(1)></svg>", "is SVG"),
    ("cert.xml", b"<?xml version='1.0'?><x/>", "is XML"),
    ("notes.txt", b"Certificate\n<script>alert(1)</script>\n", "HTML"),
    ("notes.txt", "Certificat\u00e9".encode("utf-16"), "not UTF-8"),
    ("cert.pdf", b"", "empty"),
    ("cert.pdf", b"\x7fELF\x02\x01\x01" + bytes(40), "unknown"),
    ("cert.html", PDF, "rename it to end in .pdf"),
    ("cert.svg", PNG, "rename it to end in .png"),
    ("scan.jpg", PNG, "rename it to end in .png"),
    ("certificate", PDF, "rename it to end in .pdf"),
    ("cert.js", TEXT, "rename it to end in .txt"),
])
def test_evidence_of_a_type_a_browser_could_run_is_refused(records, name, content, says):
    """Among files of every accepted type, only the bad one is reported, at its line,
    naming what was found and what is accepted."""
    good = [put(records, f"evidence/amara-okafor/ok/{n}", c) for n, c in ACCEPTED.items()]
    bad = put(records, f"evidence/amara-okafor/{name}", content)
    set_evidence(records, *good, bad)
    exit_code, output = run_check(records)
    assert found(output, records) == [(FIRST + len(good), "error", "evidence-type")], output
    message = problems(output, records)[0].message
    assert says in message
    assert "PDF" in message and "PNG" in message and ".txt" in message and ".docx" in message
    assert exit_code == 1


def test_an_oversized_file_is_refused_without_copying(records, tmp_path):
    limit = 20 * 2**20
    at_limit = _sparse(records, "evidence/amara-okafor/at-limit.pdf", limit)
    huge = _sparse(records, "evidence/amara-okafor/huge.pdf", 3 * 2**30)  # sparse: no disk used
    set_evidence(records, OWN, at_limit, huge)
    started = time.monotonic()
    exit_code, output = run_check(records)
    assert found(output, records) == [(FIRST + 2, "error", "evidence-too-large")], output
    assert "20 MiB" in problems(output, records)[0].message
    exit_code, output = build(records, tmp_path / "site")
    assert exit_code == 1 and not (tmp_path / "site").exists()
    assert time.monotonic() - started < 10


# --- 10: another supporter's evidence ---------------------------------------------

def test_evidence_in_another_supporters_folder_is_a_warning(records):
    ben = put(records, "evidence/ben-shah/group-skills.pdf", PDF)
    shared = put(records, "evidence/shared/policy.pdf", PDF)
    set_evidence(records, OWN, shared, ben)
    for _ in range(2):  # the second run takes the other rules' results from the cache
        exit_code, output = run_check(records)
        assert found(output, records) == [(FIRST + 2, "warning", "evidence-other-supporter")], output
        message = problems(output, records)[0].message
        assert "ben-shah" in message and "amara-okafor" in message
        assert exit_code == 0


# --- what the portfolio does with evidence --------------------------------------------

def pdf_links(path: Path) -> list[str]:
    """Every /URI a PDF's link annotations point at."""
    uris = []
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def test_the_pdf_has_no_link_made_from_an_evidence_path(records, tmp_path):
    from peerkit import pdf

    if pdf.unavailable_reason():
        pytest.skip(pdf.unavailable_reason())
    text = (records / CPD).read_text().replace(
        "reflection: Clearer on when to escalate a concern.",
        "reflection: Clearer on when to escalate; see [the course](https://example.org/course).")
    (records / CPD).write_text(text)
    exit_code, output = run("portfolio", "amara-okafor", records, "-o", tmp_path / "out", "--as-of", "2025-06-30")
    assert exit_code == 0, output
    links = pdf_links(tmp_path / "out/portfolio.pdf")
    assert "https://example.org/course" in links  # links from the reflection are found, so...
    assert [uri for uri in links if "evidence" in uri] == []  # ...none is made from evidence


def test_portfolio_links_evidence_as_a_download(records, tmp_path):
    put(records, "evidence/amara-okafor/notes #1?.txt", TEXT)
    set_evidence(records, OWN, "evidence/amara-okafor/notes #1?.txt")
    assert build(records, tmp_path / "site")[0] == 0
    html = (tmp_path / "site/portfolios/amara-okafor/index.html").read_text()
    assert 'href="evidence/amara-okafor/notes%20%231%3F.txt" download' in html
    assert (tmp_path / "site/portfolios/amara-okafor/evidence/amara-okafor/notes #1?.txt").read_bytes() == TEXT


# --- in a real browser --------------------------------------------------------------

def test_hostile_evidence_runs_no_script_in_chromium(records, tmp_path):
    """Every attack at once; whatever site is left is opened, and every evidence file
    it links to is visited: nothing logs, opens a dialog or changes a title."""
    site = tmp_path / "site"
    assert build(records, site)[0] == 0
    set_evidence(records, OWN, *plant_climbs(records),
                 put(records, "evidence/amara-okafor/cert.pdf", HTML),
                 put(records, "evidence/amara-okafor/badge.svg", SVG),
                 put(records, "evidence/amara-okafor/cert.html", HTML))
    build(records, site)
    pages = ["index.html", "supporters/amara-okafor.html", "supporters/ben-shah.html",
             "portfolios/amara-okafor/index.html", "portfolios/ben-shah/index.html"]
    with chromium_page() as (page, console, errors):
        visited = []
        for rel in pages:
            page.goto((site / rel).as_uri())
            page.wait_for_load_state("load")
            hrefs = page.eval_on_selector_all("a[href^='evidence/']", "links => links.map(a => a.href)")
            for href in hrefs:
                _visit(page, href)
                visited.append(href)
            page.wait_for_timeout(100)
            assert page.title() != "PWNED"
        assert visited, "the portfolio links its evidence"
    assert [m for m in console if "PWNED" in m] == []
    assert errors == []


def _visit(page, url: str) -> None:
    """Open ``url``; a file the browser downloads instead of showing is fine."""
    from playwright.sync_api import Error

    try:
        page.goto(url)
        page.wait_for_timeout(100)
    except Error as error:
        assert "Download is starting" in str(error) or "ERR_ABORTED" in str(error), error


@pytest.fixture
def served(tmp_path):
    """The built site over HTTP on localhost (where a page could read the whole site)."""
    site = tmp_path / "site"
    site.mkdir()
    handler = partial(SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_evidence_is_downloaded_not_opened_over_http(records, served):
    site, url = served
    put(records, "evidence/amara-okafor/notes.txt", TEXT)
    set_evidence(records, OWN, "evidence/amara-okafor/notes.txt")
    assert build(records, site)[0] == 0
    portfolio = url + "portfolios/amara-okafor/index.html"
    with chromium_page() as (page, console, errors):
        page.goto(portfolio)
        links = page.locator("a[href^='evidence/']")  # where cited, and in the list of evidence files
        assert len(set(links.evaluate_all("links => links.map(a => a.getAttribute('href'))"))) == 2
        for i in range(links.count()):
            with page.expect_download(timeout=5000) as download:
                links.nth(i).click()
            assert download.value.suggested_filename in ("safeguarding-2025.pdf", "notes.txt")
            assert page.url == portfolio  # still on the portfolio: the file was not opened
