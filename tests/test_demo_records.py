"""The demo programme in records/: it passes, and breaking any field is found at its line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import DEMO, DEMO_AS_OF, problems, run_check


def test_demo_records_pass_with_realistic_warnings(demo):
    exit_code, output = run_check(demo, as_of=DEMO_AS_OF)
    assert exit_code == 0, output
    found = problems(output, demo)
    assert found, "the demo should show a few realistic warnings"
    assert {p.severity for p in found} == {"warning"}, output
    assert {"no-debrief", "overdue-action"} <= {p.code for p in found}
    assert re.fullmatch(r"checked \d+ files: 0 errors, \d+ warnings?", output.splitlines()[-1])


def set_field(path: Path, key: str, value: str, indent: str = "") -> int:
    """Set the first ``key:`` written at ``indent`` to ``value``; return its line."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for number, line in enumerate(lines, start=1):
        if line.startswith(f"{indent}{key}:") and line.split(":", 1)[1].strip():
            lines[number - 1] = f"{indent}{key}: {value}\n"
            path.write_text("".join(lines), encoding="utf-8")
            return number
    raise LookupError(f"no {indent}{key}: in {path}")


def middle_file_with(records: Path, folder: str, pattern: str) -> Path:
    """A file from the middle of ``folder`` (not the first) whose text matches ``pattern``."""
    candidates = [p for p in sorted((records / folder).rglob("*.yaml"))
                  if re.search(pattern, p.read_text(encoding="utf-8"), re.MULTILINE)]
    assert len(candidates) >= 3, f"the demo has too few {folder} files with {pattern!r}"
    return candidates[len(candidates) // 2]


@pytest.mark.parametrize("folder, key, indent, value, code, column", [
    ("meetings", "duration_minutes", "", "lots", "wrong-type", 1),
    ("supervision", "date", "", "2026-02-30", "bad-date", 7),
    ("supervision", "due", "    ", "2026-04-31", "bad-date", 10),  # actions[n].due
    ("meetings", "date", "  ", "2025-13-45", "bad-date", 9),   # debrief.date
    ("supporters", "status", "", "activ", "bad-value", 1),
    ("cpd", "hours", "", "-2", "out-of-range", 1),
    ("cpd", "type", "", "webinar", "bad-value", 1),
])
def test_one_bad_field_in_the_demo_is_found_at_its_line(tmp_path, folder, key, indent, value, code, column):
    records = tmp_path / "records"
    shutil.copytree(DEMO, records)
    target = middle_file_with(records, folder, rf"^{indent}{key}: \S")
    line = set_field(target, key, value, indent)
    exit_code, output = run_check(records, as_of=DEMO_AS_OF)
    errors = [(p.path, p.line, p.column, p.code) for p in problems(output, records) if p.severity == "error"]
    assert errors == [(target.relative_to(records).as_posix(), line, column, code)], output
    assert exit_code == 1
