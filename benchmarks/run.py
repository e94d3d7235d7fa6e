"""Time peerkit check and build against two baselines, on corpora of growing size.

    python benchmarks/run.py [--sizes 1000,10000,80000] [--runs 3] [--workdir DIR]

For each size it writes (once, reused afterwards) a corpus with
benchmarks/generate.py, then runs every command ``--runs`` times in a fresh
process and prints the median wall time and the peak memory (max RSS):

* floor            a bare loop that reads and parses every file with yaml.CSafeLoader
* peerkit check    cold: no cache
* peerkit check    warm: a second run over the unchanged tree (content-hash cache)
* peerkit build    dashboard and every portfolio, HTML only (--no-pdf), cold cache
* check-jsonschema the same files against the same schemas (pip install check-jsonschema)

Then the ratios the targets are written in. Needs the venv's python to have
peerkit installed (and check-jsonschema for its column).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
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


def measure(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB) of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[:4])}... failed with {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024


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


def bench_size(records: Path, runs: int) -> dict[str, tuple[float, float]]:
    peerkit = [sys.executable, "-m", "peerkit"]
    cache = records / ".peerkit-cache"
    out = Path(tempfile.mkdtemp(prefix="peerkit-bench-site-"))

    def cold_check():
        shutil.rmtree(cache, ignore_errors=True)
        return measure([*peerkit, "check", str(records), "--as-of", AS_OF])

    def warm_check():
        return measure([*peerkit, "check", str(records), "--as-of", AS_OF])

    def cold_build():
        shutil.rmtree(cache, ignore_errors=True)
        return measure([*peerkit, "build", str(records), "-o", str(out / "site"), "--no-pdf", "--as-of", AS_OF])

    results = {
        "floor (parse only)": median_of(runs, lambda: measure([sys.executable, "-c", FLOOR, str(records)])),
        "peerkit check (cold)": median_of(runs, cold_check),
    }
    warm_check()  # fill the cache
    results["peerkit check (warm)"] = median_of(runs, warm_check)
    results["peerkit build --no-pdf"] = median_of(runs, cold_build)
    commands = check_jsonschema_commands(records)
    if commands:
        results["check-jsonschema"] = median_of(runs, lambda: measure_many(commands))
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,80000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "peerkit-bench")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    table: dict[int, dict[str, tuple[float, float]]] = {}
    print(f"median of {args.runs} runs; {os.cpu_count()} cores; Python {sys.version.split()[0]}\n")
    print(f"| files | {'command':<24} | wall s | peak MiB |")
    print(f"| ---: | {'---':<24} | ---: | ---: |")
    for size in sizes:
        records = corpus(args.workdir, size)
        files = sum(1 for _ in records.rglob("*.yaml"))
        table[size] = bench_size(records, args.runs)
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
        print(line)
    for small, large in zip(sizes, sizes[1:]):
        for name in ("peerkit check (cold)", "peerkit build --no-pdf"):
            growth = table[large][name][0] / table[small][name][0]
            print(f"{name}: {small} -> {large} files ({large / small:.0f}x) took {growth:.1f}x the time")


if __name__ == "__main__":
    main()
