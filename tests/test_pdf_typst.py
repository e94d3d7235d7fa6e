"""PDF portfolios typeset by Typst from the portfolio's data (issue 17: builds that keep up).

The PDF's content, tags, attachments and layout are pinned by tests/test_portfolio_quality.py
and tests/test_portfolio.py, unchanged from WeasyPrint's days. These tests are about what the
new engine brings: speed, record text that is Typst code shown as text (never run), markdown
laid out from data, rows too tall for a page that are not cut off, and a kept PDF that is made
anew when the Typst template changes. Everything goes through the real CLI and reads the
PDF back with pypdf.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import SAMPLE, SAMPLE_AS_OF, run, write_sample
from peerkit import pdf

pytestmark = pytest.mark.skipif(bool(pdf.unavailable_reason()), reason="needs Typst")

# Typst markup and code of every kind, and a file it must never read.
HOSTILE = r'Typstmarker #panic("ran") #read("/etc/hostname") $x^2$ [y] <z> @w \ *s* _u_ #set page(width: 1cm) //c /*d*/'
CPD = "cpd/amara/2025-07-20-safeguarding.yaml"
SUPERVISION = "supervision/2026/2026-03-02-amara.yaml"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def squeeze(text: str) -> str:
    """Text without whitespace: extraction breaks lines (and spaces some glyphs) as the layout did."""
    return re.sub(r"\s+", "", text)


def yaml_text(text: str) -> str:
    """``text`` as a double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(records: Path, out: Path, *extra: str, as_of: str = SAMPLE_AS_OF) -> str:
    result = run("build", records, "-o", out, "--as-of", as_of, *extra)
    assert result.exit_code == 0, result.output
    return result.output


def test_record_text_that_is_typst_code_is_shown_as_text_and_never_runs(tmp_path):
    """Typst markup in every kind of field (a title, a provider, markdown, an outcome, a goal) is
    printed as written: nothing is evaluated, no file is read, the page keeps its size.
    (Checked to fail against a template that evals a title as markup.)"""
    files = dict(SAMPLE)
    files[CPD] = (SAMPLE[CPD].replace("title: Ownsafeguardingmarker refresher", f"title: {yaml_text(HOSTILE)}")
                  .replace("provider: NHS e-Learning for Healthcare", f"provider: {yaml_text('Provider ' + HOSTILE)}")
                  .replace("I now know **when** to escalate a concern.",
                           "I now know **when** to escalate a concern. `#panic(\"in code\")` and #text(red)[Inline]."))
    files[SUPERVISION] = SAMPLE[SUPERVISION].replace("outcome: Discussed in the team meeting",
                                                      f"outcome: {yaml_text('Outcome ' + HOSTILE)}")
    files["supporters/amara.yaml"] = SAMPLE["supporters/amara.yaml"].replace(
        "- goal: Co-facilitate the newly diagnosed group", f"- goal: {yaml_text('Goal ' + HOSTILE)}")
    records = write_sample(tmp_path / "records", files)
    build(records, tmp_path / "site")
    made = tmp_path / "site/portfolios/amara/portfolio.pdf"
    text = squeeze(pdf_text(made))
    for shown in (HOSTILE, "Provider " + HOSTILE, "Outcome " + HOSTILE, "Goal " + HOSTILE,
                  '#panic("in code")', "#text(red)[Inline]."):
        assert squeeze(shown) in text, shown
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    assert not hostname or squeeze(f"Typstmarker {hostname}") not in text
    assert all(page.mediabox.width > 500 for page in PdfReader(made).pages)  # A4 still: `#set page` did not run


