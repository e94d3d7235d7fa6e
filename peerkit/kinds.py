"""The registry of record kinds: the one place that lists them.

Each :class:`Kind` says where its files live, which schema checks them, which
model class holds them, and what ``peerkit export`` and ``peerkit new`` do with
them. Discovery, validation, the model stage, the CLI, ``export``, ``new`` and
``init`` all read this list, so adding a kind is one entry here, its schema in
``schemas/`` and its model class (ARCHITECTURE.md walks through it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from . import export, new
from .model import CpdEntry, Group, Match, Meeting, Programme, Supervision, Supporter, Venue


@dataclass(frozen=True)
class Kind:
    name: str  # "meeting": schemas/meeting.schema.json, `peerkit schema meeting`
    folder: str | None  # "meetings"; None for the single file programme.yaml
    model: Any  # its class, with from_data(data, source)
    flat: bool = False  # files sit directly in the folder and are named by id (supporters/<id>.yaml)
    export: Callable[..., Any] | None = None  # `peerkit export <folder>`: rows for CSV
    new: Callable[..., Any] | None = None  # `peerkit new <name>`: (path stem, data) from the user's values

    @property
    def schema(self) -> str:
        return self.name


KINDS: tuple[Kind, ...] = (
    Kind("programme", None, Programme),
    Kind("supporter", "supporters", Supporter, flat=True, export=export.supporters, new=new.supporter_record),
    Kind("meeting", "meetings", Meeting, export=export.meetings, new=new.meeting_record),
    Kind("supervision", "supervision", Supervision, export=export.supervision, new=new.supervision_record),
    Kind("cpd", "cpd", CpdEntry, export=export.cpd, new=new.cpd_record),
    Kind("match", "matches", Match, export=export.matches, new=new.match_record),
    Kind("venue", "venues", Venue, flat=True),
    Kind("group", "groups", Group, flat=True),
)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
BY_FOLDER: dict[str, Kind] = {kind.folder: kind for kind in KINDS if kind.folder}
NAMES: tuple[str, ...] = tuple(BY_NAME)
EXPORTABLE: dict[str, Kind] = {kind.folder: kind for kind in KINDS if kind.folder and kind.export}
CREATABLE: tuple[str, ...] = tuple(kind.name for kind in KINDS if kind.new)
