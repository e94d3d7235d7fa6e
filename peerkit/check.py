"""``peerkit check`` as it runs for real: the pipeline, with its accelerations.

:mod:`peerkit.pipeline` is the plain pipeline, top to bottom. Here its load
and rules stages are wrapped from the outside, each acceleration from its
own module, and every one of them gives the same problems as the plain run
(tests/test_cache.py holds them to that):

* :mod:`peerkit.cache` answers unchanged files and an unchanged tree's rule
  results from ``.peerkit-cache``;
* :mod:`peerkit.parallel` spreads parsing over the cores for large trees;
* :mod:`peerkit.gcpause` keeps the cycle collector out of the way.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Sequence

from .cache import FOLDER, ResultCache, cached_load, remembered_rules
from .codes import problem
from .discover import display_path
from .gcpause import no_gc_pauses
from .loader import LoadedFile
from .parallel import Todo, in_parallel
from .pipeline import CheckResult, check as plain_check, load_record, rules_on

__all__ = ["CheckResult", "check", "no_gc_pauses"]


def load_todo(todo: Sequence[Todo]) -> list[LoadedFile]:
    """Load files whose bytes may already have been read (module level: worker processes call it)."""
    return [load_record(f, raw) for f, raw in todo]


def check(root: Path, as_of: date, root_display: str | None = None, *, use_cache: bool = True,
          jobs: int | None = None) -> CheckResult:
    """Check every record under ``root`` as fast as this machine allows; never raises for bad records."""
    root_display = str(root) if root_display is None else root_display
    load = in_parallel(load_todo, jobs)
    with no_gc_pauses():
        if not use_cache:
            return plain_check(root, as_of, root_display, rules=rules_on,
                               load=lambda files: load([(f, None) for f in files]))
        store = ResultCache(root)
        result = plain_check(root, as_of, root_display, load=cached_load(store, load),
                             rules=remembered_rules(store, root, root_display))
        store.save()
        if store.unused:
            result.problems.append(problem(display_path(root_display, FOLDER), 1, 1, "cache-unused", store.unused))
            result.problems.sort()
        return result
