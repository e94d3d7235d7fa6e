"""Load one YAML record: bytes -> plain data, with the line of every field.

libyaml (``yaml.CSafeLoader``) parses; a small constructor subclass adds what
PyYAML does not do and a records tool needs:

* the line and column of every mapping key and list item, so a problem found
  much later (schema, cross-record rules) points at the field's own line;
* duplicate keys are errors (PyYAML silently keeps the last one);
* YAML 1.1 surprises (``mentee: NO`` -> false, ``012`` -> 10, ``12:30`` ->
  750) are errors that say "quote it", instead of silently changing data;
* dates come back as ISO strings, so JSON Schema sees what the user wrote;
* NaN and infinity are refused, and a whole number written as a float (``36.0``)
  becomes the integer it is, so later stages never meet a float where a count belongs;
* aliases are refused (no "billion laughs"), and very deep nesting is refused
  before libyaml can overflow its stack.

Nothing here raises for bad input: problems are returned as values.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional

import yaml

from .codes import problem
from .problems import ERROR, Problem
from .source import FieldPath, PackedPositions, Position, Positions, Source, pack

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
# Every nesting level needs one of these characters; a file with fewer of
# them than the limit cannot be too deep, so most files skip the depth scan.
_NESTING_CHARS = "[{-:?"
_CHEAP_DEPTH_BOUND = 2000


# Whole floats up to here are exactly the integers they look like.
_EXACT_INTEGERS = 2 ** 53

_OCTAL = re.compile(r"[-+]?0[0-9_]+$")
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
# Control characters can only reach a value through a double-quoted escape
# ("\0", "\x07", "\e"): libyaml refuses them raw. Records hold plain text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A non-breaking space where YAML needs a real one: indenting, or after ':' or '-'.
_PASTED_SPACE = re.compile("^ *\u00a0|[:-]\u00a0")
# Line breaks to YAML 1.1 (and libyaml), not to editors or git diff: they would
# shift every reported line and start a field in the middle of a visible line.
LINE_SEPARATORS = {"\u2028": "line separator", "\u2029": "paragraph separator", "\x85": "next-line (NEL)"}
_LINE_SEPARATOR = re.compile("[\u2028\u2029\x85]")
_LINE_BREAK = re.compile("\r\n|\r|\n")


_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")


def as_time(text: str) -> str:
    """``9:05`` -> ``09:05``: a time as the schema's HH:MM wants it; anything else unchanged."""
    match = _CLOCK.fullmatch(text.strip())
    return f"{int(match[1]):02d}:{match[2]}" if match else text


@dataclass(frozen=True)
class TrailingComment:
    """A ``#`` comment right after a plain (unquoted) value: maybe text the user meant to keep."""

    line: int
    column: int
    value: str  # what the field holds: the text before the comment
    comment: str


class _Trap(Exception):
    """A scalar whose YAML 1.1 reading is probably not what the user meant."""


