"""Edit one record file in place: the machinery ``fmt``, ``check --fix`` and small edits share.

A coordinator's file holds comments, blank lines and a field order that
reviewers read in diffs. Everything here starts from what ``check`` reads
(peerkit's loader must read the file without a problem, so a file that does
not parse is never touched) and libyaml's node tree, which says exactly where
every key and value is written. Three kinds of edit are built on that:

* **patches** (:class:`Patch`): replace the text at one key or value, as
  written (``checked_in: 18:30`` -> ``"18:30"``); everything else stays byte
  for byte, comments and line ends included;
* **setting fields** (:func:`set_fields`, :func:`plan`): an existing one-line
  value is replaced where it is (its comment stays), new fields are inserted
  in the schema's order, before the next field and the comments above it; a
  mapping given for a field already written as an indented block (a planned
  meeting's ``lone_working`` holding only ``with:``) is merged into it the
  same way, one level down;
* **canonical form** (:mod:`peerkit.fmt`), which renders values with
  :func:`render_fields`, as new fields here are.

Every edit is proved before it is written: the new text is read again by
peerkit's loader and must hold exactly the data expected, or nothing is
written. :func:`replace_file` writes atomically (a temporary file renamed over
the old one), only if the file still holds what was read, and never through a
link: the folders from the records folder down are opened one by one without
following links.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import yaml

from .problems import Problem
from .source import FieldPath, Positions

SCALARS = (str, int, float, bool, date)
_BOM = "\ufeff"


class EditError(Exception):
    """The edit cannot be made safely; the file is left as it was. ``field``: where, when known."""

    def __init__(self, message: str, field: FieldPath = ()) -> None:
        super().__init__(message)
        self.field = field


class Unparsed(EditError):
    """The file does not load cleanly (the loader's problems say why); it is never rewritten."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(problems[0].message if problems else "the file does not load")
        self.problems = list(problems)


@dataclass(frozen=True)
class Edit:
    """A proved edit of one file: what it held, what it will hold, and the new data."""

    path: Path
    old: bytes
    text: str
    data: dict[str, Any]


@dataclass
class Parsed:
    """One record as written: its text, what ``check`` reads from it, and libyaml's nodes.

    ``text`` has no byte-order mark (``bom`` says whether there was one);
    ``newline`` is the file's line end. Node marks count lines and columns
    in ``text`` from 0.
    """

    display: str
    raw: bytes
    text: str
    bom: bool
    newline: str
    data: dict[str, Any]
    positions: Positions
    root: yaml.MappingNode

    def encode(self, text: str) -> bytes:
        """``text`` (LF line ends) as this file writes it: its byte-order mark and line ends kept."""
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return ((_BOM if self.bom else "") + text).encode("utf-8")


def parse(raw: bytes, rel: str, display: str) -> Parsed:
    """Read ``raw`` as ``check`` does; raise :class:`Unparsed` with its problems unless it loads cleanly."""
    from .loader import load_file

    loaded = load_file(display, rel, display, raw)
    if loaded.problems or not isinstance(loaded.data, dict):
        raise Unparsed(loaded.problems)
    text = raw.decode("utf-8")
    bom = text.startswith(_BOM)
    text = text[1:] if bom else text
    newline = "\r\n" if "\r\n" in text else "\n"
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    if not isinstance(root, yaml.MappingNode):  # the loader read a mapping, so libyaml composes one
        raise Unparsed([])
    return Parsed(display, raw, text, bom, newline, loaded.data, loaded.positions, root)


def reread(text: bytes, rel: str, display: str) -> Any:
    """The data ``check`` would read from ``text``, or None when it has any problem."""
    from .loader import load_file

    loaded = load_file(display, rel, display, text)
    return None if loaded.problems else loaded.data


# --- where things are written ------------------------------------------------------------------

Entry = tuple[FieldPath, "yaml.Node | None", yaml.Node]  # (path, key node or None for an item, value node)


def entries(node: yaml.Node, path: FieldPath = ()) -> Iterator[Entry]:
    """Every mapping entry and list item under ``node``, in the order they are written."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = path + (key.value,)
            yield here, key, value
            yield from entries(value, here)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            here = path + (index,)
            yield here, None, value
            yield from entries(value, here)


def node_at(root: yaml.Node, path: FieldPath) -> tuple[yaml.Node | None, yaml.Node] | None:
    """(key node, value node) of the entry at ``path``, or None."""
    node: yaml.Node = root
    key: yaml.Node | None = None
    for step in path:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            found = next(((k, v) for k, v in node.value if k.value == step), None)
            if found is None:
                return None
            key, node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            key, node = None, node.value[step]
        else:
            return None
    return key, node


# --- patches: replace what is written at one place ---------------------------------------------

@dataclass(frozen=True, order=True)
class Patch:
    """Replace ``old`` (as written, starting at 0-based ``line``/``column``) with ``new``."""

    line: int
    column: int
    old: str
    new: str


def apply_patches(text: str, patches: Sequence[Patch]) -> str:
    """``text`` with each patch applied; refuses one whose old text is not where it says."""
    lines = text.splitlines(keepends=True)
    for patch in sorted(patches, reverse=True):  # from the end, so earlier columns stay right
        if patch.line >= len(lines) or lines[patch.line][patch.column:patch.column + len(patch.old)] != patch.old:
            raise EditError(f"line {patch.line + 1} does not hold {patch.old!r} where expected; edit it by hand")
        current = lines[patch.line]
        lines[patch.line] = current[:patch.column] + patch.new + current[patch.column + len(patch.old):]
    return "".join(lines)


def scalar_text(parsed: Parsed, node: yaml.ScalarNode) -> str | None:
    """The scalar exactly as written, when it sits on one line; else None."""
    start, end = node.start_mark, node.end_mark
    if start.line != end.line:
        return None
    return parsed.text.splitlines()[start.line][start.column:end.column]


# --- rendering values as peerkit writes them ---------------------------------------------------

def render_fields(data: Mapping[str, Any], indent: int = 0, kind: str | None = None,
                  at: FieldPath = ()) -> list[str]:
    """``data`` as YAML lines (no line ends) in canonical form, indented by ``indent`` spaces.

    ``kind`` and ``at`` (where ``data`` sits in the record) let the schema say
    which values are times, codes, dates and lists of ids.
    """
    from .fmt import render_mapping

    return [(" " * indent + line) if line else line for line in render_mapping(data, kind, at).splitlines()]


# --- setting fields in place ------------------------------------------------------------------

def set_fields(text: str, positions: Positions, changes: Mapping[str, Any], order: Sequence[str],
               kind: str | None = None) -> str:
    """``text`` with the top-level fields in ``changes`` set.

    ``positions`` are the file's field positions (from the loader), ``order``
    the schema's order of top-level fields. A field already in the file must
    have a one-line value (``status: active  # note``: the comment stays);
    others are added, in ``order``, before the first field that follows them
    (and the comments and blank lines above it), or after the last field. A
    mapping for a field already written as a block mapping is merged into it
    (:func:`_merge_block`).
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    bom = text.startswith(_BOM)
    body = text[1:] if bom else text
    root = yaml.compose(body, Loader=yaml.CSafeLoader)
    if not isinstance(root, yaml.MappingNode):
        raise EditError("the file is not a mapping of fields; edit it by hand")
    if root.flow_style:
        raise EditError("the file is written in flow style ({...} on one line); edit it by hand")
    lines = body.splitlines(keepends=True)
    present = {key.value: (key, value) for key, value in root.value}
    merged = {name: value for name, value in changes.items() if name in present and isinstance(value, Mapping)}
    patches = [_replace_value(lines, name, *present[name], value, kind)
               for name, value in changes.items() if name in present and name not in merged]
    body = apply_patches(body, patches)
    for name, fields in merged.items():
        body = _merge_block(body, name, fields, kind, newline)
    rank = {name: i for i, name in enumerate(order)}
    indent = min((key.start_mark.column for key, _ in present.values()), default=0)
    for name in sorted((n for n in changes if n not in present), key=lambda n: rank.get(n, len(rank))):
        lines = body.splitlines(keepends=True)
        block = [line + newline for line in render_fields({name: changes[name]}, indent, kind)]
        now = yaml.compose(body, Loader=yaml.CSafeLoader)
        at = _insertion_line(lines, now, name, rank) if isinstance(now, yaml.MappingNode) else len(lines)
        if at == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        lines[at:at] = block
        body = "".join(lines)
    return (_BOM if bom else "") + body


def _replace_value(lines: list[str], name: str, key: yaml.Node, value: yaml.Node, new: Any,
                   kind: str | None, at: FieldPath = ()) -> Patch:
    """A patch that writes ``new`` in place of the one-line scalar ``value`` (of the mapping at ``at``)."""
    where = (*at, name)
    if not isinstance(new, SCALARS) or not isinstance(value, yaml.ScalarNode) or value.style in ("|", ">"):
        raise EditError(f"'{'.'.join(map(str, where))}' is already in the file; edit it by hand", where)
    if value.start_mark.line != value.end_mark.line or value.start_mark.line != key.start_mark.line:
        raise EditError(f"the value of '{name}' on line {key.start_mark.line + 1} runs over several lines; "
                        f"edit it by hand", where)
    line = lines[value.start_mark.line]
    old = line[value.start_mark.column:value.end_mark.column]
    rendered = render_fields({name: new}, 0, kind, at)
    if len(rendered) != 1:
        raise EditError(f"the new value of '{name}' takes several lines; edit it by hand")
    return Patch(value.start_mark.line, value.start_mark.column, old, rendered[0].split(":", 1)[1].strip())


def _merge_block(body: str, name: str, fields: Mapping[str, Any], kind: str | None, newline: str) -> str:
    """``body`` with ``fields`` set inside the block mapping ``name``: a value there replaced on its line,
    the others inserted in the schema's order among the fields present (or after the last of them)."""
    rank = {child: i for i, child in enumerate(_field_order(kind, name))}
    for child in sorted(fields, key=lambda f: rank.get(f, len(rank))):
        root = yaml.compose(body, Loader=yaml.CSafeLoader)
        if not isinstance(root, yaml.MappingNode):
            raise EditError("the file is not a mapping of fields; edit it by hand")
        key, node = next((k, v) for k, v in root.value if k.value == name)
        if not isinstance(node, yaml.MappingNode) or node.flow_style or not node.value:
            raise EditError(f"{name} is written on one line; write it as an indented block (each field on its "
                            f"own line), then try again", (name,))
        lines = body.splitlines(keepends=True)
        children = {k.value: (k, v) for k, v in node.value}
        if child in children:
            body = apply_patches(body, [_replace_value(lines, child, *children[child], fields[child], kind, (name,))])
            continue
        indent = min(k.start_mark.column for k, _ in node.value)
        later = [k.start_mark.line for k, _ in node.value if rank.get(k.value, len(rank)) > rank.get(child, len(rank))]
        end = node.end_mark.line + (1 if node.end_mark.column else 0)
        at = min(later) if later else min(end, len(lines))
        while at > key.start_mark.line + 1 and (not lines[at - 1].strip() or lines[at - 1].lstrip().startswith("#")):
            at -= 1
        if at == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        lines[at:at] = [line + newline for line in render_fields({child: fields[child]}, indent, kind, (name,))]
        body = "".join(lines)
    return body


def _field_order(kind: str | None, name: str) -> Sequence[str]:
    """The schema's order of the fields of the mapping ``name`` of a ``kind`` record."""
    if kind is None:
        return ()
    from .validate import schema

    return tuple(schema(kind).get("properties", {}).get(name, {}).get("properties", {}))


def _insertion_line(lines: list[str], root: yaml.MappingNode, name: str, rank: Mapping[str, int]) -> int:
    """Index in ``lines`` before the first field that comes after ``name`` in the schema,
    moved up above the comments and blank lines that introduce it; or after the last field."""
    mine = rank.get(name, len(rank))
    after = [key.start_mark.line for key, _ in root.value if rank.get(key.value, len(rank)) > mine]
    if not after:
        return _end_of_content(lines)
    at = min(after)
    while at > 0 and (not lines[at - 1].strip() or lines[at - 1].lstrip().startswith("#")):
        at -= 1
    return at


def _end_of_content(lines: list[str]) -> int:
    """After the last line that is not blank or a comment below every field."""
    at = len(lines)
    while at > 0 and (not lines[at - 1].strip() or lines[at - 1].startswith("#")):
        at -= 1
    return at


def plain(value: Any) -> Any:
    """``value`` as the loader reads it back: dates as ISO text, tuples as lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return str(value) if isinstance(value, str) else value


def _merged(old: Any, value: Any) -> Any:
    """What a field will hold: ``value``, or a mapping merged into the mapping already there."""
    if isinstance(value, Mapping) and isinstance(old, dict):
        return {**old, **plain(value)}
    return plain(value)


def plan(path: Path, rel: str, display: str, changes: Mapping[str, Any], order: Sequence[str],
         kind: str | None = None) -> Edit:
    """The edit of ``path`` that sets ``changes``, read again and proved to change nothing else."""
    old = read_record(path)
    try:
        parsed = parse(old, rel, display)
    except Unparsed:
        raise EditError(f"{display} has errors; fix them first (peerkit check)") from None
    text = set_fields(old.decode("utf-8"), parsed.positions, changes, order, kind)
    expected = {**parsed.data, **{name: _merged(parsed.data.get(name), value) for name, value in changes.items()}}
    again = reread(text.encode("utf-8"), rel, display)
    if again != expected:
        raise EditError(f"peerkit could not edit {display} without changing something else; edit it by hand")
    return Edit(path, old, text, again)


# --- reading and writing without following links ----------------------------------------------

MAX_BYTES = 1024 * 1024


def read_record(path: Path) -> bytes:
    """The bytes of a record file; refuses a link or anything but a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise EditError(f"{path} is a link; peerkit edits only real record files") from None
        raise EditError(f"cannot read {path}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise EditError(f"{path} is not a regular file; peerkit edits only real record files")
        return file.read(MAX_BYTES + 1)


def linked_part(root: Path, rel: str) -> str | None:
    """The first part of ``rel`` (below ``root``) that is a link, or None: nothing is edited through one."""
    here = root
    parts = rel.split("/")
    for depth, part in enumerate(parts, 1):
        here = here / part
        try:
            if stat.S_ISLNK(os.lstat(here).st_mode):
                return "/".join(parts[:depth])
        except OSError:
            return None
    return None


def replace_file(path: Path, old: bytes, new_text: str | bytes) -> None:
    """Write ``new_text`` over ``path`` in one step, only if it still holds ``old``.

    The folder is opened without following a link at its last step, the
    temporary file is made inside it (``O_EXCL``, never through a link) and
    renamed over the record, so a reader sees the old file or the new one,
    never half of either; the record's permissions are kept.
    """
    payload = new_text.encode("utf-8") if isinstance(new_text, str) else new_text
    try:
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise EditError(f"cannot open the folder of {path}: {exc.strerror}") from None
    name = path.name
    temporary = f".{name}.peerkit-{os.getpid()}.tmp"
    try:
        current = _read_at(folder, name, path)
        if current is None:
            raise EditError(f"{path} is a link or not a regular file; peerkit edits only real record files")
        content, mode = current
        if content != old:
            raise EditError(f"{path} changed while peerkit was editing it; nothing was changed, try again")
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode & 0o7777,
                         dir_fd=folder)
        except FileExistsError:
            raise EditError(f"{temporary} is in the way; delete it and try again") from None
        try:
            with os.fdopen(fd, "wb") as out:
                os.fchmod(out.fileno(), mode & 0o7777)  # as the record was, whatever the umask
                out.write(payload)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            try:
                os.unlink(temporary, dir_fd=folder)
            except OSError:
                pass
            raise
    except OSError as exc:
        raise EditError(f"cannot write {path}: {exc.strerror or exc}; it is as it was") from None
    finally:
        os.close(folder)


def _read_at(folder: int, name: str, path: Path) -> tuple[bytes, int] | None:
    """(content, mode) of ``name`` in ``folder``, or None for a link or a file that is not regular."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None
        raise
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        return file.read(MAX_BYTES + 1), info.st_mode


@dataclass
class Summary:
    """What an edit pass did, for the command to report."""

    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
