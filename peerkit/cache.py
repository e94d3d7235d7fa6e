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

The records folder may come from anyone (a cloned or merged repository, a
zip), and so may a ``.peerkit-cache`` in it. So:

* each file is sealed with a MAC keyed by :func:`code_key`, which derives
  from a secret in the user's own cache folder and is never written down: a
  cache someone else wrote, or edited after peerkit wrote it, is not read;
* what is sealed is plain values (dicts, lists, strings, numbers) in
  :mod:`marshal`'s format, which reads twice as fast as JSON and writes five
  times as fast (0.24 s against 0.45 s to read every record's data at 80,000
  files). marshal is not meant for data from others, and pickle is not used
  at all (loading a pickle can run code): nothing is unmarshalled before its
  seal is checked, and a seal of another Python's marshal format is never
  valid (the Python version is part of the key);
* the folder is used only if it is a real folder (not a link) owned by the
  user, and every file in it is opened relative to that folder without
  following links; nothing is read from a file that is not a plain file
  (``/dev/zero``, a named pipe) or that is bigger than what peerkit would
  write for records of this size;
* files are written to a new temporary file and renamed into place, so a
  link planted in the folder is replaced, never written through.

It is safe to delete at any time.
"""

from __future__ import annotations

import hashlib
import hmac
import marshal
import os
import sys
import time
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

from . import __version__
from .buildcache import CHANGED, SIZE, read_plain, replace_file, signature, user_cache_folder
from .discover import RecordFile
from .loader import LoadedFile, content_digest, read_bytes
from .parallel import BytesLoad
from .problems import Problem
from .source import PackedPositions, Positions, Source

FOLDER = ".peerkit-cache"
INDEX = "check.marshal"
DATA_FILES = 64  # the records' data is spread over this many files, so a one-file change rewrites one
RACY_NS = 2_000_000_000  # a file changed this close to a run's start is hashed again, whatever its signature
# [content digest, [[line, col, severity, code, message], ...]] (the load's problems), then, once the
# record-local rules ran on it, [..., --as-of day, [[line, col, severity, code, message], ...]] (theirs).
Entry = list
# How much of a cache file is ever read: generous for what peerkit writes, but
# finite, so a planted huge file costs nothing. check.marshal holds a digest and
# the problems of each record file; records-NN.marshal the data and field positions
# of each record, a few times the bytes of the record file.
BASE_CAP = 16 << 20
INDEX_BYTES_PER_FILE = 16 << 10
DATA_BYTES_PER_RECORD_BYTE = 16


def _user_secret() -> bytes:
    """A random key kept in the user's own cache folder, never in a records folder.

    It is part of :func:`code_key`, so a ``.peerkit-cache`` that someone else
    wrote (shipped in a cloned repository, say) never matches: its entries
    could hold data that never passed the loader and the schemas.
    """
    try:
        folder = user_cache_folder()
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
    """Changes with peerkit's version, the schemas, the code that fills the cache, the user, and
    Python's version (the cache's marshal format is Python's own)."""
    from . import validate

    h = hashlib.blake2b(f"{__version__} {sys.version} {marshal.version}".encode(), digest_size=16,
                        key=_user_secret()[:64])
    h.update(validate.schema_digest().encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):  # rules and model too: the memo holds their results
        h.update(module.read_bytes())
    return h.hexdigest()


