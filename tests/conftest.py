"""The one source of the tests' records and of the helpers that run the real CLI.

Tests write the file they are about inline, beside their assertions, e.g.::

    def test_something(records):
        write(records / "meetings/2025/2025-03-04-one-to-one-dk.yaml", '''
            date: 2025-03-04
            ...
        ''')
        exit_code, output = run_check(records)
        [problem] = problems(output, records, "some-code")

Three starting points, all on the one :data:`PROGRAMME`:

- ``records`` (:data:`VALID_TREE`): a small tree that passes ``peerkit check``
  with no problem at all, checked as of :data:`AS_OF`;
- ``sample`` (:data:`SAMPLE`): two supporters, Amara (amara) and Bex (bex),
  with a unique marker word in every field whose text must stay where it
  belongs (:data:`AMARA_OWN`, :data:`NOT_IN_AMARA`; matches too), as of :data:`SAMPLE_AS_OF`;
- :func:`make_records`: the programme plus only the files a test names.

``demo`` is a copy of the repository's own ``records/``. Every test runs with
a cache folder of its own (``XDG_CACHE_HOME``, ``HOME``), and no test may
leave a ``.peerkit-cache`` in the repository.
"""

from __future__ import annotations

import gc
import marshal
import re
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
import yaml
from click.testing import CliRunner, Result

from peerkit.cli import main

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "records"
DEMO_AS_OF = "2026-11-20"
REPO_CACHE = DEMO / ".peerkit-cache"

# Every check in the tests runs "on" this day unless a test says otherwise,
# so date rules do not depend on the day the tests run.
AS_OF = "2025-06-30"
SAMPLE_AS_OF = "2026-06-30"

# The one programme.yaml of every sample tree. A test about one of its settings states
# that setting itself (programme(...), or its own programme.yaml beside its assertions).
PROGRAMME = """
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
        renew_every_months: 24
      - id: equality
        title: Equality and diversity
    competencies:
      - id: listening
        title: Effective listening
        group: Skills
      - id: boundaries
        title: Confidentiality and boundaries
        group: Skills
      - id: safeguarding
        title: Understanding of safeguarding
        group: Knowledge
"""

# Two supporters, in the valid tree and in records made by make_records().
AMARA = """
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
      agreement: {signed: 2024-02-01, reviewed: [2025-01-28]}
    development_plan:
      - goal: Co-facilitate a peer support group
        competency: boundaries
        target: 2025-09-30
        status: in-progress
    competencies_assessed:
      listening: 2024-06-01
    notes: Prefers morning sessions.
"""

BEN = """
    id: ben-shah
    name: Ben Shah
    status: active
    joined: 2024-03-01
    roles: [group, telephone]
    supervision:
      agreement: {signed: 2024-03-05, reviewed: [2025-03-03]}
"""

