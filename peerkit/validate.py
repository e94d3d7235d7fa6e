"""The JSON Schemas of the record kinds, and plain-English schema errors.

Schemas ship inside the package (``peerkit/schemas``, the repository's
top-level ``schemas/``). Each is compiled once per process into a reused
validator: re-checking the schema on every call costs ~30x more.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from typing import Any, Iterator, Mapping

from typing import TYPE_CHECKING

from .loader import as_time
from .resources import data_dir

if TYPE_CHECKING:
    import jsonschema
    from jsonschema import Draft202012Validator

_CODES = {
    "required": "missing-field",
    "additionalProperties": "unknown-field",
    "type": "wrong-type",
    "enum": "bad-value",
    "const": "bad-value",
    "format": "bad-format",
    "pattern": "bad-format",
    "propertyNames": "bad-format",
    "uniqueItems": "duplicate-item",
}
_RANGE_TEXT = {
    "minimum": lambda n: f"must be at least {n}",
    "maximum": lambda n: f"must be at most {n}",
    "exclusiveMinimum": lambda n: f"must be more than {n}",
    "exclusiveMaximum": lambda n: f"must be less than {n}",
    "minLength": lambda n: "must not be empty" if n == 1 else f"must be at least {n} characters long",
    "maxLength": lambda n: f"must be at most {n} characters long",
    "minItems": lambda n: f"must list at least {n} item{'s' if n != 1 else ''}",
    "maxItems": lambda n: f"must list at most {n} item{'s' if n != 1 else ''}",
}
_RANGE = set(_RANGE_TEXT)
_DATE_AND_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]+\d")
_JSON_TYPES = {str: "text", bool: "true/false", int: "a whole number", float: "a number",
               list: "a list", dict: "a mapping", type(None): "empty"}
_WANTED = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
           "array": "a list", "object": "a mapping of fields", "null": "empty"}


def schema_text(kind: str) -> str:
    """The schema of ``kind`` as JSON text (for ``peerkit schema`` and editors)."""
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"


@cache
def schema(kind: str) -> dict:
    """The schema of ``kind``: its file, plus the fields every kind shares.

    ``acknowledged`` is defined once (``schemas/acknowledged.json``) and
    accepted on every record, whatever its kind.
    """
    folder = data_dir("schemas")
    spec = json.loads((folder / f"{kind}.schema.json").read_text(encoding="utf-8"))
    shared = json.loads((folder / "acknowledged.json").read_text(encoding="utf-8"))
    spec.setdefault("properties", {})["acknowledged"] = shared
    return spec


def vocabulary(kind: str, *field_path: str) -> tuple[str, ...]:
    """The allowed values of a field (or of its list items), as the schema lists them.

    Code that needs the values of an enum (chart series, table rows, CLI
    choices) reads them here rather than keeping a copy that could drift.
    """
    spec = schema(kind)
    for name in field_path:
        spec = spec["properties"][name]
        spec = spec.get("items", spec) if "enum" not in spec else spec
        if "$ref" in spec:
            spec = schema(kind)["$defs"][spec["$ref"].rpartition("/")[2]]
    return tuple(spec["enum"])


def _resolve(kind: str, spec: dict) -> dict:
    if "$ref" in spec:
        return schema(kind).get("$defs", {}).get(spec["$ref"].rpartition("/")[2], spec)
    return spec


@cache
def _field_schema(kind: str, shape: tuple) -> dict | None:
    spec: Any = schema(kind)
    for step in shape:
        spec = _resolve(kind, spec)
        spec = spec.get("items") if step == 0 else spec.get("properties", {}).get(step)
        if not isinstance(spec, dict):
            return None
    return _resolve(kind, spec)


def is_free_text(kind: str, field_path: tuple) -> bool:
    """Whether the field holds free text (no list of values, no pattern, no date): where a
    stray ``#`` is a likelier part of the text than a comment."""
    spec = _field_schema(kind, tuple(0 if isinstance(step, int) else step for step in field_path)) or {}
    constrained = any(k in spec for k in ("enum", "const", "pattern", "format"))
    return bool(spec) and spec.get("type") == "string" and not constrained


