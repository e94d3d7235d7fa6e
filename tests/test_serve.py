"""peerkit serve: a real server on a free loopback port, real saves, the page reloading itself.

Every wait is bounded: the server is started with --port 0, its address read from
what it prints, and it is stopped (SIGTERM, then killed) whatever happens.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from browser import chromium_page, screenshot
from conftest import REPO, SAMPLE_AS_OF, run, write_sample
from peerkit.serve import LIVE_CSS, LIVE_JS
from peerkit.html import csp_hash

BEX = "supporters/bex.yaml"
BANNER = 'class="peerkit-problems"'
MEETING = "meetings/2026/2026-05-04-one-to-one-q9.yaml"
WAIT = 120  # seconds: a loaded CI machine can take a while to rebuild


class Served:
    def __init__(self, process: subprocess.Popen, port: int, output: list[str]) -> None:
        self.process, self.port, self.output = process, port, output

    def get(self, path: str, host: str | None = None) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers={"Host": host or f"127.0.0.1:{self.port}"})
            answer = connection.getresponse()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read().decode()
        finally:
            connection.close()

    def build(self) -> int:
        return int(self.get("/.peerkit/build")[2])

    def wait_for_build(self, after: int) -> int:
        """The build number once a build after ``after`` has finished."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if (now := self.build()) > after:
                return now
            time.sleep(0.2)
        raise AssertionError(f"no rebuild within {WAIT} s; the server said: {self.read()}")

    def read(self) -> str:
        """What the server printed so far (stderr)."""
        return "".join(self.output)


