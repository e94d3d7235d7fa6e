"""What ``peerkit new`` asks on a terminal, and how each answer is read.

Each answer is checked as it is typed, in plain words (a name at the mentee
prompt is refused at once, not after every other prompt), with the same
vocabulary and rules ``check`` uses (the schema's choices,
``rules.looks_like_code``). Flags go through the same readers. The whole
record is still checked by the real pipeline before it is written
(:func:`peerkit.new.create`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

from .loader import as_time

_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
MENTEE_MAX = 12


class BadAnswer(ValueError):
    """An answer that cannot be used, with what to type instead."""


Reader = Callable[[str], Any]


@dataclass(frozen=True)
class Question:
    """One value ``new`` needs: its flag, its prompt, and how to read an answer."""

    name: str  # the key in ``values``
    flag: str
    prompt: str
    read: Reader = field(compare=False)
    required: bool = True
    default: str | None = None  # taken on Enter (and, if required, without a terminal)
    choices: tuple[str, ...] = ()
    multiple: bool = False

    def text(self) -> str:
        """The prompt as shown: choices listed, optional ones marked."""
        if self.multiple:
            listed = f": {', '.join(self.choices)}" if self.choices else ""
            hint = f" (separate with commas{listed})"
        else:
            hint = f" ({', '.join(self.choices)})" if self.choices else ""
        skip = "" if self.required or self.default is not None else " (optional, Enter to skip)"
        return f"{self.prompt}{hint}{skip}"


# --- readers: text -> value, or BadAnswer in plain words ------------------------------

def text(required: bool = True) -> Reader:
    def read(answer: str) -> str | None:
        answer = answer.strip()
        if not answer and required:
            raise BadAnswer("this is needed; type a value")
        return answer or None
    return read


def choice(options: tuple[str, ...], required: bool = True) -> Reader:
    def read(answer: str) -> str | None:
        answer = answer.strip()
        if not answer and not required:
            return None
        if answer in options:
            return answer
        raise BadAnswer(f"'{answer}' is not one of: {', '.join(options)}{_guess(answer, options)}")
    return read


def several(options: tuple[str, ...], required: bool = True, what: str = "value") -> Reader:
    """Comma-separated values, each one of ``options``."""
    def read(answer: str) -> tuple[str, ...] | None:
        parts = tuple(dict.fromkeys(p.strip() for p in answer.split(",") if p.strip()))
        if not parts:
            if required:
                raise BadAnswer(f"give at least one {what}, separated with commas")
            return None
        for part in parts:
            if part not in options:
                raise BadAnswer(f"'{part}' is not a known {what} (known: {_listing(options) or 'none yet'})"
                                f"{_guess(part, options)}")
        return parts
    return read


def supporter(people: tuple[str, ...], required: bool = True) -> Reader:
    def read(answer: str) -> str | None:
        answer = answer.strip()
        if not answer and not required:
            return None
        if not people:
            raise BadAnswer("there are no supporters yet; add one first: peerkit new supporter")
        if answer not in people:
            raise BadAnswer(f"no supporter '{answer}' (known ids: {_listing(people)}){_guess(answer, people)}")
        return answer
    return read


def mentee(answer: str) -> str:
    from .rules import looks_like_code

    answer = answer.strip()
    if not answer:
        raise BadAnswer("type the mentee's initials (e.g. DK) or code (e.g. M-0042)")
    if not looks_like_code(answer):
        raise BadAnswer(f"'{answer}' looks like a name; type initials (e.g. DK) or a code (e.g. M-0042), never a name")
    if len(answer) > MENTEE_MAX:
        raise BadAnswer(f"'{answer}' is longer than {MENTEE_MAX} characters; initials or a short code only")
    return answer


def whole_number(what: str, low: int, high: int, required: bool = True, example: int = 60) -> Reader:
    def read(answer: str) -> int | None:
        answer = answer.strip()
        if not answer and not required:
            return None
        try:
            number = int(answer)
        except ValueError:
            raise BadAnswer(f"'{answer}' is not a whole number of {what}; type digits only, e.g. {example}") from None
        if not low <= number <= high:
            raise BadAnswer(f"{number} {what} is out of range; type {low} to {high}")
        return number
    return read


def hours(answer: str) -> float | int:
    answer = answer.strip()
    try:
        number = float(answer)
    except ValueError:
        comma = answer.replace(",", ".", 1)
        if re.fullmatch(r"\d+\.\d+", comma):
            raise BadAnswer(f"'{answer}' is not a number of hours; write the decimals after a point: {comma}") from None
        raise BadAnswer(f"'{answer}' is not a number of hours; type e.g. 2 or 1.5") from None
    if not 0 < number <= 500:
        raise BadAnswer(f"{answer} hours is out of range; type more than 0 and at most 500")
    return int(number) if number.is_integer() else number


def a_date(today: date, required: bool = True, ahead: bool = False) -> Reader:
    """A YYYY-MM-DD date, not after ``today`` unless it may be ``ahead`` (a planned meeting)."""
    def read(answer: str) -> date | None:
        answer = answer.strip()
        if not answer and not required:
            return None
        try:
            day = date.fromisoformat(answer)
        except ValueError:
            raise BadAnswer(f"'{answer}' is not a date; type YYYY-MM-DD, e.g. {today.isoformat()}") from None
        if day > today and not ahead:
            raise BadAnswer(f"{day} is after today; record things once they have happened")
        return day
    return read


def a_time(answer: str) -> str | None:
    answer = answer.strip()
    if not answer:
        return None
    padded = as_time(answer)
    if not _TIME.fullmatch(padded):
        raise BadAnswer(f"'{answer}' is not a time; type HH:MM on the 24-hour clock, e.g. 09:05 or 17:30")
    return padded


def _guess(value: str, options) -> str:
    from .rules import did_you_mean

    hint = did_you_mean(value, options).strip()
    return f"; {hint}" if hint else ""


def _listing(options) -> str:
    from .rules import listing

    return listing(sorted(options))


# --- the questions of each kind -------------------------------------------------------

def questions(kind: str, values: dict[str, Any], root: Path, today: date) -> list[Question]:
    """Every question for ``kind`` in the order asked; later ones depend on earlier answers."""
    from .new import choices, known_supporters

    people = tuple(known_supporters(root))
    on = today.isoformat()
    if kind == "supporter":
        return [Question("name", "--name", "Full name", text()),
                Question("status", "--status", "Status", choice(choices("supporter", "status")),
                         choices=choices("supporter", "status")),
                Question("joined", "--joined", "Joined (YYYY-MM-DD)", a_date(today), required=False, default=on),
                Question("roles", "--role", "Roles", several(choices("supporter", "roles"), False, "role"),
                         required=False, choices=choices("supporter", "roles"), multiple=True)]
    dated = Question("date", "--date", "Date (YYYY-MM-DD)", a_date(today), required=False, default=on)
    if kind == "meeting":
        planned = bool(values.get("planned"))
        if planned:  # recorded ahead: its date may be after today
            dated = Question("date", "--date", "Date (YYYY-MM-DD)", a_date(today, ahead=True), required=False,
                             default=on)
        asked = [dated, Question("kind", "--kind", "Kind of meeting", choice(choices("meeting", "kind")),
                                 choices=choices("meeting", "kind"))]
        if values.get("kind") == "group":
            asked.append(Question("facilitators", "--facilitator", "Facilitators' ids",
                                  several(people, what="supporter id"), choices=people, multiple=True))
        elif values.get("kind"):
            asked.append(Question("supporter", "--supporter", "Supporter id", supporter(people), choices=people))
        if values.get("kind") == "one-to-one":
            asked.append(Question("mentee", "--mentee", "Mentee initials or code (never a name)", mentee))
        asked += [Question("setting", "--setting", "Setting", choice(choices("meeting", "setting")),
                           choices=choices("meeting", "setting")),
                  Question("duration", "--duration", "Duration in minutes", whole_number("minutes", 1, 1440))]
        if values.get("kind") == "group":
            asked += [Question("topic", "--topic", "Topic", text(False), required=False),
                      Question("attendance", "--attendance", "Attendance (people at the group)",
                               whole_number("people", 0, 1000, False, example=8), required=False)]
        if planned:
            asked.append(Question("start", "--start", "Starts at (HH:MM)", a_time, required=False))
        elif values.get("setting") == "community":
            asked += [Question("checked_in", "--checked-in", "Lone working: checked in at (HH:MM)", a_time,
                               required=False),
                      Question("checked_out", "--checked-out", "Lone working: checked out at (HH:MM)", a_time,
                               required=False)]
        return asked
    if kind == "supervision":
        return [dated,
                Question("supporters", "--supporter", "Supporter ids", several(people, what="supporter id"),
                         choices=people, multiple=True),
                Question("type", "--type", "Type of supervision", choice(choices("supervision", "type")),
                         choices=choices("supervision", "type")),
                Question("supervisor", "--supervisor", "Supervisor's name", text(),
                         default=agreed_supervisor(root, values.get("supporters") or ())),
                Question("focus", "--focus", "Focus", several(choices("supervision", "focus"), what="focus"),
                         choices=choices("supervision", "focus"), multiple=True),
                Question("duration", "--duration", "Duration in minutes", whole_number("minutes", 1, 1440, False),
                         required=False)]
    if kind == "cpd":
        return [dated,
                Question("supporter", "--supporter", "Supporter id", supporter(people), choices=people),
                Question("title", "--title", "Title", text()),
                Question("type", "--type", "Type of CPD", choice(choices("cpd", "type")),
                         choices=choices("cpd", "type")),
                Question("hours", "--hours", "Hours", hours)]
    if kind == "match":  # no supporter: a referral on the waiting list
        asked = [Question("referred", "--referred", "Referred on (YYYY-MM-DD)", a_date(today), required=False,
                          default=on),
                 Question("mentee", "--mentee", "Mentee initials or code (never a name)", mentee),
                 Question("supporter", "--supporter", "Supporter id, if matched now", supporter(people, False),
                          required=False, choices=people)]
        if values.get("supporter"):
            asked += [Question("matched", "--matched", "Matched on (YYYY-MM-DD)", a_date(today), required=False,
                               default=on),
                      Question("sessions", "--sessions", "Sessions offered",
                               whole_number("sessions", 1, 200, example=6))]
        return asked
    return []


def agreed_supervisor(root: Path, people) -> str | None:
    """The supervisor named in the supporters' own records (supervision.supervisor), when they agree."""
    from .loader import load_file

    found: set[str] = set()
    for person in people:
        loaded = load_file(str(root / "supporters" / f"{person}.yaml"), f"supporters/{person}.yaml", person)
        data = loaded.data if loaded.ok and isinstance(loaded.data, dict) else {}
        supervision = data.get("supervision")
        name = supervision.get("supervisor") if isinstance(supervision, dict) else None
        if not isinstance(name, str) or not name.strip():
            return None
        found.add(name.strip())
    return found.pop() if len(found) == 1 else None
