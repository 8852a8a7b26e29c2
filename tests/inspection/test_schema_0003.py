"""Revision 0003 (inspection details) on a database with inspection data: down to 0002 and up again, plans
written before it sample every `frequency`-th item, records use the plan's sample size, and records signed
before it still match their signatures (what 0003 adds to the signed content is left out when empty)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, update

from app.db import make_engine
from app.models import InspectionPlan, PlanType
from app.services import schema
from app.services.inspection import (
    Sampling,
    TypedValue,
    load_form,
    load_plan,
    open_record,
    sign_record,
    verify,
)
from app.services.permissions import SYSTEM
from tests.inspection.conftest import BAR_DIAMETER, PASSWORD, fill


def _migrate(url: str, action, target: str) -> None:
    engine = make_engine(url)
    config = schema._alembic_config()
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            action(config, target)
    finally:
        engine.dispose()


def test_inspection_data_survives_0003_down_and_up(db_url, factory, engine, shop):
    with factory() as session, session.begin():  # a plan that samples every 5th lot, as 0002 knew it
        session.info["actor"] = SYSTEM
        session.execute(update(InspectionPlan).where(InspectionPlan.id == shop.receiving.id)
                        .values(frequency=5, sampling=Sampling.every_nth(5).column()))
    # The receiving plan has nothing of 0003 in it (no defect codes), like a record signed before 0003.
    form = open_record(factory, shop.inspector, shop.lot, PlanType.RECEIVING)
    version = fill(factory, shop.inspector, form, {BAR_DIAMETER: [TypedValue("39.972"), TypedValue("39.969")]})
    sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=version)
    engine.dispose()

    _migrate(db_url, command.downgrade, "0002")
    check = make_engine(db_url)
    try:
        assert schema.current_revision(check) == "0002" and schema.needs_upgrade(check)
        tables = inspect(check)
        assert not tables.has_table("characteristic_defect_codes")
        assert "sampling" not in {c["name"] for c in tables.get_columns("inspection_plans")}
        assert "confirmed_by_id" not in {c["name"] for c in tables.get_columns("measurements")}
        schema.upgrade(check)
        assert schema.current_revision(check) == schema.HEAD
    finally:
        check.dispose()

    plan = load_plan(factory, shop.receiving.id)
    assert plan.sampling == Sampling.every_nth(5) and plan.definition.frequency == 5  # from `frequency`
    signed = load_form(factory, form.id)
    assert signed.sample_size == plan.sample_size == 2 and signed.signed_at is not None
    assert verify(signed)  # the signature made before still matches
    assert load_plan(factory, shop.final.id).characteristics[3].defect_codes == ()  # the codes were 0003's