@contextmanager
def serving(records: Path, *options: str) -> Iterator[Served]:
    """``peerkit serve RECORDS --port 0`` in a subprocess, until the block ends."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "peerkit", "serve", str(records), "--port", "0",
                                "--as-of", SAMPLE_AS_OF, *options],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(iter(process.stderr.readline, "")), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + WAIT
        port = None
        while port is None and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
            if match := re.search(r"serving on http://127\.0\.0\.1:(\d+)/", "".join(output)):
                port = int(match[1])
        assert port, f"the server did not start: {''.join(output)}"
        yield Served(process, port, output)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        reader.join(timeout=10)


def test_serve_builds_serves_and_rebuilds_on_save(tmp_path):
    records = write_sample(tmp_path / "records")
    before = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("peerkit-serve-*"))
    with serving(records, "--no-pdf") as served:
        status, headers, page = served.get("/")
        assert status == 200 and "Bex Quillfeather" in page
        assert headers["cache-control"] == "no-store" and headers["x-content-type-options"] == "nosniff"
        policy = re.search(r'Content-Security-Policy" content="([^"]*)"', page)[1]
        assert csp_hash(LIVE_JS) in policy and "connect-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert f"<script>{LIVE_JS}</script>" in page
        first = served.build()

        (records / BEX).write_text((records / BEX).read_text().replace("Quillfeather", "Saved-Again"))
        second = served.wait_for_build(first)
        page = served.get("/")[2]
        assert "Bex Saved-Again" in page and BANNER not in page
        assert "Bex Saved-Again" in served.get("/portfolios/bex/")[2]

        good = (records / MEETING).read_text()
        (records / MEETING).write_text(good.replace("supporter: amara", "supporter: nobody"))
        third = served.wait_for_build(second)
        page = served.get("/")[2]
        assert BANNER in page and "Bex Saved-Again" in page  # the last good site, and why
        banner = page[page.index(BANNER):page.index("</pre>")]
        assert re.search(r"2026-05-04-one-to-one-q9\.yaml:\d+:\d+: error: unknown-supporter", banner)
        assert BANNER in served.get("/supporters/amara.html")[2]  # on every page

        (records / MEETING).write_text(good)
        served.wait_for_build(third)
        assert BANNER not in served.get("/")[2]
        assert "built in" in served.read()
        assert re.search(r"built in [\d.]+ s\n  checked \d+ files: 0 errors", served.read())  # what build said
    after = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("peerkit-serve-*"))
    assert after <= before  # the confidential site was removed when the server stopped
    assert "the served site was removed" in served.read()


def test_serve_answers_only_to_loopback_names_and_lists_no_folders(tmp_path):
    records = write_sample(tmp_path / "records")
    with serving(records, "--no-pdf") as served:
        assert served.get("/", host="attacker.example")[0] == 403  # a rebinding page cannot read it
        assert served.get("/.peerkit/build", host=f"evil.test:{served.port}")[0] == 403
        assert served.get("/", host=f"localhost:{served.port}")[0] == 200
        assert served.get("/portfolios/")[0] == 404
        status, _, page = served.get("/supporters/nobody.html")  # deleted since it was opened, say
        assert status == 404 and "No such page" in page and '<a href="/">' in page
        assert f"<script>{LIVE_JS}</script>" in page  # it reloads itself if the page comes back
        assert served.get("/../../etc/passwd")[0] == 404
        assert served.get("/.peerkit-site")[0] == 404  # the marker (every file and its hash) is not a page
        assert served.get("/portfolios/../.peerkit-site")[0] == 404


def test_a_first_build_with_errors_still_serves_the_problems(tmp_path):
    records = write_sample(tmp_path / "records")
    (records / MEETING).write_text((records / MEETING).read_text().replace("supporter: amara", "supporter: nobody"))
    with serving(records, "--no-pdf") as served:
        status, _, page = served.get("/")
        assert status == 503 and "unknown-supporter" in page and f"<script>{LIVE_JS}</script>" in page
        assert csp_hash(LIVE_CSS) in page


def test_a_network_host_needs_to_be_asked_for(tmp_path):
    records = write_sample(tmp_path / "records")
    refused = run("serve", records, "--host", "0.0.0.0", "--port", "0")
    assert refused.exit_code == 2 and "confidential" in refused.output and "--allow-network" in refused.output


@pytest.mark.browser
def test_the_open_page_reloads_itself_after_a_save(tmp_path):
    """In Chromium, under the page's strict CSP: the reload script runs, and nothing is refused."""
    records = write_sample(tmp_path / "records")
    with serving(records, "--no-pdf") as served, chromium_page() as (page, console, errors):
        page.goto(f"http://127.0.0.1:{served.port}/supporters/bex.html")
        assert "Bex Quillfeather" in page.content()
        (records / BEX).write_text((records / BEX).read_text().replace("Quillfeather", "Reloaded"))
        # waits by selector, never by a script: the page's CSP refuses eval, as it should
        page.get_by_text("Bex Reloaded").first.wait_for(timeout=WAIT * 1000)
        good = (records / MEETING).read_text()
        (records / MEETING).write_text(good.replace("supporter: amara", "supporter: nobody"))
        page.wait_for_selector(".peerkit-problems", timeout=WAIT * 1000)
        screenshot(page, "serve-problems.png")
        assert page.locator(".peerkit-problems").is_visible()
        assert errors == [] and not [m for m in console if "Content Security Policy" in m], console


def test_folders_left_by_a_killed_serve_are_removed_by_the_next(tmp_path, monkeypatch):
    """A serve killed outright cannot remove its copy of the confidential site; the next serve
    removes every such folder whose serve is gone, and no other."""
    from peerkit.serve import OWNER, Session, remove_abandoned

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    abandoned, running, unnamed = (tmp_path / f"peerkit-serve-{name}" for name in ("a", "b", "c"))
    for folder, owner in ((abandoned, gone.pid), (running, os.getpid()), (unnamed, None)):
        (folder / "site").mkdir(parents=True)
        (folder / "site" / "index.html").write_text("confidential")
        if owner is not None:
            (folder / OWNER).write_text(str(owner))
    (tmp_path / "peerkit-serve-link").symlink_to(abandoned)
    assert remove_abandoned(tmp_path) == 1
    assert not abandoned.exists() and running.exists() and unnamed.exists()

    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the session makes its folder
    (running / OWNER).write_text(str(gone.pid))
    said: list[str] = []
    session = Session(tmp_path, [], said.append)
    assert said == ["removed 1 private site folder left by a serve that was stopped abruptly"]
    assert not running.exists() and session.folder.parent == tmp_path
    assert (session.folder / OWNER).read_text() == str(os.getpid())  # a session names itself in its folder
