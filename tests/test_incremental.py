"""Issue 17: a rebuild makes only the pages whose records changed, and is still the full build.

Each case edits the demo programme the way a coordinator would (one record of each
kind, the shared settings, a new file, a deleted one, a match handed to another
supporter), rebuilds over the previous site, and compares the result byte for byte
with a full build of the same tree by another user (whose builds reuse nothing).
"""

from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Callable

import pytest

from conftest import DEMO_AS_OF, run, snapshot

Edit = Callable[[Path], None]


def replace(rel: str, old: str, new: str) -> Edit:
    def edit(records: Path) -> None:
        path = records / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


def add(rel: str, text: str) -> Edit:
    def edit(records: Path) -> None:
        (records / rel).write_text(text, encoding="utf-8")
    return edit


def delete(rel: str) -> Edit:
    def edit(records: Path) -> None:
        (records / rel).unlink()
    return edit


NEW_MEETING = """\
date: 2026-11-02
kind: one-to-one
supporter: jamal-hussain
mentee: "GA"
setting: telephone
duration_minutes: 30
debrief:
  date: 2026-11-03
  method: phone
"""

MATCHED = "supporter: amara-okafor\nmatched: 2026-11-01\nsessions_offered: 6\nstatus: active"

# (what a coordinator did, the edit, how many pages at most may be made again: None when the edit is to
# what every supporter page shows, which are then all made again)
EDITS = [
    ("a CPD entry's title", replace("cpd/amara-okafor/2025-01-23-data-security-awareness.yaml",
                                    "title: ", "title: Revised "), 3),
    ("a one-to-one's length", replace("meetings/2024/2024-11-22-one-to-one-jamal-hussain.yaml",
                                      "duration_minutes: 75", "duration_minutes: 80"), 3),
    ("a supervision session's notes", replace("supervision/2025/2025-01-03-clinical-amara-okafor.yaml",
                                              "date: 2025-01-03", "date: 2025-01-03\n# moved"), 3),
    ("a match's goal", replace("matches/2024/2024-001.yaml", "Sort out the housing application",
                               "Sort out the housing benefit application"), 3),
    ("a waiting mentee matched", replace("matches/2026/2026-017.yaml", "status: waiting", MATCHED), 3),
    ("a new one-to-one", add("meetings/2026/2026-11-02-one-to-one-jamal-hussain.yaml", NEW_MEETING), 3),
    ("a deleted CPD entry", delete("cpd/amara-okafor/2025-01-24-equality-diversity-and-human-rights.yaml"), 3),
    ("the programme's quiet spell", replace("programme.yaml", "quiet_after_days: 42", "quiet_after_days: 21"), None),
    ("a supporter's name", replace("supporters/bethan-price.yaml", "name: ", "name: Dr "), None),
    ("a venue's risk assessment", replace("venues/canal-cafe.yaml", "date: 2026-03-02", "date: 2026-03-09"), None),
    ("a group's ground rules", replace("groups/drop-in.yaml", "One person speaks at a time",
                                       "One person at a time"), None),
]


def build(records: Path, out: Path, cache_home: Path, monkeypatch, as_of: str = DEMO_AS_OF) -> str:
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    result = run("build", records, "-o", out, "--as-of", as_of, "--no-pdf")
    assert result.exit_code == 0, result.output
    return result.stdout


def made(stdout: str) -> int:
    """Pages made by a build (all of them when none were reused)."""
    found = re.search(r"(\d+) pages(?: \((\d+) made, (\d+) unchanged\))?", stdout)
    assert found, stdout
    return int(found[2]) if found[2] else int(found[1])


def assert_same_site(incremental: Path, full: Path) -> None:
    mine, whole = snapshot(incremental), snapshot(full)
    assert sorted(mine) == sorted(whole)
    assert [rel for rel in whole if mine[rel] != whole[rel]] == []


def trust_evidence_at_once(monkeypatch) -> None:
    """Let a build trust what evidence files look like on disk however recently they changed.

    The demo is copied moments before each build, and evidence changed within two seconds of a
    build is never trusted by its signature (see ``evidence.signature``): without this, no
    supporter's bundle would be taken whole, only their pages one by one.
    """
    monkeypatch.setattr("peerkit.site.RACY_NS", 0)


