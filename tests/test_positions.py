"""Field positions: packed small to cross the process pool and the cache, and still true.

The loader packs each record's positions as a flat tuple of numbers in the
order of the data (``peerkit.source.pack``) and unpacks them on first use.
The oracle here is the file's own text: a key's position is where the key is
written, a list item's position is just after its ``-`` (or ``[``/``,``), and
every key and item in the data has one.
"""

from __future__ import annotations

import pickle
import textwrap
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import DEMO
from peerkit.loader import load_file
from peerkit.source import PackedPositions

TRICKY = {
    "nested": """
        date: 2025-03-04
        actions:
          - action: First
            due: 2025-04-01
          -   action: Second, indented further
              done: 2025-04-02
        goals:
          - goal: A
            reviewed: [2025-01-01, 2025-02-01,
                       2025-03-01]
          - goal: B
            reviewed: []
        matrix:
          - - 1
            - 2
          - [3, {deep: [4, 5]}]
        flow: {a: 1, "b c": [x, y]}
        """,
    "duplicate key, later value kept": """
        a: 1
        b:
          - x
        a: 2
        """,
    "empty containers": """
        a: []
        b: {}
        c:
          - {}
          - []
        """,
}


def walk(data: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Every key and list index in ``data``, as a field path."""
    steps = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for step, child in steps:
        yield prefix + (step,)
        yield from walk(child, prefix + (step,))


def agrees_with_text(lines: list[str], path: tuple, position: tuple[int, int]) -> bool:
    line, column = position
    text = lines[line - 1]
    if isinstance(path[-1], str):
        return text[column - 1:].lstrip("\"'").startswith(path[-1])
    before = text[:column - 1].rstrip()
    return before.endswith(("-", "[", ",")) or (before == "" and lines[line - 2].rstrip().endswith(","))


def demo_files() -> list[Path]:
    return sorted(DEMO.rglob("*.yaml"))


def load(path: Path) -> Any:
    loaded = load_file(str(path), path.name, path.name)
    assert loaded.data is not None, loaded.problems
    return loaded


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_every_field_of_a_tricky_file_is_where_the_text_has_it(tmp_path, name):
    path = tmp_path / "record.yaml"
    path.write_text(textwrap.dedent(TRICKY[name]).lstrip(), encoding="utf-8")
    loaded = load(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    positions = dict(loaded.positions)
    assert set(positions) == set(walk(loaded.data))
    wrong = {p: at for p, at in positions.items() if not agrees_with_text(lines, p, at)}
    assert wrong == {}


def test_nested_positions_are_the_ones_written(tmp_path):
    path = tmp_path / "record.yaml"
    path.write_text(textwrap.dedent(TRICKY["nested"]).lstrip(), encoding="utf-8")
    at = load(path).positions
    assert at[("actions", 1, "done")] == (6, 7)
    assert at[("goals", 0, "reviewed", 2)] == (10, 16)
    assert at[("matrix", 1, 1, "deep", 1)] == (16, 20)
    assert at[("flow", "b c", 1)] == (17, 25)
    assert ("goals", 1, "reviewed", 0) not in at


def test_every_demo_record_agrees_with_its_text():
    checked = 0
    for path in demo_files():
        loaded = load(path)
        lines = path.read_text(encoding="utf-8").splitlines()
        positions = dict(loaded.positions)
        assert set(positions) == set(walk(loaded.data)), path
        assert [p for p, at in positions.items() if not agrees_with_text(lines, p, at)] == [], path
        checked += len(positions)
    assert checked > 1000


def test_packed_positions_survive_pickling_and_json_unchanged():
    import json

    for path in demo_files():
        loaded = load(path)
        assert isinstance(loaded.positions, PackedPositions)
        expected = dict(loaded.positions)
        pickled = pickle.loads(pickle.dumps(loaded))
        assert dict(pickled.positions) == expected
        data, packed = json.loads(json.dumps([loaded.data, loaded.positions.packed], default=str))
        if data == json.loads(json.dumps(loaded.data, default=str)):  # the cache keeps the data's shape
            assert {p: at for p, at in PackedPositions(data, packed).items()} == expected


def test_packed_positions_are_a_fraction_of_the_unpacked_size():
    """Why they are packed: every record's positions cross the pool and the cache."""
    loaded = load(DEMO / "programme.yaml")
    packed = len(pickle.dumps(loaded.positions.packed))
    unpacked = len(pickle.dumps(dict(loaded.positions)))
    assert packed * 3 < unpacked
