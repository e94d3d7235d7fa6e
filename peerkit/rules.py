"""Cross-record rules: small pure functions over the whole set of records.

Each rule is ``rule(records, as_of) -> Iterable[Problem]`` and sits in
:data:`RULES`. Rules only see schema-valid records, so they never have to
guard against missing required fields or wrong types. Codes are stable and
documented in README; best practice from the seeds is a warning, anything
that makes the records wrong or unsafe is an error.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from . import evidence
from .discover import stem as file_stem
from .model import (CANCELLED, Acknowledgement, Competency, CpdEntry, Debrief, Group, MandatoryTraining, Match, Meeting,
                    Records, Supervision, Supporter, Venue)
from .problems import WARNING, Problem
from .obligations import (ACTION, AGREEMENT, CONCERN, COPY, DEBRIEF, ESCALATION, FACILITATION, LONE_WORKING,
                          MEETING_ACTION, PEER_SUPERVISION, PLANNED, QUIET_MATCH, UNSIGNED, WAITING, Obligation,
                          obligations)
from .relationships import MENTEE, relationships
from .safety import LAPSED, NEVER, assessment_on
from .source import Source
from .validate import field_name

Rule = Callable[[Records, date], Iterable[Problem]]

_STEM_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})-[a-z0-9][a-z0-9-]*$")
# Bounded repeats keep the search linear: an unbounded local part made a
# 900 KB note without '@' take minutes (each start position re-scanned the rest).
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_PHONE = re.compile(r"(?<![\w-])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?(?:[\s-]?\d){6,8}(?![\w-])")
_INITIALS = re.compile(r"^(?:[A-Z]\.?\s?){1,4}$")
# A word with a lower-case letter, or five or more capitals in a row (SARAH):
# longer than initials can be, so a name typed in capitals.
_NAME_LIKE = re.compile(r"[A-Za-z]*[a-z][A-Za-z]*|[A-Z]{5,}")


def _people(record: Meeting | Supervision | CpdEntry) -> tuple[tuple[str, tuple], ...]:
    """(supporter id, field path that names them) for each supporter a record names."""
    if isinstance(record, CpdEntry):
        return ((record.supporter, ("supporter",)),)
    if isinstance(record, Supervision):
        if record.supporter_field == "supporter":
            return ((record.supporters[0], ("supporter",)),)
        return tuple((s, ("supporters", i)) for i, s in enumerate(record.supporters))
    if record.kind == "group":
        return tuple((s, ("facilitators", i)) for i, s in enumerate(record.facilitators))
    return ((record.supporter or "", ("supporter",)),)  # the schema requires it on one-to-ones


def _activity(records: Records) -> Iterator[Meeting | Supervision | CpdEntry]:
    yield from records.meetings
    yield from records.supervision
    yield from records.cpd


# --- identity and layout ---------------------------------------------------

def id_matches_file(records: Records, as_of: date) -> Iterator[Problem]:
    """A supporter's, match's, venue's or group's id is its file name, so links, pages and references find it."""
    for kind in ("supporter", "match", "venue", "group"):
        seen: dict[str, Supporter | Match | Venue | Group] = {}
        for s in records.of(kind):
            stem = file_stem(s.source.rel)
            if s.id != stem:
                yield s.source.problem(("id",), "id-mismatch",
                                       f"id '{s.id}' does not match the file name '{stem}'; "
                                       f"rename the file to {s.id}.yaml or set id: {stem}")
            if s.id in seen:
                yield s.source.problem(("id",), "duplicate-id",
                                       f"id '{s.id}' is already used by {seen[s.id].source.display}; "
                                       f"ids must be unique")
            seen.setdefault(s.id, s)
    programme = records.programme
    if programme is None:
        return
    listed: tuple[tuple[str, Sequence[Competency | MandatoryTraining]], ...] = (
        ("competencies", programme.competencies), ("mandatory_training", programme.mandatory_training))
    for field, items in listed:
        counts = Counter(item.id for item in items)
        for index, item in enumerate(items):
            if counts[item.id] > 1 and [i.id for i in items].index(item.id) != index:
                yield programme.source.problem((field, index, "id"), "duplicate-id",
                                               f"{field} id '{item.id}' is listed twice; ids must be unique")


def dated_file_names(records: Records, as_of: date) -> Iterator[Problem]:
    """Dated records live at <folder>/<YYYY or supporter>/<YYYY-MM-DD>-<slug>.yaml."""
    for record in _activity(records):
        parts = record.source.rel.split("/")
        stem = file_stem(parts[-1])
        match = _STEM_DATE.match(stem)
        iso = record.date.isoformat()
        if len(parts) != 3 or not match:
            folder = "<supporter-id>" if isinstance(record, CpdEntry) else "<YYYY>"
            yield record.source.problem((), "file-name",
                                        f"file should be at {parts[0]}/{folder}/<YYYY-MM-DD>-<slug>.yaml "
                                        f"(slug: lower-case words joined by hyphens)")
            continue
        if match.group(1) != iso:
            yield record.source.problem(("date",), "file-name",
                                        f"date {iso} does not match the file name ({match.group(1)}); "
                                        f"fix the date or rename the file")
        if isinstance(record, CpdEntry):
            if parts[1] != record.supporter:
                yield record.source.problem(("supporter",), "file-name",
                                            f"supporter '{record.supporter}' does not match the folder "
                                            f"cpd/{parts[1]}/; move the file to cpd/{record.supporter}/")
        elif parts[1] != str(record.date.year):
            yield record.source.problem(("date",), "file-name",
                                        f"a record dated {iso} belongs in {parts[0]}/{record.date.year}/, "
                                        f"not {parts[0]}/{parts[1]}/")
    for m in records.matches:
        parts = m.source.rel.split("/")
        year = str(m.referred.year)
        if len(parts) != 3:
            yield m.source.problem((), "file-name", f"file should be at matches/{year}/<match-id>.yaml "
                                                    f"(the year of the referral)")
        elif parts[1] != year:
            yield m.source.problem(("referred",), "file-name",
                                   f"a match referred on {m.referred} belongs in matches/{year}/, "
                                   f"not matches/{parts[1]}/")


# --- references --------------------------------------------------------------

def known_supporters(records: Records, as_of: date) -> Iterator[Problem]:
    """Every supporter a record names has a file in supporters/."""
    known = sorted(records.supporter_files)
    named = chain(((record, person) for record in _activity(records) for person in _people(record)),
                  ((m, (m.supporter, ("supporter",))) for m in records.matches if m.supporter))
    for record, (supporter_id, field) in named:
        if supporter_id not in records.supporter_files:
            yield record.source.problem(field, "unknown-supporter",
                                        f"no supporter '{supporter_id}' (no supporters/{supporter_id}.yaml); "
                                        f"{did_you_mean(supporter_id, known)}"
                                        f"known ids: {listing(known) or 'none yet (peerkit new supporter)'}")


def known_places(records: Records, as_of: date) -> Iterator[Problem]:
    """Every venue and group a record names has its file in venues/ or groups/."""
    venues = sorted(records.stems.get("venue", ()))
    groups = sorted(records.stems.get("group", ()))

    def unknown(source: Source, field: str, code: str, value: str, known: list[str]) -> Problem:
        folder = f"{field}s"
        return source.problem((field,), code,
                              f"no {field} '{value}' (no {folder}/{value}.yaml); {did_you_mean(value, known)}"
                              f"known ids: {listing(known) or f'none yet (add {folder}/{value}.yaml)'}")

    for m in records.meetings:
        if m.venue and m.venue not in venues:
            yield unknown(m.source, "venue", "unknown-venue", m.venue, venues)
        if m.group and m.group not in groups:
            yield unknown(m.source, "group", "unknown-group", m.group, groups)
    for g in records.groups:
        if g.venue and g.venue not in venues:
            yield unknown(g.source, "venue", "unknown-venue", g.venue, venues)


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """``did you mean 'amara-okafor'? `` for a near miss, else nothing."""
    candidates = list(known)
    guess = difflib.get_close_matches(value, candidates, n=1)
    if not guess:  # a name typed for an id: 'Zoe Ng' for zoe-ng
        slug = "-".join(re.findall(r"[a-z0-9]+", value.lower()))
        guess = [slug] if slug in candidates else []
    return f"did you mean '{guess[0]}'? " if guess else ""


def listing(ids: Iterable[str], limit: int = 12) -> str:
    """Ids joined for a message, the first ``limit`` of them."""
    ids = list(ids)
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def known_competencies(records: Records, as_of: date) -> Iterator[Problem]:
    """Competency ids come from programme.yaml's framework."""
    if records.programme is None:
        return
    known = records.programme.competency_ids
    ids = [c.id for c in records.programme.competencies]

    def unknown(source, field, cid):
        return source.problem(field, "unknown-competency",
                              f"'{cid}' is not a competency in programme.yaml; {did_you_mean(cid, ids)}"
                              f"known: {listing(ids, limit=40)}")

    for entry in records.cpd:
        for i, cid in enumerate(entry.competencies):
            if cid not in known:
                yield unknown(entry.source, ("competencies", i), cid)
    for s in records.supporters:
        for cid in s.competencies_assessed:
            if cid not in known:
                yield unknown(s.source, ("competencies_assessed", cid), cid)
        for i, goal in enumerate(s.development_plan):
            if goal.competency and goal.competency not in known:
                yield unknown(s.source, ("development_plan", i, "competency"), goal.competency)


