"""``peerkit init``: a new records repository that passes check and never overwrites."""

from __future__ import annotations

import glob
import tomllib
from pathlib import Path

import yaml

from conftest import REPO, run, snapshot, write


def test_init_creates_a_repository_that_passes_check(tmp_path: Path) -> None:
    target = tmp_path / "our-records"

    result = run("init", target)

    assert result.exit_code == 0, result.output
    files = set(snapshot(target))
    assert {"programme.yaml", "supporters/alex-example.yaml", "README.md", ".gitignore",
            ".pre-commit-config.yaml", "meetings/.gitkeep", "supervision/.gitkeep", "cpd/.gitkeep",
            "evidence/.gitkeep", ".vscode/settings.json", ".schemas/meeting.schema.json"} <= files
    checked = run("check", target, "--strict")
    assert checked.exit_code == 0, checked.output
    assert "0 errors, 0 warnings" in checked.output


def test_init_programme_has_the_national_standards_framework_and_mandatory_training(tmp_path: Path) -> None:
    run("init", tmp_path / "r")

    programme = yaml.safe_load((tmp_path / "r/programme.yaml").read_text(encoding="utf-8"))

    competencies = {c["id"] for c in programme["competencies"]}
    assert {"listening-communication", "confidentiality-boundaries", "safeguarding", "signposting",
            "group-facilitation"} <= competencies
    renewals = {t["id"]: t.get("renew_every_months") for t in programme["mandatory_training"]}
    assert renewals["safeguarding-adults"] == 36
    assert renewals["confidentiality-gdpr"] == 12
    assert renewals["lone-working"] == 24
    assert renewals["equality-diversity"] is None


def test_init_git_and_editor_files(tmp_path: Path) -> None:
    run("init", tmp_path / "r")

    ignored = (tmp_path / "r/.gitignore").read_text(encoding="utf-8").splitlines()
    assert "site/" in ignored and ".peerkit-cache/" in ignored
    fmt, hook = yaml.safe_load((tmp_path / "r/.pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    assert fmt["id"] == "peerkit-fmt" and fmt["entry"] == "peerkit fmt" and "pass_filenames" not in fmt
    assert hook["entry"] == "peerkit check ." and hook["pass_filenames"] is False
    schema = (tmp_path / "r/.schemas/supporter.schema.json").read_text(encoding="utf-8")
    assert schema == run("schema", "supporter").output


def test_init_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "busy"
    write(target / "notes.txt", "mine\n")

    result = run("init", target)

    assert result.exit_code == 1
    assert "is not empty" in result.output and "--force" in result.output
    assert snapshot(target) == {"notes.txt": b"mine\n"}


def test_init_refuses_a_file(tmp_path: Path) -> None:
    target = write(tmp_path / "records", "not a folder\n")

    result = run("init", target)

    assert result.exit_code == 2
    assert "is a file" in result.output
    assert target.read_text() == "not a folder\n"


def test_init_force_adds_missing_files_and_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "r"
    mine = "name: Our own programme\n"
    write(target / "programme.yaml", mine)
    write(target / "supporters/alex-example.yaml", "id: alex-example\n")

    result = run("init", target, "--force")

    assert result.exit_code == 0, result.output
    assert (target / "programme.yaml").read_text() == mine
    assert (target / "supporters/alex-example.yaml").read_text() == "id: alex-example\n"
    assert "skipped programme.yaml: already exists" in result.output
    assert "alex-example" not in result.output  # --force adds infrastructure, never example records
    assert (target / ".gitignore").is_file() and (target / "README.md").is_file()


def test_init_then_new_records_pass_check(tmp_path: Path) -> None:
    target = tmp_path / "r"
    run("init", target)

    made = [
        run("new", "supporter", target, "--name", "Zoë Ng", "--status", "active", "--joined", "2025-01-06",
            "--agreement-signed", "2025-01-06"),
        run("new", "meeting", target, "--date", "2025-02-03", "--kind", "one-to-one", "--supporter", "zoe-ng",
            "--mentee", "DK", "--setting", "in-house", "--duration", "45"),
    ]

    assert [r.exit_code for r in made] == [0, 0], [r.output for r in made]
    checked = run("check", target, "--as-of", "2025-02-04", "--strict")
    assert checked.exit_code == 0, checked.output


def test_every_starter_file_ships_in_the_wheel() -> None:
    """Each file under templates/init matches a package-data glob (hidden files and subfolders too)."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["peerkit.templates"]
    templates = REPO / "templates"
    shipped = {Path(p).as_posix() for pattern in patterns for p in glob.glob(pattern, root_dir=templates)
               if (templates / p).is_file()}
    starters = {p.relative_to(templates).as_posix() for p in (templates / "init").rglob("*") if p.is_file()}

    assert starters - shipped == set()
    assert {"init/.gitignore", "init/.vscode/settings.json", "init/meetings/.gitkeep"} <= starters
