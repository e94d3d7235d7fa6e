"""pre-commit with real ``git`` and real ``pre-commit`` on a repository made by ``peerkit init``:
a good record is committed, a broken one stops the commit with its problem line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import write

REPO = Path(__file__).resolve().parent.parent


def require_tools() -> None:
    """Skip locally without git or pre-commit; in CI (which installs the test extra) fail instead."""
    import importlib.util

    missing = [name for name, found in (("git", shutil.which("git")),
                                        ("pre-commit", importlib.util.find_spec("pre_commit"))) if not found]
    if missing:
        message = f"needs {' and '.join(missing)} (pre-commit is in the test extra: pip install '.[test]')"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)

GOOD = """
    id: zoe-ng
    name: Zoe Ng
    status: in-training
    joined: 2025-01-06
"""
BROKEN = """
    id: yusuf-ali
    name: Yusuf Ali
    status: actve
    joined: 2025-01-06
"""


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """``peerkit init``, ``git init``, ``pre-commit install``; ``peerkit`` on PATH as a user would have it."""
    require_tools()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    peerkit = bin_dir / "peerkit"
    peerkit.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m peerkit "$@"\n', encoding="utf-8")
    peerkit.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
           "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_AUTHOR_NAME": "Coordinator", "GIT_AUTHOR_EMAIL": "coordinator@example.org",
           "GIT_COMMITTER_NAME": "Coordinator", "GIT_COMMITTER_EMAIL": "coordinator@example.org"}
    root = tmp_path / "our-records"
    shell(["peerkit", "init", str(root)], tmp_path, env)
    shell(["git", "init", "-q", "-b", "main"], root, env)
    shell([sys.executable, "-m", "pre_commit", "install"], root, env)
    return root, env


def shell(args: list[str], cwd: Path, env: dict[str, str], ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if ok:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def commit(root: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess:
    shell(["git", "add", "-A"], root, env)
    return shell(["git", "commit", "-q", "-m", message], root, env, ok=False)


def head(root: Path, env: dict[str, str]) -> str:
    return shell(["git", "rev-parse", "HEAD"], root, env).stdout.strip()


def test_init_hook_without_filenames_stops_a_broken_commit(repo) -> None:
    root, env = repo
    hooks = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    [hook] = [h for h in hooks if h["id"] == "peerkit-check"]  # after peerkit-fmt (tests/test_fmt.py)
    assert hook["pass_filenames"] is False and hook["entry"] == "peerkit check ."

    first = commit(root, env, "Start records")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "peerkit check" in first.stdout + first.stderr and "Passed" in first.stdout + first.stderr

    write(root / "supporters/zoe-ng.yaml", GOOD)
    assert commit(root, env, "Zoe joins").returncode == 0
    before = head(root, env)

    write(root / "supporters/yusuf-ali.yaml", BROKEN)
    refused = commit(root, env, "Yusuf joins")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "supporters/yusuf-ali.yaml:3:1: error: bad-value status is 'actve'" in output
    assert "did you mean 'active'?" in output
    assert head(root, env) == before  # nothing was committed


def test_hook_with_filenames_checks_the_staged_files(repo) -> None:
    root, env = repo
    config = root / ".pre-commit-config.yaml"
    settings = yaml.safe_load(config.read_text())
    [check] = [h for h in settings["repos"][0]["hooks"] if h["id"] == "peerkit-check"]
    check.update(entry="peerkit check", pass_filenames=True)
    config.write_text(yaml.safe_dump(settings, sort_keys=False))
    assert commit(root, env, "Start records").returncode == 0

    write(root / "supporters/zoe-ng.yaml", GOOD)
    assert commit(root, env, "Zoe joins").returncode == 0
    before = head(root, env)

    write(root / "supporters/yusuf-ali.yaml", BROKEN)
    refused = commit(root, env, "Yusuf joins")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "supporters/yusuf-ali.yaml:3:1: error: bad-value" in output
    assert "checked 1 file" in output  # only the staged file's problems are shown
    assert head(root, env) == before
