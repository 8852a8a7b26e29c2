"""`threadline spc …` through app.cli_spc.add_commands and run (the subprocess test comes with the wiring)."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from app import cli_spc
from app.services.errors import ValidationError
from tests.spc.datasets import column


def threadline_spc(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="threadline")
    cli_spc.add_commands(parser.add_subparsers(dest="command"))
    out = io.StringIO()
    code = cli_spc.run(parser.parse_args(["spc", *argv]), out)
    return code, out.getvalue()


def as_json(*argv: str) -> dict:
    code, text = threadline_spc(*argv, "--json")
    assert code == 0 and "NaN" not in text
    return json.loads(text)


def write(path: Path, header: str, rows: list[tuple]) -> Path:
    path.write_text(header + "\n" + "".join(",".join(str(v) for v in row) + "\n" for row in rows))
    return path


@pytest.fixture
def rings(tmp_path) -> Path:
    values, samples = column("pistonrings", "diameter"), column("pistonrings", "sample")
    return write(tmp_path / "rings.csv", "Value,Subgroup", [(v, int(s)) for v, s in zip(values, samples)])


@pytest.fixture
def juice(tmp_path) -> Path:
    return write(tmp_path / "juice.csv", "sample,count,size,note",
                 [(i + 1, int(d), 50, "") for i, d in enumerate(column("orangejuice", "D"))])


def test_xbar_r_json(rings):
    chart = as_json("chart", "--type", "xbar-r", "--input", str(rings), "--phase1", "25")
    assert chart["type"] == "xbar-r" and chart["statistic"] == "xbar" and chart["phase1"] == 25
    assert chart["center"] == pytest.approx(74.00118, abs=5e-6)
    assert (chart["lcl"], chart["ucl"]) == pytest.approx((73.98805, 74.0143), abs=1e-5)
    assert len(chart["points"]) == 40 and chart["sizes"] == [5.0] * 40
    secondary = chart["secondary"]
    assert secondary["type"] == "r" and secondary["center"] == pytest.approx(0.02276)
    assert secondary["lcl"] == 0.0 and secondary["violations"] == []
    beyond = [v for v in chart["violations"] if v["rule"] == "we-1"]
    assert [(v["index"], v["points"]) for v in beyond] == [(36, [36]), (37, [37]), (38, [38])]
    assert beyond[0]["name"] == "WE 1: 1 point outside the 3-sigma control limits"
    assert chart["rules"] == ["we-1", "we-2", "we-3", "we-4"]
    sized = as_json("chart", "--type", "xbar-r", "--input", str(rings), "--phase1", "25", "--subgroup-size", "5")
    assert sized["ucl"] == chart["ucl"]


def test_xbar_s_with_nelson_rules(rings):
    chart = as_json("chart", "--type", "xbar-s", "--input", str(rings), "--phase1", "25", "--rules", "nelson")
    assert chart["secondary"]["center"] == pytest.approx(0.009240037, rel=1e-6)
    assert {v["rule"] for v in chart["violations"]} <= {f"nelson-{i}" for i in range(1, 9)}


def test_p_chart_revised_limits(juice):
    chart = as_json("chart", "--type", "p", "--input", str(juice), "--phase1", "30", "--exclude", "14,22")
    assert chart["excluded"] == [14, 22] and chart["center"] == pytest.approx(0.215)
    assert (chart["lcl"], chart["ucl"]) == pytest.approx((0.04070284, 0.3892972), rel=1e-6)
    assert "secondary" not in chart
    iterated = as_json("chart", "--type", "np", "--input", str(juice), "--phase1", "30", "--iterate")
    assert iterated["excluded"] == [14, 20, 22]


def test_u_chart_limits_vary_per_point(tmp_path):
    data = write(tmp_path / "cloth.csv", "count,size",
                 list(zip(column("dyedcloth", "x"), column("dyedcloth", "size"), strict=True)))
    chart = as_json("chart", "--type", "u", "--input", str(data))
    assert isinstance(chart["ucl"], list) and len(chart["ucl"]) == 10 and len(set(chart["ucl"])) > 1
    assert chart["center"] == pytest.approx(153 / 107.5)


def test_c_chart_needs_no_size_column(tmp_path):
    data = write(tmp_path / "boards.csv", "count", [(int(x),) for x in column("circuit", "x")])
    chart = as_json("chart", "--type", "c", "--input", str(data), "--phase1", "26", "--iterate")
    assert chart["excluded"] == [5, 19] and chart["ucl"] == pytest.approx(32.9708, rel=1e-6)


def test_individuals_moving_range_point_zero_is_null(tmp_path):
    data = write(tmp_path / "visc.csv", "value", [(v,) for v in column("viscosity", "viscosity")])
    chart = as_json("chart", "--type", "imr", "--input", str(data), "--phase1", "20")
    assert chart["statistic"] == "i" and chart["secondary"]["type"] == "mr"
    assert chart["secondary"]["points"][0] is None and len(chart["secondary"]["points"]) == 35
    assert [v["index"] for v in chart["violations"] if v["rule"] == "we-1"] == [3]


def test_readable_summary(rings):
    code, text = threadline_spc("chart", "--type", "xbar-r", "--input", str(rings), "--phase1", "25")
    assert code == 0 and not text.startswith("{")
    assert "X̄-R chart of rings.csv: 40 points, limits from the first 25" in text
    assert "centre 74.00118" in text and "UCL 0.048126" in text
    assert "point 36" in text and "WE 1: 1 point outside the 3-sigma control limits" in text


def test_readable_summary_of_per_point_limits_and_quiet_charts(tmp_path):
    data = write(tmp_path / "cloth.csv", "count,size",
                 list(zip(column("dyedcloth", "x"), column("dyedcloth", "size"), strict=True)))
    _, text = threadline_spc("chart", "--type", "u", "--input", str(data), "--rules", "basic")
    assert "varies with the sample size" in text and "No signals (control limits only)." in text


def test_capability_json(rings):
    result = as_json("capability", "--input", str(rings), "--lsl", "73.95", "--usl", "74.05")
    assert result["n"] == 200 and result["within_method"] == "range" and result["target"] == 74.0
    for key in ("cp", "cpk", "cpm", "pp", "ppk", "sigma_within", "sigma_overall"):
        assert isinstance(result[key], float)
    assert set(result["intervals"]) == {"cp", "cpk", "cpm", "pp", "ppk"}
    assert result["intervals"]["cp"][0] < result["cp"] < result["intervals"]["cp"][1]
    assert result["normality"]["test"] == "anderson-darling" and 0 <= result["normality"]["p_value"] <= 1


def test_capability_of_the_phase1_rings_matches_qcc(tmp_path):
    values = column("pistonrings", "diameter")[:125]
    data = write(tmp_path / "phase1.csv", "value", [(v,) for v in values])
    result = as_json("capability", "--input", str(data), "--lsl", "73.95", "--usl", "74.05",
                     "--subgroup-size", "5")
    assert round(result["cp"], 2) == 1.70 and round(result["cpk"], 2) == 1.66
    individual = as_json("capability", "--input", str(data), "--usl", "74.05")
    assert individual["within_method"] == "moving-range" and individual["cp"] is None


def test_capability_summary(rings):
    code, text = threadline_spc("capability", "--input", str(rings), "--lsl", "73.95", "--usl", "74.05",
                                "--within", "sd")
    assert code == 0 and "sigma within" in text and "(S̄/c4)" in text
    assert "Cpk" in text and "95% CI" in text and "Anderson-Darling" in text


@pytest.mark.parametrize(("content", "argv", "message"), [
    ("reading\n1\n2\n", ["--type", "imr"], "has no 'value' column (its header is: reading)"),
    ("value\n1\n2\nabc\n", ["--type", "imr"], "line 4: 'abc' in the 'value' column is not a number"),
    ("value\n1\n\n2\n\n\n", ["--type", "imr", "--phase1", "3"], "between 1 and 2"),
    ("value\n1\n", ["--type", "imr"], "needs at least 2 points to estimate its limits; the baseline has 1"),
    ("value\n", ["--type", "imr"], "has a header but no data lines"),
    ("", ["--type", "imr"], "is empty"),
    ("value\n1\n2\n3\n", ["--type", "xbar-r"], "no 'subgroup' column"),
    ("count,size\n1,5\n2,5\n", ["--type", "p", "--subgroup-size", "5"], "applies to X̄-R and X̄-S"),
    ("count\n1\n2\n", ["--type", "u"], "has no 'size' column"),
    ("count,size\n1,5\n2,\n", ["--type", "u"], "line 3: the 'size' column is empty"),
    ("value\n1\ninf\n", ["--type", "imr"], "'inf' in the 'value' column is not a finite number"),
    ("value\n1\n2\n", ["--type", "imr", "--rules", "shewhart"], "Unknown rule 'shewhart'"),
])
def test_bad_input_is_one_sentence_naming_the_problem(tmp_path, content, argv, message):
    data = tmp_path / "bad.csv"
    data.write_text(content)
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        threadline_spc("chart", "--input", str(data), *argv)


def test_a_missing_file_and_a_bad_capability_request(tmp_path):
    with pytest.raises(ValidationError, match="Cannot read .*nothing.csv: No such file"):
        threadline_spc("chart", "--type", "imr", "--input", str(tmp_path / "nothing.csv"))
    data = write(tmp_path / "v.csv", "value", [(1,), (2,), (3,)])
    with pytest.raises(ValidationError, match="at least one specification limit"):
        threadline_spc("capability", "--input", str(data))


@pytest.mark.parametrize("argv", [["--exclude", "a,b"], ["--phase1", "0"], ["--type", "x"]])
def test_malformed_options_are_usage_errors(argv):
    with pytest.raises(SystemExit) as stop:
        threadline_spc("chart", "--type", "imr", "--input", "x.csv", *argv)
    assert stop.value.code == 2
