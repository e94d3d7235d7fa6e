"""``peerkit new``: one valid record from a few values, at its canonical path.

A coordinator types flags (or answers prompts, :mod:`peerkit.asking`); this module turns them into
a record in the field order of its schema, checks it the way ``peerkit
check`` would (schema, the supporters and competencies it names, its dates),
and writes it where design.md says it lives. It never replaces a file: a
second meeting on the same day gets ``-2`` on its name.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .problems import ERROR, Problem


NAMED_BY_ID = frozenset({"supporter", "match"})  # files named by the record's id: never given a -2


class NewRecordError(Exception):
    """The record would not pass ``peerkit check``; nothing was written."""


def _schema(kind: str) -> dict[str, Any]:
    from .validate import schema

    return schema(kind)


def choices(kind: str, *field: str) -> tuple[str, ...]:
    """The allowed values of ``field`` (or of its list items), read from the schema."""
    from .validate import vocabulary

    return vocabulary(kind, *field)


def known_supporters(root: Path) -> list[str]:
    """Supporter ids, from the file names in supporters/ (as check does)."""
    folder = root / "supporters"
    return sorted(p.stem for p in folder.glob("*.y*ml")) if folder.is_dir() else []


def slugify(text: str, max_words: int = 6) -> str:
    """``Zoë Ng`` -> ``zoe-ng``: lower-case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words[:max_words])


# --- building the record ------------------------------------------------------

class _Quoted(str):
    """A string written in double quotes: times and mentee codes (YAML 1.1 misreads some)."""


def _prune(data: dict[str, Any]) -> dict[str, Any]:
    """Drop fields that were not given, so the file holds only what is known."""
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):
            value = _prune(value)
        if value not in (None, "", (), [], {}):
            out[key] = value
    return out


def _number(value: float | int | None) -> float | int | None:
    """2.0 -> 2, so hours read as people write them."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def supporter_record(v: dict[str, Any], today: date) -> tuple[str, dict[str, Any]]:
    record_id = v.get("id") or slugify(v["name"], max_words=8)
    data = {"id": record_id, "name": v["name"], "status": v["status"], "joined": v.get("joined") or today,
            "roles": list(v.get("roles") or ()), "employment": v.get("employment"),
            "supervision": {"agreement": {"signed": v.get("agreement_signed")}}}
    return f"supporters/{record_id}", data


_SLUG_PREFIX = {"one-to-one": "one-to-one", "group": "group", "coordinator-one-to-one": "coordinator"}


def meeting_record(v: dict[str, Any], today: date) -> tuple[str, dict[str, Any]]:
    day = v.get("date") or today
    times = {"checked_in": v.get("checked_in"), "checked_out": v.get("checked_out")}
    lone = {name: _Quoted(t) for name, t in times.items() if t}
    data = {"date": day, "status": "planned" if v.get("planned") else None, "kind": v["kind"],
            "supporter": v.get("supporter"), "facilitators": list(v.get("facilitators") or ()),
            "mentee": _Quoted(v["mentee"]) if v.get("mentee") else None,
            "setting": v["setting"], "start": _Quoted(v["start"]) if v.get("start") else None,
            "venue": v.get("venue"), "group": v.get("group"), "duration_minutes": v["duration"],
            "topic": v.get("topic"), "lone_working": {**lone, "with": v.get("with_whom")},
            "attendance": v.get("attendance"), "match": v.get("match")}
    # The slug names the supporter, never the mentee: file names end up in git logs and exports.
    # A group's file is named after the group (or the topic): group-drop-in.
    group_name = v.get("group") or slugify(v.get("topic") or "", 4)
    tail = group_name if v["kind"] == "group" else (v.get("supporter") or "")
    slug = "-".join(part for part in (_SLUG_PREFIX.get(v["kind"], v["kind"]), tail) if part)
    return f"meetings/{day.year}/{day.isoformat()}-{slug}", data


def supervision_record(v: dict[str, Any], today: date) -> tuple[str, dict[str, Any]]:
    day = v.get("date") or today
    people = list(v["supporters"])
    one = len(people) == 1
    data = {"date": day, "supporter": people[0] if one else None, "supporters": None if one else people,
            "type": v["type"], "supervisor": v["supervisor"], "duration_minutes": v.get("duration"),
            "focus": list(v["focus"])}
    slug = f"{v['type']}-{people[0] if one else 'supervision'}"
    return f"supervision/{day.year}/{day.isoformat()}-{slug}", data


def cpd_record(v: dict[str, Any], today: date) -> tuple[str, dict[str, Any]]:
    day = v.get("date") or today
    data = {"supporter": v["supporter"], "date": day, "title": v["title"], "type": v["type"],
            "provider": v.get("provider"), "hours": _number(v["hours"]), "mandatory": v.get("mandatory"),
            "competencies": list(v.get("competencies") or ())}
    return f"cpd/{v['supporter']}/{day.isoformat()}-{slugify(v['title']) or 'cpd'}", data


def match_record(v: dict[str, Any], today: date) -> tuple[str, dict[str, Any]]:
    """A referral (waiting) or, with a supporter, an active match; the file is named by its id."""
    referred = v.get("referred") or today
    matched = (v.get("matched") or today) if v.get("supporter") else None
    data = {"id": v["id"], "mentee": _Quoted(v["mentee"]), "supporter": v.get("supporter"), "referred": referred,
            "matched": matched, "sessions_offered": v.get("sessions"),
            "status": "active" if v.get("supporter") else "waiting",
            "goals": [{"goal": goal, "set": matched or referred, "status": "planned"} for goal in v.get("goals") or ()],
            "rematched_from": v.get("rematched_from")}
    return f"matches/{referred.year}/{v['id']}", data


def next_match_id(root: Path, year: int) -> str:
    """``2025-007``: the year of the referral and the next number free in every year's folder."""
    taken = {p.stem for p in (root / "matches").glob("*/*.y*ml")} if (root / "matches").is_dir() else set()
    for n in range(1, 100_000):
        candidate = f"{year}-{n:03d}"
        if candidate not in taken:
            return candidate
    raise NewRecordError(f"no free match id for {year}; give one with --id")


