"""What changed between two versions of Threadline, for the "Threadline was updated" message.

The notes are a short Markdown file shipped in the package (app/resources/changes.md): one `## VERSION`
heading per release and a few `- ` lines under it, written for the people at the bench. No Qt here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

_HEADING = re.compile(r"^##\s+v?(\d+(?:\.\d+)*\S*)")
_LEADING_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class ReleaseNote:
    version: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class UpdateNotice:
    """What to tell the person after an update: the version now running, what changed since the one this
    PC ran before, and — when the database schema was migrated — from which revision and where the backup is."""

    version: str
    previous_version: str | None
    notes: tuple[ReleaseNote, ...]
    migrated_from: str | None = None
    backup: Path | None = None


def version_key(version: str) -> tuple[int, ...]:
    """'0.10.2' → (0, 10, 2), so 0.10 sorts after 0.9. A part with a suffix ('0rc1') counts by its number;
    a part without one counts as 0. Enough for Threadline's own plain version numbers."""
    key = []
    for part in version.strip().lstrip("v").split("."):
        number = _LEADING_NUMBER.match(part)
        key.append(int(number.group()) if number else 0)
    while len(key) > 1 and key[-1] == 0:  # 0.1 and 0.1.0 are the same version
        key.pop()
    return tuple(key)


def parse_notes(text: str) -> list[ReleaseNote]:
    """The releases in `text`, newest first, whatever order the file lists them in."""
    notes: list[ReleaseNote] = []
    version: str | None = None
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        heading = _HEADING.match(line)
        if heading:
            if version is not None:
                notes.append(ReleaseNote(version, tuple(lines)))
            version, lines = heading.group(1), []
        elif version is not None and line.startswith("- "):
            lines.append(line[2:].strip())
        elif version is not None and line and lines and not line.startswith(("#", "<!--")):
            lines[-1] += " " + line  # a wrapped item continues on the next line
    if version is not None:
        notes.append(ReleaseNote(version, tuple(lines)))
    return sorted(notes, key=lambda note: version_key(note.version), reverse=True)


def shipped_notes() -> list[ReleaseNote]:
    return parse_notes((resources.files("app") / "resources" / "changes.md").read_text(encoding="utf-8"))


def notes_between(since: str | None, up_to: str, notes: list[ReleaseNote] | None = None) -> list[ReleaseNote]:
    """The releases newer than `since` (all when None) and not newer than `up_to`, newest first."""
    notes = shipped_notes() if notes is None else notes
    low = version_key(since) if since else None
    high = version_key(up_to)
    return [note for note in notes
            if version_key(note.version) <= high and (low is None or version_key(note.version) > low)]


def update_notice(last_version: str | None, version: str, *, migrated_from: str | None = None,
                  backup: Path | None = None, notes: list[ReleaseNote] | None = None) -> UpdateNotice | None:
    """Whether to say "Threadline was updated", and what. Nothing on a PC's first start (no last version)
    unless the database was migrated there — the backup made then is worth knowing about — and nothing when
    the same or an older version starts again on an unchanged schema."""
    rose = bool(last_version) and version_key(version) > version_key(last_version or "")
    if not rose and migrated_from is None:
        return None
    notes = shipped_notes() if notes is None else notes
    if rose:
        changes = notes_between(last_version, version, notes)
    elif not last_version:  # migrated on this PC's first start: what the version it runs brought
        changes = [note for note in notes if version_key(note.version) == version_key(version)]
    else:  # the same version migrated the schema (another PC's older release left it behind)
        changes = []
    return UpdateNotice(version, last_version or None, tuple(changes), migrated_from, backup)
