"""The content-hash cache in RECORDS/.peerkit-cache/: faster, never stale, safe to lose."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import peerkit
from conftest import AS_OF, EVIDENCE_FILES, cache_content, run, run_check, write
from peerkit.resources import data_dir


def cache_file(records):
    return records / ".peerkit-cache" / "check.marshal"


def test_second_run_reuses_the_cache_and_reports_the_same(records):
    write(records / "meetings/2025/2025-03-04-one-to-one-x.yaml", """
        date: 2025-03-04
        kind: one-to-one
        supporter: nobody-here
        mentee: "DK"
        setting: in-house
        duration_minutes: 60
        debrief: {date: 2025-03-04, method: phone}
    """)
    first = run_check(records)
    stored = cache_content(cache_file(records))
    assert "meetings/2025/2025-03-04-one-to-one-x.yaml" in stored["files"]
    second = run_check(records)
    assert second == first
    # The rule's problem on a cached record still points at the field's own line.
    assert "2025-03-04-one-to-one-x.yaml:3:1: error: unknown-supporter" in second[1]


def test_a_changed_file_is_checked_again(records):
    run_check(records)
    path = records / "supporters/amara-okafor.yaml"
    path.write_text(path.read_text().replace("status: active", "status: retired"))
    exit_code, output = run_check(records)
    assert exit_code == 1
    assert "amara-okafor.yaml:3:1: error: bad-value status is 'retired'" in output


def another_peerkit(tmp_path: Path, change: str) -> Path:
    """A copy of this peerkit (for PYTHONPATH) with one change: a rule's message ("code") or
    a schema's allowed values ("schemas"), so the results it caches differ from this one's."""
    other = tmp_path / "another-peerkit"
    package = shutil.copytree(Path(peerkit.__file__).parent, other / "peerkit",
                              ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("schemas", "templates"):
        shutil.copytree(data_dir(name), package / name, dirs_exist_ok=True)
    if change == "code":
        rules = package / "rules.py"
        text = rules.read_text(encoding="utf-8")
        assert "no debrief recorded" in text
        rules.write_text(text.replace("no debrief recorded", "another peerkit found no debrief"), encoding="utf-8")
    else:
        path = package / "schemas/meeting.schema.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        schema["properties"]["setting"]["enum"].append("comunity")
        path.write_text(json.dumps(schema), encoding="utf-8")
    return other


@pytest.mark.parametrize("change", ["code", "schemas"])
def test_results_from_other_code_or_schemas_are_ignored(records, tmp_path, change):
    """Another peerkit (same user, so the same secret) caches results this one would not give;
    this one must check afresh, not read them. Both run as subprocesses, each working out its
    own cache key."""
    # No debrief (a warning with a message from rules.py); a setting only the other schema allows.
    write(records / "meetings/2025/2025-06-20-one-to-one-dk.yaml", f"""
        date: 2025-06-20
        kind: one-to-one
        supporter: amara-okafor
        mentee: DK
        setting: {"in-house" if change == "code" else "comunity"}
        duration_minutes: 60
    """)
    other = another_peerkit(tmp_path, change)

    def check_with(pythonpath: str) -> str:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [pythonpath, os.environ.get("PYTHONPATH")]))}
        done = subprocess.run([sys.executable, "-m", "peerkit", "check", str(records), "--as-of", AS_OF],
                              capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
        assert done.stderr == ""
        return done.stdout

    theirs, ours = check_with(str(other)), check_with("")
    if change == "code":
        assert "warning: no-debrief another peerkit found no debrief" in theirs
        assert "warning: no-debrief no debrief recorded" in ours and "another peerkit" not in ours
    else:
        assert theirs.endswith("0 errors, 1 warning\n")
        assert "2025-06-20-one-to-one-dk.yaml:5:1: error: bad-value setting is 'comunity'" in ours


@pytest.mark.parametrize("garbage", ["", "{not json", "[]", '{"key": 1, "files": []}', "\x00\xff"])
def test_a_broken_cache_is_ignored_and_rewritten(records, garbage):
    cache_file(records).parent.mkdir(exist_ok=True)
    cache_file(records).write_text(garbage, encoding="latin-1")
    exit_code, output = run_check(records)
    assert exit_code == 0 and output.endswith("0 errors, 0 warnings\n")
    assert cache_content(cache_file(records))["files"]


def test_no_cache_flag_writes_nothing(records):
    assert run_check(records, "--no-cache")[0] == 0
    assert not (records / ".peerkit-cache").exists()


def test_the_cache_ignores_itself_in_git(records):
    run_check(records)
    assert (records / ".peerkit-cache" / ".gitignore").read_text() == "*\n"


def test_remembered_rule_results_still_see_a_vanished_evidence_file(records):
    """Evidence files are not records: deleting one changes no record, yet must show."""
    assert run_check(records)[0] == 0
    assert run_check(records)[0] == 0  # now from the remembered results
    (records / EVIDENCE_FILES[0]).unlink()
    exit_code, output = run_check(records)
    assert exit_code == 1
    assert "error: missing-evidence evidence file 'evidence/amara-okafor/safeguarding-2025.pdf'" in output


def test_remembered_rule_results_follow_the_as_of_date_and_other_files(records):
    write(records / "supervision/2025/2025-05-01-amara-okafor.yaml", """
        date: 2025-05-01
        supporter: amara-okafor
        type: clinical
        supervisor: Helen Clarke
        focus: [reflection]
        actions:
          - action: Read the lone working policy
            due: 2025-07-01
    """)
    assert "overdue-action" not in run_check(records)[1]
    assert "overdue-action" not in run_check(records)[1]
    assert "overdue-action" in run_check(records, as_of="2025-07-02")[1]
    # A change in one file changes another file's problems: the supporter goes, the references break.
    (records / "supporters/amara-okafor.yaml").unlink()
    assert "unknown-supporter" in run_check(records, as_of="2025-07-02")[1]


def test_build_after_remembered_check_has_every_record(records, tmp_path):
    run_check(records)
    run_check(records)
    exit_code, output = run("build", records, "-o", tmp_path / "site", "--as-of", "2025-06-30", "--no-pdf")
    assert exit_code == 0, output
    assert "Amara Okafor" in (tmp_path / "site/index.html").read_text()


def test_a_lost_records_file_in_the_cache_is_read_again(records, tmp_path):
    run_check(records)
    for data in (records / ".peerkit-cache").glob("records-*.marshal"):
        data.unlink()
    exit_code, output = run("build", records, "-o", tmp_path / "site", "--as-of", "2025-06-30", "--no-pdf")
    assert exit_code == 0, output
    assert "Amara Okafor" in (tmp_path / "site/index.html").read_text()


def test_a_changed_record_rewrites_only_the_data_file_that_holds_it(records):
    """The records' data is spread over many files: a one-file change (a build after one edit)
    rewrites the index and one data file, not every record's data."""
    from peerkit.cache import data_file

    run_check(records)
    cache = records / ".peerkit-cache"
    before = {p.name: p.read_bytes() for p in cache.glob("records-*.marshal")}
    assert len(before) > 3
    rel = "supporters/ben-shah.yaml"
    (records / rel).write_text((records / rel).read_text().replace("name: Ben Shah", "name: Ben Shaw"))
    run_check(records)
    after = {p.name: p.read_bytes() for p in cache.glob("records-*.marshal")}
    assert [name for name in after if after[name] != before.get(name)] == [data_file(rel)]
    assert b"Ben Shaw" in after[data_file(rel)]


