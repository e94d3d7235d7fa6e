"""README and CLI agree; ``peerkit schema``; this repository as a pre-commit hook."""

from __future__ import annotations

import json
import re

import click
import pytest
import yaml

from conftest import REPO, run
from peerkit.cli import main

README = (REPO / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group = main, prefix: str = "") -> list[tuple[str, click.Command]]:
    """Every command, sub-commands of groups included: ("new meeting", command)."""
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((prefix + name, command))
        if isinstance(command, click.Group):
            found += commands(command, f"{prefix}{name} ")
    return found


@pytest.mark.parametrize("name, command", commands(), ids=[name for name, _ in commands()])
def test_every_command_is_in_readme_and_has_an_example(name: str, command: click.Command) -> None:
    first_word = name.split()[0]
    assert f"peerkit {first_word}" in README, f"README does not mention 'peerkit {first_word}'"
    if " " in name:
        assert f"peerkit {name} " in README, f"README has no example of 'peerkit {name}'"
    help_text = run(*name.split(), "--help").output
    assert "Example:" in help_text
    example = help_text.split("Example:", 1)[1]
    assert f"peerkit {name}" in example, f"the example in 'peerkit {name} --help' does not use it"


def test_readme_documents_editor_ci_and_completion() -> None:
    section = README.split("## Coordinator workflow", 1)[1].split("\n## ", 1)[0]
    for needed in ("# yaml-language-server: $schema=", '"yaml.schemas"', "peerkit check records --format github",
                   "_PEERKIT_COMPLETE=bash_source peerkit", "_PEERKIT_COMPLETE=zsh_source peerkit",
                   "_PEERKIT_COMPLETE=fish_source peerkit", "id: peerkit-check",
                   "peerkit schema meeting > .schemas/meeting.schema.json"):
        assert needed in section, needed


def test_readme_sample_workflow_and_hook_config_are_valid_yaml() -> None:
    section = README.split("## Coordinator workflow", 1)[1].split("\n## ", 1)[0]
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", section, re.S)]
    workflow = next(b for b in blocks if isinstance(b, dict) and "jobs" in b)
    assert any("--format github" in step.get("run", "") for step in workflow["jobs"]["check"]["steps"])
    config = next(b for b in blocks if isinstance(b, dict) and "repos" in b)
    assert [hook["id"] for hook in config["repos"][0]["hooks"]] == ["peerkit-fmt", "peerkit-check"]
    assert any(step.get("run", "").startswith("peerkit fmt --check") for step in workflow["jobs"]["check"]["steps"])


@pytest.mark.parametrize("kind", ["programme", "supporter", "meeting", "supervision", "cpd"])
def test_schema_prints_the_json_schema(kind: str) -> None:
    result = run("schema", kind)

    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    shipped = json.loads((REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    shared = json.loads((REPO / "schemas" / "acknowledged.json").read_text(encoding="utf-8"))
    assert schema == {**shipped, "properties": {**shipped["properties"], "acknowledged": shared}}


def test_schema_refuses_an_unknown_kind() -> None:
    result = run("schema", "mentee")

    assert result.exit_code == 2
    assert "'mentee' is not one of" in result.output


def test_pre_commit_hook_definition() -> None:
    fmt, hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))

    assert (fmt["id"], fmt["entry"], fmt["language"], fmt.get("pass_filenames", True)) == (
        "peerkit-fmt", "peerkit fmt", "python", True)  # formats the staged files it is given
    assert fmt["files"] == hook["files"]
    assert hook["id"] == "peerkit-check"
    assert hook["entry"] == "peerkit check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "records/meetings/2025/2025-03-04-x.yaml")
    assert re.search(hook["files"], "programme.yml")
    assert not re.search(hook["files"], "evidence/certificate.pdf")