class ResultCache:
    """Per-file results of the last run, read at start and written once at the end.

    ``check.marshal`` (content hashes, problems, remembered rule results) is
    read when the run starts (:meth:`start`); the records' data, spread over
    ``records-NN.marshal`` by a hash of each file's path (:func:`data_file`),
    only when the records themselves are needed, e.g. to run the rules again
    or to build the site. A run rewrites only the data files holding a
    record that changed.

    The folder comes with the records, so anyone may have planted it (see
    :mod:`peerkit.cache`): :attr:`unused` says why it could not be used.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.unused: str | None = None
        self.records_bytes = 0  # of the record files read this run: bounds the data files
        self.entries: dict[str, Entry] = {}
        self.memo: Any = None
        self.fresh: dict[str, Entry] = {}
        self.fresh_memo: Any = None
        self.fresh_data: dict[str, Any] = {}
        self.loaded_again: list[str] = []  # files read and loaded this run (not answered from the cache)
        self._stored_data: dict[str, dict[str, Any]] = {}  # data file -> {rel: [data, positions]}
        # What each file looked like on disk when last hashed (see unchanged_on_disk), and
        # when that run began reading: a file changed since then has a new signature.
        self.stats: dict[str, list[int]] = {}
        self.fresh_stats: dict[str, list[int]] = {}
        self.stamp = 0
        self.fresh_stamp = time.time_ns()

    def start(self, record_files: int) -> None:
        """Read check.marshal, allowing for the size it has for ``record_files`` files."""
        stored = self._read(INDEX, "files", BASE_CAP + record_files * INDEX_BYTES_PER_FILE)
        self.entries = stored.get("files", {})
        self.memo = self.fresh_memo = stored.get("memo")
        stats, stamp = stored.get("stats"), stored.get("stamp")
        self.stats, self.stamp = (stats, stamp) if isinstance(stats, dict) and isinstance(stamp, int) else ({}, 0)

    def unchanged_on_disk(self, rel: str, signature: list[int]) -> str | None:
        """The content hash stored for ``rel`` if the file is certainly as it was then, else None.

        As git's index does: the file's size, inode and change times are what they
        were when it was last hashed, and it last changed well before that run began
        reading (a change in the same tick of a coarse clock could otherwise hide).
        The change time (ctime) is set by the system on every write and cannot be
        set back by a program, unlike the modification time.
        """
        entry = self.entries.get(rel)
        if (not isinstance(entry, list) or len(entry) not in (2, 4) or self.stats.get(rel) != signature
                or signature[CHANGED] >= self.stamp - RACY_NS):
            return None
        return entry[0]

    def _read(self, name: str, part: str, cap: int) -> dict[str, Any]:
        folder = self._open_folder(create=False)
        if folder is None:
            return {}
        try:
            raw = _read_sealed(folder, name, cap)
        finally:
            os.close(folder)
        try:
            stored = marshal.loads(raw) if raw is not None else None
        except (ValueError, EOFError, TypeError):
            return {}
        return stored if isinstance(stored, dict) and isinstance(stored.get(part), dict) else {}

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
        if isinstance(entry, list) and len(entry) in (2, 4) and entry[0] == content_digest:
            self.fresh[rel] = entry
            return entry
        return None

    def local_problems(self, rel: str, day: str) -> list | None:
        """What the record-local rules found in ``rel``'s present content on ``day``, if remembered."""
        entry = self.fresh.get(rel)
        if entry is not None and len(entry) == 4 and entry[2] == day and isinstance(entry[3], list):
            return entry[3]
        return None

    def remember_local(self, rel: str, day: str, problems: list[Problem]) -> None:
        entry = self.fresh.get(rel)
        if entry is not None:
            self.fresh[rel] = [entry[0], entry[1], day, _in_file(problems)]

    def put(self, rel: str, content_digest: str, loaded: LoadedFile) -> None:
        self.loaded_again.append(rel)
        self.fresh[rel] = [content_digest, _in_file(loaded.problems)]
        if not loaded.problems and isinstance(loaded.positions, PackedPositions):
            self.fresh_data[rel] = [loaded.data, loaded.positions.packed]

    def data(self, rel: str) -> Any:
        """``[data, positions]`` of a record that passed last time (its data file is read on first use)."""
        if rel in self.fresh_data:
            return self.fresh_data[rel]
        return self._stored(data_file(rel)).get(rel)

    def _stored(self, name: str) -> dict[str, Any]:
        """What the data file ``name`` held when this run began (read once)."""
        if name not in self._stored_data:
            cap = BASE_CAP + DATA_BYTES_PER_RECORD_BYTE * self.records_bytes
            stored = self._read(name, "data", cap).get("data", {})
            self._stored_data[name] = stored if isinstance(stored, dict) else {}
        return self._stored_data[name]

    def content(self, rel: str) -> tuple[Any, Positions] | None:
        """The data and field positions stored for ``rel``, or None."""
        stored = self.data(rel)
        if not (isinstance(stored, list) and len(stored) == 2 and isinstance(stored[1], (list, tuple))):
            return None
        return stored[0], PackedPositions(stored[0], stored[1])

    def save(self) -> None:
        """Write what changed (dropping deleted files); quietly skip a read-only tree."""
        files_changed = self.fresh != self.entries
        if not files_changed and self.fresh_memo == self.memo and self.fresh_stats == self.stats:
            return
        folder = self._open_folder(create=True)
        if folder is None:
            return
        try:
            replace_file(folder, ".gitignore", lambda out: out.write(b"*\n"))
            if not self.entries:  # a first run in this format: what older peerkits wrote goes
                _drop(folder, LEGACY_FILES)
            for name, rels in self._changed_data_files().items():
                data = {rel: stored for rel in rels if (stored := self.data(rel)) is not None}
                _write_sealed(folder, name, {"data": data})
            _write_sealed(folder, INDEX, {"files": self.fresh, "memo": self.fresh_memo, "stats": self.fresh_stats,
                                          "stamp": self.fresh_stamp})
        except OSError:
            pass
        finally:
            os.close(folder)

    def _changed_data_files(self) -> dict[str, list[str]]:
        """Each data file holding a record that was loaded again (added or changed) or deleted:
        what it should now hold. Worked out from those records alone, not from every entry:
        a one-file change at 80,000 files touches one data file."""
        touched: dict[str, set[str]] = {}
        for rel in (*self.loaded_again, *(self.entries.keys() - self.fresh.keys())):
            touched.setdefault(data_file(rel), set()).add(rel)
        holding = {}
        for name in sorted(touched):
            held = self._stored(name).keys() | touched[name]
            holding[name] = sorted(rel for rel in held if rel in self.fresh and not self.fresh[rel][1])
        return holding

    def _open_folder(self, create: bool) -> int | None:
        """A descriptor of the cache folder, if it is a real folder of this user's; else None.

        Everything after goes through this descriptor (``dir_fd``), so the
        folder cannot be swapped for a link between the check and the use.
        """
        path = self.root / FOLDER
        if create:
            try:
                os.mkdir(path, 0o700)  # never follows a link: a link here is "exists"
            except OSError:
                pass
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        except OSError:  # a link (ELOOP), a file (ENOTDIR), no permission
            self.unused = _WHY_UNUSED
            return None
        if os.fstat(fd).st_uid != os.geteuid():
            os.close(fd)
            self.unused = _WHY_UNUSED
            return None
        return fd


