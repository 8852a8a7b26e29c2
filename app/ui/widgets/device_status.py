"""Device states at a glance: a small coloured label per device (green connected, amber connecting, grey
disconnected, red error) whose tooltip says the port or what went wrong; a strip of them follows a
`StationDevices` for the status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.devices.events import DeviceState
from app.ui.device_adapter import StationDevices
from app.ui.palette import BAD, GOOD, NEUTRAL, WARN

STATE_COLOURS: dict[str, tuple[str, str]] = {
    DeviceState.CONNECTED: GOOD,
    DeviceState.CONNECTING: WARN,
    DeviceState.DISCONNECTED: NEUTRAL,
    DeviceState.ERROR: BAD,
}
# A sign as well as a colour, so that the state reads without colour vision; the tooltip says it in words.
STATE_SIGNS: dict[str, str] = {
    DeviceState.CONNECTED: "✔",
    DeviceState.CONNECTING: "↻",
    DeviceState.DISCONNECTED: "○",
    DeviceState.ERROR: "✖",
}
STATE_WORDS: dict[str, str] = {
    DeviceState.CONNECTED: "connected",
    DeviceState.CONNECTING: "connecting …",
    DeviceState.DISCONNECTED: "not connected",
    DeviceState.ERROR: "error",
}


def state_tooltip(name: str, state: str, detail: str) -> str:
    if state == DeviceState.CONNECTED:
        return f"{name}: connected on {detail}" if detail else f"{name}: connected"
    if state == DeviceState.CONNECTING:
        return f"{name}: connecting to {detail} …" if detail else f"{name}: connecting …"
    if state == DeviceState.DISCONNECTED:
        return f"{name}: not connected" + (f" ({detail})" if detail else "")
    return f"{name}: {detail}" if detail else f"{name}: error"


class DeviceStateLabel(QLabel):
    """A small pill: a sign for the state and the device's name; the colour helps, the tooltip says it."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deviceState")
        self.name = name
        self.state = str(DeviceState.DISCONNECTED)
        self.detail = ""
        self.set_state(self.state, "")

    def set_state(self, state: str, detail: str) -> None:
        self.state, self.detail = state, detail
        background, text = STATE_COLOURS.get(state, NEUTRAL)
        self.setText(f"{STATE_SIGNS.get(state, '?')} {self.name}")
        self.setToolTip(state_tooltip(self.name, state, detail))
        self.setAccessibleName(self.toolTip())
        # The whole look is the label's own: it must not change size when it moves into the status bar,
        # whose labels the application style sheet pads.
        self.setStyleSheet(f"background-color: {background}; color: {text}; padding: 2px 10px; "
                           "margin: 0; border-radius: 11px; font-weight: bold;")


class DeviceStatusStrip(QWidget):
    """One label per station device, rebuilt when the devices change, updated as their states do."""

    def __init__(self, devices: StationDevices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deviceStatusStrip")
        self.devices = devices
        self.labels: dict[str, DeviceStateLabel] = {}
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 8, 0)
        self._layout.setSpacing(6)
        devices.devices_changed.connect(self.rebuild)
        devices.state_changed.connect(self._state_changed)
        self.rebuild()

    def rebuild(self) -> None:
        for label in self.labels.values():
            label.deleteLater()
        self.labels = {}
        for name in self.devices.names:
            label = DeviceStateLabel(name, self)
            label.set_state(*self.devices.state_of(name))
            self._layout.addWidget(label, 0, Qt.AlignmentFlag.AlignVCenter)
            self.labels[name] = label
        self.setVisible(bool(self.labels))

    def _state_changed(self, name: str, state: str, detail: str) -> None:
        if (label := self.labels.get(name)) is not None:
            label.set_state(state, detail)
