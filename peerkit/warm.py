"""A build worker that stays warm: ``peerkit serve`` rebuilds in it on every save.

A fresh ``peerkit build`` after a one-file change spends most of its time on
what did not change: starting Python and importing peerkit (0.2 s at 20,000
files) and making every record's model again from the cache (0.33 s, of 1.4 s
in all). The worker is one process, started with the serve session, that runs
the real ``build`` command again and again and keeps between builds what only
changes with the files it came from:

* each record's model (:class:`peerkit.check.KeptModels`, by content hash);
* the compiled templates, schemas and the code itself.

So it is started again whenever peerkit's templates, schemas or code change
(:meth:`Worker.restart`), when it died, and when a build failed in a way no
build should (a bug): the next build then runs in a fresh one. Everything else
is read per build as ``peerkit build`` reads it (records, caches, the previous
site, git), so a worker's build is byte for byte a fresh build's
(``tests/test_warm.py``).

Requests and answers are JSON lines on pipes: ``{"args": [...]}`` in,
``{"status": 0, "lines": [...]}`` out. The worker runs in a process group of
its own, so Ctrl+C reaches only the session, which then closes the worker's
input (it leaves after its build) or, in the middle of a build, stops its
whole group (it unwinds first, removing its temporary files). Its temporary
files and what it prints outside a build go to the session's private folder.
"""

from __future__ import annotations

import gc
import io
import json
import os
import select
import signal
import subprocess
import sys
from collections import deque
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:  # (imported for real only once stdout is moved aside: see main)
    from .check import KeptModels

LOG_LINES = 20  # of what a worker printed before it died, shown with the error


def build_once(args: Sequence[str], kept: KeptModels) -> tuple[int, list[str], bool]:
    """``peerkit build ARGS`` in this process: (exit status, the lines it printed, whether the
    worker may go on: not after an error no build should raise)."""
    printed = io.StringIO()
    healthy = True
    with redirect_stdout(printed), redirect_stderr(printed):
        try:
            import click

            from .cli import main

            try:
                returned = main.main(args=["build", *args], prog_name="peerkit", standalone_mode=False, obj=kept)
                status = returned if isinstance(returned, int) else 0
            except SystemExit as leaving:
                status = leaving.code if isinstance(leaving.code, int) else 0 if leaving.code is None else 1
            except click.ClickException as exc:
                exc.show()
                status = exc.exit_code
            except click.Abort:
                status = 1
        except Exception as exc:  # noqa: BLE001 - a bug (or peerkit's code mid-edit): one line, then a fresh worker
            print(f"error: the build failed unexpectedly ({type(exc).__name__}: {exc}); "
                  f"it runs again in a fresh process on the next save", file=sys.stderr)
            status, healthy = 1, False
    return status, [line for line in printed.getvalue().splitlines() if line.strip()], healthy


def tidy() -> None:
    """Between builds: drop the figures remembered for the last build's records, collect the
    cycles it left (its objects were frozen out of the collector's way,
    :func:`peerkit.gcpause.no_gc_pauses`), then freeze what stays (the kept models), so the
    next build's collections do not scan it."""
    from .obligations import obligations
    from .relationships import relationships

    obligations.cache_clear()
    relationships.cache_clear()
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def serve_builds(requests: IO[str], answers: IO[str]) -> None:
    """Answer build requests until ``requests`` closes."""
    from .check import KeptModels

    kept = KeptModels()
    for line in requests:
        status, lines, healthy = build_once(json.loads(line)["args"], kept)
        answers.write(json.dumps({"status": status, "lines": lines}) + "\n")
        answers.flush()
        if not healthy:
            return
        tidy()


def _leave(signum: int, frame: Any) -> None:
    """SIGTERM from the session: unwind (temporary folders and PDF workers are cleaned up)."""
    raise SystemExit(128 + signum)


def main() -> None:
    """The worker process: answers go to a copy of its stdout, and anything else printed on
    stdout (by a library, say) to stderr, before peerkit is even imported, so that no stray
    line is taken for an answer."""
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    signal.signal(signal.SIGTERM, _leave)
    serve_builds(sys.stdin, answers)


class Worker:
    """The session's side: one warm worker, started when first needed and again after it ended.

    ``env``: the worker's environment; ``log``: where it prints outside a build (shown when it dies).
    """

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def build(self, args: Sequence[str]) -> tuple[bool, list[str]]:
        """``peerkit build ARGS`` in the worker: (succeeded, the lines it printed). A worker that
        died on the way is not asked again: the next build starts a fresh one."""
        process = self._running()
        reply = None
        try:
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(json.dumps({"args": list(args)}) + "\n")
            process.stdin.flush()
            answer = self._answer(process)
            reply = json.loads(answer) if answer else None
        except (OSError, ValueError):
            pass
        if isinstance(reply, dict) and isinstance(reply.get("lines"), list):
            return reply.get("status") == 0, [str(line) for line in reply["lines"]]
        self._signal_group(process, signal.SIGKILL)  # its PDF or parsing workers, left without it
        self.stop()
        return False, ["error: the build worker stopped unexpectedly; a fresh one builds on the next save",
                       *self._last_words()]

    @staticmethod
    def _answer(process: subprocess.Popen) -> str:
        """The worker's answer line; empty if it died first (its PDF or parsing workers may
        still hold the pipe open, so its end is watched, not only the pipe's)."""
        assert process.stdout is not None
        while not select.select([process.stdout], [], [], 0.5)[0]:
            if process.poll() is not None:
                return ""
        return process.stdout.readline()

    def _last_words(self) -> list[str]:
        try:
            with open(self.log, encoding="utf-8", errors="replace") as log:
                return [line.rstrip() for line in deque(log, maxlen=LOG_LINES) if line.strip()]
        except OSError:
            return []

    def _running(self) -> subprocess.Popen:
        if self.process is not None and self.process.poll() is not None:
            self.stop()
        if self.process is None:
            with open(self.log, "w", encoding="utf-8") as log:
                self.process = subprocess.Popen([sys.executable, "-m", "peerkit.warm"], stdin=subprocess.PIPE,
                                                stdout=subprocess.PIPE, stderr=log, text=True, encoding="utf-8",
                                                env=self.env, start_new_session=True)
        return self.process

    def restart(self) -> None:
        """Let the next build run in a fresh worker (peerkit's templates, schemas or code changed)."""
        self.stop()

    def stop(self) -> None:
        """End the worker: its input closes and it leaves, or, in the middle of a build (Ctrl+C
        during one), its whole process group (PDF and parsing workers too) is stopped."""
        process, self.process = self.process, None
        if process is None:
            return
        try:
            if process.stdin:
                process.stdin.close()
            process.wait(timeout=1)
        except (OSError, subprocess.TimeoutExpired):
            self._signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._signal_group(process, signal.SIGKILL)
                process.wait()
        finally:
            if process.stdout:
                process.stdout.close()

    @staticmethod
    def _signal_group(process: subprocess.Popen, signum: int) -> None:
        try:
            os.killpg(process.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass


def package_folder() -> Path:
    """peerkit's own code, watched by the session: a change to it needs a fresh worker."""
    return Path(__file__).resolve().parent


if __name__ == "__main__":
    main()