def known_training(records: Records, as_of: date) -> Iterator[Problem]:
    """A CPD entry's ``mandatory`` names a mandatory_training id."""
    if records.programme is None:
        return
    known = records.programme.training_ids
    for entry in records.cpd:
        if entry.mandatory and entry.mandatory not in known:
            yield entry.source.problem(("mandatory",), "unknown-training",
                                       f"'{entry.mandatory}' is not in programme.yaml's mandatory_training; "
                                       f"{did_you_mean(entry.mandatory, known)}known: "
                                       f"{', '.join(sorted(known)) or 'none'}")


def known_matches(records: Records, as_of: date) -> Iterator[Problem]:
    """A meeting's ``match`` and a match's ``rematched_from`` name a match file; a meeting that
    names a match has its supporter and mentee, and a re-match is of the same mentee."""
    known = sorted(records.match_files)
    by_id: dict[str, Match] = {}
    for m in records.matches:
        by_id.setdefault(m.id, m)

    def unknown(source: Source, field: tuple, match_id: str) -> Problem:
        return source.problem(field, "unknown-match",
                              f"no match '{match_id}' (no matches/<YYYY>/{match_id}.yaml); "
                              f"{did_you_mean(match_id, known)}"
                              f"known ids: {listing(known) or 'none yet (peerkit new match)'}")

    for meeting in records.meetings:
        if meeting.match is None:
            continue
        if meeting.match not in records.match_files:
            yield unknown(meeting.source, ("match",), meeting.match)
            continue
        match = by_id.get(meeting.match)
        if match is None:  # the match file itself is broken: its own problem says so
            continue
        if match.supporter is None:
            yield meeting.source.problem(("match",), "match-mismatch",
                                         f"match '{match.id}' is still waiting for a supporter; set its supporter, "
                                         f"matched date and status: active ({match.source.display})")
        elif meeting.supporter != match.supporter:
            yield meeting.source.problem(("supporter",), "match-mismatch",
                                         f"supporter '{meeting.supporter}' is not match {match.id}'s supporter "
                                         f"'{match.supporter}'; fix the supporter or the match")
        if meeting.mentee != match.mentee:
            yield meeting.source.problem(("mentee",), "match-mismatch",
                                         f"mentee '{meeting.mentee}' is not match {match.id}'s mentee "
                                         f"'{match.mentee}'; fix the mentee or the match")
    for m in records.matches:
        if m.rematched_from is None:
            continue
        if m.rematched_from not in records.match_files:
            yield unknown(m.source, ("rematched_from",), m.rematched_from)
        elif m.rematched_from == m.id:
            yield m.source.problem(("rematched_from",), "match-mismatch",
                                   "a match cannot be re-matched from itself; name the mentee's earlier match")
        elif m.rematched_from in by_id and by_id[m.rematched_from].mentee != m.mentee:
            earlier = by_id[m.rematched_from]
            yield m.source.problem(("rematched_from",), "match-mismatch",
                                   f"match {earlier.id} was with mentee '{earlier.mentee}', not '{m.mentee}'; "
                                   f"rematched_from names the same mentee's earlier match")


