"""Issue 6's "Done when": the Station page driven through a body's whole route with barcodes from a scanner
on a real pty and the lathe's spindle speed arriving over the real Mosquitto broker (a topic of its own
per test, so parallel runs do not hear each other), then the database read back. Also: a broker that is
down shows red on the page and the step still goes in with typed values; operators land on the Station."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.devices.simulators import Simulator
from app.devices.simulators.mqtt_publisher import MqttPublisher
from app.models import (
    AuditEvent,
    GenealogyLink,
    ItemStatus,
    ParameterSource,
    SensorKind,
    StepParameter,
    StepResult,
)
from app.services.demo import DEMO_PASSWORD
from app.services.station.parameter_setup import define_source
from app.services.station.views import SourceDefinition
from app.services.users import authenticate
from app.ui.application import start_station_devices
from app.ui.device_settings import DeviceConfig, save_devices
from app.ui.main_window import MainWindow
from app.ui.station_page import StationPage
from app.ui.workspaces import PageContext
from tests.gui.station_bench import (
    FAST,
    SCANNER,
    WAIT_MS,
    Bench,
    Shop,
)
from tests.gui.station_bench import db_url, plant, shop, shop_template  # noqa: F401  (the shop, copied)
from tests.gui.test_station_page import item_row, steps_of
from tests.station.conftest import snapshot

BROKER = "mqtt://127.0.0.1:1883"


@pytest.fixture
def topic(factory, shop) -> str:
    """The lathe reports its spindle speed on a topic no other test publishes to."""
    engineer = authenticate(factory, "qe.mueller", DEMO_PASSWORD)
    name = f"threadline/test/{uuid.uuid4().hex[:12]}/lth-01/spindle"
    define_source(factory, engineer, SourceDefinition("LTH-01", "Spindle speed", SensorKind.MQTT, name,
                                                      unit="rpm"))
    return name


@contextmanager
def open_bench(qtbot, qapp, factory, shop: Shop, runner, settings, broker: str) -> Iterator[Bench]:
    """The operator's main window, as the application opens it after log-in: the Station page in front,
    the scanner a simulator on a pty, the sensors read from `broker`."""
    scanner = Simulator(SCANNER, []).start()
    save_devices(settings, [DeviceConfig("scanner", "scanner-cr", scanner.path)])
    settings.set("devices.wedge_enabled", False)
    settings.set("station.name", "SAW-PC1")
    settings.set("sensors.mqtt_url", broker)
    window = MainWindow(PageContext(factory, shop.operator, runner, settings), database="test",
                        station="SAW-PC1")
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    start_station_devices(qapp, settings, window, backoff=FAST)
    page = window.pages.currentWidget()
    assert isinstance(page, StationPage), "an operator lands on the Station page"
    qtbot.waitUntil(lambda: window.devices.state_of("scanner")[0] == "connected", timeout=WAIT_MS)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    bench = Bench(qtbot, window, page, scanner)
    bench.at("SAW-PC1")
    try:
        yield bench
    finally:
        window.quit()
        scanner.stop()
    adapter = page.sensors.adapter
    assert adapter is None or not adapter.running, "closing the window stops the sensor links"


@pytest.fixture
def unused_tcp_port() -> int:
    """A port nothing listens on: the broker of a bench whose broker is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_a_body_goes_through_its_route_with_the_spindle_speed_read_over_mqtt(
        qtbot, qapp, factory, shop, topic, runner, settings):
    body = shop.bodies[0]
    with open_bench(qtbot, qapp, factory, shop, runner, settings, BROKER) as bench, \
            MqttPublisher(BROKER) as lathe:
        page = bench.page
        assert page.sensors.state[0] == "none", "the saw has no sensors"
        assert not page.parameter_form.sensor_state.isVisibleTo(page)
        bench.scan(body, "task")
        bench.scan("SAW-01", "equipment")
        bench.scan(shop.bar, "component")
        bench.fill_parameters()
        bench.scan("COMPLETE", "accepted")

        # Turning: the lathe's gateway publishes the spindle speed; the operator types the concentration.
        bench.at("TRN-PC1")
        qtbot.waitUntil(lambda: page.sensors.state[0] == "connected", timeout=WAIT_MS)
        refs = {source.ref for source in page.sensors.sources}
        assert f"mqtt:{topic}" in refs, "the lathe's sources, read off the GUI thread"
        assert page.sensors.state[1] == f"Sensors connected ({len(refs)} sources)"
        bench.scan(body, "task")
        bench.scan("LTH-01", "equipment")
        assert page.state == "parameters"
        form = page.parameter_form
        assert form.sensor_state.isVisibleTo(page) and form.sensor_state.property("state") == "sensor"
        read_at = (datetime.now(UTC) - timedelta(seconds=2)).replace(microsecond=0)
        lathe.publish(topic, 1604.0, unit="rpm", ts=read_at)
        qtbot.waitUntil(lambda: form.fields["Spindle speed"].text() == "1604", timeout=WAIT_MS)
        assert form.sources["Spindle speed"].text().startswith("sensor")
        bench.type_parameter("Coolant concentration", "7.1")
        bench.fill_parameters()
        assert page.state == "ready"
        bench.ctrl_enter("accepted")

        for station, equipment, values in (("HT-PC1", "FRN-01", {"Furnace temperature": 1060.0}),
                                           ("GRD-PC1", "GRD-01", None), ("QL-PC1", "RGH-01", None)):
            bench.at(station)
            bench.scan(body, "task")
            bench.scan(equipment, "equipment")
            bench.fill_parameters(values)
            bench.scan("COMPLETE", "accepted")
        assert page.item_card.badge.status is ItemStatus.RELEASED

    steps = steps_of(factory, body)
    assert [(seq, station, equipment) for seq, station, equipment, _ in steps] == [
        (10, "SAW-PC1", "SAW-01"), (20, "TRN-PC1", "LTH-01"), (30, "HT-PC1", "FRN-01"),
        (40, "GRD-PC1", "GRD-01"), (50, "QL-PC1", "RGH-01")]
    assert all(s.result is StepResult.PASS and s.operator_id == shop.operator.user_id and s.completed_at
               for *_, s in steps)
    assert item_row(factory, body).status is ItemStatus.RELEASED
    bar = item_row(factory, shop.bar)
    assert bar.quantity == pytest.approx(6.0 - 0.12), "the saw consumed 0.12 m of the bar"
    saw_step, turning_step = steps[0][3], steps[1][3]
    with factory() as session:
        links = session.scalars(select(GenealogyLink).where(GenealogyLink.parent_item_id == bar.id)).all()
        assert [(link.child_item_id, link.step_id, link.quantity) for link in links] == [
            (item_row(factory, body).id, saw_step.id, pytest.approx(0.12))]
        readings = {p.name: p for p in session.scalars(select(StepParameter).where(
            StepParameter.step_id == turning_step.id))}
        spindle = readings["Spindle speed"]
        assert (spindle.value, spindle.unit, spindle.source) == (1604.0, "rpm", ParameterSource.SENSOR)
        assert spindle.source_ref == f"mqtt:{topic}"
        assert as_utc(spindle.read_at) == read_at, "the time the gateway stamped, not the time of the step"
        assert (spindle.lower_limit, spindle.upper_limit, spindle.out_of_limits) == (1500, 1700, False)
        coolant = readings["Coolant concentration"]
        assert (coolant.value, coolant.source, coolant.source_ref, coolant.read_at) == (
            7.1, ParameterSource.MANUAL, None, None)
        audited = session.scalars(select(AuditEvent).where(
            AuditEvent.table_name == "step_records",
            AuditEvent.row_id.in_([str(s.id) for *_, s in steps]))).all()
        assert {a.row_id for a in audited} == {str(s.id) for *_, s in steps}
        assert {a.user_id for a in audited} == {shop.operator.user_id}