def cut_short(kind: str, positions: Mapping, comments) -> Iterator[tuple[tuple, str, str]]:
    """``(field_path, code, message)`` for each text field whose plain value a `` #`` comment cut short.

    YAML ends an unquoted value at `` #``: ``topic: Group #3 newly diagnosed``
    keeps only "Group", silently. The loader notes every comment that follows
    a plain value (the comment is not in the data, so only the line shows it);
    here the ones in free-text fields become warnings.
    """
    for comment in comments:
        for path, position in positions.items():
            if position[0] == comment.line and position[1] <= comment.column and is_free_text(kind, path):
                whole = f"{comment.value} {comment.comment}".replace('"', "'")
                whole = whole if len(whole) <= 80 else whole[:79] + "…"
                quoted = f'{path[-1]}: "{whole}"' if isinstance(path[-1], str) else f'- "{whole}"'
                yield path, "yaml-comment", (
                    f"{field_name(path)} is '{comment.value}': the '{comment.comment}' after it is a YAML comment "
                    f"and is not kept; to keep it, quote the whole value ({quoted}), "
                    f"or put a comment on a line of its own")
                break


@cache
def validator(kind: str) -> Draft202012Validator:
    """The reference validator, which explains errors; imported only when a record needs it.

    Its ``pattern`` reads patterns as JSON Schema defines them (ECMA-262), as
    jsonschema-rs and editors do, not as Python's ``re.search`` would: there
    ``$`` also matches before a final newline (``id: "eve\\n"`` would pass) and
    ``\\d`` matches any script's digits.
    """
    from jsonschema import Draft202012Validator, validators

    ecma = validators.extend(Draft202012Validator, validators={"pattern": _ecma_pattern_keyword})
    return ecma(schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _ecma_pattern_keyword(validator, pattern: str, instance: Any, schema: dict):
    from jsonschema import ValidationError

    if validator.is_type(instance, "string") and not ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def ecma_regex(pattern: str) -> re.Pattern:
    """``pattern`` with ECMA-262 meaning in Python: ``$`` only at the very end, ``\\d`` only 0-9.

    Outside a character class an unescaped ``$`` becomes ``\\Z``; ``re.ASCII``
    makes ``\\d``, ``\\w`` and ``\\b`` ASCII-only, as ECMA's are.
    """
    out, escaped, in_class = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        out.append(char)
    return re.compile("".join(out), re.ASCII)


@cache
def fast_validator(kind: str):
    """jsonschema-rs (~2 µs a record, ~150x the reference validator), or None.

    It only answers "valid or not"; the reference validator explains the
    rare invalid record, so messages do not depend on which one is present.
    """
    try:
        import jsonschema_rs
    except ImportError:  # no wheel for this platform: the reference validator does it all
        return None
    return jsonschema_rs.validator_for(schema(kind), validate_formats=True)


def schema_digest() -> str:
    """Changes whenever any schema changes (part of the cache key)."""
    import hashlib

    from .kinds import NAMES

    digest = hashlib.sha256((data_dir("schemas") / "acknowledged.json").read_bytes())
    for kind in NAMES:
        digest.update(schema_text(kind).encode())
    return digest.hexdigest()


def iter_errors(kind: str, data: Any) -> Iterator[tuple[tuple, str, str]]:
    """``(field_path, code, message)`` for every schema violation in ``data``."""
    fast = fast_validator(kind)
    if fast is not None and fast.is_valid(data):
        return
    explained = False
    for problem in _explained_errors(kind, data):
        explained = True
        yield problem
    if not explained and fast is not None:
        # The fast validator refused what the reference one cannot explain: still an error.
        yield from _unexplained(kind, data, fast)


def _unexplained(kind: str, data: Any, fast) -> Iterator[tuple[tuple, str, str]]:
    """A generic ``invalid`` per field jsonschema-rs refuses, naming the field where it can."""
    seen: set[tuple] = set()
    for error in fast.iter_errors(data):
        path = tuple(error.instance_path)
        if path in seen:
            continue
        seen.add(path)
        detail = " ".join(str(error.message).split())
        detail = detail if len(detail) <= 100 else detail[:97] + "..."
        subject = field_name(path) if path else "the record"
        yield path, "invalid", (f"{subject} does not fit the {kind} schema ({detail}); "
                                f"`peerkit schema {kind}` shows what each field takes")


def _explained_errors(kind: str, data: Any) -> Iterator[tuple[tuple, str, str]]:
    """The reference validator's errors, in plain English, each said once."""
    errors = list(_leaf_errors(validator(kind).iter_errors(data)))
    # A bad date breaks both its format and its pattern: say it once.
    bad_dates = {tuple(e.absolute_path) for e in errors if e.validator == "format"}
    # A value of the wrong type (.inf for minutes) is not also "out of range".
    wrong_type = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    misspelt = _misspelt(errors)
    seen: set[tuple] = set()  # one 'required' error per missing field would repeat the others
    for error in errors:
        if error.validator == "pattern" and tuple(error.absolute_path) in bad_dates:
            continue
        if error.validator in _RANGE and tuple(error.absolute_path) in wrong_type:
            continue
        for explained in _explain(error, misspelt):
            if explained not in seen:
                seen.add(explained)
                yield explained


def _guess(key: str, allowed) -> str | None:
    guess = close_fields(str(key), sorted(allowed))
    return guess[0] if guess else None


def _misspelt(errors: list[jsonschema.ValidationError]) -> dict[tuple, str]:
    """``{(path, unknown key): required field}`` where an unknown key is a required field misspelt.

    ``dat: 2025-03-04`` is one mistake; reported as an unknown field and a
    missing one it reads as two. The pair becomes one problem, at the key.
    """
    missing: dict[tuple, set[str]] = {}
    for error in errors:
        if error.validator == "required" and isinstance(error.instance, dict):
            names = {name for name in error.validator_value if name not in error.instance}
            missing.setdefault(tuple(error.absolute_path), set()).update(names)
    pairs: dict[tuple, str] = {}
    for error in errors:
        path = tuple(error.absolute_path)
        if error.validator != "additionalProperties" or not missing.get(path) or not isinstance(error.instance, dict):
            continue
        for key in error.instance:
            if key not in error.schema.get("properties", {}):
                guess = _guess(key, missing[path])
                if guess and guess not in pairs.values():
                    pairs[(path, key)] = guess
    return pairs


def _leaf_errors(errors) -> Iterator[jsonschema.ValidationError]:
    """Flatten if/then/allOf wrappers so each real problem is reported once."""
    for error in errors:
        if error.validator in ("allOf", "if", "then", "else") and error.context:
            yield from _leaf_errors(error.context)
        else:
            yield error


def close_fields(key: str, allowed: list[str]) -> list[str]:
    """The allowed field names close to ``key``, best first: the unknown-field message names the
    first, and ``check --fix`` renames the field only when there is exactly one."""
    return difflib.get_close_matches(key, allowed, n=len(allowed) or 1)


def field_name(path) -> str:
    """``actions[2].due``: the field as a person would name it (items count from 1)."""
    parts: list[str] = []
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step + 1}]")
        else:
            parts.append(("." if parts else "") + str(step))
    return "".join(parts) or "the record"


