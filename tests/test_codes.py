"""The registry of problem codes is the one list: README's table is generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerkit.codes import BY_CODE, CODES, markdown_table, problem, update_readme
from peerkit.problems import SEVERITIES

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_table_of_codes_is_the_registry():
    text = README.read_text(encoding="utf-8")
    assert markdown_table() in text, "README's table of codes is stale: run python -m peerkit.codes --write"
    assert update_readme(text) == text


def test_a_changed_registry_would_show_in_the_readme_check(monkeypatch):
    text = README.read_text(encoding="utf-8")
    monkeypatch.setattr("peerkit.codes.CODES", CODES[:-1])
    assert markdown_table() not in text


def test_every_code_is_registered_once_with_a_severity_and_a_summary():
    assert len(BY_CODE) == len(CODES)
    for code in CODES:
        assert code.severity in SEVERITIES and code.summary and code.code == code.code.lower()


def test_severity_comes_from_the_registry_and_unknown_codes_fail_loudly():
    assert problem("x.yaml", 3, 1, "no-debrief", "m").severity == "warning"
    assert problem("x.yaml", 3, 1, "mentee-name", "m").severity == "error"
    with pytest.raises(KeyError):
        problem("x.yaml", 1, 1, "no-such-code", "m")
