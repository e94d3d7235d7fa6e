"""The accelerations (cache, rule memo, process pool) never change an answer.

Each run below goes through a different path: the plain pipeline, a cold
cache, a warm cache whose rule results are remembered, a warm cache whose
records' data must be read back (positions included), and worker processes.
They must agree on every problem and on every record's field positions.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import DEMO
from peerkit import parallel, pipeline
from peerkit.check import check

AS_OF = date(2026, 11, 20)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """The demo, with an error and a warning planted so positions matter."""
    root = tmp_path_factory.mktemp("accelerations") / "records"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns(".peerkit-cache"))
    meeting = next(root.glob("meetings/2025/*one-to-one*.yaml"))
    meeting.write_text(meeting.read_text(encoding="utf-8") + "mentee_name: x\n", encoding="utf-8")
    return root


def answer(result: pipeline.CheckResult) -> tuple:
    positions = sorted((m.source.rel, m.source.at("date"), m.source.at("duration_minutes"))
                       for m in result.records.meetings)
    return result.problems, positions


def test_every_path_gives_the_plain_pipelines_answer(tree: Path, monkeypatch) -> None:
    plain = answer(pipeline.check(tree, AS_OF, str(tree)))
    assert any(p.code == "unknown-field" for p in plain[0]) and plain[1]
    cold = answer(check(tree, AS_OF, str(tree)))
    warm = check(tree, AS_OF, str(tree))  # rule results remembered: records not built yet
    assert warm.problems == plain[0]
    assert answer(warm) == plain  # ...and built from the cache's data and positions when asked
    for data in (tree / ".peerkit-cache").glob("records-*.json"):
        data.unlink()
    assert answer(check(tree, AS_OF, str(tree))) == plain  # data lost: files read again
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    in_workers = answer(check(tree, AS_OF, str(tree), use_cache=False, jobs=2))
    assert cold == plain and in_workers == plain
