"""Evidence files: which paths a CPD entry may name, and which files a portfolio may carry.

Evidence is copied into portfolios that coordinators open from disk and
employers may open over HTTP, and the records it comes from may be anyone's.
So a record names evidence only as a clean relative path under ``evidence/``
(never a web address, never ``..``), and the file it names must really sit in
``evidence/`` (a link may point elsewhere inside it), be a regular file of at
most :data:`MAX_BYTES`, and hold one of a few types that a browser shows but
never runs — decided by its first bytes, with a name that agrees.

The check and the copy share :func:`open_evidence`, so the copy refuses on its
own anything the check would refuse, reads the very file it checked, and
computes where it goes from the clean path the record gave.
"""

from __future__ import annotations

import codecs
import os
import posixpath
import re
import stat
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterable, Iterator

from .buildcache import signature as file_signature

FOLDER = "evidence"
MAX_BYTES = 20 * 2**20  # a scanned certificate is well under this; a 3 GB file is a mistake or an attack
SNIFF_BYTES = 8192  # enough to tell the type; evidence is never read whole by the check

# Why evidence is refused; rules.py turns each into its problem code.
PATH, OUTSIDE, MISSING, TYPE, SIZE = "path", "outside", "missing", "type", "size"


class Refused(Exception):
    """Evidence a portfolio may not carry: ``reason`` is one of the constants above."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Kind:
    """A type of file portfolios may carry: what it is called, and the names it may have."""

    name: str
    extensions: tuple[str, ...]


KINDS: dict[str, Kind] = {
    "pdf": Kind("a PDF", (".pdf",)),
    "png": Kind("a PNG image", (".png",)),
    "jpeg": Kind("a JPEG image", (".jpg", ".jpeg")),
    "gif": Kind("a GIF image", (".gif",)),
    "webp": Kind("a WebP image", (".webp",)),
    "text": Kind("plain text", (".txt",)),
    "zip-office": Kind("an office document (Word, Excel, PowerPoint or OpenDocument)",
                       (".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp")),
    "ole-office": Kind("an older office document (Word, Excel or PowerPoint)", (".doc", ".xls", ".ppt")),
}
ACCEPTED = ("a PDF, an image (PNG, JPEG, GIF, WebP), plain UTF-8 text (.txt) or an office document "
            "(.docx, .xlsx, .pptx, .odt, .ods, .odp, .doc, .xls, .ppt)")

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", "zip-office"),  # OOXML and OpenDocument are ZIP files
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole-office"),
)
# What text that is not plain is, first match wins; any tag-like '<' makes text markup.
_MARKUP: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"<svg[\s>/]"), "SVG"),
    (re.compile(r"<(?:!doctype\s+html|html|head|body|script|iframe|object|embed|meta|img|a|p|div)[\s>/]"), "HTML"),
    (re.compile(r"<\?xml"), "XML"),
    (re.compile(r"<[a-z!?/]"), "HTML or XML markup"),
)
_RUNNABLE = {"SVG", "HTML", "XML", "HTML or XML markup"}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_TEXT_CONTROLS = {"\t", "\n", "\r", "\f"}


# --- the path a record gives -------------------------------------------------------

def clean_path(rel: str) -> str:
    """``rel`` if it is a clean relative path under evidence/, else :class:`Refused`.

    Clean means what a portfolio can copy and link without surprises: '/'
    between folders, no empty, '.' or '..' parts, no web address, nothing
    invisible. Lexical only: links are dealt with by :func:`open_evidence`.
    """
    if any(_invisible(ch) for ch in rel):
        # Shown escaped: a right-to-left override would garble the very line that reports it.
        shown = "".join(f"\\u{ord(ch):04x}" if _invisible(ch) else ch for ch in rel)
        raise Refused(PATH, f"evidence '{shown}' holds a control or invisible character; retype the path")
    scheme = _SCHEME.match(rel)
    if scheme:
        raise Refused(PATH, f"evidence '{rel}' is a web address or a drive ('{scheme.group()}'), not a file in "
                            f"the records; save the file under evidence/ and give its path from the records "
                            f"folder, e.g. evidence/<supporter-id>/certificate.pdf")
    if "\\" in rel:
        raise Refused(PATH, f"evidence '{rel}' uses '\\'; separate folders with '/', "
                            f"e.g. {rel.replace(chr(92), '/')}")
    if rel.startswith("/"):
        raise Refused(OUTSIDE, _outside_message(rel))
    parts = rel.split("/")
    tidy = posixpath.normpath(rel)
    if ".." in parts:
        if tidy == ".." or tidy.startswith("../"):
            raise Refused(OUTSIDE, _outside_message(rel) + " (without '..')")
        if not tidy.startswith(FOLDER + "/"):
            raise Refused(OUTSIDE, _not_in_folder_message(rel))
        raise Refused(PATH, f"evidence '{rel}' uses '..'; give the path without it: {tidy}")
    if any(part in ("", ".") for part in parts):
        raise Refused(PATH, f"evidence '{rel}' has an empty or '.' folder in its path; write it as {tidy}")
    if parts[0] != FOLDER or len(parts) < 2:
        raise Refused(OUTSIDE, _not_in_folder_message(rel))
    return rel


def _invisible(ch: str) -> bool:
    """Control, format (zero-width, right-to-left override), surrogate or line-separator characters."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")


def _outside_message(rel: str) -> str:
    return (f"evidence '{rel}' points outside the records folder; "
            f"copy the file under evidence/ and give its path from there")


