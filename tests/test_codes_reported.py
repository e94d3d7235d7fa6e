"""Every problem code peerkit can report is registered, and so in README's table of codes."""

from __future__ import annotations

import ast
import re
from typing import Iterable, Iterator

import pytest

from conftest import REPO
from peerkit.codes import BY_CODE

# peerkit.codes is the one list of codes; README's table is generated from it
# (tests/test_codes.py). An unregistered code fails only when a run reports it,
# so the codes are also found in the source, in every form a code is written in:
# an argument in the place of a parameter called ``code`` (problem(path, line,
# column, "code", message), source.problem(field, "code", message), fail(line,
# column, "code", message), self.issue(node, "code", message)), code="...",
# issues.append((line, column, "code", message)), a ("code", message) pair returned
# or yielded by a helper and spread into a problem later (discover._odd_entry,
# rules.membership_gap), a module's table read where a code goes (code =
# CODES.get(keyword, "invalid"), source.problem(field, EVIDENCE_CODES[reason], ...)),
# and Problem(..., ERROR, "code", ...) written without the registry.

SEVERITY_NAMES = {"ERROR", "WARNING", "NOTE"}
CODE_SHAPE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_code(node: ast.AST) -> bool:
    return CODE_SHAPE.fullmatch(_text(node) or "") is not None


def _is_message(node: ast.AST) -> bool:
    """A plain-English message: an f-string, text with words and spaces, or such text + more."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_message(node.left) or _is_message(node.right)
    return isinstance(node, ast.JoinedStr) or re.search(r"[a-z] [a-z]", _text(node) or "") is not None


def _codes_in_sequence(items: list[ast.expr], *, before_a_message: bool) -> Iterator[str]:
    """Code-shaped text right after a severity, or (in a tuple) right before a message."""
    for i, item in enumerate(items):
        after_severity = i > 0 and isinstance(items[i - 1], ast.Name) and items[i - 1].id in SEVERITY_NAMES
        before_message = before_a_message and i + 1 < len(items) and _is_message(items[i + 1])
        if _is_code(item) and (after_severity or before_message):
            yield _text(item)


def _codes_given_to_code(value: ast.expr, tables: dict[str, ast.Dict]) -> Iterator[str]:
    """``code = ...`` or an argument for a ``code`` parameter: the code-shaped texts in it,
    and the values of the module's tables it reads (``CODES[reason]``, ``CODES.get(k, "x")``)."""
    for node in ast.walk(value):
        if _is_code(node):
            yield _text(node)
        elif isinstance(node, ast.Name) and node.id in tables:
            yield from (_text(v) for v in tables[node.id].values if _is_code(v))


