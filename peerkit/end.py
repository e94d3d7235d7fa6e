"""``peerkit end MATCH``: end a peer-support relationship, in its own file.

Finds the match by id (or path), refuses one that is not valid or already
ended, sets ``status: ended`` on its line and adds ``ended`` and ``ending``
in the schema's order (:mod:`peerkit.edit`: comments and field order kept),
checks the result as ``peerkit check`` would, and only then replaces the file.
Nothing else is ever written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .edit import EditError, plan, replace_file
from .problems import ERROR, Problem


class EndError(Exception):
    """The match cannot be ended as asked; nothing was changed."""


@dataclass(frozen=True)
class Refused(Exception):
    """The ended match would not pass ``peerkit check``: its errors, as check prints them."""

    problems: tuple[Problem, ...]


def find_match(root: Path, reference: str) -> Path:
    """The file of match ``reference``: an id (``2025-007``) or a path to the file."""
    folder = root / "matches"
    given = Path(reference)
    if reference.endswith((".yaml", ".yml")) or "/" in reference:
        for candidate in (root / given, given):
            if candidate.is_file() and folder.resolve() in candidate.resolve().parents:
                return _not_a_link(candidate)
        raise EndError(f"{reference} is not a match file in {folder.as_posix()}/; give a match id or its file")
    found = sorted(folder.glob(f"*/{reference}.y*ml")) if folder.is_dir() and _plain_id(reference) else []
    if len(found) > 1:
        raise EndError(f"match '{reference}' has {len(found)} files ({', '.join(p.as_posix() for p in found)}); "
                       f"ids must be unique: fix that first (peerkit check)")
    if not found:
        from .rules import did_you_mean, listing

        known = sorted(p.stem for p in folder.glob("*/*.y*ml")) if folder.is_dir() else []
        raise EndError(f"no match '{reference}' in {folder.as_posix()}/; {did_you_mean(reference, known)}"
                       f"known ids: {listing(known) or 'none yet (peerkit new match)'}")
    return _not_a_link(found[0])


def _not_a_link(path: Path) -> Path:
    if path.is_symlink():
        raise EndError(f"{path.as_posix()} is a link; peerkit edits only real record files")
    return path


def _plain_id(text: str) -> bool:
    """An id as the schema allows it: no glob characters, no path."""
    import re

    return re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", text) is not None


def end_match(root: Path, reference: str, reason: str, day: date, today: date, *,
              next_steps: str | None = None, signposted_to: tuple[str, ...] = ()) -> tuple[Path, list[Problem]]:
    """End the match; return its file and check's warnings about it.

    Raises :class:`EndError` or :class:`Refused`, changing nothing, when it cannot be ended.
    """
    from .validate import schema

    path = find_match(root, reference)
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    display = _display(root, rel)
    ending: dict[str, Any] = {"reason": reason}
    if next_steps and next_steps.strip():
        ending["next_steps"] = next_steps.strip() + ("\n" if "\n" in next_steps.strip() else "")
    if signposted_to:
        ending["signposted_to"] = list(dict.fromkeys(s.strip() for s in signposted_to if s.strip()))
    order = list(schema("match")["properties"])
    _refuse_ended(path.read_bytes(), path, rel, display)
    try:
        edit = plan(path, rel, display, {"status": "ended", "ended": day, "ending": ending}, order)
    except EditError as exc:
        raise EndError(str(exc)) from None
    found = _problems(root, rel, edit.text, today)
    errors = tuple(p for p in found if p.severity == ERROR)
    if errors:
        raise Refused(errors)
    try:
        replace_file(path, edit.old, edit.text)
    except EditError as exc:
        raise EndError(str(exc)) from None
    return path, [p for p in found if p.severity != ERROR]


def _refuse_ended(old: bytes, path: Path, rel: str, display: str) -> None:
    """An ended match is history: ``end`` never replaces its date or reason."""
    from .loader import load_file

    data = load_file(str(path), rel, display, old).data
    if not isinstance(data, dict):
        return  # not loadable: plan() refuses it, saying so
    if data.get("status") == "ended" or "ended" in data or "ending" in data:
        when = f" on {data['ended']}" if data.get("ended") else ""
        raise EndError(f"match {data.get('id', path.stem)} has already ended{when}; nothing was changed "
                       f"(edit {display} by hand to correct it)")


def _display(root: Path, rel: str) -> str:
    from .discover import display_path

    return display_path(root.as_posix().rstrip("/") or ".", rel)


def _problems(root: Path, rel: str, text: str, today: date) -> list[Problem]:
    """What ``peerkit check`` would say of the file at ``rel`` if it held ``text``."""
    from .pipeline import check, load_record

    raw = text.encode("utf-8")

    def load(files):
        return [load_record(f, raw if f.rel == rel else None) for f in files]

    display = _display(root, rel)
    result = check(root, today, root.as_posix().rstrip("/") or ".", load=load)
    return [p for p in result.problems if p.path == display]