# What earlier peerkits wrote (as JSON): removed on a first run that writes the marshal format.
LEGACY_FILES = ("check.json", *(f"records-{n:02d}.json" for n in range(64)))


def _drop(folder: int, names: Sequence[str]) -> None:
    for name in names:
        try:
            os.unlink(name, dir_fd=folder)
        except OSError:
            pass


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_WHY_UNUSED = (f"{FOLDER} is a link, not a folder, or belongs to another user, so the cache is not used "
               f"(checks are slower, not wrong); delete it and peerkit makes a new one")


@lru_cache(maxsize=1 << 18)
def data_file(rel: str) -> str:
    """The file in the cache folder that holds the data of the record at ``rel``."""
    number = hashlib.blake2b(rel.encode("utf-8", "surrogateescape"), digest_size=2).digest()
    return f"records-{int.from_bytes(number, 'big') % DATA_FILES:02d}.marshal"


def _sealer(name: str) -> Any:
    """A hash keyed by :func:`code_key` (never written down) that seals one cache file."""
    return hashlib.blake2b(digest_size=16, key=bytes.fromhex(code_key()), person=name.encode()[:16])


_SEAL_START = b"peerkit cache, sealed "
_SEAL_END = len(_SEAL_START) + 32 + 1  # the hex digest, then a newline