def test_a_broker_that_is_down_shows_red_and_typed_values_still_complete_the_step(
        qtbot, qapp, factory, shop, topic, runner, settings, unused_tcp_port):
    body = shop.bodies[0]
    with open_bench(qtbot, qapp, factory, shop, runner, settings,
                    f"mqtt://127.0.0.1:{unused_tcp_port}") as bench:
        page = bench.page
        bench.scan(body, "task")
        bench.scan("SAW-01", "equipment")
        bench.scan(shop.bar, "component")
        bench.scan("COMPLETE", "accepted")

        bench.at("TRN-PC1")
        qtbot.waitUntil(lambda: page.sensors.state[0] == "error", timeout=WAIT_MS)
        sentence = page.sensors.state[1]
        assert f"127.0.0.1:{unused_tcp_port}" in sentence and "Type the values meanwhile." in sentence
        bench.scan(body, "task")
        bench.scan("LTH-01", "equipment")
        form = page.parameter_form
        assert form.sensor_state.isVisibleTo(page) and form.sensor_state.text() == sentence
        assert form.sensor_state.property("state") == "bad"
        bench.type_parameter("Spindle speed", "1610")
        bench.type_parameter("Coolant concentration", "7")
        bench.fill_parameters()
        bench.ctrl_enter("accepted")

    turning_step = steps_of(factory, body)[1][3]
    with factory() as session:
        spindle = session.scalars(select(StepParameter).where(StepParameter.step_id == turning_step.id,
                                                              StepParameter.name == "Spindle speed")).one()
    assert (spindle.value, spindle.source, spindle.read_at) == (1610.0, ParameterSource.MANUAL, None)


