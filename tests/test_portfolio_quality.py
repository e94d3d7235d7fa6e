"""Issue 18: a portfolio a supporter is proud to attach.

Evidence travels inside the PDF, a new supporter's portfolio shows what they
have (no dashes, no empty sections), the words agree with their numbers, the
layout keeps headings with what follows, the content is what an employer
looks for, and the PDF is tagged. Everything is read back from the real
build's files: PDF text and attachments with pypdf, HTML as written.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from conftest import DEMO_AS_OF, SAMPLE, problems, run_check, write
from conftest import SAMPLE_AS_OF as AS_OF
from peerkit.cli import main

FILES = SAMPLE

# Amara (conftest's SAMPLE) writes a statement; Cai is new; Dora is experienced, with CPD older than two years,
# an entry she keeps out of her portfolio, and two certificates that share a file name.
QUALITY_FILES = {
    **FILES,
    "supporters/amara.yaml": FILES["supporters/amara.yaml"] + """
        statement: |
          I came to peer support after my own diagnosis. **Ownstatementmarker**: I listen first.
        """,
    "supporters/cai.yaml": """
        id: cai
        name: Cai Newydd
        status: in-training
        joined: 2026-05-01
        roles: [one-to-one]
        training:
          induction_completed: 2026-05-10
        development_plan:
          - goal: Finish the core training Caigoalmarker
            target: 2026-12-01
            status: in-progress
        """,
    "cpd/cai/2026-06-01-safeguarding.yaml": """
        supporter: cai
        date: 2026-06-01
        title: Safeguarding basics Caicpdmarker
        type: e-learning
        hours: 1
        mandatory: safeguarding
        competencies: [safeguarding]
        """,
    "supporters/dora.yaml": """
        id: dora
        name: Dora Hen
        status: active
        joined: 2021-01-04
        roles: [telephone]
        training:
          induction_completed: 2021-01-10
          core_completed: 2021-03-01
        """,
    "cpd/dora/2022-03-01-listening.yaml": """
        supporter: dora
        date: 2022-03-01
        title: Listening skills Oldcpdmarker
        type: course
        hours: 6
        competencies: [listening]
        reflection: Oldreflectionmarker.
        evidence: [evidence/dora/certificate.pdf]
        """,
    "cpd/dora/2025-11-01-boundaries.yaml": """
        supporter: dora
        date: 2025-11-01
        title: Boundaries workshop Newcpdmarker
        type: workshop
        hours: 3
        competencies: [boundaries, listening]
        reflection: Newreflectionmarker.
        evidence: [evidence/shared/certificate.pdf, evidence/dora/certificate.pdf]
        """,
    "cpd/dora/2026-03-01-private.yaml": """
        supporter: dora
        date: 2026-03-01
        title: Privatecpdmarker course
        type: course
        hours: 4
        mandatory: equality
        competencies: [safeguarding]
        reflection: Privatereflectionmarker.
        evidence: [evidence/dora/private.pdf]
        portfolio: false
        """,
    "meetings/2026/2026-02-02-one-to-one-dora.yaml": """
        date: 2026-02-02
        kind: one-to-one
        supporter: dora
        mentee: "D-0007"
        setting: telephone
        duration_minutes: 60
        debrief:
          date: 2026-02-02
          method: phone
        """,
}
EVIDENCE = {
    "evidence/amara/safeguarding.pdf": b"%PDF-1.4\n% Amara's certificate\n",
    "evidence/dora/certificate.pdf": b"%PDF-1.4\n% Dora's listening certificate\n",
    "evidence/shared/certificate.pdf": b"%PDF-1.4\n% the workshop's shared certificate\n",
    "evidence/dora/private.pdf": b"%PDF-1.4\n% Dora's private certificate\n",
}


def write_programme(root: Path) -> Path:
    for rel, text in QUALITY_FILES.items():
        write(root / rel, textwrap.dedent(text))
    for rel, data in EVIDENCE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def build(records: Path, out: Path, *extra: str, as_of: str = AS_OF) -> Path:
    result = CliRunner().invoke(main, ["build", str(records), "-o", str(out), "--as-of", as_of, *extra],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("quality")
    return build(write_programme(root / "records"), root / "site")


@pytest.fixture(scope="module")
def demo_site(demo, tmp_path_factory) -> Path:
    return build(demo, tmp_path_factory.mktemp("demo-site") / "site", as_of=DEMO_AS_OF)


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def pdf_text(path: Path) -> str:
    return "\n".join(pdf_pages(path))


def html(site: Path, who: str) -> str:
    return (site / f"portfolios/{who}/index.html").read_text(encoding="utf-8")


def squeeze(text: str) -> str:
    """Text without any whitespace: PDF extraction breaks lines where the layout did."""
    return re.sub(r"\s+", "", text)


# --- evidence travels with the PDF ---------------------------------------------------

def test_pdf_carries_each_evidence_file_named_described_and_dated(site):
    reader = PdfReader(site / "portfolios/dora/portfolio.pdf")
    attached = reader.attachments
    # Two certificates share a file name: each gets a name of its own, and each is the file itself.
    assert sorted(attached) == ["dora-certificate.pdf", "shared-certificate.pdf"]
    assert attached["dora-certificate.pdf"] == [EVIDENCE["evidence/dora/certificate.pdf"]]
    assert attached["shared-certificate.pdf"] == [EVIDENCE["evidence/shared/certificate.pdf"]]
    specs = {}
    names = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    for name, spec in zip(names[::2], names[1::2]):
        specs[name] = spec.get_object()
    assert list(specs) == sorted(specs)  # a PDF name tree is sorted
    own = specs["dora-certificate.pdf"]
    # Cited by two entries: described by both, dated by the first.
    assert own["/Desc"] == ("Evidence for: Listening skills Oldcpdmarker (1 Mar 2022); "
                            "Boundaries workshop Newcpdmarker (1 Nov 2025)")
    params = own["/EF"]["/F"].get_object()["/Params"]
    assert params["/ModDate"].startswith("D:20220301") and params["/CreationDate"].startswith("D:20220301")
    assert own["/EF"]["/F"].get_object()["/Subtype"] == "/application/pdf"


def test_attachments_are_listed_where_cited_and_linked_from_the_html(site):
    text = squeeze(pdf_text(site / "portfolios/dora/portfolio.pdf"))
    assert squeeze("Evidence (attached to this PDF): shared-certificate.pdf, dora-certificate.pdf") in text
    page = html(site, "dora")
    assert 'href="evidence/shared/certificate.pdf"' in page and 'href="evidence/dora/certificate.pdf"' in page
    assert 'href="portfolio.pdf"' in page


def test_the_pdf_is_byte_identical_on_every_build(site, tmp_path):
    again = build(write_programme(tmp_path / "records"), tmp_path / "site")
    for who in ("amara", "cai", "dora"):
        assert (again / f"portfolios/{who}/portfolio.pdf").read_bytes() == \
            (site / f"portfolios/{who}/portfolio.pdf").read_bytes()
    assert PdfReader(again / "portfolios/amara/portfolio.pdf").attachments  # identical, and with evidence in


def test_without_a_pdf_the_html_does_not_link_one(tmp_path):
    out = build(write_programme(tmp_path / "records"), tmp_path / "site", "--no-pdf")
    assert "portfolio.pdf" not in html(out, "dora")


# --- what an employer looks for ---------------------------------------------------------

def test_a_cpd_entry_marked_portfolio_false_stays_out(site):
    for text in (html(site, "dora"), pdf_text(site / "portfolios/dora/portfolio.pdf")):
        assert "Newreflectionmarker" in text
        assert [m for m in ("Privatecpdmarker", "Privatereflectionmarker", "private.pdf") if m in text] == []
    assert not (site / "portfolios/dora/evidence/dora/private.pdf").exists()
    assert "private.pdf" not in PdfReader(site / "portfolios/dora/portfolio.pdf").attachments
    # Its hours are not counted either: 6 + 3 hours in all, not 13.
    assert "2 activities, 9 hours in all" in pdf_text(site / "portfolios/dora/portfolio.pdf")
    # The coordinator still sees it, and the mandatory training it records still counts as done.
    assert "Privatecpdmarker" in (site / "supporters/dora.html").read_text()
    assert "Equality and diversity 1 Mar 2026 does not expire" in pdf_text(site / "portfolios/dora/portfolio.pdf")


def test_the_supporters_own_statement_in_markdown(site):
    page = html(site, "amara")
    assert ">Personal statement</h2>" in page and "<strong>Ownstatementmarker</strong>" in page
    assert "Ownstatementmarker: I listen first." in pdf_text(site / "portfolios/amara/portfolio.pdf")
    assert "Personal statement" not in html(site, "dora")  # optional: no statement, no section


def test_a_statement_with_contact_details_is_an_error_at_its_line(records):
    path = records / "supporters/ben-shah.yaml"
    before = path.read_text()
    path.write_text(before + "statement: |\n  Reach me on ben.shah@example.org any time.\n")
    code, output = run_check(records)
    [problem] = problems(output, records, "personal-data")
    assert code == 1 and (problem.path, problem.line) == ("supporters/ben-shah.yaml", before.count("\n") + 1)
    assert problem.message.startswith("statement contains an e-mail address")


def test_cpd_profile_shows_two_years_in_full_and_earlier_briefly(site):
    text = pdf_text(site / "portfolios/dora/portfolio.pdf")
    flat = squeeze(text)
    assert squeeze("CPD in the two years to 30 Jun 2026") in flat
    # Period, activities, hours, target: a year with no CPD says so.
    assert squeeze("1 Jul 2025 to 30 Jun 2026 1 3 20") in flat
    assert squeeze("1 Jul 2024 to 30 Jun 2025 0 0 20") in flat
    # The last two years in full, with reflections; earlier CPD listed briefly, without.
    assert "Newreflectionmarker" in text and "Oldreflectionmarker" not in text
    assert squeeze("Earlier CPD") in flat and "Listening skills Oldcpdmarker" in text


def test_mix_of_learning_and_practice_summary(site):
    flat = squeeze(pdf_text(site / "portfolios/dora/portfolio.pdf"))
    assert squeeze("Mix of learning") in flat
    assert squeeze("Mix of learning in the two years to 30 Jun 2026") in flat
    assert squeeze("Workshop 1 3") in flat
    assert squeeze("Peer supporter with Riverside Peer Mentoring since 4 Jan 2021") in flat
    assert squeeze("1 one-to-one session by telephone or online (1 hour)") in flat


def test_competencies_with_the_evidence_that_supports_each(site):
    text = pdf_text(site / "portfolios/dora/portfolio.pdf")
    flat = squeeze(text)
    assert squeeze("2 of the programme's 3 competencies are evidenced") in flat
    assert squeeze("Effective listening Boundaries workshop Newcpdmarker, 1 Nov 2025 (evidence: "
                   "shared-certificate.pdf, dora-certificate.pdf) Listening skills Oldcpdmarker, 1 Mar 2022 "
                   "(evidence: dora-certificate.pdf)") in flat
    # A competency with no evidence is not listed as a row of dashes.
    assert "Understanding of safeguarding" not in text


# --- a new supporter's portfolio shows what they have -------------------------------------

def test_a_new_supporters_portfolio_shows_what_they_have_and_no_empty_sections(site):
    for text in (pdf_text(site / "portfolios/cai/portfolio.pdf"), html(site, "cai")):
        for has in ("Cai Newydd", "10 May 2026", "Safeguarding basics Caicpdmarker", "Caigoalmarker",
                    "Safeguarding adults"):
            assert has in text
        for empty in ("not yet completed", "—", "No supervision", "No sessions", "No goals", "0 activities",
                      "Supervision record", "Peer support delivered", "Lone working", "Equality and diversity"):
            assert empty not in text, empty


# --- wording and layout, in the PDF text ---------------------------------------------------

ONE_PLURAL = re.compile(r"(?<![\d.])1 (hours|activities|sessions|goals|actions|competencies|files|groups)\b")
REPEATED = re.compile(r"\b(\w[\w-]*) \(\1\)")
ZERO_ROW = re.compile(r"^.*[a-z].* 0 0(\.0)?$", re.MULTILINE)


@pytest.mark.parametrize("who", ["amara", "cai", "dora"])
def test_words_agree_with_their_numbers(site, who):
    text = pdf_text(site / f"portfolios/{who}/portfolio.pdf")
    assert ONE_PLURAL.findall(text) == []
    assert REPEATED.findall(text) == []  # "group (group)"
    assert ZERO_ROW.findall(text) == []  # "telephone or online 0 0"


def test_wording_fixtures_are_really_there(site):
    """The checks above can fail: the sample has one-hour CPD, a group supervision and zero rows."""
    assert "1 activity, 1 hour in all" in pdf_text(site / "portfolios/cai/portfolio.pdf")
    assert "20 Apr 2026 group reflection" in pdf_text(site / "portfolios/amara/portfolio.pdf")
    dora = pdf_text(site / "portfolios/dora/portfolio.pdf")
    assert "2026 one-to-one, telephone or online 1 1" in dora and "face to face" not in dora


def running_lines(name: str) -> re.Pattern:
    """The running header and footer, and list markers (extracted at the end of a page's text)."""
    return re.compile(rf"^(?:{re.escape(name)}|Page \d+ of \d+|•)$")


def lead_ins(page_html: str) -> list[str]:
    """Each heading's text, and the heading with the short paragraph that introduces what follows it."""
    found = []
    for match in re.finditer(r"<h([23])[^>]*>(.*?)</h\1>\s*(?:<p[^>]*>(.*?)</p>)?", page_html, re.S):
        heading = re.sub(r"<[^>]+>", "", match[2])
        found.append(heading)
        if match[3]:
            found.append(heading + re.sub(r"<[^>]+>", "", match[3]))
    return [squeeze(t).replace("&amp;", "&").replace("&#39;", "'") for t in found]


def test_headings_stay_with_what_follows_and_no_page_is_empty(demo_site):
    """Every demo portfolio: no page ends with a heading (or a heading and its introduction), and no page
    holds only the running name and page number: not even the last one."""
    orphans, empty = [], []
    for folder in sorted((demo_site / "portfolios").iterdir()):
        page_html = (folder / "index.html").read_text(encoding="utf-8")
        name = re.search(r"<h1>(.*?)</h1>", page_html)[1]
        running = running_lines(name)
        leads = lead_ins(page_html)
        pages = pdf_pages(folder / "portfolio.pdf")
        for number, text in enumerate(pages, start=1):
            content = [line for line in text.splitlines() if not running.match(line.strip())]
            if not "".join(content).strip():
                empty.append(f"{folder.name} p{number}")
                continue
            tail = squeeze("".join(content))
            if number < len(pages):  # what a heading introduces is on a later page
                orphans += [f"{folder.name} p{number}: {lead[:40]}" for lead in leads if tail.endswith(lead)]
    assert orphans == [] and empty == []


def test_the_pdf_is_tagged_with_language_and_title(site):
    reader = PdfReader(site / "portfolios/amara/portfolio.pdf")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    assert reader.metadata.title == "Amara Okafor: development portfolio"


def test_the_demo_shows_both_choices(demo_site):
    """The demo programme: Amara's statement is on her portfolio, the reflection she keeps private is not,
    and the coordinator still sees that entry on her page."""
    page = (demo_site / "portfolios/amara-okafor/index.html").read_text(encoding="utf-8")
    assert ">Personal statement</h2>" in page and "<strong>listening first</strong>" in page
    assert "Chemsex awareness" not in page
    assert "Chemsex awareness" not in pdf_text(demo_site / "portfolios/amara-okafor/portfolio.pdf")
    assert "Chemsex awareness" in (demo_site / "supporters/amara-okafor.html").read_text(encoding="utf-8")
