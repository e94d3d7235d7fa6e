"""Which commit a site was built from, and when git last saw each record change.

Safeguarding records need to show when they were written, and a dashboard
printed for a meeting needs to say which state of the records it shows. Both
come from git, when there is one: the commit checked out (and "uncommitted
changes" when the records differ from it), and per record file the author
date of the last commit that changed it, read in ONE ``git log`` pass over the
whole records folder (one call per file would take minutes on a large tree).
Without git, or outside a repository, there is no provenance: the pages say
nothing about it and the supporter pages have no such column.

The records folder may come from anyone, so git runs without its optional
index writes and with ``core.fsmonitor`` off (a repository's own configuration
could otherwise name a program for ``git status`` to run).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Mapping

_TIMEOUT = 60
_GIT = ("git", "--no-pager", "--no-optional-locks", "-c", "core.fsmonitor=false", "-c", "core.quotepath=off")


@dataclass(frozen=True)
class Provenance:
    """The commit the records are at, whether they differ from it, and each file's last change."""

    commit: str
    dirty: bool
    changed: Mapping[str, date] = field(default_factory=dict)  # POSIX path inside the records -> date
    uncommitted: frozenset[str] = frozenset()  # paths that differ from the commit (or are new)

    @property
    def short(self) -> str:
        return self.commit[:12]

    def last_changed(self, rel: str) -> date | str | None:
        """The date git last saw ``rel`` change, "uncommitted" when it differs from the commit, or None."""
        if rel in self.uncommitted:
            return "uncommitted"
        return self.changed.get(rel)

    @property
    def words(self) -> str:
        """E.g. ``commit 1a2b3c4d5e6f, with uncommitted changes``."""
        return f"commit {self.short}" + (", with uncommitted changes" if self.dirty else "")


def _git(root: Path, *args: str) -> str | None:
    """The output of ``git ARGS`` run in ``root``, or None when git is missing or fails."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run([*_GIT, "-C", str(root), *args], capture_output=True, timeout=_TIMEOUT,
                              check=False, env=env, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "surrogateescape")


def provenance(root: Path) -> Provenance | None:
    """The records' provenance from git, or None without git, a repository or a commit."""
    head = _git(root, "rev-parse", "--show-prefix", "--verify", "HEAD")
    if head is None:
        return None
    prefix, _, commit = head.strip("\n").rpartition("\n")
    if len(commit) < 40:
        return None
    status = _git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", ".")
    uncommitted = frozenset(_status_paths(status or "", prefix))
    log = _git(root, "log", "--format=%x1e%as", "--name-only", "--no-renames", "-z", "--relative", "--", ".")
    return Provenance(commit, bool(uncommitted), _last_changes(log or ""), uncommitted)


def _status_paths(status: str, prefix: str) -> list[str]:
    """Paths inside the records of ``git status --porcelain -z`` (given from the repository's top)."""
    paths = []
    entries = status.split("\0")
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        if entry[0] in "RC":  # a rename or copy: the next entry is where it came from
            index += 1
        path = entry[3:]
        if path.startswith(prefix):
            paths.append(path[len(prefix):])
    return paths


def _last_changes(log: str) -> dict[str, date]:
    """path -> date of the newest commit that changed it, from one ``git log --name-only -z``."""
    changed: dict[str, date] = {}
    for commit in log.split("\x1e")[1:]:
        day, _, names = commit.partition("\0")
        try:
            when = date.fromisoformat(day.strip())
        except ValueError:
            continue
        for name in names.strip("\n").split("\0"):
            name = name.strip("\n")
            if name and name not in changed:  # newest first: the first time a path shows is its last change
                changed[name] = when
    return changed
