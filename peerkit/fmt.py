"""``peerkit fmt``: records in one canonical form, so diffs show only what changed.

The canonical form of a record:

* fields in the order of the kind's schema, nested ones too (fields the
  schema does not know follow, in the order written);
* times (``checked_in``) and mentee codes double-quoted; dates ``YYYY-MM-DD``;
* short lists of ids or fixed choices (``roles``, ``focus``, ``competencies``)
  on one line, ``[a, b]``, when the line stays within :data:`FLOW_WIDTH`
  columns; other lists and every mapping in block style;
* two spaces per level, list dashes indented under their key; LF line ends,
  no byte-order mark, one newline at the end;
* every other value as the user wrote it: the wording of free text, its
  quotes, ``|`` and ``>`` blocks, the way a number is written.

Comments are kept: a comment on a field's line stays on it (at its column
when there is room); comments and blank lines above a field move with the
field; comments above the first field stay at the top and those below the
last at the end. A comment after a ``|`` or ``>`` moves to the line above its
field.

ruamel.yaml renders the values (round-trip: it keeps quotes, block scalars and
how numbers are written); libyaml's node tree says exactly where each field
and comment is written, so comments travel with the fields they describe (ruamel
ties a comment to the field *before* it, which reordering would get wrong).
``check`` stays on libyaml: ruamel is ~20x slower to read a file.

A file is formatted only if ``check``'s loader reads it without a problem,
and the result is proved: read again, it must hold exactly the same data.
"""

from __future__ import annotations

import difflib
import io
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from .edit import EditError, Parsed, entries, parse, reread
from .source import FieldPath

FLOW_WIDTH = 80  # a short list of ids goes on one line when the whole line fits in this many columns
LINE_WIDTH = 100  # longer plain and quoted text is folded onto the next lines
QUOTED_FIELDS = frozenset({"mentee"})  # codes YAML 1.1 misreads (NO, 012): always double-quoted
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


# --- the schema: which values are dates, times, codes, lists of ids ---------------------------

@dataclass(frozen=True)
class Spec:
    """The part of a kind's schema that describes one value, and the name of its ``$defs`` entry."""

    node: Mapping[str, Any]
    defs: Mapping[str, Any]
    ref: str = ""
    name: str = ""

    @staticmethod
    def of(kind: str | None) -> "Spec":
        if kind is None:
            return Spec({}, {})
        from .validate import schema

        spec = schema(kind)
        return Spec(spec, spec.get("$defs", {}))

    def resolved(self, node: Mapping[str, Any], name: str) -> "Spec":
        ref = node.get("$ref", "") if isinstance(node, Mapping) else ""
        if ref.startswith("#/$defs/"):
            ref = ref.rpartition("/")[2]
            return Spec(self.defs.get(ref, {}), self.defs, ref, name)
        return Spec(node if isinstance(node, Mapping) else {}, self.defs, "", name)

    def field(self, key: str) -> "Spec":
        properties = self.node.get("properties", {})
        if key in properties:
            return self.resolved(properties[key], key)
        extra = self.node.get("additionalProperties")
        return self.resolved(extra if isinstance(extra, Mapping) else {}, key)

    def item(self) -> "Spec":
        return self.resolved(self.node.get("items", {}), self.name)

    def order(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.node.get("properties", {}))}

    @property
    def is_date(self) -> bool:
        return self.ref == "date" or self.node.get("format") == "date" or any(
            self.resolved(branch, self.name).is_date for branch in self.node.get("anyOf", ()))

    @property
    def is_quoted(self) -> bool:
        """Times and mentee codes: text that YAML 1.1 would read as a number or true/false unquoted."""
        return self.ref == "time" or self.name in QUOTED_FIELDS

    @property
    def is_id_list(self) -> bool:
        if self.node.get("type") != "array":
            return False
        item = self.item()
        return item.ref == "id" or "enum" in item.node


# --- comments: where each one is, and which field it belongs to -------------------------------

