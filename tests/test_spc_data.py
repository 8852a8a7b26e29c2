"""SPC data on a demo plant: the picker, the bore's series with its context, re-measures, the dashboard that
finds the drifting grinding process, and the change marker for live views."""

from __future__ import annotations

import uuid
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import event, select

from app import spc
from app.models import (
    Characteristic,
    CharacteristicKind,
    InspectionPlan,
    InspectionRecord,
    InspectionResult,
    Measurement,
    Role,
    StepRecord,
    User,
)
from app.services.demo import build_demo_plant
from app.services.errors import NotFound, ValidationError
from app.services.permissions import SYSTEM
from app.services.spc_data import (
    change_marker,
    characteristic_series,
    dashboard,
    operations_with_characteristics,
)
from app.services.spc_views import ChartKind, State

BORE = "Bore diameter Ø12"


@pytest.fixture
def plant(factory):
    return build_demo_plant(factory, SYSTEM, units=200, seed=5)


def _bore(factory) -> Characteristic:
    with factory() as session:
        return session.scalars(select(Characteristic).where(Characteristic.name == BORE)).one()


def _grinding(factory) -> uuid.UUID:
    with factory() as session:
        return session.scalar(select(InspectionPlan.operation_id).join(Characteristic)
                              .where(Characteristic.name == BORE))


def _current(factory, characteristic_id: uuid.UUID) -> list[Measurement]:
    with factory() as session:
        return list(session.scalars(select(Measurement).where(
            Measurement.characteristic_id == characteristic_id, Measurement.superseded_by_id.is_(None))
            .order_by(Measurement.measured_at)))


class StatementCounter:
    """Counts the SQL statements an engine executes."""

    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)
        self._engine = engine

    def _seen(self, conn, cursor, statement, *args) -> None:
        self.count += 1

    def close(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._seen)


def test_the_picker_lists_operations_with_measured_variables(factory, plant):
    choices = operations_with_characteristics(factory)
    with factory() as session:
        expected = set(session.scalars(
            select(InspectionPlan.operation_id).join(Characteristic).join(Measurement)
            .where(Characteristic.kind == CharacteristicKind.VARIABLE,
                   InspectionPlan.operation_id.is_not(None))))
    assert {c.operation_id for c in choices} == expected
    grinding = next(c for c in choices if c.operation_id == _grinding(factory))
    assert (grinding.part_number, grinding.seq, grinding.name, grinding.characteristics) == ("VB-4711", 40,
                                                                                            "Grinding", 2)
    assert grinding.label == "VB-4711 rev C · 40 Grinding (Grinding)"
    assert all(c.last_measured_at is not None and c.last_measured_at.tzinfo for c in choices)
    assert [(c.part_number, c.seq) for c in choices] == sorted((c.part_number, c.seq) for c in choices)


def test_the_bore_series_is_in_time_order_with_its_context(factory, plant, engine):
    bore = _bore(factory)
    counter = StatementCounter(engine)
    series = characteristic_series(factory, bore.id)
    counter.close()
    assert counter.count == 2  # the characteristic, then every point with its context
    expected = _current(factory, bore.id)
    assert len(series) == len(expected) > 200
    assert series.values.tolist() == [m.value for m in expected]
    assert (np.diff(series.measured_at) >= np.timedelta64(0)).all()
    assert series.measured_at[0] == np.datetime64(expected[0].measured_at.replace(tzinfo=None))
    with factory() as session:
        inspectors = set(session.scalars(select(User.full_name).where(User.role == Role.INSPECTOR)))
    assert all(code.startswith("VB-") for code in series.item_codes) and series.item_is_serial.all()
    assert set(series.inspectors) <= inspectors and len(set(series.inspectors)) > 1
    assert set(series.gauges) == {"AGA-01"} and set(series.machines) == {"GRD-01"}
    point = series.point(7)
    assert point.value == expected[7].value and point.measured_at == expected[7].measured_at
    assert point.record_id == expected[7].record_id and point.item.startswith("Serial VB-")
    info = series.characteristic
    assert (info.spec.lower, info.spec.upper, info.spec.nominal, info.spec.unit, info.spec.decimals) == (
        bore.lower_limit, bore.upper_limit, bore.nominal, "mm", 3)
    assert info.chart_kind is ChartKind.INDIVIDUALS and info.spec.format(12.0) == "12.000 mm"
    assert series.epoch_seconds[0] == pytest.approx(expected[0].measured_at.timestamp())

    newest = characteristic_series(factory, bore.id, limit=10)
    assert newest.values.tolist() == series.values[-10:].tolist()
    assert newest.item_codes == series.item_codes[-10:]
    since = series.point(len(series) - 5).measured_at
    recent = characteristic_series(factory, bore.id, since=since)
    assert 5 <= len(recent) < len(series) and (recent.measured_at >= series.measured_at[-5]).all()
    groups = series.subgroups(5)
    assert len(groups) == len(series) // 5
    assert groups.values.tolist() == series.values[:len(groups) * 5].tolist()