def prefill(kind: str, values: dict[str, Any], root: Path, today: date) -> None:
    """Values that follow from others: a meeting's supporter and mentee from its --match.

    (A match's id follows from its referral date, so :func:`create` gives it, once everything is known.)
    """
    if kind == "meeting" and values.get("match"):
        values["kind"] = values.get("kind") or "one-to-one"
        known = _match_fields(root, values["match"])
        for name in ("supporter", "mentee"):
            if not values.get(name) and known.get(name):
                values[name] = known[name]


def _match_fields(root: Path, match_id: str) -> dict[str, Any]:
    """The supporter and mentee of match ``match_id``, read safely; empty when there is no such valid file."""
    from .loader import load_file

    for path in sorted((root / "matches").glob(f"*/{match_id}.y*ml")) if (root / "matches").is_dir() else ():
        loaded = load_file(str(path), path.relative_to(root).as_posix(), path.as_posix())
        if loaded.ok and isinstance(loaded.data, dict):
            return {k: v for k, v in loaded.data.items() if k in ("supporter", "mentee") and isinstance(v, str)}
    return {}


def build(kind: str, values: dict[str, Any], today: date) -> tuple[str, dict[str, Any]]:
    """(path stem inside the records folder, record data) from the user's values; unset fields left out."""
    from .kinds import BY_NAME

    builder = BY_NAME[kind].new
    assert builder is not None, f"peerkit new does not make {kind} records"
    stem, data = builder(values, today)
    return stem, _prune(data)


def in_schema_order(data: dict[str, Any], node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Order keys as the schema lists its properties, so every file reads the same way in diffs."""
    node = defs.get(node.get("$ref", "").rpartition("/")[2], node) if "$ref" in node else node
    properties = node.get("properties", {})
    rank = {name: i for i, name in enumerate(properties)}
    ordered = {}
    for key in sorted(data, key=lambda k: rank.get(k, len(rank))):
        value = data[key]
        ordered[key] = in_schema_order(value, properties.get(key, {}), defs) if isinstance(value, dict) else value
    return ordered


# --- checking -----------------------------------------------------------------

def problems(kind: str, rel: str, text: str, root: Path, today: date, *, root_display: str | None = None,
             replacing: bool = False) -> list[Problem]:
    """What ``peerkit check`` would say of ``text`` at ``rel``: the real pipeline, on the
    tree plus this one file held in memory (``replacing`` the file at ``rel``, for an
    edit), keeping only that file's problems."""
    from .discover import RecordFile, display_path
    from .pipeline import check, load_record

    root_display = root_display or root.as_posix().rstrip("/") or "."
    candidate = RecordFile(kind, str(root / rel), rel, display_path(root_display, rel))
    raw = text.encode("utf-8")

    def load(files):
        return [load_record(f, raw if f.rel == rel else None) for f in files]

    result = check(root, today, root_display, load=load, adding=() if replacing else (candidate,))
    return [p for p in result.problems if p.path == candidate.display]


# --- writing ------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    """Block style with list items indented under their key, as the records are written by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data) -> bool:
        """Never ``&id001``/``*id001`` (one date in two places): records write values out."""
        return True


_Dumper.add_representer(_Quoted, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", str(value), style='"'))
# Text of several lines (markdown notes) as a literal block, as people write it by hand.
_Dumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value.strip("\n") else None))