VALID_TREE: dict[str, str] = {
    "programme.yaml": PROGRAMME,
    "supporters/amara-okafor.yaml": AMARA,
    "supporters/ben-shah.yaml": BEN,
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

SAMPLE: dict[str, str] = {
    "programme.yaml": PROGRAMME,
    "supporters/amara.yaml": """
        id: amara
        name: Amara Okafor
        status: active
        joined: 2025-01-06
        roles: [one-to-one, group]
        training:
          induction_completed: 2025-01-10
          core_completed: 2025-02-20
          accreditation:
            body: OCN London
            title: Peer Mentoring
            level: 2
            awarded: 2025-04-01
        supervision:
          interval_days: 28
          supervisor: Helen Clarke
          agreement_signed: 2025-01-10
        development_plan:
          - goal: Co-facilitate the newly diagnosed group
            competency: boundaries
            target: 2026-09-01
            status: in-progress
        competencies_assessed:
          listening: 2025-03-01
        notes: Coordinator note Corvidcoordnote.
    """,
    "supporters/bex.yaml": """
        id: bex
        name: Bex Quillfeather
        status: active
        joined: 2025-01-06
        roles: [group]
        notes: Bexprivatenote about Bex.
    """,
    "meetings/2026/2026-05-04-one-to-one-q9.yaml": """
        date: 2026-05-04
        kind: one-to-one
        supporter: amara
        mentee: "Q9ZM"
        setting: community
        duration_minutes: 90
        lone_working:
          checked_in: "18:00"
          checked_out: "19:40"
        debrief:
          date: 2026-05-05
          method: phone
          notes: Debriefnotemarker went fine.
        notes: Meetingnotemarker about the mentee.
    """,
    "meetings/2026/2026-05-10-one-to-one-x7.yaml": """
        date: 2026-05-10
        kind: one-to-one
        supporter: amara
        mentee: "X7-0042"
        setting: telephone
        duration_minutes: 30
        notes: No debrief recorded for this one.
    """,
    "meetings/2026/2026-05-12-group.yaml": """
        date: 2026-05-12
        kind: group
        facilitators: [amara, bex]
        setting: in-house
        duration_minutes: 120
        topic: Grouptopicmarker
        attendance: 7
        ground_rules_revisited: true
        debrief:
          date: 2026-05-12
          method: in-person
        notes: Groupnotemarker.
    """,
    "meetings/2026/2026-05-19-group-solo.yaml": """
        date: 2026-05-19
        kind: group
        facilitators: [bex]
        setting: in-house
        duration_minutes: 120
        attendance: 5
        ground_rules_revisited: true
        debrief:
          date: 2026-05-19
          method: in-person
    """,
    "supervision/2026/2026-03-02-amara.yaml": """
        date: 2026-03-02
        supporter: amara
        type: clinical
        supervisor: Helen Clarke
        duration_minutes: 60
        focus: [reflection, restoration]
        notes: Sharedsupnotemarker stays out of the portfolio too.
        actions:
          - action: Read the boundaries policy Ownactionmarker
            due: 2026-04-01
            done: 2026-03-20
            outcome: Discussed in the team meeting
          - action: Shadow a group session
            due: 2026-04-15
            done: false
        copy_given: 2026-03-03
    """,
    "supervision/2026/2026-04-06-amara-private.yaml": """
        date: 2026-04-06
        supporter: amara
        type: managerial
        supervisor: Helen Clarke
        focus: [development]
        notes: Unsharednotemarker.
        actions:
          - action: Unsharedactionmarker
        shared_with_supporter: false
    """,
    "supervision/2026/2026-04-20-group.yaml": """
        date: 2026-04-20
        supporters: [amara, bex]
        type: group
        supervisor: Helen Clarke
        focus: [reflection]
        notes: Groupsupnotemarker.
        actions:
          - action: Groupactionmarker for Bex
            due: 2026-05-01
            done: true
    """,
    "cpd/amara/2025-07-20-safeguarding.yaml": """
        supporter: amara
        date: 2025-07-20
        title: Ownsafeguardingmarker refresher
        type: e-learning
        provider: NHS e-Learning for Healthcare
        hours: 3
        mandatory: safeguarding
        competencies: [safeguarding]
        reflection: |
          I now know **when** to escalate a concern. Ownreflectionmarker.
        evidence: [evidence/amara/safeguarding.pdf]
    """,
    "cpd/amara/2025-06-01-lone-working.yaml": """
        supporter: amara
        date: 2025-06-01
        title: Lone working
        type: course
        hours: 2
        mandatory: lone-working
    """,
    "matches/2026/matchidmarker-1.yaml": """
        id: matchidmarker-1
        mentee: "Q9ZM"
        supporter: amara
        referred: 2026-04-01
        matched: 2026-04-20
        sessions_offered: 6
        status: ended
        goals:
          - goal: Menteegoalmarker attend clinic
            set: 2026-05-04
            status: achieved
        ended: 2026-05-20
        ending:
          reason: completed
          next_steps: Nextstepsmarker for the summer.
          signposted_to: [Signpostmarker service]
        notes: Matchnotemarker.
    """,
    "matches/2026/matchidmarker-2.yaml": """
        id: matchidmarker-2
        mentee: "X7-0042"
        supporter: amara
        referred: 2026-04-25
        matched: 2026-05-01
        sessions_offered: 4
        status: ended
        goals:
          - goal: Othergoalmarker
            status: dropped
        ended: 2026-05-15
        ending:
          reason: breakdown
    """,
    "matches/2026/matchidmarker-3.yaml": """
        id: matchidmarker-3
        mentee: "W4IT"
        referred: 2026-05-01
        status: ended
        ended: 2026-05-12
        ending:
          reason: other
    """,
    "cpd/bex/2026-02-01-listening.yaml": """
        supporter: bex
        date: 2026-02-01
        title: Bexcpdmarker listening course
        type: workshop
        hours: 6
        competencies: [listening]
        reflection: Bexreflectionmarker.
    """,
}

SAMPLE_EVIDENCE = ("evidence/amara/safeguarding.pdf",)

# In Amara's portfolio: what must appear, and what must never appear.
AMARA_OWN = ["Amara Okafor", "Ownsafeguardingmarker", "Ownreflectionmarker", "Ownactionmarker", "OCN London"]
NOT_IN_AMARA = ["Quillfeather", "Bexprivatenote", "Bexcpdmarker", "Bexreflectionmarker", "Q9ZM", "X7-0042",
                "Meetingnotemarker", "Debriefnotemarker", "Grouptopicmarker", "Groupnotemarker",
                "Unsharednotemarker", "Unsharedactionmarker", "Groupactionmarker", "Groupsupnotemarker",
                "Sharedsupnotemarker", "Corvidcoordnote",
                # matches: a portfolio counts them, and shows no id, goal, ending, note or code
                "matchidmarker", "Menteegoalmarker", "Othergoalmarker", "Nextstepsmarker", "Signpostmarker",
                "Matchnotemarker", "breakdown", "W4IT"]


def write(path: Path, text: str) -> Path:
    """Write ``text`` (dedented, leading blank lines dropped) to ``path``, making folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def write_tree(root: Path, files: dict[str, str], evidence: tuple[str, ...] = ()) -> Path:
    """Write ``files`` (relative path -> YAML) and placeholder certificates under ``root``."""
    for rel, text in files.items():
        write(root / rel, text)
    for rel in evidence:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"%PDF-1.4\n% certificate placeholder\n")
    return root


def write_sample(root: Path, files: dict[str, str] = SAMPLE) -> Path:
    """The sample programme (or ``files``, usually ``{**SAMPLE, ...}``) under ``root``."""
    return write_tree(root, files, SAMPLE_EVIDENCE)


def make_records(root: Path, files: dict[str, str]) -> Path:
    """A records folder holding :data:`PROGRAMME` plus ``files`` (relative path -> YAML).

    ``files`` may hold its own ``programme.yaml`` (see :func:`programme`).
    """
    return write_tree(root, {"programme.yaml": PROGRAMME, **files})


def programme(**fields: object) -> str:
    """:data:`PROGRAMME` with some top-level fields replaced, for a test that is about them."""
    data = yaml.safe_load(textwrap.dedent(PROGRAMME))
    data.update(fields)
    return yaml.safe_dump(data, sort_keys=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its content, to prove nothing changed."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Ran(Result):
    """Click's result of a run (``.exit_code``, ``.output``, ``.stdout``, ``.stderr``...), which
    also unpacks as ``exit_code, output = run(...)`` and indexes as ``run(...)[0]``."""

    def __iter__(self) -> Iterator[int | str]:
        return iter((self.exit_code, self.output))

    def __getitem__(self, index: int) -> int | str:
        return (self.exit_code, self.output)[index]


def run(*args: object, input: str | None = None, color: bool = False) -> Ran:
    """``peerkit ARGS`` through Click.

    Exceptions are not caught, so a crash fails the test with its traceback
    instead of turning into an exit code.
    """
    result = CliRunner().invoke(main, [str(a) for a in args], input=input, color=color, catch_exceptions=False)
    ran = Ran.__new__(Ran)
    ran.__dict__.update(vars(result))
    return ran


def run_check(records: Path, *args: str, as_of: str | None = AS_OF) -> tuple[int, str]:
    """``peerkit check RECORDS --as-of AS_OF ARGS`` -> (exit code, output)."""
    extra = ("--as-of", as_of) if as_of else ()
    result = run("check", records, *extra, *args)
    return result.exit_code, result.output


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


# --- fixtures --------------------------------------------------------------------

@pytest.fixture
def records(tmp_path: Path) -> Path:
    """A small records tree that passes ``peerkit check`` cleanly."""
    return write_tree(tmp_path / "records", VALID_TREE, EVIDENCE_FILES)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The sample programme with its marker words, in ``tmp_path/records``."""
    return write_sample(tmp_path / "records")


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo records, so no run writes a cache (or anything) into the repository."""
    return Path(shutil.copytree(DEMO, tmp_path_factory.mktemp("demo") / "records"))


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A copy of the demo records of this test's own, to edit (``demo`` is shared by a session)."""
    return Path(shutil.copytree(DEMO, tmp_path / "records", ignore=shutil.ignore_patterns(".peerkit-cache")))


@pytest.fixture(scope="session", autouse=True)
def _no_cache_in_the_repository() -> Iterator[None]:
    """The demo records stay as committed: fail the run if a test leaves a cache in them.

    A cache left by an earlier run (git-ignored) is removed first, so it cannot hide a new one.
    """
    shutil.rmtree(REPO_CACHE, ignore_errors=True)
    yield
    assert not REPO_CACHE.exists(), f"the run wrote {REPO_CACHE.relative_to(REPO)}; check a copy (the demo fixture)"


@pytest.fixture(autouse=True)
def _collectable() -> Iterator[None]:
    """What a run froze out of the cycle collector's way (``gcpause``) is collectable again
    after each test: the program ends with its run, but this process runs a thousand."""
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A HOME and XDG_CACHE_HOME of each test's own, inherited by every peerkit it starts in a
    subprocess, so no test reads or writes the user's ~/.cache/peerkit (where the cache secret
    lives). Made outside ``tmp_path``, which some tests list in full. (In-process runs work out
    the cache key once per pytest process, in the first test's folder.)

    Fails the test that leaves a ``.peerkit-cache`` in the repository's demo records.
    """
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    yield home
    if REPO_CACHE.exists():
        shutil.rmtree(REPO_CACHE)  # so the tests after this one are not blamed too
        pytest.fail(f"this test wrote {REPO_CACHE.relative_to(REPO)}; check a copy (the demo fixture) instead")


def cache_content(path: Path) -> dict:
    """What a sealed cache file (``.peerkit-cache/*.marshal``) holds, its seal line skipped."""
    return marshal.loads(path.read_bytes().split(b"\n", 1)[1])


def rewrite_cache(path: Path, content: dict) -> None:
    """Change what a cache file holds as someone editing it would: its seal line kept, now wrong."""
    head = path.read_bytes().split(b"\n", 1)[0]
    path.write_bytes(head + b"\n" + marshal.dumps(content))