@dataclass(frozen=True)
class EvidenceClaim:
    """What one CPD entry says its evidence is: the input of the evidence rule.

    Plain data, so the rule can run again from the cache on a run whose other
    rules' results are remembered: evidence files are not records, and a
    certificate can vanish without any record changing.
    """

    source: Source
    supporter: str
    paths: tuple[str, ...]


def evidence_claims(records: Records) -> list[EvidenceClaim]:
    return [EvidenceClaim(entry.source, entry.supporter, entry.evidence) for entry in records.cpd if entry.evidence]


def evidence_files(records: Records, as_of: date) -> Iterator[Problem]:
    """Evidence is a clean path under evidence/ naming a small file of a safe type."""
    return check_evidence(records.root, evidence_claims(records))


def check_evidence(root: Path, claims: Iterable[EvidenceClaim]) -> Iterator[Problem]:
    real_root = Path(root).resolve()
    for claim in claims:
        yield from evidence_problems(real_root, claim.source, claim.paths)


# Why evidence.open_evidence refused a file -> its problem code.
EVIDENCE_CODES: dict[str, str] = {
    evidence.PATH: "evidence-path",
    evidence.OUTSIDE: "evidence-outside",
    evidence.MISSING: "missing-evidence",
    evidence.TYPE: "evidence-type",
    evidence.SIZE: "evidence-too-large",
}


def evidence_problems(root: Path, source: Source, paths: tuple[str, ...]) -> Iterator[Problem]:
    """The evidence rule for one CPD file (``root`` resolved).

    It opens each file as a portfolio build does (:func:`evidence.open_evidence`),
    so the build copies only what passed here.
    """
    for i, rel in enumerate(paths):
        try:
            with evidence.open_evidence(root, rel):
                pass
        except evidence.Refused as refused:
            yield source.problem(("evidence", i), EVIDENCE_CODES[refused.reason], refused.message)


def evidence_owners(records: Records, as_of: date) -> Iterator[Problem]:
    """A portfolio carries its supporter's own evidence: a file in another
    supporter's folder under evidence/ is probably theirs (a shared folder is fine).
    Reads only records, so unlike the evidence rule its results may be remembered."""
    for entry in records.cpd:
        for i, rel in enumerate(entry.evidence):
            owner = evidence.owner_folder(rel)
            if owner and owner != entry.supporter and owner in records.supporter_files:
                yield entry.source.problem(("evidence", i), "evidence-other-supporter",
                                           f"evidence '{rel}' is in {owner}'s folder, and would be copied into "
                                           f"{entry.supporter}'s portfolio; if it is theirs, move it to "
                                           f"evidence/{entry.supporter}/, else remove it from this entry")


# --- dates -------------------------------------------------------------------

