"""``peerkit fmt``: canonical form, comments kept, idempotent, hostile files and links left alone."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from conftest import problems, run, write
from test_friction_precommit import repo  # noqa: F401 (a fixture)

DEMO = Path(__file__).resolve().parents[1] / "records"
MEETING = "meetings/2025/2025-03-04-one-to-one-amara-okafor.yaml"

COMMENTED = """\
# yaml-language-server: $schema=../../.schemas/meeting.schema.json

kind: one-to-one            # one-to-one | group | coordinator-one-to-one
# the day it happened
date: "2025-03-04"
supporter: amara-okafor
mentee: 'DK'                # initials or a code only, never a name
setting: community          # in-house | community | telephone | online
lone_working:
    # who was told
    checked_out: "19:10"
    checked_in: '18:00'       # quote times
duration_minutes: 60
debrief:
    method: phone
    date: 2025-03-05   # the next day

notes: |  # what happened
    Talked through the next clinic appointment.
    # not a comment: part of the notes
actions:
- done: false   # not yet
  action: Book the clinic
  # a week later
  due: 2025-03-11

# reviewed by Jo
"""

CANONICAL = """\
# yaml-language-server: $schema=../../.schemas/meeting.schema.json

# the day it happened
date: 2025-03-04
kind: one-to-one            # one-to-one | group | coordinator-one-to-one
supporter: amara-okafor
mentee: "DK"                # initials or a code only, never a name
setting: community          # in-house | community | telephone | online
duration_minutes: 60
lone_working:
  checked_in: "18:00"         # quote times
  # who was told
  checked_out: "19:10"
debrief:
  date: 2025-03-05     # the next day
  method: phone
actions:
  - action: Book the clinic
    # a week later
    due: 2025-03-11
    done: false # not yet

# what happened
notes: |
  Talked through the next clinic appointment.
  # not a comment: part of the notes

