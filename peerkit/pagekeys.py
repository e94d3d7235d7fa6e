"""What each page of the site is made from, as one key: a page whose key is the
one the last build wrote it under is taken from that build, not made again.

A key covers exactly what the page's template is given, plus the templates,
peerkit's code and version, so a changed input can never reuse a stale page.
Keys are written in the site's marker (``.peerkit-site``) beside each file's
hash; a rebuild trusts them only in a site this user built (see
:func:`peerkit.buildcache.site_note`).

* A portfolio page shows its :class:`~peerkit.portfolio.Portfolio` and nothing
  else (the privacy boundary): its key is the portfolio's content.
* A supporter's page is given their summary (their own meetings, supervision
  and CPD), their matches with the meetings counted in each, and what every
  page shares: the programme, venues, groups, every supporter's name, the
  day, and where the records came from (git). Its key is the content hash of
  each of those record files (the check already has them), so it costs no
  more than listing the files.
* A supporter's bundle (their page, and their portfolio folder: page, PDF and
  evidence copies) is keyed by their page's key, which covers everything their
  portfolio is made from too, and by what their evidence files look like on
  disk. An unchanged bundle is taken whole from the last build, without making
  the portfolio at all.
* The dashboard shows the whole programme: it is always made.

A record whose file could not be hashed gives no key, and its pages are made.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import __version__, pdf
from .analyse import Analysis
from .buildcache import attachment_key
from .pdf import Attachment
from .portfolio import Portfolio
from .provenance import Provenance
from .relationships import MatchProgress
from .resources import data_dir

SHARED_KINDS = ("programme", "venue", "group", "supporter")  # what every supporter page may show


@cache
def code_key() -> str:
    """peerkit's version, code, schemas and templates: a new peerkit or template makes every page anew."""
    h = hashlib.blake2b(__version__.encode(), digest_size=16, person=b"peerkit-page")
    for folder in (Path(__file__).parent, data_dir("schemas"), data_dir("templates")):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _key(*parts: str) -> str:
    h = hashlib.blake2b(code_key().encode(), digest_size=16, person=b"peerkit-page")
    for part in parts:
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else str(value)


def _files(records: Iterable[Any], built_from: Provenance | None, digests: Mapping[str, str | None]) -> str | None:
    """Each record's file, content hash and last change in git, or None if one has no hash."""
    parts = []
    for record in records:
        rel = record.source.rel
        digest = digests.get(rel)
        if digest is None:
            return None
        changed = built_from.last_changed(rel) if built_from else None
        parts.append(f"{rel} {digest} {_plain(changed) if changed else ''}")
    return "\n".join(parts)


def shared_key(analysis: Analysis, built_from: Provenance | None, digests: Mapping[str, str | None]) -> str | None:
    """What every supporter page shares (the programme, venues, groups, every supporter's
    name, the day, where the records came from): worked out once per build."""
    files = _files((r for kind in SHARED_KINDS for r in analysis.records.of(kind)), built_from, digests)
    if files is None:
        return None
    return _key("shared", analysis.as_of.isoformat(), built_from.words if built_from else "", files)


def portfolio_key(portfolio: Portfolio, *, pdf_link: bool) -> str:
    """The key of a portfolio page: every field of the portfolio, and whether it links its PDF.

    ``repr`` of these frozen dataclasses spells out every field, nested ones too
    (``tests/test_incremental.py`` fails if a field is ever left out of it), at a
    fifth of the cost of ``dataclasses.asdict``.
    """
    return _key("portfolio", repr(portfolio), str(pdf_link))


def portfolio_pdf_key(page_key: str, attachments: Iterable[Attachment], layout: str) -> str:
    """The key of a portfolio's PDF in the site: its portfolio (``page_key``, its page's key, which
    covers every field), the bytes of the evidence attached to it, and ``layout``: the engine and its
    template (see :func:`pdf_layout`).

    A PDF whose key is unchanged is taken from the previous site without turning the portfolio
    into the data the engine reads (for every portfolio at 20k files, that took 0.45 s).
    """
    return _key("portfolio.pdf", page_key, layout, *map(attachment_key, attachments))


def supporter_page_key(shared: str | None, analysis: Analysis, supporter_id: str, matches: Iterable[MatchProgress],
                       built_from: Provenance | None, digests: Mapping[str, str | None]) -> str | None:
    """The key of a supporter's page: ``shared`` (see :func:`shared_key`), their own records,
    their matches and the meetings counted in each; None when a file has no content hash."""
    summary = analysis.summaries[supporter_id]
    own = [summary.supporter, *summary.meetings, *summary.supervision, *summary.cpd]
    for progress in matches:
        own += [progress.match, *progress.meetings]
    files = _files(own, built_from, digests)
    if shared is None or files is None:
        return None
    return _key("supporter", shared, supporter_id, files)


def bundle_key(page_key: str | None, evidence: str | None, layout: str | None) -> str | None:
    """The key of a supporter's bundle: their page and their whole portfolio folder.

    ``page_key`` (see :func:`supporter_page_key`) covers every record their portfolio is made
    from: :func:`peerkit.portfolio.portfolio_for` reads their summary, their matches and the
    programme, as their page does. ``evidence`` is :func:`peerkit.evidence.signature` of every
    file their CPD names, and ``layout`` the PDF engine and template (:func:`pdf_layout`; None:
    no PDF).
    """
    if page_key is None or evidence is None:
        return None
    return _key("bundle", page_key, evidence, layout or "no pdf")


def pdf_layout() -> str:
    """The PDF engine and its template, as part of a key (worked out once per build)."""
    return pdf.engine_version() + " " + hashlib.blake2b(pdf.template(), digest_size=16).hexdigest()