class _RecordLoader(yaml.CSafeLoader):
    """CSafeLoader that records positions and refuses YAML's traps.

    ``marks`` maps ``id(container)`` to the line and column of each of its
    keys or items, flat and in order (``[line, col, line, col, ...]``, what
    :func:`peerkit.source.pack` packs); the containers stay alive in the
    result, so the ids stay valid for as long as the caller keeps the data.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.marks: dict[int, list[int]] = {}
        self.issues: list[tuple[int, int, str, str]] = []
        # Without a '*' there is no alias, so plain text needs none of the
        # alias bookkeeping and is taken straight from the node (most values).
        self.plain_text_fast = "*" not in stream
        self.alias_seen = False
        self.text = stream
        # Only a file with ' #' in it can have a comment that cut a plain value short.
        self.hash_comments = " #" in stream
        self.comments: list[TrailingComment] = []

    def value_of(self, node: yaml.Node) -> Any:
        if self.plain_text_fast and node.tag == _STR_TAG and type(node) is yaml.ScalarNode and node.style != '"':
            if not node.style and (self.hash_comments or node.value[:1] == "-"):  # plain ('' from libyaml)
                self.look_at_plain(node)
            return node.value
        return self.construct_object(node)

    def look_at_plain(self, node: yaml.ScalarNode) -> None:
        """Plain (unquoted) text is where hand-editing slips hide: ``-name`` meant as a list
        item, and `` #`` that made the rest of the line a comment."""
        value = node.value
        if value[:1] == "-" and value[1:2].isalpha() and self._starts_its_line(node.start_mark.index):
            first = value.split()[0]
            self.issue(node, "yaml-syntax", f"'{first}' has no space after the '-', so YAML reads it as text, "
                                            f"not a list item; write '- {first[1:]}'")
        if self.hash_comments:
            end = node.end_mark.index
            line_end = self.text.find("\n", end)
            rest = self.text[end:line_end if line_end >= 0 else len(self.text)]
            # One space before '#' reads as part of the text ("Group #3"); two or more, as a
            # comment set apart on purpose ("Jo Hill  # clinical lead").
            if rest[:1] in (" ", "\t") and rest[1:2] == "#":
                self.comments.append(TrailingComment(node.start_mark.line + 1, node.start_mark.column + 1,
                                                     value, rest.strip().rstrip("\r")))

    def _starts_its_line(self, index: int) -> bool:
        start = self.text.rfind("\n", 0, index) + 1
        return not self.text[start:index].strip()

    def construct_document(self, node: yaml.Node) -> Any:
        # Containers are built level by level (one round per level), so the
        # rounds count the nesting exactly, at no cost per node.
        data = self.construct_object(node)
        depth = 0
        while self.state_generators:
            depth += 1  # the level of the containers this round fills
            if depth > MAX_DEPTH:
                frame = self.state_generators[0].gi_frame
                deep = frame.f_locals.get("node") if frame else None
                if deep is not None:
                    self.issue(deep, "too-deep", f"nesting is deeper than {MAX_DEPTH} levels; records are flat")
                else:
                    self.issues.append((1, 1, "too-deep",
                                        f"nesting is deeper than {MAX_DEPTH} levels; records are flat"))
                self.state_generators = []
                break
            state_generators, self.state_generators = self.state_generators, []
            for generator in state_generators:
                for _ in generator:
                    pass
        self.constructed_objects = {}
        self.recursive_objects = {}
        self.deep_construct = False
        return data

    def issue(self, node: yaml.Node, code: str, message: str) -> None:
        mark = node.start_mark
        self.issues.append((mark.line + 1, mark.column + 1, code, message))

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # libyaml resolves an alias to the very node its anchor named, so a
        # node met twice is an alias. Refusing it defuses alias bombs.
        if node in self.constructed_objects or node in self.recursive_objects:
            if not self.alias_seen:  # once per file: a "billion laughs" file would say it a thousand times
                self.alias_seen = True
                self.issue(node, "yaml-alias",
                           "anchors and aliases (&name / *name) are not allowed in records; write the value out")
            return None
        return super().construct_object(node, deep=deep)

    def construct_record_map(self, node: yaml.MappingNode) -> Iterator[dict]:
        data: dict = {}
        yield data
        flat: list[int] = []  # line, column of each key, in order (see source.pack)
        first_line: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self.issue(key_node, "yaml-alias", "merge keys (<<) are not allowed in records; write the fields out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.issue(key_node, "yaml-syntax", "a key must be plain text, not a list or mapping")
                continue
            key = self.value_of(key_node)
            if not isinstance(key, str):  # 1:, 1.5:, yes:, ~: are still field names as written
                key = key_node.value
            position = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in data:
                self.issue(key_node, "duplicate-key",
                           f"key '{key}' appears twice (first on line {first_line[key]}); keep only one")
                at = 2 * list(data).index(key)  # the key keeps its place; its value and position are the last
                flat[at:at + 2] = position
            else:
                flat += position
            first_line.setdefault(key, position[0])
            data[key] = self.value_of(value_node)
        self.marks[id(data)] = flat

    def construct_record_seq(self, node: yaml.SequenceNode) -> Iterator[list]:
        data: list = []
        yield data
        data.extend(self.value_of(child) for child in node.value)
        flat: list[int] = []
        for child in node.value:
            flat += (child.start_mark.line + 1, child.start_mark.column + 1)
        self.marks[id(data)] = flat

    def construct_record_bool(self, node: yaml.ScalarNode) -> Any:
        if node.value.lower() in ("true", "false"):
            return node.value.lower() == "true"
        self.issue(node, "yaml-ambiguous",
                   f"'{node.value}' is read as {str(self.bool_values[node.value.lower()]).lower()} by YAML 1.1; "
                   f"write true or false for yes/no, or quote it (\"{node.value}\") if it is text")
        return node.value

    def construct_record_int(self, node: yaml.ScalarNode) -> Any:
        text = node.value
        if ":" in text:
            return self._trap(node, f"'{text}' is read as a base-60 number by YAML 1.1; quote it: \"{as_time(text)}\"")
        if _OCTAL.match(text) and text.strip("+-0_"):
            return self._trap(node, f"'{text}' is read as an octal number by YAML 1.1; quote it: \"{text}\"")
        if "_" in text:
            return self._trap(node, f"'{text}' is read as {text.replace('_', '')} by YAML 1.1; "
                                    f"write the number without '_' or quote it")
        if text.lstrip("+-")[:2] in ("0x", "0b"):
            base = "hexadecimal" if "x" in text else "binary"
            return self._trap(node, f"'{text}' is read as a {base} number by YAML 1.1; quote it: \"{text}\"")
        if len(text) > 30:  # Python refuses over 4,300 digits; no field needs more than a few
            self.issue(node, "out-of-range", f"a number {len(text):,} digits long; no field takes a number this large")
            return text
        return super().construct_yaml_int(node)

    def construct_record_float(self, node: yaml.ScalarNode) -> Any:
        if ":" in node.value or "_" in node.value:
            return self._trap(node, f"'{node.value}' is read as a surprising number by YAML 1.1; "
                                    f"quote it: \"{as_time(node.value)}\"")
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            # JSON Schema has no NaN or infinity, and the validators disagree on them
            # (NaN is neither above nor below a minimum): no field holds one.
            what = "not a number" if math.isnan(value) else "infinity"
            self.issue(node, "wrong-type", f"'{node.value}' is read as {what} by YAML, which no field can hold; "
                                           f"write a number (or quote it, if it is text)")
            return node.value
        if value.is_integer() and abs(value) <= _EXACT_INTEGERS:
            # 36.0 is the whole number 36 to JSON Schema (and to editors), so it
            # passes a field that takes a whole number: make it one for everything after.
            return int(value)
        return value

    def construct_record_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            value = super().construct_yaml_timestamp(node)
        except ValueError:
            self.issue(node, "bad-date", f"'{node.value}' is not a real date; use YYYY-MM-DD")
            return node.value
        return value.isoformat()

    def construct_record_str(self, node: yaml.ScalarNode) -> Any:
        value = self.construct_scalar(node)
        if not node.style:
            self.look_at_plain(node)
        control = _CONTROL.search(value) if node.style == '"' else None
        if control:
            char = control.group()
            self.issue(node, "yaml-syntax", f"a control character (U+{ord(char):04X}) in this text; "
                                            f"remove the escape that makes it, records hold plain text")
        return value

    def construct_refused_tag(self, node: yaml.Node) -> None:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        self.issue(node, "yaml-syntax", f"the tag '{tag}' is not allowed in records; remove it and write a plain value")
        return None

    def _trap(self, node: yaml.ScalarNode, message: str) -> str:
        self.issue(node, "yaml-ambiguous", message)
        return node.value


for _tag, _method in [
    ("map", _RecordLoader.construct_record_map),
    ("seq", _RecordLoader.construct_record_seq),
    ("bool", _RecordLoader.construct_record_bool),
    ("int", _RecordLoader.construct_record_int),
    ("float", _RecordLoader.construct_record_float),
    ("timestamp", _RecordLoader.construct_record_timestamp),
    ("str", _RecordLoader.construct_record_str),
    # Safe, but not plain data: bytes, sets and ordered pairs have no place in a record.
    ("binary", _RecordLoader.construct_refused_tag),
    ("set", _RecordLoader.construct_refused_tag),
    ("omap", _RecordLoader.construct_refused_tag),
    ("pairs", _RecordLoader.construct_refused_tag),
]:
    _RecordLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _method)  # type: ignore[arg-type]
