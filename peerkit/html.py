"""Everything that turns record text into HTML: markdown, sanitising, filters.

Markdown is rendered by markdown-it-py (see :mod:`peerkit.markup`: CommonMark,
in time proportional to the text, within limits ``check`` enforces), which
lets raw HTML through (``<script>``, ``onerror=``, ``javascript:`` links), so
every piece of markdown from the records is sanitised with nh3 after
rendering. Templates autoescape everything else; only the output of
:func:`markdown_html` is marked safe.
"""

from __future__ import annotations

import hashlib
import math
import os
from datetime import date
from functools import lru_cache

import nh3
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from . import markup
from .buildcache import private_folder, user_cache_folder
from .resources import data_dir

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre", "a",
                "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https"}


def _plain_paragraphs(text: str) -> str | None:
    """What the markdown renderer makes of plain prose, ~50x faster; None if not plain."""
    paragraphs = markup.plain_paragraphs(text)
    if paragraphs is None:
        return None
    return "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def _escaped_paragraphs(text: str) -> str:
    """Text past markdown's limits, shown as it was written: escaped, in paragraphs (linear time)."""
    paragraphs = markup.PARAGRAPH_BREAK.split(text.strip("\n"))
    return "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs if paragraph)


@lru_cache(maxsize=8192)
def markdown_html(text: str | None) -> Markup:
    """Render markdown from a record and strip anything unsafe from the result.

    A field past the markdown limits (``check`` refuses those, but a build must
    finish whatever it is given) is shown as plain text instead.
    """
    if not text:
        return Markup("")
    html = _plain_paragraphs(text)
    if html is None:
        html = markup.render(text)
        if html is None:
            return Markup(_escaped_paragraphs(text))
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                            link_rel="noopener noreferrer nofollow", strip_comments=True).rstrip("\n"))


def day(value: date | None, empty: str = "—") -> str:
    """``4 Mar 2025``: unambiguous in every locale, unlike 04/03/2025."""
    if value is None:
        return empty
    return f"{value.day} {value.strftime('%b')} {value.year}"


def hours(value: float) -> str:
    """``12.5`` or ``3``: hours without a trailing ``.0``."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def percent(value: float | None) -> str:
    """``84%``, rounded down (a promise kept on 99.6% of days was not kept on all of them); ``—`` for none."""
    if value is None:
        return "—"
    return f"{math.floor(value * 100 + 1e-9)}%"


def month(key: str) -> str:
    """``Mar 2026`` for ``2026-03``."""
    first = date.fromisoformat(key + "-01")
    return f"{first.strftime('%b')} {first.year}"


def count(value: float, one: str, many: str | None = None) -> str:
    """``1 activity``, ``2 activities``, ``1 hour``, ``1.5 hours``: a number with its noun in agreement.

    Only exactly one is singular; hours are shown as :func:`hours` shows them.
    """
    shown = hours(value) if isinstance(value, float) else str(value)
    return f"{shown} {one if shown == '1' else (many or one + 's')}"


def csp_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline style or script."""
    import base64

    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _compiled_templates() -> FileSystemBytecodeCache | None:
    """Where compiled templates are kept: the user's own cache folder, if it is usable.

    Compiling peerkit's templates costs every build ~0.2 s; Jinja checks each
    kept one against its template's source before using it.
    """
    folder = user_cache_folder() / "templates"
    fd = private_folder(folder)
    if fd is None:
        return None
    os.close(fd)
    return FileSystemBytecodeCache(str(folder))


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The one Jinja environment: autoescaping on, unknown names an error."""
    env = Environment(
        loader=FileSystemLoader(str(data_dir("templates"))),
        bytecode_cache=_compiled_templates(),
        autoescape=select_autoescape(["html", "svg", "xml"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(markdown=markdown_html, day=day, hours=hours, percent=percent, month=month, count=count)
    return env


def asset(name: str) -> str:
    """A static file from templates/ (CSS, JS) as text."""
    return (data_dir("templates") / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def dashboard_assets() -> dict[str, str]:
    """The dashboard's CSS and script, to inline in each page, and their CSP hashes.

    Inlined and pinned by hash rather than linked with ``'self'``: on
    ``file://`` Chromium counts every file on the disk as ``'self'``, so a
    page could load any ``.js`` in the site (a copied evidence file, say),
    and integrity attributes do not work there. A hash allows exactly
    peerkit's own script and style, as the portfolio already does.
    """
    css, js = asset("peerkit.css"), asset("peerkit.js")
    if "</" in css + js:
        raise ValueError("peerkit.css and peerkit.js must not contain '</': they are inlined")
    return {"css": css, "js": js, "css_hash": csp_hash(css), "js_hash": csp_hash(js)}
