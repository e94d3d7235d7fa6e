"""``peerkit serve``: build, serve the site on this machine, rebuild on every save.

The MkDocs habit, for confidential records:

* Each build is the real ``peerkit build``, run in a build worker that stays
  warm between saves (:mod:`peerkit.warm`: no start-up, and unchanged
  records' models kept), into a private temporary folder removed on exit. A
  change to peerkit's templates, schemas or code starts a fresh worker, so
  they are read anew. It is incremental through the same caches as ``build``:
  unchanged records are not parsed again, unchanged pages and PDFs are kept.
* A save that introduces an error leaves the last good site in place (``build``
  never swaps in a half-built one), and every page then shows the problems at
  its top until they are fixed.
* The open page reloads itself: it asks ``/.peerkit/build`` every second for
  the build number. Pages allow only peerkit's own script, pinned by hash, so
  the server adds its small reload script (and the banner's style) to the page
  it sends, with their hashes added to the page's Content-Security-Policy and
  ``connect-src 'self'`` so that it may ask. Files on disk are not changed.
* It listens on 127.0.0.1 only, unless a network address is asked for with
  ``--allow-network``; on loopback it answers only requests addressed to
  loopback names (a web page elsewhere that re-points its own name at
  127.0.0.1 cannot read the records: DNS rebinding). Every answer is marked
  ``no-store``; folders are never listed.

Watching is watchfiles' (inotify, FSEvents, ReadDirectoryChangesW; polling
where those fail): it coalesces an editor's burst of writes into one change.
"""

from __future__ import annotations

import html
import ipaddress
import os
import re
import shutil
import signal
import socket
import stat
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import AbstractSet, Any, Callable, Sequence

from .html import csp_hash
from .places import IGNORED_OUTPUTS
from .resources import data_dir
from .warm import Worker, package_folder

LIVE_PATH = "/.peerkit/build"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "[::1]"}
MAX_PROBLEM_LINES = 200

# The reload script and the problems banner's style: constant text, allowed by hash.
LIVE_JS = """(function () {
  "use strict";
  var meta = document.querySelector('meta[name="peerkit-build"]');
  if (!meta || !window.fetch) return;
  var shown = meta.getAttribute("content");
  function ask() {
    fetch("%s", {cache: "no-store"}).then(function (answer) { return answer.text(); }).then(function (now) {
      if (now.trim() !== shown) { window.location.reload(); } else { window.setTimeout(ask, 1000); }
    }, function () { window.setTimeout(ask, 2000); });
  }
  window.setTimeout(ask, 1000);
})();""" % LIVE_PATH
LIVE_CSS = (".peerkit-problems{background:#fff4f4;color:#1a1a1a;border:3px solid #a4001d;margin:0 0 1rem;"
            "padding:.75rem 1rem;font:1rem/1.4 system-ui,sans-serif}.peerkit-problems h2{margin:0 0 .5rem;"
            "font-size:1.15rem}.peerkit-problems pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.9rem;"
            "margin:.5rem 0 0}")
_CSP = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")')


class ServeError(Exception):
    """The server cannot start; the message says why and what to do."""


@dataclass
class State:
    """What the last build left: its number, and its problems (none when it succeeded)."""

    build: int = 0
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


# --- the page the server sends -----------------------------------------------

def _with_live_sources(policy: str) -> str:
    """``policy`` that also allows the reload script, the banner's style and asking the server."""
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    names = [d.split()[0] for d in directives]
    additions = {"script-src": csp_hash(LIVE_JS), "style-src": csp_hash(LIVE_CSS), "connect-src": "'self'"}
    for name, source in additions.items():
        if name in names:
            i = names.index(name)
            directives[i] = directives[i].replace(" 'none'", "") + " " + source
        else:
            directives.append(f"{name} {source}")
    return "; ".join(directives)


def _attribute(text: str) -> str:
    return html.escape(text, quote=False).replace('"', "&quot;")


def banner(problems: Sequence[str]) -> str:
    """The problems of the last save, escaped, for the top of every page."""
    shown = list(problems[:MAX_PROBLEM_LINES])
    if len(problems) > MAX_PROBLEM_LINES:
        shown.append(f"... and {len(problems) - MAX_PROBLEM_LINES} more lines")
    return ('<div class="peerkit-problems" role="alert"><h2>The records have errors: this is the last good build</h2>'
            '<p>Fix them and save; this page reloads by itself.</p><pre>'
            + html.escape("\n".join(shown)) + "</pre></div>\n")


def live_page(page: str, build: int, problems: Sequence[str]) -> str:
    """``page`` as served: the reload script and build number in, the problems on top."""
    page = _CSP.sub(lambda m: m.group(1) + _attribute(_with_live_sources(html.unescape(m.group(2)))) + m.group(3),
                    page, count=1)
    head = f'<meta name="peerkit-build" content="{build}">\n<style>{LIVE_CSS}</style>\n'
    page = page.replace("</head>", head + "</head>", 1)
    if problems:
        start = page.find("<body")
        end = page.find(">", start) + 1 if start >= 0 else 0
        page = page[:end] + "\n" + banner(problems) + page[end:]
    at = page.rfind("</body>")
    script = f"<script>{LIVE_JS}</script>\n"
    return page[:at] + script + page[at:] if at >= 0 else page + script


