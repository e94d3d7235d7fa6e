"""PDF portfolios, typeset by Typst from the portfolio's data.

The PDF is laid out by one Typst template, templates/portfolio.typ, from the
:class:`~peerkit.portfolio.Portfolio` itself, serialised to JSON by
:func:`portfolio_data` (the HTML page is made from the same object: one source
of truth for what a portfolio holds). Record text is hostile (``#``, ``[``,
``$`` are Typst code), so it is never written into Typst markup: the template
reads the JSON and shows every string as text, and markdown arrives as a tree
of plain values (:func:`peerkit.markup.tree`). Nothing is evaluated.

Typst (the ``typst`` wheel: a compiler with its own fonts, no system library)
takes a few hundredths of a second a portfolio where WeasyPrint took about a
second. Only the fonts inside Typst are used, never the machine's, so the same
records give the same bytes everywhere (a character none of them has, an emoji
say, shows as a blank box). The PDF is tagged (headings, lists, tables in a
structure tree), in British English, its title shown as the window title.

Evidence is attached from the bytes peerkit read and checked
(:func:`peerkit.evidence.open_evidence`), written to a private temporary
folder that is the compiler's only root. Typst dates every attachment with the
document's date and gives it no creation date, and has no setting for the
window title, so afterwards :func:`_finish` sets those: an incremental update
(the compiled bytes, then the changed objects), deterministic, a few
milliseconds.
"""

from __future__ import annotations

import dataclasses
import io
import json
import tempfile
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Sequence

from . import markup
from .html import day, hours
from .resources import data_dir

HOW_TO_GET_PDFS = (
    "PDF portfolios were not made: Typst, the PDF engine, is not available ({reason}). "
    "Installing peerkit brings it; to add it to this Python: pip install typst. "
    "The HTML portfolios print to PDF from any browser."
)
TEMPLATE = "portfolio.typ"

# What each kind of evidence file is (peerkit.evidence.KINDS), as the attachment's media type: a fixed
# table, not the machine's mimetypes database, so every machine writes the same bytes.
MEDIA_TYPES = {
    ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".txt": "text/plain",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation", ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
}


@lru_cache(maxsize=1)
def unavailable_reason() -> str | None:
    """None when PDFs can be made, else why not (the typst package missing or broken)."""
    try:
        import typst  # noqa: F401
    except ImportError:
        return "the typst package is not installed"
    except OSError as exc:  # a wheel for another machine
        return f"the typst package cannot be loaded: {exc}"
    return None


@lru_cache(maxsize=1)
def engine_version() -> str:
    """The engine and its version: part of every kept PDF's key (a new engine lays out anew)."""
    from importlib.metadata import version

    return f"typst {version('typst')}"


@lru_cache(maxsize=1)
def template() -> bytes:
    """The Typst template: part of every kept PDF's key too."""
    return (data_dir("templates") / TEMPLATE).read_bytes()


@dataclass(frozen=True)
class Attachment:
    """A file to embed in the PDF: its name there, what it is, the day it is dated, its bytes.

    The bytes come from :func:`peerkit.evidence.open_evidence`, never from a path
    the PDF engine would open itself.
    """

    name: str
    description: str
    day: date
    data: bytes


# --- the portfolio as data --------------------------------------------------------

