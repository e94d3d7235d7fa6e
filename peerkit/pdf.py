"""PDF portfolios with WeasyPrint, when it is installed.

WeasyPrint is an optional extra (``pip install 'peerkit[pdf]'``) because it
needs the system's Pango library; without it peerkit still builds every HTML
page and says once how to get PDFs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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


def _fetch_nothing(url: str, *args, **kwargs):
    """Portfolios are self-contained: refuse every fetch, so a record can never
    make the PDF engine read a local file or reach the network."""
    raise ValueError(f"peerkit portfolios load no external resources ({url[:60]})")


def write_pdf(html: str, target: Path) -> None:
    """Render ``html`` (a self-contained page, CSS inline) to ``target``."""
    import weasyprint

    # No base URL: evidence links stay relative ("evidence/..."), so the PDF
    # works beside its evidence folder and does not embed this machine's paths.
    weasyprint.HTML(string=html, base_url=None, url_fetcher=_fetch_nothing).write_pdf(target)
