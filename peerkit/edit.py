"""Small in-place edits of one record file: set or add top-level fields, keep everything else.

A coordinator's file holds comments, blank lines and a field order that
reviewers read in diffs; rewriting it through a YAML dumper would lose them.
So an edit here changes only the lines it must: an existing single-line
value is replaced on its own line (a trailing comment stays), and new fields
are inserted as a block in the schema's order, before the first field that
follows them (and before the comments above that field), or at the end.

Every edit is proved before it is returned: the new text is parsed again and
must hold exactly the old data with the changes applied, or the edit is
refused. Writing replaces the file in one step (a temporary file renamed over
it), only if the file has not changed since it was read.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Mapping, Sequence

from .source import Positions

SCALARS = (str, int, float, bool, date)


class EditError(Exception):
    """The edit cannot be made safely; the file is left as it was."""


@dataclass(frozen=True)
class Edit:
    """A proved edit of one file: what it held, what it will hold, and the new data."""

    path: Path
    old: bytes
    text: str
    data: dict[str, Any]


def plan(path: Path, rel: str, display: str, changes: Mapping[str, Any], order: Sequence[str]) -> Edit:
    """The edit of ``path`` that sets ``changes``, parsed again and proved to change nothing else."""
    from .loader import load_file

    old = path.read_bytes()
    loaded = load_file(str(path), rel, display, old)
    if not loaded.ok or not isinstance(loaded.data, dict):
        raise EditError(f"{display} has errors; fix them first (peerkit check)")
    text = set_fields(old.decode("utf-8"), loaded.positions, changes, order)
    again = load_file(str(path), rel, display, text.encode("utf-8"))
    expected = {**loaded.data, **{name: _plain(value) for name, value in changes.items()}}
    if not again.ok or again.data != expected:
        raise EditError(f"peerkit could not edit {display} without changing something else; edit it by hand")
    return Edit(path, old, text, again.data)


def _plain(value: Any) -> Any:
    """``value`` as the loader reads it back: dates as ISO text, tuples as lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, str) else value


def set_fields(text: str, positions: Positions, changes: Mapping[str, Any], order: Sequence[str]) -> str:
    """``text`` with the top-level fields in ``changes`` set.

    ``positions`` are the file's field positions (from the loader), ``order``
    the schema's order of top-level fields. A field already in the file must
    be a one-line value (``status: active  # note``); others are added.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    keys = {path[0]: position for path, position in positions.items() if len(path) == 1 and isinstance(path[0], str)}
    _refuse_flow_style(keys)
    indent = " " * (min((column for _, column in keys.values()), default=1) - 1)
    for name, value in changes.items():
        if name in keys:
            if not isinstance(value, SCALARS):
                raise EditError(f"'{name}' is already in the file; edit it by hand")
            line = keys[name][0]
            _refuse_multiline(lines, line, keys)
            lines[line - 1] = _replace_value(lines[line - 1], name, value)
    added = {name: value for name, value in changes.items() if name not in keys}
    if added:
        block = [indent + row + newline for row in _dump(added).splitlines()]
        at = _insertion_line(lines, keys, [name for name in order if name in added], order)
        if at == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        lines[at:at] = block
    return "".join(lines)


def _refuse_flow_style(keys: Mapping[str, tuple[int, int]]) -> None:
    lines = [line for line, _ in keys.values()]
    if len(set(lines)) != len(lines):
        raise EditError("the file is written in flow style ({...} on one line); edit it by hand")


def _refuse_multiline(lines: list[str], line: int, keys: Mapping[str, tuple[int, int]]) -> None:
    """A value to replace must sit on its key's line: the next line is another key, a comment or blank."""
    later = [other for other, _ in keys.values() if other > line]
    end = min(later, default=len(lines) + 1)
    for text in lines[line:end - 1]:
        if text.strip() and not text.lstrip().startswith("#"):
            raise EditError(f"the value on line {line} runs over several lines; edit it by hand")


def _replace_value(line: str, name: str, value: Any) -> str:
    """``name: old  # comment`` -> ``name: new  # comment``."""
    head, colon, rest = line.partition(":")
    if not colon or head.strip(" \t\ufeff").strip("'\"") != name:
        raise EditError(f"could not find '{name}:' where the file says it is; edit it by hand")
    body = rest.rstrip("\r\n")
    ending = rest[len(body):]
    comment = _comment(body)
    return f"{head}: {_dump({name: value}).split(':', 1)[1].strip()}{comment}{ending}"


def _comment(body: str) -> str:
    """The trailing ``  # comment`` of a one-line value (with its spaces), or nothing."""
    stripped = body.lstrip()
    start = len(body) - len(stripped)
    if stripped[:1] in ("'", '"'):  # a quoted value: the comment starts after its closing quote
        quote, i = stripped[0], 1
        while i < len(stripped):
            if stripped[i] == "\\" and quote == '"':
                i += 2
                continue
            if stripped[i] == quote:
                if quote == "'" and stripped[i + 1:i + 2] == "'":
                    i += 2
                    continue
                break
            i += 1
        start += i + 1
    hash_at = next((i for i in range(start, len(body)) if body[i] == "#" and (i == 0 or body[i - 1] in " \t")), None)
    if hash_at is None:
        return ""
    value_end = len(body[:hash_at].rstrip())
    return body[value_end:]


def _insertion_line(lines: list[str], keys: Mapping[str, tuple[int, int]], names: list[str],
                    order: Sequence[str]) -> int:
    """Index in ``lines`` before the first present field that comes after ``names`` in ``order``,
    moved up above the comments and blank lines that introduce it; or the end of the file."""
    rank = {name: i for i, name in enumerate(order)}
    last = max(rank.get(name, len(rank)) for name in names)
    after = [line for name, (line, _) in keys.items() if rank.get(name, len(rank)) > last]
    if not after:
        return _end_of_content(lines)
    at = min(after) - 1
    while at > 0 and (not lines[at - 1].strip() or lines[at - 1].lstrip().startswith("#")):
        at -= 1
    return at


def _end_of_content(lines: list[str]) -> int:
    """After the last line that is not blank (trailing blank lines stay at the end)."""
    at = len(lines)
    while at > 0 and not lines[at - 1].strip():
        at -= 1
    return at


def _dump(data: Mapping[str, Any]) -> str:
    from .new import to_yaml

    return to_yaml(dict(data))


def replace_file(path: Path, old: bytes, new_text: str) -> None:
    """Write ``new_text`` over ``path`` in one step, only if it still holds ``old``."""
    if path.is_symlink():
        raise EditError(f"{path} is a link; edit the file it points to")
    if path.read_bytes() != old:
        raise EditError(f"{path} changed while peerkit was editing it; nothing was changed, try again")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(new_text)
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
