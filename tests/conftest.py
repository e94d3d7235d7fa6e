"""Shared test helpers: a small valid records tree, and the real CLI.

Tests write the file they are about inline, beside their assertions, e.g.::

    def test_something(records):
        write(records / "meetings/2025/2025-03-04-one-to-one-dk.yaml", '''
            date: 2025-03-04
            ...
        ''')
        exit_code, output = run_check(records)
        [problem] = problems(output, records, "some-code")

``records`` is a fresh copy of :data:`VALID_TREE` in ``tmp_path``; every test
starts from records that pass ``peerkit check`` with no problem at all.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from peerkit.cli import main

# Every check in the tests runs "on" this day unless a test says otherwise,
# so date rules do not depend on the day the tests run.
AS_OF = "2025-06-30"

VALID_TREE: dict[str, str] = {
    "programme.yaml": """
        name: Riverside Peer Mentoring
        organisation: Riverside Health Trust
        supervision:
          default_interval_days: 42
        cpd:
          target_hours_per_year: 20
        debrief_within_days: 2
        mandatory_training:
          - id: safeguarding
            title: Safeguarding adults
            renew_every_months: 12
          - id: lone-working
            title: Lone working
        competencies:
          - id: listening
            title: Active listening
            group: Core skills
          - id: boundaries
            title: Keeping boundaries
            group: Core skills
    """,
    "supporters/amara-okafor.yaml": """
        id: amara-okafor
        name: Amara Okafor
        status: active
        joined: 2024-01-15
        roles: [one-to-one, group]
        training:
          induction_completed: 2024-02-01
          core_completed: 2024-03-20
        supervision:
          interval_days: 42
          supervisor: Jo Hill
          agreement_signed: 2024-02-01
        development_plan:
          - goal: Co-facilitate a peer support group
            competency: boundaries
            target: 2025-09-30
            status: in-progress
        competencies_assessed:
          listening: 2024-06-01
        notes: Prefers morning sessions.
    """,
    "supporters/ben-shah.yaml": """
        id: ben-shah
        name: Ben Shah
        status: active
        joined: 2024-03-01
        roles: [group, telephone]
    """,
    "meetings/2025/2025-03-04-one-to-one-dk.yaml": """
        date: 2025-03-04
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: community
        duration_minutes: 60
        lone_working:
          checked_in: "10:00"
          checked_out: "11:05"
        debrief:
          date: 2025-03-05
          method: phone
        notes: Talked through the next clinic appointment.
    """,
    "meetings/2025/2025-03-10-wellbeing-group.yaml": """
        date: 2025-03-10
        kind: group
        facilitators:
          - amara-okafor
          - ben-shah
        setting: in-house
        duration_minutes: 90
        topic: Living well with HIV
        attendance: 8
        ground_rules_revisited: true
        debrief:
          date: 2025-03-10
          method: in-person
    """,
    "meetings/2025/2025-03-12-check-in-ben.yaml": """
        date: 2025-03-12
        kind: coordinator-one-to-one
        supporter: ben-shah
        setting: online
        duration_minutes: 30
    """,
    "supervision/2025/2025-03-20-amara-okafor.yaml": """
        date: 2025-03-20
        supporter: amara-okafor
        type: clinical
        supervisor: Jo Hill
        duration_minutes: 60
        focus: [reflection, development]
        notes: Reflected on boundaries with a new mentee.
        actions:
          - action: Book the safeguarding refresher
            due: 2025-04-30
            done: 2025-04-10
        copy_given: 2025-03-21
    """,
    "cpd/amara-okafor/2025-04-10-safeguarding-refresher.yaml": """
        supporter: amara-okafor
        date: 2025-04-10
        title: Safeguarding adults refresher
        type: e-learning
        provider: Riverside Health Trust
        hours: 3
        mandatory: safeguarding
        competencies: [boundaries]
        reflection: Clearer on when to escalate a concern.
        evidence:
          - evidence/amara-okafor/safeguarding-2025.pdf
    """,
}
EVIDENCE_FILES = ("evidence/amara-okafor/safeguarding-2025.pdf",)


def write(path: Path, text: str) -> Path:
    """Write ``text`` (dedented, leading blank lines dropped) to ``path``, making folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def records(tmp_path: Path) -> Path:
    """A small records tree that passes ``peerkit check`` cleanly."""
    root = tmp_path / "records"
    for rel, text in VALID_TREE.items():
        write(root / rel, text)
    for rel in EVIDENCE_FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"%PDF-1.4\n% certificate\n")
    return root


def run(*args: str) -> tuple[int, str]:
    """Run ``peerkit ARGS`` through Click and return (exit code, output).

    Exceptions are not caught, so a crash fails the test with its traceback
    instead of turning into an exit code.
    """
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def run_check(records: Path, *args: str, as_of: str | None = AS_OF) -> tuple[int, str]:
    """``peerkit check RECORDS --as-of AS_OF ARGS`` -> (exit code, output)."""
    extra = ("--as-of", as_of) if as_of else ()
    return run("check", str(records), *extra, *args)


@dataclass(frozen=True)
class Found:
    """One problem line of ``peerkit check``'s text output."""

    path: str  # relative to the records folder
    line: int
    column: int
    severity: str
    code: str
    message: str


_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning|note): "
                   r"(?P<code>[a-z0-9-]+) (?P<message>.*)$")


def problems(output: str, records: Path, code: str | None = None) -> list[Found]:
    """The problems in a text report (all, or those with ``code``).

    Paths are given relative to ``records``; a path printed outside it is
    kept whole, so it cannot match an expected relative path by accident.
    """
    prefix = f"{records}/"
    found = []
    for text in output.splitlines():
        match = _LINE.match(text)
        if not match:
            continue
        path = match["path"]
        found.append(Found(path[len(prefix):] if path.startswith(prefix) else path, int(match["line"]),
                           int(match["column"]), match["severity"], match["code"], match["message"]))
    return [p for p in found if code is None or p.code == code]
