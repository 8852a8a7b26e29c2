"""Plans in the database: revision 1, revisions that retire the old one while records keep theirs, the rules
around revising, and the JSON export and all-or-nothing import."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from app.models import Characteristic, Classification, InspectionPlan, PlanType
from app.models.quality import CharacteristicDefectCode
from app.services.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.services.inspection import (
    CharacteristicDefinition,
    DefectCode,
    PlanDefinition,
    create_plan,
    export_plans,
    import_plans,
    list_plans,
    load_form,
    load_plan,
    open_record,
    revise_plan,
)
from tests.inspection.conftest import BAR_DIAMETER, BODY, BORE, FINAL, RECEIVING, VISUAL_CODES, audit


def _wider_bore() -> PlanDefinition:
    bore = replace(FINAL.characteristics[0], upper_limit=12.020)
    return replace(FINAL, characteristics=(bore, *FINAL.characteristics[1:]))


def test_a_new_plan_is_revision_one_with_its_characteristics_in_order(factory, shop):
    plan = shop.final
    assert (plan.part_number, plan.part_revision, plan.plan_type, plan.operation_seq) == (BODY, "C", PlanType.FINAL,
                                                                                          50)
    assert (plan.revision, plan.active, plan.operation_name) == (1, True, "Final inspection")
    assert [c.seq for c in plan.characteristics] == [10, 20, 30, 40]
    assert plan.definition == FINAL.validated() and plan.characteristics[0].upper_limit == 12.018
    assert load_plan(factory, plan.id) == plan
    assert {p.id for p in list_plans(factory)} == {shop.final.id, shop.receiving.id}
    created = audit(factory, "inspection_plans", plan.id)
    assert created[0].action == "create" and created[0].username == "qe.mueller"


def test_only_quality_engineers_write_plans(factory, shop):
    for actor in (shop.inspector, shop.operator):
        with pytest.raises(PermissionDenied, match="may not edit plans"):
            revise_plan(factory, actor, shop.final.id, _wider_bore(), reason="wider")
    with pytest.raises(Conflict, match="already has a plan \\(rev 1\\); open it and revise it instead"):
        create_plan(factory, shop.engineer, FINAL)


def test_a_plan_names_a_real_part_and_operation(factory, shop):
    with pytest.raises(NotFound, match="There is no part VB-4711 rev D"):
        create_plan(factory, shop.engineer, replace(FINAL, part_revision="D"))
    with pytest.raises(NotFound, match="VB-4711 rev C has no operation 60 in its active route"):
        create_plan(factory, shop.engineer, replace(FINAL, operation_seq=60))


def test_a_change_makes_a_new_revision_and_records_keep_theirs(factory, shop):
    before = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    revised = revise_plan(factory, shop.engineer, shop.final.id, _wider_bore(), reason="Drawing change C2")
    assert (revised.revision, revised.active, revised.characteristics[0].upper_limit) == (2, True, 12.020)
    assert not load_plan(factory, shop.final.id).active
    assert [p.revision for p in list_plans(factory, active_only=False, part_id=shop.final.part_id)] == [2, 1]
    # The open record stays on revision 1 with its limits; a new record uses revision 2.
    kept = load_form(factory, before.id)
    assert kept.plan.id == shop.final.id and kept.plan.characteristics[0].upper_limit == 12.018
    after = open_record(factory, shop.inspector, shop.spare, PlanType.FINAL)
    assert after.plan.id == revised.id
    retired = audit(factory, "inspection_plans", shop.final.id)[-1]
    assert (retired.old_values, retired.new_values, retired.reason) == ({"active": True}, {"active": False},
                                                                       "Drawing change C2")
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Characteristic)
                              .where(Characteristic.plan_id == revised.id)) == 4


def test_revising_needs_the_newest_revision_a_change_and_a_reason(factory, shop):
    with pytest.raises(ValidationError, match="needs a reason"):
        revise_plan(factory, shop.engineer, shop.final.id, _wider_bore(), reason="  ")
    with pytest.raises(ValidationError, match="Nothing in .* was changed"):
        revise_plan(factory, shop.engineer, shop.final.id, FINAL, reason="no-op")
    with pytest.raises(ValidationError, match="must stay with that part"):
        revise_plan(factory, shop.engineer, shop.final.id, replace(FINAL, plan_type=PlanType.FIRST_ARTICLE),
                    reason="moved")
    revise_plan(factory, shop.engineer, shop.final.id, _wider_bore(), reason="C2")
    with pytest.raises(Conflict, match="Rev 1 of .* has been replaced by rev 2"):
        revise_plan(factory, shop.engineer, shop.final.id, FINAL, reason="C3")


def test_export_and_import_round_trip(factory, shop):
    text = export_plans(factory)
    document = json.loads(text)
    bar, body = document["plans"]  # by part number
    assert (bar["part_number"], body["part_number"], body["operation"]) == ("RB-40", BODY, 50)
    assert all(outcome == "unchanged" for outcome in
               (i.outcome for i in import_plans(factory, shop.engineer, text, reason="re-import")))
    # A changed limit revises; a plan for another inspection type is created.
    bar["characteristics"][0]["lower_limit"] = 39.95
    document["plans"].append({**body, "plan_type": "first_article", "revision": 7})
    outcomes = import_plans(factory, shop.engineer, json.dumps(document), reason="Supplier agreement")
    assert [(i.outcome, i.plan.revision) for i in outcomes] == [("revised", 2), ("unchanged", 1), ("created", 1)]
    assert outcomes[0].plan.characteristics[0].name == BAR_DIAMETER
    assert outcomes[0].plan.characteristics[0].lower_limit == 39.95
    assert json.loads(export_plans(factory, [outcomes[2].plan.id]))["plans"][0]["plan_type"] == "first_article"


def test_an_import_is_all_or_nothing(factory, shop):
    document = json.loads(export_plans(factory))
    bar, body = document["plans"]
    body["characteristics"][0]["upper_limit"] = 12.025
    bar["part_revision"] = "Z"  # no such part revision: the whole file is refused
    with pytest.raises(NotFound, match="There is no part RB-40 rev Z"):
        import_plans(factory, shop.engineer, json.dumps(document), reason="bulk")
    assert load_plan(factory, shop.final.id).active
    document["plans"] = [body, body]
    with pytest.raises(ValidationError, match="more than one plan for VB-4711 rev C, final inspection"):
        import_plans(factory, shop.engineer, json.dumps(document), reason="bulk")
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(InspectionPlan)) == 2


def test_plans_for_purchased_parts_need_no_operation(factory, shop):
    assert shop.receiving.operation_id is None and shop.receiving.sample_size == 2
    extra = CharacteristicDefinition.attribute("Certificate 3.1 matches heat", Classification.MAJOR, "Document")
    revised = revise_plan(factory, shop.engineer, shop.receiving.id,
                          replace(RECEIVING, characteristics=(*RECEIVING.characteristics, extra)), reason="cert")
    assert [c.name for c in revised.characteristics] == [BAR_DIAMETER, extra.name]
    assert BORE not in {c.name for c in revised.characteristics}


def test_defect_codes_are_stored_with_their_revision(factory, shop):
    visual = shop.final.characteristics[3]
    assert [(c.code, c.description) for c in visual.defect_codes] == list(VISUAL_CODES.items())
    assert shop.final.characteristics[2].defect_codes == ()
    fewer = replace(FINAL.characteristics[3], defect_codes=(DefectCode("DENT", "dent from handling"),
                                                            *FINAL.characteristics[3].defect_codes[:1]))
    revised = revise_plan(factory, shop.engineer, shop.final.id,
                          replace(FINAL, characteristics=(*FINAL.characteristics[:3], fewer)),
                          reason="Dents added, scratches are checked at the seat inspection")
    assert [c.code for c in revised.characteristics[3].defect_codes] == ["DENT", "BURR"]
    assert [c.code for c in load_plan(factory, shop.final.id).characteristics[3].defect_codes] == [
        "BURR", "SCRATCH", "MARKING"]  # the old revision keeps its list
    with factory() as session:
        rows = session.execute(select(CharacteristicDefectCode.code, CharacteristicDefectCode.seq)
                               .where(CharacteristicDefectCode.characteristic_id == revised.characteristics[3].id)
                               .order_by(CharacteristicDefectCode.seq)).all()
    assert [tuple(r) for r in rows] == [("DENT", 10), ("BURR", 20)]
    # The same list again is no change, so no revision.
    with pytest.raises(ValidationError, match="Nothing in .* was changed"):
        revise_plan(factory, shop.engineer, revised.id, revised.definition, reason="same")
