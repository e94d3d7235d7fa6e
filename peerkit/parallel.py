"""An acceleration: parse and schema-check files in worker processes.

Loading is independent per file, so a large tree is split into chunks over
the machine's cores. Each worker returns plain data (the record's data, its
positions and its problems), which is all the later stages need.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Sequence

from .discover import RecordFile
from .loader import LoadedFile

# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_FROM = 2000

Todo = tuple[RecordFile, "bytes | None"]  # a file, and its bytes when already read
BytesLoad = Callable[[Sequence[Todo]], list[LoadedFile]]


def in_parallel(load: BytesLoad, jobs: int | None = None) -> BytesLoad:
    """``load``, spread over ``jobs`` processes when there are enough files to pay for them."""
    jobs = jobs or os.cpu_count() or 1

    def load_in_parallel(todo: Sequence[Todo]) -> list[LoadedFile]:
        if jobs < 2 or len(todo) < PARALLEL_FROM:
            return load(todo)
        size = max(1, min(500, len(todo) // (jobs * 4) or 1))
        chunks = [list(todo[i:i + size]) for i in range(0, len(todo), size)]
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            return [loaded for chunk in pool.map(load, chunks) for loaded in chunk]

    return load_in_parallel
