"""An acceleration: parse and schema-check files in worker processes.

Loading is independent per file, so a large tree is split into chunks over
the machine's cores. Each worker returns plain data (the record's data, its
packed positions, its problems and content hash), which is all the later
stages need; the parent puts each file's paths back, which it already has.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any, Callable, Sequence

from .discover import RecordFile
from .loader import LoadedFile
from .source import PackedPositions

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
            sent = [sent for chunk in pool.map(partial(_load_to_send, load), chunks) for sent in chunk]
        return [_received(f, *plain) for (f, _), plain in zip(todo, sent)]

    return load_in_parallel


Sent = tuple[Any, Any, list, "str | None", int]  # data, packed positions, problems, digest, size


def _load_to_send(load: BytesLoad, chunk: Sequence[Todo]) -> list[Sent]:
    """In a worker: load a chunk and keep what the parent lacks (half the pickling of whole objects)."""
    return [(loaded.data, loaded.positions.packed if isinstance(loaded.positions, PackedPositions) else None,
             loaded.problems, loaded.digest, loaded.size) for loaded in load(chunk)]


def _received(f: RecordFile, data: Any, packed: Any, problems: list, digest: str | None, size: int) -> LoadedFile:
    positions = PackedPositions(data, packed) if packed is not None else {}
    return LoadedFile(path=f.path, rel=f.rel, display=f.display, data=data, positions=positions,
                      problems=problems, digest=digest, size=size)
