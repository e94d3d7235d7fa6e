"""A small hand-made programme for build and portfolio tests.

Two supporters, Amara (amara) and Bex (bex), with a unique marker word in
every field whose text must stay where it belongs. ``MARKERS`` says which
markers may appear in Amara's portfolio and which must not.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

AS_OF = "2026-06-30"

FILES = {
    "programme.yaml": """
        name: Riverside Peer Mentoring
        organisation: Riverside Health Trust
        supervision:
          default_interval_days: 42
        cpd:
          target_hours_per_year: 20
        debrief_within_days: 2
        mandatory_training:
          - id: safeguarding
            title: Safeguarding adults
            renew_every_months: 12
          - id: lone-working
            title: Lone working
            renew_every_months: 24
          - id: equality
            title: Equality and diversity
        competencies:
          - id: listening
            title: Effective listening
            group: Skills
          - id: boundaries
            title: Confidentiality and boundaries
            group: Skills
          - id: safeguarding
            title: Understanding of safeguarding
            group: Knowledge
        """,
    "supporters/amara.yaml": """
        id: amara
        name: Amara Okafor
        status: active
        joined: 2025-01-06
        roles: [one-to-one, group]
        training:
          induction_completed: 2025-01-10
          core_completed: 2025-02-20
          accreditation:
            body: OCN London
            title: Peer Mentoring
            level: 2
            awarded: 2025-04-01
        supervision:
          interval_days: 28
          supervisor: Helen Clarke
          agreement_signed: 2025-01-10
        development_plan:
          - goal: Co-facilitate the newly diagnosed group
            competency: boundaries
            target: 2026-09-01
            status: in-progress
        competencies_assessed:
          listening: 2025-03-01
        notes: Coordinator note Corvidcoordnote.
        """,
    "supporters/bex.yaml": """
        id: bex
        name: Bex Quillfeather
        status: active
        joined: 2025-01-06
        roles: [group]
        notes: Bexprivatenote about Bex.
        """,
    "meetings/2026/2026-05-04-one-to-one-q9.yaml": """
        date: 2026-05-04
        kind: one-to-one
        supporter: amara
        mentee: "Q9ZM"
        setting: community
        duration_minutes: 90
        lone_working:
          checked_in: "18:00"
          checked_out: "19:40"
        debrief:
          date: 2026-05-05
          method: phone
          notes: Debriefnotemarker went fine.
        notes: Meetingnotemarker about the mentee.
        """,
    "meetings/2026/2026-05-10-one-to-one-x7.yaml": """
        date: 2026-05-10
        kind: one-to-one
        supporter: amara
        mentee: "X7-0042"
        setting: telephone
        duration_minutes: 30
        notes: No debrief recorded for this one.
        """,
    "meetings/2026/2026-05-12-group.yaml": """
        date: 2026-05-12
        kind: group
        facilitators: [amara, bex]
        setting: in-house
        duration_minutes: 120
        topic: Grouptopicmarker
        attendance: 7
        ground_rules_revisited: true
        debrief:
          date: 2026-05-12
          method: in-person
        notes: Groupnotemarker.
        """,
    "meetings/2026/2026-05-19-group-solo.yaml": """
        date: 2026-05-19
        kind: group
        facilitators: [bex]
        setting: in-house
        duration_minutes: 120
        attendance: 5
        ground_rules_revisited: true
        debrief:
          date: 2026-05-19
          method: in-person
        """,
    "supervision/2026/2026-03-02-amara.yaml": """
        date: 2026-03-02
        supporter: amara
        type: clinical
        supervisor: Helen Clarke
        duration_minutes: 60
        focus: [reflection, restoration]
        notes: Sharedsupnotemarker stays out of the portfolio too.
        actions:
          - action: Read the boundaries policy Ownactionmarker
            due: 2026-04-01
            done: 2026-03-20
            outcome: Discussed in the team meeting
          - action: Shadow a group session
            due: 2026-04-15
            done: false
        copy_given: 2026-03-03
        """,
    "supervision/2026/2026-04-06-amara-private.yaml": """
        date: 2026-04-06
        supporter: amara
        type: managerial
        supervisor: Helen Clarke
        focus: [development]
        notes: Unsharednotemarker.
        actions:
          - action: Unsharedactionmarker
        shared_with_supporter: false
        """,
    "supervision/2026/2026-04-20-group.yaml": """
        date: 2026-04-20
        supporters: [amara, bex]
        type: group
        supervisor: Helen Clarke
        focus: [reflection]
        notes: Groupsupnotemarker.
        actions:
          - action: Groupactionmarker for Bex
            due: 2026-05-01
            done: true
        """,
    "cpd/amara/2025-07-20-safeguarding.yaml": """
        supporter: amara
        date: 2025-07-20
        title: Ownsafeguardingmarker refresher
        type: e-learning
        provider: NHS e-Learning for Healthcare
        hours: 3
        mandatory: safeguarding
        competencies: [safeguarding]
        reflection: |
          I now know **when** to escalate a concern. Ownreflectionmarker.
        evidence: [evidence/amara/safeguarding.pdf]
        """,
    "cpd/amara/2025-06-01-lone-working.yaml": """
        supporter: amara
        date: 2025-06-01
        title: Lone working
        type: course
        hours: 2
        mandatory: lone-working
        """,
    "cpd/bex/2026-02-01-listening.yaml": """
        supporter: bex
        date: 2026-02-01
        title: Bexcpdmarker listening course
        type: workshop
        hours: 6
        competencies: [listening]
        reflection: Bexreflectionmarker.
        """,
}

# In Amara's portfolio: what must appear, and what must never appear.
AMARA_OWN = ["Amara Okafor", "Ownsafeguardingmarker", "Ownreflectionmarker", "Ownactionmarker", "OCN London"]
NOT_IN_AMARA = ["Quillfeather", "Bexprivatenote", "Bexcpdmarker", "Bexreflectionmarker", "Q9ZM", "X7-0042",
                "Meetingnotemarker", "Debriefnotemarker", "Grouptopicmarker", "Groupnotemarker",
                "Unsharednotemarker", "Unsharedactionmarker", "Groupactionmarker", "Groupsupnotemarker",
                "Sharedsupnotemarker", "Corvidcoordnote"]


def write_sample(root: Path, files: dict[str, str] = FILES) -> Path:
    """Write the sample programme under ``root`` and return ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    evidence = root / "evidence/amara/safeguarding.pdf"
    evidence.parent.mkdir(parents=True, exist_ok=True)
    evidence.write_bytes(b"%PDF-1.4\n% certificate placeholder\n")
    return root