def _past_dates(record) -> Iterator[tuple[tuple, date]]:
    """(field path, date) of every date that records something that happened."""
    if isinstance(record, Supporter):
        for name in ("joined", "left", "induction_completed", "core_completed", "agreement_signed"):
            value = getattr(record, name)
            if value:
                field = ("training", name) if name.endswith("completed") else (
                    ("supervision", name) if name == "agreement_signed" else (name,))
                yield field, value
        if record.accreditation and record.accreditation.awarded:
            yield ("training", "accreditation", "awarded"), record.accreditation.awarded
        agreement = record.agreement
        if agreement is not None:
            if agreement.signed and agreement.signed_field != ("supervision", "agreement_signed"):
                yield agreement.signed_field, agreement.signed
            for i, day in enumerate(agreement.reviewed):
                yield ("supervision", "agreement", "reviewed", i), day
        for cid, value in record.competencies_assessed.items():
            yield ("competencies_assessed", cid), value
        return
    if isinstance(record, Match):
        for name in ("referred", "matched", "ended"):
            if getattr(record, name):
                yield (name,), getattr(record, name)
        for goal in record.goals:
            if goal.set:
                yield ("goals", goal.index, "set"), goal.set
            for i, day in enumerate(goal.reviewed):
                yield ("goals", goal.index, "reviewed", i), day
        return
    if not (isinstance(record, Meeting) and record.planned):  # a planned meeting may be dated ahead
        yield ("date",), record.date
    if isinstance(record, Meeting) and record.debrief:
        yield ("debrief", "date"), record.debrief.date
    if isinstance(record, Supervision) and record.copy_given:
        yield ("copy_given",), record.copy_given
    for action in getattr(record, "actions", ()):
        if action.done_on:
            yield ("actions", action.index, "done"), action.done_on


def no_future_dates(records: Records, as_of: date) -> Iterator[Problem]:
    """What has happened cannot be dated after today (or --as-of)."""
    for record in (*records.supporters, *_activity(records), *records.matches):
        for field, value in _past_dates(record):
            if value > as_of:
                hint = ("only a planned meeting may be dated ahead: set status: planned (peerkit new meeting "
                        "--planned), or delete the file if it was cancelled in advance"
                        if isinstance(record, Meeting) and field == ("date",)
                        else "record things once they have happened")
                yield record.source.problem(field, "future-date",
                                            f"{field_name(field)} {value} is after {as_of}; {hint}")


def after_the_session(records: Records, as_of: date) -> Iterator[Problem]:
    """An action agreed in a session is done after it, and a copy of the notes is given after it."""
    sessions: tuple[Meeting | Supervision, ...] = (*records.meetings, *records.supervision)
    for record in sessions:
        what = "meeting" if isinstance(record, Meeting) else "supervision session"
        for action in record.actions:
            if action.done_on and action.done_on < record.date:
                yield record.source.problem(("actions", action.index, "done"), "before-session",
                                            f"action '{_short(action.action)}' is marked done on {action.done_on}, "
                                            f"before the {what} on {record.date} that agreed it; fix the date "
                                            f"(or write done: true)")
        if isinstance(record, Meeting) and record.debrief is not None:
            yield from _debrief_actions_after(record, record.debrief)
        if isinstance(record, Supervision) and record.copy_given and record.copy_given < record.date:
            yield record.source.problem(("copy_given",), "before-session",
                                        f"copy_given {record.copy_given} is before the supervision session on "
                                        f"{record.date}; a copy of the notes is given after the session: fix the date")


def _debrief_actions_after(meeting: Meeting, debrief: Debrief) -> Iterator[Problem]:
    """An action agreed at a debrief is done after the debrief."""
    for action in debrief.actions:
        if action.done_on and action.done_on < debrief.date:
            yield meeting.source.problem(("debrief", "actions", action.index, "done"), "before-session",
                                         f"action '{_short(action.action)}' is marked done on {action.done_on}, "
                                         f"before the debrief on {debrief.date} that agreed it; fix the date "
                                         f"(or write done: true)")


def membership_gap(day: date, person: str, joined: date, left: date | None) -> tuple[str, str] | None:
    """(code, message) when ``day`` falls outside ``person``'s time with the programme.

    Shared with ``peerkit new``, which refuses such a record before writing it.
    """
    if day < joined:
        return "before-joined", f"dated {day}, before {person} joined ({joined})"
    if left and day > left:
        return "after-left", f"dated {day}, after {person} left ({left})"
    return None


def within_membership(records: Records, as_of: date) -> Iterator[Problem]:
    """Meetings, supervision and CPD fall between a supporter's joined and left dates."""
    for record in _activity(records):
        for supporter_id, _ in _people(record):
            supporter = records.by_id.get(supporter_id)
            if supporter is None:
                continue
            gap = membership_gap(record.date, supporter_id, supporter.joined, supporter.left)
            if gap:
                yield record.source.problem(("date",), *gap)
    for m in records.matches:
        supporter = records.by_id.get(m.supporter) if m.supporter else None
        if supporter is not None and m.matched is not None:
            gap = membership_gap(m.matched, supporter.id, supporter.joined, supporter.left)
            if gap:
                yield m.source.problem(("matched",), gap[0], "matched " + gap[1].removeprefix("dated "))
    for s in records.supporters:
        if s.left and s.left < s.joined:
            yield s.source.problem(("left",), "after-left", f"left {s.left} is before joined {s.joined}")


def match_dates_in_order(records: Records, as_of: date) -> Iterator[Problem]:
    """A match is referred, then matched, then ended: dates in another order are a typo."""
    for m in records.matches:
        if m.matched and m.matched < m.referred:
            yield m.source.problem(("matched",), "match-dates",
                                   f"matched {m.matched} is before referred {m.referred}; fix one of the dates")
        start = m.matched or m.referred
        if m.ended and m.ended < start:
            what = "matched" if m.matched else "referred"
            yield m.source.problem(("ended",), "match-dates",
                                   f"ended {m.ended} is before {what} {start}; fix one of the dates")


# --- privacy -----------------------------------------------------------------

