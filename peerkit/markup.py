"""How much markdown one field may hold, and the parser that turns it into HTML.

Records come from anyone, and a build must finish. Python-Markdown took
minutes on 16 KB of ``[`` and raised ``RecursionError`` on a list ~250 deep,
and its maintainers do not treat such input as a bug. markdown-it-py
(CommonMark, a port of markdown-it, whose pathological cases are fixed and
tested upstream) takes time in proportion to the text, but being pure Python
its worst markup (runs of ``![``) still costs ~15 µs a character. So a field
holds at most :data:`MAX_CHARS` characters, and lists and quotes nest at most
:data:`MAX_NESTING` deep (past its nesting limit markdown-it silently drops the
rest of the text, and the limit multiplies the cost of unmatched brackets).
``check`` refuses a field past either limit at its line; :func:`render`
returns None for one, and the page shows it as plain text.

Kept apart from ``html`` so that ``check`` measures fields without importing
the renderer (or Jinja): only a field that might be too deep is parsed.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

MAX_CHARS = 20_000  # about 3,000 words; the worst markup renders in well under a second
MAX_NESTING = 10  # lists and block quotes, one inside another

# Every level of list or quote needs at least one column of the line's indent
# or markers, so a line whose lead-in is narrower cannot be deeper than that.
_LEAD_IN = re.compile(r"^[ \t>*+\-0-9.)]{%d,}" % (MAX_NESTING // 4 + 1), re.MULTILINE)
_CONTAINERS = {"bullet_list_open": 1, "ordered_list_open": 1, "blockquote_open": 1,
               "bullet_list_close": -1, "ordered_list_close": -1, "blockquote_close": -1}
# Text that Markdown would only split into paragraphs: no markup characters,
# and no line that could start a list, heading, quote or code block.
_PLAIN = re.compile(r"(?:[^\W_]|[ ,.;:'\"?!()/%£$€@’‘“”–—\n-])*")
_NOT_PLAIN_LINE = re.compile(r"^(?:[ \t\d+=-]|.*[ \t]$)", re.MULTILINE)
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
# How deep the block-only parse that measures nesting may go (each list level
# is two of these); deeper text is reported as "N or more levels".
_MEASURE_LEVELS = 100


@cache
def parser() -> MarkdownIt:
    """CommonMark plus tables; raw HTML is parsed (nh3 sanitises the result) and links
    are never guessed from bare text.

    ``maxNesting`` leaves room for MAX_NESTING lists (two levels each: list and
    item) and no more: unmatched ``[`` cost time in proportion to it.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True, "maxNesting": 2 * MAX_NESTING + 2}).enable("table")


@cache
def _measurer() -> MarkdownIt:
    """Blocks only (no inline parsing, so cheap), with room to see nesting well past the limit."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"maxNesting": _MEASURE_LEVELS}).disable("inline")


def _may_nest_too_deep(text: str) -> bool:
    """False when no line's lead-in is wide enough for MAX_NESTING + 1 levels (nearly always)."""
    for match in _LEAD_IN.finditer(text):
        if len(match.group().expandtabs(4)) > MAX_NESTING:
            return True
    return False


def nesting(text: str) -> int:
    """How deep lists and quotes go in ``text``, one inside another (0 when it cannot pass the limit)."""
    if not _may_nest_too_deep(text):
        return 0
    depth = deepest = 0
    for token in _measurer().parse(text):
        depth += _CONTAINERS.get(token.type, 0)
        deepest = max(deepest, depth)
    return deepest


def limit_problem(text: str) -> tuple[str, str] | None:
    """``(code, what is wrong and how to fix it)`` for a field past a limit, else None."""
    if len(text) > MAX_CHARS:
        return ("markdown-too-long", f"is {len(text):,} characters long; a markdown field holds at most "
                                     f"{MAX_CHARS:,} (about 3,000 words): shorten it or split it over two records")
    depth = nesting(text)
    if depth > MAX_NESTING:
        levels = f"{depth}" if depth < _MEASURE_LEVELS // 2 else f"{depth} or more"
        return ("markdown-too-deep", f"nests lists or quotes {levels} levels deep; at most {MAX_NESTING}: "
                                     f"flatten the inner levels")
    return None


def plain_paragraphs(text: str) -> list[str] | None:
    """The paragraphs of plain prose (what the renderer would make of it, ~50x faster); None if not plain.

    tests/test_html.py checks this against the renderer itself on generated text.
    """
    text = text.strip("\n")
    if not text or not _PLAIN.fullmatch(text) or _NOT_PLAIN_LINE.search(text):
        return None
    return PARAGRAPH_BREAK.split(text)


def render(text: str) -> str | None:
    """``text`` as (unsanitised) HTML, or None when it is past a limit and must be shown as plain text."""
    if len(text) > MAX_CHARS or nesting(text) > MAX_NESTING:
        return None
    return parser().render(text)


# --- markdown as data, for the PDF's template ---------------------------------------
#
# The PDF is typeset by Typst from data, never from markup made of record text (a
# ``#`` or ``[`` there would be Typst code). So markdown becomes a small tree of
# plain values that templates/portfolio.typ walks, showing every string as text:
# blocks {"t": "p" | "ul" | "ol" | "quote" | "pre" | "h" | "hr" | "table", ...} and
# inline runs (strings, {"t": "strong" | "em" | "link", "c": [...]}, {"t": "code",
# "s": ...}, {"t": "br"}). Raw HTML stays out, as nh3 keeps it out of the page
# (tags go, the text between them stays); images go (the page drops them too);
# a link keeps its address only if it is http(s) and absolute, as on the page
# (html.URL_SCHEMES), else its words alone.

