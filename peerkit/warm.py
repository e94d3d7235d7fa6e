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
``{"status": 0, "lines": [...]}`` out. The worker ignores Ctrl+C (the session
handles it) and leaves when its input closes, as it does when the session ends
or dies.
"""

from __future__ import annotations

import gc
import io
import json
import os
import signal
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import IO, Sequence

import click

from .check import KeptModels


def build_once(args: Sequence[str], kept: KeptModels) -> tuple[int, list[str], bool]:
    """``peerkit build ARGS`` in this process: (exit status, the lines it printed, whether the
    worker may go on: not after an error no build should raise)."""
    from .cli import main

    printed = io.StringIO()
    healthy = True
    with redirect_stdout(printed), redirect_stderr(printed):
        try:
            main.main(args=["build", *args], prog_name="peerkit", standalone_mode=False, obj=kept)
            status = 0
        except SystemExit as leaving:
            status = leaving.code if isinstance(leaving.code, int) else 0 if leaving.code is None else 1
        except click.ClickException as exc:
            exc.show()
            status = exc.exit_code
        except click.Abort:
            status = 1
        except Exception as exc:  # noqa: BLE001 - a bug: say so in one line, and let a fresh worker build next
            click.echo(f"error: the build failed unexpectedly ({type(exc).__name__}: {exc}); "
                       f"it runs again in a fresh process on the next save", err=True)
            status, healthy = 1, False
    return status, [line for line in printed.getvalue().splitlines() if line.strip()], healthy


def tidy() -> None:
    """Between builds: collect the cycles the last build left (its objects were frozen out of
    the collector's way, :func:`peerkit.gcpause.no_gc_pauses`), then freeze what stays (the
    kept models), so the next build's collections do not scan it."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def serve_builds(requests: IO[str], answers: IO[str]) -> None:
    """Answer build requests until ``requests`` closes."""
    kept = KeptModels()
    for line in requests:
        status, lines, healthy = build_once(json.loads(line)["args"], kept)
        answers.write(json.dumps({"status": status, "lines": lines}) + "\n")
        answers.flush()
        if not healthy:
            return
        tidy()


def main() -> None:
    """The worker process: answers go to a copy of its stdout, and anything else printed on
    stdout (by a library, say) to stderr, so that no stray line is taken for an answer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    serve_builds(sys.stdin, answers)


class Worker:
    """The session's side: one warm worker, started when first needed and again after it ended."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen | None = None

    def build(self, args: Sequence[str]) -> tuple[bool, list[str]]:
        """``peerkit build ARGS`` in the worker: (succeeded, the lines it printed)."""
        for _attempt in range(2):  # a worker found dead (killed, out of memory) is started again once
            process = self._running()
            try:
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write(json.dumps({"args": list(args)}) + "\n")
                process.stdin.flush()
                answer = process.stdout.readline()
                reply = json.loads(answer) if answer else None
            except (OSError, ValueError):
                reply = None
            if isinstance(reply, dict) and isinstance(reply.get("lines"), list):
                return reply.get("status") == 0, [str(line) for line in reply["lines"]]
            self.stop()
        return False, ["error: the build worker stopped unexpectedly; it starts again on the next save"]

    def _running(self) -> subprocess.Popen:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen([sys.executable, "-m", "peerkit.warm"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                            encoding="utf-8", env=self.env)
        return self.process

    def restart(self) -> None:
        """Let the next build run in a fresh worker (peerkit's templates, schemas or code changed)."""
        self.stop()

    def stop(self) -> None:
        """End the worker: its input closes and it leaves, or, in the middle of a build (Ctrl+C
        during one), it is stopped: what it was building is in the session's private folder."""
        process, self.process = self.process, None
        if process is None:
            return
        try:
            if process.stdin:
                process.stdin.close()
            process.wait(timeout=1)
        except (OSError, subprocess.TimeoutExpired):
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        finally:
            if process.stdout:
                process.stdout.close()


def package_folder() -> Path:
    """peerkit's own code, watched by the session: a change to it needs a fresh worker."""
    return Path(__file__).resolve().parent


if __name__ == "__main__":
    main()
