#!/usr/bin/env python3
"""Generate peerkit records: the demo programme or a benchmark corpus.

    python benchmarks/generate.py --demo [--seed S] [--force] DIR
    python benchmarks/generate.py --files N [--seed S] [--force] DIR

``--demo`` writes the realistic demo programme shipped in ``records/``: 14 supporters,
24 months of meetings, supervision and CPD up to the fixed "as of" date 2026-11-20, venues,
groups and the meetings planned for the next fortnight, clean except for a few deliberate
best-practice warnings (see ``inject_demo_flaws``, the scenario switches of ``demo_people`` and
``add_safety``).

``--files N`` writes a benchmark corpus of about N files (within a few per cent) with the
same shapes; the number of supporters and years of history grow with N.

Output is deterministic: the same arguments give byte-identical files. Only the standard
library is used (PyYAML is not needed to write; the YAML is emitted by hand so that
quoting, key order and line layout are exactly what reviewers see in diffs). Files are
written in ``peerkit fmt``'s canonical form (fields in the schemas' order, short lists of
ids on one line), so ``peerkit fmt --check`` passes on them; a test keeps the two in step.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import random
import re
import shutil
import sys
import time
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Iterable, Sequence

AS_OF = date(2026, 11, 20)
DEMO_START = date(2024, 11, 21)
DAY = timedelta(days=1)

# --------------------------------------------------------------------------------------
# Programme frameworks
# --------------------------------------------------------------------------------------

PROGRAMME_NAME = "Thames Valley Positive Voices Peer Mentoring"
ORGANISATION = "Positive Voices Community Interest Company"

#: (id, title, renew_every_months or None, description, applies_to_roles, statutory)
MANDATORY_TRAINING: list[tuple[str, str, int | None, str, tuple[str, ...], bool]] = [
    ("safeguarding-adults", "Safeguarding adults (level 2)", 36,
     "Recognising abuse and neglect and how to raise a concern.", (), True),
    ("safeguarding-children", "Safeguarding children and young people (level 2)", 36,
     "Required because mentees may be parents or carers.", (), True),
    ("confidentiality-gdpr", "Confidentiality and data protection (UK GDPR)", 12,
     "Annual data security awareness refresher.", (), True),
    ("lone-working", "Lone working and personal safety", 24,
     "Check-in and check-out, risk assessment of community venues.", ("one-to-one", "group"), True),
    ("health-and-safety", "Health and safety", 24, "Organisational health and safety induction.", (), True),
    ("equality-diversity", "Equality, diversity and inclusion", None,
     "Completed once, at induction.", (), False),
]
MANDATORY_IDS = [m[0] for m in MANDATORY_TRAINING]
RENEWAL = {m[0]: m[2] for m in MANDATORY_TRAINING}

#: National Standards for Peer Support in HIV competencies: (id, title, group)
COMPETENCIES: list[tuple[str, str, str]] = [
    ("hiv-treatments", "Basic knowledge of HIV and treatments", "Knowledge"),
    ("wellbeing-self-management", "Insight into wellbeing and self-management strategies",
     "Knowledge"),
    ("sexual-health", "Practical knowledge of sexual health", "Knowledge"),
    ("long-term-conditions", "Self-management and long-term condition management", "Knowledge"),
    ("safeguarding", "Understanding of safeguarding", "Knowledge"),
    ("diversity", "Recognising diversity and knowing how to work with it", "Personal qualities"),
    ("cross-cultural-communication", "Cross-cultural awareness and communication",
     "Personal qualities"),
    ("safety", "Ensuring safety for all parties", "Skills"),
    ("listening-communication", "Effective listening and communication skills", "Skills"),
    ("confidentiality-boundaries", "Understanding of confidentiality and boundaries", "Skills"),
    ("monitoring-records", "Monitoring and evaluation, and keeping accurate records", "Skills"),
    ("smart-goals", "SMART goal setting and action planning with mentees", "Skills"),
    ("starting-ending", "Starting and ending the peer support relationship", "Skills"),
    ("reproductive-health", "Reproductive health needs and choices", "Keeping up to date"),
    ("safer-sex", "Safer sex and risk reduction", "Keeping up to date"),
    ("drugs-alcohol", "Current approaches to drug and alcohol use", "Keeping up to date"),
    ("signposting", "Signposting to further support and information", "Keeping up to date"),
    ("advocacy", "Being an advocate", "Keeping up to date"),
    ("group-facilitation", "Facilitating peer support groups", "Group work"),
]
CORE_COMPETENCIES = [c[0] for c in COMPETENCIES[:13]]

SUPERVISORS = {
    "coordinator": "Helen Marsh",
    "senior-peer": "Tendai Moyo",
    "clinical": "Dr Priya Raman",
}

# --------------------------------------------------------------------------------------
# Small YAML emitter
# --------------------------------------------------------------------------------------


class Quoted(str):
    """A string that is always written double-quoted (times, mentee codes)."""


class Markdown(str):
    """Markdown text, written as a literal block scalar (``key: |``)."""


_PLAIN_RE = re.compile(r"^[A-Za-z\u00c0-\u024f][\w\u00c0-\u024f ,.'()/&+-]*$")
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})


def yaml_scalar(value: Any) -> str:
    """Render one scalar. Strings stay plain only when YAML 1.1 and 1.2 read them back as-is."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, Quoted):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, str):
        if (_PLAIN_RE.match(value) and value.lower() not in _YAML11_WORDS
                and value == value.strip() and "  " not in value):
            return value
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    raise TypeError(f"cannot emit {type(value).__name__}")


def _emit_block(pad: str, key: str, text: str, out: list[str]) -> None:
    """Append ``key: |`` and the indented lines of ``text``."""
    assert text and not text[0].isspace(), "block scalars must not start with whitespace"
    out.append(f"{pad}{key}: |")
    inner = pad + "  "
    for line in text.rstrip("\n").split("\n"):
        out.append(inner + line if line else "")


def _emit_mapping(mapping: dict[str, Any], indent: int, out: list[str]) -> None:
    """Append the lines of ``mapping`` at ``indent`` spaces, keeping insertion order."""
    pad = " " * indent
    for key, value in mapping.items():
        if isinstance(value, Markdown):
            _emit_block(pad, key, value, out)
        elif isinstance(value, dict):
            if not value:
                out.append(f"{pad}{key}: {{}}")
                continue
            out.append(f"{pad}{key}:")
            _emit_mapping(value, indent + 2, out)
        elif isinstance(value, list):
            if not value or isinstance(value, FlowList):
                out.append(f"{pad}{key}: [{', '.join(yaml_scalar(v) for v in value)}]")
                continue
            out.append(f"{pad}{key}:")
            _emit_sequence(value, indent + 2, out)
        else:
            out.append(f"{pad}{key}: {yaml_scalar(value)}")


def _emit_sequence(items: list[Any], indent: int, out: list[str]) -> None:
    """Append a block sequence; mappings inside start on the ``- `` line."""
    pad = " " * indent
    for item in items:
        if isinstance(item, dict):
            start = len(out)
            _emit_mapping(item, indent + 2, out)
            out[start] = pad + "- " + out[start][indent + 2:]
        else:
            out.append(f"{pad}- {yaml_scalar(item)}")


def dump_yaml(record: dict[str, Any], kind: str | None = None) -> str:
    """Serialise one record as YAML text with a trailing newline (canonical when ``kind`` is given)."""
    out: list[str] = []
    if kind is not None:
        spec = schema_of(kind)
        record = canonical_order(record, spec, spec.get("$defs", {}), 0)
    _emit_mapping(record, 0, out)
    return "\n".join(out) + "\n"


# ``peerkit fmt``'s canonical form, as far as the generator needs it (peerkit/fmt.py is the reference).
SCHEMAS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schemas")
FLOW_WIDTH = 80


SCHEMA_OF_FOLDER = {"meetings": "meeting", "supervision": "supervision", "cpd": "cpd", "matches": "match"}


class FlowList(list):
    """A short list of ids, written on one line: ``roles: [one-to-one, group]``."""


@functools.cache
def schema_of(kind: str) -> dict[str, Any]:
    """The kind's schema as peerkit reads it (``acknowledged`` added to every kind)."""
    with open(os.path.join(SCHEMAS, f"{kind}.schema.json"), encoding="utf-8") as fh:
        spec = json.load(fh)
    with open(os.path.join(SCHEMAS, "acknowledged.json"), encoding="utf-8") as fh:
        spec.setdefault("properties", {})["acknowledged"] = json.load(fh)
    return spec


def _resolve(spec: Any, defs: dict[str, Any]) -> dict[str, Any]:
    if isinstance(spec, dict) and spec.get("$ref", "").startswith("#/$defs/"):
        return defs.get(spec["$ref"].rpartition("/")[2], {})
    return spec if isinstance(spec, dict) else {}


def canonical_order(value: Any, spec: dict[str, Any], defs: dict[str, Any], column: int, key: str = "") -> Any:
    """``value`` with mappings in schema order and short id lists marked to flow."""
    if isinstance(value, dict):
        properties = spec.get("properties", {})
        extra = spec.get("additionalProperties")
        rank = {name: i for i, name in enumerate(properties)}
        ordered = sorted(value, key=lambda k: (rank.get(k, len(rank)), list(value).index(k)))
        return {k: canonical_order(value[k], _resolve(properties.get(k, extra if isinstance(extra, dict) else {}),
                                                      defs), defs, column + 2, k) for k in ordered}
    if isinstance(value, list):
        item = spec.get("items", {})
        is_ids = spec.get("type") == "array" and (item.get("$ref") == "#/$defs/id" or "enum" in _resolve(item, defs))
        items = [canonical_order(v, _resolve(item, defs), defs, column + 2) for v in value]
        if is_ids and items and all(isinstance(v, str) and not isinstance(v, Markdown) for v in items):
            width = column - 2 + len(key) + 4 + sum(len(yaml_scalar(v)) for v in items) + 2 * (len(items) - 1)
            if width <= FLOW_WIDTH:
                return FlowList(items)
        return items
    return value


# --------------------------------------------------------------------------------------
# Markdown helpers
# --------------------------------------------------------------------------------------


def wrap(text: str, width: int = 78, indent: str = "", first: str = "") -> list[str]:
    """Greedy word wrap (much faster than textwrap for our short paragraphs)."""
    lines: list[str] = []
    current = first
    base = len(first)
    for word in text.split():
        if len(current) > base and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = indent + word
            base = len(indent)
        elif len(current) > base:
            current += " " + word
        else:
            current += word
    if len(current) > base:
        lines.append(current)
    return lines


def markdown(*blocks: str | list[str]) -> Markdown:
    """Build markdown from paragraphs (str) and bullet lists (list of str)."""
    out: list[str] = []
    for block in blocks:
        if not block:
            continue
        if out:
            out.append("")
        if isinstance(block, list):
            for bullet in block:
                out.extend(wrap(bullet, indent="  ", first="- "))
        else:
            out.extend(wrap(block))
    return Markdown("\n".join(out) + "\n")


# --------------------------------------------------------------------------------------
# Placeholder evidence: a tiny valid one-page PDF
# --------------------------------------------------------------------------------------


