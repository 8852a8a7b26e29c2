"""The "add a device" row of the Devices page: a name, a port picked from the list or typed (a path or a
pyserial URL), a profile, and whether to follow a USB device by its ids wherever it is plugged."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from app.devices.profiles import Profile
from app.ui.device_list_model import PortRow
from app.ui.device_settings import DeviceConfig, port_from_listing

PortRole = Qt.ItemDataRole.UserRole + 1
ProfileRole = Qt.ItemDataRole.UserRole + 2


class DeviceForm(QWidget):
    """Signals:
        device_requested(object): the DeviceConfig the person asked to add (the page checks the name).
    """

    device_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deviceForm")
        self.name = QLineEdit(placeholderText="e.g. scanner")
        self.name.setAccessibleName("Device name")
        self.name.setMinimumWidth(self.name.fontMetrics().horizontalAdvance("M") * 9)
        self.port = QComboBox(editable=True)
        self.port.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.port.lineEdit().setPlaceholderText("Pick or type a port")
        self.port.setAccessibleName("Port")
        self.port.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.port.setMinimumContentsLength(12)
        self.port.currentIndexChanged.connect(self._port_picked)
        self.port.editTextChanged.connect(self._port_picked)
        self.profile = QComboBox()
        self.profile.setAccessibleName("Profile")
        self.profile.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.profile.setMinimumContentsLength(11)
        self.profile.currentIndexChanged.connect(self._profile_picked)
        self.follow_usb = QCheckBox("Follow its USB ids")
        self.follow_usb.setToolTip("Find the device by vid:pid and serial number wherever it is plugged: the "
                                   "port name can change when the cable goes into another socket.")
        self.profile_hint = QLabel(objectName="mutedLabel")
        self.profile_hint.setWordWrap(True)
        self.add_button = QPushButton("+  Add", objectName="secondaryButton")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.submit)
        self.name.returnPressed.connect(self.submit)

        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(10)
        layout.setVerticalSpacing(6)
        for column, caption in enumerate(("Name", "Port", "Profile")):
            layout.addWidget(QLabel(caption, objectName="fieldCaption"), 0, column)
        layout.addWidget(self.name, 1, 0)
        layout.addWidget(self.port, 1, 1)
        layout.addWidget(self.profile, 1, 2)
        layout.addWidget(self.add_button, 1, 3)
        layout.addWidget(self.follow_usb, 2, 1)
        layout.addWidget(self.profile_hint, 2, 2, 1, 2)
        layout.setColumnStretch(0, 2)
        layout.setColumnStretch(1, 3)
        layout.setColumnStretch(2, 3)
        for widget in (self.name, self.port, self.profile):
            widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._port_picked()

    def set_ports(self, ports: Sequence[PortRow]) -> None:
        typed = self.port.currentText()
        self.port.blockSignals(True)
        self.port.clear()
        for row in ports:
            label = row.path + (f" — {row.description}" if row.description else "")
            self.port.addItem(label, row)
            self.port.setItemData(self.port.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        self.port.setCurrentIndex(-1)
        self.port.setEditText(typed)  # a refresh must not throw away a path being typed
        self.port.blockSignals(False)
        self._port_picked()

    def set_profiles(self, profiles: Mapping[str, Profile]) -> None:
        current = self.profile.currentData(ProfileRole)
        self.profile.clear()
        for name, profile in profiles.items():
            self.profile.addItem(f"{name}  ({profile.kind})", name)
            self.profile.setItemData(self.profile.count() - 1, profile.description, Qt.ItemDataRole.ToolTipRole)
            self.profile.setItemData(self.profile.count() - 1, profile.description, ProfileRole + 1)
            self.profile.setItemData(self.profile.count() - 1, name, ProfileRole)
        index = self.profile.findData(current, ProfileRole) if current else 0
        self.profile.setCurrentIndex(max(index, 0))

    def picked_port(self) -> PortRow | None:
        """The listed port whose label is in the field, if the person picked one rather than typed."""
        index = self.port.findText(self.port.currentText())
        return self.port.itemData(index) if index >= 0 else None

    def config(self) -> DeviceConfig:
        row = self.picked_port()
        if row is not None:
            port = port_from_listing(row.path, row.vid, row.pid, row.serial_number,
                                     follow_usb=self.follow_usb.isChecked())
        else:
            port = self.port.currentText().strip()
        return DeviceConfig(self.name.text().strip(), self.profile.currentData(ProfileRole) or "", port)

    def submit(self) -> None:
        self.device_requested.emit(self.config())

    def clear(self) -> None:
        self.name.clear()
        self.port.setCurrentIndex(-1)
        self.port.setEditText("")
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _port_picked(self, *_: object) -> None:
        row = self.picked_port()
        usb = row is not None and row.vid is not None
        self.follow_usb.setEnabled(usb)
        self.follow_usb.setChecked(usb)

    def _profile_picked(self, *_: object) -> None:
        self.profile_hint.setText(self.profile.currentData(ProfileRole + 1) or "")
