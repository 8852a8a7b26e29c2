"""Plain-text rendering of lookup results for the terminal."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TextIO

from app.services.lookup_views import ItemHistory, ItemSummary


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


def print_item_list(items: Iterable[ItemSummary], out: TextIO) -> None:
    for item in items:
        print(f"  {item.code:<18} {item.part_number} rev {item.revision:<4} {item.quantity:g} {item.unit:<4} "
              f"{item.status.label}", file=out)


def print_history(h: ItemHistory, out: TextIO) -> None:
    item = h.item
    print(f"{item.title}  [{item.status.label}]", file=out)
    print(f"  {item.description}; quantity {item.quantity:g} {item.unit}; created {_when(item.created_at)}",
          file=out)
    if h.work_order:
        print(f"  work order {h.work_order}", file=out)
    for kind, value in h.identifiers:
        print(f"  {kind}: {value}", file=out)
    if h.origin:
        o = h.origin
        print(f"  from {o.supplier}, supplier lot {o.supplier_lot or '—'}, heat {o.heat_number or '—'}, "
              f"certificate {o.material_cert_ref or '—'}", file=out)
    for title, links in (("Made from", h.made_from), ("Used in", h.used_in)):
        if links:
            print(f"\n{title}:", file=out)
            for link in links:
                print(f"  {link.quantity:g} × {link.item.title} [{link.item.status.label}]", file=out)
    if h.steps:
        print("\nSteps:", file=out)
    for s in h.steps:
        params = ", ".join(f"{p.name} {p.value}" for p in s.parameters)
        print(f"  {_when(s.started_at)}  {s.operation:<22} {s.station or '—':<14} {s.equipment or '—':<28} "
              f"{s.operator:<20} {s.result}{'  ' + params if params else ''}", file=out)
    for insp in h.inspections:
        print(f"\nInspection {insp.plan}, {_when(insp.inspected_at)} by {insp.inspector}: {insp.result}", file=out)
        for m in insp.measurements:
            mark = "ok " if m.passed else "NOK"
            print(f"  {mark} {m.characteristic:<26} {m.value:<14} {m.limits:<26} {m.gauge or ''}", file=out)
    for n in h.nonconformances:
        print(f"\nNonconformance {n.number} [{n.status}{', ' + n.disposition if n.disposition else ''}]: "
              f"{n.description}", file=out)
    for s in h.shipments:
        print(f"\nShipped {_when(s.shipped_at)} on {s.number} to {s.customer}"
              f"{', order ' + s.order if s.order else ''}", file=out)