# Any other tag (!!python/object/apply:os.system, !foo) is refused the same way.
_RecordLoader.add_constructor(None, _RecordLoader.construct_refused_tag)


@dataclass
class LoadedFile:
    """One record file after loading: its data and field positions, or the problems that stopped it.

    ``rel`` is the POSIX path inside the records folder (``meetings/2025/...``),
    ``display`` the path as shown to the user. ``positions`` maps each field
    path to its line and column (see :mod:`peerkit.source`); it is plain data,
    packed small, so it travels with the data through worker processes and the cache.
    """

    path: str  # a plain string: 80,000 pathlib objects cost a second
    rel: str
    display: str
    data: Any = None
    positions: Positions = field(default_factory=dict, repr=False)
    problems: list[Problem] = field(default_factory=list)
    # Comments right after plain values; the load stage keeps those in text fields (not cached).
    comments: list[TrailingComment] = field(default_factory=list, repr=False, compare=False)
    # What was read: the bytes' content hash (the cache's key) and size; None if unreadable.
    digest: str | None = field(default=None, repr=False, compare=False)
    size: int = field(default=0, repr=False, compare=False)
    # Where the data is not in memory yet (a file unchanged since the cache
    # last saw it): how to get it, on first use only.
    deferred: Callable[[], tuple[Any, Positions]] | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    def content(self) -> tuple[Any, Positions]:
        """The data and its positions, fetched from the cache first if they were deferred."""
        if self.deferred is not None:
            self.data, self.positions = self.deferred()
            self.deferred = None
        return self.data, self.positions

    @property
    def source(self) -> Source:
        return Source(self.display, self.rel, self.positions)

    def problem(self, field_path: FieldPath, code: str, message: str) -> Problem:
        return self.source.problem(field_path, code, message)