def mentee_is_a_code(records: Records, as_of: date) -> Iterator[Problem]:
    """Mentees appear only as initials (DK, D.K.) or a code (M-0042), never a name."""
    named: tuple[Meeting | Match, ...] = (*records.meetings, *records.matches)
    for m in named:
        if m.mentee is None or looks_like_code(m.mentee):
            continue
        yield m.source.problem(("mentee",), "mentee-name",
                               f"mentee '{m.mentee}' looks like a name; record initials (e.g. DK) "
                               f"or a code (e.g. M-0042) only")


def looks_like_code(value: str) -> bool:
    """Initials in capitals, or anything with a digit (a code); not a word like a name."""
    value = value.strip()
    if _INITIALS.match(value) or any(ch.isdigit() for ch in value):
        return True
    return not any(len(word) >= 3 for word in _NAME_LIKE.findall(value))


_FREE_TEXT = {
    Supporter: ("notes", "statement"), Meeting: ("notes", "topic"), Supervision: ("notes",),
    CpdEntry: ("reflection",), Match: ("notes",), Venue: ("name", "notes"),
    Group: ("title", "eligibility", "complaints_contact", "ground_rules", "notes"),
}


def _free_text(record) -> Iterator[tuple[tuple, str]]:
    """(field path, text) of every free-text field where people write prose (venues and groups: every one)."""
    for name in _FREE_TEXT[type(record)]:
        value = getattr(record, name)
        if value:
            yield (name,), value
    if isinstance(record, Venue) and record.risk_assessment and record.risk_assessment.by:
        yield ("risk_assessment", "by"), record.risk_assessment.by
    actions = tuple((("actions",), a) for a in getattr(record, "actions", ()))
    if isinstance(record, Meeting):
        if record.lone_working and record.lone_working.with_whom:
            yield ("lone_working", "with"), record.lone_working.with_whom
        if record.debrief and record.debrief.notes:
            yield ("debrief", "notes"), record.debrief.notes
        actions = record.all_actions
    for where, action in actions:
        yield (*where, action.index, "action"), action.action
        if action.outcome:
            yield (*where, action.index, "outcome"), action.outcome
    for i, goal in enumerate(getattr(record, "development_plan", ())):
        yield ("development_plan", i, "goal"), goal.goal
    if isinstance(record, Match):
        for goal in record.goals:
            yield ("goals", goal.index, "goal"), goal.goal
        if record.ending and record.ending.next_steps:
            yield ("ending", "next_steps"), record.ending.next_steps
        for i, service in enumerate(record.ending.signposted_to if record.ending else ()):
            yield ("ending", "signposted_to", i), service


def no_contact_details(records: Records, as_of: date) -> Iterator[Problem]:
    """E-mail addresses and phone numbers identify people; keep them out of records."""
    for record in (*records.supporters, *_activity(records), *records.matches, *records.venues, *records.groups):
        for field, text in _free_text(record):
            for hints, pattern, what in (("@", _EMAIL, "an e-mail address"), ("0+", _PHONE, "a phone number")):
                if any(h in text for h in hints) and pattern.search(text):  # hints: a fast first look
                    yield record.source.problem(field, "personal-data",
                                                f"{field_name(field)} contains {what}; remove it "
                                                f"(records hold no contact details)")


# --- best practice (warnings), from the obligations --------------------------

def _open(records: Records, as_of: date, kind: str) -> Iterator[Obligation]:
    return (o for o in obligations(records, as_of) if o.kind == kind)


def lone_working_checked(records: Records, as_of: date) -> Iterator[Problem]:
    """Community meetings need a lone-working check-in and check-out."""
    for o in _open(records, as_of, LONE_WORKING):
        yield o.source.problem(o.field, "lone-working",
                               f"community meeting with no lone-working {' or '.join(o.missing)}; "
                               f"record lone_working.{o.missing[0]} (time as \"HH:MM\")")


def debriefed_in_time(records: Records, as_of: date) -> Iterator[Problem]:
    """Supporters debrief within debrief_within_days of each session they run."""
    within = records.debrief_within_days
    for o in _open(records, as_of, DEBRIEF):
        if o.overdue(as_of):
            yield o.source.problem(o.field, "no-debrief",
                                   f"no debrief recorded for this {o.subject} meeting "
                                   f"(expected within {within} days); add debrief.date and method")
    for m in records.meetings:
        if not m.needs_debrief or m.debrief is None:
            continue
        if (m.debrief.date - m.date).days > within:
            yield m.source.problem(("debrief", "date"), "no-debrief",
                                   f"debrief {(m.debrief.date - m.date).days} days after the meeting, "
                                   f"later than the {within} days the programme aims for")
        elif m.debrief.date < m.date:
            yield m.source.problem(("debrief", "date"), "debrief-before-meeting",
                                   f"debrief dated {m.debrief.date}, before the meeting on {m.date}")


def two_facilitators(records: Records, as_of: date) -> Iterator[Problem]:
    """Best practice is for two people to facilitate a group (a group may say it needs more)."""
    for o in _open(records, as_of, FACILITATION):
        had, needed = o.counts
        if needed == 2 and had == 1:
            message = "group run by one facilitator; best practice is two, for safety and support"
        else:
            message = (f"group run by {had} facilitator{'' if had == 1 else 's'}; its group needs {needed} "
                       f"(facilitators_needed)")
        yield o.source.problem(o.field, "one-facilitator", message)


