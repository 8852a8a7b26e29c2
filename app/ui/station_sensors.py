"""The live sensors of one station for the Station page: the station's sources are read off the GUI thread,
one SensorAdapter subscribes and polls them, and every value it reads is handed to the page. A broker or
server that is down only changes the state shown to the operator; typed values keep working."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, Signal

from app.devices.events import DeviceState
from app.devices.sensors import SensorConfig, SensorValue
from app.services.station.parameter_setup import station_sources
from app.ui.sensor_adapter import SensorAdapter
from app.ui.tasks import describe_error
from app.ui.workspaces import PageContext

# Worst first: the link the operator has to act on is the one summed up.
_RANK = {str(DeviceState.ERROR): 0, str(DeviceState.DISCONNECTED): 1, str(DeviceState.CONNECTING): 2,
         str(DeviceState.CONNECTED): 3}

DeliverT = Callable[[str, float, str | None, datetime | None], object]


class StationSensors(QObject):
    """Follows the station the page is at (`follow`), and stops with `close`.

    Signals:
        state_changed(str, str): the state of the station's sensor links taken together — "none" (the
            station has no sources), "loading", or a DeviceState value (the worst link's) — and a short
            sentence for the operator (on error, the link's own sentence: what is wrong, what to do).
    """

    state_changed = Signal(str, str)

    def __init__(self, context: PageContext, deliver: DeliverT, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.deliver = deliver
        self.station: str | None = None
        self.sources: tuple[SensorConfig, ...] = ()
        self.adapter: SensorAdapter | None = None
        self.state: tuple[str, str] = ("none", "")
        self._closed = False

    def follow(self, station: str) -> None:
        """Read the sensors of `station` (no-op if already following it); the old station's stop first."""
        if self._closed or station == self.station:
            return
        self.station = station
        self.sources = ()
        if self.adapter is not None:
            self.adapter.configure(())  # stops the old hub in the background
        self._set_state("loading", "Sensors: looking up this station's sources …")
        self.context.runner.run(station_sources, self.context.factory, station, owner=self,
                                name="station_sources",
                                on_done=lambda sources: self._loaded(station, sources),
                                on_failed=lambda error: self._failed(station, error))

    def close(self) -> None:
        """Stop the hub and wait for its threads (the window is closing); nothing starts afterwards."""
        self._closed = True
        if self.adapter is not None:
            self.adapter.close()

    def _loaded(self, station: str, sources: tuple[SensorConfig, ...]) -> None:
        if self._closed or station != self.station:
            return  # renamed again, or closed, meanwhile
        self.sources = tuple(sources)
        if not self.sources:
            self._set_state("none", "")
            return
        if self.adapter is None:
            self.adapter = SensorAdapter.from_settings(self.context.settings, parent=self)
            self.adapter.value_received.connect(self._value)
            self.adapter.status_changed.connect(self._summarise)
        self.adapter.configure(self.sources)
        self._set_state(str(DeviceState.CONNECTING), "Sensors: connecting …")
        self.adapter.start()

    def _failed(self, station: str, error: BaseException) -> None:
        if station == self.station and not self._closed:
            self._set_state(str(DeviceState.ERROR), f"Sensors not read: {describe_error(error)}")

    def _value(self, source_ref: str, value: SensorValue) -> None:
        self.deliver(source_ref, value.value, value.unit, value.read_at)

    def _summarise(self, *_: object) -> None:
        adapter = self.adapter
        if adapter is None or not self.sources:
            return
        links = {source.connection for source in self.sources}
        states = sorted((adapter.state_of(link) for link in links), key=lambda s: _RANK.get(s[0], 1))
        state, detail = states[0]
        count = f"{len(self.sources)} source{'s' if len(self.sources) != 1 else ''}"
        if state == DeviceState.CONNECTED:
            text = f"Sensors connected ({count})"
        elif state == DeviceState.CONNECTING:
            text = f"Sensors: connecting to {detail} …" if detail else "Sensors: connecting …"
        elif state == DeviceState.ERROR:
            text = f"Sensors not read: {detail} Type the values meanwhile." if detail else \
                "Sensors not read. Type the values meanwhile."
        else:
            text = "Sensors not connected. Type the values meanwhile."
        self._set_state(state, text)

    def _set_state(self, state: str, text: str) -> None:
        if (state, text) != self.state:
            self.state = (state, text)
            self.state_changed.emit(state, text)