def to_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def _free_name(root: Path, stem: str, numbered: bool) -> str:
    """The name :func:`_write_new` will give the file (``stem-2.yaml`` when ``stem.yaml`` is taken)."""
    for n in range(1, 1000 if numbered else 2):
        rel = f"{stem}.yaml" if n == 1 else f"{stem}-{n}.yaml"
        if not (root / rel).exists() and not (root / rel).with_suffix(".yml").exists():
            return rel
    return ""


def _write_new(root: Path, stem: str, text: str, numbered: bool) -> Path:
    """Create ``stem.yaml`` (or ``stem-2.yaml``, ... when ``numbered``), never replacing a file."""
    folder_rel, _, name = stem.rpartition("/")
    folder = _open_real_folder(root, folder_rel)
    try:
        for n in range(1, 1000):
            file_name = f"{name}.yaml" if n == 1 else f"{name}-{n}.yaml"
            if _lexists(folder, file_name.removesuffix(".yaml") + ".yml"):
                if not numbered:
                    break
                continue
            try:  # O_EXCL: fails if anything, a link to nowhere included, has the name
                fd = os.open(file_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=folder)
            except FileExistsError:
                if not numbered:
                    break
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            return root / folder_rel / file_name
    except OSError as exc:
        raise NewRecordError(f"cannot write in {folder_rel}: {exc.strerror}; nothing was written") from None
    finally:
        os.close(folder)
    raise NewRecordError(f"{stem}.yaml already exists; nothing was written "
                         f"(choose another id with --id, or edit that file)")


def _open_real_folder(root: Path, rel: str) -> int:
    """A descriptor of ``root/rel``, making missing folders, never passing through a link.

    A record written through a linked folder would land outside the records
    (and ``check`` does not follow linked folders, so it would never be seen).
    Each step opens the next folder relative to the last with O_NOFOLLOW, so
    a link cannot be swapped in between a check and the write.
    """
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    parts = rel.split("/") if rel else []
    try:
        for depth, part in enumerate(parts, 1):
            where = "/".join(parts[:depth])
            try:
                os.mkdir(part, dir_fd=fd)
            except FileExistsError:
                pass
            except OSError as exc:
                raise NewRecordError(f"cannot make the folder {where}: {exc.strerror}; nothing was written") from None
            try:
                inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except OSError as exc:
                raise NewRecordError(_not_a_folder(where, fd, part, exc)) from None
            os.close(fd)
            fd = inner
    except BaseException:
        os.close(fd)
        raise
    return fd


def _not_a_folder(rel: str, parent: int, name: str, exc: OSError) -> str:
    """Why ``rel`` cannot hold the new record, without naming where a link leads."""
    try:
        mode = os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode
    except OSError:
        mode = 0
    if stat.S_ISLNK(mode):
        return (f"{rel} is a link, not a folder; peerkit new writes only into real folders inside the "
                f"records. Replace the link with a folder; nothing was written")
    if exc.errno == errno.ENOTDIR:
        return f"{rel} is a file, not a folder; move it away; nothing was written"
    return f"cannot open the folder {rel}: {exc.strerror}; nothing was written"


def _lexists(folder: int, name: str) -> bool:
    try:
        os.stat(name, dir_fd=folder, follow_symlinks=False)
        return True
    except OSError:
        return False


def canonical_text(text: str, kind: str) -> str:
    """The record as ``peerkit fmt`` would leave it (short lists of ids on one line), so it passes ``fmt --check``."""
    from .fmt import canonical_text as formatted

    return formatted(text, kind)


def create(kind: str, values: dict[str, Any], root: Path, today: date) -> tuple[Path, list[Problem]]:
    """Write a new record of ``kind`` under ``root``; return its path and check's warnings about it.

    Raises :class:`NewRecordError`, writing nothing, when check would find an error in it.
    """
    if not (root / "programme.yaml").is_file():
        raise NewRecordError(f"{root} has no programme.yaml, so it is not a records folder; "
                             f"give the records folder (peerkit init makes a new one)")
    prefill(kind, values, root, today)
    if kind == "match" and not values.get("id"):
        values["id"] = next_match_id(root, (values.get("referred") or today).year)
    stem, data = build(kind, values, today)
    spec = _schema(kind)
    text = canonical_text(to_yaml(in_schema_order(data, spec, spec.get("$defs", {}))), kind)
    numbered = kind not in NAMED_BY_ID
    if not numbered and _free_name(root, stem, numbered) != f"{stem}.yaml":
        _write_new(root, stem, text, numbered)  # refuses, saying the file exists
    found = problems(kind, _free_name(root, stem, numbered), text, root, today)
    errors = [p for p in found if p.severity == ERROR]
    if errors:
        raise NewRecordError("nothing was written:\n" + "\n".join(f"  - {p.code}: {p.message}" for p in errors))
    return _write_new(root, stem, text, numbered), [p for p in found if p.severity != ERROR]
