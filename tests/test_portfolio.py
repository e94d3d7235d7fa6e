"""Development portfolios: content, privacy, PDF, and building one alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import AMARA_OWN, DEMO_AS_OF, NOT_IN_AMARA, SAMPLE_AS_OF, run, write_sample


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("portfolio")
    records = write_sample(root / "records")
    result = run("build", records, "-o", root / "site", "--as-of", SAMPLE_AS_OF)
    assert result.exit_code == 0, result.output
    return root / "site"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_portfolio_holds_the_supporters_own_record(site):
    html = (site / "portfolios/amara/index.html").read_text()
    for heading in ["Practice summary", "Training", "Continuing professional development",
                    "Competencies and evidence", "Supervision record", "Peer support delivered", "Development plan",
                    "Evidence files"]:
        assert f">{heading}</h2>" in html
    assert ">Mandatory training</h3>" in html
    for marker in AMARA_OWN:
        assert marker in html
    assert "Period covered</dt><dd>6 Jan 2025 to 30 Jun 2026" in html
    assert "<strong>when</strong>" in html  # reflection markdown rendered
    assert 'href="evidence/amara/safeguarding.pdf"' in html
    # Mandatory training with valid-until dates; practice as counts and hours by year.
    assert "20 Jul 2026" in html and "1 Jun 2027" in html
    assert "<td>one-to-one, face to face</td><td class=\"num\">1</td><td class=\"num\">1.5</td>" in html


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_portfolio_holds_nothing_about_anyone_else(site, fmt):
    text = (site / "portfolios/amara/index.html").read_text() if fmt == "html" else pdf_text(
        site / "portfolios/amara/portfolio.pdf")
    assert "Ownreflectionmarker" in text  # the extraction works, so absence below means something
    leaked = [marker for marker in NOT_IN_AMARA if marker in text]
    assert leaked == []


def test_other_supporters_portfolio_holds_nothing_of_amara(site):
    for path in [site / "portfolios/bex/index.html", site / "portfolios/bex/portfolio.pdf"]:
        text = path.read_text() if path.suffix == ".html" else pdf_text(path)
        assert "Bexcpdmarker" in text
        assert [m for m in ["Amara", "Okafor", "Ownsafeguardingmarker", "Ownactionmarker", "Groupactionmarker"]
                if m in text] == []


def test_pdf_is_a_real_paginated_document(site):
    reader = PdfReader(site / "portfolios/amara/portfolio.pdf")
    text = pdf_text(site / "portfolios/amara/portfolio.pdf")
    pages = len(reader.pages)
    assert pages >= 2
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "Development portfolio" in text and "Ownsafeguardingmarker refresher" in text
    assert "Supervision record" in text and "Practice summary" in text


def test_portfolio_command_builds_one_supporter(tmp_path):
    records = write_sample(tmp_path / "records")
    out = tmp_path / "for-amara"
    result = run("portfolio", "amara", records, "-o", out, "--as-of", SAMPLE_AS_OF)
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        ".peerkit-site", "evidence/amara/safeguarding.pdf", "index.html", "portfolio.pdf"]
    result = run("portfolio", "nobody", records, "-o", tmp_path / "x", "--as-of", SAMPLE_AS_OF)
    assert result.exit_code == 1
    assert "no supporter 'nobody' in the records; known ids: amara, bex" in result.output


def test_without_a_pdf_engine_html_is_built_with_one_clear_warning(tmp_path):
    """Run the real CLI in a Python where `import typst` (the PDF engine) fails."""
    records = write_sample(tmp_path / "records")
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "typst.py").write_text("raise ImportError('typst is not installed here')\n")
    env = {**os.environ, "PYTHONPATH": f"{blocker}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run([sys.executable, "-m", "peerkit", "build", str(records), "-o", str(tmp_path / "site"),
                           "--as-of", SAMPLE_AS_OF], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("warning: PDF portfolios were not made") == 1
    assert "pip install typst" in done.stderr
    assert (tmp_path / "site/portfolios/amara/index.html").exists()
    assert list((tmp_path / "site").rglob("portfolio.pdf")) == []


def test_long_tables_repeat_their_header_on_every_page(demo, tmp_path):
    """A demo supporter's supervision record runs over a page break: its header row comes again."""
    out = tmp_path / "amara"
    result = run("portfolio", "amara-okafor", demo, "-o", out, "--as-of", DEMO_AS_OF)
    assert result.exit_code == 0, result.output
    pages = [page.extract_text() for page in PdfReader(out / "portfolio.pdf").pages]
    with_header = [i for i, text in enumerate(pages) if "Date Type Focus Agreed actions and outcomes" in text]
    assert len(with_header) >= 2 and with_header == list(range(with_header[0], with_header[-1] + 1))
    assert all(f"Page {i + 1} of {len(pages)}" in text for i, text in enumerate(pages))