@dataclass
class Comments:
    """Every comment and blank line of a file, tied to the field it describes.

    Lists of lines hold a comment's text (``# ...``) or ``""`` for a blank line.
    """

    head: list[str] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)
    before: dict[FieldPath, list[str]] = field(default_factory=dict)
    end_of_line: dict[FieldPath, tuple[int, str]] = field(default_factory=dict)
    after: dict[FieldPath, list[str]] = field(default_factory=dict)  # at the end of the nested block at a path

    def __bool__(self) -> bool:
        return bool(self.head or self.tail or self.before or self.end_of_line or self.after)


def find_comments(parsed: Parsed) -> Comments:
    """Tie every comment and blank line of ``parsed`` to a field, by where it is written.

    A comment is any ``#`` outside a value, at the start of a line or after a
    space; libyaml's marks say where every value starts and ends. Comments on
    their own lines belong to the field below them, except a block indented
    deeper than that field, right after a field of a nested mapping or list
    (a commented-out last field): it stays after that field, inside its block.
    """
    lines = _LINE_BREAK.split(parsed.text)
    covered = _covered(parsed.root, lines)
    targets = _targets(parsed.root)
    found = Comments()
    pending: list[tuple[int, str]] = []  # (column, text); text "" for a blank line
    next_target = 0
    last: tuple[int, int, FieldPath, bool] | None = None
    for number, line in enumerate(lines):
        while next_target < len(targets) and targets[next_target][0] <= number:
            target = targets[next_target]
            if pending:
                if last is None:
                    found.head = _tidy([text for _, text in pending], start=False)
                else:
                    pending = _keep_after(found, last, target, pending)
                    if pending:
                        found.before[target[2]] = _tidy([text for _, text in pending])
                pending = []
            last = target
            next_target += 1
        hash_at = _comment_start(line, covered.get(number, ()))
        if hash_at is None:
            if not line.strip() and number not in covered:
                pending.append((0, ""))
            continue
        text = line[hash_at:].rstrip()
        if line[:hash_at].strip() and last is not None and last[2] not in found.end_of_line:
            found.end_of_line[last[2]] = (hash_at, text)
        else:
            pending.append((hash_at, text))
    if last is None:  # no fields at all (cannot happen for a record): all of it is head
        found.head = _tidy([text for _, text in pending], start=False)
    elif pending:
        pending = _keep_after(found, last, (len(lines), 0, (), False), pending)
        found.tail = _tidy([text for _, text in pending], end=False)
    return found