def actions_done(records: Records, as_of: date) -> Iterator[Problem]:
    """Actions agreed in supervision, at a meeting or at its debrief are followed up by their due date."""
    for o in (*_open(records, as_of, ACTION), *_open(records, as_of, MEETING_ACTION)):
        if o.overdue(as_of):
            yield o.source.problem(o.field, "overdue-action",
                                   f"action '{_short(o.subject)}' was due {o.due} and is not done; "
                                   f"mark it done (done: YYYY-MM-DD) or agree a new due date")


# --- promises kept: supervision, agreements, copies ---------------------------

def one_arrangement_per_type(records: Records, as_of: date) -> Iterator[Problem]:
    """Each supervision arrangement is one promise for one type; two of a type cannot both be kept."""
    for s in records.supporters:
        first: dict[str, int] = {}
        for a in s.arrangements:
            if a.type in first:
                yield s.source.problem(("supervision", "arrangements", a.index, "type"), "duplicate-arrangement",
                                       f"a second {a.type} supervision arrangement (the first is item "
                                       f"{first[a.type] + 1}); one promise per type: keep one interval_days")
            first.setdefault(a.type, a.index)


def peer_supervision_had(records: Records, as_of: date) -> Iterator[Problem]:
    """Everyone has some supervision from a peer (seed 003): ``supervision.peer_every_days``."""
    every = records.programme.peer_every_days if records.programme else None
    for o in _open(records, as_of, PEER_SUPERVISION):
        if o.overdue(as_of):
            since = f"since {o.since}" if o.since else "since joining"
            yield o.source.problem(o.field, "no-peer-supervision",
                                   f"no peer or group supervision {since}; the programme promises it every "
                                   f"{every} days (supervision.peer_every_days); record the next peer or group session")


def supervision_agreements(records: Records, as_of: date) -> Iterator[Problem]:
    """An active supporter has a signed supervision agreement, reviewed when it is due (the 'contract')."""
    for o in _open(records, as_of, AGREEMENT):
        if o.status == UNSIGNED:
            yield o.source.problem(o.field, "no-agreement",
                                   "active supporter with no signed supervision agreement; agree one together "
                                   "and record its date as supervision.agreement.signed")
        elif o.overdue(as_of):
            yield o.source.problem(o.field, "agreement-review",
                                   f"supervision agreement last agreed on {o.since} was due for review on {o.due}; "
                                   f"review it together and add the date to supervision.agreement.reviewed")
    for s in records.supporters:
        yield from _agreement_dates(s)


def _agreement_dates(s: Supporter) -> Iterator[Problem]:
    agreement = s.agreement
    if agreement is None:
        return
    if s.agreement_signed and agreement.signed != s.agreement_signed:
        yield s.source.problem(agreement.signed_field, "agreement-dates",
                               f"agreement signed on {agreement.signed} here but on {s.agreement_signed} in "
                               f"supervision.agreement_signed; keep one signed date (agreement.signed)")
    for i, day in enumerate(agreement.reviewed):
        if agreement.signed and day < agreement.signed:
            yield s.source.problem(("supervision", "agreement", "reviewed", i), "agreement-dates",
                                   f"agreement reviewed on {day}, before it was signed ({agreement.signed}); "
                                   f"fix the date")


def copies_given(records: Records, as_of: date) -> Iterator[Problem]:
    """Notes shared with the supporter are copied to them within copy_within_days (seed 000)."""
    within = records.copy_within_days
    for o in _open(records, as_of, COPY):
        if o.overdue(as_of):
            yield o.source.problem(o.field, "no-copy",
                                   f"no copy of these notes given to the supporter (expected within {within} "
                                   f"days); give them a copy and record copy_given: YYYY-MM-DD")
    for session in records.supervision:  # a copy given before the session is after_the_session's error
        given = session.copy_given
        if given is not None and session.copy_owed and (given - session.date).days > within:
            yield session.source.problem(("copy_given",), "no-copy",
                                         f"copy given {(given - session.date).days} days after the session, later "
                                         f"than the {within} days the programme aims for")

# --- safety in the field -------------------------------------------------------

def planned_meetings_updated(records: Records, as_of: date) -> Iterator[Problem]:
    """A planned meeting is marked held or cancelled once its day has passed, so the records say what happened."""
    for o in _open(records, as_of, PLANNED):
        if o.overdue(as_of):
            yield o.source.problem(o.field, "planned-overdue",
                                   f"this meeting was planned for {o.due}, which has passed; mark it held "
                                   f"(peerkit held FILE, with check-in, check-out and debrief) "
                                   f"or set status: cancelled")


def lone_working_times(records: Records, as_of: date) -> Iterator[Problem]:
    """A check-out comes after the check-in (a meeting may run past midnight only if it lasts that long)."""
    for m in records.meetings:
        lone = m.lone_working
        if lone is None or lone.checked_in is None or lone.checked_out is None:
            continue
        start, end = _minutes(lone.checked_in), _minutes(lone.checked_out)
        if end < start and start + m.duration_minutes < 24 * 60:
            yield m.source.problem(("lone_working", "checked_out"), "checkout-before-checkin",
                                   f"checked out at {lone.checked_out}, before checking in at {lone.checked_in}; "
                                   f"correct the time that is wrong")


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def lone_working_escalated(records: Records, as_of: date) -> Iterator[Problem]:
    """An escalation is something the coordinator must know about and follow up."""
    for o in _open(records, as_of, ESCALATION):
        yield o.source.problem(o.field, "escalated",
                               "lone working was escalated at this meeting; make sure the supporter is safe and "
                               "say in notes how it was followed up (it is listed under Needs attention)")


