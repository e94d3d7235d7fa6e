"""Time peerkit check and build against two baselines, on corpora of growing size.

    python benchmarks/run.py [--sizes 1000,20000,80000] [--runs 3] [--pdf-runs N]
                             [--peerkit DIR] [--workdir DIR]

For each size it writes (once, reused afterwards) a corpus with
benchmarks/generate.py, then runs every command ``--runs`` times in a fresh
process and prints the median wall time and the peak memory:

* floor            a bare loop that reads and parses every file with yaml.CSafeLoader
* peerkit check    cold: no cache
* peerkit check    warm: a second run over the unchanged tree (content-hash cache)
* peerkit build    dashboard and every portfolio, HTML only (--no-pdf), cold cache
* build with PDFs  everything, every PDF, cold: no cache and no previous site
* one-file rebuild build again after one CPD entry's title changed (the previous site in place)
* serve rebuild    the same, in ``peerkit serve``'s warm build worker (peerkit.warm), timed from
                   the request to the answer; memory is the worker's while it builds
* check-jsonschema the same files against the same schemas (pip install check-jsonschema)

Peak memory is that of the whole process tree (peerkit and any worker processes
it starts, sampled every 50 ms, as proportional set size on Linux, which counts
memory shared between processes once), so a build that spreads over several
processes cannot look smaller than it is.

The one-file rebuild reuses what the last cold build left: the site, the
records' cache, the kept PDFs. Commands run with their own user cache folder
(``WORKDIR/home-cache``), in ``--workdir``: ``python -m`` would take a peerkit
in the current folder before the one asked for.

Then the ratios the targets are written in. Runs ``python -m peerkit`` with
this python, from the source folder holding this script, or the one given as
``--peerkit`` (e.g. an older checkout, for a before/after table).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMAS = HERE.parent / "schemas"
AS_OF = "2026-11-20"
FLOOR = """
import sys, pathlib, yaml
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""
KIND_FOLDERS = {"supporters": "supporter", "meetings": "meeting", "supervision": "supervision", "cpd": "cpd"}


PEERKIT: Path = HERE.parent  # the source folder peerkit runs from (--peerkit)
ENV: dict[str, str] | None = None  # the environment commands run in (--peerkit sets PYTHONPATH)
CWD: Path | None = None  # a folder with no peerkit in it: `python -m` looks in the current folder first


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux /proc; just ``pid`` elsewhere)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as f:
                    todo.extend(int(child) for child in f.read().split())
        except OSError:
            continue
    return found


def _memory_kib(pid: int) -> int:
    """A process's proportional set size (shared pages split between their users), else its RSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError):
        return 0


class TreeMemory(threading.Thread):
    """Samples the memory of a process and all its descendants until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak_kib = max(self.peak_kib, sum(_memory_kib(p) for p in _descendants(self.pid)))


def measure(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak memory in MiB of the process tree) of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, cwd=CWD)
    sampler = TreeMemory(process.pid)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[:4])}... failed with {process.returncode}")
    # ru_maxrss: the largest single process, a floor for the tree in case sampling missed a peak
    return elapsed, max(sampler.peak_kib, usage.ru_maxrss) / 1024


def measure_many(commands: list[list[str]]) -> tuple[float, float]:
    """Several commands run one after another, as one measurement (time summed, memory max)."""
    results = [measure(c) for c in commands]
    return sum(t for t, _ in results), max(m for _, m in results)


def median_of(runs: int, thunk) -> tuple[float, float]:
    results = [thunk() for _ in range(runs)]
    return statistics.median(t for t, _ in results), max(m for _, m in results)


def corpus(workdir: Path, size: int) -> Path:
    target = workdir / f"corpus-{size}"
    if not (target / "programme.yaml").exists():
        if target.exists():
            shutil.rmtree(target)
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--files", str(size), "--seed", "1",
                        str(target)], check=True, stdout=subprocess.DEVNULL)
    return target