# reviewed by Jo
"""


@pytest.fixture
def formatted(records: Path) -> Path:
    """The shared test records, in canonical form."""
    assert run("fmt", records)[0] == 0
    return records


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink() and ".peerkit-cache" not in p.parts}


def test_the_demo_records_are_in_canonical_form():
    """CI runs this: fmt leaves every demo file byte for byte as it is."""
    exit_code, output = run("fmt", "--check", DEMO)
    assert exit_code == 0, output
    assert output.splitlines() == [f"would format 0 files, {len(list(DEMO.rglob('*.yaml')))} already in canonical form"]


def scrambled(text: str) -> str:
    """The same record written another way: fields reversed at every level, every list in block
    style, four spaces per level, dates in quotes."""
    import io

    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    rt = YAML()
    rt.preserve_quotes = True
    rt.indent(mapping=4, sequence=4, offset=0)
    rt.width = 4096

    def turn(value, keep_order=False):
        if isinstance(value, dict):
            out = CommentedMap()
            for key in (list(value) if keep_order else reversed(list(value))):
                out[key] = turn(value[key], key == "competencies_assessed")  # ids, in the user's order
            return out
        if isinstance(value, list):
            out = CommentedSeq(turn(v) for v in value)
            out.fa.set_block_style()
            return out
        return value

    buffer = io.StringIO()
    rt.dump(turn(rt.load(text)), buffer)
    return buffer.getvalue()


def test_fmt_puts_demo_records_back_in_canonical_form(tmp_path):
    records = tmp_path / "records"
    shutil.copytree(DEMO, records)
    for path in sorted(records.rglob("*.yaml"))[::6]:  # every kind, a sixth of the files: quicker, as telling
        path.write_text(scrambled(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert snapshot(records) != snapshot(DEMO)
    exit_code, before = run("check", records, "--as-of", "2026-11-20")

    exit_code, output = run("fmt", records)
    assert exit_code == 0, output
    assert snapshot(records) == snapshot(DEMO)
    after = run("check", records, "--as-of", "2026-11-20")[1]  # the same data: the same problems, at new lines
    assert [(p.path, p.code, p.message) for p in problems(after, records)] == [
        (p.path, p.code, p.message) for p in problems(before, records)]
    assert run("fmt", records)[1].startswith("formatted 0 files")  # idempotent


def test_fmt_keeps_every_comment_and_moves_it_with_its_field(formatted):
    records = formatted
    path = write(records / MEETING, COMMENTED)
    exit_code, output = run("fmt", records)
    assert exit_code == 0, output
    assert f"formatted {records}/{MEETING}" in output.splitlines()
    assert path.read_text(encoding="utf-8") == CANONICAL
    again = run("fmt", "--check", records)
    assert again[0] == 0 and "would format 0 files" in again[1]
    assert run("check", records, "--as-of", "2025-06-30")[0] == 0


def test_a_commented_out_last_field_stays_at_the_end_of_its_block(formatted):
    records = formatted
    path = write(records / "supporters/ben-shah.yaml", """\
        id: ben-shah
        name: Ben Shah
        status: active
        joined: 2024-09-01
        roles:
          - one-to-one   # mostly
          # - group
        supervision:
          supervisor: Jo Hill
          interval_days: 30
          # agreement_signed: 2025-01-01

        notes: Telephone only.
    """)
    assert run("fmt", path)[0] == 0
    assert path.read_text() == (
        "id: ben-shah\nname: Ben Shah\nstatus: active\njoined: 2024-09-01\nroles:\n  - one-to-one   # mostly\n"
        "  # - group\nsupervision:\n  interval_days: 30\n  supervisor: Jo Hill\n  # agreement_signed: 2025-01-01\n"
        "\nnotes: Telephone only.\n")
    assert run("fmt", "--check", path)[0] == 0


def test_check_lists_the_files_it_would_change_and_changes_nothing(formatted):
    records = formatted
    write(records / MEETING, COMMENTED)
    before = snapshot(records)
    exit_code, output = run("fmt", "--check", records)
    assert exit_code == 1
    assert output.splitlines()[0] == f"would format {records}/{MEETING}"
    assert snapshot(records) == before


def test_diff_shows_the_change_and_changes_nothing(formatted):
    records = formatted
    write(records / MEETING, COMMENTED)
    before = snapshot(records)
    exit_code, output = run("fmt", "--diff", records / MEETING)
    assert exit_code == 0
    assert f"--- {records}/{MEETING}\t(as written)" in output and f"+++ {records}/{MEETING}\t(canonical)" in output
    assert '-mentee: \'DK\'                # initials or a code only, never a name' in output
    assert '+mentee: "DK"                # initials or a code only, never a name' in output
    assert snapshot(records) == before


@pytest.mark.parametrize("text, line, column, code", [
    ("date: 2025-03-04\nkind: [one-to-one\n", 2, 7, "yaml-syntax"),
    ("date: 2025-03-04\nlone_working:\n  checked_in: 18:30\n", 3, 15, "yaml-ambiguous"),
    ("date: 2025-03-04\ndate: 2025-03-05\n", 2, 1, "duplicate-key"),
    ("a: &x [1]\nb: *x\n", 1, 4, "yaml-alias"),
    ("date: 2025-02-30\n", 1, 7, "bad-date"),
    ("notes: " + "[" * 3000 + "]" * 3000 + "\n", 1, 71, "too-deep"),
    ("date: 2025-03-04\x00\n", 1, 17, "yaml-syntax"),
])
def test_a_file_that_does_not_load_is_reported_and_never_rewritten(formatted, text, line, column, code):
    records = formatted
    path = records / MEETING
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    exit_code, output = run("fmt", records)
    assert exit_code == 1
    assert [(p.path, p.line, p.column, p.code) for p in problems(output, records)] == [(MEETING, line, column, code)]
    assert path.read_bytes() == text.encode("utf-8")
    assert output.splitlines()[-1].endswith("1 left as it was (see above; peerkit check --fix fixes what is certain)")


def test_links_are_never_followed_nor_replaced(formatted, tmp_path):
    records = formatted
    outside = write(tmp_path / "elsewhere" / "meeting.yaml", COMMENTED)
    (records / MEETING).parent.mkdir(parents=True, exist_ok=True)
    (records / MEETING).symlink_to(outside)
    linked_folder = records / "meetings" / "2024"
    linked_folder.symlink_to(outside.parent, target_is_directory=True)
    before = outside.read_bytes()

    inside = records / "meetings/2025/2025-03-05-one-to-one-amara-okafor.yaml"
    inside.symlink_to(records / "meetings/2025/2025-03-04-one-to-one-dk.yaml")

    exit_code, output = run("fmt", records)  # check reports the link out (outside-records)
    assert exit_code == 0, output
    assert [(p.path, p.code, p.severity) for p in problems(output, records)] == [
        ("meetings/2025/2025-03-05-one-to-one-amara-okafor.yaml", "not-formatted", "note")]
    exit_code, output = run("fmt", records / MEETING, linked_folder / "meeting.yaml")
    assert exit_code == 0
    assert [p.message for p in problems(output, records)] == [
        "meetings/2024 is a link; fmt changes only real files, never through a link; left as it was",
        "meetings/2025/2025-03-04-one-to-one-amara-okafor.yaml is a link; fmt changes only real files, "
        "never through a link; left as it was"]
    assert outside.read_bytes() == before and (records / MEETING).is_symlink() and inside.is_symlink()


def test_named_files_that_are_not_records_are_left_alone(formatted):
    records = formatted
    config = write(records / ".pre-commit-config.yaml", "repos: []\n")
    other = write(records / "notes.yaml", "b: 1\na: 2\n")
    write(records / MEETING, COMMENTED)
    exit_code, output = run("fmt", config, other, records / MEETING)
    assert exit_code == 0, output
    assert [p.code for p in problems(output, records)] == ["not-formatted", "not-formatted"]
    assert config.read_text() == "repos: []\n" and other.read_text() == "b: 1\na: 2\n"
    assert (records / MEETING).read_text() == CANONICAL


def test_line_ends_and_byte_order_mark_become_plain(formatted):
    records = formatted
    path = records / MEETING
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xef\xbb\xbf" + COMMENTED.replace("\n", "\r\n").encode("utf-8"))
    os.chmod(path, 0o640)
    exit_code, output = run("fmt", records)
    assert exit_code == 0, output
    assert path.read_bytes() == CANONICAL.encode("utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not [p.name for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_fmt_finds_the_records_like_check(formatted, monkeypatch):
    records = formatted
    write(records / MEETING, COMMENTED)
    monkeypatch.chdir(records / "meetings")
    exit_code, output = run("fmt", "--check")
    assert exit_code == 1
    assert output.splitlines() == ["peerkit: using the records in .. (nearest programme.yaml upwards)",
                                   "would format ../meetings/2025/2025-03-04-one-to-one-amara-okafor.yaml",
                                   "would format 1 file, 8 already in canonical form"]


def test_init_and_new_write_canonical_records(tmp_path):
    root = tmp_path / "ours"
    assert run("init", root)[0] == 0
    [example] = (root / "supporters").glob("*.yaml")
    assert run("new", "supporter", root, "--name", "Zoë Ng", "--status", "active", "--role", "one-to-one",
               "--role", "group", "--joined", "2025-01-01")[0] == 0
    assert run("new", "meeting", root, "--kind", "group", "--facilitator", "zoe-ng", "--facilitator", example.stem,
               "--setting", "in-house", "--duration", "90", "--topic", "Drop-in", "--date", "2025-03-01")[0] == 0
    assert run("new", "supervision", root, "--supporter", "zoe-ng", "--type", "clinical", "--supervisor", "Jo Hill",
               "--focus", "reflection", "--focus", "development", "--date", "2025-02-01")[0] == 0
    assert run("new", "cpd", root, "--supporter", "zoe-ng", "--title", "Lone working", "--type", "workshop",
               "--hours", "3", "--competency", "safety", "--date", "2025-02-02")[0] == 0
    exit_code, output = run("fmt", "--check", root)
    assert (exit_code, output.splitlines()[-1]) == (0, "would format 0 files, 6 already in canonical form")


def test_the_pre_commit_hook_formats_staged_records_and_stops_the_commit(repo):  # noqa: F811
    """With real git and pre-commit on a repository made by init: fmt rewrites, the commit stops,
    adding the change lets it through."""
    from test_friction_precommit import commit, head

    root, env = repo
    assert commit(root, env, "Start records").returncode == 0
    before = head(root, env)
    record = write(root / "supporters/zoe-ng.yaml", "status: active  # started in May\nname: Zoe Ng\nid: zoe-ng\n"
                                                    "joined: 2025-01-06\nroles:\n- one-to-one\n- group\n")
    stopped = commit(root, env, "Zoe joins")
    said = stopped.stdout + stopped.stderr
    assert stopped.returncode != 0 and "files were modified by this hook" in said, said
    assert record.read_text() == ("id: zoe-ng\nname: Zoe Ng\nstatus: active  # started in May\njoined: 2025-01-06\n"
                                  "roles: [one-to-one, group]\n")
    assert head(root, env) == before
    assert commit(root, env, "Zoe joins").returncode == 0
