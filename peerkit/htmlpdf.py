"""The funders' report as a PDF, printed from its HTML by WeasyPrint, when it is installed.

(Portfolios are typeset by Typst: see :mod:`peerkit.pdf`.) WeasyPrint is an
optional extra (``pip install 'peerkit[pdf]'``) because it needs the system's
Pango library; without it ``peerkit report`` still writes the HTML and says
once how to get the PDF.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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


def write_pdf(html: str, target: Path) -> None:
    """Render ``html`` (a self-contained page, CSS inline) to ``target``, a tagged PDF.

    Tagged (headings, lists, tables in a structure tree, with the page's language
    and its title shown as the window title), so a screen reader can read it.
    """
    import weasyprint

    # No base URL: nothing is fetched (see _fetch_nothing), so no path of this machine gets in.
    weasyprint.HTML(string=html, base_url=None, url_fetcher=_fetch_nothing).write_pdf(target, pdf_tags=True)
