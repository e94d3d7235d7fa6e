"""Property tests (issue 6): broken records never crash check; valid ones always pass.

Two properties over the hand-made programme of tests/sample.py:

* a random mutation of one of its files (a deleted key, a value swapped for
  any YAML, inserted text or bytes, a cut, a doubled line, new indentation)
  gives exit 0 or 1 and a report of clean lines: never an exception;
* a meeting or CPD entry generated from the schemas' own values (enums,
  dates in range, initials or a code as mentee) always passes with no error.

Derandomized, so CI runs the same examples every time.
"""

from __future__ import annotations

import re
import shutil
import string
import tempfile
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLE, SAMPLE_AS_OF, run_check, write_sample
from peerkit.validate import schema

PROBLEM = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning|note): "
                     r"(?P<code>[a-z0-9-]+) (?P<message>.+)$")
SUMMARY = re.compile(r"^checked (?P<files>\d+) files?: (?P<errors>\d+) errors?, (?P<warnings>\d+) warnings?"
                     r"(?:, (?P<notes>\d+) notes?)?$")
TEXTS = {rel: textwrap.dedent(text).lstrip() for rel, text in SAMPLE.items()}
_BASE: Path | None = None


def base_records() -> Path:
    """The sample programme, written once; each example works on a copy."""
    global _BASE
    if _BASE is None:
        _BASE = write_sample(Path(tempfile.mkdtemp(prefix="peerkit-properties-")) / "records")
    return _BASE


def check(records: Path) -> tuple[int, str]:
    """(exit code, output); a crash raises, so hypothesis shrinks it and shows the input."""
    return run_check(records, "--no-cache", as_of=SAMPLE_AS_OF)


def assert_clean(exit_code: int, output: str, records: Path) -> list[re.Match]:
    assert exit_code in (0, 1), output
    lines = output.splitlines()
    summary = SUMMARY.match(lines[-1])
    assert summary, output
    found = [PROBLEM.match(line) for line in lines[:-1]]
    assert all(found), output
    for severity, counted in (("error", "errors"), ("warning", "warnings")):
        assert sum(m["severity"] == severity for m in found) == int(summary[counted]), output
    assert exit_code == (1 if int(summary["errors"]) else 0)
    return found


# --- mutations ---------------------------------------------------------------------

# Values that YAML reads in surprising ways, or that are not YAML at all.
TRAPS = ["yes", "NO", "on", "off", "y", "012", "0x1F", "0b11", "0o17", "1_000", "12:30", "1:30.5", ".nan", "-.inf",
         "~", "null", "[", "]", "{", "}", "[a, [b, {c: d}]]", "&a x", "*a",
         "<<: *a", "!!python/object/apply:os.system []",
         "!foo x", "!!binary aGk=", "!!set {a}", "'unclosed", '"unclosed', '"\\ud800"', '"\\0"', '"\\e[31m"',
         "2024-02-30", "2025-13-01", "2025-04-03 10:00", "2025-04-03T10:00:00Z", "|", ">", "- x", "? x", "@x", "`x",
         "%x", "#", "'", '"', "\t", "9" * 5000, "1e400", "1.0e+400", "-0", "+1", "0.0000001", "\u00a0x", "x\u2028y",
         "<script>alert(1)</script>", "../../etc/passwd", "a@b.example", "07700 900123", '["x\\0.pdf"]',
         "[/etc/passwd, ../x.pdf, evidence/../../x.pdf]", "[" * 70 + "]" * 70, "{a: " * 70 + "}" * 70]

yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40),
                         st.dates(), st.binary(max_size=8))
yaml_values = st.recursive(yaml_scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6)


def as_yaml(value) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    return text.removesuffix("\n").removesuffix("\n...")


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    rel = draw(st.sampled_from(sorted(TEXTS)))
    text = TEXTS[rel]
    lines = text.splitlines(keepends=True)
    line = draw(st.integers(0, len(lines) - 1))
    operation = draw(st.sampled_from(["delete-line", "replace-value", "replace-value", "insert-text",
                                      "insert-bytes", "truncate", "duplicate-line", "indent"]))
    if operation == "delete-line":
        del lines[line]
    elif operation == "replace-value":
        lines[line] = replace_value(lines[line], draw(st.one_of(st.sampled_from(TRAPS), yaml_values.map(as_yaml))))
    elif operation == "insert-text":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(min_size=1, max_size=20)) + text[at:]
        return rel, text.encode("utf-8", "surrogatepass")
    elif operation == "insert-bytes":
        raw = text.encode()
        at = draw(st.integers(0, len(raw)))
        return rel, raw[:at] + draw(st.binary(min_size=1, max_size=20)) + raw[at:]
    elif operation == "truncate":
        raw = text.encode()
        return rel, raw[:draw(st.integers(0, len(raw)))]
    elif operation == "duplicate-line":
        lines.insert(line, lines[line])
    else:
        stripped = lines[line].lstrip(" ")
        lines[line] = draw(st.text(alphabet=" \t", max_size=8)) + stripped
    return rel, "".join(lines).encode()


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_a_mutated_record_never_crashes_check(mutation):
    rel, content = mutation
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "records"
        shutil.copytree(base_records(), records)
        (records / rel).write_bytes(content)
        exit_code, output = check(records)
        found = assert_clean(exit_code, output, records)
        lines_in_file = content.count(b"\n") + content.count(b"\r") + 1
        for m in found:
            if m["path"] == f"{records}/{rel}":
                assert 1 <= int(m["line"]) <= lines_in_file + 1, (m.group(0), content[:200])
                assert int(m["column"]) >= 1


