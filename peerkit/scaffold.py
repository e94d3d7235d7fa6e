"""``peerkit init``: a new records repository from the starter files.

The starter files are real files in ``templates/init/`` (shipped in the
wheel), so what a coordinator gets can be read and reviewed as it is. The
JSON Schemas are copied next to them (``.schemas/``) for editors. A file
that already exists is never replaced: records are people's history, and a
coordinator re-running ``init --force`` to get a missing file must not lose one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .resources import data_dir
from .kinds import BY_FOLDER, NAMES as KINDS
from .validate import schema_text


class InitError(Exception):
    """The target cannot be initialised; the message says why and what to do."""


@dataclass
class InitReport:
    created: list[str] = field(default_factory=list)  # POSIX paths inside the new folder
    skipped: list[str] = field(default_factory=list)  # already there, left as they were


def starter_files() -> dict[str, bytes]:
    """Relative path -> content of every file a new repository starts with."""
    root = data_dir("templates") / "init"
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    for kind in KINDS:
        files[f".schemas/{kind}.schema.json"] = schema_text(kind).encode("utf-8")
    return dict(sorted(files.items()))


def is_example_record(rel: str) -> bool:
    """A starter record (the example supporter), as opposed to infrastructure.

    ``init --force`` on an existing repository adds missing infrastructure
    (.gitignore, editor schemas, the pre-commit config, empty folders) and
    never an example record: the coordinator may have deleted it on purpose.
    """
    folder, _, name = rel.partition("/")
    return folder in BY_FOLDER and name.endswith((".yaml", ".yml"))


def init(target: Path, force: bool = False) -> InitReport:
    """Write the starter files into ``target``, never overwriting a file."""
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} is a file, not a folder; choose a new folder name")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise InitError(f"{target} is not empty; choose a new folder, or use --force to add only "
                        f"the starter files it lacks (existing files are never overwritten)")
    report = InitReport()
    files = starter_files()
    if target.is_dir() and any(target.iterdir()):  # --force on an existing folder: infrastructure only
        files = {rel: content for rel, content in files.items() if not is_example_record(rel)}
    inside = target.resolve()
    for rel in files:  # a folder that is a link out of DIR (e.g. evidence -> elsewhere) is never written through
        folder = (target / rel).parent
        if inside not in (folder.resolve() / "x").parents:
            raise InitError(f"{folder} is a link to a place outside {target}; nothing was written "
                            f"(remove the link, or choose another folder)")
    for rel, content in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("xb") as out:  # "x": fails rather than replacing an existing file
                out.write(content)
        except FileExistsError:
            report.skipped.append(rel)
        else:
            report.created.append(rel)
    return report
