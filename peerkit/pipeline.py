"""The checking pipeline, top to bottom: discover -> load -> model -> rules.

Each stage is a plain function of the one before; later stages run only on
what passed the earlier ones (a file that does not parse is not
schema-checked, a record that breaks its schema never reaches the rules,
which may then trust every field). Nothing here caches, forks or tunes the
garbage collector: :mod:`peerkit.check` wraps the load and rules stages with
those accelerations from the outside, and gets the same answer faster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from . import markup, validate
from .discover import RecordFile, discover, stem
from .kinds import BY_NAME, KINDS
from .loader import LoadedFile, load_file
from .model import Acknowledgement, Records
from .problems import ERROR, Problem
from .rules import run_rules

# The stages' shapes, so an acceleration can stand in for the plain one.
LoadStage = Callable[[Sequence[RecordFile]], list[LoadedFile]]
RulesStage = Callable[[Callable[[], Records], Sequence[LoadedFile], date], list[Problem]]
# One record's model, and its acknowledgements (None: it has none), from a file that passed its schema.
Made = tuple[Any, "tuple[Acknowledgement, ...] | None"]
MakeRecord = Callable[[LoadedFile, str], Made]


@dataclass(frozen=True)
class CheckResult:
    """Every problem found, and the records, built only when a caller asks for
    them (a check whose rule results were remembered never needs them)."""

    problems: list[Problem]
    files_checked: int
    _build_records: Callable[[], Records] = field(repr=False, compare=False)
    # Each record file's content hash (None: unreadable), by its path inside the records: what a
    # build keys its pages by, so a page whose records did not change is not made again.
    digests: Mapping[str, str | None] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def records(self) -> Records:
        return self._build_records()

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == ERROR)


def load_record(record_file: RecordFile, raw: bytes | None = None) -> LoadedFile:
    """Parse one file (``raw``: its bytes, when already read) and check it against its kind's schema."""
    loaded = load_file(record_file.path, record_file.rel, record_file.display, raw)
    if loaded.ok:
        for field_path, code, message in validate.iter_errors(record_file.kind, loaded.data):
            loaded.problems.append(loaded.problem(field_path, code, message))
    if loaded.ok:  # schema-valid, so every markdown field is text: can it be rendered in good time?
        for field_path, code, message in markup.field_problems(record_file.kind, loaded.data):
            loaded.problems.append(loaded.problem(field_path, code, message))
    if loaded.comments:
        for field_path, code, message in validate.cut_short(record_file.kind, loaded.positions, loaded.comments):
            loaded.problems.append(loaded.problem(field_path, code, message))
    return loaded


def load_each(record_files: Sequence[RecordFile]) -> list[LoadedFile]:
    """The plain load stage: every file, one after another."""
    return [load_record(f) for f in record_files]


def make_record(f: LoadedFile, kind: str) -> Made:
    """The model of one file that passed its schema: its record, and its acknowledgements."""
    data, _ = f.content()
    source = f.source
    record = BY_NAME[kind].model.from_data(data, source)
    return record, Acknowledgement.all_from(data, source) if "acknowledged" in data else None


def build_records(root: Path, loaded: Iterable[LoadedFile], kinds_of: Mapping[str, str],
                  make: MakeRecord = make_record) -> Records:
    """The model stage: a typed record for every file that passed its schema.

    ``kinds_of`` maps each file's ``rel`` to its kind. The stems of every
    file are kept, valid or not, so that one broken supporter file does not
    also make every reference to it an error. ``make`` builds each record
    (see :class:`peerkit.check.KeptModels`, which keeps them between builds).
    """
    by_kind: dict[str, list] = {kind.name: [] for kind in KINDS}
    stems: dict[str, set[str]] = {kind.name: set() for kind in KINDS}
    acknowledgements = {}
    for f in loaded:
        kind = kinds_of[f.rel]
        stems[kind].add(stem(f.rel))
        if f.ok:
            record, acknowledged = make(f, kind)
            by_kind[kind].append(record)
            if acknowledged is not None:
                acknowledgements[f.rel] = acknowledged
    return Records(root=root, by_kind={k: tuple(v) for k, v in by_kind.items()},
                   stems={k: frozenset(v) for k, v in stems.items()}, acknowledgements=acknowledgements)


def rules_on(records: Callable[[], Records], loaded: Sequence[LoadedFile], as_of: date) -> list[Problem]:
    """The plain rules stage: every rule over the whole set of records."""
    return run_rules(records(), as_of)


def check(root: Path, as_of: date, root_display: str | None = None, *, load: LoadStage = load_each,
          make: MakeRecord = make_record, rules: RulesStage = rules_on,
          adding: Sequence[RecordFile] = ()) -> CheckResult:
    """Check every record under ``root`` (and ``adding``: files not on disk yet); never raises for bad records."""
    record_files, problems = discover(root, str(root) if root_display is None else root_display)
    if adding:
        record_files = sorted([*record_files, *adding], key=lambda f: f.rel)
    loaded = load(record_files)
    for f in loaded:
        problems.extend(f.problems)
    kinds_of = {f.rel: f.kind for f in record_files}
    records = once(lambda: build_records(root, loaded, kinds_of, make))
    problems.extend(rules(records, loaded, as_of))
    return CheckResult(sorted(problems), len(record_files), records, {f.rel: f.digest for f in loaded})


def once(build: Callable[[], Records]) -> Callable[[], Records]:
    """``build``, run at most once however often it is asked for."""
    built: list[Records] = []

    def first_time() -> Records:
        if not built:
            built.append(build())
        return built[0]

    return first_time
