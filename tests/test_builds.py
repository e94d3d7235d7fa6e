"""Builds that keep up: PDFs made only when what they show changed, on every core, with a progress bar.

A rebuild copies each PDF whose inputs (its HTML, its evidence's bytes, peerkit and the
engine) are unchanged from the user's cache folder; the site it makes must be byte for
byte the site a full build of the same tree makes.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DEMO_AS_OF, REPO, SAMPLE_AS_OF, run, snapshot, write_sample
from peerkit import pdf

pytestmark = pytest.mark.skipif(bool(pdf.unavailable_reason()), reason="needs the PDF engine (Typst)")

CPD = "cpd/amara/2025-07-20-safeguarding.yaml"


def build(records: Path, out: Path, cache_home: Path, monkeypatch, *extra: str, as_of: str = SAMPLE_AS_OF):
    """``peerkit build`` with the user's cache folder at ``cache_home``."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    result = run("build", records, "-o", out, "--as-of", as_of, *extra)
    assert result.exit_code == 0, result.output
    return result


def test_a_rebuild_remakes_only_the_changed_pdf_and_equals_a_full_build(tmp_path, monkeypatch):
    records = write_sample(tmp_path / "records")
    site, cache = tmp_path / "site", tmp_path / "cache"
    first = build(records, site, cache, monkeypatch)
    assert "2 PDF portfolios (2 made, 0 unchanged)" in first.stdout
    again = build(records, site, cache, monkeypatch)
    assert "2 PDF portfolios (0 made, 2 unchanged)" in again.stdout
    (records / CPD).write_text((records / CPD).read_text().replace("Ownsafeguardingmarker", "Revisedmarker"))
    rebuilt = build(records, site, cache, monkeypatch)
    assert "2 PDF portfolios (1 made, 1 unchanged)" in rebuilt.stdout
    full = build(records, tmp_path / "full", tmp_path / "empty-cache", monkeypatch)
    assert "(2 made, 0 unchanged)" in full.stdout
    incremental, whole = snapshot(site), snapshot(tmp_path / "full")
    assert incremental.keys() == whole.keys()
    assert [rel for rel in whole if incremental[rel] != whole[rel]] == []
    assert b"Revisedmarker" in incremental["portfolios/amara/index.html"]


def test_evidence_replaced_under_the_same_name_makes_a_new_pdf(tmp_path, monkeypatch):
    """The PDF's key holds the bytes of the evidence it names, not just the path."""
    records = write_sample(tmp_path / "records")
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(records, site, cache, monkeypatch)
    (records / "evidence/amara/safeguarding.pdf").write_bytes(b"%PDF-1.4\n% a new certificate\n")
    rebuilt = build(records, site, cache, monkeypatch)
    assert "(1 made, 1 unchanged)" in rebuilt.stdout
    assert (site / "portfolios/amara/evidence/amara/safeguarding.pdf").read_bytes().endswith(b"new certificate\n")


def test_a_linked_cache_folder_is_not_used(tmp_path, monkeypatch):
    """~/.cache/peerkit/pdf as a link (to anywhere) is neither read nor written through."""
    records = write_sample(tmp_path / "records")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "cache/peerkit").mkdir(parents=True)
    (tmp_path / "cache/peerkit/pdf").symlink_to(elsewhere)
    build(records, tmp_path / "site", tmp_path / "cache", monkeypatch)
    again = build(records, tmp_path / "another-site", tmp_path / "cache", monkeypatch)  # nothing to take over
    assert "(2 made, 0 unchanged)" in again.stdout
    assert list(elsewhere.iterdir()) == []


def test_pdfs_from_worker_processes_equal_those_made_in_process(demo, tmp_path, monkeypatch):
    """The demo's 14 PDFs are rendered by workers; one portfolio alone is rendered in this
    process: the same bytes. A rebuild after one CPD entry changed makes only that PDF."""
    site = tmp_path / "site"
    first = build(demo, site, tmp_path / "cache", monkeypatch, as_of=DEMO_AS_OF)
    assert "14 PDF portfolios (14 made, 0 unchanged)" in first.stdout
    entry = sorted((demo / "cpd/amara-okafor").glob("*.yaml"))[0]
    original = entry.read_text()
    try:
        entry.write_text(original.replace("title: ", "title: Revised ", 1))
        rebuilt = build(demo, site, tmp_path / "cache", monkeypatch, as_of=DEMO_AS_OF)
        assert "(1 made, 13 unchanged)" in rebuilt.stdout
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-cache"))
        alone = run("portfolio", "amara-okafor", demo, "-o", tmp_path / "alone", "--as-of", DEMO_AS_OF)
        assert alone.exit_code == 0, alone.output
    finally:
        entry.write_text(original)
    made_alone = (tmp_path / "alone/portfolio.pdf").read_bytes()
    assert made_alone == (site / "portfolios/amara-okafor/portfolio.pdf").read_bytes()


def _stderr_on_a_terminal(command: list[str], env: dict, timeout: float = 120) -> str:
    """Run ``command`` with its stderr on a pseudo-terminal; everything it wrote there."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    seen, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:  # the other end closed
                    break
                if not chunk:
                    break
                seen += chunk
            elif process.poll() is not None:
                break
        process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        process.kill() if process.poll() is None else None
        os.close(leader)
    assert process.returncode == 0, seen.decode(errors="replace")
    return seen.decode(errors="replace")


def test_a_progress_bar_counts_pdfs_on_a_terminal_and_is_quiet_when_piped(tmp_path):
    records = write_sample(tmp_path / "records")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "peerkit", "build", str(records), "--as-of", SAMPLE_AS_OF, "-o"]
    shown = _stderr_on_a_terminal([*command, str(tmp_path / "one")], env)
    assert "PDF portfolios" in shown and "2/2" in shown
    piped = subprocess.run([*command, str(tmp_path / "two")], capture_output=True, text=True, env=env, timeout=120)
    assert piped.returncode == 0, piped.stderr
    assert "PDF portfolios" not in piped.stderr and "2/2" not in piped.stderr
