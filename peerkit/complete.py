"""Shell completion of the ids a coordinator types: supporters, competencies, training.

Click asks these functions for candidates while the user presses Tab, so
they must be quick and must never fail: they read file names in
``supporters/`` and the one ``programme.yaml`` (through peerkit's own
loader, which refuses alias bombs), and answer nothing when the records
cannot be read. Which records folder: the ``RECORDS`` argument when it was
already typed, else the one the commands find (``places.find_records``).
"""

from __future__ import annotations

from pathlib import Path

import click
from click.shell_completion import CompletionItem

def records_folder(ctx: click.Context) -> Path | None:
    """The records folder the command line names, or the one the user stands in (as commands find it)."""
    from .places import PlaceError, find_records

    given = ctx.params.get("records")
    if given is None or ctx.get_parameter_source("records") == click.core.ParameterSource.DEFAULT:
        # While an option's value is being completed, Click leaves the words after the
        # last complete option unparsed: RECORDS may be among them.
        given = next((Path(word) for word in ctx.args if not word.startswith("-") and Path(word).is_dir()), None)
    try:
        return find_records(Path(given) if given is not None else None).root
    except PlaceError:
        return None


def supporter_ids(root: Path | None) -> list[str]:
    """Supporter ids: the file names in ``supporters/``, as check reads them."""
    if root is None:
        return []
    folder = root / "supporters"
    try:
        return sorted({p.stem for p in folder.iterdir()
                       if p.suffix in (".yaml", ".yml") and not p.name.startswith(".")})
    except OSError:
        return []


def programme_ids(root: Path | None, field: str) -> list[tuple[str, str]]:
    """(id, title) of each item of ``programme.yaml``'s ``field`` list, or nothing if it cannot be read."""
    from .loader import load_file

    if root is None:
        return []
    path = root / "programme.yaml"
    loaded = load_file(str(path), "programme.yaml", "programme.yaml")
    items = loaded.data.get(field) if loaded.ok and isinstance(loaded.data, dict) else None
    if not isinstance(items, list):
        return []
    return [(str(item["id"]), str(item.get("title") or "")) for item in items
            if isinstance(item, dict) and isinstance(item.get("id"), str)]


def _items(pairs: list[tuple[str, str]], incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(value, help=help_text or None) for value, help_text in pairs if value.startswith(incomplete)]


def complete_supporter(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    return _items([(i, "") for i in supporter_ids(records_folder(ctx))], incomplete)


def complete_competency(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    return _items(programme_ids(records_folder(ctx), "competencies"), incomplete)


def complete_training(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    return _items(programme_ids(records_folder(ctx), "mandatory_training"), incomplete)

