"""Where a record came from: its path and the line and column of every field.

The loader builds the positions once, while it parses, as a flat map from a
field path (``("actions", 2, "due")``, as jsonschema reports paths) to a
1-based ``(line, column)``. A :class:`Source` is plain, frozen data: it survives
the process pool and the cache, and a test can build one by hand, so a rule
that reports a problem never goes back to the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Union

from .codes import problem as coded_problem
from .problems import Problem

FieldStep = Union[str, int]
FieldPath = tuple[FieldStep, ...]  # str keys and int list indexes
Position = tuple[int, int]  # 1-based line, column
Positions = Mapping[FieldPath, Position]

START: Position = (1, 1)


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
