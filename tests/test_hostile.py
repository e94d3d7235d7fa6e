"""Hostile and broken input (issue 6): one clean line for each bad file, never a traceback.

The corpus is ``tests/hostile/``: each file is a broken record, paired in
:data:`CORPUS` with the one problem it must produce. The test drops it into
the valid records tree of conftest.py at the path the table gives and runs
the real CLI. Files too big, too deep or too odd to commit (a named pipe, a
link loop) are made by the tests below, which also cover paths (evidence and
record files that lead out of the records folder) and writes (nothing outside
the output folder, nothing lost when a build fails).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import tracemalloc
from pathlib import Path

import pytest

from conftest import (AS_OF, SAMPLE_AS_OF, cache_content, problems, rewrite_cache, run, run_check, snapshot, write,
                      write_sample)
from peerkit.cache import data_file
from peerkit.loader import MAX_BYTES, MAX_DEPTH, load_file

HOSTILE = Path(__file__).parent / "hostile"
MEETING = "meetings/2025/2025-04-03-check-in.yaml"
CPD = "cpd/amara-okafor/2025-04-10-safeguarding-refresher.yaml"
SUPPORTER = "supporters/zed.yaml"
GOOD_MEETING = ("date: 2025-04-03\nkind: coordinator-one-to-one\nsupporter: ben-shah\nsetting: online\n"
                "duration_minutes: 30\n")

_PROBLEM = re.compile(r"^.+:\d+:\d+: (error|warning|note): [a-z0-9-]+ .+$")
_SUMMARY = re.compile(r"^checked \d+ files?: \d+ errors?, \d+ warnings?(, \d+ notes?)?$")

# file in tests/hostile/ -> (where it goes in the records, line, column, code, part of the message).
# None after the path: the file is fine and must load cleanly.
CORPUS: dict[str, tuple] = {
    # aliases: refused before anything can expand them
    "alias-bomb.yaml": (MEETING, 2, 4, "yaml-alias", "anchors and aliases (&name / *name) are not allowed"),
    "recursive-alias.yaml": (MEETING, 6, 8, "yaml-alias", "anchors and aliases"),
    "merge-key.yaml": (MEETING, 5, 1, "yaml-alias", "merge keys (<<) are not allowed"),
    # encodings
    "latin1-e-acute.bin": (MEETING, 6, 11, "encoding", "byte 0xe9 is not UTF-8; save the file as UTF-8"),
    "utf16-with-bom.bin": (MEETING, 1, 1, "encoding", "saved as UTF-16 (or UTF-32); save it as UTF-8"),
    "utf16-without-bom.bin": (MEETING, 1, 1, "encoding", "saved as UTF-16"),
    "bom.yaml": (MEETING, None),
    "crlf.yaml": (MEETING, None),
    "crlf-bad-value.yaml": (MEETING, 4, 1, "bad-value", "setting is 'onlin'"),  # CRLF: lines still right
    "nul-byte.bin": (MEETING, 6, 14, "yaml-syntax", "a control character (U+0000) here"),
    "bell-byte.bin": (MEETING, 6, 12, "yaml-syntax", "a control character (U+0007) here"),
    "escaped-control-character.yaml": (MEETING, 6, 8, "yaml-syntax", "a control character (U+0007) in this text"),
    "unpaired-surrogate.yaml": (MEETING, 6, 23, "yaml-syntax", "not a character on its own"),
    "non-breaking-space.yaml": (MEETING, 6, 7, "yaml-syntax", "a non-breaking space"),
    # layout of the file
    "tab-indent.yaml": (MEETING, 7, 1, "yaml-syntax", "indent YAML with spaces, not tabs"),
    "empty.yaml": (MEETING, 1, 1, "empty-file", "the file is empty"),
    "whitespace-only.yaml": (MEETING, 1, 1, "empty-file", "the file is empty"),
    "comment-only.yaml": (MEETING, 1, 1, "empty-file", "the file holds no fields"),
    "document-marker-only.yaml": (MEETING, 1, 1, "empty-file", "the file holds no fields"),
    "top-level-list.yaml": (MEETING, 1, 1, "not-mapping", "not a list"),
    "top-level-scalar.yaml": (MEETING, 1, 1, "not-mapping", "not a single value"),
    "several-documents.yaml": (MEETING, 6, 1, "yaml-syntax", "several YAML documents (---); keep one record per file"),
    "unsupported-yaml-version.yaml": (MEETING, 1, 1, "yaml-syntax", "this %YAML version is not supported"),
    "unclosed-flow.yaml": (MEETING, 6, 8, "yaml-syntax", "this [ list is not closed"),
    # keys
    "duplicate-key.yaml": (MEETING, 6, 1, "duplicate-key", "key 'setting' appears twice (first on line 4)"),
    "list-as-key.yaml": (MEETING, 6, 1, "yaml-syntax", "a key must be plain text, not a list or mapping"),
    "mapping-as-key.yaml": (MEETING, 6, 3, "yaml-syntax", "a key must be plain text, not a list or mapping"),
    "null-key.yaml": (MEETING, 6, 1, "unknown-field", "unknown field '~'"),
    "number-key.yaml": (MEETING, 6, 1, "unknown-field", "unknown field '1'"),
    "yes-key.yaml": (MEETING, 6, 1, "yaml-ambiguous", "'yes' is read as true by YAML 1.1"),
    # tags: no Python objects, nothing but plain data
    "python-tag.yaml": (MEETING, 6, 8, "yaml-syntax", "the tag '!!python/object/apply:os.system' is not allowed"),
    "python-tag-top-level.yaml": (MEETING, 1, 1, "yaml-syntax", "the tag '!!python/object/apply:os.system'"),
    "unknown-tag.yaml": (MEETING, 6, 8, "yaml-syntax", "the tag '!secret' is not allowed"),
    "binary-tag.yaml": (MEETING, 6, 8, "yaml-syntax", "the tag '!!binary' is not allowed"),
    "set-tag.yaml": (MEETING, 6, 8, "yaml-syntax", "the tag '!!set' is not allowed"),
    # numbers
    "huge-integer.yaml": (MEETING, 5, 19, "out-of-range", "a number 5,000 digits long"),
    "long-integer.yaml": (MEETING, 5, 19, "out-of-range", "a number 41 digits long"),
    "nan-minutes.yaml": (MEETING, 5, 19, "wrong-type",
                         "'.nan' is read as not a number by YAML, which no field can hold"),
    "inf-minutes.yaml": (MEETING, 5, 19, "wrong-type", "'.inf' is read as infinity by YAML"),
    "overflowing-float.yaml": (MEETING, 5, 19, "wrong-type", "'1.0e+999' is read as infinity by YAML"),
    "hex-minutes.yaml": (MEETING, 5, 19, "yaml-ambiguous", "'0x1E' is read as a hexadecimal number"),
    # dates
    "impossible-date.yaml": (MEETING, 1, 7, "bad-date", "'2024-02-30' is not a real date"),
    "date-with-time.yaml": (MEETING, 1, 1, "bad-format", "without the time of day"),
    # A YAML date where text belongs is fine: the loader keeps dates as ISO text.
    "cpd-title-is-a-date.yaml": (CPD, None),
    # an id that would make a path
    "supporter-id-escapes.yaml": (SUPPORTER, 1, 1, "bad-format", "id '../../outside' is not in the right form"),
}


def assert_clean_report(exit_code: int, output: str) -> None:
    """Exit 0 or 1, no traceback, and every line a problem or the summary."""
    assert exit_code in (0, 1), output
    assert "Traceback" not in output
    lines = output.splitlines()
    assert lines and _SUMMARY.match(lines[-1]), output
    assert all(_PROBLEM.match(line) for line in lines[:-1]), output


def check_one(records: Path, rel: str, content: bytes, *extra: str) -> tuple[int, str, list]:
    path = records / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    exit_code, output = run_check(records, "--no-cache", *extra)
    assert_clean_report(exit_code, output)
    return exit_code, output, problems(output, records)


# --- the corpus ------------------------------------------------------------------

def test_every_corpus_file_has_its_expected_problem_and_back():
    on_disk = {p.name for p in HOSTILE.iterdir() if not p.name.startswith(".")}
    assert on_disk == set(CORPUS)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_file_gives_its_one_clean_line(records, name):
    rel, *expected = CORPUS[name]
    exit_code, output, found = check_one(records, rel, (HOSTILE / name).read_bytes())
    if expected == [None]:
        assert (exit_code, found) == (0, []), output
        return
    line, column, code, fragment = expected
    assert len(found) == 1, output
    p = found[0]
    assert (p.path, p.line, p.column, p.severity, p.code) == (rel, line, column, "error", code), output
    assert fragment in p.message
    assert exit_code == 1


def test_each_missing_field_is_reported_once(records):
    exit_code, output, found = check_one(records, SUPPORTER, b"id: zed\n")
    assert sorted(p.message for p in found) == [f"missing required field '{name}'; add it"
                                                for name in ("joined", "name", "status")], output


def test_crlf_record_keeps_every_field_line(records):
    """Rules on a CRLF file still point at the right line (here: an unknown supporter on line 3)."""
    content = GOOD_MEETING.replace("ben-shah", "nobody").replace("\n", "\r\n").encode()
    exit_code, output, found = check_one(records, MEETING, content)
    assert [(p.code, p.line, p.column) for p in found] == [("unknown-supporter", 3, 1)]


# --- generated: too big, too long, too deep --------------------------------------

def test_file_over_the_size_cap_is_refused_unread(records):
    content = GOOD_MEETING.encode() + b"notes: |\n" + b"  " + b"y" * (MAX_BYTES + 1) + b"\n"
    exit_code, output, found = check_one(records, MEETING, content)
    assert [(p.path, p.line, p.code) for p in found] == [(MEETING, 1, "too-large")]
    assert f"over the {MAX_BYTES:,}-byte limit" in found[0].message


def test_a_very_long_line_loads_and_checks_in_time(records):
    """900 KB of text on one line (under the cap) is allowed, and the rules stay linear on it.

    A topic, which the rules read like notes: markdown fields stop at 20,000 characters."""
    content = GOOD_MEETING.encode() + b"topic: " + b"word " * 180_000 + b"\n"
    started = time.perf_counter()
    exit_code, output, found = check_one(records, MEETING, content)
    assert (exit_code, found) == (0, [])
    assert time.perf_counter() - started < 20


def deep(kind: str, levels: int, closed: bool = False) -> bytes:
    if kind == "flow-list":
        return GOOD_MEETING.encode() + b"notes: " + b"[" * levels + (b"]" * levels if closed else b"") + b"\n"
    if kind == "flow-mapping":
        return GOOD_MEETING.encode() + b"notes: " + b"{a: " * levels + b"\n"
    if kind == "block-list":  # - - - - x
        return GOOD_MEETING.encode() + b"notes:\n  " + b"- " * levels + b"x\n"
    if kind == "block-mapping":  # k: / k: / ... one level deeper on each line
        return GOOD_MEETING.encode() + b"notes:\n" + b"".join(b" " * (i + 1) + b"k:\n" for i in range(levels))
    raise ValueError(kind)


@pytest.mark.parametrize("kind, levels", [("flow-list", 30_000), ("flow-mapping", 30_000),
                                          ("block-list", 30_000), ("block-mapping", 1_000)])
def test_very_deep_nesting_is_refused_without_crashing_the_process(records, kind, levels):
    """libyaml segfaults on ~26,000 flow levels: run the CLI in its own process and
    assert it ended by itself (0 or 1), not by a signal (-11, or 139 from a shell)."""
    (records / MEETING).write_bytes(deep(kind, levels))
    done = subprocess.run([sys.executable, "-m", "peerkit", "check", str(records), "--as-of", AS_OF, "--no-cache"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert_clean_report(done.returncode, done.stdout + done.stderr)
    [p] = problems(done.stdout, records)
    assert (p.path, p.code) == (MEETING, "too-deep")
    assert p.line >= 6


@pytest.mark.parametrize("kind", ["flow-list", "block-list", "block-mapping"])
def test_nesting_limit_is_exact(records, kind):
    """64 levels (the top mapping is one) load; 65 are refused, in small files too,
    where the cheap pre-scan is skipped: ~1,000 levels there once crashed jsonschema."""
    depth_inside = MAX_DEPTH - 1  # the record's own mapping is the first level
    _, output, found = check_one(records, MEETING, deep(kind, depth_inside, closed=True))
    assert [p.code for p in found] == ["wrong-type"], output  # notes must be text: it loaded
    for levels in (depth_inside + 1, 990):
        _, output, found = check_one(records, MEETING, deep(kind, levels, closed=True))
        assert [(p.code, p.message) for p in found] == [
            ("too-deep", f"nesting is deeper than {MAX_DEPTH} levels; records are flat")], output


def test_alias_bomb_is_refused_fast_and_small(records):
    """The committed bomb expands to ~390 million items; a bigger one is made here (12 x 12 levels)."""
    bomb = ["a: &a [" + ", ".join(["lol"] * 12) + "]"]
    for prev, name in zip("abcdefghijk", "bcdefghijkl"):
        bomb.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 12) + "]")
    for content in [(HOSTILE / "alias-bomb.yaml").read_bytes(), "\n".join(bomb).encode() + b"\n"]:
        path = records / MEETING
        path.write_bytes(content)
        tracemalloc.start()
        started = time.perf_counter()
        loaded = load_file(str(path), MEETING, MEETING)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert [p.code for p in loaded.problems] == ["yaml-alias"]
        assert elapsed < 1.0 and peak < 2 * 1024 * 1024, (elapsed, peak)


def test_alias_bomb_through_the_cli_in_its_own_process(records):
    """Wall time and peak memory of a whole `peerkit check` with the bomb, against a clean run."""
    def measure() -> tuple[int, float, int, str]:
        code = ("import resource, sys\nfrom peerkit.cli import main\n"
                "try:\n    main(sys.argv[1:])\nexcept SystemExit as exit:\n    status = exit.code\n"
                "print('maxrss-kib', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
                "sys.exit(status)\n")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code, "check", str(records), "--as-of", AS_OF, "--no-cache"],
                              capture_output=True, text=True, timeout=120)
        elapsed = time.perf_counter() - started
        rss = int(re.search(r"maxrss-kib (\d+)", done.stderr).group(1))
        return done.returncode, elapsed, rss, done.stdout

    clean = measure()
    shutil.copy(HOSTILE / "alias-bomb.yaml", records / MEETING)
    bombed = measure()
    assert clean[0] == 0 and bombed[0] == 1
    assert bombed[3].count("yaml-alias") == 1
    assert bombed[1] < clean[1] + 5  # seconds
    assert bombed[2] < clean[2] + 20 * 1024  # KiB: no more than 20 MiB over a clean run


# --- paths: evidence --------------------------------------------------------------

def cpd_with_evidence(records: Path, evidence: str) -> tuple[int, str, list]:
    text = (records / CPD).read_text().replace("evidence/amara-okafor/safeguarding-2025.pdf", evidence)
    return check_one(records, CPD, text.encode())


@pytest.mark.parametrize("evidence", ["../outside.pdf", "/etc/passwd", "evidence/../../x.pdf",
                                      "evidence/amara-okafor/../../../outside.pdf"])
def test_evidence_leaving_the_records_folder(records, evidence):
    (records.parent / "outside.pdf").write_bytes(b"%PDF-1.4 someone else's\n")
    exit_code, output, found = cpd_with_evidence(records, evidence)
    assert [(p.path, p.line, p.code) for p in found] == [(CPD, 11, "evidence-outside")], output
    assert "points outside the records folder" in found[0].message


@pytest.mark.parametrize("evidence", ["evidence/../supporters/ben-shah.yaml",
                                      "meetings/2025/2025-03-04-one-to-one-dk.yaml",
                                      ".peerkit-cache/check.marshal", ".git/config", "site/index.html"])
def test_evidence_inside_the_records_but_not_a_certificate(records, evidence):
    """Portfolios copy evidence: another supporter's record, the cache (every record),
    git's config or the coordinator's dashboard must never travel in one."""
    for rel in (".peerkit-cache/check.marshal", ".git/config", "site/index.html"):
        write(records / rel, "private\n")
    exit_code, output, found = cpd_with_evidence(records, evidence)
    assert [(p.line, p.code) for p in found] == [(11, "evidence-outside")], output
    assert "is not in the evidence/ folder" in found[0].message


def test_evidence_that_is_a_link_out_of_the_records(records, tmp_path):
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4 not yours\n")
    (records / "evidence/amara-okafor/linked.pdf").symlink_to(secret)
    (records / "evidence/linked-folder").symlink_to(tmp_path)
    for evidence in ["evidence/amara-okafor/linked.pdf", "evidence/linked-folder/secret.pdf"]:
        exit_code, output, found = cpd_with_evidence(records, evidence)
        assert [p.code for p in found] == ["evidence-outside"], output
        fixed = (records / CPD).read_text().replace(evidence, "evidence/amara-okafor/safeguarding-2025.pdf")
        (records / CPD).write_text(fixed)


def test_evidence_that_is_a_link_to_another_record(records):
    (records / "evidence/amara-okafor/notes.pdf").symlink_to(records / "meetings/2025/2025-03-04-one-to-one-dk.yaml")
    exit_code, output, found = cpd_with_evidence(records, "evidence/amara-okafor/notes.pdf")
    assert [p.code for p in found] == ["evidence-outside"], output
    assert "is not in the evidence/ folder" in found[0].message


def test_evidence_link_loop_is_missing_not_a_crash(records):
    loop = records / "evidence/amara-okafor/loop.pdf"
    loop.symlink_to(loop)
    exit_code, output, found = cpd_with_evidence(records, "evidence/amara-okafor/loop.pdf")
    assert [p.code for p in found] == ["missing-evidence"], output


def test_evidence_with_a_nul_byte_is_refused_by_the_loader(records):
    exit_code, output, found = cpd_with_evidence(records, '"evidence/amara-okafor/x\\0.pdf"')
    assert [(p.line, p.code) for p in found] == [(11, "yaml-syntax")], output


# --- paths: record files and folders ------------------------------------------------

def test_record_file_that_links_outside_is_refused(records, tmp_path):
    outside = write(tmp_path / "elsewhere/zed.yaml", "id: zed\nname: Zed\nstatus: active\njoined: 2024-01-15\n")
    (records / SUPPORTER).symlink_to(outside)
    exit_code, output, found = check_one_existing(records)
    assert [(p.path, p.code) for p in found] == [(SUPPORTER, "outside-records")]
    assert "a link to a place outside the records folder" in found[0].message


def check_one_existing(records: Path, *extra: str) -> tuple[int, str, list]:
    exit_code, output = run_check(records, "--no-cache", *extra)
    assert_clean_report(exit_code, output)
    return exit_code, output, problems(output, records)


@pytest.mark.parametrize("target", ["missing.yaml", "zed.yaml"])
def test_record_link_to_nowhere_or_to_itself(records, target):
    (records / SUPPORTER).symlink_to(records / "supporters" / target)
    exit_code, output, found = check_one_existing(records)
    assert [(p.path, p.code) for p in found] == [(SUPPORTER, "unreadable")], output
    assert "a link that leads nowhere" in found[0].message


def test_linked_folder_is_noted_and_not_followed(records, tmp_path):
    write(tmp_path / "archive/2025-01-02-broken.yaml", "this: [is not read\n")
    (records / "meetings/2024").symlink_to(tmp_path / "archive")
    exit_code, output, found = check_one_existing(records)
    assert exit_code == 0
    assert [(p.path, p.severity, p.code) for p in found] == [("meetings/2024", "note", "skipped")]
    assert "linked folders are not followed" in found[0].message


def test_named_pipe_is_refused_without_waiting_forever(records):
    os.mkfifo(records / SUPPORTER)
    done = subprocess.run([sys.executable, "-m", "peerkit", "check", str(records), "--as-of", AS_OF, "--no-cache"],
                          capture_output=True, text=True, timeout=60)
    assert_clean_report(done.returncode, done.stdout + done.stderr)
    [p] = problems(done.stdout, records)
    assert (p.path, p.code) == (SUPPORTER, "unreadable")
    assert "not a regular file" in p.message


def test_folder_named_like_a_record(records):
    (records / SUPPORTER).mkdir()
    assert check_one_existing(records)[:1] == (0,)
    write(records / SUPPORTER / "inner.yaml", "id: inner\n")
    exit_code, output, found = check_one_existing(records)
    assert [(p.path, p.code) for p in found] == [(f"{SUPPORTER}/inner.yaml", "unknown-location")]


def test_files_that_are_not_yaml_are_skipped_with_a_note(records):
    for name in ["notes.txt", "scan.pdf", "upper.YAML", "backup.yaml~", "2025-04-03-check-in.json"]:
        write(records / "meetings/2025" / name, "not: [read\n")
    write(records / "README.md", "# not a record\n")  # outside the record folders: silently
    exit_code, output, found = check_one_existing(records)
    assert exit_code == 0
    assert sorted((p.path, p.severity, p.code) for p in found) == sorted(
        (f"meetings/2025/{name}", "note", "skipped")
        for name in ["notes.txt", "scan.pdf", "upper.YAML", "backup.yaml~", "2025-04-03-check-in.json"])


def test_hidden_files_and_folders_are_skipped_silently(records):
    for rel in [".git/config.yaml", "meetings/.drafts/2025-04-03-x.yaml", "meetings/2025/.#2025-04-03-x.yaml",
                "supporters/.zed.yaml.swp", ".peerkit-cache/other.yaml"]:
        write(records / rel, "broken: [\n")
    exit_code, output, found = check_one_existing(records)
    assert (exit_code, found) == (0, []), output


def test_newline_in_a_file_name_stays_on_one_line(records):
    write(records / "supporters/two\nlines.yaml", "id: zed\n")
    exit_code, output, found = check_one_existing(records)
    assert exit_code == 1
    assert {p.path for p in found} == {"supporters/two\\nlines.yaml"}


def test_file_name_that_is_not_utf8(records):
    name = os.fsdecode(b"supporters/caf\xe9.yaml")
    write(records / name, "id: cafe\nname: Cafe\nstatus: active\njoined: 2024-01-15\n"
                          "supervision: {agreement: {signed: 2025-01-06}}\n")
    exit_code, output, found = check_one_existing(records)
    assert [(p.path, p.code) for p in found] == [("supporters/caf\\xe9.yaml", "id-mismatch")]
    exit_code, output = run_check(records, "--no-cache", "--format", "json")
    assert json.loads(output)[0]["code"] == "id-mismatch"


def test_a_cache_written_by_someone_else_is_not_trusted(records, tmp_path):
    """A .peerkit-cache planted in a records folder (say, in a cloned repository) could
    hand peerkit data that never passed the loader and schemas. Only a cache this
    user's peerkit wrote is read: here "another user" has another cache folder."""
    def check_as(user: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / user))
        return subprocess.run([sys.executable, "-m", "peerkit", "check", str(records), "--as-of", AS_OF],
                              capture_output=True, text=True, timeout=60, env=env)

    assert check_as("attacker").returncode == 0
    cache = records / ".peerkit-cache/check.marshal"
    stored = cache_content(cache)
    stored["memo"] = None  # so the rules run on the forged data, not from remembered results
    rewrite_cache(cache, stored)
    forged = {"supporters/ben-shah.yaml": {  # each entry is [data, field positions]
        "id": "ben-shah", "name": "Ben", "status": "active", "joined": 5, "roles": "not a list"}}
    for rel, fields in [*forged.items(), ("meetings/2025/2025-03-04-one-to-one-dk.yaml", {"mentee": "Jane Smith"})]:
        path = records / ".peerkit-cache" / data_file(rel)
        data = cache_content(path)
        data["data"][rel][0] = fields if rel in forged else {**data["data"][rel][0], **fields}
        rewrite_cache(path, data)
    for user in ("victim", "attacker"):  # edited files are sealed no more, so not even their writer reads them
        done = check_as(user)
        assert (done.returncode, done.stderr) == (0, ""), done.stderr[-2000:]
        assert done.stdout.endswith("0 errors, 0 warnings\n")