def concerns_have_actions(records: Records, as_of: date) -> Iterator[Problem]:
    """A follow-up or safeguarding concern needs an action, or nothing shows it was followed up."""
    for o in _open(records, as_of, CONCERN):
        if o.counts == (0, 0):
            yield o.source.problem(o.field, "concern-no-action",
                                   f"{o.subject} concern with no action recorded; add debrief.actions "
                                   f"(what will be done, with a due date) and mark each done when it is")


def venues_safe(records: Records, as_of: date) -> Iterator[Problem]:
    """Community venues are risk-assessed and in date; one-to-ones are not held where they can be overheard."""
    for m in records.meetings:
        if m.status == CANCELLED:
            continue
        venue, field = records.venue_of(m)
        if venue is None:
            continue
        where = f"{venue.name} (venues/{venue.id}.yaml)"
        if venue.needs_assessment:
            state = assessment_on(venue, m.date)
            if state.status == NEVER:
                first = f" (first assessed {state.first})" if state.first else ""
                yield m.source.problem(field, "venue-risk-assessment",
                                       f"{where} had no risk assessment on {m.date}{first}; assess a community venue "
                                       f"before meeting there and record risk_assessment.date")
            elif state.status == LAPSED:
                yield m.source.problem(field, "venue-risk-assessment",
                                       f"the risk assessment of {where} lapsed on {state.valid_until}, before this "
                                       f"meeting on {m.date}; review it and record the new date in risk_assessment "
                                       f"(the old one under previous)")
        if venue.overheard and m.kind == "one-to-one":
            yield m.source.problem(field, "venue-overheard",
                                   f"{where} is marked overheard: conversations there can be overheard, so it is "
                                   f"not for one-to-ones; meet somewhere private")


def groups_run_well(records: Records, as_of: date) -> Iterator[Problem]:
    """At every held group: the ground rules revisited, and the attendance counted (for evaluation)."""
    for m in records.meetings:
        if m.kind != "group" or not m.held:
            continue
        if m.ground_rules_revisited is not True:
            said = "not revisited" if m.ground_rules_revisited is False else "not recorded as revisited"
            yield m.source.problem(("ground_rules_revisited",), "ground-rules",
                                   f"ground rules {said} at this group; revisit them at every meeting and record "
                                   f"ground_rules_revisited: true")
        if m.attendance is None:
            yield m.source.problem(("attendance",), "no-attendance",
                                   "no attendance recorded for this group; add attendance (how many came)")


def quiet_matches(records: Records, as_of: date) -> Iterator[Problem]:
    """An active match with no meeting for a while: the mentee may have stepped back (say so kindly)."""
    for o in _open(records, as_of, QUIET_MATCH):
        if o.overdue(as_of) and o.since is not None:
            since = f"{o.since}" if o.status == "met" else f"they were matched on {o.since}"
            yield o.source.problem(o.field, "quiet-match",
                                   f"no meeting recorded since {since} ({(as_of - o.since).days} days; the "
                                   f"programme checks in after {records.quiet_after_days}); the mentee may have "
                                   f"stepped back for a while: a gentle check-in, and if they have moved on, "
                                   f"end the match (peerkit end {o.subject} --reason ...)")


def waiting_list(records: Records, as_of: date) -> Iterator[Problem]:
    """A referral should not wait long for a supporter."""
    for o in _open(records, as_of, WAITING):
        if o.overdue(as_of) and o.since is not None:
            yield o.source.problem(o.field, "waiting-too-long",
                                   f"referred {o.since} and waiting {(as_of - o.since).days} days for a supporter "
                                   f"(the programme aims to match within {records.waiting_alert_days}); match them, "
                                   f"or tell them what is happening and when")


def sessions_within_offer(records: Records, as_of: date) -> Iterator[Problem]:
    """Be clear about the number of sessions offered: more held than offered is worth a look."""
    for p in relationships(records, as_of).progress.values():
        if p.over_offer:
            yield p.match.source.problem(("sessions_offered",), "over-sessions",
                                         f"{p.held} one-to-one meetings held in this match, more than the "
                                         f"{p.match.sessions_offered} sessions offered; if more were agreed, raise "
                                         f"sessions_offered, otherwise plan the ending together")


def next_steps_recorded(records: Records, as_of: date) -> Iterator[Problem]:
    """A completed relationship ends with the mentee's plan for the months after."""
    for m in records.matches:
        if m.ending is not None and m.reason == "completed" and not m.ending.next_steps:
            yield m.source.problem(("ending", "reason"), "no-next-steps",
                                   "completed with no next steps; add ending.next_steps: the mentee's plan for "
                                   "the 3-6 months after the ending (and ending.signposted_to, if any)")


