"""A crafted records tree or output folder cannot make peerkit write, read or run
what it should not (security issue: item 2 and part of item 10).

* The cache in ``.peerkit-cache/`` never follows a link, never reads more than
  a bounded size, and ignores a cache it did not write.
* ``peerkit new`` never writes through a linked folder.
* U+2028, U+2029 and U+0085 (line breaks to YAML, not to editors) never shift
  a reported line or hide a field.
* ``-o`` to a place that cannot be written gives one clear line.
* A planted ``.peerkit-site`` marker cannot get someone's folder replaced.
* Only peerkit's own script and style run in the pages opened from disk.

Runs that could hang or exhaust memory on the code before the fix run in a
child process with a memory limit and a timeout.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from browser import chromium_page
from conftest import AS_OF, cache_content, problems, rewrite_cache, run, run_check, write
from peerkit.cache import data_file

CACHE = ".peerkit-cache"
BEN_DATA = data_file("supporters/ben-shah.yaml")  # the cache file holding that record's data
_PROBLEM = re.compile(r"^.+:\d+:\d+: (error|warning|note): [a-z0-9-]+ .+$")
_SUMMARY = re.compile(r"^checked \d+ files?: \d+ errors?, \d+ warnings?(, \d+ notes?)?$")


def peerkit_process(*args: str, memory: int = 1536 << 20, timeout: int = 90) -> subprocess.CompletedProcess:
    """``python -m peerkit ARGS`` in a child limited to ``memory`` bytes and ``timeout`` seconds."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([sys.executable, "-m", "peerkit", *args], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=limit)


def one_error_line(exit_code: int, output: str) -> str:
    """Exit 1 and exactly one line, an ``error:`` line; returns it."""
    lines = [line for line in output.splitlines() if line.strip()]
    assert exit_code == 1 and "Traceback" not in output, output
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    return lines[0]


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder`` (links not followed): file contents, or what a link points at."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = path.read_bytes()
    return found


# --- the cache: never through a link ------------------------------------------------

def test_the_cache_never_writes_through_a_link_inside_it(records, tmp_path):
    """A committed .peerkit-cache/.gitignore (or check.marshal) that is a link to a file
    outside: check replaces the link, the file it pointed at is untouched."""
    (records / CACHE).mkdir()
    for name in (".gitignore", "check.marshal", BEN_DATA):
        victim = tmp_path / f"victim-{name}"
        victim.write_text("precious\n")
        (records / CACHE / name).symlink_to(victim)
    exit_code, output = run_check(records)
    assert (exit_code, output) == (0, "checked 8 files: 0 errors, 0 warnings\n")
    for name in (".gitignore", "check.marshal", BEN_DATA):
        assert (tmp_path / f"victim-{name}").read_text() == "precious\n", name
        assert not (records / CACHE / name).is_symlink()
    assert run_check(records) == (exit_code, output)  # and the rewritten cache works