# --- writes ------------------------------------------------------------------------

def build(records: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = run("build", records, "-o", out, "--as-of", AS_OF, "--no-pdf", *extra)
    assert "Traceback" not in result.output and not isinstance(result.exception, (KeyError, TypeError, ValueError))
    return result.exit_code, result.output


@pytest.mark.parametrize("setup", ["evidence-outside", "evidence-not-a-certificate", "id-escapes"])
def test_build_refuses_records_that_would_write_or_copy_outside(records, tmp_path, setup):
    (tmp_path / "outside.pdf").write_bytes(b"%PDF-1.4 not yours\n")
    if setup == "evidence-outside":
        (records / CPD).write_text((records / CPD).read_text().replace(
            "evidence/amara-okafor/safeguarding-2025.pdf", "../outside.pdf"))
    elif setup == "evidence-not-a-certificate":
        (records / CPD).write_text((records / CPD).read_text().replace(
            "evidence/amara-okafor/safeguarding-2025.pdf", "supporters/ben-shah.yaml"))
    else:
        write(records / "supporters/x.yaml", "id: ../../../escaped\nname: X\nstatus: active\njoined: 2024-01-15\n")
    before = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")}
    exit_code, output = build(records, tmp_path / "site")
    assert exit_code == 1 and "build refused" in output
    new = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")} - before
    assert {re.sub(r"records-\d\d\.marshal$", "records-NN.marshal", rel) for rel in new} <= {
        "records/.peerkit-cache", "records/.peerkit-cache/check.marshal", "records/.peerkit-cache/records-NN.marshal",
        "records/.peerkit-cache/.gitignore"}


def test_build_into_a_link_writes_nothing_through_it(records, tmp_path):
    """-o names a link to another peerkit site: the link is replaced, its target is left alone."""
    assert build(records, tmp_path / "real-site")[0] == 0
    before = snapshot(tmp_path / "real-site")
    (tmp_path / "site").symlink_to(tmp_path / "real-site")
    write(records / "supporters/ben-shah.yaml", (records / "supporters/ben-shah.yaml").read_text()
          .replace("Ben Shah", "Ben Changed"))
    assert build(records, tmp_path / "site")[0] == 0
    assert snapshot(tmp_path / "real-site") == before
    assert "Ben Changed" in (tmp_path / "site/index.html").read_text()


def test_pdf_failure_half_way_leaves_the_previous_site(tmp_path):
    """Like tests/test_build.py's render failure, but the second PDF fails to write."""
    from peerkit import pdf

    if pdf.unavailable_reason():
        pytest.skip(f"needs the PDF engine: {pdf.unavailable_reason()}")
    records = write_sample(tmp_path / "records")
    site = tmp_path / "site"
    command = ["build", str(records), "-o", str(site), "--as-of", SAMPLE_AS_OF]
    assert run(*command).exit_code == 0
    before = snapshot(site)
    assert any(rel.endswith("portfolio.pdf") for rel in before)
    script = textwrap.dedent("""
        import sys, peerkit.pdf as pdf
        real, calls = pdf.write_pdf, []
        def flaky(html, target, *attachments):
            calls.append(target)
            if len(calls) == 2:
                target.write_bytes(b"%PDF-1.4 half")
                raise OSError(28, "No space left on device")
            return real(html, target, *attachments)
        pdf.write_pdf = flaky
        from peerkit.cli import main
        sys.argv = ["peerkit", *sys.argv[1:]]
        main()
    """)
    (records / "supporters/bex.yaml").write_text((records / "supporters/bex.yaml").read_text().replace(
        "Quillfeather", "Renamed"))
    # an empty cache folder, so both PDFs are rendered (none copied from the first build)
    with tempfile.TemporaryDirectory() as fresh_cache:
        env = {**os.environ, "XDG_CACHE_HOME": fresh_cache}
        done = subprocess.run([sys.executable, "-c", script, *command], capture_output=True, text=True,
                              timeout=300, env=env)
    assert done.returncode != 0 and "No space left on device" in done.stderr
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records", "site"]


def test_new_never_writes_outside_the_records(records, tmp_path):
    before = {p for p in tmp_path.rglob("*")}
    refused = [
        ["new", "cpd", str(records), "--supporter", "../../etc", "--title", "x", "--type", "course", "--hours", "1"],
        ["new", "supporter", str(records), "--name", "X", "--id", "../x", "--status", "active", "--role", "group"],
        ["new", "supervision", str(records), "--supporter", "../x", "--type", "clinical", "--supervisor", "Jo",
         "--focus", "reflection", "--duration", "30"],
    ]
    for args in refused:
        exit_code, output = run(*args)
        assert exit_code == 1 and "nothing was written" in output, output
    assert set(tmp_path.rglob("*")) == before
    made = [
        ["new", "supporter", str(records), "--name", "../../Escaped", "--status", "active", "--role", "group"],
        ["new", "meeting", str(records), "--kind", "group", "--facilitator", "amara-okafor", "--facilitator",
         "ben-shah", "--setting", "in-house", "--duration", "60", "--topic", "../../../../escaped", "--attendance", "3",
         "--date", "2025-05-01"],
        ["new", "cpd", str(records), "--supporter", "amara-okafor", "--title", "../../../escaped", "--type", "course",
         "--hours", "1", "--date", "2025-05-01"],
    ]
    for args in made:
        exit_code, output = run(*args)
        assert exit_code == 0, output
        path = Path(output.strip().splitlines()[-1])
        path = path if path.is_absolute() else Path.cwd() / path
        assert records.resolve() in path.resolve().parents, path
    assert {p for p in set(tmp_path.rglob("*")) - before if records not in p.parents and p != records} == set()


def test_portfolio_for_an_id_that_is_a_path_writes_nothing(records, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.rglob("*"))
    exit_code, output = run("portfolio", "../../escaped", str(records), "--as-of", AS_OF, "--no-pdf")
    assert exit_code == 1 and "no supporter '../../escaped'" in output
    assert {p for p in set(tmp_path.rglob("*")) - before if ".peerkit-cache" not in p.parts} == set()
    assert not (tmp_path.parent / "escaped").exists()


def test_new_never_overwrites(records):
    before = (records / "supporters/ben-shah.yaml").read_bytes()
    exit_code, output = run("new", "supporter", str(records), "--name", "Ben Shah", "--status", "active",
                            "--role", "group")
    assert exit_code == 1 and "already exists" in output
    assert (records / "supporters/ben-shah.yaml").read_bytes() == before


def test_init_force_never_writes_through_a_link(tmp_path):
    target = tmp_path / "new-records"
    target.mkdir()
    (target / "programme.yaml").symlink_to(tmp_path / "outside-programme.yaml")  # dangling
    (tmp_path / "outside-folder").mkdir()
    (target / "evidence").symlink_to(tmp_path / "outside-folder")
    exit_code, output = run("init", str(target), "--force")
    assert exit_code == 1 and "is a link to a place outside" in output and "nothing was written" in output
    assert not (tmp_path / "outside-programme.yaml").exists()
    assert list((tmp_path / "outside-folder").iterdir()) == []
    (target / "evidence").unlink()
    exit_code, output = run("init", str(target), "--force")  # a dangling link to a file is left as it is
    assert exit_code == 0 and "skipped programme.yaml: already exists" in output
    assert not (tmp_path / "outside-programme.yaml").exists()