def _read_sealed(folder: int, name: str, cap: int) -> bytes | None:
    """What was sealed in ``name`` in ``folder``, if it is a plain file of at most ``cap`` bytes
    sealed by this peerkit; None otherwise (a link, a pipe, a device, too big, edited)."""
    found = read_plain(name, cap, folder)
    if found is None:
        return None
    raw = found[0]
    if not raw.startswith(_SEAL_START) or raw[_SEAL_END - 1:_SEAL_END] != b"\n":
        return None
    body = memoryview(raw)[_SEAL_END:]
    seal = _sealer(name)
    seal.update(body)
    return body.tobytes() if hmac.compare_digest(raw[len(_SEAL_START):_SEAL_END - 1],
                                                 seal.hexdigest().encode()) else None


def _write_sealed(folder: int, name: str, content: dict) -> None:
    """Write ``content`` (plain values) in marshal's format after its seal: a line naming
    the file as peerkit's cache, with the MAC of everything after it."""
    body = marshal.dumps(content)
    seal = _sealer(name)
    seal.update(body)
    replace_file(folder, name, lambda out: out.write(_SEAL_START + seal.hexdigest().encode() + b"\n" + body))


# --- the cache as an acceleration of the pipeline's stages -------------------

def cached_load(store: ResultCache, load: BytesLoad) -> Callable[[Sequence[RecordFile]], list[LoadedFile]]:
    """The load stage, answering from ``store`` for every file whose bytes are unchanged.

    A hit gives the file's problems at once and defers its data and positions
    until the model stage asks for them (a check whose rule results are
    remembered never does). A hit whose data went missing is loaded again.
    """
    def load_cached(record_files: Sequence[RecordFile]) -> list[LoadedFile]:
        store.start(len(record_files))
        for f in record_files:  # before any file is read: a change after this shows next time
            signature = _signature(f.path)
            if signature is not None:
                store.fresh_stats[f.rel] = signature
        if not store.entries:  # nothing kept (a first run): the loaders read and hash the files themselves
            return keep(load([(f, None) for f in record_files]))
        results: dict[int, LoadedFile] = {}
        todo: list[tuple[int, RecordFile, bytes | None]] = []
        for index, f in enumerate(record_files):
            signature = store.fresh_stats.get(f.rel)
            content = store.unchanged_on_disk(f.rel, signature) if signature else None
            raw: bytes | None = None
            if content is None:
                try:
                    raw = read_bytes(f.path)
                except OSError:
                    pass  # the loader reports it
                content = content_digest(raw) if raw is not None else None
            hit = store.get(f.rel, content) if content else None
            if hit is None:
                todo.append((index, f, raw))
                continue
            size = signature[SIZE] if signature else len(raw or b"")
            store.records_bytes += size  # what the data files may hold grows with the records
            problems = [Problem(f.display, *p) for p in hit[1]]
            results[index] = LoadedFile(path=f.path, rel=f.rel, display=f.display, problems=problems,
                                        digest=content, size=size, deferred=_from_store(store, f, load))
        fresh = keep(load([(f, raw) for _, f, raw in todo]))
        results.update((index, loaded) for (index, _, _), loaded in zip(todo, fresh))
        return [results[i] for i in range(len(record_files))]

    def keep(fresh: list[LoadedFile]) -> list[LoadedFile]:
        """Note each freshly loaded file's content hash and results in ``store``."""
        for loaded in fresh:
            if loaded.digest:
                store.records_bytes += loaded.size
                store.put(loaded.rel, loaded.digest, loaded)
        return fresh

    return load_cached


def _signature(path: str) -> list[int] | None:
    """:func:`peerkit.buildcache.signature` of the file at ``path``, or None."""
    try:
        return signature(os.stat(path))
    except OSError:
        return None


def _from_store(store: ResultCache, f: RecordFile, load: BytesLoad) -> Callable[[], tuple[Any, Positions]]:
    def fetch() -> tuple[Any, Positions]:
        content = store.content(f.rel)
        if content is None:  # its data file was deleted or damaged: read the file again
            return load([(f, None)])[0].content()
        return content
    return fetch


RulesStage = Callable[[Callable[[], Any], Sequence[LoadedFile], date], list[Problem]]