def _not_in_folder_message(rel: str) -> str:
    # Portfolios copy evidence: only certificates, never records, .git or the site.
    return (f"evidence '{rel}' is not in the evidence/ folder; portfolios copy "
            f"evidence only from there, so put the file under evidence/")


def owner_folder(rel: str) -> str | None:
    """The folder right under evidence/ that a clean path names (a supporter's, or a
    shared one), or None for a file directly in evidence/ or a path that is not clean."""
    try:
        parts = clean_path(rel).split("/")
    except Refused:
        return None
    return parts[1] if len(parts) > 2 else None


# --- the file it names ---------------------------------------------------------------

@contextmanager
def open_evidence(root: Path, rel: str) -> Iterator[BinaryIO]:
    """The evidence file ``rel`` names under ``root`` (resolved), open for reading
    at its start, once every rule holds; else :class:`Refused` saying why.

    The file is opened by its real path (links resolved, and that path then
    opened without following links) and checked through the open handle, so
    what is checked is what is read.
    """
    real = _real_path(root, clean_path(rel), rel)
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        raise Refused(MISSING, f"evidence file '{rel}' cannot be read") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        what = "a folder; name a file inside it" if stat.S_ISDIR(info.st_mode) else "not an ordinary file"
        raise Refused(MISSING, f"evidence '{rel}' is {what}")
    with os.fdopen(fd, "rb") as stream:
        if info.st_size > MAX_BYTES:
            raise Refused(SIZE, f"evidence '{rel}' is {_mib(info.st_size)}; an evidence file may be at most "
                                f"{_mib(MAX_BYTES)} (save the certificate as a smaller PDF or image)")
        problem = type_problem(rel, stream.read(SNIFF_BYTES), info.st_size)
        if problem:
            raise Refused(TYPE, problem)
        stream.seek(0)
        yield stream


def signature(root: Path, paths: Iterable[str], before_ns: int) -> str | None:
    """What the files ``paths`` name look like on disk (device, inode, size, change times), as
    one string; None if one cannot be looked at, or changed at or after ``before_ns``.

    Equal signatures mean the same bytes, as in git's index: every write sets the change
    time (ctime), which no program can set back. A file changed shortly before ``before_ns``
    (the time its bytes were read) gives None, since a second change in the same tick of a
    coarse clock would leave the times as they were.
    """
    parts = []
    for rel in sorted(set(paths)):
        try:
            info = os.stat(root / clean_path(rel))
        except (Refused, OSError, ValueError):
            return None
        if not stat.S_ISREG(info.st_mode) or max(info.st_ctime_ns, info.st_mtime_ns) >= before_ns:
            return None
        parts.append(f"{rel} {info.st_dev} {' '.join(map(str, file_signature(info)))}")
    return "\n".join(parts)


def _real_path(root: Path, clean: str, rel: str) -> Path:
    """Where ``clean`` really is, following links; it must be inside root/evidence/."""
    try:
        real = (root / clean).resolve(strict=True)
    except (FileNotFoundError, NotADirectoryError):
        raise Refused(MISSING, f"evidence file '{rel}' does not exist in the records folder") from None
    except (OSError, RuntimeError):  # a link loop, a name too long, a folder we may not enter
        raise Refused(MISSING, f"evidence file '{rel}' cannot be read (a link that leads to itself, "
                               f"or a folder that may not be opened)") from None
    if root not in real.parents:
        raise Refused(OUTSIDE, _outside_message(rel))
    if root / FOLDER not in real.parents:
        raise Refused(OUTSIDE, _not_in_folder_message(rel))
    return real


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB" if size >= 10 * 2**20 else f"{size / 2**20:.1f} MiB"


# --- what the file holds ---------------------------------------------------------------

def content_kind(head: bytes, size: int) -> tuple[str | None, str]:
    """(key in :data:`KINDS` or None, what the content is) from a file's first bytes."""
    if size == 0:
        return None, "an empty file"
    for magic, key in _MAGIC:
        if head.startswith(magic):
            return key, KINDS[key].name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", KINDS["webp"].name
    text = _utf8_prefix(head, complete=size <= len(head))
    if text is None:
        return None, "not UTF-8 text, nor a type peerkit knows (unknown binary data)"
    if any(ch not in _TEXT_CONTROLS and unicodedata.category(ch) == "Cc" for ch in text):
        return None, "binary data of an unknown type"
    lowered = text.lower()
    for pattern, name in _MARKUP:
        if pattern.search(lowered):
            return None, name
    return "text", KINDS["text"].name


def _utf8_prefix(head: bytes, complete: bool) -> str | None:
    """``head`` as text, or None if it is not UTF-8 (a character cut off at the end
    of an incomplete read is fine)."""
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=complete)
    except UnicodeDecodeError:
        return None


def type_problem(rel: str, head: bytes, size: int) -> str | None:
    """Why a file with these first bytes may not be evidence named ``rel``, or None."""
    key, found = content_kind(head, size)
    extension = PurePosixPath(rel).suffix.lower()
    if key is None:
        why = "which can run script in a browser" if found in _RUNNABLE else "which portfolios do not carry"
        return (f"evidence '{rel}' is {found}, {why}; evidence may be {ACCEPTED}: "
                f"save it as one of those (a PDF for a certificate)")
    kind = KINDS[key]
    if extension not in kind.extensions:
        named = f"named '{extension}'" if extension else "named without an extension"
        return (f"evidence '{rel}' holds {kind.name} but is {named}; rename it to end in {kind.extensions[0]} "
                f"(evidence may be {ACCEPTED}, named to match)")
    return None