def check_jsonschema_commands(records: Path) -> list[list[str]] | None:
    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    if not Path(exe).exists():
        return None
    commands = [[exe, "--schemafile", str(SCHEMAS / "programme.schema.json"), str(records / "programme.yaml")]]
    for folder, kind in KIND_FOLDERS.items():
        files = sorted(str(p) for p in (records / folder).rglob("*.yaml"))
        for i in range(0, len(files), 2000):  # stay under the argument-length limit
            commands.append([exe, "--schemafile", str(SCHEMAS / f"{kind}.schema.json"), *files[i:i + 2000]])
    return commands


def one_cpd_file(records: Path) -> Path:
    """The CPD entry the one-file rebuild edits: the same one every run."""
    entries = sorted((records / "cpd").rglob("*.yaml"))
    return entries[len(entries) // 2]


def toggle_title(path: Path) -> None:
    """Change one record as a coordinator would: its title gains or loses ' (revised)'."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if line.startswith("title: "):
            lines[i] = line[:-len(" (revised)")] if line.endswith(" (revised)") else line + " (revised)"
            break
    path.write_text("\n".join(lines), encoding="utf-8")


def serve_rebuilds(records: Path, site: Path, edited: Path, runs: int) -> tuple[float, float] | None:
    """The one-file rebuild as ``peerkit serve`` makes it: in its warm build worker, already
    started and past its first build (None for a peerkit without one)."""
    if not (PEERKIT / "peerkit" / "warm.py").exists():
        return None
    worker = subprocess.Popen([sys.executable, "-m", "peerkit.warm"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, env=ENV, cwd=CWD)
    assert worker.stdin is not None and worker.stdout is not None
    request = json.dumps({"args": [str(records), "-o", str(site), "--as-of", AS_OF]}) + "\n"

    def ask() -> None:
        worker.stdin.write(request)
        worker.stdin.flush()
        answer = json.loads(worker.stdout.readline() or "null")
        if not answer or answer["status"] != 0:
            raise SystemExit(f"the warm worker's build failed: {answer}")

    def one() -> tuple[float, float]:
        toggle_title(edited)
        sampler = TreeMemory(worker.pid)
        sampler.start()
        start = time.perf_counter()
        ask()
        elapsed = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        time.sleep(2)  # the worker tidies between builds, as it does between saves (serve waits 0.8 s for more)
        return elapsed, sampler.peak_kib / 1024

    try:
        ask()  # its first build: everything read once
        time.sleep(2)
        return median_of(runs, one)
    finally:
        worker.stdin.close()
        worker.wait()


def bench_size(records: Path, runs: int, pdf_runs: int) -> dict[str, tuple[float, float]]:
    peerkit = [sys.executable, "-m", "peerkit"]
    cache = records / ".peerkit-cache"
    out = Path(tempfile.mkdtemp(prefix="peerkit-bench-site-"))
    edited = one_cpd_file(records)
    original = edited.read_bytes()

    def cold_check():
        shutil.rmtree(cache, ignore_errors=True)
        return measure([*peerkit, "check", str(records), "--as-of", AS_OF])

    def warm_check():
        return measure([*peerkit, "check", str(records), "--as-of", AS_OF])

    def cold_build():
        shutil.rmtree(cache, ignore_errors=True)
        return measure([*peerkit, "build", str(records), "-o", str(out / "site"), "--no-pdf", "--as-of", AS_OF])

    def full_build():
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(ENV["XDG_CACHE_HOME"], ignore_errors=True)  # no PDF kept from an earlier build
        shutil.rmtree(out / "full", ignore_errors=True)
        return measure([*peerkit, "build", str(records), "-o", str(out / "full"), "--as-of", AS_OF])

    def one_file_rebuild():
        toggle_title(edited)
        return measure([*peerkit, "build", str(records), "-o", str(out / "full"), "--as-of", AS_OF])

    results = {
        "floor (parse only)": median_of(runs, lambda: measure([sys.executable, "-c", FLOOR, str(records)])),
        "peerkit check (cold)": median_of(runs, cold_check),
    }
    warm_check()  # fill the cache
    results["peerkit check (warm)"] = median_of(runs, warm_check)
    results["peerkit build --no-pdf"] = median_of(runs, cold_build)
    try:
        results["build with PDFs (cold)"] = median_of(pdf_runs, full_build)
        results["one-file rebuild"] = median_of(runs, one_file_rebuild)
        warm = serve_rebuilds(records, out / "full", edited, runs)
        if warm:
            results["serve rebuild (warm)"] = warm
    finally:
        edited.write_bytes(original)
    commands = check_jsonschema_commands(records)
    if commands:
        results["check-jsonschema"] = median_of(runs, lambda: measure_many(commands))
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,20000,80000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pdf-runs", type=int, default=None,
                        help="runs of the cold build with PDFs (default: --runs; it is the slow one)")
    parser.add_argument("--peerkit", type=Path, default=HERE.parent,
                        help="run peerkit from this source folder (default: the one holding this script)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "peerkit-bench")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    global ENV, CWD, PEERKIT
    PEERKIT = args.peerkit.resolve()
    # the user's cache folder (kept PDFs, the cache secret): the benchmark's own, emptied for cold builds
    ENV = {**os.environ, "PYTHONPATH": str(args.peerkit.resolve()), "XDG_CACHE_HOME": str(args.workdir / "home-cache")}
    CWD = args.workdir
    sizes = [int(s) for s in args.sizes.split(",")]
    table: dict[int, dict[str, tuple[float, float]]] = {}
    pdf_runs = args.pdf_runs or args.runs
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"median of {args.runs} runs ({pdf_runs} for the cold build with PDFs); {cores} cores; "
          f"Python {sys.version.split()[0]}; load average before: {os.getloadavg()[0]:.1f}\n")
    print(f"| files | {'command':<24} | wall s | peak MiB |")
    print(f"| ---: | {'---':<24} | ---: | ---: |")
    for size in sizes:
        records = corpus(args.workdir, size)
        files = sum(1 for _ in records.rglob("*.yaml"))
        table[size] = bench_size(records, args.runs, pdf_runs)
        for name, (seconds, mib) in table[size].items():
            print(f"| {files} | {name:<24} | {seconds:.2f} | {mib:.0f} |", flush=True)
    print()
    for size, r in table.items():
        floor = r["floor (parse only)"][0]
        check, warm, build = r["peerkit check (cold)"][0], r["peerkit check (warm)"][0], r["peerkit build --no-pdf"][0]
        line = (f"{size:>6} files: check/floor {check / floor:.2f} (target <= 2), "
                f"build/floor {build / floor:.2f} (<= 4), warm/cold {warm / check:.2f} (<= 0.25)")
        if "check-jsonschema" in r:
            line += f", check-jsonschema/check {r['check-jsonschema'][0] / check:.1f} (>= 3)"
        full, rebuild = r["build with PDFs (cold)"][0], r["one-file rebuild"][0]
        line += (f"\n{'':>13}build with PDFs/floor {full / floor:.1f} (<= 8), "
                 f"one-file rebuild/floor {rebuild / floor:.2f} (<= 0.5), "
                 f"peak memory with PDFs {max(r['build with PDFs (cold)'][1], r['one-file rebuild'][1]):.0f} MiB")
        if "serve rebuild (warm)" in r:
            line += f"\n{'':>13}serve rebuild/floor {r['serve rebuild (warm)'][0] / floor:.2f} (<= 0.5)"
        print(line)
    for small, large in zip(sizes, sizes[1:]):
        for name in ("peerkit check (cold)", "peerkit build --no-pdf", "build with PDFs (cold)"):
            growth = table[large][name][0] / table[small][name][0]
            print(f"{name}: {small} -> {large} files ({large / small:.0f}x) took {growth:.1f}x the time")


if __name__ == "__main__":
    main()
