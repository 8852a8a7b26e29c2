"""One event per tag presence: a tag lying on a reader is reported once, not at every inventory round."""

from __future__ import annotations


class TagPresence:
    """Tracks when each tag was last seen. A sighting is new when the tag was never seen, or has been absent
    for longer than `hold` seconds; every sighting restarts that tag's absence clock. `hold` 0 reports all."""

    def __init__(self, hold: float) -> None:
        self.hold = hold
        self._last_seen: dict[str, float] = {}
        self._next_prune = 0.0

    def is_new(self, tag: str, now: float) -> bool:
        if self.hold <= 0:
            return True
        last = self._last_seen.get(tag)
        self._last_seen[tag] = now
        if now >= self._next_prune:  # forget long-gone tags so a shift's worth of parts does not pile up
            self._last_seen = {k: t for k, t in self._last_seen.items() if now - t <= self.hold}
            self._next_prune = now + max(self.hold, 1.0) * 10
        return last is None or now - last > self.hold
