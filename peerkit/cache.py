"""A content-hash cache of per-file results in ``<records>/.peerkit-cache/``.

Parsing and schema-checking a file depends only on its bytes, its kind, the
schemas and the loader/validator code, so that result is kept keyed by a hash
of the file's content, under a key that covers the schemas and the code. A
changed file, schema or peerkit therefore never reads a stale entry.

The results of the cross-record rules are kept too, under a fingerprint of
every file's content hash, --as-of and the records folder: a second check of
an unchanged tree skips building the model and running the rules. Only the
evidence rule runs every time, because evidence files are not records and a
certificate can vanish without any record changing.

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
INDEX = "check.json"
DATA = "records.json"
Entry = list  # [content digest, [[line, col, severity, code, message], ...]]


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
    for module in sorted(Path(__file__).parent.glob("*.py")):  # rules and model too: the memo holds their results
        h.update(module.read_bytes())
    return h.hexdigest()


class ResultCache:
    """Per-file results of the last run, read at start and written once at the end.

    Two files: ``check.json`` (content hashes, problems, remembered rule
    results) is read on every run; ``records.json`` (the records' data) only
    when the records themselves are needed, e.g. to run the rules again or
    to build the site.
    """

    def __init__(self, root: Path) -> None:
        self.folder = root / FOLDER
        stored = self._read(INDEX, "files")
        self.entries: dict[str, Entry] = stored.get("files", {})
        self.memo: Any = stored.get("memo")
        self.fresh: dict[str, Entry] = {}
        self.fresh_memo: Any = self.memo
        self.fresh_data: dict[str, Any] = {}
        self._stored_data: dict[str, Any] | None = None

    def _read(self, name: str, part: str) -> dict[str, Any]:
        try:
            stored = json.loads((self.folder / name).read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(stored, dict) or stored.get("key") != code_key() or not isinstance(stored.get(part), dict):
            return {}
        return stored

    def remembered(self, fingerprint: str) -> Any:
        """The cross-record results stored under ``fingerprint``, if the last run had the same one."""
        memo = self.memo
        if isinstance(memo, dict) and memo.get("fingerprint") == fingerprint:
            return memo
        return None

    def remember(self, fingerprint: str, problems: list[Problem], evidence: list) -> None:
        self.fresh_memo = {"fingerprint": fingerprint, "evidence": evidence,
                           "problems": [[p.path, p.line, p.column, p.severity, p.code, p.message] for p in problems]}

    def get(self, rel: str, content_digest: str) -> Entry | None:
        entry = self.entries.get(rel)
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == content_digest:
            self.fresh[rel] = entry
            return entry
        return None

    def put(self, rel: str, content_digest: str, data: Any, problems: list[Problem]) -> None:
        self.fresh[rel] = [content_digest, [[p.line, p.column, p.severity, p.code, p.message] for p in problems]]
        if not problems:
            self.fresh_data[rel] = data

    def data(self, rel: str) -> Any:
        """The data of a record that passed last time (read from records.json on first use)."""
        if rel in self.fresh_data:
            return self.fresh_data[rel]
        if self._stored_data is None:
            self._stored_data = self._read(DATA, "data").get("data", {})
        return self._stored_data.get(rel)

    def save(self) -> None:
        """Write what changed (dropping deleted files); quietly skip a read-only tree."""
        files_changed = self.fresh != self.entries
        if not files_changed and self.fresh_memo == self.memo:
            return
        try:
            self.folder.mkdir(exist_ok=True)
            (self.folder / ".gitignore").write_text("*\n")
            if files_changed:
                data = {rel: self.data(rel) for rel, (_, problems) in self.fresh.items() if not problems}
                self._write(DATA, {"key": code_key(), "data": data})
            self._write(INDEX, {"key": code_key(), "files": self.fresh, "memo": self.fresh_memo})
        except OSError:
            pass

    def _write(self, name: str, content: dict) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".write-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(content, out, separators=(",", ":"))
        os.replace(tmp, self.folder / name)
