"""peerkit/edit.py, the one module that edits a record in place (used by fmt, check --fix and small edits)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from conftest import write
from peerkit.edit import EditError, plan, replace_file

COMMENTED = """\
# Referred by the clinic health adviser.
date: 2025-03-04
kind: one-to-one
supporter: amara-okafor
mentee: "DK"   # initials only
setting: community  # met at the library
duration_minutes: 60

# The coordinator's notes
notes: |
  Prefers evening sessions.
"""
ORDER = ["date", "kind", "supporter", "mentee", "setting", "duration_minutes", "lone_working", "debrief", "notes"]


def test_set_fields_in_place_keeps_comments_and_adds_in_schema_order(tmp_path):
    path = write(tmp_path / "m.yaml", COMMENTED)
    edit = plan(path, "meetings/2025/m.yaml", "m.yaml", {
        "setting": "online", "debrief": {"method": "phone", "date": date(2025, 3, 5)},
        "lone_working": {"checked_in": "18:00"}}, ORDER, kind="meeting")
    assert edit.text == COMMENTED.replace("setting: community  # met", "setting: online  # met").replace(
        "duration_minutes: 60\n", 'duration_minutes: 60\nlone_working:\n  checked_in: "18:00"\n'
        "debrief:\n  date: 2025-03-05\n  method: phone\n")
    replace_file(path, edit.old, edit.text)
    assert path.read_text() == edit.text and edit.data["debrief"] == {"date": "2025-03-05", "method": "phone"}


def test_line_ends_and_byte_order_mark_are_kept(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + COMMENTED.replace("\n", "\r\n").encode())
    edit = plan(path, "meetings/2025/m.yaml", "m.yaml", {"kind": "group"}, ORDER, kind="meeting")
    assert edit.text.encode().startswith(b"\xef\xbb\xbf# Referred") and "kind: group\r\n" in edit.text
    assert "\n" not in edit.text.replace("\r\n", "")


@pytest.mark.parametrize("text, message", [
    ("{date: 2025-03-04, kind: one-to-one}\n", "written in flow style"),
    ("date: 2025-03-04\ncheck_in: 18:30\n", "has errors; fix them first (peerkit check)"),
    ("date: 2025-03-04\nsetting: >\n  community\n", "'setting' is already in the file; edit it by hand"),
])
def test_what_cannot_be_edited_safely_is_refused(tmp_path, text, message):
    path = write(tmp_path / "m.yaml", text)
    with pytest.raises(EditError, match=re.escape(message)):
        plan(path, "meetings/2025/m.yaml", "m.yaml", {"setting": "online", "notes": "x"}, ORDER, kind="meeting")
    assert path.read_text() == text


def test_replace_file_refuses_a_file_changed_meanwhile_and_a_link(tmp_path):
    path = write(tmp_path / "m.yaml", COMMENTED)
    edit = plan(path, "meetings/2025/m.yaml", "m.yaml", {"kind": "group"}, ORDER, kind="meeting")
    path.write_text(COMMENTED + "# someone else\n")
    with pytest.raises(EditError, match="changed while peerkit was editing it"):
        replace_file(path, edit.old, edit.text)
    link = tmp_path / "link.yaml"
    link.symlink_to(path)
    with pytest.raises(EditError, match="link"):
        replace_file(link, path.read_bytes(), edit.text)
    assert link.is_symlink() and path.read_text() == COMMENTED + "# someone else\n"