UNTOUCHED = "portfolios/rui-fernandes/evidence"  # no edit below touches this supporter's records


@pytest.mark.parametrize("bundles", [True, False], ids=["bundles", "pages"])
@pytest.mark.parametrize("what, edit, at_most", EDITS, ids=[e[0] for e in EDITS])
def test_a_rebuild_after_an_edit_is_byte_identical_to_a_full_build(demo_copy, tmp_path, monkeypatch,
                                                                   what, edit, at_most, bundles):
    if bundles:
        trust_evidence_at_once(monkeypatch)
    else:  # page by page only
        monkeypatch.setattr("peerkit.site.bundle_key", lambda *args: None)
    site, mine = tmp_path / "site", tmp_path / "my-cache"
    build(demo_copy, site, mine, monkeypatch)
    evidence_before = inodes(site / UNTOUCHED)
    edit(demo_copy)
    again = build(demo_copy, site, mine, monkeypatch)
    if bundles and at_most is not None:  # the untouched supporter's folder was taken whole, evidence too
        assert inodes(site / UNTOUCHED) == evidence_before and evidence_before
    if at_most is not None:  # the edit touched one supporter's records: the rest is reused
        assert made(again) <= at_most, again
    else:  # what every supporter page shows changed: they are all made again (and the dashboard)
        assert made(again) >= 1 + len(list((demo_copy / "supporters").glob("*.yaml"))), again
    full = tmp_path / "full"
    build(demo_copy, full, tmp_path / "someone-else", monkeypatch)
    assert_same_site(site, full)


def test_an_unchanged_tree_reuses_every_page_but_the_dashboard(demo_copy, tmp_path, monkeypatch):
    site, mine = tmp_path / "site", tmp_path / "my-cache"
    build(demo_copy, site, mine, monkeypatch)
    before = snapshot(site)
    assert made(build(demo_copy, site, mine, monkeypatch)) == 1
    assert snapshot(site) == before


def test_another_day_makes_every_page(demo_copy, tmp_path, monkeypatch):
    site, mine = tmp_path / "site", tmp_path / "my-cache"
    total = made(build(demo_copy, site, mine, monkeypatch))
    assert made(build(demo_copy, site, mine, monkeypatch, as_of="2026-11-21")) == total


def test_pages_are_reused_only_from_a_site_this_user_built(demo_copy, tmp_path, monkeypatch):
    """A site (marker and pages) someone else built, or copied in, gives this user's build nothing."""
    theirs, mine = tmp_path / "their-cache", tmp_path / "my-cache"
    site = tmp_path / "site"
    total = made(build(demo_copy, site, theirs, monkeypatch))
    assert made(build(demo_copy, site, mine, monkeypatch)) == total
    assert made(build(demo_copy, site, mine, monkeypatch)) == 1


def test_a_page_changed_in_the_previous_site_is_not_reused(demo_copy, tmp_path, monkeypatch):
    """The previous site's files must still be what peerkit wrote; a build refuses to replace
    a folder holding a changed file (so a planted page is never carried over)."""
    site, mine = tmp_path / "site", tmp_path / "my-cache"
    build(demo_copy, site, mine, monkeypatch)
    page = site / "supporters/amara-okafor.html"
    page.write_text(page.read_text(encoding="utf-8") + "<script>planted()</script>", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(mine))
    result = run("build", demo_copy, "-o", site, "--as-of", DEMO_AS_OF, "--no-pdf")
    assert result.exit_code != 0 and "changed since it wrote them" in result.output
    assert "planted()" in page.read_text(encoding="utf-8")  # left for the user to look at, never carried on


def test_a_portfolio_key_covers_every_field_of_the_portfolio(tmp_path):
    """Portfolio pages are keyed by ``repr`` of the portfolio: no field of its types may hide from repr."""
    import dataclasses

    from peerkit.portfolio import Portfolio

    seen, todo = set(), [Portfolio]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        hidden = [f.name for f in dataclasses.fields(cls) if not f.repr]
        assert hidden == [], f"{cls.__name__}: {hidden}"
        hints = typing.get_type_hints(cls)
        todo += [t for hint in hints.values() for t in _classes_in(hint) if dataclasses.is_dataclass(t)]
    assert len(seen) > 5


