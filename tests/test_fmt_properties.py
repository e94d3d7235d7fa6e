"""Property tests for ``peerkit fmt``: whatever a record holds, fmt never crashes, never changes
its data, never drops a comment, and a second run changes nothing."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run
from peerkit.loader import load_file
from test_properties import TEXTS, base_records, mutated


def data_of(raw: bytes):
    loaded = load_file("x", "x", "x", raw)
    return loaded.data, [p.code for p in loaded.problems]


@st.composite
def commented(draw) -> tuple[str, bytes]:
    """A sample record with comments put in at random: on their own lines (any indentation) or after a line."""
    rel = draw(st.sampled_from(sorted(TEXTS)))
    lines = TEXTS[rel].splitlines()
    for number in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(lines)))
        if at < len(lines) and draw(st.booleans()):
            lines[at] += f"{' ' * draw(st.integers(1, 4))}# note {number}"
        else:
            lines.insert(at, f"{' ' * draw(st.integers(0, 6))}# note {number}")
    return rel, ("\n".join(lines) + "\n").encode()


def formatted_twice(rel: str, content: bytes) -> tuple[bytes, bytes, str]:
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "records"
        shutil.copytree(base_records(), records)
        (records / rel).write_bytes(content)
        exit_code, output = run("fmt", records / rel)
        assert exit_code in (0, 1), output
        once = (records / rel).read_bytes()
        run("fmt", records / rel)
        return once, (records / rel).read_bytes(), output


def holds(rel: str, content: bytes) -> None:
    once, twice, output = formatted_twice(rel, content)
    before, problems = data_of(content)
    if once == content:
        return  # left as it was (a file with a load problem, or canonical already)
    assert not problems, output  # only files that load cleanly are rewritten
    assert data_of(once) == (before, []), (content, once)
    assert twice == once, (once, twice)  # idempotent
    for line in content.decode().splitlines():
        if "# note" in line:  # every comment put in is still there (as a comment, or as text it was part of)
            note = line[line.index("# note"):]
            assert note in once.decode(), (note, once)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(commented())
def test_comments_anywhere_are_kept_and_fmt_is_idempotent(example):
    holds(*example)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_a_mutated_record_never_crashes_fmt_nor_changes_its_data(mutation):
    holds(*mutation)
