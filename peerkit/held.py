"""``peerkit held FILE``: a planned meeting happened; record it with its check-in, check-out and debrief.

The coordinator records a meeting ahead (``peerkit new meeting --planned``)
so that they know when and where it happens; afterwards this command sets
``status: held`` and adds what the after-meeting rules ask for, as a small
edit of the file (:mod:`peerkit.edit`): comments, blank lines and the order
of the fields stay, and the new fields go where the schema puts them.

Before anything is written the edited record is checked the way ``peerkit
check`` would check it (the whole tree, this file replaced in memory); an
error refuses the edit and leaves the file exactly as it was.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .codes import problem
from .discover import RecordFile, display_path
from .edit import EditError, plan, replace_file
from .model import HELD, PLANNED
from .places import PlaceError, records_of_file, shown
from .problems import ERROR, Problem
from .validate import schema


class HeldError(Exception):
    """The meeting cannot be marked held; ``problems`` say why, and nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.message for p in problems))
        self.problems = problems


def changes(values: dict[str, Any], today: date) -> dict[str, Any]:
    """The fields to set, from the command's values (only those given; a debrief dated today by default)."""
    out: dict[str, Any] = {"status": HELD}
    lone = {"checked_in": values.get("checked_in"), "checked_out": values.get("checked_out"),
            "with": values.get("with_whom"), "escalated": True if values.get("escalated") else None}
    if any(value is not None for value in lone.values()):
        out["lone_working"] = {name: value for name, value in lone.items() if value is not None}
    debrief = {"method": values.get("debrief_method"), "concern": values.get("concern"),
               "notes": values.get("debrief_notes")}
    if values.get("debrief_date") or any(v is not None for v in debrief.values()):
        given = {name: value for name, value in debrief.items() if value is not None}
        out["debrief"] = {"date": values.get("debrief_date") or today, **given}
    for name, field in (("attendance", "attendance"), ("ground_rules", "ground_rules_revisited")):
        if values.get(name) is not None:
            out[field] = values[name]
    return out


def _order() -> tuple[str, ...]:
    """The schema's order of a meeting's fields (peerkit.edit reads the order inside them)."""
    return tuple(schema("meeting")["properties"])


def mark_held(path: Path, values: dict[str, Any], today: date, cwd: Path | None = None) -> tuple[str, list[Problem]]:
    """Mark the planned meeting in ``path`` held; return its path as shown and check's warnings about it.

    Raises :class:`HeldError` (writing nothing) when it is not a planned
    meeting, cannot be edited safely, or the edited record would have errors.
    """
    root, rel, display, root_display = _locate(path, cwd or Path.cwd())
    from .pipeline import load_record

    raw = path.read_bytes()
    loaded = load_record(RecordFile("meeting", str(path), rel, display), raw)
    if not loaded.ok:
        raise HeldError([p for p in loaded.problems if p.severity == ERROR])
    data, _ = loaded.content()
    status = data.get("status", HELD)
    if status != PLANNED:
        raise HeldError([loaded.problem(("status",), "not-planned",
                                        f"this meeting is {status}{' (the default)' if 'status' not in data else ''}, "
                                        f"not planned: only a planned meeting can be marked held; edit the file "
                                        f"to change a meeting already recorded")])
    if date.fromisoformat(data["date"]) > today:
        raise HeldError([loaded.problem(("date",), "future-date",
                                        f"this meeting is planned for {data['date']}, after today ({today}); "
                                        f"mark it held on or after its day")])
    try:
        edit = plan(path, rel, display, changes(values, today), _order(), kind="meeting")
    except EditError as exc:
        raise HeldError([loaded.problem(exc.field, "cannot-edit", str(exc))]) from None
    found = _check(root, rel, edit.text, today, root_display)
    errors = [p for p in found if p.severity == ERROR]
    if errors:
        raise HeldError(errors)
    try:
        replace_file(path, edit.old, edit.text)
    except (EditError, OSError) as exc:
        raise HeldError([problem(display, 1, 1, "cannot-edit", f"{exc}; nothing was written")]) from None
    return display, found


def _locate(path: Path, cwd: Path) -> tuple[Path, str, str, str]:
    """(records folder, path inside it, path as shown, folder as shown); only meetings qualify."""
    display = path.as_posix()
    try:
        root = records_of_file(path)
    except PlaceError as exc:
        raise HeldError([problem(display, 1, 1, "not-planned", str(exc))]) from None
    rel = path.resolve().relative_to(root).as_posix()
    root_display = root.as_posix() if path.is_absolute() else shown(root, cwd)  # as the user named the file
    display = display_path(root_display, rel)
    parts = rel.split("/")
    if path.is_symlink() or parts[0] != "meetings" or len(parts) != 3 or not rel.endswith((".yaml", ".yml")):
        raise HeldError([problem(display, 1, 1, "not-planned",
                                 "not a meeting record: planned meetings live in meetings/<YYYY>/<date>-<slug>.yaml "
                                 "(peerkit new meeting --planned writes one)")])
    return root, rel, display, root_display


def _check(root: Path, rel: str, text: str, today: date, root_display: str) -> list[Problem]:
    from .new import problems

    return problems("meeting", rel, text, root, today, root_display=root_display, replacing=True)