def test_markdown_is_laid_out_from_data_and_raw_html_stays_out(tmp_path):
    """Lists, emphasis, quotes, code, tables and web links from a statement reach the PDF; raw HTML
    does not (its text between tags may, as on the page), and neither does a non-web link's address."""
    statement = """
        statement: |
          Paragraphmarker with *emphasis* and a [Linkwordmarker](https://example.org/peer) link.

          - Listitemmarker one
          - Listitemmarker two
            1. Nestedmarker

          > Quotemarker

              Codeblockmarker #panic()

          | Headmarker | Other |
          |------------|-------|
          | Cellmarker | 2     |

          <script>Scriptmarker()</script>

          [Relativemarker](notes/elsewhere.html)
        """
    files = {**SAMPLE, "supporters/amara.yaml": SAMPLE["supporters/amara.yaml"] + statement}
    records = write_sample(tmp_path / "records", files)
    build(records, tmp_path / "site")
    made = tmp_path / "site/portfolios/amara/portfolio.pdf"
    text = pdf_text(made)
    for shown in ("Paragraphmarker with emphasis and a Linkwordmarker link.", "Listitemmarker one",
                  "Nestedmarker", "Quotemarker", "Codeblockmarker #panic()", "Headmarker", "Cellmarker",
                  "Relativemarker"):
        assert squeeze(shown) in squeeze(text), shown
    assert "Scriptmarker" not in text and "script" not in text
    links = [str(a.get_object()["/A"]["/URI"]) for page in PdfReader(made).pages
             for a in page.get("/Annots") or [] if "/A" in a.get_object()]
    assert links == ["https://example.org/peer"]


def lowest_text(path: Path) -> float:
    """The lowest point at which any page draws text (negative: below the page, cut off)."""
    lowest = float("inf")
    for page in PdfReader(path).pages:
        def visit(text, cm, tm, font, size):
            nonlocal lowest
            if text.strip():
                lowest = min(lowest, tm[4] * cm[1] + tm[5] * cm[3] + cm[5])
        page.extract_text(visitor_text=visit)
    return lowest


def test_a_table_row_taller_than_a_page_breaks_instead_of_being_cut_off(tmp_path):
    """Rows stay on one page when they fit; a supervision session with pages of actions runs on."""
    actions = "".join(f"\n          - action: Longactionmarker {i} " + "word " * 40 for i in range(60))
    files = {**SAMPLE, SUPERVISION: SAMPLE[SUPERVISION].replace("        actions:", "        actions:" + actions, 1)}
    records = write_sample(tmp_path / "records", files)
    build(records, tmp_path / "site")
    made = tmp_path / "site/portfolios/amara/portfolio.pdf"
    assert "Longactionmarker 59" in pdf_text(made)
    assert lowest_text(made) > 0


def test_a_kept_pdf_is_made_anew_when_the_typst_template_changes(tmp_path, monkeypatch):
    records = write_sample(tmp_path / "records")
    assert "2 PDF portfolios (2 made, 0 unchanged)" in build(records, tmp_path / "site")
    assert "2 PDF portfolios (0 made, 2 unchanged)" in build(records, tmp_path / "site")
    changed = pdf.template() + b"\n// a changed layout\n"
    monkeypatch.setattr(pdf, "template", lambda: changed)
    assert "2 PDF portfolios (2 made, 0 unchanged)" in build(records, tmp_path / "site")


def test_a_word_too_long_for_its_column_wraps_and_keeps_its_text(tmp_path):
    """A pasted link or code with nowhere to break a line wraps within its column (in a table
    cell and in a paragraph), rather than running over the next column or off the page; its text
    is still its text (no characters added)."""
    word = "Longwordmarker" + "x" * 100
    files = {**SAMPLE, "supporters/amara.yaml": SAMPLE["supporters/amara.yaml"].replace(
        "- goal: Co-facilitate the newly diagnosed group", f"- goal: Goal {word} end")}
    files[CPD] = SAMPLE[CPD].replace("I now know **when** to escalate a concern.", f"Reflection {word} end.")
    records = write_sample(tmp_path / "records", files)
    build(records, tmp_path / "site")
    text = pdf_text(tmp_path / "site/portfolios/amara/portfolio.pdf")
    assert squeeze(f"Goal {word} end") in squeeze(text) and squeeze(f"Reflection {word} end.") in squeeze(text)
    assert word not in text  # wrapped: no line holds the whole word
