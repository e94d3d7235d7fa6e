"""``peerkit check --fix``: apply the fixes that are certain, where they are written.

Certain means the schema leaves one reading:

* a YAML 1.1 trap in a text field (``checked_in: 18:30``, ``mentee: NO``,
  ``code: 012``) is quoted exactly as the user wrote it: ``"18:30"``, never 1110;
* ``yes``/``no``/``on``/``off`` in a true-or-false field becomes ``true``/``false``;
* an unknown field name with exactly one close known name in its place
  (``cheked_in`` -> ``checked_in``) is renamed, unless that name is already there.

Anything else (a trap in a number or date field, a name with two close
matches) stays a problem for a person. Each fix is a patch of the text at
that key or value (:mod:`peerkit.edit`): everything else in the file stays
byte for byte, comments included. The patched file is proved (read again, it
holds the old data with only those changes) and written atomically, never
through a link.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .edit import EditError, Patch, apply_patches, entries, read_record, replace_file
from .fmt import Spec, Target
from .problems import Problem, printable
from .source import FieldPath

# Problems a fix may remove; check --fix looks at the files that have them.
FIXABLE = frozenset({"yaml-ambiguous", "unknown-field"})
# Files with these are not read far enough to fix anything safely.
_UNSAFE = frozenset({"yaml-syntax", "encoding", "too-large", "too-deep", "unreadable", "empty-file",
                     "not-mapping", "yaml-alias", "duplicate-key"})
_BOOLEANS = {"yes": True, "on": True, "no": False, "off": False}
_TEXT_REFS = frozenset({"time", "id", "markdown"})


@dataclass(frozen=True, order=True)
class Fixed:
    """One fix made, at the line and column where it was written."""

    path: str
    line: int
    column: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}:{self.column}: fixed: {self.code} {printable(self.message)}"


def _spec_at(spec: Spec, path: FieldPath) -> Spec | None:
    """The schema of the value at ``path``, or None where the schema does not say."""
    for step in path:
        if isinstance(step, int):
            if spec.node.get("type") != "array":
                return None
            spec = spec.item()
        else:
            if step not in spec.node.get("properties", {}) and not isinstance(
                    spec.node.get("additionalProperties"), dict):
                return None
            spec = spec.field(step)
    return spec


def _takes(spec: Spec, json_type: str) -> bool:
    node = spec.node
    if node.get("type") == json_type:
        return True
    if json_type == "string" and (spec.ref in _TEXT_REFS or spec.is_quoted or
                                  (node.get("enum") and all(isinstance(v, str) for v in node["enum"]))):
        return True
    return any(_takes(spec.resolved(branch, spec.name), json_type) for branch in node.get("anyOf", ()))


def _trap_fix(text: str, spec: Spec) -> tuple[str, Any, str] | None:
    """(new text, the value it holds, what was done) for a trap in a field of ``spec``, or None."""
    if spec.is_date:
        return None  # 2025:03:04 in a date field: who knows what was meant
    if _takes(spec, "boolean") and text.lower() in _BOOLEANS:
        value = _BOOLEANS[text.lower()]
        return str(value).lower(), value, f"{text} -> {str(value).lower()}"
    if _takes(spec, "string") and '"' not in text and "\\" not in text:
        return f'"{text}"', text, f'{text} -> "{text}", as written'
    return None


def plan_fixes(raw: bytes, rel: str, display: str, kind: str | None) -> tuple[str, list[Fixed]] | None:
    """The fixed text of one file and the fixes made, or None when nothing certain can be fixed."""
    from .loader import load_file
    from .validate import close_fields, field_name

    loaded = load_file(display, rel, display, raw)
    if any(p.code in _UNSAFE for p in loaded.problems) or not isinstance(loaded.data, dict) or kind is None:
        return None
    text = raw.decode("utf-8")
    bom = text.startswith("\ufeff")
    body = text[1:] if bom else text
    root = yaml.compose(body, Loader=yaml.CSafeLoader)
    if root is None:
        return None
    spec = Spec.of(kind)
    traps = {(p.line - 1, p.column - 1) for p in loaded.problems if p.code == "yaml-ambiguous"}
    patches: list[Patch] = []
    fixed: list[Fixed] = []
    expected = copy.deepcopy(loaded.data)
    for path, _key, value in entries(root):
        here = _spec_at(spec, path)
        mark = value.start_mark
        if (isinstance(value, yaml.ScalarNode) and not value.style and (mark.line, mark.column) in traps
                and here is not None and mark.line == value.end_mark.line):
            found = _trap_fix(value.value, here)
            if found:
                new_text, new_value, what = found
                patches.append(Patch(mark.line, mark.column, value.value, new_text))
                _set(expected, path, new_value)
                fixed.append(Fixed(display, mark.line + 1, mark.column + 1, "yaml-ambiguous",
                                   f"{field_name(path)}: {what}"))
        if isinstance(value, yaml.MappingNode) and not value.flow_style:
            holder = _spec_at(spec, path)
            if holder is None or holder.node.get("additionalProperties") is not False:
                continue
            allowed = list(holder.node.get("properties", {}))
            names = {k.value for k, _ in value.value}
            for key_node, _ in value.value:
                name = key_node.value
                if name in allowed or key_node.style or not isinstance(name, str):
                    continue
                guesses = close_fields(name, allowed)
                if len(guesses) != 1 or guesses[0] in names:
                    continue
                start = key_node.start_mark
                patches.append(Patch(start.line, start.column, name, guesses[0]))
                _rename(expected, path, name, guesses[0])
                names.add(guesses[0])  # a second misspelling of the same field stays a problem
                where = f" in {field_name(path)}" if path else ""
                fixed.append(Fixed(display, start.line + 1, start.column + 1, "unknown-field",
                                   f"renamed '{name}'{where} to '{guesses[0]}'"))
    if not patches:
        return None
    try:
        new_body = apply_patches(body, patches)
    except EditError:
        return None
    new_text = ("\ufeff" if bom else "") + new_body
    again = load_file(display, rel, display, new_text.encode("utf-8"))
    if again.data != expected or any(p.code in _UNSAFE for p in again.problems):
        return None  # not certain after all: the file stays as it is, its problems stay problems
    return new_text, sorted(fixed)


def _container(data: Any, path: FieldPath) -> Any:
    for step in path:
        data = data[step]
    return data


def _set(data: Any, path: FieldPath, value: Any) -> None:
    _container(data, path[:-1])[path[-1]] = value


def _rename(data: Any, path: FieldPath, old: str, new: str) -> None:
    """Rename key ``old`` of the mapping at ``path``, keeping its place."""
    mapping = _container(data, path)
    items = [(new if k == old else k, v) for k, v in mapping.items()]
    mapping.clear()
    mapping.update(items)


def fix_targets(targets: list[Target]) -> tuple[list[Fixed], list[Problem]]:
    """Fix every target that can be fixed with certainty; (fixes made, files that could not be written)."""
    from .codes import problem

    made: list[Fixed] = []
    failed: list[Problem] = []
    for target in targets:
        try:
            raw = read_record(Path(target.path))
        except EditError:
            continue
        planned = plan_fixes(raw, target.rel, target.display, target.kind)
        if planned is None:
            continue
        text, fixes = planned
        try:
            replace_file(Path(target.path), raw, text)
        except EditError as exc:
            failed.append(problem(target.display, 1, 1, "not-formatted", f"not fixed: {exc}"))
            continue
        made += fixes
    return made, failed
