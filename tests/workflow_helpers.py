"""Helpers for the coordinator-workflow tests (init, new, due, export, schema).

Kept apart from conftest.py so these tests state their own records: each
test writes the files it is about beside its assertions.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner, Result

from peerkit.cli import main

PROGRAMME = """
    name: Riverside Peer Mentoring
    supervision:
      default_interval_days: 42
    cpd:
      target_hours_per_year: 20
    debrief_within_days: 2
    mandatory_training:
      - id: safeguarding
        title: Safeguarding adults
        renew_every_months: 36
      - id: lone-working
        title: Lone working
        renew_every_months: 12
    competencies:
      - id: listening
        title: Active listening
      - id: boundaries
        title: Keeping boundaries
"""

AMARA = """
    id: amara-okafor
    name: Amara Okafor
    status: active
    joined: 2024-01-15
"""


def write(path: Path, text: str) -> Path:
    """Write dedented ``text`` to ``path``, making folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def make_records(root: Path, files: dict[str, str]) -> Path:
    """A records folder holding programme.yaml plus ``files`` (relative path -> YAML)."""
    write(root / "programme.yaml", PROGRAMME)
    for rel, text in files.items():
        write(root / rel, text)
    return root


def run(*args: object, input: str | None = None, color: bool = False) -> Result:
    """``peerkit ARGS`` through Click; a crash fails the test with its traceback."""
    return CliRunner().invoke(main, [str(a) for a in args], input=input, color=color, catch_exceptions=False)


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its content, to prove nothing changed."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