def code_parameters(tree: ast.AST) -> dict[str, set[int]]:
    """Function name -> where its parameter called ``code`` is among the arguments of a call."""
    found: dict[str, set[int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = [arg.arg for arg in node.args.posonlyargs + node.args.args]
            names = names[1:] if names[:1] in (["self"], ["cls"]) else names
            if "code" in names:
                found.setdefault(node.name, set()).add(names.index("code"))
    return found


def _codes_given_to_a_code_parameter(call: ast.Call, parameters: dict[str, set[int]],
                                     tables: dict[str, ast.Dict]) -> Iterator[str]:
    """``problem(path, 1, 1, "code", store.unused)``: whatever the message, the code is known by its place."""
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)
    for index in parameters.get(name, ()):
        if index < len(call.args):
            yield from _codes_given_to_code(call.args[index], tables)


def codes_in(source: str) -> set[str]:
    """Every problem code a module's source can report (see above for the forms)."""
    tree = ast.parse(source)
    parameters = _merged([PACKAGE_CODE_PARAMETERS, code_parameters(tree)])
    tables = {target.id: node.value for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
              and isinstance(node.value, ast.Dict)
              for target in getattr(node, "targets", [getattr(node, "target", None)]) if isinstance(target, ast.Name)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found.update(_codes_in_sequence(node.args, before_a_message=False))  # Problem(..., ERROR, "code", ...)
            found.update(_codes_given_to_a_code_parameter(node, parameters, tables))
            found.update(_text(k.value) for k in node.keywords if k.arg == "code" and _is_code(k.value))
            tuples = [arg for arg in node.args if isinstance(arg, ast.Tuple)]  # issues.append((1, 1, "code", msg))
        elif isinstance(node, (ast.Return, ast.Yield)):
            tuples = [node.value] if isinstance(node.value, ast.Tuple) else []
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "code" for t in node.targets):
            found.update(_codes_given_to_code(node.value, tables))
            continue
        else:
            continue
        for pair in tuples:
            found.update(_codes_in_sequence(pair.elts, before_a_message=True))
    return found


def reported_codes() -> set[str]:
    """Every problem code a peerkit module can report (the registry itself reports none)."""
    return set().union(*(codes_in(source) for name, source in PACKAGE.items() if name != "codes.py"))


def _merged(tables: Iterable[dict[str, set[int]]]) -> dict[str, set[int]]:
    merged: dict[str, set[int]] = {}
    for table in tables:
        for name, places in table.items():
            merged[name] = merged.get(name, set()) | places
    return merged


PACKAGE = {path.name: path.read_text(encoding="utf-8") for path in sorted((REPO / "peerkit").glob("*.py"))}
PACKAGE_CODE_PARAMETERS = _merged(code_parameters(ast.parse(source)) for source in PACKAGE.values())


def test_codes_are_found_in_every_form_peerkit_writes_them():
    # Guards the search: if it stopped matching a form, the tests below would pass vacuously.
    assert {"id-mismatch", "mentee-name", "personal-data", "no-debrief", "overdue-action",  # source.problem(...)
            "no-programme", "skipped", "cache-unused",  # problem(...), the last with a message from elsewhere
            "unreadable", "outside-records",  # ("code", message) returned by discover._odd_entry
            "before-joined",  # "code", message returned by rules.membership_gap
            "too-large", "yaml-alias", "too-deep",  # fail(...), self.issue(...), issues.append((...))
            "missing-field", "invalid", "out-of-range",  # code = _CODES.get(keyword, ...)
            "missing-evidence", "evidence-outside",  # source.problem(field, EVIDENCE_CODES[reason], ...)
            } <= reported_codes()


@pytest.mark.parametrize("source", [
    'problems.append(problem(display, 1, 1, "zz-new", "a message"))',
    'yield record.source.problem(("date",), "zz-new", f"dated {day}")',
    'Problem(display, 1, 1, WARNING, "zz-new", message)',
    'def _odd(entry):\n    return ("zz-new", "a link that leads nowhere")',
    'def gap(day):\n    return "zz-new", f"dated {day}"',
    'def gaps(days):\n    for day in days:\n        yield "zz-new", f"dated {day}"',
    'self.issue(node, "zz-new", "a key must be plain text")',
    'fail(1, 1, "zz-new", f"the file is {size} bytes")',
    'problems.append(problem(path, 1, 1, "zz-new", store.unused))',
    'problem(display, 1, 1, "zz-new", "not a place for records; they live in " + PLACES)',
    'self.issues.append((1, 1, "zz-new", "nesting is too deep"))',
    'report(code="zz-new")',
    '_CODES = {"required": "zz-new"}\ndef explain(keyword):\n    code = _CODES.get(keyword, "invalid")',
    'CODES: dict[str, str] = {PATH: "zz-new"}\n'
    'def rule(source, refused):\n    yield source.problem(FIELD, CODES[refused], message)',
    'def explain(keyword):\n    code = "zz-new" if keyword == "x" else "invalid"',
], ids=["problem", "source.problem", "Problem-with-severity", "returned-tuple", "returned-pair", "yielded-pair",
        "issue", "fail", "message-attribute", "joined-message", "appended-tuple", "keyword", "table", "table-argument",
        "conditional"])
def test_a_code_written_in_any_of_these_forms_is_found(source):
    assert "zz-new" in codes_in(source)


def test_text_that_is_not_a_problem_code_is_not_taken_for_one():
    assert codes_in('VALID, EXPIRED = "valid", "never done"\nMissing("name", "--name", "Full name")\n'
                    'Found(cwd / "records", "records", "using the records in records/")') == set()


def test_every_code_peerkit_reports_is_registered():
    assert reported_codes() - set(BY_CODE) == set()


def test_every_registered_code_is_one_peerkit_reports():
    assert set(BY_CODE) - reported_codes() == set()


@pytest.mark.parametrize("code", ["unreadable", "outside-records", "before-joined", "no-programme", "missing-field"])
def test_a_code_missing_from_the_registry_is_noticed(code):
    """Codes from discover's and the rules' helpers, the loader, the schema table: each is noticed when it goes."""
    assert code in BY_CODE
    assert reported_codes() - (set(BY_CODE) - {code}) == {code}