def portfolio_data(portfolio: Any) -> str:
    """``portfolio`` (a :class:`~peerkit.portfolio.Portfolio`) as the JSON the template reads.

    Generic, so a field added to the portfolio's types reaches the PDF without
    being listed here: each dataclass becomes an object of its fields and its
    properties; a date becomes ``{"iso", "day", "year"}`` (shown as the page shows
    it); a number ``{"text", "whole", "value"}`` (hours as ``12.5``, ``3``); a markdown field
    (``field(metadata=MARKDOWN)``) ``{"blocks", "length"}``, its tree (:func:`peerkit.markup.tree`) and length.
    Sorted keys, no spaces: the same portfolio gives the same text.
    """
    return json.dumps(_plain(portfolio), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found = {f.name: _markdown(getattr(value, f.name)) if f.metadata.get("markdown")
                 else _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name, attribute in vars(type(value)).items():
            if isinstance(attribute, property):
                found[name] = _plain(getattr(value, name))
        return found
    if isinstance(value, date):
        return {"iso": value.isoformat(), "day": day(value), "year": value.year}
    if isinstance(value, float):
        return {"text": hours(value), "whole": round(value), "value": value}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value  # text, whole numbers, booleans, None


def _markdown(text: str | None) -> dict:
    """A markdown field: its tree, and its length (the template keeps short ones on one page)."""
    return {"blocks": markup.tree(text), "length": len(text or "")}


def media_type(name: str) -> str | None:
    return MEDIA_TYPES.get(PurePosixPath(name).suffix.lower())


# --- typesetting -------------------------------------------------------------------

def write_pdf(data: str, target: Path, attachments: Sequence[Attachment] = ()) -> None:
    """Typeset the portfolio ``data`` (:func:`portfolio_data`) to ``target``, a tagged PDF.

    Attachments are embedded files: each with a name, a description, a media type
    and a date (set from the record, not the clock, so the same records give the
    same bytes).
    """
    target.write_bytes(render(data, attachments))


def render(data: str, attachments: Sequence[Attachment] = ()) -> bytes:
    """The PDF's bytes (see :func:`write_pdf`)."""
    import typst

    attached = sorted(attachments, key=lambda a: a.name)  # a PDF name tree is sorted
    listed = json.dumps([{"name": a.name, "description": a.description, "mime": media_type(a.name)}
                         for a in attached], ensure_ascii=False)
    # The compiler's root holds only the evidence bytes, under numbers: the template reads nothing else.
    # Not PDF/UA-1: it refuses a character none of the fonts has (an emoji in a statement would stop
    # the build); tagged all the same, with the window-title preference set by _finish.
    with tempfile.TemporaryDirectory(prefix="peerkit-pdf-") as root:
        for number, a in enumerate(attached):
            (Path(root) / str(number)).write_bytes(a.data)
        made = typst.compile(template(), format="pdf", root=root, font_paths=_fonts(), ignore_system_fonts=True,
                             sys_inputs={"portfolio": data, "attachments": listed}, pdf_tags=True)
    return _finish(made, attached)


@lru_cache(maxsize=1)
def _fonts() -> Any:
    """Typst's own fonts only (loaded once a process): the same glyphs on every machine."""
    import typst

    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True)


def _finish(made: bytes, attached: Sequence[Attachment]) -> bytes:
    """What Typst cannot set: the title as the window title (/DisplayDocTitle), and each embedded
    file dated (/ModDate and /CreationDate) by its record.

    An incremental update (PDF 1.7, 7.5.6): Typst's bytes as they are, then the
    changed objects, an xref section for them and a trailer that points back to
    Typst's. pypdf reads and writes the objects; rewriting the whole file through
    pypdf took as long as typesetting it, this takes a few milliseconds.
    """
    from pypdf import PdfReader
    from pypdf.generic import (BooleanObject, DictionaryObject, IndirectObject, NameObject, NumberObject,
                               TextStringObject)

    reader = PdfReader(io.BytesIO(made))
    out = io.BytesIO()
    out.write(made if made.endswith(b"\n") else made + b"\n")
    offsets: list[tuple[int, int]] = []

    def rewrite(reference: Any) -> None:
        offsets.append((reference.idnum, out.tell()))
        out.write(f"{reference.idnum} {reference.generation} obj\n".encode())
        reference.get_object().write_to_stream(out)
        out.write(b"\nendobj\n")

    root = reader.trailer.raw_get("/Root")
    catalog: Any = root.get_object()
    held = catalog.raw_get("/ViewerPreferences") if "/ViewerPreferences" in catalog else None
    if held is None:
        catalog[NameObject("/ViewerPreferences")] = DictionaryObject()
    catalog["/ViewerPreferences"][NameObject("/DisplayDocTitle")] = BooleanObject(True)
    rewrite(held if isinstance(held, IndirectObject) else root)  # the dictionary, where it is written
    days = {a.name: f"D:{a.day:%Y%m%d}000000Z" for a in attached}
    names = catalog["/Names"]["/EmbeddedFiles"]["/Names"] if attached else []
    for name, spec in zip(names[::2], names[1::2]):
        reference = spec.get_object()["/EF"].raw_get("/F")
        params = reference.get_object()["/Params"]
        for key in ("/ModDate", "/CreationDate"):
            params[NameObject(key)] = TextStringObject(days[str(name)])
        rewrite(reference)
    xref = out.tell()
    out.write(b"xref\n0 1\n0000000000 65535 f\r\n")  # the head of the free list, as in Typst's own table
    for number, offset in sorted(offsets):
        out.write(f"{number} 1\n{offset:010d} 00000 n\r\n".encode())
    trailer = DictionaryObject({NameObject(key): reader.trailer.raw_get(key)
                                for key in ("/Size", "/Root", "/Info", "/ID") if key in reader.trailer})
    trailer[NameObject("/Prev")] = NumberObject(int(made.rsplit(b"startxref", 1)[1].split()[0]))
    out.write(b"trailer\n")
    trailer.write_to_stream(out)
    out.write(f"\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()
