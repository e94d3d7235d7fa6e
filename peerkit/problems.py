"""One shape for every problem peerkit finds, and one formatter per output.

Every stage (load, schema, rules) reports a :class:`Problem`; nothing raises
for bad input. The formatters are picked from :data:`FORMATTERS` so the CLI
never needs to know how a format looks.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Callable, Iterable, Sequence

ERROR = "error"
WARNING = "warning"
NOTE = "note"
SEVERITIES = (ERROR, WARNING, NOTE)


@dataclass(frozen=True, order=True)
class Problem:
    """A problem at a place in a record file.

    Field order makes problems sort by path, then line, then column.
    ``path`` is as the user would type it (relative to the working directory
    where possible), so editors and terminals can jump to it.
    """

    path: str
    line: int
    column: int
    severity: str
    code: str
    message: str


# Control characters, undecodable bytes, and U+2028/U+2029, which Python's
# str.splitlines() and JavaScript treat as line ends: one problem, one line.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return repr(match.group())[1:-1]


def printable(text: str) -> str:
    """``text`` safe for one output line: control characters (a newline in a
    file name or a value) and undecodable file-name bytes become escapes."""
    return text if text.isprintable() else _UNPRINTABLE.sub(_escape, text)


def format_text(problems: Sequence[Problem]) -> str:
    """``path:line:col: severity: CODE message``, one line per problem."""
    return "\n".join(f"{printable(p.path)}:{p.line}:{p.column}: {p.severity}: {p.code} {printable(p.message)}"
                     for p in problems)


def format_json(problems: Sequence[Problem]) -> str:
    """A JSON list of ``{path, line, column, severity, code, message}``."""
    return json.dumps([dict(asdict(p), path=printable(p.path), message=printable(p.message)) for p in problems],
                      indent=2, ensure_ascii=False)


def _github_escape(text: str, *, property_value: bool = False) -> str:
    """Escape per the GitHub Actions workflow-command rules."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(problems: Sequence[Problem]) -> str:
    """GitHub Actions annotations, one ``::error file=...`` line per problem."""
    kinds = {ERROR: "error", WARNING: "warning", NOTE: "notice"}
    return "\n".join(
        f"::{kinds[p.severity]} file={_github_escape(printable(p.path), property_value=True)},"
        f"line={p.line},col={p.column},title={_github_escape(p.code, property_value=True)}"
        f"::{_github_escape(printable(p.message))}"
        for p in problems
    )


FORMATTERS: dict[str, Callable[[Sequence[Problem]], str]] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
}


def count(problems: Iterable[Problem], severity: str) -> int:
    return sum(1 for p in problems if p.severity == severity)


def summary(problems: Sequence[Problem], files: int) -> str:
    """``checked 12 files: 2 errors, 1 warning``: the last line of a text report."""
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    parts = [plural(count(problems, ERROR), "error"), plural(count(problems, WARNING), "warning")]
    notes = count(problems, NOTE)
    if notes:
        parts.append(plural(notes, "note"))
    return f"checked {plural(files, 'file')}: " + ", ".join(parts)
