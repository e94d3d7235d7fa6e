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
    for data in (tree / ".peerkit-cache").glob("records-*.marshal"):
        data.unlink()
    assert answer(check(tree, AS_OF, str(tree))) == plain  # data lost: files read again
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    in_workers = answer(check(tree, AS_OF, str(tree), use_cache=False, jobs=2))
    assert cold == plain and in_workers == plain


@pytest.fixture
def local_tree(tmp_path: Path) -> Path:
    """The demo with a problem from each record-local rule: a misplaced file, a future date,
    a mentee's name, a phone number."""
    root = tmp_path / "records"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns(".peerkit-cache"))
    meetings = sorted(root.glob("meetings/2025/*one-to-one*.yaml"))
    text = meetings[0].read_text(encoding="utf-8")
    (root / "meetings/2024" / meetings[0].name).write_text(text, encoding="utf-8")  # file-name
    meetings[0].unlink()
    meetings[1].write_text(meetings[1].read_text(encoding="utf-8").replace("mentee: ", "mentee: Sarah ", 1),
                           encoding="utf-8")  # mentee-name
    meetings[2].write_text(meetings[2].read_text(encoding="utf-8").replace("topic: ", "topic: ring 07700 900123 ", 1),
                           encoding="utf-8")  # personal-data
    cpd = sorted(root.glob("cpd/amara-okafor/*.yaml"))[-1]
    cpd.rename(cpd.parent / ("2026-11-25" + cpd.name[10:]))
    moved = cpd.parent / ("2026-11-25" + cpd.name[10:])
    moved.write_text(moved.read_text(encoding="utf-8").replace(f"date: {cpd.name[:10]}", "date: 2026-11-25", 1),
                     encoding="utf-8")  # future-date
    return root


def test_each_record_local_rule_finds_over_one_record_what_it_finds_over_all(local_tree: Path) -> None:
    from peerkit.rules import LOCAL_RULES

    records = pipeline.check(local_tree, AS_OF, str(local_tree)).records
    rels = {r.source.rel for kind in records.by_kind.values() for r in kind}
    for rule in LOCAL_RULES:
        whole = sorted(rule(records, AS_OF))
        one_by_one = sorted(p for rel in rels for p in rule(records.only({rel}), AS_OF))
        assert whole == one_by_one, rule.__name__
        assert whole, f"{rule.__name__} found nothing here: the test would not see it go wrong"


def test_record_local_problems_are_remembered_per_file_and_day(local_tree: Path, monkeypatch) -> None:
    """After one file changes, the record-local rules run over that file's record alone, and the
    answer is still the plain pipeline's; another day runs them over every record again."""
    from peerkit import rules

    plain = pipeline.check(local_tree, AS_OF, str(local_tree)).problems
    assert {"file-name", "future-date", "mentee-name", "personal-data"} <= {p.code for p in plain}
    assert check(local_tree, AS_OF, str(local_tree)).problems == plain
    seen: list[int] = []
    run_local = rules.run_local
    monkeypatch.setattr(rules, "run_local", lambda records, *rest: seen.append(
        sum(len(found) for found in records.by_kind.values())) or run_local(records, *rest))
    edited = sorted(local_tree.glob("meetings/2025/*one-to-one*.yaml"))[-1]
    edited.write_text(edited.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    again = check(local_tree, AS_OF, str(local_tree))
    assert again.problems == pipeline.check(local_tree, AS_OF, str(local_tree)).problems
    assert seen[0] == 1  # the edited meeting's record alone (the plain pipeline's run came after)
    later = date(2026, 11, 26)
    seen.clear()
    assert check(local_tree, later, str(local_tree)).problems == pipeline.check(local_tree, later,
                                                                               str(local_tree)).problems
    assert seen[0] > 100