def _fixed_form(value: Any, pattern: str) -> str:
    """`` Write "09:05".`` or `` Did you mean 'zoe-ng'?``: the value in the form the pattern wants, when
    a time lacks its leading zero or a name was typed for an id."""
    if not isinstance(value, str):
        return ""
    from .new import slugify

    padded = as_time(value)
    if padded != value and re.fullmatch(pattern, padded):
        return f' Write "{padded}".'
    slug = slugify(value, max_words=8)
    if slug and slug != value and re.fullmatch(pattern, slug):
        return f" Did you mean '{slug}'?"
    return ""


_KEY_WITHOUT_SPACE = re.compile(r"([A-Za-z_][\w-]*):(\S.*)")


def _shape_hint(wanted: list[str], value: Any) -> str:
    """Why text stood where a list or mapping belongs, when the text shows it: a missing space."""
    if not isinstance(value, str):
        return ""
    first = value.split()[0] if value.split() else ""
    if "array" in wanted and first.startswith("-") and len(first) > 1:
        return f"; a list item needs a space after the '-': write '- {first[1:]}' on a line of its own"
    match = _KEY_WITHOUT_SPACE.fullmatch(value.strip())
    if "object" in wanted and match:
        return f"; a field needs a space after its colon: write '{match[1]}: {match[2]}'"
    return ""


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "..."


