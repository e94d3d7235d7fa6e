"""Where the schemas and templates are: inside the package once installed,
at the top of the repository in a source checkout (and editable installs)."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """``schemas`` or ``templates``: ``peerkit/<name>`` in a wheel, else ``<repo>/<name>``."""
    packaged = _HERE / name
    return packaged if packaged.is_dir() else _HERE.parent / name
