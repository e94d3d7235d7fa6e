"""The JSON Schemas of the five record kinds, and plain-English schema errors.

Schemas ship inside the package (``peerkit/schemas``, the repository's
top-level ``schemas/``). Each is compiled once per process into a reused
validator: re-checking the schema on every call costs ~30x more.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from typing import Any, Iterator

from typing import TYPE_CHECKING

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
    seen: set[tuple] = set()  # one 'required' error per missing field would repeat the others
    for error in errors:
        if error.validator == "pattern" and tuple(error.absolute_path) in bad_dates:
            continue
        if error.validator in _RANGE and tuple(error.absolute_path) in wrong_type:
            continue
        for explained in _explain(error):
            if explained not in seen:
                seen.add(explained)
                yield explained


def _leaf_errors(errors) -> Iterator[jsonschema.ValidationError]:
    """Flatten if/then/allOf wrappers so each real problem is reported once."""
    for error in errors:
        if error.validator in ("allOf", "if", "then", "else") and error.context:
            yield from _leaf_errors(error.context)
        else:
            yield error


def field_name(path) -> str:
    """``actions[2].due``: the field as a person would name it (items count from 1)."""
    parts: list[str] = []
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step + 1}]")
        else:
            parts.append(("." if parts else "") + str(step))
    return "".join(parts) or "the record"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "..."


def _explain(error: jsonschema.ValidationError) -> Iterator[tuple[tuple, str, str]]:
    path = tuple(error.absolute_path)
    field = field_name(path)
    keyword = error.validator
    code = _CODES.get(keyword, "out-of-range" if keyword in _RANGE else "invalid")
    value = error.instance
    if keyword == "required":
        missing = [name for name in error.validator_value if name not in (value or {})]
        for name in missing:
            where = f" in {field}" if path else ""
            yield path, code, f"missing required field '{name}'{where}; add it"
        return
    if keyword == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(error.schema.get("properties", {}))
        for key in value:
            if key in error.schema.get("properties", {}):
                continue
            if not allowed:
                continue
            guess = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else f"allowed: {', '.join(allowed)}"
            yield path + (key,), code, f"unknown field '{key}'{' in ' + field if path else ''}; {hint}"
        return
    if keyword == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        want = " or ".join(_WANTED.get(w, w) for w in wanted)
        got = _JSON_TYPES.get(type(value), type(value).__name__)
        yield path, code, f"{field} should be {want}, but is {got} ({_show(value)})"
        return
    if keyword in ("enum", "const"):
        options = error.validator_value if keyword == "enum" else [error.validator_value]
        guess = difflib.get_close_matches(str(value), [str(o) for o in options], n=1)
        hint = f"; did you mean '{guess[0]}'?" if guess else ""
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
