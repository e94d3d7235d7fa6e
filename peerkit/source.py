"""Where a record came from: its path and the line and column of every field.

The loader builds the positions once, while it parses, as a flat map from a
field path (``("actions", 2, "due")``, as jsonschema reports paths) to a
1-based ``(line, column)``. A :class:`Source` is plain, frozen data: it survives
the process pool and the cache, and a test can build one by hand, so a rule
that reports a problem never goes back to the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence, Union

from .codes import problem as coded_problem
from .problems import Problem

FieldStep = Union[str, int]
FieldPath = tuple[FieldStep, ...]  # str keys and int list indexes
Position = tuple[int, int]  # 1-based line, column
Positions = Mapping[FieldPath, Position]

START: Position = (1, 1)


class PackedPositions(Mapping[FieldPath, Position]):
    """A record's positions as a flat tuple of numbers, unpacked on first use.

    Most records never report a problem, so their positions are never looked
    up; yet every record's positions cross the process pool and the cache.
    Packed, they are a tuple of small ints (a few hundred bytes), against a
    dict of path tuples when unpacked. The numbers follow the data's own
    order, so the data is the key to them (:func:`pack`, :meth:`_unpack`):
    a walk over its containers, depth first, each giving its number of
    entries and then a line and a column per entry (0 entries: not known,
    and nothing below it either).
    """

    __slots__ = ("data", "packed", "_unpacked")

    def __init__(self, data: Any, packed: Sequence[int]) -> None:
        self.data = data
        self.packed = packed
        self._unpacked: dict[FieldPath, Position] | None = None

    def __reduce__(self) -> tuple:
        return (PackedPositions, (self.data, self.packed))

    def _positions(self) -> dict[FieldPath, Position]:
        if self._unpacked is None:
            self._unpacked = _unpack(self.data, self.packed)
        return self._unpacked

    def __getitem__(self, field_path: FieldPath) -> Position:
        return self._positions()[field_path]

    def __iter__(self) -> Iterator[FieldPath]:
        return iter(self._positions())

    def __len__(self) -> int:
        return len(self._positions())


def _steps(node: Any) -> Iterator[tuple[FieldStep, Any]]:
    return iter(node.items()) if node.__class__ is dict else enumerate(node)


def pack(data: Any, marks: Mapping[int, Sequence[int]]) -> tuple[int, ...]:
    """Pack the loader's marks (``{id(container): [line, col, ...]}``, one pair per
    key or item, in order) in the order :func:`_unpack` reads them back."""
    packed: list[int] = []
    add, extend = packed.append, packed.extend
    stack = [data]
    while stack:
        node = stack.pop()
        flat = marks.get(id(node))
        if flat is None or len(flat) != 2 * len(node):  # e.g. a key written twice
            add(0)
            continue
        add(len(node))
        extend(flat)
        children = [child for child in (node.values() if node.__class__ is dict else node)
                    if child.__class__ is dict or child.__class__ is list]
        if children:
            stack.extend(reversed(children))
    return tuple(packed)


# Every record repeats the same few hundred field paths and positions: each is
# built once per process and shared (80,000 files' positions stay small).
_CHILD_PATHS: dict[FieldPath, dict[FieldStep, FieldPath]] = {}
_SHARED_POSITIONS: dict[Position, Position] = {}


def _unpack(data: Any, packed: Sequence[int]) -> dict[FieldPath, Position]:
    positions: dict[FieldPath, Position] = {}
    numbers = iter(packed)
    stack: list[tuple[FieldPath, Any]] = [((), data)]
    while stack:
        prefix, node = stack.pop()
        count = next(numbers, 0)
        if not count:
            continue
        children = _CHILD_PATHS.get(prefix)
        if children is None:
            children = {} if len(_CHILD_PATHS) > 50_000 else _CHILD_PATHS.setdefault(prefix, {})
        below = []
        for (step, child), _ in zip(_steps(node), range(count)):
            path = children.get(step)
            if path is None:
                path = children[step] = prefix + (step,)
            position = (next(numbers, 0), next(numbers, 0))
            if len(_SHARED_POSITIONS) < 100_000:
                position = _SHARED_POSITIONS.setdefault(position, position)
            positions[path] = position
            if child.__class__ is dict or child.__class__ is list:
                below.append((path, child))
        stack.extend(reversed(below))
    return positions


@dataclass(frozen=True)
class Source:
    """One record file: ``rel`` inside the records folder, ``display`` as the user named it."""

    display: str
    rel: str
    positions: Positions = field(default_factory=dict, repr=False, compare=False)

    def at(self, *field_path: FieldStep) -> Position:
        """The position of ``field_path``, or of its nearest parent that has one.

        A field that is absent (a missing ``debrief``) points at its parent,
        and the record itself at its first line.
        """
        for end in range(len(field_path), 0, -1):
            position = self.positions.get(field_path[:end])
            if position is not None:
                return position
        return START

    def has(self, *field_path: FieldStep) -> bool:
        """Whether the file spells out ``field_path`` itself (not a default)."""
        return field_path in self.positions

    def problem(self, field_path: FieldPath, code: str, message: str) -> Problem:
        """A problem of ``code`` (its severity from :mod:`peerkit.codes`) at ``field_path``."""
        line, column = self.at(*field_path)
        return coded_problem(self.display, line, column, code, message)