def content_digest(raw: bytes) -> str:
    """What identifies a record file's content: the key of its cached results."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def load_file(path: str, rel: str, display: str, raw: bytes | None = None) -> LoadedFile:
    """Read (unless ``raw`` is given), decode and parse one record file; never raises for bad content."""
    loaded = LoadedFile(path=path, rel=rel, display=display)

    def fail(line: int, column: int, code: str, message: str) -> LoadedFile:
        loaded.problems.append(problem(display, line, column, code, message))
        return loaded

    if raw is None:
        try:
            raw = read_bytes(path)
        except OSError as exc:
            return fail(1, 1, "unreadable", f"cannot read the file: {exc.strerror or exc}")
    loaded.digest, loaded.size = content_digest(raw), len(raw)
    if len(raw) > MAX_BYTES:
        return fail(1, 1, "too-large",
                    f"file is {len(raw):,} bytes, over the {MAX_BYTES:,}-byte limit for one record; split it up")
    if raw[:2] in _UTF16_BOMS or b"\x00" in raw[:2]:
        return fail(1, 1, "encoding", "the file is saved as UTF-16 (or UTF-32); save it as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return fail(line, column, "encoding",
                    f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8")
    if not text.strip(" \t\r\n\ufeff"):
        return fail(1, 1, "empty-file", "the file is empty; write the record's fields or delete it")
    separator = _LINE_SEPARATOR.search(text)
    if separator:
        char = separator.group()
        return fail(*_editor_position(text, separator.start()), "yaml-syntax",
                    f"an invisible {LINE_SEPARATORS[char]} character (U+{ord(char):04X}) here, which YAML reads "
                    f"as a line break but editors do not; delete it (or press Enter for a real line break)")
    too_deep = _too_deep(text)
    if too_deep:
        return fail(*too_deep, "too-deep", f"nesting is deeper than {MAX_DEPTH} levels; records are flat")

    loader = _RecordLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        pasted = _non_breaking_space(exc, text)
        if pasted:
            return fail(*pasted, "yaml-syntax", "a non-breaking space (often pasted from a word processor); "
                                                "YAML needs an ordinary space here")
        (line, column), message = _diagnose(exc, text)
        return fail(line, column, "yaml-syntax", message)
    except yaml.reader.ReaderError as exc:  # a raw control character; libyaml gives its byte offset
        index = min(max(exc.position, 0), len(raw))
        start = raw.rfind(b"\n", 0, index) + 1
        line, column = raw.count(b"\n", 0, index) + 1, len(raw[start:index].decode("utf-8", "replace")) + 1
        code_point = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return fail(line, column, "yaml-syntax", f"a control character (U+{code_point:04X}) here; "
                                                 f"remove it, records hold plain text")
    except yaml.YAMLError as exc:
        return fail(1, 1, "yaml-syntax", str(exc).splitlines()[0])
    finally:
        loader.dispose()

    for line, column, code, message in loader.issues:
        fail(line, column, code, message)
    if data is None and not loader.issues:  # only comments, or a bare '---'
        return fail(1, 1, "empty-file", "the file holds no fields; write the record's fields or delete it")
    if not isinstance(data, dict):
        if loader.issues:  # already said why (a refused tag, an alias)
            return loaded
        what = "a list" if isinstance(data, list) else "a single value"
        return fail(1, 1, "not-mapping", f"a record must be a mapping of fields (key: value), not {what}")
    loaded.data = data
    loaded.positions = PackedPositions(data, pack(data, loader.marks))
    loaded.comments = loader.comments
    return loaded


def _editor_position(text: str, index: int) -> Position:
    """Line and column of ``text[index]`` as an editor shows them: only CR, LF and
    CRLF end lines, and a byte-order mark takes no column."""
    breaks = list(_LINE_BREAK.finditer(text, 0, index))
    start = breaks[-1].end() if breaks else (1 if text.startswith("\ufeff") else 0)
    return len(breaks) + 1, index - start + 1


def _unclosed_at(exc: yaml.MarkedYAMLError) -> yaml.Mark | None:
    """Where an unclosed quote or bracket was opened, or None.

    libyaml notices one only where the file (or the flow) ends, often many
    lines later; the line to fix is the one that opened it.
    """
    context = exc.context or ""
    if context.startswith("while parsing a flow") or (
            context.startswith("while scanning a quoted scalar") and "end of stream" in (exc.problem or "")):
        return exc.context_mark
    return None


def _non_breaking_space(exc: yaml.MarkedYAMLError, text: str) -> Position | None:
    """Where a non-breaking space sits on the line of the error (or of its context), or None.

    YAML does not count U+00A0 as a space, so ``notes:\u00a0text`` breaks the
    file with an error about some other line; the space is what to fix.
    """
    if "\u00a0" not in text:
        return None
    lines = _LINE_BREAK.split(text)  # not splitlines(): it also breaks at \x0b, \x1c and the like
    for mark in (exc.context_mark, exc.problem_mark):
        for index in (mark.line - 1, mark.line) if mark else ():
            found = _PASTED_SPACE.search(lines[index]) if 0 <= index < len(lines) else None
            if found:
                return (index + 1, found.end())
    return None


def _diagnose(exc: yaml.MarkedYAMLError, text: str) -> tuple[Position, str]:
    """Where to fix a YAML error, and how, in the words of the likely mistake.

    libyaml reports where it gave up, which is often lines after the slip
    (an unclosed quote swallows the fields after it); each explainer below
    recognises one common hand-editing mistake and points at its own line.
    """
    lines = text.splitlines()
    for explain in (_runaway_quote, _apostrophe_in_single_quotes, _no_space_after_colon, _indentation):
        found = explain(exc, text, lines)
        if found:
            return found
    mark = _unclosed_at(exc) or exc.problem_mark or exc.context_mark
    position = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return position, _describe_yaml_error(exc, text)


_FIELD_LINE = re.compile(r"^([ \t]*)((?:- +)?)([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")
_NO_SPACE_KEY = re.compile(r"^[ \t]*(?:- +)?([A-Za-z_][\w-]*):(\S.*)$")
Diagnosis = Optional[tuple[Position, str]]


def _runaway_quote(exc: yaml.MarkedYAMLError, text: str, lines: list[str]) -> Diagnosis:
    """A quote left open runs on to the next quote mark, swallowing the fields in between."""
    try:
        for token in yaml.scan(text, Loader=yaml.CSafeLoader):
            if not isinstance(token, yaml.ScalarToken) or token.style not in ('"', "'"):
                continue
            start, end = token.start_mark, token.end_mark
            if start.line != end.line and any(_FIELD_LINE.match(line) for line in lines[start.line + 1:end.line + 1]):
                quote = token.style
                return (start.line + 1, start.column + 1), (
                    f"this quoted value has no closing {quote} on its line, so it runs on to line {end.line + 1} "
                    f"and swallows the fields in between; close it with {quote} at the end of line {start.line + 1}")
    except yaml.YAMLError:
        pass
    return None


def _apostrophe_in_single_quotes(exc: yaml.MarkedYAMLError, text: str, lines: list[str]) -> Diagnosis:
    """``'Women's group'``: the apostrophe closes the single-quoted text."""
    mark = exc.problem_mark
    if mark is None or not 0 < mark.index < len(text) or text[mark.index - 1] != "'" or not text[mark.index].isalnum():
        return None
    line = lines[mark.line] if mark.line < len(lines) else ""
    opening = line.rfind("'", 0, mark.column - 1)
    closing = line.rfind("'")
    if opening < 0:
        return None
    inner = line[opening + 1:closing] if closing > mark.column else line[opening + 1:].rstrip()
    doubled = "'" + inner.replace("'", "''") + "'"
    hint = f"write it twice ({doubled})" + (f" or use double quotes (\"{inner}\")" if '"' not in inner else "")
    return (mark.line + 1, mark.column), f"an apostrophe inside '...' ends the quoted text; {hint}"


