"""Find the record files of a records folder and tell which kind each one is.

The layout is the contract of design.md::

    programme.yaml
    supporters/<id>.yaml
    meetings/<YYYY>/<YYYY-MM-DD>-<slug>.yaml
    supervision/<YYYY>/<YYYY-MM-DD>-<slug>.yaml
    cpd/<supporter-id>/<YYYY-MM-DD>-<slug>.yaml
    evidence/...            (certificates; not records)

Hidden files and folders are skipped (``.git``, editor swap files), and so is
anything that is not YAML, with a note when it sits among the records.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .kinds import BY_FOLDER
from .codes import problem
from .problems import Problem, printable

YAML_SUFFIXES = (".yaml", ".yml")
IGNORED_FOLDERS = {"evidence", "site", "node_modules", "__pycache__"}


_FOLDERS = [f"{folder}/" for folder in BY_FOLDER]
_PLACES = ", ".join(["programme.yaml", *_FOLDERS[:-1]]) + f" and {_FOLDERS[-1]}"


@dataclass(frozen=True)
class RecordFile:
    kind: str
    path: str
    rel: str  # POSIX path inside the records folder
    display: str  # as shown to the user


def display_path(root_display: str, rel: str) -> str:
    """Join the records folder as the user named it with a path inside it."""
    if root_display in ("", "."):
        return printable(rel)
    return printable(root_display.rstrip("/") + "/" + rel)


def discover(root: Path, root_display: str) -> tuple[list[RecordFile], list[Problem]]:
    """Every record file under ``root`` (sorted), and notes on what was skipped."""
    files: list[RecordFile] = []
    problems: list[Problem] = []
    real_root = root.resolve()
    for entry, rel in _walk(str(root), ""):
        display = display_path(root_display, rel)
        if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
            odd = _odd_entry(entry, real_root)
            if odd == "folder":
                if rel.split("/", 1)[0] in BY_FOLDER:
                    problems.append(problem(display, 1, 1, "skipped",
                                            "a link to a folder; linked folders are not followed, "
                                            "so nothing in it is read"))
                continue
            if odd is not None and entry.name.endswith(YAML_SUFFIXES):
                problems.append(problem(display, 1, 1, *odd))
                continue
        if not entry.name.endswith(YAML_SUFFIXES):
            if rel.split("/", 1)[0] in BY_FOLDER:
                problems.append(problem(display, 1, 1, "skipped", "not a .yaml file, so not read"))
            continue
        kind = _kind(rel)
        if kind is None:
            problems.append(problem(display, 1, 1, "unknown-location",
                                    "not a place for records, so not checked; records live in " + _PLACES))
            continue
        files.append(RecordFile(kind, entry.path, rel, display))
    if not any(f.kind == "programme" for f in files):
        problems.append(problem(display_path(root_display, "programme.yaml"), 1, 1, "no-programme",
                                "there is no programme.yaml in the records folder; "
                                "create one (peerkit init makes a starter)"))
    return files, problems


def _walk(folder: str, rel_dir: str) -> Iterator[tuple[os.DirEntry, str]]:
    """(entry, POSIX path inside the records) of every visible file, sorted, depth first.

    os.scandir gives file types without a stat per file; linked folders are
    not followed, and hidden files and folders (.git, editor swap files) are skipped.
    """
    with os.scandir(folder) as scan:
        entries = sorted((e for e in scan if not e.name.startswith(".")), key=lambda e: e.name)
    for entry in entries:
        rel = f"{rel_dir}{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            if not (rel_dir == "" and entry.name in IGNORED_FOLDERS):
                yield from _walk(entry.path, rel + "/")
        else:  # files, and links, pipes and the like: discover() sorts them out
            yield entry, rel


def _odd_entry(entry: os.DirEntry, real_root: Path) -> str | tuple[str, str] | None:
    """For a link or a special file: "folder", (code, message) if it must not be read, or None."""
    try:
        target = Path(entry.path).resolve(strict=True)
        is_dir, regular = target.is_dir(), target.is_file()
    except (OSError, RuntimeError):  # missing target, or a link loop
        return ("unreadable", "a link that leads nowhere (its target is missing, or it links to itself)")
    if is_dir:
        return "folder"
    if entry.is_symlink() and not _inside(target, real_root):
        return ("outside-records",
                "this file is a link to a place outside the records folder; copy the record in instead")
    if not regular:  # reading a named pipe would wait forever
        return ("unreadable", "not a regular file (a named pipe, socket or device), so not read")
    return None


def stem(rel: str) -> str:
    """``meetings/2025/2025-03-04-x.yaml`` -> ``2025-03-04-x`` (cheaper than pathlib in hot loops)."""
    return rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def kind_of(rel: str) -> str | None:
    """The kind of record at ``rel`` (a POSIX path inside the records folder), or None."""
    return _kind(rel)


def _kind(rel: str) -> str | None:
    parts = rel.split("/")
    if len(parts) == 1:
        return "programme" if parts[0] in ("programme.yaml", "programme.yml") else None
    kind = BY_FOLDER.get(parts[0])
    if kind is None or (kind.flat and len(parts) != 2):
        return None
    return kind.name


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
