"""Plan definitions without a database: tolerances to limits, validation sentences, and the JSON format."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from app.models import CharacteristicKind, Classification, PlanType
from app.services.errors import ValidationError
from app.services.inspection import CharacteristicDefinition, DefectCode, PlanDefinition, Sampling, SamplingRule
from app.services.inspection.specs import MAX_DEFECT_CODES, plans_from_json, plans_to_json
from tests.inspection.conftest import FINAL, RECEIVING, VISUAL_CODES

variable, attribute = CharacteristicDefinition.variable, CharacteristicDefinition.attribute


def test_a_tolerance_becomes_exact_limits():
    symmetric = variable("Bore", Classification.CRITICAL, unit="mm", decimals=3, nominal=12.0, tolerance=0.018)
    assert (symmetric.lower_limit, symmetric.upper_limit) == (11.982, 12.018)  # not 11.982000000000001
    shaft = variable("Shaft", Classification.CRITICAL, unit="mm", decimals=3, nominal=36.0, tolerance=(-0.016, 0))
    assert (shaft.lower_limit, shaft.upper_limit) == (35.984, 36.0)
    with pytest.raises(ValidationError, match="a tolerance needs a nominal"):
        variable("Bore", Classification.MAJOR, unit="mm", decimals=3, tolerance=0.01)


def test_validation_lists_every_problem_in_one_sentence():
    broken = PlanDefinition(" VB-4711 ", "C", PlanType.FINAL, 50, (
        variable("Bore", Classification.MAJOR, unit="mm", decimals=3, lower=12.02, upper=11.98),
        variable("bore", Classification.MAJOR, unit="mm", decimals=2, nominal=5.0, lower=1.0, upper=2.0),
        variable("Length", Classification.MAJOR, unit="mm", decimals=2, upper=68.105),
        variable("Ra", Classification.MAJOR, unit=" ", decimals=2, upper=0.8),
        CharacteristicDefinition("Thread", CharacteristicKind.ATTRIBUTE, Classification.MINOR,
                                 upper_limit=1.0)), sample_size=0)
    with pytest.raises(ValidationError) as raised:
        broken.validated()
    message = str(raised.value)
    assert message.startswith("The plan VB-4711 rev C, final inspection at operation 50 cannot be saved: ")
    for expected in ("the sample size must be at least 1", "bore: the name is used twice",
                     "Bore: the lower limit 12.02 must be below the upper limit 11.98",
                     "bore: the nominal 5.0 lies outside the limits",
                     "Length: the upper limit 68.105 has more decimals than the resolution (2)",
                     "Ra: a unit of up to 16 characters is needed",
                     "Thread: a pass/fail check has no nominal, limits or unit"):
        assert expected in message
    with pytest.raises(ValidationError, match="add at least one characteristic"):
        PlanDefinition("P", "A", PlanType.FINAL, None, ()).validated()


def test_validation_normalises_what_it_accepts():
    plan = PlanDefinition(" VB-4711 ", " C ", PlanType.FINAL, 50, (
        variable(" Bore ", Classification.MAJOR, unit="um", decimals=1, upper=5.0, gauge_type=" "),
        CharacteristicDefinition("Visual", CharacteristicKind.ATTRIBUTE, Classification.MINOR,
                                 decimals=3))).validated()
    assert (plan.part_number, plan.part_revision) == ("VB-4711", "C")
    bore, visual = plan.characteristics
    assert (bore.name, bore.unit, bore.gauge_type, visual.decimals) == ("Bore", "µm", None, 0)


def test_json_round_trip_keeps_every_field():
    text = plans_to_json([(FINAL.validated(), 3), (RECEIVING.validated(), 1)])
    document = json.loads(text)
    assert document["format"] == "threadline-inspection-plans" and document["plans"][0]["revision"] == 3
    assert "decimals" not in document["plans"][0]["characteristics"][2]  # a pass/fail check has none
    assert "Ø12" in text  # readable: no \u escapes
    assert plans_from_json(text) == [FINAL.validated(), RECEIVING.validated()]


def test_json_may_give_a_tolerance_instead_of_limits():
    text = json.dumps({"format": "threadline-inspection-plans", "version": 1, "plans": [{
        "part_number": "SH-220", "part_revision": "A", "plan_type": "in_process", "operation": 20,
        "characteristics": [
            {"name": "Ø36 h6", "kind": "variable", "classification": "critical", "nominal": 36.0,
             "tolerance": [-0.016, 0], "unit": "mm", "decimals": 3},
            {"name": "Runout", "kind": "variable", "classification": "major", "upper_limit": 0.01, "unit": "mm"},
            {"name": "Visual", "kind": "attribute", "classification": "minor"}]}]})
    [plan] = plans_from_json(text)
    shaft, runout, visual = plan.characteristics
    assert (shaft.lower_limit, shaft.upper_limit, runout.decimals, visual.decimals) == (35.984, 36.0, 3, 0)
    assert (plan.sample_size, plan.frequency) == (1, 1)


@pytest.mark.parametrize(("text", "words"), [
    ("{not json", r"not valid JSON \(line 1, column 2"),
    ('{"plans": []}', "not a Threadline plan file"),
    ('{"format": "threadline-inspection-plans", "version": 2, "plans": []}', "format version 2"),
    ('{"format": "threadline-inspection-plans", "version": 1, "plans": []}', "nothing to import"),
])
def test_json_that_is_not_a_plan_file_is_refused(text, words):
    with pytest.raises(ValidationError, match=words):
        plans_from_json(text)


def test_json_problems_are_named_with_where_they_are():
    plan = {"part_number": "VB-4711", "part_revision": "C", "plan_type": "last", "operation": "50",
            "characteristics": [{"name": "Bore", "kind": "variable", "classification": "major", "nomnal": 12,
                                 "upper_limit": "12.018", "unit": "mm", "decimals": True},
                                {"name": "Visual", "kind": "attribute", "classification": "minor",
                                 "tolerance": "a lot"}, "Length"]}
    text = json.dumps({"format": "threadline-inspection-plans", "version": 1, "plans": [plan]})
    with pytest.raises(ValidationError) as raised:
        plans_from_json(text)
    message = str(raised.value)
    assert message.startswith("The plan file cannot be imported: ")
    for expected in ('plan 1: "plan_type" must be one of receiving, in_process, final, first_article, not \'last\'',
                     'plan 1: "operation" must be a whole number, not \'50\'',
                     'plan 1, characteristic 1: unknown field "nomnal"',
                     'plan 1, characteristic 1: "upper_limit" must be a number, not \'12.018\'',
                     'plan 1, characteristic 1: "decimals" must be a whole number, not True',
                     "plan 1, characteristic 2: a pass/fail check has no tolerance",
                     "plan 1, characteristic 3 must be an object with named fields"):
        assert expected in message


def test_defect_codes_are_normalised_and_belong_to_pass_fail_checks_only():
    visual = attribute("Visual", Classification.MINOR, "Visual", {" burr ": " burr on  an edge ", "scratch": "x"})
    plan = PlanDefinition("P", "A", PlanType.FINAL, None, (visual,)).validated()
    assert [(c.code, c.description) for c in plan.characteristics[0].defect_codes] == [
        ("BURR", "burr on an edge"), ("SCRATCH", "x")]

    broken = PlanDefinition("P", "A", PlanType.FINAL, None, (
        replace(variable("Bore", Classification.MAJOR, unit="mm", decimals=3, upper=12.0),
                defect_codes=(DefectCode("BIG", "too big"),)),
        attribute("Visual", Classification.MINOR, defect_codes={"BURR": "burr", "burr": "again", "NO GOOD!": "bad",
                                                                  "EMPTY": " "}),
        attribute("Many", Classification.MINOR, defect_codes={f"C{n}": "code" for n in range(MAX_DEFECT_CODES + 1)})))
    with pytest.raises(ValidationError) as raised:
        broken.validated()
    message = str(raised.value)
    for expected in ("Bore: a measured characteristic has no defect codes (a value outside the limits is recorded "
                     "as DIM-HIGH or DIM-LOW)",
                     "Visual: the defect code BURR is listed twice",
                     "Visual: the defect code 'NO-GOOD!' must be 1 to 32 letters, digits",
                     "Visual: the defect code EMPTY needs a description of 1 to 120 characters",
                     f"Many: at most {MAX_DEFECT_CODES} defect codes, not {MAX_DEFECT_CODES + 1}"):
        assert expected in message


def test_defect_codes_go_through_json_in_their_order():
    text = plans_to_json([(FINAL.validated(), 1)])
    visual = json.loads(text)["plans"][0]["characteristics"][3]
    assert visual["defect_codes"] == [{"code": code, "description": text} for code, text in VISUAL_CODES.items()]
    assert "defect_codes" not in json.loads(text)["plans"][0]["characteristics"][2]  # the thread check has none
    assert plans_from_json(text) == [FINAL.validated()]

    document = json.loads(text)
    document["plans"][0]["characteristics"][3]["defect_codes"] = [{"code": "BURR"}, "SCRATCH",
                                                                   {"code": "X", "description": "x", "colour": 1}]
    document["plans"][0]["characteristics"][2]["defect_codes"] = {"NOGO": "no-go gauge entered"}
    with pytest.raises(ValidationError) as raised:
        plans_from_json(json.dumps(document))
    message = str(raised.value)
    for expected in ('plan 1, characteristic 4, defect code 1: "description" must be a non-empty text',
                     "plan 1, characteristic 4, defect code 2 must be an object with named fields",
                     'plan 1, characteristic 4, defect code 3: unknown field "colour"',
                     'plan 1, characteristic 3: "defect_codes" must be a list of {"code", "description"} objects'):
        assert expected in message


# ISO 2859-1, general inspection level I: the table the examples use.
LEVEL_I = Sampling.by_lot_size((2, 8, 2), (9, 15, 2), (16, 25, 3), (26, 50, 5), (51, 90, 5), (91, 150, 8),
                               (151, 280, 13), (281, 500, 20), (501, 1200, 32), (1201, 3200, 50),
                               (3201, 10_000, 80), (10_001, None, 125))


@pytest.mark.parametrize(("lot", "sample"), [
    (2, 2), (8, 2), (9, 2), (500, 20), (501, 32), (1200, 32), (1201, 50), (3200, 50), (3201, 80), (10_000, 80),
    (10_001, 125), (2_000_000, 125),
    (500.5, 32),  # a part unit (metres of bar, kilograms) counts as a whole one
    (1, None), (0, None), (0.4, None),  # below the table
])
def test_the_sample_of_a_lot_at_the_boundaries_of_the_table(lot, sample):
    assert LEVEL_I.sample_for(lot) == sample


def test_a_lot_smaller_than_its_sample_is_inspected_whole():
    level_iii = Sampling.by_lot_size((2, 8, 3), (9, 15, 5))
    assert [level_iii.sample_for(n) for n in (2, 3, 8, 9)] == [2, 3, 3, 5]
    closed = Sampling.by_lot_size((1, 100, 5))
    assert closed.sample_for(101) is None and closed.coverage() == "lots of 1 to 100"
    assert LEVEL_I.coverage() == "lots of 2 and more"


def test_a_sampling_table_has_no_gaps_and_no_overlaps():
    broken = Sampling.by_lot_size((0, 8, 2), (10, None, 3), (20, 15, 0), (17, 30, 5))
    assert broken.problems() == [
        "sampling: the table must start at a lot size of 1 or more, not 0",
        "sampling: lot sizes 10 and more: only the last row may be open-ended",
        "sampling: lot sizes 10 and more: the row must start at 9, right after 0–8 (no gaps, no overlaps)",
        "sampling: lot sizes 20–15: the range ends before it starts",
        "sampling: lot sizes 20–15: the sample must be 1 to 10,000, not 0",
        "sampling: lot sizes 17–30: the row must start at 16, right after 20–15 (no gaps, no overlaps)"]
    assert Sampling.by_lot_size().problems() == ["sampling: the table by lot size needs at least one row"]
    assert Sampling.first_last(first=False, last=False).problems() == [
        "sampling: choose the first-off, the last-off or both"]
    assert Sampling.every_nth(0).problems() == ["sampling: every n-th item needs n from 1 to 100,000, not 0"]
    assert LEVEL_I.problems() == [] and Sampling.first_last(last=False).problems() == []


def test_a_plan_sampled_by_lot_size_takes_its_samples_from_the_table():
    plan = replace(RECEIVING, sampling=LEVEL_I)  # RECEIVING asks for 2 readings itself
    with pytest.raises(ValidationError, match="a plan sampled by lot size takes its sample sizes from the table; "
                                              "leave the sample size at 1"):
        plan.validated()
    assert replace(plan, sample_size=1).validated().sampling == LEVEL_I
    # Only the fields of the rule count: two equal rules compare equal after validation.
    assert replace(FINAL, sampling=Sampling(SamplingRule.EVERY_NTH, every=5, first_off=False)).validated() == \
        replace(FINAL, sampling=Sampling.every_nth(5)).validated()


def test_sampling_rules_go_through_json():
    plans = [replace(FINAL, sampling=Sampling.first_last(last=False)).validated(),
             replace(RECEIVING, sample_size=1, sampling=LEVEL_I).validated(),
             replace(FINAL, part_revision="D", sampling=Sampling.every_nth(5)).validated()]
    text = plans_to_json([(plan, 1) for plan in plans])
    first_last, by_lot, every = json.loads(text)["plans"]
    assert first_last["sampling"] == {"rule": "first_last", "first_off": True, "last_off": False}
    assert by_lot["sampling"]["lot_sizes"][:2] == [{"from": 2, "to": 8, "sample": 2}, {"from": 9, "to": 15, "sample": 2}]
    assert by_lot["sampling"]["lot_sizes"][-1] == {"from": 10_001, "sample": 125} and "sample_size" not in by_lot
    assert (every["frequency"], "sampling" in every) == (5, False)  # as files have always said it
    assert plans_from_json(text) == plans
    assert Sampling.from_column(plans[1].sampling.column(), 1) == LEVEL_I
    assert Sampling.from_column(None, 5) == Sampling.every_nth(5)  # a plan stored before the column


@pytest.mark.parametrize(("sampling", "words"), [
    ({"rule": "weekly"}, "the sampling \"rule\" must be one of every_nth, first_last, lot_size, not 'weekly'"),
    ({"rule": "first_last", "every": 5}, "the first_last sampling has no field \"every\""),
    ({"rule": "first_last", "first_off": "yes"}, "sampling \"first_off\" must be true or false"),
    ({"rule": "lot_size", "lot_sizes": [{"from": 2, "to": 8}, [9, 15, 2]]},
     "lot size row 1: \"from\", \"to\" and \"sample\" must be whole numbers"),
    ({"rule": "lot_size", "lot_sizes": [{"from": 2, "to": 8, "sample": 2}, [9, 15, 2]]},
     "lot size row 2 must be an object with \"from\", \"to\""),
    ({"rule": "lot_size", "lot_sizes": [{"from": 9, "to": 8, "sample": 2}]}, "the range ends before it starts"),
    ("every 5th", "\"sampling\" must be an object with a \"rule\""),
])
def test_sampling_json_problems_are_named(sampling, words):
    document = json.loads(plans_to_json([(RECEIVING.validated(), 1)]))
    document["plans"][0].pop("frequency")
    document["plans"][0].update(sample_size=1, sampling=sampling)
    with pytest.raises(ValidationError) as raised:
        plans_from_json(json.dumps(document))
    assert words in str(raised.value)


def test_a_plan_file_gives_frequency_or_sampling_not_both():
    document = json.loads(plans_to_json([(FINAL.validated(), 1)]))
    document["plans"][0]["sampling"] = {"rule": "every_nth", "every": 3}
    with pytest.raises(ValidationError, match="give either \"frequency\" \\(every n-th item\\) or \"sampling\""):
        plans_from_json(json.dumps(document))
    del document["plans"][0]["frequency"]
    assert plans_from_json(json.dumps(document))[0].sampling == Sampling.every_nth(3)
