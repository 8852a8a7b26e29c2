"""The few colours that carry meaning on the shop floor, in one place: status badges, results, failures.

Each pair is (background, text) with a contrast ratio of at least 4.5:1, so the word stays readable on
a washed-out bench monitor; the word itself always says the status too, colour only helps.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from app.models import ItemStatus

GOOD = ("#2b8a3e", "#ffffff")
WARN = ("#f59f00", "#1a1a1a")
ALERT = ("#d9480f", "#ffffff")
BAD = ("#c92a2a", "#ffffff")
NEUTRAL = ("#5c636a", "#ffffff")
ACTIVE = ("#1864ab", "#ffffff")

STATUS_COLOURS: dict[ItemStatus, tuple[str, str]] = {
    ItemStatus.RELEASED: GOOD,
    ItemStatus.ON_HOLD: WARN,
    ItemStatus.QUARANTINED: ALERT,
    ItemStatus.SCRAPPED: BAD,
    ItemStatus.SHIPPED: NEUTRAL,
    ItemStatus.CONSUMED: NEUTRAL,
    ItemStatus.IN_PROCESS: ACTIVE,
}

# Text colours for words inside tables (white background): darker than the badge fills.
TEXT_GOOD = QColor("#1e6b2f")
TEXT_WARN = QColor("#8a5a00")
TEXT_BAD = QColor("#b00020")
TEXT_MUTED = QColor("#5c636a")
FILL_BAD = QColor("#fde8e8")

RESULT_TEXT = {
    "pass": TEXT_GOOD,
    "fail": TEXT_BAD,
    "rework": TEXT_WARN,
    "in_progress": TEXT_MUTED,
    "open": TEXT_WARN,
}

STATUS_TEXT: dict[ItemStatus, QColor] = {
    ItemStatus.RELEASED: TEXT_GOOD,
    ItemStatus.ON_HOLD: TEXT_WARN,
    ItemStatus.QUARANTINED: TEXT_BAD,
    ItemStatus.SCRAPPED: TEXT_BAD,
    ItemStatus.SHIPPED: TEXT_MUTED,
    ItemStatus.CONSUMED: TEXT_MUTED,
    ItemStatus.IN_PROCESS: QColor("#14508a"),
}


def status_colours(status: ItemStatus | str) -> tuple[str, str]:
    try:
        return STATUS_COLOURS[ItemStatus(status)]
    except ValueError:
        return NEUTRAL


def status_text_colour(status: ItemStatus | str) -> QColor | None:
    try:
        return STATUS_TEXT[ItemStatus(status)]
    except ValueError:
        return None


def badge_style(colours: tuple[str, str]) -> str:
    """A label as a coloured verdict badge: `colours` is (background, text), e.g. GOOD or BAD."""
    background, text = colours
    return f"QLabel {{ background: {background}; color: {text}; padding: 6px 10px; border-radius: 4px; }}"
