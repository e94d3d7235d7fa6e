"""A content-hash cache of per-file results in ``<records>/.peerkit-cache/``.

Parsing and schema-checking a file depends only on its bytes, its kind, the
schemas and the loader/validator code, so that result is kept keyed by a hash
of the file's content, under a key that covers the schemas and the code. A
changed file, schema or peerkit therefore never reads a stale entry. Cross-
record rules always run afresh (they depend on every file and on --as-of).

The cache is JSON, not pickle: the records folder may come from anyone, and
loading a pickle can run code. It is safe to delete at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from . import __version__
from .problems import Problem

FOLDER = ".peerkit-cache"
FILE = "check.json"
Entry = tuple[str, Any, list]  # (content digest, data or None, [[line, col, severity, code, message], ...])


def digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _user_secret() -> bytes:
    """A random key kept in the user's own cache folder, never in a records folder.

    It is part of :func:`code_key`, so a ``.peerkit-cache`` that someone else
    wrote (shipped in a cloned repository, say) never matches: its entries
    could hold data that never passed the loader and the schemas.
    """
    try:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "peerkit"
        path = folder / "cache-secret"
        if path.is_file() and len(secret := path.read_bytes()) >= 16:
            return secret
        folder.mkdir(parents=True, exist_ok=True)
        secret = os.urandom(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(secret)
        return secret
    except (OSError, RuntimeError):  # no writable home: results are reused within this run only
        return os.urandom(32)


@cache
def code_key() -> str:
    """Changes with peerkit's version, the schemas, the code that fills the cache, and the user."""
    from . import validate

    h = hashlib.blake2b(__version__.encode(), digest_size=16, key=_user_secret()[:64])
    h.update(validate.schema_digest().encode())
    here = Path(__file__).parent
    for module in ("loader.py", "validate.py"):
        h.update((here / module).read_bytes())
    return h.hexdigest()


class ResultCache:
    """Per-file results of the last run, read at start and written once at the end."""

    def __init__(self, root: Path) -> None:
        self.path = root / FOLDER / FILE
        self.entries: dict[str, Entry] = self._read()
        self.fresh: dict[str, Entry] = {}

    def _read(self) -> dict[str, Entry]:
        try:
            stored = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(stored, dict) or stored.get("key") != code_key() or not isinstance(stored.get("files"), dict):
            return {}
        return stored["files"]

    def get(self, rel: str, content_digest: str) -> Entry | None:
        entry = self.entries.get(rel)
        if isinstance(entry, list) and len(entry) == 3 and entry[0] == content_digest:
            self.fresh[rel] = entry
            return entry
        return None

    def put(self, rel: str, content_digest: str, data: Any, problems: list[Problem]) -> None:
        kept = [[p.line, p.column, p.severity, p.code, p.message] for p in problems]
        self.fresh[rel] = [content_digest, data if not problems else None, kept]

    def save(self) -> None:
        """Write the entries of this run (dropping deleted files); quietly skip a read-only tree."""
        if self.fresh == self.entries:
            return
        try:
            self.path.parent.mkdir(exist_ok=True)
            (self.path.parent / ".gitignore").write_text("*\n")
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".check-")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"key": code_key(), "files": self.fresh}, out, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError:
            pass
