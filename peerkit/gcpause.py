"""An acceleration: no cycle collection while building many small objects."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Pause the cycle collector while loading or rendering.

    Loading 80,000 records makes Python run full collections over and over
    (~30 % of a run) although records form no cycles; reference counting
    still frees everything as usual. On the way out, every object alive is
    frozen (``gc.freeze``): the collector would otherwise scan all that was
    made meanwhile at its next run, right after (0.1-0.2 s of a one-file
    rebuild at 20,000 files). Frozen objects are still freed by reference
    counting; only a cycle among them waits for the program's end, which
    for the ``peerkit`` program comes soon after. A long-lived caller of
    :func:`peerkit.check.check` should call ``gc.unfreeze()`` between runs,
    as the tests do after each test.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()
