"""The checking pipeline: discover -> load -> validate -> model -> rules.

Later phases run only on what passed the earlier ones: a file that does not
parse is not schema-checked, and a record that breaks its schema does not
reach the cross-record rules (which may then trust every field).
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator

from . import validate
from .cache import ResultCache, code_key, digest
from .discover import RecordFile, discover, stem
from .loader import LoadedFile, load_file, read_bytes
from .model import FACTORIES, Records
from .problems import ERROR, Problem
from .rules import CACHEABLE_RULES, evidence_problems, run_rules


# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_FROM = 2000


@dataclass(frozen=True)
class CheckResult:
    """Every problem found, and the records, built only when a caller asks for
    them (a check whose rule results come from the cache never needs them)."""

    problems: list[Problem]
    files_checked: int
    _build_records: Callable[[], Records] = field(repr=False, compare=False)

    @cached_property
    def records(self) -> Records:
        return self._build_records()

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == ERROR)


def load_and_validate(record_file: RecordFile, raw: bytes | None = None) -> LoadedFile:
    """Parse one file and check it against its kind's schema."""
    loaded = load_file(record_file.path, record_file.rel, record_file.display, raw)
    if loaded.ok:
        for field_path, code, message in validate.iter_errors(record_file.kind, loaded.data):
            loaded.problems.append(loaded.problem(field_path, ERROR, code, message))
    return loaded


def _load_chunk(chunk: list[tuple[RecordFile, bytes | None]]) -> list[tuple[object, list[Problem]]]:
    """Worker: (data, problems) per file; positions stay behind (re-read on demand)."""
    results = []
    for record_file, raw in chunk:
        loaded = load_and_validate(record_file, raw)
        results.append((loaded.data if loaded.ok else None, loaded.problems))
    return results


def _load_in_parallel(todo: list[tuple[RecordFile, bytes | None]], jobs: int) -> list[LoadedFile]:
    """Spread parsing and validation over ``jobs`` processes (pays off from a few thousand files)."""
    size = max(1, min(500, len(todo) // (jobs * 4) or 1))
    chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        results = [item for chunk in pool.map(_load_chunk, chunks) for item in chunk]
    return [LoadedFile(path=f.path, rel=f.rel, display=f.display, data=data, problems=problems)
            for (f, _), (data, problems) in zip(todo, results)]


def load_all(record_files: list[RecordFile], store: ResultCache | None,
             jobs: int | None = None) -> tuple[list[LoadedFile], list[str | None]]:
    """Every file loaded and schema-checked, with its content hash: from the cache
    where the content is unchanged, in parallel where enough files are left."""
    loaded: dict[int, LoadedFile] = {}
    digests: list[str | None] = [None] * len(record_files)
    todo: list[tuple[int, RecordFile, bytes | None, str | None]] = []
    for index, f in enumerate(record_files):
        raw, content = None, None
        if store is not None:
            try:
                raw = read_bytes(f.path)
            except OSError:
                raw = None  # load_file reports it
            content = digests[index] = digest(raw) if raw is not None else None
            hit = store.get(f.rel, content) if content else None
            if hit is not None:  # its data is read from the cache only if the records are needed
                problems = [Problem(f.display, *p) for p in hit[1]]
                loaded[index] = LoadedFile(path=f.path, rel=f.rel, display=f.display, problems=problems)
                continue
        todo.append((index, f, raw, content))
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and len(todo) >= PARALLEL_FROM:
        fresh = _load_in_parallel([(f, raw) for _, f, raw, _ in todo], jobs)
    else:
        fresh = [load_and_validate(f, raw) for _, f, raw, _ in todo]
    for (index, f, _, content), result in zip(todo, fresh):
        loaded[index] = result
        if store is not None and content:
            store.put(f.rel, content, result.data, result.problems)
    return [loaded[i] for i in range(len(record_files))], digests


@contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Pause the cycle collector while building many small objects.

    Loading 80,000 records makes Python run full collections over and over
    (~30 % of a run) although records form no cycles; reference counting
    still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check(root: Path, as_of: date, root_display: str | None = None, *, use_cache: bool = True,
          jobs: int | None = None) -> CheckResult:
    """Check every record under ``root``; never raises for bad records."""
    root_display = str(root) if root_display is None else root_display
    with no_gc_pauses():
        record_files, problems = discover(root, root_display)
        store = ResultCache(root) if use_cache else None
        files, digests = load_all(record_files, store, jobs)
        loaded = [(f.kind, result) for f, result in zip(record_files, files)]
        for _, f in loaded:
            problems.extend(f.problems)

        records = cache_once(lambda: build_records(root, _with_data(loaded, store)))
        if store is None:
            problems.extend(run_rules(records(), as_of))
            return CheckResult(sorted(problems), len(record_files), records)
        problems.extend(_rules_remembered(store, root, root_display, as_of, loaded, digests, records))
        store.save()
        return CheckResult(sorted(problems), len(record_files), records)


def _with_data(loaded: list[tuple[str, LoadedFile]], store: ResultCache | None) -> list[tuple[str, LoadedFile]]:
    """Fill in the data of files whose results came from the cache."""
    if store is not None:
        for kind, f in loaded:
            if f.ok and f.data is None:
                f.data = store.data(f.rel)
            if f.ok and f.data is None:  # records.json was deleted: read the file again
                f.data = load_and_validate(RecordFile(kind, f.path, f.rel, f.display)).data
    return loaded


def cache_once(build: Callable[[], Records]) -> Callable[[], Records]:
    """``build``, run at most once (the rules may already have needed the records)."""
    built: list[Records] = []

    def once() -> Records:
        if not built:
            built.append(build())
        return built[0]

    return once


def _rules_remembered(store: ResultCache, root: Path, root_display: str, as_of: date,
                      loaded: list[tuple[str, LoadedFile]], digests: list[str | None],
                      records: Callable[[], Records]) -> list[Problem]:
    """The cross-record rules' problems, from the cache when nothing they read has changed."""
    fingerprint = _fingerprint(root, root_display, as_of, loaded, digests)
    real_root = root.resolve()
    memo = store.remembered(fingerprint) if fingerprint else None
    if memo is not None:
        problems = [Problem(*p) for p in memo["problems"]]
        by_rel = {f.rel: f for _, f in loaded}
        for rel, evidence in memo["evidence"]:
            problems.extend(evidence_problems(real_root, by_rel[rel], tuple(evidence)))
        return problems
    built = records()
    problems = run_rules(built, as_of, CACHEABLE_RULES)
    evidence = [[entry.source.rel, list(entry.evidence)] for entry in built.cpd if entry.evidence]
    if fingerprint:
        store.remember(fingerprint, problems, evidence)
    for entry in built.cpd:
        problems.extend(evidence_problems(real_root, entry.source, entry.evidence))
    return problems


def _fingerprint(root: Path, root_display: str, as_of: date, loaded: list[tuple[str, LoadedFile]],
                 digests: list[str | None]) -> str | None:
    """Everything the cacheable rules read: each file's content and kind, the day, the folder and the code."""
    if None in digests:
        return None  # an unreadable file: nothing to remember
    h = hashlib.blake2b(digest_size=16)
    for part in (code_key(), as_of.isoformat(), root_display, str(root.resolve())):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for (kind, f), content in zip(loaded, digests):
        h.update(f"{kind}\0{f.rel}\0{content}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


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
        supporter_files=frozenset(stem(f.rel) for kind, f in loaded if kind == "supporter"),
    )
