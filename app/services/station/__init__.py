"""The operator station's use cases, free of Qt: logging steps, making serials and lots, goods in, shipping.
Each call is one transaction that checks everything first and writes all of it, audited, or nothing."""

from app.services.station.goods_in import receive, release
from app.services.station.production import merge, serialize, split
from app.services.station.shipping import ship
from app.services.station.steps import complete_step, record_step, start_step
from app.services.station.task import station_task
from app.services.station.views import (
    ComponentNeed,
    ComponentScan,
    ConsumedView,
    EquipmentView,
    ItemRef,
    ItemView,
    OperationView,
    ParameterSpec,
    PackedShipment,
    Produced,
    Reading,
    Receipt,
    ReceivedLot,
    RecordedStep,
    Released,
    RouteStepView,
    SerializeRequest,
    ShipRequest,
    StationTask,
    StepCompletion,
    StepStart,
)

__all__ = [
    "ComponentNeed", "ComponentScan", "ConsumedView", "EquipmentView", "ItemRef", "ItemView", "OperationView",
    "ParameterSpec",
    "PackedShipment", "Produced", "Reading", "Receipt", "ReceivedLot", "RecordedStep", "Released",
    "RouteStepView", "SerializeRequest", "ShipRequest", "StationTask", "StepCompletion", "StepStart",
    "complete_step", "merge", "receive", "record_step", "release", "serialize", "ship", "split", "start_step",
    "station_task",
]
