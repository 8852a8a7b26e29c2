"""The records of an item, as the inspection page lists them for a rescanned item: plan revision, version in
the chain of corrections, inspector, signature time, result, and who corrected or reviewed it."""

from __future__ import annotations

import uuid

import pytest

from app.models import InspectionResult, PlanType, Role
from app.services.errors import NotFound
from app.services.inspection import (
    TypedValue,
    correct_record,
    open_record,
    records_for_item,
    review_record,
    sign_record,
)
from app.services.users import actor_for, add_user
from tests.inspection.conftest import GOOD, LENGTH, PASSWORD, fill


def test_an_items_records_newest_first_with_versions_and_who_did_what(factory, shop):
    lang = actor_for(add_user(factory, shop.admin, username="l.lang", full_name="Lena Lang", role=Role.INSPECTOR,
                              password=PASSWORD))
    assert records_for_item(factory, shop.body) == []
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    [open_one] = records_for_item(factory, shop.body)
    assert (open_one.id, open_one.signed, open_one.result, open_one.version) == (form.id, False,
                                                                                  InspectionResult.OPEN, 1)

    version = fill(factory, shop.inspector, form, {**GOOD, LENGTH: TypedValue("68.15", "CAL-04")})
    first = sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=version)
    review_record(factory, lang, form.id, password=PASSWORD)
    draft = correct_record(factory, lang, form.id, reason="Length read on the wrong scale")
    fixed = fill(factory, lang, draft, {})  # nothing to add: the values were carried over
    second = sign_record(factory, lang, draft.id, password=PASSWORD, version=fixed)
    other = open_record(factory, shop.inspector, shop.spare, PlanType.FINAL)

    newest, oldest = records_for_item(factory, shop.body)
    assert (newest.id, newest.version, newest.corrects, newest.corrected_by) == (draft.id, 2, form.id, None)
    assert (oldest.id, oldest.version, oldest.corrects, oldest.corrected_by) == (form.id, 1, None, draft.id)
    assert (oldest.plan_id, oldest.plan_type, oldest.operation_seq, oldest.plan_revision) == (
        shop.final.id, PlanType.FINAL, 50, 1)
    assert (oldest.inspector, oldest.signed_at, oldest.result, oldest.reviewed_by) == (
        "Test Inspector", first.signature.signed_at, InspectionResult.FAIL, "Lena Lang")
    assert (newest.inspector, newest.signed_at, newest.result, newest.reviewed_by) == (
        "Lena Lang", second.signature.signed_at, InspectionResult.FAIL, None)
    assert newest.item_code == "VB-0001" and newest.signed
    assert [r.id for r in records_for_item(factory, shop.spare)] == [other.id]
    with pytest.raises(NotFound, match="scan it again"):
        records_for_item(factory, uuid.uuid4())