def _classes_in(hint) -> list:
    return [hint] if isinstance(hint, type) else [c for arg in typing.get_args(hint) for c in _classes_in(arg)]


def test_a_rebuild_takes_unchanged_pdfs_from_the_site_and_makes_one_without_workers(demo_copy, tmp_path,
                                                                                  monkeypatch):
    """After one CPD entry changed: 13 PDFs are the previous site's own files (linked, not copied,
    not even looked up in the kept PDFs), and the one to make is made in this process."""
    from peerkit import pdfpool

    site, mine = tmp_path / "site", tmp_path / "my-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(mine))
    assert run("build", demo_copy, "-o", site, "--as-of", DEMO_AS_OF).exit_code == 0
    before = {p.parent.name: p.stat().st_ino for p in site.glob("portfolios/*/portfolio.pdf")}
    replace("cpd/amara-okafor/2025-01-23-data-security-awareness.yaml", "title: ", "title: Revised ")(demo_copy)

    def no_workers(*args, **kwargs):
        raise AssertionError("workers started for one PDF")

    monkeypatch.setattr(pdfpool, "ProcessPoolExecutor", no_workers)
    again = run("build", demo_copy, "-o", site, "--as-of", DEMO_AS_OF)
    assert again.exit_code == 0, again.output
    assert "14 PDF portfolios (1 made, 13 unchanged)" in again.stdout
    after = {p.parent.name: p.stat().st_ino for p in site.glob("portfolios/*/portfolio.pdf")}
    assert after.keys() == before.keys() and len(after) == 14
    assert [who for who in after if after[who] != before[who]] == ["amara-okafor"]  # the 13 others: the same files


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def test_an_unchanged_supporters_page_and_portfolio_folder_are_taken_whole(demo_copy, tmp_path, monkeypatch):
    """Every file of an unchanged supporter (page, portfolio page, PDF, evidence copies) is the
    previous site's own file; the supporter whose CPD changed gets theirs made again."""
    trust_evidence_at_once(monkeypatch)
    site, mine = tmp_path / "site", tmp_path / "my-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(mine))
    assert run("build", demo_copy, "-o", site, "--as-of", DEMO_AS_OF).exit_code == 0
    before = inodes(site)
    replace("cpd/amara-okafor/2025-01-23-data-security-awareness.yaml", "title: ", "title: Revised ")(demo_copy)
    again = run("build", demo_copy, "-o", site, "--as-of", DEMO_AS_OF)
    assert again.exit_code == 0, again.output
    after = inodes(site)
    assert after.keys() == before.keys()
    remade = sorted(rel for rel in after if after[rel] != before[rel])
    assert "index.html" in remade and "portfolios/amara-okafor/portfolio.pdf" in remade
    assert any(rel.startswith("portfolios/amara-okafor/evidence/") for rel in remade)  # copied afresh
    assert [rel for rel in remade if "amara-okafor" not in rel] == [".peerkit-site", "index.html"]
    assert any(rel.startswith("portfolios/rui-fernandes/evidence/") for rel in after)


def test_an_evidence_file_changed_in_place_is_copied_again(demo_copy, tmp_path, monkeypatch):
    """A certificate replaced by one of the same size, its modification time set back, is still
    seen: the portfolio carries the new bytes, as a full build does."""
    import os

    trust_evidence_at_once(monkeypatch)
    site, mine = tmp_path / "site", tmp_path / "my-cache"
    build(demo_copy, site, mine, monkeypatch)
    certificate = sorted((demo_copy / "evidence" / "rui-fernandes").glob("*.pdf"))[0]
    old = certificate.read_bytes()
    times = certificate.stat()
    certificate.write_bytes(old.replace(b"%%EOF", b"%%EOX"))
    os.utime(certificate, ns=(times.st_atime_ns, times.st_mtime_ns))
    build(demo_copy, site, mine, monkeypatch)
    copy = site / "portfolios/rui-fernandes/evidence/rui-fernandes" / certificate.name
    assert copy.read_bytes() == certificate.read_bytes() != old
    full = tmp_path / "full"
    build(demo_copy, full, tmp_path / "someone-else", monkeypatch)
    assert_same_site(site, full)


