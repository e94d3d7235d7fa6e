"""The checking pipeline: discover -> load -> validate -> model -> rules.

Later phases run only on what passed the earlier ones: a file that does not
parse is not schema-checked, and a record that breaks its schema does not
reach the cross-record rules (which may then trust every field).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import validate
from .discover import RecordFile, discover
from .loader import LoadedFile, load_file
from .model import FACTORIES, Records
from .problems import ERROR, Problem
from .rules import run_rules


@dataclass(frozen=True)
class CheckResult:
    records: Records
    problems: list[Problem]
    files_checked: int

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == ERROR)


def load_and_validate(record_file: RecordFile) -> LoadedFile:
    """Parse one file and check it against its kind's schema."""
    loaded = load_file(record_file.path, record_file.rel, record_file.display)
    if loaded.ok:
        for field_path, code, message in validate.iter_errors(record_file.kind, loaded.data):
            loaded.problems.append(loaded.problem(field_path, ERROR, code, message))
    return loaded


def check(root: Path, as_of: date, root_display: str | None = None) -> CheckResult:
    """Check every record under ``root``; never raises for bad records."""
    root_display = str(root) if root_display is None else root_display
    record_files, problems = discover(root, root_display)
    loaded = [(f.kind, load_and_validate(f)) for f in record_files]
    for _, f in loaded:
        problems.extend(f.problems)
    records = build_records(root, loaded)
    problems.extend(run_rules(records, as_of))
    return CheckResult(records, sorted(problems), len(record_files))


def build_records(root: Path, loaded: list[tuple[str, LoadedFile]]) -> Records:
    by_kind: dict[str, list] = {kind: [] for kind in FACTORIES}
    for kind, f in loaded:
        if f.ok:
            by_kind[kind].append(FACTORIES[kind](f))
    programmes = by_kind["programme"]
    return Records(
        root=root,
        programme=programmes[0] if programmes else None,
        supporters=tuple(by_kind["supporter"]),
        meetings=tuple(by_kind["meeting"]),
        supervision=tuple(by_kind["supervision"]),
        cpd=tuple(by_kind["cpd"]),
        supporter_files=frozenset(Path(f.rel).stem for kind, f in loaded if kind == "supporter"),
    )
