"""Issue 17: ``peerkit serve`` rebuilds in a warm worker that keeps each record's model.

A worker's build must be a fresh ``peerkit build`` byte for byte, however many edits it
has seen; it keeps only the models of unchanged files; it survives a build with errors
and is started again when it died or when peerkit's own files changed.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import DEMO_AS_OF, run
from peerkit.check import KeptModels, check
from peerkit.cache import RACY_NS
from peerkit.serve import build_args, of_peerkit, peerkit_files, worker_env
from peerkit.warm import Worker
from test_incremental import EDITS, assert_same_site, replace

AS_OF = DEMO_AS_OF


@pytest.fixture
def worker(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "my-cache"))
    private = tmp_path / "private"
    private.mkdir()
    started = Worker(worker_env(private), tmp_path / "worker.log")
    yield started
    started.stop()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def full_build(records: Path, out: Path, cache_home: Path, monkeypatch) -> None:
    """A build by another user, who has no cache and no previous site: nothing is reused."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    result = run("build", records, "-o", out, "--as-of", AS_OF, "--no-pdf")
    assert result.exit_code == 0, result.output


def test_every_warm_rebuild_is_a_fresh_build_byte_for_byte(demo_copy, tmp_path, monkeypatch, worker):
    """The coordinator's edits one after another, in one worker: after each, the site is the site a
    fresh build of the same records makes."""
    site = tmp_path / "site"
    args = build_args(demo_copy, site, ["--as-of", AS_OF, "--no-pdf"])
    # Evidence changed within RACY_NS of a build is not trusted by its signature, and leaves the
    # supporter's bundle key out of the marker (see evidence.signature): let the copy age past that,
    # as test_incremental's trust_evidence_at_once does in-process, so both builds trust it alike.
    time.sleep(RACY_NS / 1e9 + 0.2)
    ok, lines = worker.build(args)
    assert ok, lines
    first = worker.process.pid
    for n, (what, edit, _) in enumerate(EDITS):
        edit(demo_copy)
        ok, lines = worker.build(args)
        assert ok, (what, lines)
        assert any("pages" in line for line in lines), lines
        full = tmp_path / f"full-{n}"
        full_build(demo_copy, full, tmp_path / f"someone-else-{n}", monkeypatch)
        assert_same_site(site, full)
    assert worker.process.pid == first  # one warm worker did every build


def test_a_warm_build_with_pdfs_and_another_day_is_a_fresh_build_byte_for_byte(demo_copy, tmp_path, monkeypatch,
                                                                               worker):
    """The PDFs made in the worker (one in-process, the rest by its pool) and a change of --as-of,
    which changes no model but every figure."""
    pytest.importorskip("typst")
    site = tmp_path / "site"
    time.sleep(RACY_NS / 1e9 + 0.2)  # see above
    assert worker.build(build_args(demo_copy, site, ["--as-of", AS_OF]))[0]
    EDITS[0][1](demo_copy)  # a CPD entry's title: that supporter's PDF is made again
    later = "2026-11-27"
    ok, lines = worker.build(build_args(demo_copy, site, ["--as-of", later]))
    assert ok, lines
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    result = run("build", demo_copy, "-o", tmp_path / "full", "--as-of", later)
    assert result.exit_code == 0, result.output
    assert any(name.endswith(".pdf") for name in os.listdir(site / "portfolios" / "amara-okafor"))
    assert_same_site(site, tmp_path / "full")


def test_the_build_command_is_given_the_kept_models(demo_copy, tmp_path, monkeypatch):
    """In the worker's process, the second build of one changed file makes one model, not all."""
    from peerkit.warm import build_once

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "my-cache"))
    kept = KeptModels()
    args = build_args(demo_copy, tmp_path / "site", ["--as-of", AS_OF, "--no-pdf"])
    assert build_once(args, kept)[0] == 0 and kept.made > 100
    EDITS[1][1](demo_copy)
    status, lines, healthy = build_once(args, kept)
    assert (status, healthy) == (0, True), lines
    assert kept.made == 1


def test_a_build_with_errors_fails_with_its_problems_and_the_worker_goes_on(demo_copy, tmp_path, worker):
    site = tmp_path / "site"
    args = build_args(demo_copy, site, ["--as-of", AS_OF, "--no-pdf"])
    assert worker.build(args)[0]
    before = (site / "index.html").read_bytes()
    rel = "meetings/2024/2024-11-22-one-to-one-jamal-hussain.yaml"
    replace(rel, "duration_minutes: 75", "duration_minutes: lots")(demo_copy)
    ok, lines = worker.build(args)
    assert not ok
    assert any(line.startswith(f"{demo_copy}/{rel}:") and "duration_minutes" in line for line in lines), lines
    assert any("build refused" in line for line in lines), lines
    assert not any("Traceback" in line for line in lines), lines
    assert (site / "index.html").read_bytes() == before  # the last good site stays
    pid = worker.process.pid
    replace(rel, "duration_minutes: lots", "duration_minutes: 80")(demo_copy)
    ok, lines = worker.build(args)
    assert ok, lines
    assert worker.process.pid == pid


