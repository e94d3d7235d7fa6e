"""README names only what a reader of this repository can find: no file outside it, no
placeholder to fill in, no tag that does not exist; and it says how to get ``peerkit`` on PATH
before its examples type a bare ``peerkit``."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = ["README.md", "ARCHITECTURE.md", "templates/init/README.md"]
# A relative path that climbs out of the folder it is read from: `../shared/design.md`.
_CLIMBING = re.compile(r"(?<![\w./$=])((?:\.\./)+[\w.-]+(?:/[\w.-]+)*)")
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
_PLACEHOLDER = re.compile(r"\b(?:OWNER|YOUR[-_]?(?:ORG|NAME|USER)|USERNAME|CHANGEME)\b")


def _text(doc: str) -> str:
    return (REPO / doc).read_text(encoding="utf-8")


@pytest.mark.parametrize("doc", DOCS)
def test_docs_name_no_file_outside_the_repository(doc: str) -> None:
    # A schema modeline ($schema=../../.schemas/...) is relative to a record file, so it is left out.
    assert _CLIMBING.findall(_text(doc)) == []
    for target in _LINK.findall(_text(doc)):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        path = ((REPO / doc).parent / target).resolve()
        assert REPO in path.parents or path == REPO, f"{doc} links outside the repository: {target}"
        assert path.exists(), f"{doc} links to {target}, which does not exist"


@pytest.mark.parametrize("doc", DOCS)
def test_docs_have_no_placeholders_or_tags_that_do_not_exist(doc: str) -> None:
    text = _text(doc)
    assert _PLACEHOLDER.findall(text) == []
    tags = set(subprocess.run(["git", "tag", "--list"], cwd=REPO, capture_output=True, text=True).stdout.split())
    for rev in re.findall(r"^\s*rev:\s*(\S+)", text, re.M):
        assert rev in tags, f"{doc} pins rev: {rev}, which is not a tag of this repository"


def test_readme_says_how_to_get_peerkit_on_path_before_bare_peerkit() -> None:
    text = _text("README.md")
    first_bare = re.search(r"(?m)(?:^|[`\s(])peerkit (?:check|build|init|new|due|export|schema|portfolio)\b", text)
    assert first_bare is not None
    before = text[:first_bare.start()]
    assert ". .venv/bin/activate" in before and "pipx install" in before