def _pdf_text(text: str) -> bytes:
    """Escape text for a PDF literal string (WinAnsi / Latin-1)."""
    raw = text.encode("latin-1", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(title: str, lines: Sequence[str]) -> bytes:
    """Return a minimal, valid single-page A4 PDF showing a title and some lines."""
    ops = [b"BT", b"/F1 20 Tf", b"72 760 Td", b"(" + _pdf_text(title) + b") Tj", b"/F1 12 Tf"]
    for line in lines:
        ops += [b"0 -24 Td", b"(" + _pdf_text(line) + b") Tj"]
    ops.append(b"ET")
    stream = b"\n".join(ops)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    body = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        body += b"%010d 00000 n \n" % offset
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(body)


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` plus a number of calendar months (clamped to the month's end)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return date(year, month0 + 1, min(day.day, monthrange(year, month0 + 1)[1]))


CLOSED_DAYS = frozenset({(12, 25), (12, 26), (1, 1)})


def is_working_day(day: date) -> bool:
    """Monday to Friday, except Christmas Day, Boxing Day and New Year's Day."""
    return day.weekday() < 5 and (day.month, day.day) not in CLOSED_DAYS


def weekday_within(day: date, lo: date, hi: date) -> date:
    """Move ``day`` to the nearest working day that stays inside ``[lo, hi]``."""
    if is_working_day(day):
        return day
    for step in range(1, 6):
        for candidate in (day - timedelta(days=step), day + timedelta(days=step)):
            if lo <= candidate <= hi and is_working_day(candidate):
                return candidate
    return day


def spread_dates(rng: random.Random, lo: date, hi: date, n: int) -> list[date]:
    """``n`` sorted weekdays in ``[lo, hi]``, one in each of n equal slots (stratified)."""
    span = (hi - lo).days
    if n <= 0 or span < 0:
        return []
    slot = (span + 1) / n
    days = []
    for i in range(n):
        offset = int(i * slot + rng.random() * slot)
        days.append(weekday_within(lo + timedelta(days=min(offset, span)), lo, hi))
    days.sort()
    return days


def clamp(day: date, lo: date, hi: date) -> date:
    """``day`` limited to ``[lo, hi]``."""
    return max(lo, min(day, hi))


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    shares = [total * w / weight_sum for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def lower_first(text: str) -> str:
    """Lower-case the first letter for use mid-sentence, unless it starts an acronym."""
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def slugify(text: str, max_words: int = 6) -> str:
    """Lower-case, hyphenated slug of the first few words of ``text``."""
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()[:max_words]
    while len(words) > 1 and words[-1] in _SLUG_STOPWORDS:
        words.pop()
    return "-".join(words) or "record"


_SLUG_STOPWORDS = frozenset({"a", "and", "for", "in", "of", "the", "to", "with"})


# --------------------------------------------------------------------------------------
# Supporters
# --------------------------------------------------------------------------------------


@dataclass
class Person:
    """One supporter plus the derived dates the activity generators need."""

    id: str
    name: str
    status: str
    joined: date
    roles: tuple[str, ...] = ()
    left: date | None = None
    pause_from: date | None = None
    interval_days: int | None = None
    supervisor: str = SUPERVISORS["coordinator"]
    level: int = 2
    one_to_one_per_month: float = 1.0
    streams: int = 1
    notes: str = ""
    statement: str = ""  # their own words, for their portfolio (paragraphs split on blank lines)
    goals: list[tuple[str, str | None, str]] = field(default_factory=list)
    employment: str | None = None
    #: supervision promised by type: (type, every days, supervisor)
    arrangements: tuple[tuple[str, int, str], ...] = ()
    # scenario switches (demo)
    overdue_supervision: bool = False
    no_agreement: bool = False  # active, but no signed supervision agreement on record
    last_review: date | None = None  # the agreement's last review (then none until it is overdue)
    mandatory_dates: dict[str, list[date]] = field(default_factory=dict)
    skip_mandatory: tuple[str, ...] = ()
    # derived by derive_dates()
    induction: date | None = None
    core: date | None = None
    awarded: date | None = None
    agreement: date | None = None
    active_from: date | None = None
    active_to: date | None = None
    record_end: date = AS_OF

    @property
    def trained(self) -> bool:
        """True once core training is complete (may supervise, meet mentees)."""
        return self.core is not None

    @property
    def initials(self) -> str:
        """Initials of the supporter's name, e.g. ``AO``."""
        return "".join(part[0] for part in self.name.split()).upper()

    def active_on(self, day: date) -> bool:
        """True if the supporter may run a session on ``day``."""
        return self.active_from is not None and self.active_from <= day <= self.active_to


def derive_dates(person: Person, rng: random.Random, history_start: date) -> None:
    """Fill training, agreement and activity-window dates from ``joined`` and the status."""
    end = person.left - DAY if person.left else AS_OF
    person.record_end = end
    if person.status == "applicant":
        return
    def later(day: date, lo: int, hi: int) -> date:
        return weekday_within(day + timedelta(days=rng.randint(lo, hi)), day + DAY, AS_OF)

    person.induction = min(later(person.joined, 5, 20), end)
    if person.status == "in-training":
        return
    person.core = later(person.induction, 35, 70)
    awarded = later(person.core, 30, 80)
    person.awarded = awarded if awarded <= end else None
    person.agreement = later(person.core, 0, 10)
    person.active_from = max(history_start, person.agreement + timedelta(days=rng.randint(3, 14)))
    if person.left:
        person.active_to = person.left - timedelta(days=3)
    elif person.pause_from:
        person.active_to = person.pause_from - DAY
    else:
        person.active_to = AS_OF
    if person.active_from > person.active_to:
        person.active_from = person.active_to = None


def demo_people() -> list[Person]:
    """The 14 supporters of the demo programme, with their scenario switches."""
    P = Person
    return [
        P("amara-okafor", "Amara Okafor", "active", date(2021, 3, 8), ("one-to-one", "group"),
          level=3, one_to_one_per_month=1.3, streams=2, employment="paid",
          arrangements=(("managerial", 61, SUPERVISORS["coordinator"]),
                        ("peer", 42, SUPERVISORS["senior-peer"]),
                        ("clinical", 91, SUPERVISORS["clinical"])),
          notes="Senior peer mentor. Co-facilitates the drop-in and the women's group.\n\n"
                "Speaks Igbo and English; often matched with newly arrived mentees.",
          statement="I came to peer support after my own diagnosis in 2015, when a peer mentor "
                    "helped me through the first year. Since 2021 I have supported people one-to-one "
                    "and co-facilitated our drop-in and women's groups.\n\n"
                    "What I bring: **listening first**, plain explanations of treatment and clinic "
                    "systems, and care over boundaries. I am now mentoring a newly trained peer "
                    "supporter and would like to move into a paid peer support worker role.",
          goals=[("Mentor a newly trained peer supporter", "listening-communication", "achieved"),
                 ("Co-design a session on ageing well with HIV",
                  "long-term-conditions", "in-progress")]),
        P("daniel-kowalski", "Daniel Kowalski", "active", date(2023, 1, 16),
          ("one-to-one", "telephone"), interval_days=28, one_to_one_per_month=1.2, employment="volunteer",
          notes="Agreed four-weekly supervision while building a larger telephone caseload.",
          goals=[("Build confidence with telephone-only support",
                  "listening-communication", "achieved"),
                 ("Learn more about chemsex and harm reduction", "drugs-alcohol", "in-progress")]),
        P("grace-mensah", "Grace Mensah", "active", date(2019, 9, 2), ("one-to-one", "group"),
          supervisor=SUPERVISORS["senior-peer"], level=3, one_to_one_per_month=0.7, employment="paid",
          arrangements=(("managerial", 91, SUPERVISORS["coordinator"]),
                        ("peer", 56, SUPERVISORS["senior-peer"])),
          notes="Longest-serving peer mentor. Leads on ground rules and group agreements.",
          goals=[("Lead a peer-led learning session on group boundaries",
                  "group-facilitation", "achieved"),
                 ("Represent mentees' views at the clinic patient forum",
                  "advocacy", "in-progress")]),
        P("tom-whitfield", "Tom Whitfield", "active", date(2022, 6, 13), ("telephone", "online"),
          one_to_one_per_month=1.1, skip_mandatory=("lone-working",), employment="volunteer",
          notes="Telephone and online support only (evenings). Does not meet mentees in "
                "person, so has not taken the lone working course.",
          goals=[("Set clearer boundaries around message response times",
                  "confidentiality-boundaries", "achieved"),
                 ("Complete a course on online support", "safety", "planned")]),
        P("farah-siddiqui", "Farah Siddiqui", "active", date(2023, 9, 11),
          ("one-to-one", "online", "group"), one_to_one_per_month=0.9, employment="volunteer",
          skip_mandatory=("equality-diversity",),
          notes="Speaks Urdu and Punjabi. Co-facilitates the women's group.",
          goals=[("Co-facilitate the women's group", "group-facilitation", "achieved"),
                 ("Learn about pregnancy and infant feeding guidance",
                  "reproductive-health", "in-progress")]),
        P("kwame-asante", "Kwame Asante", "active", date(2020, 2, 3), ("one-to-one", "group"),
          level=3, one_to_one_per_month=0.9, overdue_supervision=True, employment="volunteer",
          notes="Works shifts; supervision is booked around his rota.",
          goals=[("Support mentees to set SMART goals in the first session",
                  "smart-goals", "achieved"),
                 ("Apply for a paid peer support worker post", None, "planned")]),
        P("siobhan-doyle", "Siobhan Doyle", "active", date(2022, 10, 3), ("one-to-one", "group"),
          one_to_one_per_month=0.8, employment="volunteer",
          mandatory_dates={"confidentiality-gdpr": [date(2025, 8, 14)]},
          notes="Interested in advocacy and welfare rights.",
          goals=[("Improve record keeping after community meetings",
                  "monitoring-records", "in-progress"),
                 ("Learn more about benefits and housing signposting",
                  "signposting", "achieved")]),
        P("marcus-campbell", "Marcus Campbell", "active", date(2021, 11, 15),
          ("one-to-one", "telephone"), one_to_one_per_month=1.0, employment="volunteer",
          mandatory_dates={"lone-working": [date(2024, 12, 9)]}, last_review=date(2025, 11, 3),
          notes="Mostly meets mentees in the community (cafes and libraries).",
          goals=[("Refresh safeguarding escalation routes", "safeguarding", "achieved"),
                 ("Handle endings well with longer-term mentees",
                  "starting-ending", "in-progress")]),
        P("ioana-popescu", "Ioana Popescu", "active", date(2025, 5, 6), ("one-to-one", "online"),
          interval_days=28, one_to_one_per_month=0.9, employment="volunteer", no_agreement=True,
          notes="Joined in 2025. Four-weekly supervision for the first year in role.",
          goals=[("Complete the core peer mentoring accreditation",
                  "listening-communication", "achieved"),
                 ("Build cross-cultural communication skills",
                  "cross-cultural-communication", "in-progress")]),
        P("jamal-hussain", "Jamal Hussain", "paused", date(2020, 6, 15), ("one-to-one", "group"),
          pause_from=date(2026, 6, 29), one_to_one_per_month=0.9, employment="volunteer",
          notes="Paused from the end of June 2026 for health reasons; keeping in touch "
                "through managerial supervision. Plans to return in the new year.",
          goals=[("Return to one-to-one work with a reduced caseload",
                  "wellbeing-self-management", "planned"),
                 ("Co-facilitate the drop-in group", "group-facilitation", "achieved")]),
        P("bethan-price", "Bethan Price", "left", date(2022, 2, 7), ("one-to-one", "group"),
          left=date(2025, 8, 29), one_to_one_per_month=1.0, employment="volunteer",
          notes="Left in August 2025 to take up a paid peer support worker post in the NHS.",
          goals=[("Apply for a paid peer support worker post", None, "achieved")]),
        P("rui-fernandes", "Rui Fernandes", "left", date(2023, 4, 17), ("one-to-one", "telephone"),
          left=date(2025, 3, 14), one_to_one_per_month=0.9, employment="volunteer",
          notes="Moved out of the area in March 2025.",
          goals=[("Learn about safer sex and PrEP conversations", "safer-sex", "dropped")]),
        P("chiamaka-eze", "Chiamaka Eze", "in-training", date(2026, 9, 14), ("one-to-one",),
          employment="volunteer",
          notes="On the autumn 2026 core training course.",
          statement="I am training as a peer mentor because I know how much it helps to talk to "
                    "someone who has been there. I am working through the core course and my "
                    "mandatory training this autumn.",
          goals=[("Complete core training and the accreditation module",
                  "listening-communication", "in-progress")]),
        P("owen-llewellyn", "Owen Llewellyn", "applicant", date(2026, 11, 2),
          notes="Application received; assessment conversation booked."),
    ]


FIRST_NAMES = (
    "Aisha Amir Anna Aaron Abena Adam Adaeze Ahmed Alex Alicia Ana Andrzej Ayo Beatriz Ben "
    "Bilal Blessing Callum Carmen Catherine Chen Chloe Chinedu Ciaran Dami Dean Deborah Dev "
    "Efua Elena Eleni Emeka Emma Esther Fatima Femi Finn Folake Gareth Hana Hassan Imran "
    "Isaac Isla Jade Jakub James Jasmine Javier Joanna Jonah Joseph Kai Kamala Karen Kemi "
    "Kofi Lamar Laura Leon Lina Luca Maya Mei Mercy Michael Mohammed Nadia Naomi Niamh Nikhil "
    "Nkechi Noah Olu Oscar Patience Paul Precious Rachel Rhys Rohan Rosa Ruth Sade Samuel "
    "Sana Sean Shanice Simone Sofia Stefan Tariq Temi Thandiwe Theo Tunde Victor Wei Yusuf Zainab"
).split()
LAST_NAMES = (
    "Adebayo Afolabi Ahmed Ali Anderson Appiah Baker Banda Bennett Bhatt Boateng Brennan "
    "Brown Byrne Chen Chowdhury Clarke Cooper Costa Daley Davies Dlamini Edwards Evans "
    "Fernandes Fitzgerald Ford Gallagher Ghosh Green Griffiths Hall Hamid Harris Hughes "
    "Ibrahim Iqbal Jackson James Jones Kamara Kaur Kelly Khan Kowalczyk Lewis Lopez Lynch "
    "Mahmood Malik Martin Mensah Mitchell Moore Morgan Murphy Mwangi Nguyen Novak Nowak "
    "Obi Okonkwo Oliveira Osei Owusu Parker Patel Phillips Price Rahman Reid Roberts "
    "Robinson Rossi Santos Shah Silva Singh Smith Sullivan Taylor Thomas Thompson Turner "
    "Walker Walsh Ward Watson White Williams Wilson Wood Wright Yeboah Young Zhang"
).split()

SUPPORTER_NOTES = (
    "Prefers daytime sessions.",
    "Available evenings and some weekends.",
    "Speaks two community languages; often matched with newly arrived mentees.",
    "Interested in moving into a paid peer role.",
    "Keen on group work and peer-led learning.",
    "Works part time; limited to two mentees at once.",
)

GOALS: list[tuple[str, str | None]] = [
    ("Co-facilitate the drop-in group", "group-facilitation"),
    ("Complete an advanced HIV treatments course", "hiv-treatments"),
    ("Build confidence with telephone support", "listening-communication"),
    ("Learn more about benefits and housing signposting", "signposting"),
    ("Support mentees to set SMART goals in the first session", "smart-goals"),
    ("Handle endings well with longer-term mentees", "starting-ending"),
    ("Improve record keeping after community meetings", "monitoring-records"),
    ("Understand chemsex and drug-related harm", "drugs-alcohol"),
    ("Refresh safeguarding knowledge and escalation routes", "safeguarding"),
    ("Build cross-cultural communication skills", "cross-cultural-communication"),
    ("Represent mentees' views at the clinic patient forum", "advocacy"),
    ("Apply for a paid peer support worker post", None),
]


def bench_people(rng: random.Random, count: int, history_start: date) -> list[Person]:
    """Random supporters joining and leaving over the benchmark's history."""
    people: list[Person] = []
    used: set[str] = set()
    history_days = (AS_OF - history_start).days
    role_sets = [("one-to-one",), ("one-to-one", "group"), ("one-to-one", "telephone"),
                 ("telephone", "online"), ("one-to-one", "online", "group"),
                 ("one-to-one", "telephone", "group")]
    for _ in range(count):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        base = slugify(name)
        pid, n = base, 2
        while pid in used:
            pid, n = f"{base}-{n}", n + 1
        used.add(pid)
        if rng.random() < 0.3:
            joined = history_start - timedelta(days=rng.randint(60, 1500))
        else:
            joined = history_start + timedelta(days=rng.randint(0, history_days - 1))
        tenure = max(200, int(rng.expovariate(1 / (365 * 5))))
        left = joined + timedelta(days=tenure)
        if left < history_start + timedelta(days=120):
            left = history_start + timedelta(days=rng.randint(120, 400))
        status, pause_from = "active", None
        since = (AS_OF - joined).days
        if left < AS_OF - timedelta(days=7):
            status = "left"
        else:
            left = None
            if since < 40:
                status = "applicant"
            elif since < 150:
                status = "in-training"
            elif rng.random() < 0.06:
                status, pause_from = "paused", AS_OF - timedelta(days=rng.randint(30, 150))
        roles = rng.choice(role_sets)
        states = ("in-progress", "planned") if status == "in-training" else (
            "achieved", "in-progress", "planned")
        goals = [] if status == "applicant" else [
            (g, c, rng.choice(states)) for g, c in rng.sample(GOALS, 2)]
        people.append(Person(
            pid, name, status, joined, roles, left=left, pause_from=pause_from,
            interval_days=28 if rng.random() < 0.15 else None,
            supervisor=rng.choice((SUPERVISORS["coordinator"], SUPERVISORS["senior-peer"])),
            level=rng.choice((2, 2, 3)), streams=rng.choice((1, 1, 2)),
            notes=rng.choice(SUPPORTER_NOTES), goals=goals))
    people.sort(key=lambda p: (p.joined, p.id))
    return people


def supporter_record(person: Person, rng: random.Random) -> dict[str, Any]:
    """The supporters/<id>.yaml record for ``person``."""
    rec: dict[str, Any] = {"id": person.id, "name": person.name, "status": person.status,
                           "joined": person.joined}
    if person.left:
        rec["left"] = person.left
    if person.roles:
        rec["roles"] = list(person.roles)
    if person.employment:
        rec["employment"] = person.employment
    if person.induction:
        training: dict[str, Any] = {"induction_completed": person.induction}
        if person.core:
            training["core_completed"] = person.core
        if person.awarded:
            training["accreditation"] = {"body": "OCN London", "title": "Peer Mentoring",
                                         "level": person.level, "awarded": person.awarded}
        rec["training"] = training
    if person.agreement:
        sup: dict[str, Any] = {}
        if person.interval_days:
            sup["interval_days"] = person.interval_days
        sup["supervisor"] = person.supervisor
        if person.arrangements:
            sup["arrangements"] = [{"type": kind, "supervisor": who, "interval_days": every}
                                   for kind, every, who in person.arrangements]
        if not person.no_agreement:
            agreement: dict[str, Any] = {"signed": person.agreement}
            reviews = agreement_reviews(person, random.Random(f"{person.id}:{person.agreement}:reviews"))
            if reviews:
                agreement["reviewed"] = reviews
            sup["agreement"] = agreement
        rec["supervision"] = sup
    plan = development_plan(person, rng)
    if plan:
        rec["development_plan"] = plan
    assessed = competencies_assessed(person, rng)
    if assessed:
        rec["competencies_assessed"] = assessed
    if person.notes:
        rec["notes"] = markdown(*person.notes.split("\n\n"))
    if person.statement:
        rec["statement"] = markdown(*person.statement.split("\n\n"))
    return rec


def agreement_reviews(person: Person, rng: random.Random) -> list[date]:
    """Yearly reviews of the supervision agreement, a few weeks either side of each anniversary.

    With ``last_review`` (a scenario), the reviews stop at that date, so the next is overdue.
    """
    reviews, year = [], 1
    while True:
        day = add_months(person.agreement, 12 * year) + timedelta(days=rng.randint(-25, 5))
        day = weekday_within(day, person.agreement + DAY, person.record_end)
        if day > person.record_end:
            break
        reviews.append(day)
        year += 1
    if person.last_review:
        return [d for d in reviews if d < person.last_review - timedelta(days=200)] + [person.last_review]
    last = reviews[-1] if reviews else person.agreement
    if add_months(last, 12) < person.record_end:  # reviewed early, due again before today: review it now
        reviews.append(weekday_within(person.record_end - timedelta(days=rng.randint(1, 10)), last + DAY,
                                      person.record_end))
    return reviews


def development_plan(person: Person, rng: random.Random) -> list[dict[str, Any]]:
    """Goals; closed goals carry a past target date, open ones a target ahead (plans look forward)."""
    start = person.agreement or person.induction or person.joined
    plan = []
    for goal, competency, status in person.goals:
        item: dict[str, Any] = {"goal": goal}
        if competency:
            item["competency"] = competency
        if status in ("achieved", "dropped"):
            span = max(1, (person.record_end - start).days)
            item["target"] = start + timedelta(days=rng.randint(span // 3, span))
        elif person.status != "left":
            item["target"] = person.record_end + timedelta(days=rng.randint(30, 270))
        item["status"] = status
        plan.append(item)
    return plan


def competencies_assessed(person: Person, rng: random.Random) -> dict[str, date]:
    """Core competencies assessed at the end of core training, plus later ones by role."""
    if not person.core:
        return {}
    assessed = {cid: person.core for cid in CORE_COMPETENCIES}
    extra = ["signposting"] + (["group-facilitation"] if "group" in person.roles else [])
    if rng.random() < 0.4:
        extra.append(rng.choice(("safer-sex", "advocacy", "drugs-alcohol")))
    for cid in extra:
        day = person.core + timedelta(days=rng.randint(90, 500))
        if day <= person.record_end:
            assessed[cid] = day
    return assessed


# --------------------------------------------------------------------------------------
# Corpus: records in memory, file names, writing
# --------------------------------------------------------------------------------------


@dataclass
class Item:
    """One record waiting to be written, with what the flaw-injection step needs."""

    kind: str
    day: date
    slug: str
    data: dict[str, Any]
    owner: str = ""
    extra: str = ""


class Corpus:
    """Collects records, assigns unique file names and writes everything out."""

    def __init__(self) -> None:
        self.programme: dict[str, Any] = {}
        self.supporters: list[dict[str, Any]] = []
        self.venues: list[dict[str, Any]] = []
        self.groups: list[dict[str, Any]] = []
        self.items: list[Item] = []
        self.evidence: dict[str, bytes] = {}

    def add(self, kind: str, day: date, slug: str, data: dict[str, Any],
            owner: str = "", extra: str = "") -> Item:
        """Queue a meeting, supervision, cpd or match record."""
        item = Item(kind, day, slug, data, owner, extra)
        self.items.append(item)
        return item

    def paths(self) -> list[tuple[str, Item]]:
        """Relative path for every queued record; ``-2``, ``-3`` on same-day clashes."""
        used: set[str] = set()
        out = []
        for item in sorted(self.items, key=lambda i: (i.kind, i.owner if i.kind == "cpd" else "",
                                                      i.day, i.slug)):
            folder = f"cpd/{item.owner}" if item.kind == "cpd" else f"{item.kind}/{item.day.year}"
            # matches are named by their id alone (matches/<referral year>/<id>.yaml)
            stem = f"{folder}/{item.slug}" if item.kind == "matches" else f"{folder}/{item.day.isoformat()}-{item.slug}"
            path, n = f"{stem}.yaml", 2
            while path in used:
                path, n = f"{stem}-{n}.yaml", n + 1
            used.add(path)
            out.append((path, item))
        return out

    def count(self) -> dict[str, int]:
        """Number of files per kind."""
        counts = {"programme": 1, "supporters": len(self.supporters)}
        if self.venues or self.groups:
            counts.update(venues=len(self.venues), groups=len(self.groups))
        for item in self.items:
            counts[item.kind] = counts.get(item.kind, 0) + 1
        counts["evidence"] = len(self.evidence)
        return counts

    def write(self, root: str) -> int:
        """Write every file under ``root``; return the number written."""
        made: set[str] = set()

        def put(rel: str, payload: bytes) -> None:
            full = os.path.join(root, rel)
            folder = os.path.dirname(full)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            with open(full, "wb") as fh:
                fh.write(payload)

        put("programme.yaml", dump_yaml(self.programme, "programme").encode())
        for rec in self.supporters:
            put(f"supporters/{rec['id']}.yaml", dump_yaml(rec, "supporter").encode())
        for folder, kind, flat in (("venues", "venue", self.venues), ("groups", "group", self.groups)):
            for rec in flat:
                put(f"{folder}/{rec['id']}.yaml", dump_yaml(rec, kind).encode())
        written = 1 + len(self.supporters) + len(self.venues) + len(self.groups)
        for rel, item in self.paths():
            put(rel, dump_yaml(item.data, SCHEMA_OF_FOLDER[item.kind]).encode())
            written += 1
        for rel in sorted(self.evidence):
            put(rel, self.evidence[rel])
            written += 1
        return written


def programme_record(name: str) -> dict[str, Any]:
    """records/programme.yaml."""
    return {
        "name": name,
        "organisation": ORGANISATION,
        "supervision": {"default_interval_days": 42, "copy_within_days": 14, "peer_every_days": 91},
        "cpd": {"target_hours_per_year": 30},
        "debrief_within_days": 2,
        "coordinator_one_to_one": {"interval_days": 61, "in_training_days": 28},
        "relationships": {"quiet_after_days": 42, "waiting_alert_days": 28},
        "mandatory_training": [mandatory_record(*m) for m in MANDATORY_TRAINING],
        "competencies": [{"id": cid, "title": title, "group": group}
                         for cid, title, group in COMPETENCIES],
    }


def mandatory_record(mid: str, title: str, months: int | None, desc: str, roles: tuple[str, ...],
                     statutory: bool) -> dict[str, Any]:
    """One programme.yaml mandatory_training entry."""
    rec: dict[str, Any] = {"id": mid, "title": title, "renew_every_months": months, "description": desc}
    if roles:
        rec["applies_to_roles"] = list(roles)
    rec["statutory"] = statutory
    return rec


# --------------------------------------------------------------------------------------
# Actions (shared by meetings and supervision)
# --------------------------------------------------------------------------------------


def make_action(rng: random.Random, text: str, created: date, end: date) -> dict[str, Any]:
    """An action agreed on ``created``; past-due actions are always done by ``end``.

    ``end`` is the last day anything may be dated (as-of date or the supporter's leaving).
    Actions whose due date falls after ``end`` stay open (a due date may be ahead; a done date may not).
    """
    due = created + timedelta(days=rng.randint(7, 42))
    action: dict[str, Any] = {"action": text, "due": due}
    if due > end:
        action["done"] = False
        return action
    if rng.random() < 0.3:
        action["done"] = True
    else:
        action["done"] = clamp(created + timedelta(days=rng.randint(2, (due - created).days + 7)),
                               created + DAY, end)
    return action


# --------------------------------------------------------------------------------------
# Meetings
# --------------------------------------------------------------------------------------

ONE_TO_ONE_TOPICS = (
    "Newly diagnosed", "Starting treatment", "Adherence and side effects",
    "Telling a partner", "Telling family", "Stigma at work", "Isolation and loneliness",
    "Benefits and housing", "Dating and relationships", "Clinic appointments", "U=U",
    "Ageing with HIV", "Low mood", "Pregnancy planning", "Alcohol and drug use",
    "Immigration worries", "Sleep and fatigue", "Getting back to work",
)
SIGNPOSTS = (
    "the clinic health adviser", "a local welfare rights service", "the drop-in group",
    "the women's group", "an online peer forum", "the counselling service",
    "a housing advice line", "the clinic dietitian", "a local food bank",
)
MENTEE_ACTIONS = (
    "register with a GP", "book the next clinic appointment", "try the pill reminder app",
    "write down questions for the consultant", "call the benefits helpline",
    "try one social activity this week", "keep a sleep diary", "look at the group leaflet",
    "talk to the clinic about side effects", "check the housing application",
)
FEELINGS = (
    "felt more hopeful than last time", "was tired but engaged", "was anxious about results",
    "said the last fortnight had been hard", "was pleased with progress",
    "wanted to talk mostly about family", "was quieter than usual",
)
DEBRIEF_NOTES = (
    "No concerns.", "Went well.", "Session felt positive; no follow-up needed.",
    "Talked through a difficult disclosure; supporter felt OK afterwards.",
    "Mentee raised money worries; signposting agreed.",
    "Checked boundaries around contact between sessions.",
    "Supporter a little drained; reminded about the wellbeing plan.",
)
GROUP_DEBRIEF_NOTES = (
    "Facilitators debriefed together first; no concerns.",
    "One member seemed low; facilitators will check in at the next group.",
    "Ran over time; agreed to keep the opening round shorter.",
    "Good session; the new member settled in well.",
)
GROUP_TOPICS = (
    "Living well with HIV", "U=U and disclosure", "Talking to your GP", "Ageing with HIV",
    "Managing stress", "Money worries", "Stigma at work", "Sleep and fatigue",
    "PrEP and partners", "Side effects", "Mental health and wellbeing", "Dating",
    "Food and nutrition", "Self-care planning", "Telling family", "Travel and medication",
)
GROUP_ACTIONS = (
    "Print updated signposting leaflets", "Check room booking for next quarter",
    "Bring the wellbeing wheel handout", "Ask the clinic pharmacist to visit",
    "Refresh the welcome pack", "Order refreshments for the summer session",
)
COORDINATOR_ACTIONS = (
    "Book onto the next group facilitation workshop", "Update availability for referrals",
    "Send the lone working contact card", "Share the new signposting list",
    "Arrange a three-way meeting with the clinic team", "Look at the CPD log together next time",
)
COORDINATOR_TOPICS = (
    "caseload and matching", "boundaries when meeting mentees socially at clinic",
    "availability over the holidays", "expenses and travel", "interest in group work",
    "how debriefs are working", "keeping notes free of identifying details",
    "the caseload and how each match is going", "CPD plans for the coming months",
)
LETTERS = "ABCDEFGHJKLMNPRSTWY"
BLOCKED_INITIALS = frozenset({"NO", "ON", "OK", "OFF", "YES", "NA", "NAN", "NUL", "SEX", "HIV"})


class MenteePool:
    """Hands out mentee identifiers: initials (e.g. ``DK``) or codes (``M-0107``)."""

    def __init__(self, rng: random.Random, code_share: float,
                 avoid: Iterable[str] = ()) -> None:
        self.rng = rng
        self.code_share = code_share
        self.next_code = 1
        self.blocked = BLOCKED_INITIALS | frozenset(avoid)

    def code(self) -> str:
        """A fresh mentee code (``M-0107``)."""
        code = f"M-{self.next_code:04d}"
        self.next_code += 1
        return code

    def new(self) -> str:
        """A fresh mentee identifier."""
        if self.rng.random() < self.code_share:
            code = f"M-{self.next_code:04d}"
            self.next_code += 1
            return code
        while True:
            size = 3 if self.rng.random() < 0.15 else 2
            initials = "".join(self.rng.choice(LETTERS) for _ in range(size))
            if initials not in self.blocked:
                return initials


def settings_for(roles: Sequence[str]) -> list[str]:
    """Meeting settings a supporter with ``roles`` offers."""
    settings = []
    if "one-to-one" in roles:
        settings += ["in-house", "community"]
    if "telephone" in roles:
        settings.append("telephone")
    if "online" in roles:
        settings.append("online")
    return settings or ["in-house"]


def clock(minutes: int) -> Quoted:
    """``HH:MM`` for minutes after midnight, quoted."""
    minutes = min(minutes, 23 * 60 + 59)
    return Quoted(f"{minutes // 60:02d}:{minutes % 60:02d}")


def lone_working(rng: random.Random, duration: int) -> dict[str, Any]:
    """Check-in at the start and check-out shortly after the end of a community meeting."""
    start = rng.randrange(9 * 60 + 30, 17 * 60 + 31, 15)
    return {"checked_in": clock(start),
            "checked_out": clock(start + duration + rng.randint(3, 20)),
            "with": rng.choice(("coordinator", "duty worker"))}


def debrief(rng: random.Random, day: date, setting: str, end: date,
            with_notes: float = 0.4, notes: Sequence[str] = DEBRIEF_NOTES) -> dict[str, Any]:
    """A debrief 0-2 days after a session, never after ``end``."""
    lag = rng.choices((0, 1, 2), (55, 30, 15))[0]
    when = min(day + timedelta(days=lag), end)
    if setting == "in-house":
        method = "in-person" if lag == 0 else rng.choice(("phone", "email"))
    elif setting == "community":
        method = rng.choice(("phone", "phone", "email"))
    else:
        method = rng.choice(("phone", "email"))
    out: dict[str, Any] = {"date": when, "method": method}
    if rng.random() < with_notes:
        out["notes"] = rng.choice(notes)
    return out


def one_to_one_notes(rng: random.Random, who: str, topic: str, position: str) -> Markdown:
    """Notes for a mentoring session, referring to the mentee by initials only.

    What the match record holds (sessions offered, goals, the ending, next steps and
    signposting) is not repeated here.
    """
    subject = who if who != "The mentee" else "the mentee"
    topic_l = lower_first(topic)
    if position == "first":
        return markdown(
            f"First meeting. Explained confidentiality, boundaries and how sessions work. "
            f"{who} would like support with {topic_l}.",
            "Set a first goal together.")
    if position == "last":
        return markdown(
            f"Final session. Looked back at the goals set at the start and what has changed "
            f"for {subject}.",
            "Ended on a positive note.")
    goal = rng.choice(MENTEE_ACTIONS)
    done = rng.choice(("done", "partly done", "not yet, still planned"))
    return markdown(
        f"Reviewed last session's goal ({goal}): {done}. Talked about {topic_l}; "
        f"{subject} {rng.choice(FEELINGS)}.",
        "Shared some of my own experience where it helped. Agreed a small next step.")


MENTEE_GOALS = (
    "Go to every clinic appointment for the next three months",
    "Take treatment at the same time every day",
    "Tell one trusted person about the diagnosis",
    "Try the drop-in group once",
    "Register with a GP",
    "Sort out the housing application",
    "Get back into one social activity",
    "Feel able to ask questions at clinic",
    "Find out about benefits and apply",
    "Sleep better and keep a sleep diary",
)
NEXT_STEPS = (
    "Keep going to clinic every three months and use the pill reminder app.",
    "Carry on with the drop-in group once a month; call the project if things get hard.",
    "Follow up the housing application with the advice line in the new year.",
    "Keep the wellbeing plan on the fridge and look back at it each month.",
    "Book the next clinic appointment before the summer; think about volunteering later.",
)
#: Endings after which the mentee's plan is recorded too (completed must have one).
WITH_NEXT_STEPS = ("completed", "moved-to-group", "supporter-left")
#: Bench only: how relationships end (completed, or cut short for a reason).
ENDING_ODDS = (("completed", 72), ("stopped-engaging", 9), ("moved-to-group", 7), ("breakdown", 4),
               ("friendship", 3), ("other", 5))
#: Demo: an active match whose last session is older than this is ended as stopped-engaging
#: (the programme checks in after 42 days); the one quiet match is a scripted scenario.
DEMO_QUIET_DAYS = 35


@dataclass
class Relationship:
    """A mentee matched with a supporter: the sessions held and how it stands on the as-of date."""

    person: Person
    mentee: str
    planned: int  # sessions offered
    days: list[date]  # sessions held
    outcome: str  # "active", or the ending reason
    ended: date | None = None
    meetings: list[dict[str, Any]] = field(default_factory=list)
    referred: date | None = None
    matched: date | None = None
    rematched_from: "Relationship | None" = None
    note: str = ""
    match_id: str = ""


def relationship(rng: random.Random, person: Person, days: list[date], mentee: str, planned: int,
                 outcome: str, corpus: Corpus, ended: date | None = None) -> Relationship:
    """Write the meetings of one relationship; a completed one ends with a final session."""
    who = mentee if not mentee.startswith("M-") else "The mentee"
    topics = rng.sample(ONE_TO_ONE_TOPICS, 3)
    settings = settings_for(person.roles)
    home = rng.choice(settings)
    rel = Relationship(person, mentee, planned, list(days), outcome)
    for n, day in enumerate(days):
        setting = home if rng.random() < 0.8 else rng.choice(settings)
        final = outcome == "completed" and n == len(days) - 1
        position = "first" if n == 0 else ("last" if final else "middle")
        topic = "Ending and next steps" if position == "last" else topics[n % 3]
        duration = (rng.choice((30, 40, 45, 60)) if setting in ("telephone", "online")
                    else rng.choice((45, 60, 60, 75, 90)))
        rec: dict[str, Any] = {"date": day, "kind": "one-to-one", "supporter": person.id,
                               "mentee": Quoted(mentee), "match": "", "setting": setting,
                               "duration_minutes": duration, "topic": topic}
        if setting == "community":
            rec["lone_working"] = lone_working(rng, duration)
        rec["debrief"] = debrief(rng, day, setting, person.active_to)
        if rng.random() < 0.35 and position != "last":
            who_acts = mentee if who != "The mentee" else "Mentee"
            text = f"{who_acts} to {rng.choice(MENTEE_ACTIONS)}"
            rec["actions"] = [make_action(rng, text, day, person.active_to)]
        rec["notes"] = one_to_one_notes(rng, who, topic, position)
        corpus.add("meetings", day, f"one-to-one-{person.id}", rec, owner=person.id, extra=setting)
        rel.meetings.append(rec)
    rel.referred = days[0] - timedelta(days=rng.randint(8, 35))
    rel.matched = max(rel.referred, days[0] - timedelta(days=rng.randint(1, 7)))
    if outcome != "active":
        rel.ended = ended or min(days[-1] + timedelta(days=rng.randint(0, 5)), AS_OF)
    return rel


def _ending_for(rng: random.Random, block: list[date], size: int, person: Person, last_block: bool,
                random_endings: bool, forced: list[str]) -> tuple[str, int, date | None]:
    """(outcome, sessions held, ended date or None for the usual) of one block of session dates."""
    if forced and len(block) >= 3:  # cut short for a given reason, ending within the last year
        ends = [k for k in range(2, len(block)) if block[k - 1] >= AS_OF - timedelta(days=330)]
        if ends:
            return forced.pop(0), rng.choice(ends), None
    if last_block and (person.left or person.pause_from):  # their last mentee's match ends with them
        return "supporter-left", len(block), person.left or person.pause_from
    if last_block and len(block) < size:  # the stream ran out: still going, or gone quiet and ended
        if block[-1] >= AS_OF - timedelta(days=DEMO_QUIET_DAYS) or random_endings:
            return "active", len(block), None
        return "stopped-engaging", len(block), min(block[-1] + timedelta(days=42), AS_OF - DAY)
    if random_endings:
        reason = rng.choices([r for r, _ in ENDING_ODDS], [w for _, w in ENDING_ODDS])[0]
        if reason != "completed" and len(block) >= 3:
            return reason, rng.randint(2, len(block) - 1), None
    return "completed", len(block), None


def one_to_one_series(rng: random.Random, person: Person, days: list[date],
                      mentees: MenteePool, corpus: Corpus, random_endings: bool = True,
                      forced: Sequence[str] = ()) -> list[Relationship]:
    """Turn a supporter's session dates into mentoring relationships of 4-10 sessions offered.

    With ``random_endings`` some end early for a reason (``ENDING_ODDS``); ``forced``
    reasons end the first long enough blocks in the last year early, one each. A stream's
    last, unfinished block is an active match (or ends when the supporter left or paused).
    """
    streams = [days[i::person.streams] for i in range(person.streams)]
    wanted = list(forced)
    made = []
    for stream in streams:
        i = 0
        while i < len(stream):
            size = rng.randint(4, 10)
            block = stream[i:i + size]
            outcome, held, ended = _ending_for(rng, block, size, person, i + size >= len(stream),
                                               random_endings, wanted)
            i += held
            made.append(relationship(rng, person, block[:held], mentees.new(), size, outcome, corpus, ended))
    return made


def match_record(rng: random.Random, rel: Relationship) -> dict[str, Any]:
    """matches/<YYYY>/<id>.yaml for a relationship."""
    rec: dict[str, Any] = {"id": rel.match_id, "mentee": Quoted(rel.mentee), "supporter": rel.person.id,
                           "referred": rel.referred, "matched": rel.matched,
                           "sessions_offered": rel.planned,
                           "status": "active" if rel.outcome == "active" else "ended"}
    goals = []
    for n, goal in enumerate(rng.sample(MENTEE_GOALS, rng.choice((1, 2, 2, 3)))):
        item: dict[str, Any] = {"goal": goal, "set": rel.days[min(n, len(rel.days) - 1)]}
        reviews = rel.days[min(n, len(rel.days) - 1) + 2::3]
        if reviews:
            item["reviewed"] = reviews
        if rel.outcome == "completed":
            item["status"] = "achieved" if rng.random() < 0.8 else "in-progress"
        elif rel.outcome == "active":
            item["status"] = rng.choice(("planned", "in-progress", "in-progress"))
        else:
            item["status"] = rng.choice(("achieved", "in-progress", "dropped"))
        goals.append(item)
    rec["goals"] = goals
    if rel.ended:
        rec["ended"] = rel.ended
        ending: dict[str, Any] = {"reason": rel.outcome}
        if rel.outcome == "moved-to-group":
            ending["next_steps"] = markdown("Joining the fortnightly drop-in group; will ask for "
                                            "one-to-one support again if needed.")
            ending["signposted_to"] = ["the drop-in group"]
        elif rel.outcome in WITH_NEXT_STEPS:
            ending["next_steps"] = markdown(rng.choice(NEXT_STEPS))
            ending["signposted_to"] = sorted(rng.sample(SIGNPOSTS, rng.choice((1, 1, 2))))
        rec["ending"] = ending
    if rel.rematched_from:
        rec["rematched_from"] = rel.rematched_from.match_id
    if rel.note:
        rec["notes"] = markdown(rel.note)
    return rec


def add_matches(rng: random.Random, relationships: list[Relationship],
                waiting: Sequence[tuple[str, date]], corpus: Corpus) -> None:
    """Number the matches YYYY-NNN by referral, write them, and name them on their meetings."""
    entries: list[tuple[date, str, str, Relationship | None]] = [
        (rel.referred, rel.person.id, rel.mentee, rel) for rel in relationships]
    entries += [(referred, "", mentee, None) for mentee, referred in waiting]
    numbers: dict[int, int] = {}
    for referred, _, mentee, rel in sorted(entries, key=lambda e: e[:3]):
        numbers[referred.year] = numbers.get(referred.year, 0) + 1
        match_id = f"{referred.year}-{numbers[referred.year]:03d}"
        if rel is None:
            corpus.add("matches", referred, match_id, {"id": match_id, "mentee": Quoted(mentee),
                                                       "referred": referred, "status": "waiting"})
            continue
        rel.match_id = match_id
        for meeting in rel.meetings:
            meeting["match"] = match_id
    for rel in sorted(relationships, key=lambda r: r.match_id):
        corpus.add("matches", rel.referred, rel.match_id, match_record(rng, rel), owner=rel.person.id)


def group_meetings(rng: random.Random, people: list[Person], corpus: Corpus,
                   series: list[tuple[str, str, int, date, date, list[str]]]) -> None:
    """Group sessions: (slug, name, every_days, first, last, facilitator pool) per series.

    Facilitators are two pool members active on the day (least-used first); the debrief
    is with the coordinator. Ground rules are revisited at every group.
    """
    by_id = {p.id: p for p in people}
    for slug, name, every, first, last, pool in series:
        uses = {pid: 0 for pid in pool}
        day = first
        while day <= last:
            free = [pid for pid in pool if by_id[pid].active_on(day)
                    and by_id[pid].active_to >= day + timedelta(days=2)]
            if len(free) >= 2 and is_working_day(day):
                rng.shuffle(free)
                free.sort(key=lambda pid: uses[pid])
                pair = sorted(free[:2])
                for pid in pair:
                    uses[pid] += 1
                end = min(by_id[p].active_to for p in pair)
                corpus.add("meetings", day, f"group-{slug}",
                           group_record(rng, day, pair, name, end))
            day += timedelta(days=every)


def group_record(rng: random.Random, day: date, facilitators: list[str], name: str,
                 end: date) -> dict[str, Any]:
    """One group session."""
    topic = rng.choice(GROUP_TOPICS)
    attendance = rng.randint(4, 14)
    setting = "in-house" if rng.random() < 0.85 else "community"
    duration = rng.choice((90, 105, 120))
    rec: dict[str, Any] = {"date": day, "kind": "group", "facilitators": facilitators,
                           "setting": setting, "duration_minutes": duration, "topic": topic}
    if setting == "community":
        rec["lone_working"] = lone_working(rng, duration)
    rec["debrief"] = debrief(rng, day, setting, end, with_notes=0.5, notes=GROUP_DEBRIEF_NOTES)
    rec["attendance"] = attendance
    rec["ground_rules_revisited"] = True
    if rng.random() < 0.25:
        rec["actions"] = [make_action(rng, rng.choice(GROUP_ACTIONS), day, end)]
    new = rng.choice(("no new members", "one new member", "two new members"))
    rec["notes"] = markdown(
        f"{name}. Revisited the ground rules and the confidentiality agreement at the start; "
        f"{new}.",
        [f"guided discussion: {lower_first(topic)}",
         rng.choice(("open discussion over tea", "short relaxation exercise to close",
                     "members shared tips with each other", "quiz on treatment myths"))],
        rng.choice(("Good energy in the room.", "A quieter session; everyone contributed.",
                    "Next time: more time for the open part.",
                    "One member asked about one-to-one support; referral made.")))
    return rec


def training_contacts(rng: random.Random, person: Person, corpus: Corpus) -> None:
    """One-to-one time with the coordinator during core training, about monthly (feedback on progress)."""
    day = weekday_within(person.joined + timedelta(days=rng.randint(8, 14)), person.joined, AS_OF)
    while day <= AS_OF:
        rec: dict[str, Any] = {"date": day, "kind": "coordinator-one-to-one", "supporter": person.id,
                               "setting": "in-house", "duration_minutes": rng.choice((30, 45)),
                               "notes": markdown(
                                   "One-to-one during core training: feedback on progress so far, and time "
                                   "for questions and anything the training has brought up.",
                                   rng.choice(("Settling in well; enjoying the group exercises.",
                                               "Some sessions have stirred up memories; talked about "
                                               "support outside the course."))),
                               }
        corpus.add("meetings", day, f"coordinator-{person.id}", rec, owner=person.id)
        day = weekday_within(day + timedelta(days=rng.randint(30, 38)), day + DAY, AS_OF + timedelta(days=60))


def coordinator_meetings(rng: random.Random, person: Person, days: list[date],
                         corpus: Corpus) -> None:
    """Bi-monthly one-to-ones between the coordinator and a supporter."""
    for day in days:
        a, b = rng.sample(COORDINATOR_TOPICS, 2)
        rec: dict[str, Any] = {"date": day, "kind": "coordinator-one-to-one",
                               "supporter": person.id, "setting": "in-house",
                               "duration_minutes": rng.choice((45, 50, 60))}
        if rng.random() < 0.4:
            rec["actions"] = [make_action(rng, rng.choice(COORDINATOR_ACTIONS), day,
                                          person.active_to)]
        rec["notes"] = markdown(
            f"Bi-monthly one-to-one. Talked about {a}, and about {b}.",
            rng.choice(("Wellbeing good; no concerns raised.",
                        "Feeling stretched; agreed to pause new referrals for a month.",
                        "Enjoying the role. Copy of these notes given.",
                        "Followed up outcomes from recent debriefs.")))
        corpus.add("meetings", day, f"coordinator-{person.id}", rec, owner=person.id)


# --------------------------------------------------------------------------------------
# Supervision
# --------------------------------------------------------------------------------------

FOCUS_NOTES = {
    "reflection": (
        "Reflected on a session where a mentee disclosed a recent diagnosis to family; "
        "explored what went well and what might be done differently.",
        "Talked through a relationship that ended sooner than planned, and how not to take it personally.",
        "Reflected on sharing lived experience: when it helps and when it takes the focus away.",
        "Looked at a boundary question about meeting a mentee socially at clinic.",
        "Co-reflection on an ending that felt rushed, and how to plan endings earlier.",
    ),
    "restoration": (
        "Checked in on wellbeing after a demanding month; the wellbeing plan is still working.",
        "Some stories have been close to home recently; talked about resilience and rest.",
        "Feeling tired; agreed to take a break from new referrals for a few weeks.",
        "Discussed the emotional weight of a safeguarding referral and how it was handled.",
        "Good month. Energy is high and the role feels sustainable.",
    ),
    "development": (
        "Talked about interest in group facilitation and agreed to shadow first.",
        "Reviewed the development plan and the CPD log; hours are on track.",
        "Explored paid peer support worker roles and what experience would help.",
        "Identified a gap around drug and alcohol knowledge; looking for a course.",
        "Discussed leading a peer-led learning session for the team.",
    ),
}
SUPERVISION_ACTIONS = (
    "Shadow two drop-in sessions before co-facilitating",
    "Book onto the next safeguarding refresher",
    "Update the wellbeing plan and bring it to the next session",
    "Read the latest treatment guidance summary and bring questions",
    "Try the grounding exercise after difficult sessions",
    "Write a short reflection on the last ending",
    "Find one paid peer role advert to discuss",
    "Add recent learning to the CPD log",
)
FOCI = ("reflection", "restoration", "development")


def supervision_record(rng: random.Random, day: date, kind: str, supervisor: str,
                       end: date, supporter: str | None = None,
                       supporters: list[str] | None = None) -> dict[str, Any]:
    """One supervision note (individual when ``supporter``, group when ``supporters``)."""
    focus = [f for f in FOCI if rng.random() < 0.6] or [rng.choice(FOCI)]
    rec: dict[str, Any] = {"date": day, "type": kind}
    if supporters:
        rec["supporters"] = supporters
    else:
        rec["supporter"] = supporter
    rec["supervisor"] = supervisor
    rec["duration_minutes"] = {"group": rng.choice((90, 120)), "peer": rng.choice((60, 75, 90)),
                               "clinical": 60}.get(kind, rng.choice((45, 60)))
    rec["focus"] = focus
    rec["copy_given"] = min(day + timedelta(days=rng.choice((0, 0, 1, 2, 3, 7))), end)
    if kind == "managerial" and rng.random() < 0.15:
        rec["shared_with_supporter"] = False
    n_actions = rng.choices((0, 1, 2), (35, 45, 20))[0]
    if n_actions:
        rec["actions"] = [make_action(rng, text, day, end)
                          for text in rng.sample(SUPERVISION_ACTIONS, n_actions)]
    paragraphs = [f"**{f.capitalize()}.** {rng.choice(FOCUS_NOTES[f])}" for f in focus]
    if supporters:
        paragraphs.insert(0, f"Group reflective space, {len(supporters)} peer supporters. "
                             "Theme chosen by the group.")
    rec["notes"] = markdown(*paragraphs)
    return rec


def supervision_type(rng: random.Random) -> tuple[str, str]:
    """A random individual supervision type and its usual supervisor."""
    kind = rng.choices(("peer", "clinical", "managerial"), (40, 30, 30))[0]
    who = {"peer": SUPERVISORS["senior-peer"], "clinical": SUPERVISORS["clinical"],
           "managerial": SUPERVISORS["coordinator"]}[kind]
    return kind, who


def individual_supervision(rng: random.Random, person: Person, days: list[date],
                           corpus: Corpus, managerial_on: Sequence[date] = ()) -> None:
    """Queue individual supervision notes for ``person`` on ``days``.

    Sessions on a day in ``managerial_on`` are managerial (e.g. keeping in touch in a pause).
    """
    for day in days:
        kind, who = supervision_type(rng)
        if day in managerial_on:
            kind, who = "managerial", SUPERVISORS["coordinator"]
        rec = supervision_record(rng, day, kind, who, person.record_end, supporter=person.id)
        corpus.add("supervision", day, f"{kind}-{person.id}", rec, owner=person.id)


def arranged_supervision(rng: random.Random, person: Person, corpus: Corpus) -> None:
    """Sessions for each of ``person``'s arrangements by type: about every promised interval,
    now and then late (as promises are, in real life), the last one within the interval of today."""
    for kind, every, who in person.arrangements:
        lo = max(DEMO_START, person.agreement)
        day = weekday_within(lo + timedelta(days=rng.randint(0, every // 2)), lo, person.active_to)
        days = []
        while day <= person.active_to:
            days.append(day)
            stretch = rng.uniform(1.2, 1.5) if rng.random() < 0.15 else rng.uniform(0.75, 1.0)
            day = weekday_within(day + timedelta(days=round(every * stretch)), day + DAY, AS_OF + DAY * 60)
        for day in days:
            rec = supervision_record(rng, day, kind, who, person.record_end, supporter=person.id)
            corpus.add("supervision", day, f"{kind}-{person.id}", rec, owner=person.id)


def group_supervision(rng: random.Random, people: list[Person], first: date, last: date,
                      every: int, corpus: Corpus, exclude_after: dict[str, date]) -> int:
    """Quarterly-ish group reflective spaces for supporters active on the day."""
    made = 0
    day = first
    while day <= last:
        day = weekday_within(day, first, last)
        present = [p.id for p in people if p.active_on(day) and p.active_to >= day + DAY
                   and day <= exclude_after.get(p.id, AS_OF)]
        if len(present) >= 3:
            chosen = sorted(rng.sample(present, min(len(present), rng.randint(4, 8))))
            end = min(p.record_end for p in people if p.id in chosen)
            who = rng.choice((SUPERVISORS["senior-peer"], SUPERVISORS["clinical"]))
            rec = supervision_record(rng, day, "group", who, end, supporters=chosen)
            corpus.add("supervision", day, "group-supervision", rec)
            made += 1
        day += timedelta(days=every)
    return made


# --------------------------------------------------------------------------------------
# CPD
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Course:
    """A CPD activity in the catalogue."""

    title: str
    type: str
    provider: str
    hours: tuple[float, ...]
    competencies: tuple[str, ...]
    focus: str
    apply: str
    mandatory: str | None = None


MANDATORY_COURSES = {
    "safeguarding-adults": Course(
        "Safeguarding adults level 2", "e-learning", "NHS e-Learning for Healthcare", (2, 2.5, 3),
        ("safeguarding",), "the signs of abuse and self-neglect and the local escalation route",
        "check the safeguarding flowchart before my next community meeting",
        "safeguarding-adults"),
    "safeguarding-children": Course(
        "Safeguarding children level 2", "e-learning", "NHS e-Learning for Healthcare", (2, 3),
        ("safeguarding",),
        "what to do when a mentee is a parent and I have a concern about a child",
        "talk through an example in supervision", "safeguarding-children"),
    "confidentiality-gdpr": Course(
        "Data security awareness", "e-learning", "NHS e-Learning for Healthcare", (1, 1.5),
        ("confidentiality-boundaries", "monitoring-records"),
        "keeping notes free of identifying details and storing them safely",
        "re-read my last few session notes with this in mind", "confidentiality-gdpr"),
    "lone-working": Course(
        "Lone working and personal safety", "workshop", "Suzy Lamplugh Trust", (3, 3.5),
        ("safety",), "planning community meetings and using check-in and check-out properly",
        "do a quick risk check of the cafes I use", "lone-working"),
    "health-and-safety": Course(
        "Health and safety awareness", "e-learning", ORGANISATION, (1, 1.5),
        ("safety",), "fire procedures, first aid contacts and reporting incidents",
        "find out who the first aider is on group nights", "health-and-safety"),
    "equality-diversity": Course(
        "Equality, diversity and human rights", "e-learning", "NHS e-Learning for Healthcare",
        (1.5, 2), ("diversity", "cross-cultural-communication"),
        "the protected characteristics and how bias shows up in everyday conversations",
        "notice my own assumptions when I meet a new mentee", "equality-diversity"),
}

COURSES: list[Course] = [
    Course("HIV treatment training for advocates", "course", "HIV i-Base", (12, 14),
           ("hiv-treatments", "advocacy"), "how current treatments work and how to read results",
           "help mentees prepare questions for clinic"),
    Course("Long-acting injectable treatment update", "reading", "HIV i-Base", (1, 1.5),
           ("hiv-treatments",), "who can switch to injectables and what it involves",
           "answer questions about switching more confidently"),
    Course("Understanding U=U", "e-learning", "NAM aidsmap", (1, 2),
           ("hiv-treatments", "safer-sex"),
           "the evidence behind undetectable equals untransmittable",
           "explain U=U in plain language"),
    Course("Pregnancy, fertility and infant feeding with HIV", "reading", "NAM aidsmap", (1, 2),
           ("reproductive-health",), "current guidance on conception, pregnancy and feeding",
           "signpost to the specialist midwife"),
    Course("Stigma and how to challenge it", "reading", "NAM aidsmap", (1,),
           ("advocacy", "diversity"),
           "internalised stigma and how it affects engagement with care",
           "notice when a mentee is blaming themselves"),
    Course("Mental health awareness", "workshop", "Mind", (3, 6),
           ("wellbeing-self-management", "signposting"), "spotting low mood and anxiety early",
           "use the wellbeing check-in at the start of sessions"),
    Course("Supporting someone in crisis", "workshop", "Mind", (3,),
           ("safety", "signposting"), "staying calm and knowing the crisis lines",
           "keep the crisis numbers card with me"),
    Course("Psychological first aid", "mooc", "FutureLearn", (6, 8),
           ("wellbeing-self-management", "listening-communication"),
           "listening and linking people to practical help",
           "practise the look-listen-link steps"),
    Course("Sexual health: an introduction", "mooc", "FutureLearn", (8, 10),
           ("sexual-health", "safer-sex"),
           "testing, PrEP and talking about risk without judgement",
           "be more comfortable when mentees raise sex and relationships"),
    Course("Chemsex awareness", "workshop", "Terrence Higgins Trust", (3,),
           ("drugs-alcohol", "safer-sex"), "the drugs involved, harm reduction and where to refer",
           "ask about drug use without sounding judgemental"),
    Course("Living well with HIV self-management", "partner-training", "Positively UK", (6, 12),
           ("long-term-conditions", "wellbeing-self-management", "smart-goals"),
           "self-management tools and goal setting", "use the goal sheet in first sessions"),
    Course("Group facilitation skills", "workshop", "Positively UK", (5, 6),
           ("group-facilitation",), "managing conflict and quieter voices in a group",
           "try the round at the start of the next group"),
    Course("Welfare benefits basics", "partner-training", "Citizens Advice", (3, 4),
           ("signposting", "advocacy"),
           "how benefits work and when to refer for specialist advice",
           "refer earlier when money worries come up"),
    Course("BHIVA community day", "conference", "British HIV Association", (6, 7),
           ("hiv-treatments", "long-term-conditions"), "new research and community priorities",
           "share two key points at the next team meeting"),
    Course("HIV and ageing", "conference", "Terrence Higgins Trust", (5, 6),
           ("long-term-conditions",),
           "menopause, heart health and memory in older people with HIV",
           "bring the topic to the drop-in group"),
    Course("Talking about disclosure", "peer-led", "Peer-led learning session", (1.5, 2),
           ("listening-communication", "confidentiality-boundaries"),
           "how other supporters talk through disclosure decisions",
           "use the pros and cons exercise"),
    Course("Endings in peer support", "peer-led", "Peer-led learning session", (1.5,),
           ("starting-ending",), "planning endings from the first session",
           "mention the number of sessions at the start"),
    Course("SMART goals refresher", "peer-led", "Peer-led learning session", (1, 1.5),
           ("smart-goals",), "making goals small and measurable",
           "break goals into smaller steps"),
    Course("Shadowing the clinic health adviser", "shadowing", "Partner sexual health clinic",
           (3, 4), ("sexual-health", "signposting"),
           "what happens at a clinic visit from the patient side",
           "explain clinic visits to nervous mentees"),
    Course("Shadowing a senior peer mentor", "shadowing", ORGANISATION, (2, 3),
           ("listening-communication", "starting-ending"), "how a first session is opened",
           "slow down in first meetings"),
    Course("Cross-cultural communication in health settings", "e-learning",
           "NHS e-Learning for Healthcare", (1.5, 2),
           ("cross-cultural-communication", "diversity"),
           "how culture shapes the way people talk about illness",
           "check understanding more often"),
    Course("Trauma-informed practice", "e-learning", "NHS e-Learning for Healthcare", (2, 3),
           ("wellbeing-self-management", "safety"), "how trauma affects trust and engagement",
           "offer more choice about where we meet"),
    Course("Alcohol and drugs: brief advice", "e-learning", "NHS e-Learning for Healthcare",
           (1, 1.5),
           ("drugs-alcohol",), "brief conversations about drinking", "use the drinks diary idea"),
    Course("Record keeping for peer supporters", "other", ORGANISATION, (1, 2),
           ("monitoring-records", "confidentiality-boundaries"), "writing short, factual notes",
           "write notes straight after each session"),
    Course("Local services mapping", "other", ORGANISATION, (2,),
           ("signposting",), "which local services take self-referrals",
           "keep my signposting list up to date"),
]

REFLECTION_MIDDLE = (
    "The examples were close to situations I meet in one-to-ones, which made it easy to "
    "connect the theory to practice.",
    "I was reminded how much my own experience shapes the way I listen.",
    "Some of it I knew already, but it was good to check my knowledge is current.",
    "It made me more aware of the limits of my role and when to refer on.",
)
REFLECTION_MIDDLE_TOGETHER = (
    "Talking it through with other people in the room helped more than the slides.",
    "Hearing how others handle the same situations gave me some new ideas.",
)
LEARNING_TOGETHER = frozenset({"course", "workshop", "peer-led", "partner-training",
                               "conference", "shadowing"})


def reflection(rng: random.Random, course: Course) -> Markdown:
    """A short first-person reflection for a CPD entry."""
    opener = ("This refresher reminded me of" if course.mandatory
              else "This gave me a clearer picture of")
    middle = REFLECTION_MIDDLE + (REFLECTION_MIDDLE_TOGETHER if course.type in LEARNING_TOGETHER
                                  else ())
    return markdown(f"{opener} {course.focus}. {rng.choice(middle)} "
                    f"Next I want to {course.apply}.")


def cpd_record(rng: random.Random, person: Person, day: date, course: Course) -> dict[str, Any]:
    """One CPD entry (evidence is attached later)."""
    rec: dict[str, Any] = {"supporter": person.id, "date": day, "title": course.title,
                           "type": course.type, "provider": course.provider,
                           "hours": rng.choice(course.hours)}
    if course.mandatory:
        rec["mandatory"] = course.mandatory
    rec["competencies"] = list(course.competencies)
    rec["reflection"] = reflection(rng, course)
    return rec


def renewal_chain(rng: random.Random, first_lo: date, first_hi: date, months: int | None,
                  end: date) -> list[date]:
    """Completion dates: the first in ``[first_lo, first_hi]``, then renewed 70-110 days
    before each expiry while that stays on or before ``end``."""
    if first_hi < first_lo:
        return []
    day = first_lo + timedelta(days=rng.randint(0, (first_hi - first_lo).days))
    dates = []
    while day <= end:
        dates.append(day)
        if months is None:
            break
        day = add_months(day, months) - timedelta(days=rng.randint(70, 110))
    return dates


def mandatory_plan(rng: random.Random, person: Person,
                   history_start: date) -> list[tuple[date, str]]:
    """(date, training id) completions for ``person`` inside the records' history."""
    if person.status == "applicant":
        return []
    start = max(history_start, person.joined)
    end = person.record_end
    new_joiner = person.joined >= history_start
    plan: list[tuple[date, str]] = []
    for mid in MANDATORY_IDS:
        if mid in person.skip_mandatory:
            continue
        if mid in person.mandatory_dates:
            plan += [(d, mid) for d in person.mandatory_dates[mid]]
            continue
        if person.status == "in-training" and mid in ("lone-working", "safeguarding-children"):
            continue
        months = RENEWAL[mid]
        if new_joiner:
            lo, hi = start, min(start + timedelta(days=45), end)
        else:
            period = (add_months(start, months) - start).days if months else 365
            lo = start
            hi = min(start + timedelta(days=max(0, period - 120)), end - timedelta(days=30))
        plan += [(d, mid) for d in renewal_chain(rng, lo, max(lo, hi), months, end)]
    plan.sort()
    return plan


def cpd_for(rng: random.Random, person: Person, history_start: date, n_optional: int,
            corpus: Corpus) -> list[Item]:
    """Mandatory renewals plus ``n_optional`` other CPD entries for ``person``."""
    items = []
    for day, mid in mandatory_plan(rng, person, history_start):
        day = weekday_within(day, max(history_start, person.joined), person.record_end)
        course = MANDATORY_COURSES[mid]
        items.append(corpus.add("cpd", day, slugify(course.title),
                                cpd_record(rng, person, day, course), owner=person.id,
                                extra="mandatory"))
    lo = person.core or person.induction or person.joined
    lo = max(lo, history_start)
    if n_optional <= 0 or lo > person.record_end:
        return items
    pool = list(COURSES) if "group" in person.roles else [
        c for c in COURSES if "group-facilitation" not in c.competencies]
    picks: list[Course] = []
    while len(picks) < n_optional:
        picks += rng.sample(pool, min(len(pool), n_optional - len(picks)))
    for day, course in zip(spread_dates(rng, lo, person.record_end, n_optional), picks):
        items.append(corpus.add("cpd", day, slugify(course.title),
                                cpd_record(rng, person, day, course), owner=person.id))
    return items


def attach_evidence(items: Iterable[Item], names: dict[str, str], corpus: Corpus) -> None:
    """Give each item a certificate PDF under evidence/<supporter>/ and list it in the record."""
    for item in items:
        rec = item.data
        rel = f"evidence/{item.owner}/{item.day.isoformat()}-{item.slug}.pdf"
        n = 2
        while rel in corpus.evidence:
            rel = f"evidence/{item.owner}/{item.day.isoformat()}-{item.slug}-{n}.pdf"
            n += 1
        corpus.evidence[rel] = make_pdf("Certificate of completion", [
            rec["title"], f"Awarded to {names[item.owner]}", f"Provider: {rec['provider']}",
            f"Date: {item.day.isoformat()}", f"Learning hours: {yaml_scalar(rec['hours'])}"])
        rec["evidence"] = [rel]


# --------------------------------------------------------------------------------------
# Demo programme
# --------------------------------------------------------------------------------------


def build_demo(seed: int) -> Corpus:
    """The realistic demo programme (24 months to 2026-11-20) with four deliberate flaws."""
    rng = random.Random(f"demo:{seed}")
    people = demo_people()
    for person in people:
        derive_dates(person, random.Random(f"{seed}:{person.id}:dates"), DEMO_START)
    person_by_id = {p.id: p for p in people}
    corpus = Corpus()
    corpus.programme = programme_record(PROGRAMME_NAME)
    corpus.supporters = [supporter_record(p, random.Random(f"{seed}:{p.id}:record"))
                         for p in people]
    mentees = MenteePool(random.Random(f"{seed}:mentees"), code_share=0.25,
                         avoid=[p.initials for p in people])
    relationships: list[Relationship] = []

    for person in people:
        prng = random.Random(f"{seed}:{person.id}:activity")
        if person.status == "in-training":
            training_contacts(random.Random(f"{seed}:{person.id}:training"), person, corpus)
        if person.active_from is None:
            continue
        months = (person.active_to - person.active_from).days / 30.44
        sessions = spread_dates(prng, person.active_from, person.active_to,
                                round(months * person.one_to_one_per_month))
        relationships += one_to_one_series(prng, person, sessions, mentees, corpus, random_endings=False,
                                           forced=DEMO_FORCED_ENDINGS.get(person.id, ()))
        coordinator_meetings(prng, person, spread_dates(
            prng, person.active_from, person.active_to, round(months / 2)), corpus)
        if person.arrangements:
            arranged_supervision(random.Random(f"{seed}:{person.id}:arrangements"), person, corpus)
            continue
        sup_days = demo_supervision_dates(prng, person)
        # Managerial: keeping in touch in a pause; for the overdue scenario, so that its last
        # session is never the peer supervision it is meant to lack (not left to the draw).
        keep_in_touch = sup_days[-1:] if person.status == "paused" or person.overdue_supervision else []
        individual_supervision(prng, person, sup_days, corpus, keep_in_touch)

    drop_in = ["amara-okafor", "grace-mensah", "kwame-asante", "siobhan-doyle",
               "jamal-hussain", "bethan-price"]
    womens = ["amara-okafor", "grace-mensah", "siobhan-doyle", "farah-siddiqui", "bethan-price"]
    group_meetings(rng, people, corpus, [
        ("drop-in", "Fortnightly drop-in", 14, date(2024, 11, 21), AS_OF, drop_in),
        ("womens-group", "Monthly women's group", 28, date(2024, 12, 3), AS_OF, womens),
    ])
    overdue = {p.id: p.active_to - timedelta(days=90) for p in people if p.overdue_supervision}
    group_supervision(rng, people, date(2024, 12, 11), AS_OF - timedelta(days=10), 91, corpus,
                      overdue)

    evidence_items = []
    for person in people:
        crng = random.Random(f"{seed}:{person.id}:cpd")
        span = 0 if not person.core else (person.record_end - max(DEMO_START, person.core)).days
        optional = round(span / 365 * crng.uniform(3.5, 5.5)) if person.core else (
            1 if person.status == "in-training" else 0)
        for item in cpd_for(crng, person, DEMO_START, optional, corpus):
            if item.extra == "mandatory" or item.data["type"] in ("course", "mooc", "conference") \
                    or crng.random() < 0.3:
                evidence_items.append(item)
    attach_evidence(evidence_items, {p.id: p.name for p in people}, corpus)
    scripted, waiting = demo_match_scenarios(random.Random(f"{seed}:matches"), person_by_id, mentees, corpus)
    relationships += scripted
    check_demo_endings(relationships)
    add_matches(random.Random(f"{seed}:match-records"), relationships, waiting, corpus)
    inject_demo_flaws(corpus, person_by_id)
    keep_out_of_portfolio(corpus, "amara-okafor", date(2026, 4, 17))
    add_safety(corpus, person_by_id, seed)
    return corpus


#: Demo: a reason each of these supporters' relationships ends with once in the last year,
#: so the dashboard's endings chart shows every reason (breakdown: the re-match scenario).
DEMO_FORCED_ENDINGS = {"grace-mensah": ("friendship",), "siobhan-doyle": ("moved-to-group",),
                       "tom-whitfield": ("other",)}


def demo_match_scenarios(rng: random.Random, people: dict[str, Person], mentees: MenteePool,
                         corpus: Corpus) -> tuple[list[Relationship], list[tuple[str, date]]]:
    """The demo's scripted relationships and its waiting list.

    1. a re-match pattern: one mentee in three matches within a year (a breakdown with
       kwame-asante, then stopped engaging with farah-siddiqui, now active with amara-okafor);
    2. a quiet match: ioana-popescu's mentee, last met 2026-09-17 (over 42 days before as-of);
    3. three referrals waiting, one of them longer than the 28 days the programme aims for.
    """
    d = date.fromisoformat
    mentee = mentees.code()
    first = relationship(rng, people["kwame-asante"], [d("2025-12-04"), d("2025-12-18"), d("2026-01-08")],
                         mentee, 8, "breakdown", corpus, ended=d("2026-01-20"))
    first.referred, first.matched = d("2025-11-24"), d("2025-12-01")
    first.note = "Both agreed the match was not working; the mentee asked to try another supporter."
    second = relationship(rng, people["farah-siddiqui"], [d("2026-02-12"), d("2026-02-26")],
                          mentee, 6, "stopped-engaging", corpus, ended=d("2026-04-15"))
    second.referred, second.matched, second.rematched_from = d("2026-01-26"), d("2026-02-05"), first
    third = relationship(rng, people["amara-okafor"], [d("2026-08-13"), d("2026-09-03"), d("2026-09-24"),
                                                        d("2026-10-15"), d("2026-11-05")], mentee, 8, "active", corpus)
    third.referred, third.matched, third.rematched_from = d("2026-07-20"), d("2026-08-06"), second
    quiet = relationship(rng, people["ioana-popescu"], [d("2026-08-20"), d("2026-09-03"), d("2026-09-17")],
                         mentees.new(), 6, "active", corpus)
    waiting = [(mentees.code(), d("2026-10-12")), (mentees.new(), d("2026-11-06")), (mentees.code(), d("2026-11-16"))]
    return [first, second, third, quiet], waiting


def check_demo_endings(relationships: list[Relationship]) -> None:
    """The demo must show every ending reason in its last year; fail loudly if a change loses one."""
    year_ago = AS_OF - timedelta(days=365)
    shown = {r.outcome for r in relationships if r.ended and r.ended > year_ago}
    missing = [reason for reason, _ in ENDING_ODDS + (("supporter-left", 0),) if reason not in shown]
    if missing:
        raise SystemExit(f"generate.py: the demo lost its {', '.join(missing)} ending(s) in the last year")


def keep_out_of_portfolio(corpus: Corpus, owner: str, near: date) -> None:
    """``portfolio: false`` on the CPD entry of ``owner`` nearest ``near``: a reflection they keep private."""
    entries = [i for i in corpus.items if i.kind == "cpd" and i.owner == owner]
    min(entries, key=lambda i: (abs((i.day - near).days), i.day, i.slug)).data["portfolio"] = False


def demo_supervision_dates(rng: random.Random, person: Person) -> list[date]:
    """Roughly every agreed interval, with gaps; the last session arranged by scenario.

    Active supporters end within their interval of the as-of date, except one scenario
    supporter whose last supervision is about 11 weeks old (overdue). A paused supporter
    has one keep-in-touch session during the pause.
    """
    interval = person.interval_days or 42
    lo = max(DEMO_START, person.agreement)
    hi = person.active_to
    if person.overdue_supervision:
        hi = AS_OF - timedelta(days=78)
    n = max(1, round((hi - lo).days / (interval * 1.12)))
    days = spread_dates(rng, lo, hi, n)
    if person.overdue_supervision:
        days = days[:-1] + [weekday_within(hi, lo, hi)]
    if person.status == "active" and not person.overdue_supervision:
        last = weekday_within(AS_OF - timedelta(days=rng.randint(3, interval - 10)), lo, AS_OF)
        days = [d for d in days if d < last - timedelta(days=14)] + [last]
    if person.status == "paused":
        days.append(weekday_within(AS_OF - timedelta(days=rng.randint(12, 30)), lo, AS_OF))
    return days


def inject_demo_flaws(corpus: Corpus, people: dict[str, Person]) -> None:
    """Exactly five deliberate best-practice problems for the demo's warnings.

    1. a one-to-one with no debrief (daniel-kowalski, around 2026-05-14);
    2. a community meeting with a check-in but no check-out (marcus-campbell, ~2026-02-17);
    3. a drop-in group run by a single facilitator (~2026-03-12);
    4. a supervision action past its due date and not done (siobhan-doyle, ~2026-08-20);
    5. shared supervision notes never copied to the supporter (farah-siddiqui, ~2026-10-20).

    Three more come from scenario switches in ``demo_people``: no signed supervision
    agreement (ioana-popescu), an agreement past its review (marcus-campbell), and no
    peer or group supervision within the programme's 91 days (kwame-asante, overdue).
    """
    def nearest(pred, target: date) -> Item:
        found = [i for i in corpus.items if pred(i)]
        return min(found, key=lambda i: (abs((i.day - target).days), i.day, i.slug))

    one = nearest(lambda i: i.kind == "meetings" and i.owner == "daniel-kowalski"
                  and i.data["kind"] == "one-to-one", date(2026, 5, 14))
    del one.data["debrief"]

    two = nearest(lambda i: i.kind == "meetings" and i.owner == "marcus-campbell"
                  and i.data["kind"] == "one-to-one", date(2026, 2, 17))
    if two.data["setting"] != "community":
        rebuilt: dict[str, Any] = {}
        for key, value in two.data.items():
            if key == "setting":
                value = "community"
            if key == "debrief":
                rebuilt["lone_working"] = lone_working(random.Random(two.day.toordinal()),
                                                       two.data["duration_minutes"])
            rebuilt[key] = value
        two.data.clear()
        two.data.update(rebuilt)
    del two.data["lone_working"]["checked_out"]

    three = nearest(lambda i: i.kind == "meetings" and i.slug == "group-drop-in",
                    date(2026, 3, 12))
    three.data["facilitators"] = three.data["facilitators"][:1]
    three.data["notes"] = Markdown(three.data["notes"] + "\nCo-facilitator off sick at short "
                                   "notice; ran the session with one facilitator.\n")

    four = nearest(lambda i: i.kind == "supervision" and i.owner == "siobhan-doyle",
                   date(2026, 8, 20))
    due = min(four.day + timedelta(days=41), AS_OF - timedelta(days=21))
    four.data.setdefault("actions", []).append(
        {"action": "Complete the data protection refresher e-learning", "due": due, "done": False})
    # keep the documented field order: actions before notes
    notes = four.data.pop("notes")
    four.data["notes"] = notes

    five = nearest(lambda i: i.kind == "supervision" and i.owner == "farah-siddiqui"
                   and i.data.get("shared_with_supporter", True) and i.day <= AS_OF - timedelta(days=21),
                   date(2026, 10, 20))
    del five.data["copy_given"]


# --------------------------------------------------------------------------------------
# Safety in the field (demo): venues, groups, debrief concerns, planned meetings
# --------------------------------------------------------------------------------------

# The order of a meeting's fields in its schema, so added fields land where a person would put them.
def _schema_order(*path: str) -> tuple[str, ...]:
    """The order of a meeting's fields (or of a mapping in it) in schemas/meeting.schema.json."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schemas", "meeting.schema.json"),
              encoding="utf-8") as f:
        node = json.load(f)
    for name in path:
        node = node["properties"][name]
    return tuple(node["properties"])


MEETING_ORDER = _schema_order()
DEBRIEF_ORDER = _schema_order("debrief")

LIBRARY_LAPSED = date(2026, 9, 15)  # the library's assessment lapses here (reviewed yearly, not renewed)
DEMO_VENUES = [
    {"id": "positive-voices-hub", "name": "Positive Voices hub, meeting room 1", "setting": "in-house",
     "discreet_signage": True,
     "notes": Markdown("Our own premises: book the room in the shared calendar. A key holder is on\n"
                       "site until 18:00; later groups need the out-of-hours procedure.\n")},
    {"id": "canal-cafe", "name": "The Canal Cafe, back room", "setting": "community",
     "risk_assessment": {"date": date(2026, 3, 2), "by": "Coordinator, with a peer mentor",
                         "review_every_months": 12,
                         "previous": [date(2024, 11, 4), date(2025, 3, 3)]},
     "overheard": False, "discreet_signage": True,
     "notes": Markdown("Big and airy; the seating in the back room means conversations cannot be\n"
                       "overheard. Step-free access from the towpath.\n")},
    {"id": "riverside-library", "name": "Riverside Library, study room 2", "setting": "community",
     "risk_assessment": {"date": LIBRARY_LAPSED - timedelta(days=365), "by": "Coordinator",
                         "review_every_months": 12, "previous": [date(2024, 9, 16)]},
     "overheard": False, "discreet_signage": True,
     "notes": Markdown("Bookable study room with a door. The yearly review is overdue: the library\n"
                       "changed its booking rules in the autumn.\n")},
    {"id": "st-marys-hall", "name": "St Mary's church hall, small hall", "setting": "community",
     "risk_assessment": {"date": date(2026, 11, 2), "by": "Coordinator",
                         "review_every_months": 12,
                         "previous": [date(2024, 11, 12), date(2025, 11, 7)]},
     "overheard": False, "discreet_signage": True,
     "notes": Markdown("Used when the hub is booked. The hall's board lists us as a health\n"
                       "discussion group, nothing more.\n")},
    {"id": "city-hospital-cafe", "name": "City Hospital, outpatients' cafe", "setting": "community",
     "risk_assessment": {"date": date(2026, 1, 12), "by": "Coordinator",
                         "review_every_months": 12, "previous": [date(2025, 1, 13)]},
     "overheard": True, "discreet_signage": True,
     "notes": Markdown("Busy and open-plan: fine for a short hello before a clinic appointment,\n"
                       "not for a one-to-one.\n")},
    {"id": "northside-centre", "name": "Northside Community Centre, room 4", "setting": "community",
     "overheard": False,
     "notes": Markdown("New: a mentee asked to meet nearer home. The risk assessment visit is not\n"
                       "booked yet.\n")},
]
DEMO_GROUPS = [
    {"id": "drop-in", "title": "Fortnightly drop-in", "venue": "positive-voices-hub", "facilitators_needed": 2,
     "eligibility": Markdown("Anyone living with HIV who uses the clinic; no referral needed.\n"),
     "complaints_contact": "Programme coordinator, or the clinic's patient advice service",
     "ground_rules": Markdown("- What is said in the group stays in the group.\n"
                              "- One person speaks at a time; nobody has to share.\n"
                              "- No names of people outside the group.\n"
                              "- Respect different experiences and choices.\n")},
    {"id": "womens-group", "title": "Monthly women's group", "venue": "positive-voices-hub",
     "facilitators_needed": 2,
     "eligibility": Markdown("Women living with HIV, trans women included.\n"),
     "complaints_contact": "Programme coordinator",
     "ground_rules": Markdown("- What is said in the group stays in the group.\n"
                              "- Listen without judging; nobody has to share.\n"
                              "- Children are welcome in the creche room, not in the circle.\n")},
]
GROUP_IDS = {"group-drop-in": "drop-in", "group-womens-group": "womens-group"}
# The concern a debrief note shows (debriefs without notes say nothing about concerns).
CONCERNS = {
    "No concerns.": "none", "Went well.": "none", "Session felt positive; no follow-up needed.": "none",
    "Talked through a difficult disclosure; supporter felt OK afterwards.": "note",
    "Mentee raised money worries; signposting agreed.": "note",
    "Checked boundaries around contact between sessions.": "monitor",
    "Supporter a little drained; reminded about the wellbeing plan.": "monitor",
    "Facilitators debriefed together first; no concerns.": "none",
    "One member seemed low; facilitators will check in at the next group.": "monitor",
    "Ran over time; agreed to keep the opening round shorter.": "note",
    "Good session; the new member settled in well.": "none",
}


def ordered(data: dict[str, Any], order: Sequence[str] = MEETING_ORDER, **fields: Any) -> dict[str, Any]:
    """``data`` with ``fields`` set, keys in ``order`` (the schema's): edits in place, returns it."""
    data.update(fields)
    rank = {key: i for i, key in enumerate(order)}
    items = sorted(data.items(), key=lambda kv: rank.get(kv[0], len(rank)))
    data.clear()
    data.update(items)
    return data


def add_safety(corpus: Corpus, people: dict[str, Person], seed: int) -> None:
    """Venues, groups and debrief concerns on the generated meetings, then the scenarios the
    dashboard's safety sections show (each with at most one warning):

    1. a held one-to-one at a venue whose risk assessment has lapsed (the library);
    2. a one-to-one at a venue where conversations can be overheard;
    3. a community meeting whose lone working was escalated;
    4. a drop-in where the ground rules were not revisited;
    5. an open safeguarding concern with one of its two actions still to do, and a closed follow-up;
    6. meetings planned for the next fortnight, one at a venue never assessed, one from last week
       never marked held or cancelled, and one cancelled.
    """
    rng = random.Random(f"{seed}:safety")
    corpus.venues = [dict(v) for v in DEMO_VENUES]
    corpus.groups = [dict(g) for g in DEMO_GROUPS]
    meetings = [i for i in corpus.items if i.kind == "meetings"]
    for item in meetings:
        data = item.data
        if item.slug in GROUP_IDS:
            ordered(data, group=GROUP_IDS[item.slug])
            if data["setting"] == "community":
                ordered(data, venue="st-marys-hall")
        elif data["kind"] == "one-to-one" and data["setting"] == "community":
            choices = ("riverside-library", "canal-cafe") if item.day < LIBRARY_LAPSED else ("canal-cafe",)
            ordered(data, venue=rng.choice(choices))
        note = data.get("debrief", {}).get("notes")
        if note in CONCERNS:
            ordered(data["debrief"], DEBRIEF_ORDER, concern=CONCERNS[note])
    _close_left_actions(meetings, people)
    _safety_scenarios(corpus, meetings)
    _planned_meetings(corpus, people, meetings)


def _close_left_actions(meetings: list[Item], people: dict[str, Person]) -> None:
    """Actions of a meeting run by someone who has since paused or left were closed then, not left
    open for ever (they would be overdue warnings the demo does not mean to show)."""
    for item in meetings:
        person = people.get(item.owner)
        if person is None or person.active_to is None or person.active_to >= AS_OF:
            continue
        for action in item.data.get("actions", ()):
            if action.get("done") is False:
                action["done"] = True
                action["outcome"] = "Handed over to the coordinator when the supporter stepped back."


def _nearest(items: list[Item], pred, target: date, taken: list[Item]) -> Item:
    found = [i for i in items if pred(i) and i not in taken]
    best = min(found, key=lambda i: (abs((i.day - target).days), i.day, i.slug))
    taken.append(best)
    return best


def _safety_scenarios(corpus: Corpus, meetings: list[Item]) -> None:
    taken: list[Item] = []

    def community(i: Item) -> bool:
        return i.data["kind"] == "one-to-one" and i.data["setting"] == "community" and "debrief" in i.data \
            and "checked_out" in i.data.get("lone_working", {})

    lapsed = _nearest(meetings, community, date(2026, 10, 20), taken)
    ordered(lapsed.data, venue="riverside-library")
    overheard = _nearest(meetings, community, date(2026, 9, 30), taken)
    ordered(overheard.data, venue="city-hospital-cafe")
    escalated = _nearest(meetings, community, date(2026, 11, 9), taken)
    escalated.data["lone_working"]["escalated"] = True
    escalated.data["notes"] = Markdown(escalated.data["notes"] + "\nThe check-out came 40 minutes late "
                                       "and the phone went to voicemail, so the coordinator\nescalated as the "
                                       "lone working policy says. All was well: the bus was delayed.\n")

    rules = _nearest(meetings, lambda i: i.slug == "group-drop-in" and len(i.data["facilitators"]) == 2,
                     date(2026, 10, 15), taken)
    rules.data["ground_rules_revisited"] = False
    rules.data["notes"] = Markdown(rules.data["notes"].replace(
        "Revisited the ground rules and the confidentiality agreement at the start",
        "Started late and did not go over the ground rules"))

    def debriefed(i: Item) -> bool:
        return i.data["kind"] == "one-to-one" and "debrief" in i.data and i.day <= AS_OF - timedelta(days=4)

    closed = _nearest(meetings, debriefed, date(2026, 7, 8), taken)
    day = closed.data["debrief"]["date"]
    ordered(closed.data["debrief"], DEBRIEF_ORDER, concern="follow-up",
            notes="Mentee has had an eviction notice; coordinator to link them with housing advice.",
            actions=[{"action": "Coordinator to refer to the housing advice line", "due": day + timedelta(days=3),
                      "done": day + timedelta(days=1)}])
    open_ = _nearest(meetings, debriefed, date(2026, 11, 16), taken)
    day = open_.data["debrief"]["date"]
    ordered(open_.data["debrief"], DEBRIEF_ORDER, concern="safeguarding",
            notes=Markdown("The mentee said a partner controls their money and checks their phone. The\n"
                           "supporter followed the safeguarding procedure and told the coordinator the\n"
                           "same day.\n"),
            actions=[{"action": "Coordinator to discuss with the safeguarding lead", "due": day + timedelta(days=1),
                      "done": day + timedelta(days=1)},
                     {"action": "Agree a safety plan with the mentee at the next session",
                      "due": day + timedelta(days=10), "done": False}])


def _latest_mentee(corpus: Corpus, meetings: list[Item], owner: str) -> tuple[str, str, str | None]:
    """(mentee, a topic, match id) of a supporter's most recent one-to-one that was not an ending,
    in a match still active where there is one (the next session of a running relationship)."""
    active = {i.data["id"] for i in corpus.items if i.kind == "matches" and i.data.get("status") == "active"}
    own = [i for i in meetings if i.owner == owner and i.data["kind"] == "one-to-one"
           and i.data.get("topic") != "Ending and next steps"]
    running = [i for i in own if i.data.get("match") in active] or [i for i in own if "match" not in i.data]
    last = max(running or own, key=lambda i: (i.day, i.slug))
    return last.data["mentee"], last.data["topic"], last.data.get("match") if running else None


def _planned_meetings(corpus: Corpus, people: dict[str, Person], meetings: list[Item]) -> None:
    plans = [  # supporter, days from as-of, start, setting, venue, status
        ("amara-okafor", 3, "10:30", "community", "canal-cafe", "planned"),
        ("grace-mensah", 4, "14:00", "community", "northside-centre", "planned"),
        ("kwame-asante", 5, "11:00", "telephone", None, "planned"),
        ("siobhan-doyle", 6, "15:30", "in-house", "positive-voices-hub", "planned"),
        ("marcus-campbell", 12, "10:00", "community", "canal-cafe", "planned"),
        ("daniel-kowalski", -3, "18:00", "telephone", None, "planned"),  # never updated
        ("tom-whitfield", -10, "19:00", "telephone", None, "cancelled"),
    ]
    for who, days, start, setting, venue, status in plans:
        day = AS_OF + timedelta(days=days)
        mentee, topic, match = _latest_mentee(corpus, meetings, who)
        rec = ordered({"date": day, "status": status, "kind": "one-to-one", "supporter": who,
                       "mentee": Quoted(mentee), "setting": setting, "start": Quoted(start),
                       "duration_minutes": 60, "topic": topic})
        if match:
            ordered(rec, match=match)
        if venue:
            ordered(rec, venue=venue)
        if status == "cancelled":
            rec["notes"] = Markdown("The mentee cancelled on the day (unwell); the next call is being "
                                    "rearranged.\n")
        corpus.add("meetings", day, f"one-to-one-{who}", rec, owner=who)
    for slug, every, start, topic in (("group-drop-in", 14, "13:30", "Looking after yourself over the winter"),
                                      ("group-womens-group", 28, "11:00", "Self-care planning")):
        last = max((i for i in meetings if i.slug == slug), key=lambda i: i.day)
        day = last.day + timedelta(days=every)
        while day <= AS_OF:  # a session the demo's records stop short of
            day += timedelta(days=every)
        corpus.add("meetings", day, slug, ordered(
            {"date": day, "status": "planned", "kind": "group", "facilitators": last.data["facilitators"],
             "setting": "in-house", "start": Quoted(start), "group": GROUP_IDS[slug], "duration_minutes": 120,
             "topic": topic}))


# --------------------------------------------------------------------------------------
# Benchmark corpus
# --------------------------------------------------------------------------------------


MEETINGS_PER_MATCH = 6.2  # measured: one-to-ones per match in bench corpora


def bench_shape(files: int) -> tuple[int, int]:
    """(supporters, years of history) for a corpus of about ``files`` files."""
    years = max(2, min(40, round(10 * math.sqrt(files / 83_000))))
    # about 40 files per supporter-year; turnover adds supporters as the history grows
    supporters = max(10, round(files / (40 * years) * (1 + 0.14 * years)))
    return supporters, years


def build_bench(files: int, seed: int) -> Corpus:
    """A benchmark corpus of about ``files`` files ending on the as-of date."""
    rng = random.Random(f"bench:{seed}")
    n_people, years = bench_shape(files)
    history_start = date(AS_OF.year - years, AS_OF.month, AS_OF.day) + DAY
    people = bench_people(rng, n_people, history_start)
    for person in people:
        derive_dates(person, random.Random(f"{seed}:{person.id}:dates"), history_start)
    corpus = Corpus()
    corpus.programme = programme_record(f"{PROGRAMME_NAME} (benchmark)")
    corpus.supporters = [supporter_record(p, random.Random(f"{seed}:{p.id}:record"))
                         for p in people]

    body = files - 1 - n_people
    target_supervision = round(body * 0.095)
    target_evidence = round(body * 0.025)
    mandatory_counts = [len(mandatory_plan(random.Random(f"{seed}:{p.id}:cpd"), p, history_start))
                        for p in people]
    target_cpd = max(body - round(body * 0.715) - target_supervision - target_evidence,
                     sum(mandatory_counts))
    target_meetings = body - target_cpd - target_supervision - target_evidence

    active = [p for p in people if p.active_from is not None]
    days = [(p.active_to - p.active_from).days + 1 for p in active]
    headcount = sum(days) / max(1, (AS_OF - history_start).days)

    # groups: one fortnightly group per ~20 active supporters, pools by group role
    facilitators = [p.id for p in active if "group" in p.roles]
    n_groups = max(1, round(headcount / 20))
    series = []
    for g in range(n_groups):
        first = weekday_within(history_start + timedelta(days=g % 14), history_start, AS_OF)
        series.append((f"group-{g + 1}" if n_groups > 1 else "drop-in", f"Peer group {g + 1}",
                       14, first, AS_OF, facilitators[g::n_groups]))
    group_meetings(rng, people, corpus, series)
    n_group = len(corpus.items)

    coord = apportion(min(round(sum(days) / 61), round(target_meetings * 0.12)), days)
    # one match file for every MEETINGS_PER_MATCH one-to-ones comes out of the same budget
    one_to_one = apportion(round(max(0, target_meetings - n_group - sum(coord))
                                 * MEETINGS_PER_MATCH / (MEETINGS_PER_MATCH + 1)), days)
    n_group_sup = group_supervision(rng, people, history_start + timedelta(days=30),
                                    AS_OF - DAY, max(7, round(91 / n_groups)), corpus, {})
    sup_days = [(p.active_to - max(history_start, p.agreement)).days + 1 for p in active]
    individual = apportion(max(0, target_supervision - n_group_sup), sup_days)

    mentees = MenteePool(random.Random(f"{seed}:mentees"), code_share=0.7)
    relationships: list[Relationship] = []
    for person, n_1to1, n_coord, n_sup in zip(active, one_to_one, coord, individual):
        prng = random.Random(f"{seed}:{person.id}:activity")
        relationships += one_to_one_series(prng, person, spread_dates(
            prng, person.active_from, person.active_to, n_1to1), mentees, corpus)
        coordinator_meetings(prng, person, spread_dates(
            prng, person.active_from, person.active_to, n_coord), corpus)
        individual_supervision(prng, person, spread_dates(
            prng, max(history_start, person.agreement), person.active_to, n_sup), corpus)

    cpd_days = [0 if not p.core else max(0, (p.record_end - max(history_start, p.core)).days)
                for p in people]
    optional = apportion(max(0, target_cpd - sum(mandatory_counts)), cpd_days)
    cpd_items: list[Item] = []
    for person, n_opt in zip(people, optional):
        cpd_items += cpd_for(random.Random(f"{seed}:{person.id}:cpd"), person, history_start,
                             n_opt, corpus)
    chosen = sorted(rng.sample(range(len(cpd_items)), min(target_evidence, len(cpd_items))))
    attach_evidence([cpd_items[i] for i in chosen], {p.id: p.name for p in people}, corpus)
    add_matches(random.Random(f"{seed}:match-records"), relationships, (), corpus)
    return corpus


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------

OWNED = ("programme.yaml", "supporters", "meetings", "supervision", "cpd", "evidence", "matches", "venues",
         "groups")


def prepare_dir(path: str, force: bool) -> None:
    """Create ``path``; refuse a non-empty one unless ``force`` (then clear what we own)."""
    if os.path.isdir(path) and os.listdir(path):
        if not force:
            print(f"generate.py: {path} is not empty (use --force to replace the generated "
                  f"records in it)", file=sys.stderr)
            sys.exit(2)
        for name in OWNED:
            target = os.path.join(path, name)
            if os.path.isdir(target):
                shutil.rmtree(target)
            elif os.path.exists(target):
                os.remove(target)
    os.makedirs(path, exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build the corpus, write it and print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--demo", action="store_true", help="the realistic demo programme")
    mode.add_argument("--files", type=int, metavar="N", help="benchmark corpus of about N files")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--force", action="store_true",
                        help="write into a non-empty DIR, replacing generated records")
    parser.add_argument("dir", metavar="DIR")
    args = parser.parse_args(argv)
    if args.files is not None and args.files < 200:
        parser.error("--files must be at least 200 (smaller corpora cannot keep the shape)")

    prepare_dir(args.dir, args.force)
    started = time.perf_counter()
    corpus = build_demo(args.seed) if args.demo else build_bench(args.files, args.seed)
    built = time.perf_counter()
    written = corpus.write(args.dir)
    done = time.perf_counter()
    counts = ", ".join(f"{k} {v}" for k, v in corpus.count().items())
    print(f"wrote {written} files to {args.dir} in {done - started:.1f}s "
          f"(build {built - started:.1f}s, render+write {done - built:.1f}s; {counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
