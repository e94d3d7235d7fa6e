"""The registry of problem codes: each code once, with its severity and what it means.

Every stage reports problems by code (:meth:`peerkit.source.Source.problem`,
:func:`problem`), and the severity comes from here, so a code cannot be an
error in one place and a warning in another. README's table of codes is
generated from this list (``python -m peerkit.codes``), and a test fails
when they differ.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from .problems import ERROR, NOTE, WARNING, Problem


@dataclass(frozen=True)
class Code:
    code: str
    severity: str
    summary: str  # one line, for README's table


CODES: tuple[Code, ...] = (
    Code('yaml-syntax', ERROR, 'the file is not valid YAML (tabs, bad indentation, several documents in one file)'),
    Code('duplicate-key', ERROR, 'the same key twice in one mapping'),
    Code('yaml-ambiguous', ERROR, 'a YAML 1.1 surprise (`NO`, `on`, `012`, `12:30`); quote it'),
    Code('yaml-comment', WARNING, "an unquoted ` #` in a text field started a comment and cut the text short; quote the value"),
    Code('yaml-alias', ERROR, 'anchors, aliases or merge keys; records write values out'),
    Code('bad-date', ERROR, 'an impossible date such as `2024-02-30`'),
    Code('not-mapping', ERROR, 'the file holds a list or a single value, not fields'),
    Code('empty-file', ERROR, 'the file is empty'),
    Code('encoding', ERROR, 'the file is not UTF-8'),
    Code('too-large', ERROR, 'the file is over 1 MiB'),
    Code('too-deep', ERROR, 'nesting deeper than 64 levels'),
    Code('unreadable', ERROR, 'the file cannot be read'),
    Code('missing-field', ERROR, 'a required field is missing'),
    Code('unknown-field', ERROR, 'a field the schema does not know (with a did-you-mean)'),
    Code('wrong-type', ERROR, 'e.g. text where a number belongs'),
    Code('bad-value', ERROR, 'a value not in the allowed list (with a did-you-mean)'),
    Code('bad-format', ERROR, 'a date, time or id not in its form'),
    Code('out-of-range', ERROR, 'a number or length outside its limits'),
    Code('duplicate-item', ERROR, 'the same item twice in a list'),
    Code('invalid', ERROR, 'other schema rules (e.g. a group meeting with a `supporter`), or a value the schema check refuses without a more precise reason'),
    Code('markdown-too-long', ERROR, 'a markdown field (notes, debrief notes, reflection) over 20,000 characters, about 3,000 words'),
    Code('markdown-too-deep', ERROR, 'lists or quotes in a markdown field nested more than 10 levels deep'),
    Code('no-programme', ERROR, 'there is no `programme.yaml`'),
    Code('outside-records', ERROR, 'a record file is a link to somewhere outside the records folder'),
    Code('not-formatted', NOTE, "a file `fmt` or `check --fix` leaves as it is: a link, not a record, or one it cannot rewrite without changing its data"),
    Code('unknown-location', WARNING, 'a YAML file outside the record folders; not checked'),
    Code('skipped', NOTE, 'a file that is not `.yaml`/`.yml` among the records; not read'),
    Code('cache-unused', NOTE, '`.peerkit-cache` is a link, a file or another user\'s folder, so the cache is not used; delete it'),
    Code('id-mismatch', ERROR, "a supporter's, match's, venue's or group's `id` differs from its file name"),
    Code('duplicate-id', ERROR, 'two supporters, matches, venues, groups, competencies or trainings with one id'),
    Code('file-name', ERROR, 'a dated record whose file name, year folder or CPD folder disagrees with its fields (a match: the year it was referred)'),
    Code('unknown-supporter', ERROR, 'a meeting, supervision, CPD entry or match names no known supporter'),
    Code('unknown-competency', ERROR, 'a competency id not in `programme.yaml`'),
    Code('unknown-training', ERROR, "a CPD entry's `mandatory` names no mandatory training"),
    Code('unknown-venue', ERROR, 'a meeting or group names no venue in `venues/`'),
    Code('unknown-group', ERROR, 'a meeting names no group in `groups/`'),
    Code('missing-evidence', ERROR, 'an evidence file that does not exist (or is a folder, a link loop, not an ordinary file)'),
    Code('evidence-outside', ERROR, "an evidence path outside the records' `evidence/` folder (`../`, absolute, a link outside, another record)"),
    Code('evidence-path', ERROR, 'evidence that is not a clean path `evidence/...`: a web address (`https:`, `javascript:`), `..`, `\\`, an empty or `.` folder, an invisible character'),
    Code('evidence-type', ERROR, 'an evidence file that is not a PDF, PNG, JPEG, GIF, WebP, plain UTF-8 text or office document (judged by its content: HTML, SVG, XML are refused), or whose name does not match its content'),
    Code('evidence-too-large', ERROR, 'an evidence file over 20 MiB'),
    Code('future-date', ERROR, 'something that happened dated after today (`--as-of`); only a planned meeting may be dated ahead'),
    Code('before-joined', ERROR, 'a record dated before the supporter joined'),
    Code('after-left', ERROR, 'a record dated after the supporter left'),
    Code('mentee-name', ERROR, 'a mentee value that looks like a name; use initials or a code'),
    Code('personal-data', ERROR, 'an e-mail address or phone number in free text (notes, goals, next steps, signposting too)'),
    Code('debrief-before-meeting', ERROR, 'a debrief dated before its meeting'),
    Code('before-session', ERROR, 'an action marked done, or a copy of supervision notes given, before the session'),
    Code('checkout-before-checkin', ERROR, "a lone-working check-out earlier than the check-in (unless the meeting runs past midnight)"),
    Code('not-planned', ERROR, '`peerkit held` given a file that is not a planned meeting (held already, cancelled, or not a meeting)'),
    Code('cannot-edit', ERROR, "`peerkit held` cannot change the file safely (a field over several lines or written `{...}` on one line, a link, a file changed meanwhile); edit it by hand"),
    Code('lone-working', WARNING, 'a community meeting without lone-working check-in and check-out'),
    Code('no-debrief', WARNING, 'a meeting with no debrief within `debrief_within_days` (default 2)'),
    Code('one-facilitator', WARNING, "a group run by fewer facilitators than it needs (its group's `facilitators_needed`; default two, best practice)"),
    Code('acknowledged', NOTE, 'a warning accepted in the record\'s `acknowledged:` list; shown with its reason, not counted'),
    Code('stale-acknowledgement', WARNING, 'an `acknowledged:` entry that matches no warning on its record any more; remove it'),
    Code('bad-acknowledgement', ERROR, 'an `acknowledged:` entry naming an error or an unknown code; errors are fixed, not accepted'),
    Code('overdue-action', WARNING, 'a supervision, meeting or debrief action past its due date and not done'),
    Code('evidence-other-supporter', WARNING, "a CPD entry's evidence in another supporter's folder (`evidence/<their-id>/`); it would go into this supporter's portfolio"),
    Code('duplicate-arrangement', ERROR, 'two supervision arrangements of one type for a supporter (one promise per type)'),
    Code('agreement-dates', ERROR, 'a supervision agreement reviewed before it was signed, or signed on two different dates'),
    Code('no-agreement', WARNING, 'an active supporter with no signed supervision agreement'),
    Code('agreement-review', WARNING, 'a supervision agreement past its review (`review_every_months` after it was last signed or reviewed)'),
    Code('no-copy', WARNING, 'supervision notes shared with the supporter with no `copy_given` within `supervision.copy_within_days` (default 14)'),
    Code('no-peer-supervision', WARNING, 'an active supporter with no peer or group supervision within `supervision.peer_every_days`'),
    Code('unknown-match', ERROR, "a meeting's `match` or a match's `rematched_from` names no match in `matches/`"),
    Code('match-mismatch', ERROR, "a meeting whose supporter or mentee differs from its match's (or a re-match of another mentee)"),
    Code('match-dates', ERROR, 'a match matched before it was referred, or ended before it was matched'),
    Code('over-sessions', WARNING, 'more one-to-one meetings held in a match than its `sessions_offered`'),
    Code('quiet-match', WARNING, 'an active match with no meeting for `relationships.quiet_after_days` (default 42): the mentee may have stepped back'),
    Code('waiting-too-long', WARNING, 'a referral waiting for a match longer than `relationships.waiting_alert_days` (default 28)'),
    Code('no-next-steps', WARNING, 'a match ended as `completed` with no `ending.next_steps`'),
    Code('rematch-pattern', WARNING, 'a mentee in three or more matches, or a supporter with two or more `breakdown` endings, within 12 months'),
    Code('planned-overdue', WARNING, 'a planned meeting whose date has passed without it being marked held or cancelled'),
    Code('escalated', WARNING, 'a held meeting whose lone working was escalated (`lone_working.escalated: true`)'),
    Code('concern-no-action', WARNING, 'a follow-up or safeguarding concern from a debrief with no action recorded'),
    Code('venue-risk-assessment', WARNING, "a meeting at a community venue never risk-assessed, or past its review, on the meeting's date"),
    Code('venue-overheard', WARNING, 'a one-to-one at a venue marked `overheard`'),
    Code('ground-rules', WARNING, 'a held group meeting whose ground rules were not revisited (or not recorded)'),
    Code('no-attendance', WARNING, 'a held group meeting with no attendance recorded'),
)

BY_CODE: dict[str, Code] = {code.code: code for code in CODES}
README_START = "<!-- codes: generated by `python -m peerkit.codes --write`; edit peerkit/codes.py -->"
README_END = "<!-- codes: end -->"


def severity(code: str) -> str:
    """The severity of ``code``; an unregistered code is a programming error, caught by the tests."""
    return BY_CODE[code].severity


def problem(path: str, line: int, column: int, code: str, message: str) -> Problem:
    return Problem(path, line, column, severity(code), code, message)


def markdown_table() -> str:
    """README's table of codes, between its markers."""
    rows = [f"| `{c.code}` | {c.severity} | {c.summary} |" for c in CODES]
    return "\n".join([README_START, "| code | severity | what it means |", "| --- | --- | --- |", *rows, README_END])


def update_readme(text: str) -> str:
    """``text`` (README.md) with its table of codes replaced by :func:`markdown_table`."""
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.S)
    if not pattern.search(text):
        raise ValueError("README.md has no table-of-codes markers")
    return pattern.sub(lambda _: markdown_table(), text)


if __name__ == "__main__":  # python -m peerkit.codes [--write]: print (or write into README.md) the table
    if sys.argv[1:] == ["--write"]:
        from pathlib import Path

        readme = Path(__file__).resolve().parent.parent / "README.md"
        readme.write_text(update_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(markdown_table())