def rematch_patterns(records: Records, as_of: date) -> Iterator[Problem]:
    """Someone who keeps asking for a new person to work with, on either side, needs a conversation."""
    for flag in relationships(records, as_of).rematch_flags:
        ids = ", ".join(m.id for m in flag.matches)
        if flag.kind == MENTEE:
            yield flag.latest.source.problem(("mentee",), "rematch-pattern",
                                             f"mentee {flag.who} has been in {len(flag.matches)} matches in the last "
                                             f"12 months ({ids}); talk with them about what they need: another kind "
                                             f"of support may suit them better")
        else:
            yield flag.latest.source.problem(("ending", "reason"), "rematch-pattern",
                                             f"{flag.who} has had {len(flag.matches)} relationships end in breakdown "
                                             f"in the last 12 months ({ids}); talk it through in supervision")


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


RULES: tuple[Rule, ...] = (
    id_matches_file,
    dated_file_names,
    known_supporters,
    known_competencies,
    known_training,
    known_matches,
    known_places,
    evidence_files,
    evidence_owners,
    no_future_dates,
    within_membership,
    after_the_session,
    match_dates_in_order,
    mentee_is_a_code,
    no_contact_details,
    lone_working_checked,
    debriefed_in_time,
    two_facilitators,
    actions_done,
    planned_meetings_updated,
    lone_working_times,
    lone_working_escalated,
    concerns_have_actions,
    venues_safe,
    groups_run_well,
    one_arrangement_per_type,
    peer_supervision_had,
    supervision_agreements,
    copies_given,
    quiet_matches,
    waiting_list,
    sessions_within_offer,
    next_steps_recorded,
    rematch_patterns,
)


# Rules whose results depend only on the records and --as-of, so they may be
# remembered between runs; the evidence rule also depends on files that are not records.
CACHEABLE_RULES: tuple[Rule, ...] = tuple(rule for rule in RULES if rule is not evidence_files)


# Rules that look at each record alone (and --as-of), never at another record or the programme:
# a record's problems from these can be remembered with its content (see cache.remembered_rules).
# tests/test_accelerations.py holds each to that: run over one record, it finds what it finds over all.
LOCAL_RULES: tuple[Rule, ...] = (dated_file_names, no_future_dates, mentee_is_a_code, no_contact_details)

# The problems of the local rules given, over the records given: by default, run them.
LocalProblems = Callable[[Records, date, tuple[Rule, ...]], list[Problem]]


def run_local(records: Records, as_of: date, rules: tuple[Rule, ...]) -> list[Problem]:
    return [problem for rule in rules for problem in rule(records, as_of)]


def run_rules(records: Records, as_of: date, rules: tuple[Rule, ...] = RULES,
              local: LocalProblems = run_local) -> list[Problem]:
    """Every rule's problems, with the warnings the records acknowledge set aside.

    ``local`` finds the problems of those of ``rules`` in :data:`LOCAL_RULES` (an acceleration
    may answer them from what it remembers of each record).
    """
    problems = local(records, as_of, tuple(rule for rule in rules if rule in LOCAL_RULES))
    problems += [problem for rule in rules if rule not in LOCAL_RULES for problem in rule(records, as_of)]
    not_run = frozenset() if evidence_files in rules else frozenset(EVIDENCE_CODES.values())
    return acknowledge(records, problems, not_run)


# --- acknowledged warnings ---------------------------------------------------


def acknowledge(records: Records, problems: list[Problem], not_run: frozenset[str] = frozenset()) -> list[Problem]:
    """``problems`` with each acknowledged warning turned into an ``acknowledged`` note.

    An acknowledgement that matches no warning of its code on its record is
    itself a warning (they never pile up silently), and one that names an
    error, or no code at all, is an error: errors are fixed, not accepted.
    ``not_run``: codes of rules left out of this run (their acknowledgements
    cannot be judged stale here).
    """
    if not records.acknowledgements:
        return problems
    rel_of = {record.source.display: record.source.rel for kind in records.by_kind.values() for record in kind}
    used: set[tuple[str, str]] = set()
    out: list[Problem] = []
    for p in problems:
        ack = records.acknowledgement(rel_of.get(p.path, ""), p.code) if p.severity == WARNING else None
        if ack is None:
            out.append(p)
            continue
        used.add((rel_of[p.path], p.code))
        out.append(ack.source.problem(("acknowledged", ack.index), "acknowledged",
                                      f"{p.code} accepted by {ack.by} on {ack.date}: {ack.reason} "
                                      f"(line {p.line}: {p.message})"))
    for rel, acks in records.acknowledgements.items():
        for ack in acks:
            out.extend(_acknowledgement_problems(ack, (rel, ack.code) in used or ack.code in not_run))
    return out


def _acknowledgement_problems(ack: Acknowledgement, used: bool) -> Iterator[Problem]:
    from .codes import BY_CODE

    where = ("acknowledged", ack.index, "code")
    known = BY_CODE.get(ack.code)
    if known is None:
        warnings = sorted(c.code for c in BY_CODE.values() if c.severity == WARNING)
        yield ack.source.problem(where, "bad-acknowledgement",
                                 f"'{ack.code}' is not a warning code; {did_you_mean(ack.code, warnings)}"
                                 f"warnings that can be acknowledged: {', '.join(warnings)}")
    elif known.severity != WARNING:
        yield ack.source.problem(where, "bad-acknowledgement",
                                 f"'{ack.code}' is {'an' if known.severity == 'error' else 'a'} {known.severity}, "
                                 f"and only warnings can be acknowledged; fix what it reports instead")
    elif not used:
        yield ack.source.problem(where, "stale-acknowledgement",
                                 f"acknowledges '{ack.code}', but this record has no such warning now; "
                                 f"remove the acknowledgement")