def test_a_worker_that_died_is_started_again(demo_copy, tmp_path, worker):
    site = tmp_path / "site"
    args = build_args(demo_copy, site, ["--as-of", AS_OF, "--no-pdf"])
    assert worker.build(args)[0]
    dead = worker.process.pid
    os.kill(dead, signal.SIGKILL)
    worker.process.wait()
    ok, lines = worker.build(args)
    assert ok, lines
    assert worker.process.pid != dead


def test_a_worker_that_dies_in_a_build_fails_that_build_only(demo_copy, tmp_path, worker):
    """Killed mid-build (out of memory, say): that build fails in one line, with what the worker
    printed last, and the next one runs in a fresh worker."""
    pytest.importorskip("typst")
    args = build_args(demo_copy, tmp_path / "site", ["--as-of", AS_OF])
    assert worker.build(["--no-such-option"])[0] is False  # a worker to kill, and its log
    pid = worker.process.pid
    with (tmp_path / "worker.log").open("a") as log:
        print("the last words", file=log)

    def kill_once_making_pdfs() -> None:
        if eventually(lambda: os.listdir(tmp_path / "private"), seconds=30):  # its PDF workers' folder
            os.kill(pid, signal.SIGKILL)

    threading.Thread(target=kill_once_making_pdfs, daemon=True).start()
    ok, lines = worker.build(args)  # a build with every PDF, killed while they are made
    assert not ok
    assert lines[0].startswith("error: the build worker stopped unexpectedly"), lines
    assert "the last words" in lines
    assert worker.process is None
    assert eventually(lambda: not group_alive(pid))  # its own workers went with it
    ok, lines = worker.build(args)
    assert ok, lines


def test_stopping_ends_the_worker_and_its_workers_even_mid_build(demo_copy, tmp_path, worker):
    """Ctrl+C while PDFs are being made: the worker and its PDF workers are all gone at once,
    with their temporary files (they are in the session's private folder)."""
    pytest.importorskip("typst")
    args = build_args(demo_copy, tmp_path / "site", ["--as-of", AS_OF])
    assert worker.build(["--no-such-option"])[0] is False
    process = worker.process
    sender = threading.Thread(target=worker.build, args=(args,))
    sender.start()
    private = tmp_path / "private"
    assert eventually(lambda: os.listdir(private))  # the PDF workers started (their socket's folder)
    worker.stop()
    sender.join(timeout=10)
    assert process.poll() is not None
    assert eventually(lambda: not group_alive(process.pid))
    assert os.listdir(private) == []  # the worker unwound: no PDF folder left with evidence


def eventually(condition, seconds: float = 10) -> bool:
    """Whether ``condition()`` holds within ``seconds`` (processes take a moment to leave)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_restart_builds_in_a_fresh_worker(demo_copy, tmp_path, worker):
    args = build_args(demo_copy, tmp_path / "site", ["--as-of", AS_OF, "--no-pdf"])
    assert worker.build(args)[0]
    old = worker.process
    worker.restart()
    assert old.poll() is not None  # the old one has left
    assert worker.build(args)[0] and worker.process is not old


def test_the_records_folder_cannot_plant_code_in_the_worker(demo_copy, tmp_path, worker, monkeypatch):
    """``python -m`` would import from the current folder first: a records repository holding a
    ``click.py`` must not run it in the worker serve starts there."""
    if sys.version_info < (3, 11):
        pytest.skip("PYTHONSAFEPATH is Python 3.11's")
    (demo_copy / "click.py").write_text("raise SystemExit('planted code ran')\n", encoding="utf-8")
    monkeypatch.chdir(demo_copy)
    ok, lines = worker.build(build_args(Path("."), tmp_path / "site", ["--as-of", AS_OF, "--no-pdf"]))
    assert ok, lines


def test_a_change_to_peerkit_itself_needs_a_fresh_worker(tmp_path):
    """Templates, schemas and code are read once per worker; records are read per build."""
    for folder in peerkit_files():
        assert of_peerkit({(2, str(folder / "some-file"))})
    assert {p.name for p in peerkit_files()} >= {"templates", "schemas", "peerkit"}
    assert not of_peerkit({(2, str(tmp_path / "records" / "cpd" / "x.yaml"))})


def test_kept_models_are_taken_again_only_for_unchanged_files(demo_copy):
    """Same kind, path, shown path and content: the same model object; otherwise made again."""
    from datetime import date

    kept = KeptModels()
    as_of = date.fromisoformat(AS_OF)
    first = check(demo_copy, as_of, kept=kept).records
    total = kept.made
    assert total == sum(len(records) for records in first.by_kind.values()) > 100
    changed = "cpd/amara-okafor/2025-01-23-data-security-awareness.yaml"
    replace(changed, "title: ", "title: Revised ")(demo_copy)
    second = check(demo_copy, as_of, kept=kept).records
    assert kept.made == 1
    before = {r.source.rel: r for records in first.by_kind.values() for r in records}
    after = {r.source.rel: r for records in second.by_kind.values() for r in records}
    assert after.keys() == before.keys()
    assert [rel for rel in after if after[rel] is not before[rel]] == [changed]
    assert after[changed].title.startswith("Revised ")
    check(demo_copy, as_of, "shown/elsewhere", kept=kept)  # shown by another path: every message would differ
    assert kept.made == total
