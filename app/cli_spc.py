"""`threadline spc chart|capability`: control charts and process capability from a CSV file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from app import spc
from app.services.errors import ValidationError
from app.spc import csvdata
from app.spc.capability import Capability
from app.spc.charts import ControlChart

_TITLES = {"xbar-r": "X̄-R", "xbar-s": "X̄-S", "imr": "I-MR", "p": "p", "np": "np", "c": "c", "u": "u"}
_LABELS = {"xbar": "X̄", "r": "R", "s": "S", "i": "I", "mr": "MR", "p": "p", "np": "np", "c": "c", "u": "u"}
_RULE_SET_NAMES = {"nelson": "Nelson rules", "we": "Western Electric rules", "basic": "control limits only"}


def add_commands(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("spc", help="control charts and process capability from a CSV file") \
        .add_subparsers(dest="spc_command", required=True)
    chart = sub.add_parser("chart", help="control limits and rule violations; CSV columns value[,subgroup] "
                           "for X̄-R, X̄-S and I-MR, count,size for p, np, u (count[,size] for c)")
    chart.add_argument("--type", required=True, choices=list(_TITLES), dest="chart_type")
    chart.add_argument("--input", required=True, type=Path, metavar="FILE.csv")
    chart.add_argument("--subgroup-size", type=_positive, metavar="N",
                       help="X̄ charts: consecutive values N at a time (instead of a subgroup column)")
    chart.add_argument("--phase1", type=_positive, metavar="N",
                       help="estimate the limits from the first N points (subgroups); all points are judged")
    chart.add_argument("--exclude", type=_indices, default=(), metavar="I,J",
                       help="baseline points (0-based, as printed) to leave out of the estimate")
    chart.add_argument("--iterate", action="store_true",
                       help="drop baseline points beyond the limits and re-estimate until none remain")
    chart.add_argument("--rules", default="we", metavar="SET",
                       help="nelson, we (default) or basic, or rule ids such as nelson-2,we-3")
    chart.add_argument("--json", action="store_true")

    cap = sub.add_parser("capability", help="Cp, Cpk, Cpm, Pp, Ppk with confidence intervals; CSV column "
                         "value[,subgroup]")
    cap.add_argument("--input", required=True, type=Path, metavar="FILE.csv")
    cap.add_argument("--lsl", type=float, help="lower specification limit")
    cap.add_argument("--usl", type=float, help="upper specification limit")
    cap.add_argument("--target", type=float, help="target (default: the middle of the specification)")
    cap.add_argument("--subgroup-size", type=_positive, metavar="N",
                     help="within sigma from subgroups of N consecutive values (without it and without a "
                     "subgroup column: from moving ranges)")
    cap.add_argument("--within", choices=["range", "sd"], default="range",
                     help="within-subgroup sigma from R̄/d2 (default) or S̄/c4")
    cap.add_argument("--confidence", type=float, default=0.95, help="confidence level of the intervals")
    cap.add_argument("--json", action="store_true")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of at least 1")
    return int(text)


def _indices(text: str) -> tuple[int, ...]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"'{text}' is not a list of point numbers such as 14,22")
    return tuple(int(p) for p in parts)


def run(args: argparse.Namespace, out: TextIO) -> int:
    try:
        if args.spc_command == "chart":
            return _chart(args, out)
        return _capability(args, out)
    except spc.SpcInputError as exc:
        raise ValidationError(str(exc)) from exc


def _chart(args: argparse.Namespace, out: TextIO) -> int:
    rules = spc.select(args.rules)
    chart = _build_chart(args)
    found = spc.violations(spc.detect(chart, rules))
    # R, S and MR are skewed and MR is autocorrelated, so zone and run rules would cry wolf: limits only.
    second = spc.violations(spc.detect(chart.secondary, spc.select("basic"))) if chart.secondary else []
    if args.json:
        body = _chart_json(chart, found)
        document = {"type": args.chart_type, "statistic": body.pop("type"), **body, "rules": [r.id for r in rules]}
        if chart.secondary is not None:
            document["secondary"] = _chart_json(chart.secondary, second)
        json.dump(document, out, indent=2, ensure_ascii=False)
        print(file=out)
    else:
        _print_chart(args, chart, found, second, out)
    return 0


def _build_chart(args: argparse.Namespace) -> ControlChart:
    kind, path = args.chart_type, args.input
    phase: dict[str, Any] = {"baseline": args.phase1, "exclude": args.exclude, "iterate": args.iterate}
    if kind in ("xbar-r", "xbar-s"):
        build = spc.xbar_r if kind == "xbar-r" else spc.xbar_s
        return build(csvdata.read_subgroups(path, args.subgroup_size), **phase)
    if args.subgroup_size is not None:
        raise spc.SpcInputError(f"--subgroup-size applies to X̄-R and X̄-S charts, not to a {_TITLES[kind]} chart.")
    if kind == "imr":
        return spc.individuals(csvdata.read_individuals(path), **phase)
    counts, sizes = csvdata.read_counts(path, sizes_required=kind != "c")
    if kind == "c":
        return spc.c_chart(counts, sizes, **phase)
    assert sizes is not None  # read_counts insisted on the column
    attribute = {"p": spc.p_chart, "np": spc.np_chart, "u": spc.u_chart}[kind]
    return attribute(counts, sizes, **phase)


def _json_number(value: float | np.ndarray) -> Any:
    if np.ndim(value):
        return [None if np.isnan(v) else float(v) for v in np.asarray(value, dtype=float)]
    return None if np.isnan(value) else float(value)


def _chart_json(chart: ControlChart, found: list[spc.Violation]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "type": chart.type.value,
        "center": _json_number(chart.center), "ucl": _json_number(chart.ucl), "lcl": _json_number(chart.lcl),
        "sigma": float(chart.sigma), "points": _json_number(chart.points),
        "phase1": chart.baseline or None, "excluded": list(chart.excluded),
    }
    if chart.sizes is not None:
        document["sizes"] = _json_number(chart.sizes)
    document["violations"] = [{"rule": v.rule, "name": v.name, "index": v.index, "points": list(v.points)}
                              for v in found]
    return document


def _span(value: float | np.ndarray) -> str:
    if np.ndim(value):
        return f"{np.min(value):.7g} to {np.max(value):.7g} (varies with the sample size)"
    return f"{float(value):.7g}"


def _print_chart(args: argparse.Namespace, chart: ControlChart, found: list[spc.Violation],
                 second: list[spc.Violation], out: TextIO) -> None:
    basis = f"the first {chart.baseline}" if chart.baseline < chart.points.size else "all points"
    dropped = f", excluding {', '.join(map(str, chart.excluded))}" if chart.excluded else ""
    print(f"{_TITLES[args.chart_type]} chart of {args.input.name}: {chart.points.size} points, limits from "
          f"{basis}{dropped}; sigma {chart.sigma:.6g}", file=out)
    for part in (chart, chart.secondary):
        if part is not None:
            print(f"  {_LABELS[part.type.value]:<3} centre {_span(part.center)}   UCL {_span(part.ucl)}   "
                  f"LCL {_span(part.lcl)}", file=out)
    rule_set = _RULE_SET_NAMES.get(args.rules.strip().lower(), args.rules)
    second_label = f"{_LABELS[chart.secondary.type.value]} " if chart.secondary else ""
    signals = [("", v) for v in found] + [(second_label, v) for v in second]
    if not signals:
        print(f"No signals ({rule_set}).", file=out)
        return
    print(f"{len(signals)} signal{'s' if len(signals) != 1 else ''} ({rule_set}):", file=out)
    for prefix, v in signals:
        print(f"  {prefix}point {v.index:<6} {v.name}", file=out)


def _capability(args: argparse.Namespace, out: TextIO) -> int:
    table = csvdata.read_columns(args.input, ["value"], ["subgroup"])
    data: spc.Subgroups | np.ndarray
    if args.subgroup_size is not None or table.has("subgroup"):
        data = csvdata.read_subgroups(args.input, args.subgroup_size)
        within = spc.WithinSigma(args.within)
    else:
        data, within = table.numbers("value"), None
    result = spc.capability(data, lsl=args.lsl, usl=args.usl, target=args.target, within=within,
                            confidence=args.confidence)
    if args.json:
        json.dump(_capability_json(result), out, indent=2, ensure_ascii=False)
        print(file=out)
    else:
        _print_capability(args.input.name, result, out)
    return 0


_INDICES = ("cp", "cpl", "cpu", "cpk", "cpm", "pp", "ppl", "ppu", "ppk")


def _capability_json(result: Capability) -> dict[str, Any]:
    normality = result.normality
    return {
        "n": result.n, "mean": result.mean, "lsl": result.lsl, "usl": result.usl, "target": result.target,
        "sigma_within": result.sigma_within, "within_method": result.within_method.value,
        "sigma_overall": result.sigma_overall,
        **{name: getattr(result, name) for name in _INDICES},
        "confidence": result.confidence,
        "intervals": {name: [iv.low, iv.high] for name, iv in result.intervals.items()},
        "normality": None if normality is None else {"test": normality.test, "statistic": normality.statistic,
                                                     "p_value": normality.p_value},
    }


def _print_capability(name: str, result: Capability, out: TextIO) -> None:
    spec = ", ".join(f"{label} {value:g}" for label, value in
                     (("LSL", result.lsl), ("USL", result.usl), ("target", result.target)) if value is not None)
    print(f"Capability of {name}: {result.n} values, mean {result.mean:.6g}; {spec}", file=out)
    print(f"  sigma within {result.sigma_within:.6g} ({result.within_method.formula}), overall "
          f"{result.sigma_overall:.6g} (sample standard deviation)", file=out)
    level = f"{result.confidence:.0%}"
    for index in ("cp", "cpk", "cpm", "pp", "ppk"):
        value = getattr(result, index)
        if value is not None:
            interval = result.intervals.get(index)
            ci = f"   {level} CI {interval.low:.3f} to {interval.high:.3f}" if interval else ""
            print(f"  {index.capitalize():<4} {value:.3f}{ci}", file=out)
    normality = result.normality
    if normality is None:
        print("  Normality not checked: fewer than 8 values.", file=out)
        return
    print(f"  Normality: Anderson-Darling A² {normality.statistic:.3f}, p = {normality.p_value:.3g}", file=out)
    if normality.p_value < 0.05:
        print("  The values do not look normally distributed (p < 0.05): the indices above assume they are.",
              file=out)
