"""peerkit build: the dashboard, atomic writes, refusal and determinism."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import SAMPLE_AS_OF, run, snapshot


def build(records: Path, out: Path, *extra: str):
    return run("build", records, "-o", out, "--as-of", SAMPLE_AS_OF, *extra)


def test_build_writes_dashboard_supporter_pages_and_portfolios(sample, tmp_path):
    result = build(sample, tmp_path / "site")
    assert result.exit_code == 0, result.output
    files = snapshot(tmp_path / "site")
    for rel in ["index.html", "supporters/amara.html",
                "supporters/bex.html", "portfolios/amara/index.html", "portfolios/bex/index.html",
                "portfolios/amara/evidence/amara/safeguarding.pdf"]:
        assert rel in files, rel
    assert not [rel for rel in files if rel.startswith("assets/")]  # CSS and script are inlined, pinned by hash
    assert "0 errors, 6 warnings" in result.output  # the sample has a flaw of each kind, agreements and copies too
    assert re.search(r"built .*site/index.html: \d+ pages", result.output)


def test_dashboard_lists_what_needs_attention(sample, tmp_path):
    build(sample, tmp_path / "site")
    html = (tmp_path / "site/index.html").read_text()
    attention = html[html.index('id="attention"'):html.index('id="supporters"')]
    # Amara agreed 28-day supervision; last session 20 Apr 2026 -> due 18 May, overdue on 30 Jun.
    assert "43 days overdue</span> Amara Okafor: supervision due 18 May 2026 (last on 20 Apr 2026)" in attention
    assert "Amara Okafor: Safeguarding adults expires on 20 Jul 2025" not in attention
    assert "Amara Okafor: Safeguarding adults expires on 20 Jul 2026" in attention
    assert "Amara Okafor: Equality and diversity never done" in attention
    assert "group run by one facilitator" in attention and "2026-05-19-group-solo.yaml" in attention
    assert "no debrief after the one-to-one meeting" in attention and "2026-05-10-one-to-one-x7.yaml" in attention
    assert "Shadow a group session" in attention


def test_dashboard_escapes_and_sanitises_record_text(sample, tmp_path):
    (sample / "supporters/bex.yaml").write_text(
        "id: bex\nname: <b>Bex</b> <script>alert(1)</script>\nstatus: active\njoined: 2025-01-06\n"
        "notes: |\n  **kind** <img src=x onerror=alert(2)> [x](javascript:alert(3))\n")
    assert build(sample, tmp_path / "site").exit_code == 0
    for page in ["index.html", "supporters/bex.html"]:
        html = (tmp_path / "site" / page).read_text()
        # markdown-it leaves a link to javascript: as plain text; no href ever holds one
        assert "<script>alert" not in html and "onerror" not in html and 'href="javascript:' not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>kind</strong>" in (tmp_path / "site/supporters/bex.html").read_text()


def test_same_records_and_as_of_give_byte_identical_sites(sample, tmp_path):
    assert build(sample, tmp_path / "one").exit_code == 0
    assert build(sample, tmp_path / "two").exit_code == 0
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []


def test_build_refuses_on_errors_and_leaves_the_old_site_intact(sample, tmp_path):
    site = tmp_path / "site"
    assert build(sample, site).exit_code == 0
    before = snapshot(site)
    (sample / "meetings/2026/2026-05-04-one-to-one-q9.yaml").write_text(
        "date: 2026-05-04\nkind: one-to-one\nsupporter: nobody\nmentee: \"DK\"\nsetting: in-house\n"
        "duration_minutes: 60\n")
    result = build(sample, site)
    assert result.exit_code == 1
    assert "2026-05-04-one-to-one-q9.yaml:3:1: error: unknown-supporter" in result.output
    assert "build refused" in result.output and "nothing was written" in result.output
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records", "site"]


def test_build_never_replaces_a_folder_it_did_not_make(sample, tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    result = build(sample, precious)
    assert result.exit_code == 1
    assert "not empty and was not made by peerkit" in result.output
    assert (precious / "thesis.txt").read_text() == "years of work"
    result = build(sample, sample)
    assert result.exit_code == 1 and "holds the records" in result.output


def test_a_failed_render_leaves_the_previous_site_and_no_temporary_folder(sample, tmp_path):
    """Break the build half-way (an unwritable path inside the site) and look at what is left."""
    site = tmp_path / "site"
    assert build(sample, site).exit_code == 0
    before = snapshot(site)
    script = (
        "import sys, peerkit.site as s\n"
        "real = s.render_supporter_page\n"
        "calls = []\n"
        "def flaky(a, i, *rest):\n"
        "    calls.append(i)\n"
        "    if len(calls) == 2: raise RuntimeError('disk full')\n"
        "    return real(a, i, *rest)\n"
        "s.render_supporter_page = flaky\n"
        "s.SiteWriter.reuse = lambda self, rel, key: False\n"  # the records are unchanged: make every page
        "from peerkit.cli import main\n"
        "sys.argv = ['peerkit', 'build', sys.argv[1], '-o', sys.argv[2], '--as-of', sys.argv[3], '--no-pdf']\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(sample), str(site), SAMPLE_AS_OF], capture_output=True,
                          text=True)
    assert done.returncode != 0 and "disk full" in done.stderr
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records", "site"]