def test_files_unchanged_on_disk_are_not_read_again(records, monkeypatch):
    """As git's index: a file whose size, inode and change times are as they were when it was hashed
    (and that did not change just before that run) is taken from the cache without reading it."""
    from peerkit import cache, loader

    monkeypatch.setattr(cache, "RACY_NS", 0)  # the files were all written a moment ago
    run_check(records)
    reads: list[str] = []
    real = loader.read_bytes
    monkeypatch.setattr(cache, "read_bytes", lambda path: reads.append(path) or real(path))
    assert run_check(records) == (0, "checked 8 files: 0 errors, 0 warnings\n")
    assert reads == []


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(records, monkeypatch):
    """Restoring a file's modification time (cp -p, a sync tool, touch -r) cannot hide an edit: the
    change time (ctime) is set by the system on every write."""
    from peerkit import cache

    monkeypatch.setattr(cache, "RACY_NS", 0)
    run_check(records)
    path = records / "meetings/2025/2025-03-04-one-to-one-dk.yaml"
    before = path.stat()
    path.write_text(path.read_text().replace("setting: community", "setting: communitX"))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    exit_code, output = run_check(records)
    assert exit_code == 1 and "communitX" in output


def test_a_cache_left_by_an_earlier_peerkit_in_json_is_removed(records):
    cache = records / ".peerkit-cache"
    cache.mkdir()
    for name in ("check.json", "records-07.json"):
        (cache / name).write_text('{"mac":"0","files":{}}', encoding="utf-8")
    (cache / "notes.txt").write_text("not peerkit's\n", encoding="utf-8")
    assert run_check(records)[0] == 0
    assert not (cache / "check.json").exists() and not (cache / "records-07.json").exists()
    assert (cache / "notes.txt").exists() and (cache / "check.marshal").is_file()