def _keep_after(found: Comments, last: tuple[int, int, FieldPath, bool], target: tuple[int, int, FieldPath, bool],
                pending: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Tie the comment lines of ``pending`` indented deeper than ``target`` to the end of the nested
    block ``last`` (a one-line value) ends; return the rest, for ``target``."""
    comments = [column for column, text in pending if text]
    if not comments or not last[3] or len(last[2]) < 2 or min(comments) <= target[1] or min(comments) < last[1] - 2:
        return pending
    end = len(pending)
    while end and not pending[end - 1][1]:
        end -= 1
    found.after[last[2][:-1]] = _tidy([text for _, text in pending[:end]], end=False)
    return pending[end:]


def _tidy(lines: list[str], start: bool = True, end: bool = True) -> list[str]:
    """Runs of blank lines become one; a blank line at the start or end is kept only if asked."""
    out: list[str] = []
    for line in lines:
        if line or not out or out[-1]:
            out.append(line)
    if not start and out and not out[0]:
        out.pop(0)
    if not end:
        while out and not out[-1]:
            out.pop()
    return out if any(out) or not out else out[:1]


def _covered(root: yaml.Node, lines_text: list[str]) -> dict[int, list[tuple[int, int]]]:
    """Per line, the column ranges written by values (no comment can start inside one)."""
    count = len(lines_text)
    spans: dict[int, list[tuple[int, int]]] = {}

    def cover(line: int, start: int, end: int) -> None:
        spans.setdefault(line, []).append((start, end))

    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += [key, value]
            continue
        if isinstance(node, yaml.SequenceNode):
            stack += node.value
            continue
        start, end = node.start_mark, node.end_mark
        if node.style in ("|", ">"):  # the header line: the indicators only; a comment may follow
            cover(start.line, start.column, start.column + 1)
            first = start.line + 1
        else:
            if start.line == end.line:
                cover(start.line, start.column, end.column)
                continue
            cover(start.line, start.column, 10 ** 9)
            first = start.line + 1
        last = min(end.line, count)
        if node.style in ("|", ">") and not node.value.endswith("\n\n"):
            # Blank lines after a block belong to it only when they are its content (|+ keeps them);
            # otherwise they separate it from what follows, like any blank line.
            while last > first and not lines_text[last - 1].strip():
                last -= 1
        for line in range(first, last):
            cover(line, 0, 10 ** 9)
        if end.line < count and end.column:
            cover(end.line, 0, end.column)
    return spans


def _comment_start(line: str, spans: Iterable[tuple[int, int]]) -> int | None:
    """The column of the ``#`` that starts a comment on ``line``, or None."""
    at = line.find("#")
    while at != -1:
        if (at == 0 or line[at - 1] in " \t") and not any(start <= at < end for start, end in spans):
            return at
        at = line.find("#", at + 1)
    return None


def _targets(root: yaml.Node) -> list[tuple[int, int, FieldPath, bool]]:
    """(line, column, path, holds a one-line value) of every field and list item a comment can
    belong to, in written order. Items of a ``[flow, list]`` are not: a comment there belongs to
    the list's field."""
    inside_flow: set[FieldPath] = set()
    found = []
    for path, key, value in entries(root):
        if path[:-1] in inside_flow:
            inside_flow.add(path)
            continue
        if getattr(value, "flow_style", False):
            inside_flow.add(path)
        one_line = (isinstance(value, yaml.ScalarNode) and value.style not in ("|", ">")
                    and value.start_mark.line == value.end_mark.line)
        mark = (key or value).start_mark
        found.append((mark.line, mark.column, path, one_line))
    return found


# --- building the canonical tree ---------------------------------------------------------------

@cache
def _ruamel():
    """One round-trip ruamel.yaml instance: quotes, block scalars and number forms kept."""
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = LINE_WIDTH
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.representer.add_representer(type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return rt


def _types():
    from ruamel.yaml import comments, scalarstring, tokens
    from ruamel.yaml.error import CommentMark

    return comments, scalarstring, tokens.CommentToken, CommentMark


class _Builder:
    """Builds the canonical ruamel tree of one record and ties its comments on."""

    def __init__(self, comments: Comments | None = None) -> None:
        self.comments = comments or Comments()
        (self.cm, self.ss, self.token, self.mark) = _types()

    # containers
    def mapping(self, items: list[tuple[str, Any, Spec, Any]], path: FieldPath, column: int):
        """``items``: (key, value as loaded, its spec, its libyaml node or None)."""
        out = self.cm.CommentedMap()
        for key, value, spec, node in items:
            here = path + (key,)
            out[self.key(key)] = self.value(value, spec, node, here, column + 2)
            self.attach(out, self.key(key), here, column, value)
        if items:
            last = items[-1][0]
            self.attach_end(out, self.key(last), path + (last,), path, column)
        return out

    def sequence(self, values: list[tuple[Any, Any]], spec: Spec, path: FieldPath, column: int):
        out = self.cm.CommentedSeq()
        item = spec.item()
        for index, (value, node) in enumerate(values):
            out.append(self.value(value, item, node, path + (index,), column + 2))
            self.attach(out, index, path + (index,), column, value)
        if values:
            self.attach_end(out, len(values) - 1, path + (len(values) - 1,), path, column)
        if self.flows(out, spec, path, column):
            out.fa.set_flow_style()
        else:
            out.fa.set_block_style()
        return out

    def flows(self, items: list, spec: Spec, path: FieldPath, column: int) -> bool:
        """A short list of ids on one line: ``roles: [one-to-one, group]``."""
        if not items:
            return True
        if not spec.is_id_list or any(not isinstance(i, str) or "\n" in i for i in items):
            return False
        if path in self.comments.after or any(
                path + (i,) in self.comments.before or path + (i,) in self.comments.end_of_line
                for i in range(len(items))):
            return False
        quotes = sum(2 for i in items if isinstance(i, (self.ss.DoubleQuotedScalarString,
                                                         self.ss.SingleQuotedScalarString)))
        width = column - 2 + len(str(path[-1])) + 4 + sum(len(i) for i in items) + 2 * (len(items) - 1) + quotes
        return width <= FLOW_WIDTH

    def key(self, key: str) -> str:
        return key if _plain_is_text(key) else self.ss.DoubleQuotedScalarString(key)

    # scalars and dispatch
    def value(self, value: Any, spec: Spec, node: Any, path: FieldPath, column: int) -> Any:
        if isinstance(value, Mapping):
            order = spec.order()
            pairs = _pairs(value, node)
            ranked = sorted(range(len(pairs)), key=lambda i: (order.get(pairs[i][0], len(order)), i))
            return self.mapping([(pairs[i][0], pairs[i][1], spec.field(pairs[i][0]), pairs[i][2]) for i in ranked],
                                path, column)
        if isinstance(value, list):
            nodes = node.value if isinstance(node, yaml.SequenceNode) else [None] * len(value)
            return self.sequence(list(zip(value, nodes)), spec, path, column)
        return self.scalar(value, spec, node)

    def scalar(self, value: Any, spec: Spec, node: Any) -> Any:
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return date(value.year, value.month, value.day)
        if not isinstance(value, str):
            return value
        written = (node.style or "plain") if isinstance(node, yaml.ScalarNode) else "new"
        day = _as_date(value)
        if day and ((written == "plain" and node.tag == _TIMESTAMP) or (spec.is_date and written in ("\"", "'"))):
            return day  # a plain YAML date as YYYY-MM-DD; a quoted one in a date field unquoted
        if spec.is_quoted:
            return self.ss.DoubleQuotedScalarString(str(value))
        if written == "new" and "\n" in value:  # new text of several lines: a | block
            return self.ss.LiteralScalarString(value)
        if written == "new" and not _plain_is_text(value):
            return self.ss.DoubleQuotedScalarString(value)
        return value

    # comments
    def attach(self, container: Any, key: Any, path: FieldPath, column: int, value: Any) -> None:
        before = list(self.comments.before.get(path, ()))
        eol = self.comments.end_of_line.get(path)
        if eol and isinstance(container[key], (self.ss.LiteralScalarString, self.ss.FoldedScalarString)):
            before.append(eol[1])  # ruamel cannot write a comment after | or >: it goes on the line above
            eol = None
        if before:
            tokens = [self.token((line + "\n") if line else "\n", self.mark(column)) for line in before]
            # As CommentedMap.yaml_set_comment_before_after_key stores them, with the text kept as written.
            container.ca.items.setdefault(key, [None, [], None, None])[1] = tokens
        if eol:
            container.yaml_add_eol_comment(eol[1], key, column=eol[0])

    def attach_end(self, container: Any, key: Any, path: FieldPath, at: FieldPath, column: int) -> None:
        """The comments at the end of the nested block at ``at``, after its last field ``key``."""
        after = self.comments.after.get(at)
        if not after:
            return
        value = container[key]
        slot = 0 if isinstance(container, self.cm.CommentedSeq) else 2  # where ruamel keeps a field's own comment
        entry = container.ca.items.setdefault(key, [None, [], None, None])
        if isinstance(value, (dict, list, self.ss.LiteralScalarString, self.ss.FoldedScalarString)):
            # ruamel writes lines after a one-line value only: above the last field, still in the block.
            entry[1] = (entry[1] or []) + [self.token((line + "\n") if line else "\n", self.mark(column))
                                           for line in after]
            return
        eol = self.comments.end_of_line.get(path)
        # As ruamel reads lines after a field: one token after the value, the field's own comment first.
        text = (eol[1] if eol else "") + "\n" + "".join(f"{' ' * column}{line}\n" if line else "\n"
                                                      for line in after)
        entry[slot] = self.token(text, self.mark(eol[0] if eol else 0))


def _pairs(value: Mapping, node: Any) -> list[tuple[str, Any, Any]]:
    """(key as written, value, its libyaml node) of a loaded mapping, in written order."""
    if isinstance(node, yaml.MappingNode) and len(node.value) == len(value):
        return [(k.value, v, n) for (k, n), v in zip(node.value, value.values())]
    return [(str(k), v, None) for k, v in value.items()]


def _as_date(text: str) -> date | None:
    """The date ``text`` names (``2025-03-04``), or None."""
    if not _DATE.fullmatch(text):
        return None
    try:
        return date(*(int(part) for part in text.split("-")))
    except ValueError:
        return None


def _plain_is_text(text: str) -> bool:
    """Whether ``text`` written plain is read back as the same text by YAML 1.1 (check) too."""
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR


def render_mapping(data: Mapping[str, Any], kind: str | None = None, at: FieldPath = ()) -> str:
    """New fields (plain Python values) in canonical form, for :func:`peerkit.edit.render_fields`."""
    spec = Spec.of(kind)
    for step in at:
        spec = spec.item() if isinstance(step, int) else spec.field(step)
    tree = _Builder().value(dict(data), spec, None, at, 0)
    return _dump(tree)


def _dump(tree: Any) -> str:
    out = io.StringIO()
    _ruamel().dump(tree, out)
    return out.getvalue()


# --- formatting a file -------------------------------------------------------------------------

def canonical(parsed: Parsed, kind: str | None) -> str:
    """The canonical text of ``parsed`` (LF line ends); raises EditError if it cannot be proved."""
    try:
        loaded = _ruamel().load(parsed.text)
    except Exception as exc:  # ruamel reads a few things libyaml does not; never a traceback
        raise EditError(f"ruamel.yaml cannot read it ({type(exc).__name__})") from None
    comments = find_comments(parsed)
    builder = _Builder(comments)
    tree = builder.value(loaded, Spec.of(kind), parsed.root, (), 0)
    body = _dump(tree)
    head = "".join(f"{line}\n" for line in comments.head)
    tail = "".join(f"{line}\n" for line in comments.tail)
    return head + body.rstrip("\n") + "\n" + tail


@dataclass(frozen=True)
class Outcome:
    """What formatting one file gives: its new bytes (None when it cannot be formatted)."""

    new: bytes | None
    problems: tuple = ()
    reason: str = ""

    def changes(self, old: bytes) -> bool:
        return self.new is not None and self.new != old


def format_bytes(raw: bytes, rel: str, display: str, kind: str | None) -> Outcome:
    """Format one record's bytes; never raises for bad content."""
    from .edit import Unparsed

    try:
        parsed = parse(raw, rel, display)
    except Unparsed as exc:
        return Outcome(None, tuple(exc.problems))
    try:
        text = canonical(parsed, kind)
    except EditError as exc:
        return Outcome(None, reason=str(exc))
    new = text.encode("utf-8")
    if new != raw and reread(new, rel, display) != parsed.data:  # unchanged bytes hold the same data
        return Outcome(None, reason="its canonical form would hold different data")
    return Outcome(new)


def canonical_text(text: str, kind: str) -> str:
    """``text`` (a record peerkit is about to write, e.g. ``peerkit new``) in canonical form."""
    formatted = format_bytes(text.encode("utf-8"), "", "new record", kind).new
    return formatted.decode("utf-8") if formatted is not None else text


def unified_diff(display: str, old: bytes, new: bytes) -> str:
    """``git diff``-style lines of the change formatting makes."""
    before = old.decode("utf-8", "replace").splitlines(keepends=True)
    after = new.decode("utf-8").splitlines(keepends=True)
    lines = difflib.unified_diff(before, after, f"{display}\t(as written)", f"{display}\t(canonical)")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


# --- which files, and the command ----------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """One record file to format: where it is, and how it is shown."""

    path: str
    rel: str
    display: str
    kind: str | None
    root: str


@dataclass
class Report:
    """What ``fmt`` found: files changed (or that would change), their diffs, and problems."""

    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    diffs: list[str] = field(default_factory=list)
    problems: list = field(default_factory=list)
    failed: int = 0  # files with errors, left as they were


def folder_targets(root: Path, root_display: str) -> tuple[list[Target], list]:
    """Every record file of a records folder (links are noted and left alone)."""
    from .discover import discover

    files, _ = discover(root, root_display)
    targets, notes = [], []
    for found in files:
        if os.path.islink(found.path):
            notes.append(_not_formatted(found.display, "a link; fmt changes only real files, never through a link"))
            continue
        targets.append(Target(found.path, found.rel, found.display, found.kind, str(root)))
    return targets, notes


def file_target(file: Path) -> Target | Any:
    """The record ``file`` names, or a note saying why it is left alone."""
    from .discover import kind_of
    from .edit import linked_part
    from .problems import printable

    display = printable(file.as_posix())
    absolute = Path(os.path.abspath(file))
    root = next((folder for folder in absolute.parents if (folder / "programme.yaml").is_file()), None)
    if root is None:
        return _not_formatted(display, "not inside a records folder (no programme.yaml above it)")
    rel = absolute.relative_to(root).as_posix()
    kind = kind_of(rel)
    if kind is None or any(part.startswith(".") for part in rel.split("/")):
        return _not_formatted(display, "not a record (records live in programme.yaml, supporters/, meetings/, ...)")
    linked = linked_part(root, rel)
    if linked is not None:
        return _not_formatted(display, f"{linked} is a link; fmt changes only real files, never through a link")
    return Target(str(absolute), rel, display, kind, str(root))


def _not_formatted(display: str, message: str):
    from .codes import problem

    return problem(display, 1, 1, "not-formatted", f"{message}; left as it was")


def format_target(target: Target) -> tuple[bytes | None, Outcome]:
    """(the file's bytes as read, or None) and its outcome; never raises."""
    from .codes import problem
    from .edit import read_record

    try:
        raw = read_record(Path(target.path))
    except EditError as exc:
        return None, Outcome(None, (problem(target.display, 1, 1, "unreadable", str(exc)),))
    return raw, format_bytes(raw, target.rel, target.display, target.kind)


def _format_chunk(targets: list[Target]) -> list[tuple[bytes | None, Outcome]]:
    return [format_target(t) for t in targets]


def format_all(targets: list[Target], jobs: int | None = None) -> list[tuple[bytes | None, Outcome]]:
    """Every target formatted (not written), over the machine's cores when there are many."""
    from .parallel import PARALLEL_FROM

    jobs = jobs or os.cpu_count() or 1
    if jobs < 2 or len(targets) < PARALLEL_FROM // 4:
        return _format_chunk(targets)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, min(200, len(targets) // (jobs * 4) or 1))
    chunks = [targets[i:i + size] for i in range(0, len(targets), size)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        return [done for chunk in pool.map(_format_chunk, chunks) for done in chunk]


def run(targets: list[Target], *, write: bool, diff: bool) -> Report:
    """Format ``targets``; write the changed ones when ``write``; collect diffs when ``diff``."""
    from .edit import replace_file

    report = Report()
    for target, (raw, outcome) in zip(targets, format_all(targets)):
        if outcome.new is None or raw is None:
            report.failed += 1
            report.problems += outcome.problems or [_cannot(target.display, outcome.reason)]
            continue
        if not outcome.changes(raw):
            report.unchanged += 1
            continue
        if diff:
            report.diffs.append(unified_diff(target.display, raw, outcome.new))
        if write:
            try:
                replace_file(Path(target.path), raw, outcome.new)
            except EditError as exc:
                report.failed += 1
                report.problems.append(_cannot(target.display, str(exc)))
                continue
        report.changed.append(target.display)
    return report


def _cannot(display: str, reason: str):
    from .codes import problem

    return problem(display, 1, 1, "not-formatted", f"cannot be put in canonical form: {reason}; left as it was")
