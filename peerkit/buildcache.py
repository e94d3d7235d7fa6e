"""Rendered PDFs kept by what they show, in the user's own cache folder.

Typesetting a PDF portfolio takes far longer than copying one. So each PDF is
kept under a key that hashes exactly its inputs (see :func:`pdf_key`): the
portfolio's data (everything the PDF shows), the Typst template it is laid out
by, the bytes of every evidence file the portfolio names, peerkit's version and
PDF code, and the engine's version. A build whose key
matches copies the kept file instead of rendering: byte for byte what a
render would make (tests/test_builds.py compares with a full build).

Where: ``~/.cache/peerkit/pdf/`` (``$XDG_CACHE_HOME``), never in the records
(a records folder may come from anyone, and may be shared) and never in the
output folder (a site may sit on a shared drive: a PDF planted there must
not be carried into the next build). The folder is used only if it is a real
folder of this user's, files are opened without following links and written
by rename; a folder that cannot be used only makes builds slower.

Bounded: after each build the least recently used files go until the folder
holds at most :data:`MAX_BYTES`, never a file the build just used.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Callable, Iterable, Protocol

from . import __version__

if TYPE_CHECKING:
    from .pdf import Attachment

FOLDER = "pdf"
MAX_BYTES = 1 << 30
# No PDF peerkit writes comes near this; a bigger file there is not one of its own.
MAX_FILE_BYTES = 512 << 20
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def user_cache_folder() -> Path:
    """``$XDG_CACHE_HOME/peerkit``, else ``~/.cache/peerkit``: the user's own, never shared."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "peerkit"


@lru_cache(maxsize=1)
def _pdf_code() -> bytes:
    return Path(__file__).with_name("pdf.py").read_bytes() + Path(__file__).with_name("markup.py").read_bytes()


def _template() -> bytes:
    from .pdf import template

    return template()


