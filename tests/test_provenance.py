"""Provenance: the commit a site was built from, and when git last saw each record change."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from browser import chromium_page, screenshot
from conftest import run

AS_OF = "2025-06-30"
GIT_ENV = {"GIT_AUTHOR_NAME": "Jo Hill", "GIT_AUTHOR_EMAIL": "jo@example.org", "GIT_COMMITTER_NAME": "Jo Hill",
           "GIT_COMMITTER_EMAIL": "jo@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
MEETING = "meetings/2025/2025-03-04-one-to-one-dk.yaml"


def git(folder: Path, *args: str, when: str = "2025-04-01T10:00:00") -> str:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, env=env, check=True)
    return done.stdout.strip()


@pytest.fixture
def repository(records: Path) -> Path:
    """The test records as a git repository: all committed on 1 April, one meeting changed on 2 May."""
    (records / ".gitignore").write_text("site/\n.peerkit-cache/\n")
    git(records, "init", "-q", "-b", "main")
    git(records, "add", "-A")
    git(records, "commit", "-q", "-m", "Start records")
    meeting = records / MEETING
    meeting.write_text(meeting.read_text().replace("duration_minutes: 60", "duration_minutes: 50"))
    git(records, "commit", "-q", "-am", "Correct the duration", when="2025-05-02T09:30:00")
    return records


def build(records: Path) -> Path:
    exit_code, output = run("build", records, "-o", records / "site", "--no-pdf", "--as-of", AS_OF)
    assert exit_code == 0, output
    return records / "site"


def history_dates(page: str) -> dict[str, str]:
    """The history table's 'last changed in git' cell per record file shown on a supporter page."""
    rows = re.findall(r'<div class="path">([^<]+)</div></td>\n<td data-sort="[^"]*">([^<]+)</td>', page)
    return {path.rsplit("/records/", 1)[1]: when for path, when in rows}


def test_pages_name_the_commit_and_each_record_s_last_change(repository):
    commit = git(repository, "rev-parse", "HEAD")[:12]
    site = build(repository)
    dashboard = (site / "index.html").read_text()
    assert f"built from commit {commit}. Confidential" in dashboard
    page = (site / "supporters/amara-okafor.html").read_text()
    assert f"built from commit {commit}. Confidential" in page
    assert '<th scope="col">Last changed in git</th>' in page
    assert history_dates(page) == {MEETING: "2 May 2025",
                                   "meetings/2025/2025-03-10-wellbeing-group.yaml": "1 Apr 2025",
                                   "supervision/2025/2025-03-20-amara-okafor.yaml": "1 Apr 2025",
                                   "cpd/amara-okafor/2025-04-10-safeguarding-refresher.yaml": "1 Apr 2025"}
    assert "supporters/amara-okafor.yaml, last changed in git 1 Apr 2025" in page
    portfolio = (site / "portfolios/amara-okafor/index.html").read_text()
    assert f"(commit {commit})." in portfolio


def test_uncommitted_changes_are_said(repository):
    meeting = repository / MEETING
    meeting.write_text(meeting.read_text().replace("duration_minutes: 50", "duration_minutes: 55"))
    site = build(repository)
    commit = git(repository, "rev-parse", "HEAD")[:12]
    assert f"built from commit {commit}, with uncommitted changes." in (site / "index.html").read_text()
    page = (site / "supporters/amara-okafor.html").read_text()
    assert history_dates(page)[MEETING] == "uncommitted changes"
    assert f"(commit {commit}, with uncommitted changes)." in (site / "portfolios/amara-okafor/index.html").read_text()


def test_one_git_log_for_the_whole_tree(repository, monkeypatch):
    calls: list[list[str]] = []
    real = subprocess.run

    def spy(args, *rest, **kwargs):
        calls.append(list(args))
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    build(repository)
    git_calls = [c for c in calls if c[0] == "git"]
    assert [c for c in git_calls if "log" in c] and len([c for c in git_calls if "log" in c]) == 1
    assert len(git_calls) <= 4, git_calls  # rev-parse, status, log (and check-ignore for -o)


def test_without_git_there_is_no_provenance(repository, tmp_path):
    assert "Last changed in git" in (build(repository) / "supporters/amara-okafor.html").read_text()
    records = tmp_path / "copy"
    shutil.copytree(repository, records, ignore=shutil.ignore_patterns(".git", "site"))
    site = build(records)
    page = (site / "supporters/amara-okafor.html").read_text()
    assert "Last changed in git" not in page and "built from" not in page
    assert "built from" not in (site / "index.html").read_text()
    assert "(commit" not in (site / "portfolios/amara-okafor/index.html").read_text()


@pytest.mark.browser
def test_the_column_reads_well_in_chromium(repository):
    site = build(repository)
    with chromium_page() as (page, console, errors):
        page.goto((site / "supporters/amara-okafor.html").as_uri())
        header = page.locator("#history th").all_inner_texts()
        assert header == ["Date", "Record", "Details", "Last changed in git"]
        assert page.locator("footer.site").inner_text().startswith("Made by peerkit")
        screenshot(page, "provenance-supporter.png")
        assert not errors