def _server_page(title: str, body: str, build: int, problems: Sequence[str]) -> str:
    """A page of the server's own (not the site's), live like the site's pages."""
    return live_page('<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
                     '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">\n'
                     f'<title>peerkit serve: {title}</title>\n</head>\n<body>\n{body}</body>\n</html>\n',
                     build, problems)


def problems_page(build: int, problems: Sequence[str]) -> str:
    """What every address shows while there has been no good build yet."""
    return _server_page("errors", "", build, problems)


def gone_page(build: int, problems: Sequence[str]) -> str:
    """What a page's address shows when the last build has no such page (its supporter's file
    deleted or renamed, say): a way back, and the reload script, for when it comes back."""
    return _server_page("no such page", '<h1>No such page</h1>\n<p>The last build has no page here: a record may '
                        'have been deleted or renamed. This page reloads by itself if it comes back.</p>\n'
                        '<p><a href="/">The dashboard</a></p>\n', build, problems)


# --- the server ----------------------------------------------------------------

class _Handler(SimpleHTTPRequestHandler):
    """Files of the current site, pages with the reload script; only to loopback names unless allowed."""

    state: State
    site: Path
    any_host: bool
    server_version = "peerkit"
    sys_version = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, directory=str(self.site), **kwargs)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the name http.server uses
        pass  # a request log would bury the build messages

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()

    def _host_allowed(self) -> bool:
        if self.any_host:
            return True
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name in LOOPBACK_NAMES

    def send_head(self):
        if not self._host_allowed():
            self.send_error(HTTPStatus.FORBIDDEN, "peerkit serve answers only requests to this machine's own name")
            return None
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        with self.state.lock:
            build, problems = self.state.build, list(self.state.problems)
        if path == LIVE_PATH:
            return self._text(str(build).encode(), "text/plain; charset=utf-8")
        if any(part.startswith(".") for part in path.split("/")):  # the marker: the site's own bookkeeping
            self.send_error(HTTPStatus.NOT_FOUND, "no such page")
            return None
        if not (self.site / "index.html").is_file():
            return self._text(problems_page(build, problems).encode(), "text/html; charset=utf-8",
                              HTTPStatus.SERVICE_UNAVAILABLE)
        local = Path(self.translate_path(self.path))
        if local.is_dir():
            if not path.endswith("/"):
                return super().send_head()  # the redirect to the folder's own address
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            try:
                page = local.read_text(encoding="utf-8")
            except OSError:
                return super().send_head()
            return self._text(live_page(page, build, problems).encode(), "text/html; charset=utf-8")
        if local.suffix == ".html":
            return self._text(gone_page(build, problems).encode(), "text/html; charset=utf-8", HTTPStatus.NOT_FOUND)
        return super().send_head()

    def list_directory(self, path):
        self.send_error(HTTPStatus.NOT_FOUND, "no such page")
        return None

    def _text(self, body: bytes, content_type: str, status: HTTPStatus = HTTPStatus.OK):
        from io import BytesIO

        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return BytesIO(body)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int, site: Path, state: State, any_host: bool) -> ThreadingHTTPServer:
    """A server bound to ``host:port`` (0: any free port) serving ``site``; not yet answering."""
    handler = type("Handler", (_Handler,), {"state": state, "site": site, "any_host": any_host})

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    try:
        return Server((host.strip("[]"), port), handler)
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another with --port "
                         f"(0: any free port)") from None


# --- building and watching ---------------------------------------------------

def build_args(records: Path, site: Path, build_options: Sequence[str]) -> list[str]:
    return [str(records), "-o", str(site), *build_options]


def worker_env(private: Path) -> dict[str, str]:
    """The environment of the build worker: this one, with this peerkit importable first, the
    current folder (the records' repository, whoever wrote it) not importable at all (Python
    3.11+), and its temporary files (a PDF's evidence, say) in the session's ``private`` folder."""
    package_parent = str(package_folder().parent)
    return {**os.environ, "TMPDIR": str(private), "PYTHONSAFEPATH": "1",
            "PYTHONPATH": os.pathsep.join(p for p in (package_parent, os.environ.get("PYTHONPATH")) if p)}


def peerkit_files() -> list[Path]:
    """peerkit's templates, schemas and code: the build worker reads them once, so a change
    to them (by whoever is editing those) needs a fresh worker."""
    return [p for p in (data_dir("templates"), data_dir("schemas"), package_folder()) if p.is_dir()]


def watched(records: Path) -> list[Path]:
    """The records, and peerkit's own files."""
    return [p for p in (records, *peerkit_files()) if p.is_dir()]


def of_peerkit(changes: AbstractSet[tuple[Any, str]]) -> bool:
    """Whether a batch of watchfiles' changes touched peerkit's own files."""
    own = peerkit_files()
    return any(folder == Path(path) or folder in Path(path).parents for _, path in changes for folder in own)