def pdf_key(data: str, attachments: Iterable[Attachment], engine: str) -> str:
    """The key of a PDF: everything it is made from, the embedded evidence's bytes included.

    peerkit's PDF module and the Typst template are hashed in, so a change to how
    PDFs are made (layout, engine options, how files are attached) never reuses an old file.
    """
    h = hashlib.blake2b(digest_size=20, person=b"peerkit-pdf")
    h.update(f"{__version__}\0{engine}\0".encode())
    h.update(_pdf_code())
    h.update(b"\0template\0" + _template())
    h.update(b"\0data\0" + data.encode("utf-8", "surrogatepass"))
    for a in attachments:
        h.update(f"\0attachment\0{attachment_key(a)}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def attachment_key(a: Attachment) -> str:
    """An embedded file as a PDF's key sees it: its name, description and date, and its bytes' hash."""
    return f"{a.name}\0{a.description}\0{a.day.isoformat()}\0{hashlib.blake2b(a.data, digest_size=20).hexdigest()}"


def private_folder(folder: Path) -> int | None:
    """A descriptor of ``folder`` if it is a real folder owned by this user (made if missing), else None."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            os.mkdir(folder, 0o700)  # never follows a link: a link here is "exists"
        except FileExistsError:
            pass
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW | _CLOEXEC)
    except OSError:
        return None
    if os.fstat(fd).st_uid != os.geteuid():
        os.close(fd)
        return None
    return fd


def read_plain(name: str | Path, cap: int, folder: int | None = None) -> tuple[bytes, os.stat_result] | None:
    """``name`` (inside ``folder``, a descriptor, if given) and its stat, if it is a plain file of
    at most ``cap`` bytes; None otherwise (missing, a link, a pipe, a device, too big). Opened
    without following a link and checked through the open handle, so what is checked is what
    is read."""
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | _CLOEXEC, dir_fd=folder)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > cap:
            return None
        raw = file.read(cap + 1)
    return (raw, info) if len(raw) <= cap else None


def replace_file(folder: int, name: str, write: Callable[[BinaryIO], object]) -> None:
    """Write ``name`` in ``folder`` through a new temporary file and a rename, so
    whatever sat there before (a link, a pipe) is replaced, never written through."""
    tmp = f".write-{os.urandom(8).hex()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
        os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        try:
            os.unlink(tmp, dir_fd=folder)
        except OSError:
            pass
        raise


# --- sites this user built ------------------------------------------------------
#
# A rebuild takes the pages whose inputs did not change from the site it replaces
# (see peerkit.pagekeys). That site's marker names the pages' keys, and a marker is
# just a file: one planted in a shared folder, with keys worked out from the records
# and pages of the planter's own, must not get those pages into this user's site.
# So each build notes its marker's hash here, in the user's own cache folder, and a
# rebuild reuses pages only from a site whose marker it finds noted. The note holds
# how each of the site's files looked on disk once it was in place, so the next
# build need not read them all again to know they are as peerkit wrote them.

SITES = "sites"
MAX_SITES = 256
MAX_NOTE_BYTES = 64 << 20


def _site_name(marker: bytes) -> str:
    return hashlib.blake2b(marker, digest_size=20, person=b"peerkit-site").hexdigest()


@dataclass(frozen=True)
class SiteNote:
    """What this user's build noted of a site it wrote: each file's signature on disk (see
    :func:`signature`) just after the build, and when that was noted (the note's own time)."""

    signatures: dict[str, list[int]]
    stamp: int

    def unchanged(self, rel: str, info: os.stat_result) -> bool:
        """Whether the file ``rel``, as ``info`` shows it, is certainly the one the build wrote.

        As git's index does: same inode, size and times, and not changed in the very tick
        the note was written (a change then could leave every time as it was). The change
        time (ctime) is set by the system on every write and cannot be set back by a program.
        """
        return self.signatures.get(rel) == signature(info) and info.st_ctime_ns < self.stamp


# Where in a signature its size and its change time are.
SIZE, CHANGED = 1, 3


def signature(info: os.stat_result) -> list[int]:
    """What a file looks like on disk without reading it: inode, size, modification and change
    times. The one shape for record files (the cache), site files (the note) and evidence."""
    return [info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def note_site(marker: bytes, signatures: dict[str, list[int]]) -> None:
    """Note that this user built a site with this marker, and how its files look on disk now
    (the oldest notes go past :data:`MAX_SITES`)."""
    folder = private_folder(user_cache_folder() / SITES)
    if folder is None:
        return
    try:
        note = json.dumps(signatures, separators=(",", ":")).encode()
        replace_file(folder, _site_name(marker), lambda out: out.write(note))
        with os.scandir(folder) as found:
            notes = sorted((entry.stat(follow_symlinks=False).st_mtime_ns, entry.name) for entry in found)
        for _, old in notes[:-MAX_SITES]:
            os.unlink(old, dir_fd=folder)
    except OSError:
        pass
    finally:
        os.close(folder)


def site_note(marker: bytes) -> SiteNote | None:
    """What this user noted of the site whose marker this is; None if this user did not build it."""
    folder = private_folder(user_cache_folder() / SITES)
    if folder is None:
        return None
    try:
        found = read_plain(_site_name(marker), MAX_NOTE_BYTES, folder)
    finally:
        os.close(folder)
    if found is None:
        return None
    raw, info = found
    try:
        signatures = json.loads(raw)
    except ValueError:
        signatures = {}
    return SiteNote(signatures if isinstance(signatures, dict) else {}, info.st_mtime_ns)


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class PdfCache:
    """The kept PDFs; every method fails soft (None, False) when the folder cannot be used."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or user_cache_folder() / FOLDER
        self.used: set[str] = set()
        self._opened = False
        self._fd: int | None = None  # None: not opened yet, or unusable

    def _dir(self) -> int | None:
        """A descriptor of the folder if it is a real folder owned by this user (made if missing)."""
        if not self._opened:
            self._opened = True
            self._fd = private_folder(self.folder)
        return self._fd

    def open(self, key: str) -> BinaryIO | None:
        """The kept PDF for ``key``, open for reading, or None."""
        folder = self._dir()
        if folder is None:
            return None
        try:
            fd = os.open(f"{key}.pdf", os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | _CLOEXEC, dir_fd=folder)
        except OSError:
            return None
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            os.close(fd)
            return None
        try:
            os.utime(f"{key}.pdf", dir_fd=folder, follow_symlinks=False)  # recently used: kept longest
        except OSError:
            pass
        self.used.add(f"{key}.pdf")
        return os.fdopen(fd, "rb")

    def keep(self, key: str, source: Readable) -> None:
        """Copy the PDF just rendered for ``key`` into the folder (a new file, renamed into place)."""
        folder = self._dir()
        if folder is None:
            return
        def copy(out: BinaryIO) -> None:
            while chunk := source.read(1 << 20):
                out.write(chunk)

        try:
            replace_file(folder, f"{key}.pdf", copy)
            self.used.add(f"{key}.pdf")
        except OSError:
            pass

    def trim(self, max_bytes: int = MAX_BYTES) -> None:
        """Remove the least recently used files until the folder holds at most ``max_bytes``
        (files this build used stay, whatever their size)."""
        folder = self._dir()
        if folder is None:
            return
        entries = []
        try:
            with os.scandir(folder) as found:
                for entry in found:
                    info = entry.stat(follow_symlinks=False)
                    entries.append((info.st_mtime, entry.name, info.st_size))
        except OSError:
            return
        total = sum(size for _, _, size in entries)
        for _, name, size in sorted(entries):
            if total <= max_bytes:
                break
            if name in self.used:
                continue
            try:
                os.unlink(name, dir_fd=folder)
                total -= size
            except OSError:
                pass

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._opened = None, False
