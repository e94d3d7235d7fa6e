"""``peerkit check`` as it runs for real: the pipeline, with its accelerations.

:mod:`peerkit.pipeline` is the plain pipeline, top to bottom. Here its load
and rules stages are wrapped from the outside, each acceleration from its
own module, and every one of them gives the same problems as the plain run
(tests/test_cache.py holds them to that):

* :mod:`peerkit.cache` answers unchanged files and an unchanged tree's rule
  results from ``.peerkit-cache``;
* :mod:`peerkit.parallel` spreads parsing over the cores for large trees;
* :mod:`peerkit.gcpause` keeps the cycle collector out of the way;
* :class:`KeptModels` keeps each record's model between the builds of one
  long-lived process (``peerkit serve``'s build worker, :mod:`peerkit.warm`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable, Sequence

from .cache import FOLDER, ResultCache, cached_load, remembered_rules
from .codes import problem
from .discover import display_path
from .gcpause import no_gc_pauses
from .loader import LoadedFile
from .parallel import Todo, in_parallel
from .pipeline import CheckResult, Made, MakeRecord, check as plain_check, load_record, make_record, rules_on

__all__ = ["CheckResult", "KeptModels", "check", "no_gc_pauses"]


def load_todo(todo: Sequence[Todo]) -> list[LoadedFile]:
    """Load files whose bytes may already have been read (module level: worker processes call it)."""
    return [load_record(f, raw) for f, raw in todo]


class KeptModels:
    """Each record's model, kept from one build to the next in a process that builds again and
    again, so that only the records of changed files are made again.

    A model is made from nothing but its file's data and place (``from_data(data, source)``),
    and the data is its content's, so a model is taken again only for the same kind, path,
    shown path and content hash. A process that keeps them is restarted when the schemas or
    peerkit change (:mod:`peerkit.warm`). Only the models of the last build are kept.
    """

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str, str, str | None], Made] = {}
        self.made = 0  # records made (not taken) in the last build: what the tests look at

    def stage(self) -> tuple[MakeRecord, Callable[[], None]]:
        """A ``make`` for one build, and what to call when its records are built."""
        kept, fresh = self._kept, {}
        self.made = 0

        def make(f: LoadedFile, kind: str) -> Made:
            key = (kind, f.rel, f.display, f.digest)
            made = kept.get(key)
            if made is None:
                made = make_record(f, kind)
                self.made += 1
            fresh[key] = made
            return made

        def done() -> None:
            self._kept = fresh

        return make, done


def check(root: Path, as_of: date, root_display: str | None = None, *, use_cache: bool = True,
          jobs: int | None = None, kept: KeptModels | None = None) -> CheckResult:
    """Check every record under ``root`` as fast as this machine allows; never raises for bad records.

    ``kept``: the models of the last build in this process, to take again where unchanged.
    """
    root_display = str(root) if root_display is None else root_display
    load = in_parallel(load_todo, jobs)
    with no_gc_pauses():
        if not use_cache:
            return plain_check(root, as_of, root_display, rules=rules_on,
                               load=lambda files: load([(f, None) for f in files]))
        store = ResultCache(root)
        make: MakeRecord = make_record
        if kept is not None:
            make, done = kept.stage()
        result = plain_check(root, as_of, root_display, load=cached_load(store, load), make=make,
                             rules=remembered_rules(store, root, root_display))
        if kept is not None:
            result.records  # noqa: B018 - built now, so that the models kept are this build's
            done()
        store.save()
        if store.unused:
            result.problems.append(problem(display_path(root_display, FOLDER), 1, 1, "cache-unused", store.unused))
            result.problems.sort()
        return result
