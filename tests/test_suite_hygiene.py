"""The test suite's own footing: tests keep out of the user's home and out of the repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF

pytest_plugins = ["pytester"]


def test_a_peerkit_started_by_a_test_keeps_its_cache_secret_in_the_tests_own_home(records: Path,
                                                                                  private_home: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "peerkit", "check", str(records), "--as-of", AS_OF],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert os.environ["HOME"] == str(private_home)
    assert (private_home / ".cache/peerkit/cache-secret").is_file()


def test_a_test_that_leaves_a_cache_in_the_demo_records_fails(pytester: pytest.Pytester) -> None:
    """Run this suite's conftest.py in a scratch repository whose test writes records/.peerkit-cache."""
    (pytester.path / "records").mkdir()
    tests = pytester.path / "tests"
    tests.mkdir()
    (tests / "conftest.py").write_text((Path(__file__).parent / "conftest.py").read_text())
    (tests / "test_leaves_a_cache.py").write_text(
        "from conftest import REPO_CACHE\n\n"
        "def test_writes():\n    REPO_CACHE.mkdir()\n\n"
        "def test_after():\n    pass\n")
    result = pytester.runpytest_subprocess(tests, "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)  # the culprit only: the cache is removed after it
    result.stdout.fnmatch_lines(["*Failed: this test wrote records/.peerkit-cache*", "ERROR *::test_writes - *"])
    assert not (pytester.path / "records/.peerkit-cache").exists()