def change_filter(records: Path) -> Callable:
    """watchfiles' default filter (editor swap files, .git...), less the cache and build outputs."""
    from watchfiles import DefaultFilter

    outputs = [records.resolve() / name for name in IGNORED_OUTPUTS]

    class Changes(DefaultFilter):
        ignore_dirs = (*DefaultFilter.ignore_dirs, ".peerkit-cache")

        def __call__(self, change, path: str) -> bool:
            resolved = Path(path)
            return super().__call__(change, path) and not any(o == resolved or o in resolved.parents
                                                               for o in outputs)

    return Changes()


FOLDER_PREFIX = "peerkit-serve-"
OWNER = "owner"  # in each session's folder: the process id of the serve that made it


def remove_abandoned(parent: Path) -> int:
    """Remove the private folders that serve sessions of this user left behind when they were
    killed (SIGKILL, a crash, a power cut): each holds a copy of the confidential site. A folder
    is abandoned when the process named in it is gone; one without that name (being made, or
    not peerkit's) is left alone. How many were removed."""
    removed = 0
    me = os.getuid() if hasattr(os, "getuid") else None
    for folder in parent.glob(f"{FOLDER_PREFIX}*"):
        try:
            info = folder.lstat()
            if not stat.S_ISDIR(info.st_mode) or (me is not None and info.st_uid != me):
                continue
            owner = int((folder / OWNER).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue
        if not _alive(owner):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone's: not provably gone
    return True


class Session:
    """One ``peerkit serve``: a private site folder, the server, the watcher."""

    def __init__(self, records: Path, build_options: Sequence[str], echo: Callable[[str], None]) -> None:
        """``records`` as the user named it: build messages name files as ``check`` would."""
        self.records, self.build_options, self.echo = records, list(build_options), echo
        self.state = State()
        if removed := remove_abandoned(Path(tempfile.gettempdir())):
            echo(f"removed {removed} private site folder{'s' if removed != 1 else ''} left by a serve "
                 f"that was stopped abruptly")
        self.folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))  # 0700: only this user reads it
        (self.folder / OWNER).write_text(str(os.getpid()), encoding="ascii")
        self.site = self.folder / "site"
        self.stop = threading.Event()
        temporary = self.folder / "tmp"
        temporary.mkdir()
        self.worker = Worker(worker_env(temporary), self.folder / "worker.log")
        self.peerkit_changed = threading.Event()

    def rebuild(self) -> None:
        started = time.monotonic()
        if self.peerkit_changed.is_set():
            self.peerkit_changed.clear()
            self.worker.restart()
        ok, lines = self.worker.build(build_args(self.records, self.site, self.build_options))
        with self.state.lock:
            self.state.build += 1
            self.state.problems = [] if ok else lines
        if ok:  # what build said (files checked, pages and PDFs made, warnings), as build says it
            self.echo("\n  ".join([f"built in {time.monotonic() - started:.1f} s", *lines]))
        else:
            self.echo("\n".join(lines))
            self.echo("the site shows the last good build, and the problems above on every page")

    def run(self, host: str, port: int, any_host: bool) -> None:
        """Serve until interrupted (Ctrl+C, SIGTERM); the site folder is removed on the way out.

        The watcher starts before the first build, so a save during it is not missed;
        saves during a build make one more build after it.
        """
        try:
            server = listen(host, port, self.site, self.state, any_host)
            self._on_terminate()
            changed = threading.Event()
            watcher = threading.Thread(target=self._watch, args=(changed,), daemon=True)
            watcher.start()
            self.rebuild()
            threading.Thread(target=server.serve_forever, daemon=True).start()
            shown = f"[{host.strip('[]')}]" if ":" in host else host
            self.echo(f"serving on http://{shown}:{server.server_address[1]}/ (Ctrl+C to stop)")
            try:
                while not self.stop.is_set():
                    if changed.wait(0.25):
                        changed.clear()
                        self.rebuild()
            finally:
                self.stop.set()
                server.shutdown()
                server.server_close()
                watcher.join(timeout=5)
        finally:
            self.worker.stop()
            shutil.rmtree(self.folder, ignore_errors=True)

    def _watch(self, changed: threading.Event) -> None:
        """Set ``changed`` on every batch of saves, until stopped. Where the system's file
        events cannot be had (a full inotify table, a network drive), poll instead."""
        from watchfiles import watch

        records = self.records.resolve()
        for polling in (False, True):
            try:
                for changes in watch(*watched(records), watch_filter=change_filter(records), stop_event=self.stop,
                               raise_interrupt=False, debounce=800, step=100, force_polling=polling or None,
                               poll_delay_ms=500):
                    if of_peerkit(changes):
                        self.peerkit_changed.set()
                    changed.set()
                return
            except (OSError, RuntimeError) as exc:
                if polling:
                    self.echo(f"error: cannot watch the records for changes ({exc}); rebuilds stopped, "
                              f"restart peerkit serve")
                    return
                self.echo(f"note: watching the records by polling ({exc})")

    def _on_terminate(self) -> None:
        """SIGTERM stops like Ctrl+C, so the confidential site folder is still removed."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda signum, frame: self.stop.set())