def _explain(error: jsonschema.ValidationError, misspelt: dict[tuple, str]) -> Iterator[tuple[tuple, str, str]]:
    path = tuple(error.absolute_path)
    field = field_name(path)
    keyword = error.validator
    code = _CODES.get(keyword, "out-of-range" if keyword in _RANGE else "invalid")
    value = error.instance
    if keyword == "required":
        missing = [name for name in error.validator_value if name not in (value or {})]
        merged = {name for (at, _), name in misspelt.items() if at == path}
        why = error.schema.get("x-message")  # why a conditionally required field is required,
        at = error.schema.get("x-at")  # and the field that makes it so, where the message points
        for name in missing:
            if name in merged:
                continue
            where = f" in {field}" if path else ""
            yield path + ((at,) if at in (value or {}) else ()), code, \
                f"missing required field '{name}'{where}; " + (why or "add it")
        return
    if keyword == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(error.schema.get("properties", {}))
        for key in value:
            if key in error.schema.get("properties", {}):
                continue
            if not allowed:
                continue
            where = " in " + field if path else ""
            if (path, key) in misspelt:
                meant = misspelt[(path, key)]
                yield (path + (key,), code,
                       f"unknown field '{key}'{where}; did you mean '{meant}'? ({meant} is required)")
                continue
            guess = _guess(key, allowed)
            hint = f"did you mean '{guess}'?" if guess else f"allowed: {', '.join(allowed)}"
            yield path + (key,), code, f"unknown field '{key}'{where}; {hint}"
        return
    if keyword == "type":
        wanted: list[str] = (error.validator_value if isinstance(error.validator_value, list)
                             else [error.validator_value])
        want = " or ".join(_WANTED.get(w, w) for w in wanted)
        got = _JSON_TYPES.get(type(value), type(value).__name__)
        yield path, code, f"{field} should be {want}, but is {got} ({_show(value)}){_shape_hint(wanted, value)}"
        return
    if keyword in ("enum", "const"):
        options = error.validator_value if keyword == "enum" else [error.validator_value]
        close = difflib.get_close_matches(str(value), [str(o) for o in options], n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        yield path, code, f"{field} is {_show(value)}; expected one of: {', '.join(map(str, options))}{hint}"
        return
    if keyword == "format" and error.validator_value == "date":
        if isinstance(value, str) and _DATE_AND_TIME.match(value):
            yield path, code, f"{field} {_show(value)} is not a real date; use YYYY-MM-DD, without the time of day"
            return
        yield path, code, f"{field} {_show(value)} is not a real date; use YYYY-MM-DD"
        return
    if keyword in ("pattern", "propertyNames"):
        hint = error.schema.get("description") or f"must match {error.validator_value}"
        hint += _fixed_form(value, error.validator_value)
        if keyword == "propertyNames":
            hint = (error.validator_value.get("description") if isinstance(error.validator_value, dict) else None) or ""
            yield path, code, f"{field} has a key that is not a valid id: {error.message}. {hint}".strip()
            return
        yield path, code, f"{field} {_show(value)} is not in the right form: {hint}"
        return
    if keyword == "uniqueItems":
        yield path, code, f"{field} lists the same item twice; remove the repeat"
        return
    if keyword in _RANGE:
        yield path, code, f"{field} is {_show(value)}; it {_RANGE_TEXT[keyword](error.validator_value)}"
        return
    custom = error.schema.get("x-message") if keyword in ("not", "oneOf", "anyOf") else None
    yield path, code, f"{field}: {custom or error.message}"