def test_a_re_measure_replaces_the_old_value_and_moves_the_change_marker(factory, plant):
    bore = _bore(factory)
    old = _current(factory, bore.id)[10]
    before, before_all = change_marker(factory, bore.id), change_marker(factory)
    with factory.begin() as session:
        session.info["actor"] = SYSTEM
        again = Measurement(record_id=old.record_id, characteristic_id=bore.id, value=12.0005, passed=True,
                            equipment_id=old.equipment_id, measured_at=old.measured_at + timedelta(minutes=3))
        session.add(again)
        session.flush()
        session.get(Measurement, old.id).superseded_by_id = again.id
    series = characteristic_series(factory, bore.id)
    assert len(series) == len(_current(factory, bore.id)) == before[0]
    mine = [i for i, record in enumerate(series.record_ids) if record == old.record_id]
    assert len(mine) == 1 and series.values[mine[0]] == 12.0005
    assert series.point(mine[0]).measured_at == again.measured_at and series.machines[mine[0]] == "GRD-01"
    after = change_marker(factory, bore.id)
    assert after != before and after[0] == before[0] + 1
    assert change_marker(factory) != before_all
    state = next(s for s in dashboard(factory, _grinding(factory)) if s.characteristic.id == bore.id)
    assert state.n == len(series)


def test_a_record_without_a_step_takes_the_machine_of_the_items_last_step_there(factory, plant):
    bore = _bore(factory)
    before = change_marker(factory, bore.id)
    with factory.begin() as session:
        session.info["actor"] = SYSTEM
        grind = session.scalars(select(StepRecord).where(StepRecord.operation_id == _grinding(factory),
                                                         StepRecord.completed_at.is_not(None))
                                .order_by(StepRecord.completed_at.desc()).limit(1)).one()
        inspector = session.scalar(select(User.id).where(User.role == Role.INSPECTOR).limit(1))
        at = grind.completed_at + timedelta(hours=1)
        record = InspectionRecord(plan_id=bore.plan_id, item_id=grind.item_id, step_id=None,
                                  inspector_id=inspector, inspected_at=at, signed_at=at,
                                  result=InspectionResult.PASS)
        session.add(record)
        session.flush()
        session.add(Measurement(record_id=record.id, characteristic_id=bore.id, value=12.001, passed=True,
                                measured_at=at))
    series = characteristic_series(factory, bore.id)
    newest = series.point(len(series) - 1)
    assert newest.record_id == record.id and newest.machine == "GRD-01" and newest.gauge is None
    assert change_marker(factory, bore.id) == (before[0] + 1, at)


def test_the_dashboard_flags_the_drifting_bore_but_not_every_stable_process(factory, plant, engine):
    bore, grinding = _bore(factory), _grinding(factory)
    counter = StatementCounter(engine)
    states = dashboard(factory, grinding)
    counter.close()
    assert counter.count == 2  # the characteristics, then all their values in one query
    assert [s.characteristic.name for s in states] == [BORE, "Bore roughness Ra"]
    state = states[0]
    series = characteristic_series(factory, bore.id)
    assert state.state is State.RULE_VIOLATED and state.text == f"rule violated: {state.violation}"
    assert state.chart is ChartKind.INDIVIDUALS and state.n == len(series) and state.signals > 0
    assert state.latest_value == series.values[-1]
    assert state.latest_at == series.point(len(series) - 1).measured_at
    chart = spc.individuals(series.values)
    signals = [(v.index, v.name) for v in spc.violations(spc.detect(chart, spc.select("we")))] + [
        (v.index, f"MR chart: {v.name}")
        for v in spc.violations(spc.detect(chart.secondary, spc.select("basic")))]
    assert state.violation == min(signals, key=lambda signal: signal[0])[1] and state.signals == len(signals)
    capability = spc.capability(series.values, lsl=bore.lower_limit, usl=bore.upper_limit)
    assert state.cpk == pytest.approx(capability.cpk)

    judged_recently = dashboard(factory, grinding, baseline=100, recent=50)
    assert judged_recently[0].state is State.RULE_VIOLATED  # the newest points against the first ones' limits

    stable = [s for choice in operations_with_characteristics(factory)
              for s in dashboard(factory, choice.operation_id) if s.characteristic.name != BORE]
    assert len(stable) >= 6 and any(s.state is not State.RULE_VIOLATED for s in stable)
    samples = [s for s in stable if s.characteristic.sample_size == 5]
    assert samples and all(s.chart is ChartKind.XBAR_R for s in samples)


def test_the_dashboard_explains_what_it_cannot_do(factory, plant):
    with pytest.raises(ValidationError, match="Unknown rule 'shewhart'"):
        dashboard(factory, _grinding(factory), rules="shewhart")
    assert dashboard(factory, uuid.uuid4()) == []
    with factory() as session:
        thread = session.scalar(select(Characteristic.id)
                                .where(Characteristic.kind == CharacteristicKind.ATTRIBUTE))
    with pytest.raises(ValidationError, match="pass/fail"):
        characteristic_series(factory, thread)
    with pytest.raises(NotFound):
        characteristic_series(factory, uuid.uuid4())
