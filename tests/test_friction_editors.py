"""Editors and shells: every schema field has a description (editor hovers), and Tab completes
the ids a coordinator types (supporters, competencies, mandatory training)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterator

import pytest
import yaml
from click.testing import CliRunner

from peerkit.cli import main
from peerkit.kinds import NAMES

def fields(node: dict, path: str = "") -> Iterator[tuple[str, dict]]:
    """(path, schema) of every field a record can hold: properties of the record, of nested
    mappings, of list items and of shared definitions. Conditional subschemas (if/then/else)
    only constrain fields listed here, so they are not walked."""
    for name, sub in node.get("properties", {}).items():
        yield f"{path}{name}", sub
        yield from fields(sub, f"{path}{name}.")
        if isinstance(sub.get("items"), dict):
            yield from fields(sub["items"], f"{path}{name}[].")
    for name, sub in node.get("$defs", {}).items():
        yield from fields(sub, f"$defs.{name}.")

@pytest.mark.parametrize("kind", NAMES)
def test_every_schema_field_has_a_description(kind: str) -> None:
    result = CliRunner().invoke(main, ["schema", kind])
    assert result.exit_code == 0
    spec = json.loads(result.output)
    undescribed = [path for path, sub in fields(spec) if not str(sub.get("description", "")).strip()]
    assert undescribed == [], f"{kind}: fields without a description: {undescribed}"

def complete(*words: str, cwd: Path | None = None) -> list[str]:
    """What Tab offers after ``peerkit WORDS`` (the last word is the one being typed), through
    Click's real completion protocol (the environment variables the shell script sets)."""
    env = {"_PEERKIT_COMPLETE": "bash_complete", "COMP_WORDS": " ".join(("peerkit", *words)),
           "COMP_CWORD": str(len(words))}
    old = Path.cwd()
    try:
        if cwd:
            os.chdir(cwd)
        result = CliRunner().invoke(main, [], env=env, prog_name="peerkit")
    finally:
        os.chdir(old)
    # bash_complete prints "type,value" lines
    return [line.split(",", 1)[1] for line in result.output.splitlines() if line.startswith("plain,")]

def test_supporter_options_complete_supporter_ids(records: Path) -> None:
    assert complete("new", "meeting", str(records), "--supporter", "") == ["amara-okafor", "ben-shah"]
    assert complete("new", "meeting", str(records), "--facilitator", "b") == ["ben-shah"]
    assert complete("new", "supervision", str(records), "--supporter", "am") == ["amara-okafor"]
    assert complete("new", "cpd", str(records), "--supporter", "") == ["amara-okafor", "ben-shah"]

def test_portfolio_id_completes_from_the_records_folder_the_user_stands_in(records: Path) -> None:
    # ID comes before RECORDS, so the folder is found as git finds its repository: upwards.
    assert complete("portfolio", "", cwd=records / "supporters") == ["amara-okafor", "ben-shah"]

def test_competency_and_training_options_complete_programme_ids(records: Path) -> None:
    programme = yaml.safe_load((records / "programme.yaml").read_text())
    competencies = [c["id"] for c in programme["competencies"]]
    training = [t["id"] for t in programme["mandatory_training"]]
    assert len(competencies) >= 2 and len(training) >= 2
    assert complete("new", "cpd", str(records), "--competency", "") == competencies
    assert complete("new", "cpd", str(records), "--mandatory", "") == training
    assert complete("new", "cpd", str(records), "--mandatory", training[1][:3]) == \
        [t for t in training if t.startswith(training[1][:3])]

def test_completion_of_unreadable_records_offers_nothing_and_never_fails(tmp_path: Path) -> None:
    (tmp_path / "programme.yaml").write_text("competencies: &a [*a]\n", encoding="utf-8")
    assert complete("new", "cpd", str(tmp_path), "--competency", "") == []
    assert complete("new", "cpd", str(tmp_path / "missing"), "--supporter", "", cwd=tmp_path) == []
