"""An acceleration: make a build's PDFs from kept files, and the rest on every core.

The site is rendered in this process; each portfolio's PDF is handed here as
its data (the portfolio as JSON, see :func:`peerkit.pdf.portfolio_data`) and the
evidence it names. A PDF whose key (see :func:`peerkit.buildcache.pdf_key`)
matches a kept file is copied from :class:`~peerkit.buildcache.PdfCache`; the
others are typeset by Typst in worker processes while this process goes on
with the next pages.

Memory stays bounded whatever the size of the programme:

* each worker is replaced after :data:`TASKS_PER_WORKER` PDFs (``max_tasks_per_child``),
  in case the engine's caches grow (Typst's stayed flat here: 210 demo PDFs in one
  process, 187 to 214 MB; WeasyPrint's grew with every document);
* workers start from a small server process that has imported Typst and
  nothing of the build (``forkserver``), not as copies of this process and
  all its records;
* at most :data:`IN_FLIGHT_PER_WORKER` pages per worker wait to be rendered:
  this process stops making pages until a worker is free, so the data of
  every portfolio never sits in memory at once.

A build with fewer than :data:`POOL_FROM` PDFs, or a machine with one core,
renders them here: starting workers would cost more than it saves.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from . import pdf
from .buildcache import PdfCache, pdf_key
from .portfolio import Portfolio

POOL_FROM = 4
TASKS_PER_WORKER = 128  # a new worker costs about as much as a few PDFs
IN_FLIGHT_PER_WORKER = 2

Advance = Callable[[int], None]
Progress = Callable[[int], AbstractContextManager[Advance]]


class PdfError(Exception):
    """A PDF that could not be made; the message names whose."""


@dataclass(frozen=True)
class PdfJob:
    """One portfolio's PDF: where it goes in the site, what it is made from, and whose it is."""

    rel: str
    portfolio: Portfolio
    attachments: tuple[pdf.Attachment, ...]  # the evidence embedded in it, bytes and all
    who: str

    @cached_property
    def data(self) -> str:
        """The portfolio as JSON (:func:`pdf.portfolio_data`): all the PDF shows. Made only for a
        PDF not taken from the previous site."""
        return pdf.portfolio_data(self.portfolio)


def no_progress(total: int) -> AbstractContextManager[Advance]:
    return nullcontext(lambda n: None)


def cores() -> int:
    """The cores this process may use (a container or taskset may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def render(data: str, target: str, attachments: tuple[pdf.Attachment, ...]) -> None:
    """Render one PDF to ``target`` (module level: worker processes call it)."""
    pdf.write_pdf(data, Path(target), attachments)


class _Hashing:
    """A file read through, hashing what passes: the marker's hash costs no second read."""

    def __init__(self, file: BinaryIO) -> None:
        self.file, self.hash = file, hashlib.blake2b(digest_size=16)

    def read(self, size: int = -1) -> bytes:
        chunk = self.file.read(size)
        self.hash.update(chunk)
        return chunk


