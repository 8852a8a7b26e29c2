"""How values read on screen: local times, quantities, result words. Plain functions, used by the models."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.models import ItemStatus

STATUS_LABELS = {
    ItemStatus.RELEASED: "Released",
    ItemStatus.QUARANTINED: "Quarantined",
    ItemStatus.ON_HOLD: "On hold",
    ItemStatus.IN_PROCESS: "In process",
    ItemStatus.SCRAPPED: "Scrapped",
    ItemStatus.CONSUMED: "Consumed",
    ItemStatus.SHIPPED: "Shipped",
}


def local_time(value: datetime | None) -> str:
    """A timestamp in the bench PC's time zone. SQLite hands back naive values; they are UTC."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def local_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_time(value)[:10]
    return value.isoformat()


def number(value: float | None) -> str:
    """12.0 → '12', 0.25 → '0.25': quantities without noise."""
    if value is None:
        return ""
    return f"{value:,.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


def quantity(value: float | None, unit: str | None) -> str:
    text = number(value)
    return f"{text} {unit}" if text and unit else text


def status_label(status: ItemStatus | str) -> str:
    try:
        return STATUS_LABELS[ItemStatus(status)]
    except ValueError:
        return word(str(status))


def word(value: str | None) -> str:
    """An enum value as a word people read: 'in_progress' → 'In progress'."""
    text = (value or "").replace("_", " ")
    return text[:1].upper() + text[1:]