def _no_space_after_colon(exc: yaml.MarkedYAMLError, text: str, lines: list[str]) -> Diagnosis:
    """``setting:community``: without a space after ':' it is one word, not a field."""
    mark = exc.context_mark if "simple key" in (exc.context or "") else None
    if mark is None or mark.line >= len(lines):
        return None
    match = _NO_SPACE_KEY.match(lines[mark.line])
    if not match:
        return None
    key, value = match.groups()
    return (mark.line + 1, mark.column + 1), (
        f"'{key}:{value}' needs a space after the colon to be a field: write '{key}: {value}'")


def _indentation(exc: yaml.MarkedYAMLError, text: str, lines: list[str]) -> Diagnosis:
    """A field indented more or less than the fields around it."""
    problem = exc.problem or ""
    mark = exc.problem_mark
    if mark is None or mark.line >= len(lines) or not (
            problem.startswith(("mapping values are not allowed", "did not find expected key",
                                "expected <block end>"))):
        return None
    line = lines[mark.line]
    this = _FIELD_LINE.match(line)
    if not this:
        return None
    indent, key = len(this[1]), this[3]
    matches = [(n, _FIELD_LINE.match(lines[n])) for n in range(mark.line - 1, -1, -1)]
    above = [(n, m) for n, m in matches if m is not None]
    if not above:
        return None
    n, previous = above[0]
    previous_indent = len(previous[1])
    if indent > previous_indent and lines[n][previous.end():].strip():
        extra = indent - previous_indent
        return (mark.line + 1, indent + 1), (
            f"'{key}' is indented {extra} space{'s' if extra != 1 else ''} more than '{previous[3]}' on line {n + 1}, "
            f"so YAML reads it as part of that field's value; line '{key}' up with '{previous[3]}'")
    levels = {len(m[1]) + len(m[2]): (n, m[3]) for n, m in reversed(above)}
    if indent + len(this[2]) in levels:
        return None
    best = min(levels, key=lambda level: (abs(level - indent), -level))
    line_no, name = levels[best]
    return (mark.line + 1, indent + 1), (
        f"'{key}' is indented {indent} space{'s' if indent != 1 else ''}, which lines it up with no field above; "
        f"indent it {best} like '{name}' on line {line_no + 1}, or as its own parent's fields are")