@pytest.mark.parametrize("what", ["link-to-folder", "link-to-nowhere", "link-to-file", "file"])
def test_a_cache_folder_that_is_not_a_real_folder_is_not_used(records, tmp_path, what):
    """A symlinked .peerkit-cache/ wrote every record's data (notes included) outside the tree."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "outside-file").write_text("precious\n")
    cache = records / CACHE
    if what == "link-to-folder":
        cache.symlink_to(outside)
    elif what == "link-to-nowhere":
        cache.symlink_to(tmp_path / "missing")
    elif what == "link-to-file":
        cache.symlink_to(tmp_path / "outside-file")
    else:
        cache.write_text("not a folder\n")
    for _ in range(2):
        exit_code, output = run_check(records)
        assert exit_code == 0 and "Traceback" not in output
        [note] = problems(output, records)
        assert (note.path, note.line, note.column, note.severity, note.code) == (CACHE, 1, 1, "note", "cache-unused")
        assert "not used" in note.message
        assert output.endswith("checked 8 files: 0 errors, 0 warnings, 1 note\n")
    assert list(outside.iterdir()) == []
    assert (tmp_path / "outside-file").read_text() == "precious\n"
    assert not (tmp_path / "missing").exists()
    assert run_check(records, "--no-cache") == (0, "checked 8 files: 0 errors, 0 warnings\n")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the folder to another user")
def test_a_cache_folder_owned_by_someone_else_is_not_used(records):
    cache = records / CACHE
    cache.mkdir()
    os.chown(cache, 65534, 65534)
    exit_code, output = run_check(records)
    assert exit_code == 0
    assert [p.code for p in problems(output, records)] == ["cache-unused"]
    assert list(cache.iterdir()) == []


# --- the cache: bounded reads ----------------------------------------------------------

@pytest.mark.parametrize("what", ["index-dev-zero", "index-named-pipe", "index-huge", "data-dev-zero", "data-huge"])
def test_cache_files_that_are_endless_special_or_huge_are_ignored(records, what):
    """check.marshal -> /dev/zero ran check out of memory; a named pipe would wait forever."""
    assert run_check(records)[0] == 0  # a good cache first, so the records' data is read on the next build
    name = "check.marshal" if what.startswith("index") else BEN_DATA
    target = records / CACHE / name
    target.unlink()
    if what.endswith("dev-zero"):
        target.symlink_to("/dev/zero")
    elif what.endswith("named-pipe"):
        os.mkfifo(target)
    else:
        with open(target, "wb") as out:  # sparse: no disk used, but 4 GiB to read
            out.truncate(4 << 30)
    command = ["check"] if name == "check.marshal" else ["build", "-o", str(records.parent / "site"), "--no-pdf"]
    done = peerkit_process(*command, str(records), "--as-of", AS_OF)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr[-3000:]
    assert "0 errors, 0 warnings\n" in done.stdout
    if name == "check.marshal":  # rewritten as a plain file (a data file is, once a record in it changes)
        assert target.is_file() and not target.is_symlink() and target.stat().st_size < 1 << 20


# --- the cache: only what this peerkit wrote -----------------------------------------

def test_a_cache_edited_after_peerkit_wrote_it_is_ignored(records, tmp_path):
    """The cache key is no secret once a cache has been shared (a zipped records folder):
    every cache file is sealed, so one edited (or forged with a copied key) is not read."""
    assert run_check(records)[0] == 0
    index = records / CACHE / "check.marshal"
    stored = cache_content(index)
    rel = "supporters/amara-okafor.yaml"
    stored["files"][rel][1] = [[1, 1, "error", "planted", "from an edited cache"]]
    rewrite_cache(index, stored)
    exit_code, output = run_check(records)
    assert "planted" not in output and exit_code == 0

    data_file = records / CACHE / BEN_DATA
    data = cache_content(data_file)
    data["data"]["supporters/ben-shah.yaml"][0]["name"] = "Planted Name"  # [data, positions]
    rewrite_cache(data_file, data)
    exit_code, output = run("build", str(records), "-o", str(tmp_path / "site"), "--as-of", AS_OF, "--no-pdf")
    assert exit_code == 0, output
    page = (tmp_path / "site/index.html").read_text()
    assert "Planted Name" not in page and "Ben Shah" in page


# --- peerkit new: never through a link ----------------------------------------------

NEW_MEETING = ["new", "meeting", "--date", "2025-05-01", "--kind", "one-to-one", "--supporter", "amara-okafor",
               "--mentee", "DK", "--setting", "in-house", "--duration", "60"]
NEW_CPD = ["new", "cpd", "--date", "2025-05-01", "--supporter", "amara-okafor", "--title", "Listening",
           "--type", "course", "--hours", "2"]


@pytest.mark.parametrize("linked, command", [
    ("meetings/2025", NEW_MEETING), ("meetings", NEW_MEETING), ("cpd/amara-okafor", NEW_CPD),
])
def test_new_never_writes_through_a_linked_folder(records, tmp_path, linked, command):
    real = tmp_path / "elsewhere"
    (records / linked).rename(real)
    (records / linked).symlink_to(real)
    before = tree(real)
    exit_code, output = run(*command[:2], str(records), *command[2:])
    line = one_error_line(exit_code, output)
    assert f"{linked} is a link" in line and "nothing was written" in line
    assert str(tmp_path) not in line  # the link's target is not shown
    assert tree(real) == before


def test_new_with_a_link_to_nowhere_gives_one_clear_error(records, tmp_path):
    (records / "meetings/2025").rename(tmp_path / "moved")
    (records / "meetings/2025").symlink_to(tmp_path / "missing")
    exit_code, output = run(*NEW_MEETING[:2], str(records), *NEW_MEETING[2:])
    line = one_error_line(exit_code, output)
    assert "meetings/2025 is a link" in line and "nothing was written" in line
    assert not (tmp_path / "missing").exists()
    # A year folder that does not exist yet is still made.
    exit_code, output = run(*NEW_MEETING[:2], str(records), *NEW_MEETING[2:3], "2024-12-01", *NEW_MEETING[4:])
    assert exit_code == 0, output
    assert (records / "meetings/2024/2024-12-01-one-to-one-amara-okafor.yaml").is_file()


# --- line separators: U+2028, U+2029, U+0085 -----------------------------------------

MEETING = "meetings/2025/2025-03-12-check-in-ben.yaml"
SEPARATORS = {"U+2028": "\u2028", "U+2029": "\u2029", "U+0085": "\x85"}


@pytest.mark.parametrize("name", SEPARATORS)
@pytest.mark.parametrize("where", ["between-fields", "in-a-quoted-value", "in-a-comment", "in-plain-text"])
def test_a_line_separator_is_reported_where_the_editor_shows_it(records, name, where):
    """libyaml breaks lines at these characters; editors and git diff do not. So
    ``setting: online<U+2028>notes: ...`` showed one line but held two fields."""
    char = SEPARATORS[name]
    lines = {
        "between-fields": f"setting: online{char}mentee: Jane Smith",
        "in-a-quoted-value": f'topic: "one{char}two"',
        "in-a-comment": f"# checked{char}mentee: Jane Smith",
        "in-plain-text": f"notes: first{char}  second",
    }
    text = ("date: 2025-03-12\r\nkind: coordinator-one-to-one\r\nsupporter: ben-shah\r\n"
            f"duration_minutes: 30\r\n{lines[where]}\r\n")
    if where != "between-fields":
        text += "setting: online\r\n"
    (records / MEETING).write_bytes(text.encode("utf-8"))
    exit_code, output = run_check(records, "--no-cache")
    assert exit_code == 1
    [problem] = problems(output, records)
    column = lines[where].index(char) + 1
    assert (problem.path, problem.line, problem.column, problem.code) == (MEETING, 5, column, "yaml-syntax")
    assert name in problem.message and "line break" in problem.message


def test_a_line_separator_in_the_first_line_after_a_bom_is_at_its_column(records):
    (records / MEETING).write_bytes("\ufeffdate: 2025-03-12\u2028\n".encode("utf-8"))
    [problem] = problems(run_check(records, "--no-cache")[1], records)
    assert (problem.line, problem.column, problem.code) == (1, 17, "yaml-syntax")


@pytest.mark.parametrize("escape", ["\\L", "\\P", "\\u2028", "\\u2029"])
def test_problem_lines_stay_whole_when_a_value_holds_a_line_separator(records, escape):
    """A value may hold one through a YAML escape; the message quoting it stays one line."""
    path = records / "supporters/ben-shah.yaml"
    path.write_text(path.read_text().replace("status: active", f'status: "act{escape}ive"'))
    exit_code, output = run_check(records, "--no-cache")
    assert exit_code == 1
    lines = output.splitlines()  # str.splitlines breaks at U+2028, U+2029 and U+0085 too
    assert all(_PROBLEM.match(line) for line in lines[:-1]) and _SUMMARY.match(lines[-1]), output
    [problem] = problems(output, records)
    assert problem.code == "bad-value" and "act\\" in problem.message


@pytest.mark.parametrize("name", SEPARATORS)
def test_new_refuses_a_line_separator_in_a_value(records, name):
    """``new`` would write it raw, and YAML would fold it into a space."""
    exit_code, output = run("new", "meeting", str(records), "--date", "2025-05-01", "--kind", "group",
                            "--facilitator", "amara-okafor", "--facilitator", "ben-shah", "--setting", "in-house",
                            "--duration", "60", "--topic", f"Drop{SEPARATORS[name]}in", "--attendance", "3")
    assert exit_code == 1 and "nothing was written" in output and name in output, output
    assert not list((records / "meetings/2025").glob("2025-05-01-*"))


# --- -o that cannot be written --------------------------------------------------------

def _command(kind: str, records: Path, out: str) -> list[str]:
    if kind == "build":
        return ["build", str(records), "-o", out, "--as-of", AS_OF, "--no-pdf"]
    if kind == "portfolio":
        return ["portfolio", "amara-okafor", str(records), "-o", out, "--as-of", AS_OF, "--no-pdf"]
    return ["export", "meetings", str(records), "-o", out]


@pytest.mark.parametrize("kind", ["build", "portfolio", "export"])
@pytest.mark.parametrize("where", ["proc", "under-a-file"])
def test_an_output_that_cannot_be_written_gives_one_clear_line(records, tmp_path, kind, where):
    (tmp_path / "a-file").write_text("precious\n")
    out = "/proc/peerkit-test/out" if where == "proc" else str(tmp_path / "a-file" / "out")
    exit_code, output = run(*_command(kind, records, out))
    line = one_error_line(exit_code, output)
    assert "cannot write" in line
    assert (tmp_path / "a-file").read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "records"]


def test_build_into_a_link_to_nowhere_replaces_the_link(records, tmp_path):
    (tmp_path / "site").symlink_to(tmp_path / "missing")
    exit_code, output = run(*_command("build", records, str(tmp_path / "site")))
    assert exit_code == 0, output
    assert (tmp_path / "site").is_dir() and not (tmp_path / "site").is_symlink()
    assert not (tmp_path / "missing").exists()


# --- the site marker ------------------------------------------------------------------

def _planted_marker(kind: str, folder: Path, real_site: Path) -> None:
    marker = folder / ".peerkit-site"
    if kind == "sentence":
        marker.write_text("Built by peerkit; this folder is replaced on every build.\n")
    elif kind == "copied":
        marker.write_bytes((real_site / ".peerkit-site").read_bytes())
    elif kind == "forged-manifest":
        real = (real_site / ".peerkit-site").read_text()
        head, _, body = real.partition("\n")
        manifest = json.loads(body)
        manifest["files"]["thesis.txt"] = next(iter(manifest["files"].values()))
        marker.write_text(head + "\n" + json.dumps(manifest) + "\n")
    else:
        marker.symlink_to(real_site / ".peerkit-site")


@pytest.mark.parametrize("kind", ["sentence", "copied", "forged-manifest", "link"])
def test_a_planted_marker_does_not_get_a_folder_replaced(records, tmp_path, kind):
    assert run(*_command("build", records, str(tmp_path / "real-site")))[0] == 0
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    (precious / "drafts").mkdir()
    (precious / "drafts/chapter-1.txt").write_text("more work")
    _planted_marker(kind, precious, tmp_path / "real-site")
    before = tree(precious)
    for command in (_command("build", records, str(precious)), _command("portfolio", records, str(precious))):
        exit_code, output = run(*command)
        line = one_error_line(exit_code, output)
        assert "peerkit did not write" in line or "not made by peerkit" in line, line
        assert tree(precious) == before


@pytest.mark.parametrize("change", ["added", "edited", "linked"])
def test_a_site_holding_files_peerkit_did_not_write_is_not_replaced(records, tmp_path, change):
    site = tmp_path / "site"
    assert run(*_command("build", records, str(site)))[0] == 0
    (site / ".DS_Store").write_bytes(b"\0Bud1")  # file managers' litter is fine to lose
    if change == "added":
        write(site / "supporters/board-notes.txt", "notes for the board")
        name = "supporters/board-notes.txt"
    elif change == "edited":
        (site / "index.html").write_text((site / "index.html").read_text() + "<!-- my edit -->")
        name = "index.html"
    else:
        (tmp_path / "documents").mkdir()
        (site / "documents").symlink_to(tmp_path / "documents")
        name = "documents"
    before = tree(site)
    exit_code, output = run(*_command("build", records, str(site)))
    line = one_error_line(exit_code, output)
    assert "peerkit did not write" in line and name in line
    assert tree(site) == before
    # Moving the file out is all it takes.
    (site / name).unlink()
    assert run(*_command("build", records, str(site)))[0] == 0
    assert not (site / ".DS_Store").exists()
    assert run(*_command("build", records, str(site)))[0] == 0  # and again, from its own marker
    for _ in range(2):
        assert run(*_command("portfolio", records, str(tmp_path / "portfolio")))[0] == 0


# --- only peerkit's own script and style run -----------------------------------------

PAGES = ["index.html", "supporters/amara-okafor.html", "supporters/ben-shah.html"]


def _csp(html: str) -> dict[str, list[str]]:
    policy = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


@pytest.fixture
def site(records, tmp_path) -> Path:
    out = tmp_path / "site"
    exit_code, output = run(*_command("build", records, str(out)))
    assert exit_code == 0, output
    return out


@pytest.mark.parametrize("page", PAGES)
def test_dashboard_pages_allow_only_their_own_script_and_style(site, page):
    """script-src 'self' on file:// allows any .js file anywhere on the disk."""
    from peerkit.html import csp_hash

    html = (site / page).read_text()
    csp = _csp(html)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(scripts) == 1 and len(styles) == 1
    assert csp["script-src"] == [csp_hash(scripts[0])]
    assert csp["style-src"] == [csp_hash(styles[0])]
    assert "'self'" not in html and "<script src" not in html and "<link rel=\"stylesheet\"" not in html


@pytest.mark.browser
def test_a_planted_script_or_style_does_not_run_in_chromium(site):
    """As if a sanitiser miss let a page name a file in the site (a copied evidence
    file, say): it loads nothing. peerkit's own filtering still works."""
    (site / "evil.js").write_text("window.pwned = 'same folder';")
    (site / "supporters/evil.js").write_text("window.pwned = 'other folder';")
    (site / "evil.css").write_text("body { display: none !important; }")
    page_path = site / "index.html"
    page_path.write_text(page_path.read_text().replace(
        "</main>", '<script src="evil.js"></script><script src="supporters/evil.js"></script>'
                   '<script src="/' + str(site / "evil.js").lstrip("/") + '"></script>'
                   '<link rel="stylesheet" href="evil.css"></main>'))
    with chromium_page() as (page, console, errors):
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        assert page.evaluate("window.pwned") is None
        assert page.locator("body").is_visible()
        assert any("Content Security Policy" in message for message in console)  # blocked, not missing
        page.get_by_role("searchbox").fill("Ben")
        assert page.locator("#supporters-table tbody tr:visible").count() == 1
        page.get_by_role("button", name="Joined").click()
        assert errors == []
