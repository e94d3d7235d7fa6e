"""Where the records are, and where outputs may go.

Records are found as git finds its repository: the folder named on the
command line, else the nearest folder upwards holding ``programme.yaml``,
else ``records/`` below the current folder. Outputs (sites, portfolios,
CSV) never land where ``git add -A`` would commit them by accident: inside
the records repository they go only under a git-ignored folder.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

PROGRAMME = "programme.yaml"
# Folders inside a records repository that `peerkit init`'s .gitignore ignores.
IGNORED_OUTPUTS = ("site", "outbox")


class PlaceError(Exception):
    """No records where asked, or an output where it must not go; the message says what to do."""


@dataclass(frozen=True)
class Found:
    root: Path
    display: str  # as problems name it: relative to the current folder where possible
    note: str | None  # said on stderr when peerkit chose the folder itself


def shown(path: Path, cwd: Path) -> str:
    """``path`` as the user would type it from ``cwd``."""
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # another drive
        return path.as_posix()
    return Path(rel).as_posix() if not rel.startswith("../../..") else path.as_posix()


def find_records(given: Path | None, cwd: Path | None = None) -> Found:
    """The records folder: ``given``, else found from ``cwd`` upwards, else ``records/``."""
    cwd = cwd or Path.cwd()
    if given is not None:
        if not given.is_dir():
            what = "is a file" if given.exists() else "does not exist"
            raise PlaceError(f"'{given}' {what}; give the records folder (the one holding {PROGRAMME})")
        return Found(given, given.as_posix().rstrip("/") or ".", None)
    for folder in (cwd, *cwd.parents):
        if (folder / PROGRAMME).is_file():
            display = shown(folder, cwd)
            return Found(folder, display, f"using the records in {display} (nearest {PROGRAMME} upwards)")
    if (cwd / "records").is_dir():
        return Found(cwd / "records", "records", "using the records in records/")
    raise PlaceError(f"no records here: no {PROGRAMME} in {cwd} or any folder above it, and no records/ "
                     f"folder; give the records folder, or start one with: peerkit init DIR")


def records_of_file(path: Path) -> Path:
    """The records folder holding ``path``: the nearest folder upwards with programme.yaml."""
    for folder in path.resolve().parents:
        if (folder / PROGRAMME).is_file():
            return folder
    raise PlaceError(f"'{path}' is not inside a records folder (no {PROGRAMME} above it)")


def default_output(records_root: Path, name: str) -> Path:
    """Where an output goes without -o: ``name`` (site, outbox) at the top of the records' git
    repository, where init's .gitignore ignores it, whichever folder peerkit runs in; outside git,
    ``name`` in the current folder."""
    repo = _repository(records_root)
    if repo is None:
        return Path(name)
    return Path(shown(repo / name, Path.cwd()))


def check_output(out: Path, records_root: Path, folder: bool = True) -> None:
    """Refuse an output (a ``folder``, else a file) that ``git add -A`` in the records repository would pick up."""
    repo = _repository(records_root)
    if repo is None:
        return
    target = out.absolute().resolve()
    if target != repo and repo not in target.parents:
        return  # outside the repository
    # git matches `site/` only against folders: ask about a file inside a folder that may not exist yet
    ignored = _git_ignores(repo, target / "index.html" if folder else target)
    if ignored is None:  # no git to ask: trust the folders init's .gitignore ignores
        rel = target.relative_to(repo)
        ignored = bool(rel.parts) and rel.parts[0] in IGNORED_OUTPUTS
    if ignored:
        return
    raise PlaceError(f"{out} is inside the records repository {shown(repo, Path.cwd())}, where git would "
                     f"commit it with the records; write under outbox/ or site/ (git-ignored), or "
                     f"outside the repository")


def _repository(records_root: Path) -> Path | None:
    """The git repository holding the records (its top folder), or None outside git."""
    for folder in (records_root.resolve(), *records_root.resolve().parents):
        if (folder / ".git").exists():
            return folder
    return None


def _git_ignores(repo: Path, target: Path) -> bool | None:
    """Whether git ignores ``target`` (which need not exist yet); None when git cannot say."""
    try:
        done = subprocess.run(["git", "-C", str(repo), "check-ignore", "-q", "--no-index", str(target)],
                              capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return {0: True, 1: False}.get(done.returncode)
