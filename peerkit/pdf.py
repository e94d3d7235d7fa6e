"""PDF portfolios with WeasyPrint, when it is installed.

WeasyPrint is an optional extra (``pip install 'peerkit[pdf]'``) because it
needs the system's Pango library; without it peerkit still builds every HTML
page and says once how to get PDFs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Sequence

HOW_TO_GET_PDFS = (
    "PDF portfolios were not made: WeasyPrint is not available ({reason}). "
    "Install it with: pip install 'peerkit[pdf]' (it needs Pango: "
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0). The HTML portfolios print to PDF from any browser."
)


@lru_cache(maxsize=1)
def unavailable_reason() -> str | None:
    """None when PDFs can be made, else why not (a missing module or system library)."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        return "the weasyprint package is not installed"
    except OSError as exc:  # WeasyPrint installed, but Pango missing
        return f"a system library is missing: {exc}"
    return None


def engine_version() -> str:
    """The engine and its version: part of every kept PDF's key (a new engine lays out anew)."""
    import weasyprint

    return f"weasyprint {weasyprint.__version__}"


def _fetch_nothing(url: str, *args, **kwargs):
    """Portfolios are self-contained: refuse every fetch, so a record can never
    make the PDF engine read a local file or reach the network."""
    raise ValueError(f"peerkit portfolios load no external resources ({url[:60]})")


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


def write_pdf(html: str, target: Path, attachments: Sequence[Attachment] = ()) -> None:
    """Render ``html`` (a self-contained page, CSS inline) to ``target``, a tagged PDF.

    Tagged (headings, lists, tables in a structure tree, with the page's language
    and its title shown as the window title), so a screen reader can read it.
    Attachments are embedded files: each with a name, a description and a date (set
    from the record, not the clock, so the same records give the same bytes).
    """
    import weasyprint

    embedded = [weasyprint.Attachment(string=a.data, name=a.name, description=a.description,
                                      created=_midnight(a.day), modified=_midnight(a.day),
                                      relationship="Supplement")
                for a in sorted(attachments, key=lambda a: a.name)]  # a PDF name tree is sorted
    # No base URL: nothing is fetched (see _fetch_nothing), so no path of this machine gets in.
    weasyprint.HTML(string=html, base_url=None, url_fetcher=_fetch_nothing).write_pdf(
        target, pdf_tags=True, attachments=embedded)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