Tree = list[Any]
_WEB_ADDRESS = re.compile(r"https?://[^\s]+\Z", re.IGNORECASE)


@lru_cache(maxsize=8192)
def _tree(text: str) -> tuple[Any, ...]:
    plain = plain_paragraphs(text)
    if plain is None and (len(text) > MAX_CHARS or nesting(text) > MAX_NESTING):
        # Past the limits: shown as it was written, in paragraphs (as the page does).
        plain = [p for p in PARAGRAPH_BREAK.split(text.strip("\n")) if p]
    if plain is not None:
        return tuple({"t": "p", "c": [" ".join(p.split("\n"))]} for p in plain)
    from markdown_it.tree import SyntaxTreeNode

    return tuple(_blocks(SyntaxTreeNode(parser().parse(text)).children))


def tree(text: str | None) -> Tree:
    """``text`` (markdown from a record) as the PDF template's tree: plain values only."""
    return list(_tree(text)) if text else []


def _blocks(nodes: list[SyntaxTreeNode]) -> Iterator[dict]:
    for node in nodes:
        kind = node.type
        if kind == "paragraph":
            yield {"t": "p", "c": _inline(node.children[0].children), "tight": node.hidden}
        elif kind in ("bullet_list", "ordered_list"):
            items = [list(_blocks(item.children)) for item in node.children]
            yield ({"t": "ul", "items": items} if kind == "bullet_list"
                   else {"t": "ol", "start": int(node.attrs.get("start", 1)), "items": items})
        elif kind == "blockquote":
            yield {"t": "quote", "c": list(_blocks(node.children))}
        elif kind in ("fence", "code_block"):
            yield {"t": "pre", "s": node.content.rstrip("\n")}
        elif kind == "heading":
            yield {"t": "h", "c": _inline(node.children[0].children)}
        elif kind == "hr":
            yield {"t": "hr"}
        elif kind == "table":
            rows = [row for part in node.children for row in part.children]
            cells = [[_inline(cell.children[0].children) if cell.children else [] for cell in row.children]
                     for row in rows]
            yield {"t": "table", "head": cells[0], "rows": cells[1:]}
        # html_block: raw HTML stays out


def _inline(nodes: list[SyntaxTreeNode]) -> list:
    """Inline runs, neighbouring text joined into one string."""
    runs: list = []
    for node in nodes:
        kind = node.type
        if kind == "text":
            item: Any = node.content
        elif kind == "softbreak":
            item = " "
        elif kind == "hardbreak":
            item = {"t": "br"}
        elif kind in ("strong", "em", "link"):
            item = {"t": kind, "c": _inline(node.children)}
            href = str(node.attrs.get("href", "")) if kind == "link" else ""
            if _WEB_ADDRESS.match(href):
                item["href"] = href
        elif kind == "code_inline":
            item = {"t": "code", "s": node.content}
        else:  # html_inline, image: left out
            continue
        if isinstance(item, str) and runs and isinstance(runs[-1], str):
            runs[-1] += item
        else:
            runs.append(item)
    return runs


@cache
def markdown_fields(kind: str) -> tuple[tuple[str, ...], ...]:
    """Where a record of ``kind`` holds markdown: field paths, ``*`` for any list item.

    Read from the schema (every ``$ref`` to ``#/$defs/markdown``), so a markdown
    field added to a schema is measured without anyone listing it here.
    """
    from .validate import schema

    root = schema(kind)
    defs = root.get("$defs", {})
    found: list[tuple[str, ...]] = []

    def walk(node: Any, path: tuple[str, ...], followed: frozenset[str]) -> None:
        if not isinstance(node, dict):
            return
        ref = node.get("$ref", "")
        if ref == "#/$defs/markdown":
            found.append(path)
        elif ref.startswith("#/$defs/") and ref not in followed:
            walk(defs.get(ref.rpartition("/")[2]), path, followed | {ref})
        for name, child in node.get("properties", {}).items():
            walk(child, path + (name,), followed)
        walk(node.get("items"), path + ("*",), followed)
        for key in ("allOf", "anyOf", "oneOf"):
            for child in node.get(key, ()):
                walk(child, path, followed)
        for key in ("if", "then", "else"):
            walk(node.get(key), path, followed)

    walk(root, (), frozenset())
    return tuple(dict.fromkeys(found))


def field_problems(kind: str, data: Any) -> Iterator[tuple[tuple, str, str]]:
    """``(field path, code, message)`` for each markdown field of a schema-valid record past a limit."""
    from .validate import field_name

    for fields in markdown_fields(kind):
        for path, text in iter_values(data, fields):
            problem = limit_problem(text) if isinstance(text, str) else None
            if problem:
                yield path, problem[0], f"{field_name(path)} {problem[1]}"


def iter_values(data: Any, path: tuple[str, ...], at: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every value at ``path`` in ``data`` (``*`` stepping into each list item), with its full path."""
    if not path:
        yield at, data
        return
    step, rest = path[0], path[1:]
    if step == "*":
        for index, item in enumerate(data if isinstance(data, list) else ()):
            yield from iter_values(item, rest, at + (index,))
    elif isinstance(data, dict) and step in data:
        yield from iter_values(data[step], rest, at + (step,))