def remembered_rules(store: ResultCache, root: Path, root_display: str) -> RulesStage:
    """The rules stage, remembered under a fingerprint of everything the rules read.

    The rules whose results depend only on the records and --as-of are
    remembered whole for an unchanged tree; when a file changed, the
    record-local ones (:data:`peerkit.rules.LOCAL_RULES`) still run only on
    the records whose content they have not seen. The evidence rule also
    reads files that are not records (a certificate can vanish without any
    record changing), so it runs every time: on a remembered run, from the
    evidence claims stored with the memo.
    """
    from .rules import CACHEABLE_RULES, EvidenceClaim, check_evidence, evidence_claims, run_rules

    def cacheable(records: Callable[[], Any], loaded: Sequence[LoadedFile], as_of: date) -> list[Problem]:
        return run_rules(records(), as_of, CACHEABLE_RULES, local=_remembered_local(store, loaded))

    def run(records: Callable[[], Any], loaded: Sequence[LoadedFile], as_of: date) -> list[Problem]:
        fingerprint = _fingerprint(root, root_display, as_of, loaded)
        memo = store.remembered(fingerprint) if fingerprint else None
        if memo is not None:
            claims = [EvidenceClaim(_source_from_plain(source), supporter, tuple(paths))
                      for source, supporter, paths in memo["evidence"]]
            return [Problem(*p) for p in memo["problems"]] + list(check_evidence(root, claims))
        problems = cacheable(records, loaded, as_of)
        claims = evidence_claims(records())
        if fingerprint:
            store.remember(fingerprint, problems, [[_plain_source(c.source), c.supporter, list(c.paths)]
                                                   for c in claims])
        return problems + list(check_evidence(root, claims))

    return run


def _in_file(problems: Sequence[Problem]) -> list[list]:
    """Problems of one file as the cache keeps them: without the path, which is the file's own."""
    return [[p.line, p.column, p.severity, p.code, p.message] for p in problems]


def _remembered_local(store: ResultCache, loaded: Sequence[LoadedFile]) -> Any:
    """The record-local rules' problems: remembered with each file's content for the day, and
    run only over the records of the files whose problems are not remembered."""
    from .rules import LOCAL_RULES, run_local

    def local(records: Any, as_of: date, rules: tuple) -> list[Problem]:
        if set(rules) != set(LOCAL_RULES):  # remembered for the whole set only
            return run_local(records, as_of, rules)
        day = as_of.isoformat()
        found: list[Problem] = []
        todo: dict[str, str] = {}  # display -> rel
        for f in loaded:
            kept = store.local_problems(f.rel, day)
            if kept is None:
                todo[f.display] = f.rel
            else:
                found += [Problem(f.display, *p) for p in kept]
        if not todo:
            return found
        fresh = run_local(records.only(frozenset(todo.values())), as_of, rules)
        by_file: dict[str, list[Problem]] = {rel: [] for rel in todo.values()}
        for p in fresh:
            if p.path not in todo:  # not a record's own problem: remember nothing of this run
                return found + fresh
            by_file[todo[p.path]].append(p)
        for rel, problems in by_file.items():
            store.remember_local(rel, day, problems)
        return found + fresh

    return local


def _fingerprint(root: Path, root_display: str, as_of: date, loaded: Sequence[LoadedFile]) -> str | None:
    """Everything the remembered rules read: each file's content and place, the day, the folder and the code."""
    digests = [f.digest for f in loaded]
    if None in digests:
        return None  # an unreadable file: nothing to remember
    h = hashlib.blake2b(digest_size=16)
    for part in (code_key(), as_of.isoformat(), root_display, str(root.resolve())):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for f, content in zip(loaded, digests):
        h.update(f"{f.rel}\0{content}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _plain_source(source: Source) -> list:
    """A claim's source as JSON: display, rel and the positions of its evidence fields."""
    return [source.display, source.rel,
            [[*path, *position] for path, position in source.positions.items() if path[0] == "evidence"]]


def _source_from_plain(stored: list) -> Source:
    display, rel, positions = stored
    return Source(display, rel, {tuple(item[:-2]): (item[-2], item[-1]) for item in positions})
