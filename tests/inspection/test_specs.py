"""Plan definitions without a database: tolerances to limits, validation sentences, and the JSON format."""

from __future__ import annotations

import json

import pytest

from app.models import CharacteristicKind, Classification, PlanType
from app.services.errors import ValidationError
from app.services.inspection import CharacteristicDefinition, PlanDefinition
from app.services.inspection.specs import plans_from_json, plans_to_json
from tests.inspection.conftest import FINAL, RECEIVING

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
    for expected in ("sample size and frequency must be at least 1", "bore: the name is used twice",
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