def test_evidence_changed_moments_before_a_build_is_not_trusted_by_its_signature(tmp_path):
    """Two changes in one tick of a coarse clock leave a file's times as they were: a file
    changed within the window before the build began gives no signature, an older one does."""
    import time

    from peerkit.cache import RACY_NS
    from peerkit.evidence import signature

    folder = tmp_path / "evidence" / "someone"
    folder.mkdir(parents=True)
    (folder / "certificate.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    now = time.time_ns()
    assert signature(tmp_path, ["evidence/someone/certificate.pdf"], now - RACY_NS) is None
    later = signature(tmp_path, ["evidence/someone/certificate.pdf"], now + RACY_NS)
    assert later is not None and "evidence/someone/certificate.pdf" in later
    assert signature(tmp_path, ["evidence/someone/missing.pdf"], now + RACY_NS) is None
    assert signature(tmp_path, ["../outside.pdf"], now + RACY_NS) is None


def test_a_page_changed_in_place_with_its_times_set_back_is_still_seen(demo_copy, tmp_path, monkeypatch):
    """A rebuild does not read again the files of the previous site that look on disk as the last
    build left them, but an edit of the same size with the modification time set back is still
    seen (by the change time), and the build refuses to replace the folder."""
    import os

    site, mine = tmp_path / "site", tmp_path / "my-cache"
    build(demo_copy, site, mine, monkeypatch)
    page = site / "index.html"  # the first page written: well before the build noted the site
    text = page.read_bytes()
    times = page.stat()
    page.write_bytes(text.replace(b"<html", b"<HTML", 1))
    os.utime(page, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert page.stat().st_size == times.st_size
    monkeypatch.setenv("XDG_CACHE_HOME", str(mine))
    result = run("build", demo_copy, "-o", site, "--as-of", DEMO_AS_OF, "--no-pdf")
    assert result.exit_code != 0 and "changed since it wrote them (index.html)" in result.output


def test_files_as_the_last_build_left_them_are_not_read_again(demo_copy, tmp_path, monkeypatch):
    from peerkit import site as site_module

    site, mine = tmp_path / "site", tmp_path / "my-cache"
    build(demo_copy, site, mine, monkeypatch)
    files = [p for p in site.rglob("*") if p.is_file()]
    read = []
    digest = site_module._digest_file
    monkeypatch.setattr(site_module, "_digest_file", lambda path: read.append(path) or digest(path))
    build(demo_copy, site, mine, monkeypatch)
    checked = [p for p in read if str(site) in p and ".building-" not in p]
    assert len(checked) < len(files) / 2  # (those changed in the tick the note was written are read)


def test_a_site_note_trusts_only_the_same_file_changed_before_it():
    import os

    from peerkit.buildcache import SiteNote, signature

    info = os.stat(__file__)
    note = SiteNote({"a": signature(info)}, info.st_ctime_ns + 1)
    assert note.unchanged("a", info)
    assert not note.unchanged("b", info)
    assert not SiteNote({"a": signature(info)}, info.st_ctime_ns).unchanged("a", info)  # the same tick
    assert not SiteNote({"a": [info.st_ino, info.st_size + 1, info.st_mtime_ns, info.st_ctime_ns]},
                        info.st_ctime_ns + 1).unchanged("a", info)


def test_a_file_changed_between_the_swap_and_the_note_is_read_by_the_next_build(tmp_path):
    """The note is taken after the previous site is removed; a file that no longer looks as it
    did in the private build folder by then (a sync client wrote it) gets no signature."""
    from peerkit.site import _as_written, _signatures

    building, out = tmp_path / "building", tmp_path / "site"
    building.mkdir()
    for name in ("kept.html", "changed.html"):
        (building / name).write_text("as written\n", encoding="utf-8")
    files = {"kept.html": "x", "changed.html": "x"}
    written = _as_written(building, files)
    building.rename(out)
    (out / "changed.html").write_text("someone else's\n", encoding="utf-8")
    assert set(_signatures(out, written)) == {"kept.html"}
