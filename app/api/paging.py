"""Keyset pagination over a trace: nodes in a stable order (depth, part, identifier, id) and an opaque
cursor naming the last node given, so a page boundary never skips or repeats a node."""

from __future__ import annotations

import base64
import json
from bisect import bisect_right
from typing import Any

from app.services.errors import ValidationError
from app.services.trace_views import TraceNode

MAX_LIMIT = 1000


def sort_key(node: TraceNode) -> tuple[int, str, str, str]:
    return (node.depth, node.part_number, node.identifier, str(node.id))


def encode(key: tuple[Any, ...]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[int, str, str, str]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        depth, part, identifier, node_id = raw
        return (int(depth), str(part), str(identifier), str(node_id))
    except (ValueError, TypeError):
        raise ValidationError("The cursor is not one this server gave out. Start again without a cursor, "
                              "then pass each page's next_cursor.") from None


def page(nodes: list[TraceNode], limit: int, cursor: str | None) -> tuple[list[TraceNode], str | None]:
    ordered = sorted(nodes, key=sort_key)
    keys = [sort_key(n) for n in ordered]
    start = bisect_right(keys, decode(cursor)) if cursor else 0
    chunk = ordered[start:start + limit]
    more = start + limit < len(ordered)
    return chunk, (encode(sort_key(chunk[-1])) if more and chunk else None)