def test_operators_land_on_the_station_and_others_on_lookup(qtbot, factory, shop, runner, settings):
    from app.ui.lookup_page import LookupPage

    for actor, expected in ((shop.operator, StationPage), (shop.inspector, LookupPage)):
        window = MainWindow(PageContext(factory, actor, runner, settings), database="test", station="SAW-PC1")
        qtbot.addWidget(window)
        assert isinstance(window.pages.currentWidget(), expected), actor.username
        window.close()


def test_a_sensor_value_older_than_the_stations_max_age_is_refused_and_nothing_is_written(
        qtbot, qapp, factory, shop, topic, runner, settings):
    settings.set("sensors.max_age_s", 5.0)  # far below the 60 s default: the page must pass it on
    body = shop.bodies[0]
    with open_bench(qtbot, qapp, factory, shop, runner, settings, BROKER) as bench, \
            MqttPublisher(BROKER) as lathe:
        page = bench.page
        bench.scan(body, "task")
        bench.scan("SAW-01", "equipment")
        bench.scan(shop.bar, "component")
        bench.scan("COMPLETE", "accepted")
        bench.at("TRN-PC1")
        qtbot.waitUntil(lambda: page.sensors.state[0] == "connected", timeout=WAIT_MS)
        bench.scan(body, "task")
        bench.scan("LTH-01", "equipment")
        lathe.publish(topic, 1598.0, unit="rpm", ts=datetime.now(UTC) - timedelta(seconds=20))
        qtbot.waitUntil(lambda: page.parameter_form.fields["Spindle speed"].text() == "1598",
                        timeout=WAIT_MS)
        bench.type_parameter("Coolant concentration", "7")
        bench.fill_parameters()
        before = snapshot(factory)
        bench.ctrl_enter("rejected")
        assert "may be at most 5 s old" in page.banner.body.text(), bench.said()
        assert snapshot(factory) == before
        # A fresh reading from the lathe, and the step goes in.
        lathe.publish(topic, 1601.0, unit="rpm")
        qtbot.waitUntil(lambda: page.parameter_form.fields["Spindle speed"].text() == "1601",
                        timeout=WAIT_MS)
        bench.ctrl_enter("accepted")
    assert [seq for seq, *_ in steps_of(factory, body)] == [10, 20]
