"""What the station services take and give back: plain frozen dataclasses, no ORM rows, no Qt."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from app.models import OnViolation, ParameterSource, RegisterKind, RegisterType, SensorKind, StepResult
from app.services.lookup_views import ItemSummary
from app.services.permissions import Actor

ItemRef = uuid.UUID | str
"""An item's id, or the text scanned from its label: serial or lot number, barcode, GS1 string, RFID EPC."""


# The station shows items with the same read model as Lookup.
ItemView = ItemSummary


@dataclass(frozen=True)
class OperationView:
    seq: int
    name: str
    work_center: str

    @property
    def label(self) -> str:
        return f"{self.seq} {self.name}"


@dataclass(frozen=True)
class RouteStepView:
    operation: OperationView
    passed: bool


@dataclass(frozen=True)
class EquipmentView:
    code: str
    name: str
    usable: bool
    calibration_due_on: date | None


@dataclass(frozen=True)
class ComponentNeed:
    """A bill-of-materials line due at an operation, for the quantity being made."""

    part_number: str
    description: str
    quantity: float
    unit: str


@dataclass(frozen=True)
class ParameterSpec:
    """A process parameter an operation asks for, with its limits and where the station can read it."""

    name: str
    unit: str | None = None
    lower_limit: float | None = None
    upper_limit: float | None = None
    required: bool = True
    blocks: bool = True  # out of limits refuses the step; False: the step is recorded and the value flagged
    sensor: str | None = None  # the station equipment's source for it, e.g. "mqtt:plant/lathe-07/rpm"


@dataclass(frozen=True)
class StationTask:
    """What the station shows after an item is scanned: its route, the operation due here and its needs."""

    item: ItemView
    work_order: str | None
    route: tuple[RouteStepView, ...]
    due: OperationView | None  # None: nothing of its route is due at this station (see `hint`)
    open_steps: tuple[uuid.UUID, ...]  # started and not completed at `due`: finish them with complete_step
    equipment: tuple[EquipmentView, ...]  # the station's equipment
    components: tuple[ComponentNeed, ...]
    hint: str
    parameters: tuple[ParameterSpec, ...] = ()  # what the due operation asks to be recorded


@dataclass(frozen=True)
class ComponentScan:
    item: ItemRef
    quantity: float | None = None  # None: the bill of materials' quantity for what is being made


@dataclass(frozen=True)
class Reading:
    """A process parameter as the station read it, typed or from a sensor."""

    name: str
    value: float | None = None
    text_value: str | None = None
    unit: str | None = None
    source: ParameterSource = ParameterSource.MANUAL
    read_at: datetime | None = None  # when a sensor gave the value; None: typed now
    source_ref: str | None = None  # which sensor, e.g. "mqtt:plant/lathe-07/rpm"


@dataclass(frozen=True)
class StepStart:
    """Which items (one, or a batch such as a furnace load) are worked where, on what."""

    station: str
    items: tuple[ItemRef, ...]
    operation_seq: int | None = None  # None: the operation due at this station
    equipment: str | None = None  # the scanned equipment code
    started_at: datetime | None = None  # when the first scan came; None: now
    notes: str | None = None
    approved_by: Actor | None = None  # the supervisor who allows a rework loop, if the operator is not one


@dataclass(frozen=True)
class StepCompletion:
    components: tuple[ComponentScan, ...] = ()
    parameters: tuple[Reading, ...] = ()
    result: StepResult = StepResult.PASS
    notes: str | None = None


@dataclass(frozen=True)
class ConsumedView:
    item: ItemView  # as it is after the step
    quantity: float


@dataclass(frozen=True)
class RecordedStep:
    step_ids: tuple[uuid.UUID, ...]  # one per item, in the order of the request
    operation: OperationView
    items: tuple[ItemView, ...]
    consumed: tuple[ConsumedView, ...]
    result: StepResult
    message: str  # the confirmation the operator reads
    flagged: tuple[str, ...] = ()  # parameters recorded out of the limits of a `flag` parameter


@dataclass(frozen=True)
class SerializeRequest:
    """N new serials of a work order's part, made from nothing scanned or from `source`: a lot of a
    component on the bill of materials, or a lot of the same part being unitised."""

    count: int
    work_order: str | None = None
    source: ItemRef | None = None
    quantity_each: float | None = None  # taken from `source` per serial; None: BOM quantity, or 1
    prefix: str | None = None  # None: "<part number>-"
    station: str | None = None


@dataclass(frozen=True)
class Produced:
    sources: tuple[ItemView, ...]  # as they are afterwards
    created: tuple[ItemView, ...]
    step_id: uuid.UUID | None  # the handling step the genealogy links point at
    message: str


@dataclass(frozen=True)
class Receipt:
    """A delivery as goods-in records it. `serials`: how many serials to number here, or the supplier's
    serial numbers as scanned; only for serial-tracked parts, and then `quantity` is their number."""

    part_number: str
    supplier: str  # supplier code
    supplier_lot: str
    quantity: float
    heat_number: str | None = None
    material_cert_ref: str | None = None
    serials: int | tuple[str, ...] = 0
    expires_on: date | None = None  # None: from the part's shelf life
    revision: str | None = None  # None: the newest revision
    delivery_note: str | None = None
    station: str | None = None


@dataclass(frozen=True)
class ReceivedLot:
    lot: ItemView
    serials: tuple[str, ...]
    step_id: uuid.UUID
    message: str


@dataclass(frozen=True)
class Released:
    item: ItemView  # as scanned: the lot, or a single serial
    serials: tuple[str, ...]  # the serials the lot was received as, released with it
    message: str


@dataclass(frozen=True)
class ShipRequest:
    customer_order: str
    items: tuple[ItemRef, ...]
    sscc: str | None = None
    station: str | None = None


@dataclass(frozen=True)
class PackedShipment:
    id: uuid.UUID
    number: str
    customer: str
    customer_order: str
    sscc: str | None
    items: tuple[ItemView, ...]
    message: str


@dataclass(frozen=True)
class ParameterDefinition:
    """A process parameter an operation asks for, as quality engineering sets it up. The operation is the
    one at `operation_seq` on the part's active route."""

    part_number: str
    operation_seq: int
    name: str
    unit: str | None = None
    lower_limit: float | None = None
    upper_limit: float | None = None
    required: bool = True
    on_violation: OnViolation = OnViolation.BLOCK
    seq: int | None = None  # display order; None: after the operation's other parameters
    revision: str | None = None  # None: the part's newest revision


@dataclass(frozen=True)
class SourceDefinition:
    """Where a piece of equipment reports a parameter. `address`: the MQTT topic, `host:port` of a Modbus
    TCP server, or the serial port of a Modbus RTU line. The register fields are for Modbus only (None: unit
    1, holding register, uint16, scale 1), `baudrate`/`parity` for RTU only (None: 19200, N)."""

    equipment: str  # the equipment's code
    name: str  # the parameter, as the operations name it
    kind: SensorKind
    address: str
    unit: str | None = None
    unit_id: int | None = None
    register: int | None = None
    register_kind: RegisterKind | None = None
    data_type: RegisterType | None = None
    scale: float | None = None
    word_swap: bool = False
    baudrate: int | None = None
    parity: str | None = None
