"""Render the static site and swap it into place in one step.

Pages are written into a fresh temporary folder beside the output folder;
only when every page (and PDF) is written is the old site replaced by a
rename. A build that fails half-way removes its temporary folder and leaves
the previous site exactly as it was. Nothing is written outside the output
folder, and a folder that is not a peerkit site is never replaced.

What "a peerkit site" means has to survive a planted marker: ``.peerkit-site``
is just a file, and anyone can put one in a folder of someone's documents.
So the marker lists every file peerkit wrote with its content hash, and an
existing folder is replaced only when everything in it is one of those files,
exactly as written (files deleted since are fine). A planted marker can then
only vouch for files whose exact content the planter already knew: nobody's
own files are ever deleted, including ones saved into a real site later.
Sealing the marker with the per-user secret (see :mod:`peerkit.cache`) was
the alternative; it would still delete files added to a real site, and would
refuse to rebuild a colleague's site on a shared drive.

Reading every file of the old site to check it costs 0.4 s at 80,000 records,
so a build notes in the user's own cache folder how each file looks on disk
once its site is in place (:class:`peerkit.buildcache.SiteNote`), and the next
build reads only files that no longer look so, as git's index does.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import BinaryIO, Iterator

from . import buildcache, evidence, pdf
from .buildcache import SiteNote, note_site, read_plain, signature, site_note
from .analyse import MEETING_KINDS, SUPERVISION_TYPES, Analysis
from .charts import horizontal_bars, stacked_bars
from .gcpause import no_gc_pauses
from .pipeline import CheckResult
from .html import asset, csp_hash, dashboard_assets, day, environment
from .cache import RACY_NS
from .pagekeys import bundle_key, pdf_layout, portfolio_key, portfolio_pdf_key, shared_key, supporter_page_key
from .portfolio import EvidenceFile, Portfolio, portfolio_for
from .obligations import HORIZON_DAYS, select
from .pdfpool import PdfError, PdfJob, PdfMaker, Progress, no_progress, pdf_maker
from .provenance import Provenance, provenance
from .problems import printable
from .relationships import GOAL_STATUSES, REMATCH_MENTEE_MATCHES, REMATCH_SUPPORTER_BREAKDOWNS, relationships
from .safety import COMING_UP_DAYS, coming_up, group_rows, venue_rows
from .wording import HEADINGS, describe, meeting_words, when

MARKER = ".peerkit-site"
MARKER_NOTE = ("Built by peerkit. It replaces this folder on every build, but only while the folder holds "
               "nothing but the files listed here, as peerkit wrote them.\n")
MAX_MARKER_BYTES = 16 << 20
# Files that file managers leave in any folder they show; lost with the old site.
FOLDER_LITTER = {".DS_Store", "Thumbs.db", "desktop.ini"}


class BuildError(Exception):
    """A build that cannot go ahead; the message says why and what to do."""


@dataclass
class BuildReport:
    pages: int = 0
    pdfs: int = 0
    rendered: int = 0  # of the PDFs: made this time; the rest were kept from an earlier build
    reused: int = 0  # of the pages: taken from the previous site, made from the same records
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Previous:
    """The site a build replaces, as its marker lists it (every file checked against it first)."""

    root: Path
    files: dict[str, str]  # rel -> content hash
    keys: dict[str, str]  # rel -> what the page was made from (see :mod:`peerkit.pagekeys`)

    def in_folder(self, folder: str) -> list[str]:
        """The files under ``folder`` (``portfolios/<id>/``, two levels down)."""
        return self._by_folder.get(folder, [])

    @cached_property
    def _by_folder(self) -> dict[str, list[str]]:
        """The files by their folder two levels down: looked up once per supporter, so not
        scanned once per supporter (quadratic: 0.4 s at 80,000 records)."""
        found: dict[str, list[str]] = {}
        for rel in self.files:
            parts = rel.split("/", 2)
            if len(parts) == 3:
                found.setdefault(f"{parts[0]}/{parts[1]}/", []).append(rel)
        return found


class SiteWriter:
    """Writes files under a temporary root, only at clean relative paths, never through a link."""

    def __init__(self, root: Path, previous: Previous | None = None) -> None:
        self.root = root
        self.previous = previous
        self.count = 0
        self.reused = 0
        self.digests: dict[str, str] = {}  # what was written, for the marker (no second read)
        self.keys: dict[str, str] = {}  # the pages' keys, for the marker: the next build may reuse them
        self._root = str(root)
        self._made: set[str] = set()  # folders this writer made (checked once, not for every file)

    def path(self, rel: str) -> Path:
        """Where ``rel`` goes, its folders made; refuses a path that could land anywhere else."""
        return Path(self._place(rel))

    def _place(self, rel: str) -> str:
        """:meth:`path`, as text: a page's or linked file's place is worked out a thousand times
        and more in a rebuild, where pathlib's objects cost more than the system calls.

        Checked on the text, not by resolving it: '..' after a link climbs
        differently on disk than on paper, so neither is allowed at all.
        """
        parts = rel.split("/")
        if rel.startswith("/") or "\\" in rel or any(part in ("", ".", "..") for part in parts):
            raise BuildError(f"refusing to write {rel!r}: it would land outside the output folder")
        folder = self._root
        for part in parts[:-1]:
            folder = f"{folder}/{part}"
            if folder not in self._made:
                self._make_folder(folder, rel, part)
        target = f"{folder}/{parts[-1]}"
        try:
            mode = os.lstat(target).st_mode
        except FileNotFoundError:
            return target
        except OSError as exc:
            raise BuildError(f"cannot write {rel!r}: {exc.strerror}") from None
        if stat.S_ISLNK(mode) or stat.S_ISDIR(mode):
            raise BuildError(f"refusing to write {rel!r}: a link or folder is already there")
        return target

    def _make_folder(self, folder: str, rel: str, part: str) -> None:
        """Make ``folder`` (one of ``rel``'s); one already there must be a folder, not a link to one."""
        try:
            os.mkdir(folder)
        except FileExistsError:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                raise BuildError(f"refusing to write {rel!r}: {part} is a link in the output folder") from None
        except OSError as exc:
            raise BuildError(f"cannot write {rel!r}: {exc.strerror}") from None
        self._made.add(folder)

    def _open(self, rel: str):
        """``rel`` opened for writing, never following a link at the last step."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
        return os.fdopen(os.open(self._place(rel), flags, 0o644), "wb")

    def write(self, rel: str, text: str, key: str | None = None) -> None:
        """Write a page; ``key`` says what it was made from (see :mod:`peerkit.pagekeys`)."""
        data = text.encode("utf-8")
        with self._open(rel) as f:
            f.write(data)
        self.digests[rel] = hashlib.blake2b(data, digest_size=16).hexdigest()
        if key is not None:
            self.keys[rel] = key
        self.count += 1

    def reuse(self, rel: str, key: str | None, *, page: bool = True) -> bool:
        """Take ``rel`` from the previous site if it was made from the same ``key``; False to make it."""
        previous = self.previous
        if key is None or previous is None or previous.keys.get(rel) != key or not self._link_previous(rel):
            return False
        self.keys[rel] = key
        if page:  # (a PDF is counted by the PDF maker)
            self.count += 1
            self.reused += 1
        return True

    def _link_previous(self, rel: str) -> bool:
        """Put the previous site's ``rel`` at ``rel``; False if it cannot be.

        Every file of the previous site was checked before the build began (:func:`_check_output`:
        by its hash in the marker, or as looking on disk as this user's last build left it), so
        the old file is what peerkit wrote: it is linked into the new site (no copy), or copied
        where the file system has no hard links.
        """
        previous = self.previous
        if previous is None or rel not in previous.files:
            return False
        source, target = f"{previous.root}/{rel}", self._place(rel)
        try:
            os.link(source, target, follow_symlinks=False)
        except OSError:
            try:
                shutil.copyfile(source, target, follow_symlinks=False)
            except OSError:
                with suppress(FileNotFoundError):
                    os.unlink(target)  # no half-copied file left for a later write
                return False
        if not stat.S_ISREG(os.lstat(target).st_mode):  # swapped for a link since it was checked
            os.unlink(target)
            return False
        self.digests[rel] = previous.files[rel]
        return True

    def reuse_bundle(self, name: str, rels: list[str], key: str | None) -> bool:
        """Take every file of a bundle (a supporter's page and portfolio folder: see
        :func:`peerkit.pagekeys.bundle_key`) from the previous site if it was made from the same
        ``key``; False, with nothing taken, to make them.

        ``rels``: the bundle's files other than those under ``name``, a folder, whose files in
        the previous site all belong to it.
        """
        previous = self.previous
        if key is None or previous is None or previous.keys.get(name) != key:
            return False
        files = [*rels, *previous.in_folder(name)]
        taken: list[str] = []
        for rel in files:
            if not self._link_previous(rel):
                for done in taken:  # make them all instead: none is left behind to be written through
                    os.unlink(self._place(done))
                    del self.digests[done]
                return False
            taken.append(rel)
        for rel in files:  # each page keeps its own key too, for a build that reuses it alone
            if rel in previous.keys:
                self.keys[rel] = previous.keys[rel]
        pages = sum(1 for rel in files if rel.endswith(".html"))
        self.count += pages
        self.reused += pages
        self.keys[name] = key
        return True

    def write_bytes(self, rel: str, data: bytes) -> None:
        with self._open(rel) as f:
            f.write(data)
        self.digests[rel] = hashlib.blake2b(data, digest_size=16).hexdigest()

    def copy(self, source: BinaryIO, rel: str, limit: int) -> str:
        """Copy an open file to ``rel``, refusing one that grew past ``limit`` bytes since it was
        checked; returns the content hash of what was copied."""
        copied = 0
        digest = hashlib.blake2b(digest_size=16)
        with self._open(rel) as f:
            while chunk := source.read(1 << 20):
                copied += len(chunk)
                if copied > limit:
                    raise BuildError(f"refusing to copy {rel!r}: it grew past {limit // 2**20} MiB while being copied")
                f.write(chunk)
                digest.update(chunk)
        self.digests[rel] = digest.hexdigest()
        return self.digests[rel]

    def written(self, rel: str, digest: str) -> None:
        """``rel`` was written by someone else (a PDF worker) at :meth:`path`; its hash is ``digest``."""
        self.digests[rel] = digest


def _check_output(out: Path, records_root: Path) -> Previous | None:
    """Refuse an output folder that is not ours to replace; the previous site, when there is one."""
    out_real, records_real = out.resolve(), records_root.resolve()
    if out_real == records_real or out_real in records_real.parents:
        raise BuildError(f"the output folder {out} holds the records; choose another, e.g. -o site")
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out} exists and is not a folder; choose another output folder")
    if not out.is_dir() or not any(out.iterdir()):
        return None
    marker = _read_marker(out)
    if marker is None:
        raise BuildError(f"{out} is not empty and was not made by peerkit; choose an empty or new folder "
                         f"(peerkit replaces only folders it built; a site from an older peerkit: delete it "
                         f"once and build again)")
    manifest, keys, note = marker
    foreign = _not_written_by_peerkit(out, manifest, note)
    if foreign:
        shown = ", ".join(printable(rel) for rel in foreign[:3]) + (f" and {len(foreign) - 3} more"
                                                                    if len(foreign) > 3 else "")
        raise BuildError(f"{out} holds files peerkit did not write, or changed since it wrote them ({shown}); "
                         f"move them out, or choose another output folder (peerkit replaces only what it built)")
    return Previous(out.absolute(), manifest, keys)


# --- the marker: what peerkit wrote ------------------------------------------

def _digest_file(path: str) -> str | None:
    """The content hash of a plain file (links not followed), or None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        h = hashlib.blake2b(digest_size=16)
        while chunk := file.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _manifest(folder: Path, known: dict[str, str]) -> dict[str, str]:
    """Every file under ``folder`` (a fresh build) and its content hash (``known``: as written)."""
    found = {}
    for top, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(top, name)
            rel = Path(path).relative_to(folder).as_posix()
            found[rel] = known.get(rel) or _digest_file(path) or ""
    return dict(sorted(found.items()))


def _read_marker(out: Path) -> tuple[dict[str, str], dict[str, str], SiteNote | None] | None:
    """The files the marker in ``out`` says peerkit wrote (with their hashes), the pages' keys and
    what this user noted of the site (neither unless this user built it), or None if there is no
    readable marker."""
    found = read_plain(out / MARKER, MAX_MARKER_BYTES)
    if found is None:
        return None
    raw = found[0]
    try:
        marker = json.loads(raw.partition(b"\n")[2])
        files, keys = marker["files"], marker.get("keys", {})
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(files, dict):
        return None
    note = site_note(raw)
    keys = keys if isinstance(keys, dict) and note is not None else {}
    return ({rel: value for rel, value in files.items() if isinstance(value, str)},
            {rel: value for rel, value in keys.items() if isinstance(value, str)}, note)


def _not_written_by_peerkit(out: Path, manifest: dict[str, str], note: SiteNote | None) -> list[str]:
    """What in ``out`` is not a file peerkit wrote, exactly as it wrote it: files
    added or changed since, links. Files deleted since are fine, and so is
    file managers' litter. A file that looks on disk as this user's build left it
    (``note``) is not read again."""
    foreign = []
    for top, folders, files in os.walk(out):
        for name in sorted(folders) + sorted(files):
            path = os.path.join(top, name)
            rel = Path(path).relative_to(out).as_posix()
            if name in FOLDER_LITTER or rel == MARKER:
                continue
            try:
                info = os.lstat(path)
            except OSError:  # deleted since the folder was listed: files deleted since are fine
                continue
            if stat.S_ISLNK(info.st_mode):
                foreign.append(rel)
            elif name in files and not (note and rel in manifest and note.unchanged(rel, info)) \
                    and _digest_file(path) != manifest.get(rel, ""):
                foreign.append(rel)
        folders[:] = sorted(f for f in folders if not os.path.islink(os.path.join(top, f)))
    return foreign


def _as_written(folder: Path, files: dict[str, str]) -> dict[str, tuple[int, int, int]]:
    """Each file's inode, size and modification time in the private folder it was built in."""
    found = {}
    for rel in files:
        try:
            info = os.lstat(folder / rel)
        except OSError:
            continue
        found[rel] = (info.st_ino, info.st_size, info.st_mtime_ns)
    return found


def _signatures(out: Path, written: dict[str, tuple[int, int, int]]) -> dict[str, list[int]]:
    """How each file of the site just swapped in looks on disk, for the next build's check: only
    files still as they were in the private build folder (a file changed since the swap, say by
    a sync client, is left out, so the next build reads it). Taken after the previous site is
    removed, since unlinking it changes the change time of the files linked from it."""
    found = {}
    for rel, before in written.items():
        try:
            info = os.lstat(out / rel)
        except OSError:
            continue
        if (info.st_ino, info.st_size, info.st_mtime_ns) == before:
            found[rel] = signature(info)
    return found


def _write_marker(folder: Path, known: dict[str, str], keys: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """Write the marker; its bytes, and the files it lists."""
    files = _manifest(folder, known)
    marker = (MARKER_NOTE + json.dumps({"files": files, "keys": dict(sorted(keys.items()))}, indent=0) + "\n")
    raw = marker.encode("utf-8")
    (folder / MARKER).write_bytes(raw)
    return raw, files


@contextmanager
def swap_into(out: Path, records_root: Path) -> Iterator[SiteWriter]:
    """Yield a writer on a temporary folder; on success it replaces ``out``.

    An OSError on the way (a folder that cannot be made or written, a full
    disk) becomes a :class:`BuildError` saying so; ``out`` is left as it was.
    """
    previous = _check_output(out, records_root)
    out = out.absolute()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    except OSError as exc:
        raise BuildError(f"cannot write to {out}: {exc.strerror or exc}; choose a folder you can write to") from None
    try:
        writer = SiteWriter(tmp, previous)
        yield writer
        marker, files = _write_marker(tmp, writer.digests, writer.keys)
        written = _as_written(tmp, files)
        os.chmod(tmp, 0o755)
        if os.path.lexists(out):  # a link (even to nowhere) is replaced itself, never written through
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            out.rename(old / "site")
            tmp.rename(out)
            shutil.rmtree(old)  # (after this, as unlinking changes the times of the files linked from it)
        else:
            tmp.rename(out)
        note_site(marker, _signatures(out, written))
    except OSError as exc:
        raise BuildError(f"cannot write the site to {out}: {exc.strerror or exc}; "
                         f"the previous site is as it was") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


# --- pages ------------------------------------------------------------------

def _page_context(analysis: Analysis, provenance: Provenance | None = None) -> dict:
    programme = analysis.records.programme
    return {"programme": programme, "as_of": analysis.as_of, "analysis": analysis, "assets": dashboard_assets(),
            "rel": relationships(analysis.records, analysis.as_of),
            "names": {s.id: s.name for s in analysis.records.supporters},
            "provenance": provenance}


@dataclass(frozen=True)
class AttentionItem:
    """One line of Needs attention, worded as ``peerkit due`` words it."""

    message: str
    when: str
    overdue: bool
    path: str


def needs_attention(analysis: Analysis) -> list[tuple[str, list[AttentionItem]]]:
    """(heading, items) of the obligations within the horizon: the same selection as ``peerkit due``."""
    people = {s.id: s.name for s in analysis.records.supporters}
    listed = select(analysis.records, analysis.as_of, HORIZON_DAYS)
    return [(HEADINGS[kind], [AttentionItem(describe(o, people, day), when(o, analysis.as_of),
                                            o.overdue(analysis.as_of), o.source.display) for o in items])
            for kind, items in groupby(listed, key=lambda o: o.kind)]


def render_dashboard(analysis: Analysis, provenance: Provenance | None = None) -> str:
    chart = stacked_bars(analysis.meetings_per_month, list(MEETING_KINDS),
                         label=lambda key: day(date.fromisoformat(key + "-01"))[2:])
    groups = needs_attention(analysis)
    figures = relationships(analysis.records, analysis.as_of)
    endings_chart = horizontal_bars(figures.endings)
    return environment().get_template("dashboard.html").render(
        **_page_context(analysis, provenance), attention_count=sum(len(items) for _, items in groups),
        attention_groups=groups, horizon=HORIZON_DAYS, chart=chart, supervision_types=SUPERVISION_TYPES,
        endings_chart=endings_chart, goal_statuses=GOAL_STATUSES, rematch_mentee=REMATCH_MENTEE_MATCHES,
        rematch_breakdowns=REMATCH_SUPPORTER_BREAKDOWNS, root="", acknowledged=acknowledged_list(analysis),
        **safety_context(analysis))


def safety_context(analysis: Analysis) -> dict:
    """Coming up, Venues and Groups: the figures of :mod:`peerkit.safety`, and names to show them by."""
    records, as_of = analysis.records, analysis.as_of
    return {"coming_up": coming_up(records, as_of), "coming_up_days": COMING_UP_DAYS,
            "venue_rows": venue_rows(records, as_of), "group_rows": group_rows(records, as_of),
            "meeting_words": meeting_words}  # names: the supporters' names, as _page_context gives them


def acknowledged_list(analysis: Analysis) -> list:
    """Every accepted warning, newest first: the coordinator sees what was accepted, by whom and why."""
    acks = [ack for acks in analysis.records.acknowledgements.values() for ack in acks]
    return sorted(acks, key=lambda a: (a.date, a.source.display, a.index), reverse=True)


def render_supporter_page(analysis: Analysis, supporter_id: str, provenance: Provenance | None = None) -> str:
    """One supporter's page. Its template is given exactly what :func:`peerkit.pagekeys.supporter_page_key`
    covers (their summary and matches, and what every page shares), never the whole analysis."""
    records = analysis.records
    rel = relationships(records, analysis.as_of)
    return environment().get_template("supporter.html").render(
        programme=records.programme, as_of=analysis.as_of, assets=dashboard_assets(),
        names={s.id: s.name for s in records.supporters}, provenance=provenance,
        s=analysis.summaries[supporter_id], matches=rel.matches_of(supporter_id),
        quiet=rel.quiet, days_since=rel.days_since, competency_titles=analysis.competency_titles,
        venue_by_id=records.venue_by_id, group_by_id=records.group_by_id, root="../")


def render_portfolio(portfolio: Portfolio, *, pdf_link: bool = False) -> str:
    """The portfolio page. The page links its evidence (as downloads) and, when there is
    one, ``portfolio.pdf`` (made from the same portfolio: see :mod:`peerkit.pdf`)."""
    css = asset("portfolio.css")
    return environment().get_template("portfolio.html").render(
        p=portfolio, css=css, css_hash=csp_hash(css), pdf_link=pdf_link)


def write_portfolio(writer: SiteWriter, portfolio: Portfolio, records_root: Path, folder: str,
                    make_pdf: bool, key: str | None = None) -> PdfJob | None:
    """The evidence and index.html that links to it; returns what portfolio.pdf is to be made from.

    Each evidence file is opened and checked again as ``check`` does (a hole in the check, or a
    file changed since, stops the build), read once, and both copied to a path made from the
    record's clean text and attached to the PDF: what is attached is what was checked. The PDF
    is made later (see :mod:`peerkit.pdfpool`), from the job returned here.
    """
    attachments = [pdf.Attachment(f.name, evidence_description(f), f.date,
                                  _read_evidence(records_root, f.path, portfolio.person.name))
                   for f in portfolio.attachments]
    for f, attachment in zip(portfolio.attachments, attachments):
        writer.write_bytes(folder + f.path, attachment.data)
    page = f"{folder}index.html"
    if not writer.reuse(page, key):
        writer.write(page, render_portfolio(portfolio, pdf_link=make_pdf), key)
    if not make_pdf:
        return None
    return PdfJob(f"{folder}portfolio.pdf", portfolio, tuple(attachments), printable(portfolio.person.name))


@contextmanager
def _pdfs(writer: SiteWriter, total: int, progress: Progress, jobs: int | None):
    """A maker of the build's PDFs that writes through ``writer``; its failures are build errors."""
    try:
        with pdf_maker(total, writer.path, lambda source, rel: writer.copy(source, rel, buildcache.MAX_FILE_BYTES),
                       writer.written, progress, jobs) as maker:
            yield maker
    except PdfError as exc:
        raise BuildError(str(exc)) from None


def evidence_description(f: EvidenceFile) -> str:
    """What an attached file is, for the PDF's attachments panel: the activities it evidences."""
    return "Evidence for: " + "; ".join(f"{c.title} ({day(c.date)})" for c in f.cited_by)


def _read_evidence(records_root: Path, rel: str, owner: str) -> bytes:
    """The evidence file's bytes, read through :func:`evidence.open_evidence` (at most MAX_BYTES)."""
    try:
        with evidence.open_evidence(records_root.resolve(), rel) as source:
            data = source.read(evidence.MAX_BYTES + 1)
    except evidence.Refused as refused:
        raise BuildError(printable(f"{owner}'s portfolio: {refused.message}")) from None
    if len(data) > evidence.MAX_BYTES:
        raise BuildError(printable(f"refusing to copy {rel!r}: it grew past {evidence.MAX_BYTES // 2**20} MiB "
                                   f"while being copied"))
    return data


def _pdf_possible(wanted: bool, report: BuildReport) -> bool:
    """Whether to write PDFs; when wanted but impossible, say once how to get them."""
    reason = pdf.unavailable_reason() if wanted else None
    if reason:
        report.warnings.append(pdf.HOW_TO_GET_PDFS.format(reason=reason))
    return wanted and reason is None


def _words(built_from: Provenance | None) -> str | None:
    """What a portfolio says of where it comes from: the commit, never the file dates (its own types only)."""
    return built_from.words if built_from else None


def build_site(check: CheckResult, as_of: date, out: Path, *, make_pdf: bool = True,
               progress: Progress = no_progress, jobs: int | None = None) -> BuildReport:
    """Write the dashboard, a page per supporter and every portfolio to ``out``.

    PDFs are made as their pages are (see :mod:`peerkit.pdfpool`): kept ones
    copied, the others rendered by workers while the next pages are made.
    ``progress(total)`` shows the PDFs done.
    """
    with no_gc_pauses():  # the records may be built here, from the cache, as well as the pages
        return _build(check, as_of, out, make_pdf, progress, jobs)


def _build(check: CheckResult, as_of: date, out: Path, make_pdf: bool, progress: Progress,
           jobs: int | None) -> BuildReport:
    started = time.time_ns()  # before any evidence is read: see evidence.signature
    records = check.records
    records_root = Path(records.root)
    analysis = Analysis.of(records, as_of)
    report = BuildReport()
    make_pdf = _pdf_possible(make_pdf, report)
    layout = pdf_layout() if make_pdf else None
    supporters = list(analysis.summaries)
    built_from = provenance(records_root)  # one git log for the whole tree
    rel = relationships(records, as_of)
    shared = shared_key(analysis, built_from, check.digests)
    with swap_into(out, records_root) as writer:
        writer.write("index.html", render_dashboard(analysis, built_from))
        with _pdfs(writer, len(supporters) if make_pdf else 0, progress, jobs) as pdfs:
            for supporter_id in supporters:
                page, folder = f"supporters/{supporter_id}.html", f"portfolios/{supporter_id}/"
                page_key = supporter_page_key(shared, analysis, supporter_id, rel.matches_of(supporter_id),
                                              built_from, check.digests)
                evidence_files = (path for entry in analysis.summaries[supporter_id].cpd for path in entry.evidence)
                bundle = bundle_key(page_key, evidence.signature(records_root, evidence_files, started - RACY_NS),
                                    layout)
                if writer.reuse_bundle(folder, [page], bundle):
                    if make_pdf:
                        pdfs.kept_in_site()
                    continue
                if not writer.reuse(page, page_key):
                    writer.write(page, render_supporter_page(analysis, supporter_id, built_from), page_key)
                portfolio = portfolio_for(analysis, supporter_id, _words(built_from))
                key = portfolio_key(portfolio, pdf_link=make_pdf)
                job = write_portfolio(writer, portfolio, records_root, folder, make_pdf, key)
                if job and layout:
                    _pdf(writer, pdfs, job, key, layout)
                if bundle:
                    writer.keys[folder] = bundle
            report.rendered, reused = pdfs.finish()
        report.pdfs = report.rendered + reused
        report.pages, report.reused = writer.count, writer.reused
    return report


def _pdf(writer: SiteWriter, pdfs: PdfMaker, job: PdfJob, page_key: str, layout: str) -> None:
    """Take the PDF from the previous site if what it is made from is unchanged, else make it."""
    key = portfolio_pdf_key(page_key, job.attachments, layout)
    if writer.reuse(job.rel, key, page=False):
        pdfs.kept_in_site()
        return
    pdfs.add(job)
    writer.keys[job.rel] = key


def build_portfolio(check: CheckResult, as_of: date, supporter_id: str, out: Path, *,
                    make_pdf: bool = True) -> BuildReport:
    """Just one supporter's portfolio, for sending to them."""
    analysis = Analysis.of(check.records, as_of)
    if supporter_id not in analysis.summaries:
        known = ", ".join(sorted(analysis.summaries)) or "none"
        raise BuildError(f"no supporter '{supporter_id}' in the records; known ids: {known}")
    report = BuildReport()
    make_pdf = _pdf_possible(make_pdf, report)
    built_from = _words(provenance(Path(check.records.root)))
    with swap_into(out, Path(check.records.root)) as writer:
        job = write_portfolio(writer, portfolio_for(analysis, supporter_id, built_from),
                              Path(check.records.root), "", make_pdf)
        with _pdfs(writer, 1 if job else 0, no_progress, None) as pdfs:
            if job:
                pdfs.add(job)
            report.rendered, reused = pdfs.finish()
        report.pdfs = report.rendered + reused
        report.pages = writer.count
    return report