def _describe_yaml_error(exc: yaml.MarkedYAMLError, text: str) -> str:
    problem = exc.problem or exc.context or "invalid YAML"
    if "expected a single document" in str(exc):
        return "the file holds several YAML documents (---); keep one record per file"
    mark = exc.problem_mark
    if "tab character" in problem or (mark and text[mark.index:mark.index + 1] == "\t"):
        return "a tab character here; indent YAML with spaces, not tabs"
    if _unclosed_at(exc):
        if "quoted" in (exc.context or ""):
            return "this quoted value has no closing quote; close it with the same quote mark"
        if "flow node" in (exc.context or ""):
            return "a [ list or { mapping is not closed, or a ',' has no item after it; close it with ']' or '}'"
        if "sequence" in (exc.context or ""):
            return "this [ list is not closed: add the missing ']' (or a ',' between items)"
        return "this { mapping is not closed: add the missing '}' (or a ',' between items)"
    if "incompatible YAML document" in problem:
        return "this %YAML version is not supported; delete the %YAML line"
    if "invalid Unicode character escape" in problem:
        return ("an escape (\\u...) that is not a character on its own (e.g. half of a surrogate pair); "
                "type the character itself")
    if "mapping values are not allowed" in problem:
        return "a ': ' where no field can start; quote a value that contains ': ', or fix the indentation"
    if exc.context and exc.problem:
        return f"{exc.context}, {exc.problem}"
    return problem


def _too_deep(text: str) -> Position | None:
    """Where nesting passes MAX_DEPTH, or None; libyaml's composer would crash."""
    if sum(text.count(c) for c in _NESTING_CHARS) < _CHEAP_DEPTH_BOUND:
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                mark = event.start_mark
                if depth > MAX_DEPTH:
                    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None  # the real parse reports it with its position
    return None
