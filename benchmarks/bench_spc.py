"""SPC engine speed: limits plus every rule for 1,000,000 individuals (I-MR) and 10,000 subgroups of 5
(X̄-R, X̄-S), median of several runs; the first (cold) run, which also computes d2/d3/c4, is shown apart.

Run: .venv/bin/python benchmarks/bench_spc.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from app import spc
from app.spc.constants import c4, d2, d3

EVERY_RULE = tuple(spc.RULES.values())  # the basic, Western Electric and Nelson rules: 13 detections
LIMITS_ONLY = spc.select("basic")


def analyse(build: Callable[[], spc.ControlChart]) -> int:
    """What a chart screen needs: the limits, every rule on the chart, limits on its R/S/MR chart."""
    chart = build()
    hits = spc.detect(chart, EVERY_RULE)
    if chart.secondary is not None:
        hits += spc.detect(chart.secondary, LIMITS_ONLY)
    return sum(h.index.size for h in hits)


def timed(task: Callable[..., object], *args: object) -> float:
    start = time.perf_counter()
    task(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    individuals = rng.normal(25.0, 0.2, 1_000_000)
    grouped = rng.normal(25.0, 0.2, 50_000)
    cases = {
        "I-MR, 1,000,000 individuals": lambda: spc.individuals(individuals),
        "X̄-R, 10,000 subgroups of 5": lambda: spc.xbar_r(spc.Subgroups.of_size(grouped, 5)),
        "X̄-S, 10,000 subgroups of 5": lambda: spc.xbar_s(spc.Subgroups.of_size(grouped, 5)),
    }
    for constant in (c4, d2, d3):
        constant.cache_clear()
    print(f"limits + {len(EVERY_RULE)} rules (+ limits on the secondary chart), median of {args.repeat} runs")
    for label, build in cases.items():
        cold = timed(analyse, build)
        runs = [timed(analyse, build) for _ in range(args.repeat)]
        signals = analyse(build)
        print(f"  {label:<30} {statistics.median(runs) * 1000:8.1f} ms   (cold first run {cold * 1000:.1f} ms, "
              f"{signals} signals on random data)")
    chart = spc.individuals(individuals)
    expand = timed(lambda: spc.violations(spc.detect(chart, EVERY_RULE)))
    print(f"  turning the 1,000,000-point signals into Violation records adds {expand * 1000:.1f} ms")


if __name__ == "__main__":
    main()