class PdfMaker:
    """Every PDF of one build. ``add`` each job as its page is made; ``finish`` waits for the rest.

    ``place(rel)`` gives the checked path a PDF is written to; ``copy(source, rel)``
    writes a kept file there; ``written(rel, digest)`` tells the site writer what
    a worker wrote.
    """

    def __init__(self, total: int, place: Callable[[str], Path], copy: Callable[[BinaryIO, str], object],
                 written: Callable[[str, str], None], advance: Advance, *, jobs: int | None = None,
                 cache: PdfCache | None = None) -> None:
        self.place, self.copy, self.written, self.advance = place, copy, written, advance
        self.cache = cache or PdfCache()
        self.engine: str | None = None  # asked on the first PDF: a build without PDFs needs no engine
        self.workers = jobs or cores()
        self.use_pool = self.workers >= 2 and total >= POOL_FROM
        self.pool: ProcessPoolExecutor | None = None
        self.waiting: deque[tuple[PdfJob, str, Path, Future]] = deque()
        self.first: tuple[PdfJob, str, Path] | None = None  # held until a second PDF needs the workers
        self.rendered = self.reused = 0

    def add(self, job: PdfJob) -> None:
        """Copy the kept PDF for ``job``, or render it (here, or in a worker)."""
        self.engine = self.engine or pdf.engine_version()
        key = pdf_key(job.data, job.attachments, self.engine)
        kept = self.cache.open(key)
        if kept is not None:
            with kept:
                self.copy(kept, job.rel)
            self.reused += 1
            self.advance(1)
            return
        target = self.place(job.rel)
        if not self.use_pool:
            self._render_here(job, target)
            self._done(job, key, target)
            return
        if self.pool is None and self.first is None:  # a rebuild often has one PDF to make: no workers for it
            self.first = (job, key, target)
            return
        while len(self.waiting) >= self.workers * IN_FLIGHT_PER_WORKER:
            self._collect_oldest()
        if self.first is not None:
            self._submit(*self.first)
            self.first = None
        self._submit(job, key, target)

    def _submit(self, job: PdfJob, key: str, target: Path) -> None:
        self.waiting.append((job, key, target, self._pool().submit(render, job.data, str(target), job.attachments)))

    def kept_in_site(self) -> None:
        """A PDF was taken from the previous site (see :meth:`peerkit.site.SiteWriter.reuse`)."""
        self.reused += 1
        self.advance(1)

    def finish(self) -> tuple[int, int]:
        """Wait for every PDF; (rendered, reused). The cache is trimmed to its bound."""
        if self.first is not None:  # the only PDF to make: made here, without starting workers
            job, key, target = self.first
            self.first = None
            self._render_here(job, target)
            self._done(job, key, target)
        while self.waiting:
            self._collect_oldest()
        if self.rendered or self.reused:
            self.cache.trim()
        return self.rendered, self.reused

    def close(self) -> None:
        """Stop the workers (also when the build failed) and let the cache folder go."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        self.cache.close()

    def _render_here(self, job: PdfJob, target: Path) -> None:
        try:
            pdf.write_pdf(job.data, target, job.attachments)
        except OSError:
            raise  # a full disk: the build's own message says so
        except Exception as exc:  # Typst failing on data peerkit made is a bug: say whose
            raise PdfError(f"{job.who}'s PDF portfolio could not be made: {exc}") from exc

    def _collect_oldest(self) -> None:
        job, key, target, future = self.waiting.popleft()
        try:
            future.result()
        except BrokenProcessPool:
            raise PdfError("a PDF worker process stopped unexpectedly (out of memory?); try again, "
                           "or build with --no-pdf") from None
        except OSError:
            raise
        except Exception as exc:
            raise PdfError(f"{job.who}'s PDF portfolio could not be made: {exc}") from exc
        self._done(job, key, target)

    def _done(self, job: PdfJob, key: str, target: Path) -> None:
        """A PDF was rendered to ``target``: keep a copy, and hash it for the site's marker."""
        with open(target, "rb") as made:
            reader = _Hashing(made)
            self.cache.keep(key, reader)
            while reader.read(1 << 20):  # the cache could not take it: still hash it all
                pass
        self.written(job.rel, reader.hash.hexdigest())
        self.rendered += 1
        self.advance(1)

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            if "forkserver" in methods:
                context.set_forkserver_preload(["typst", __name__])
            if sys.version_info >= (3, 11):
                self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                                max_tasks_per_child=TASKS_PER_WORKER)
            else:  # Python 3.10 cannot replace workers: they live as long as the build
                self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self.pool


@contextmanager
def pdf_maker(total: int, place: Callable[[str], Path], copy: Callable[[BinaryIO, str], object],
              written: Callable[[str, str], None], progress: Progress = no_progress,
              jobs: int | None = None) -> Iterator[PdfMaker]:
    """A :class:`PdfMaker` for ``total`` PDFs, with a progress display, always closed."""
    with progress(total) as advance:
        maker = PdfMaker(total, place, copy, written, advance, jobs=jobs)
        try:
            yield maker
        finally:
            maker.close()