def replace_value(line: str, value: str) -> str:
    head, sep, _ = line.partition(": ") if ": " in line else line.partition("- ")
    return (head + sep if sep else head.rstrip("\n") + ": ") + value + "\n"


@pytest.mark.parametrize("trap", TRAPS, ids=lambda trap: repr(trap)[:24])
def test_every_trap_in_every_line_of_every_record(tmp_path, trap):
    """Not left to chance: each trap replaces the value on each line of each sample
    record (one copy of the file per line, all checked in one run)."""
    records = shutil.copytree(base_records(), tmp_path / "records")
    index = TRAPS.index(trap)
    for rel, text in TEXTS.items():
        lines = text.splitlines(keepends=True)
        if rel == "programme.yaml":  # only one programme per folder: a different line for each trap
            k = index % len(lines)
            (records / rel).write_text("".join(lines[:k] + [replace_value(lines[k], trap)] + lines[k + 1:]))
            continue
        for k in range(len(lines)):
            stem = Path(rel).stem
            copy = records / Path(rel).with_name(f"{stem}-t{k}.yaml")
            copy.write_text("".join(lines[:k] + [replace_value(lines[k], trap)] + lines[k + 1:]))
    exit_code, output = check(records)
    assert_clean(exit_code, output, records)


# --- valid records, generated --------------------------------------------------------

FIRST, LAST = date(2025, 1, 6), date.fromisoformat(SAMPLE_AS_OF)  # both supporters joined on 2025-01-06
SUPPORTERS = ["amara", "bex"]
COMPETENCIES = ["listening", "boundaries", "safeguarding"]
TRAINING = ["safeguarding", "lone-working", "equality"]


def enum(kind: str, *path: str) -> list[str]:
    node = schema(kind)["properties"]
    for step in path[:-1]:
        node = node[step]["properties"]
    return node[path[-1]]["enum"]


# Prose without digits or '@': no phone number or e-mail address by chance (those are errors).
prose = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Nd", "Zl", "Zp"),
                                       exclude_characters="@"), max_size=120)
title = st.text(alphabet=string.ascii_letters + " -'&<>*_", min_size=1, max_size=40).filter(str.strip)
times = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))
mentees = st.from_regex(r"[A-Z]{1,4}|[A-Z]\.[A-Z]\.|M-[0-9]{4}|[A-Z]{2}[0-9]{2}", fullmatch=True)


@st.composite
def meetings(draw) -> tuple[str, dict]:
    day = draw(st.dates(FIRST, LAST))
    kind = draw(st.sampled_from(enum("meeting", "kind")))
    record: dict = {"date": day, "kind": kind}
    if draw(st.booleans()):
        record["status"] = draw(st.sampled_from(enum("meeting", "status")))
    if kind == "group":
        record["facilitators"] = draw(st.lists(st.sampled_from(SUPPORTERS), min_size=1, max_size=2, unique=True))
    else:
        record["supporter"] = draw(st.sampled_from(SUPPORTERS))
    if kind == "one-to-one":
        record["mentee"] = draw(mentees)
    record["setting"] = draw(st.sampled_from(enum("meeting", "setting")))
    record["duration_minutes"] = draw(st.integers(1, 1440))
    if draw(st.booleans()):
        checked_in, checked_out = sorted((draw(times), draw(times)))  # a check-out comes after the check-in
        record["lone_working"] = {"checked_in": checked_in, "checked_out": checked_out}
    if kind == "group":
        record["topic"] = draw(title)
        record["attendance"] = draw(st.integers(0, 1000))
        record["ground_rules_revisited"] = draw(st.booleans())
    if draw(st.booleans()):
        record["debrief"] = {"date": min(LAST, day + timedelta(days=draw(st.integers(0, 5)))),
                             "method": draw(st.sampled_from(enum("meeting", "debrief", "method")))}
    if draw(st.booleans()):
        record["notes"] = draw(prose)
    return f"meetings/{day.year}/{day.isoformat()}-generated.yaml", record


@st.composite
def cpd_entries(draw) -> tuple[str, dict]:
    supporter = draw(st.sampled_from(SUPPORTERS))
    day = draw(st.dates(FIRST, LAST))
    record: dict = {"supporter": supporter, "date": day, "title": draw(title),
                    "type": draw(st.sampled_from(enum("cpd", "type"))),
                    "hours": draw(st.one_of(st.integers(1, 500), st.floats(0.01, 500).map(lambda h: round(h, 2))))}
    if draw(st.booleans()):
        record["provider"] = draw(title)
    if draw(st.booleans()):
        record["mandatory"] = draw(st.sampled_from(TRAINING))
    record["competencies"] = draw(st.lists(st.sampled_from(COMPETENCIES), unique=True, max_size=3))
    if draw(st.booleans()):
        record["reflection"] = draw(prose)
    return f"cpd/{supporter}/{day.isoformat()}-generated.yaml", record


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(meetings(), cpd_entries())
def test_generated_valid_records_always_pass(meeting, cpd):
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "records"
        shutil.copytree(base_records(), records)
        for rel, record in (meeting, cpd):
            path = records / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True), encoding="utf-8")
        exit_code, output = check(records)
        found = assert_clean(exit_code, output, records)
        assert [m.group(0) for m in found if m["severity"] == "error"] == [], output
        assert exit_code == 0


def test_generators_cover_every_enum_value():
    """The generated records draw from the schemas themselves, so a new enum value is generated too."""
    assert "coordinator-one-to-one" in enum("meeting", "kind")
    assert "partner-training" in enum("cpd", "type")
    assert enum("meeting", "debrief", "method") == ["in-person", "phone", "email"]


@pytest.fixture(scope="module", autouse=True)
def _remove_base():
    yield
    if _BASE is not None:
        shutil.rmtree(_BASE.parent, ignore_errors=True)
