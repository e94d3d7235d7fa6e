"""The funders' report as a PDF, printed from its HTML by WeasyPrint, when it is installed.

(Portfolios are typeset by Typst: see :mod:`peerkit.pdf`.) WeasyPrint is an
optional extra (``pip install 'peerkit[pdf]'``) because it needs the system's
Pango library; without it ``peerkit report`` still writes the HTML and says
once how to get the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Sequence

HOW_TO_GET_PDFS = (
    "The PDF report was not made: WeasyPrint is not available ({reason}). "
    "Install it with: pip install 'peerkit[pdf]' (it needs Pango: "
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0). The HTML report prints to PDF from any browser."
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


def _fetch_nothing(url: str, *args, **kwargs):
    """The report is self-contained: refuse every fetch, so a record can never
    make the PDF engine read a local file or reach the network."""
    raise ValueError(f"peerkit's report loads no external resources ({url[:60]})")


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
