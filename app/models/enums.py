"""Enumerations of the domain, stored by value (see `base.str_enum`)."""

from __future__ import annotations

import enum


class Role(str, enum.Enum):
    OPERATOR = "operator"
    INSPECTOR = "inspector"
    SUPERVISOR = "supervisor"
    QUALITY_ENGINEER = "quality_engineer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Tracking(str, enum.Enum):
    LOT = "lot"
    SERIAL = "serial"


class ItemStatus(str, enum.Enum):
    RELEASED = "released"
    QUARANTINED = "quarantined"
    ON_HOLD = "on_hold"
    IN_PROCESS = "in_process"
    SCRAPPED = "scrapped"
    CONSUMED = "consumed"
    SHIPPED = "shipped"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class IdentifierKind(str, enum.Enum):
    BARCODE = "barcode"
    GS1 = "gs1"
    EPC = "epc"
    TID = "tid"


class EquipmentKind(str, enum.Enum):
    MACHINE = "machine"
    FURNACE = "furnace"
    GAUGE = "gauge"
    TEST_RIG = "test_rig"
    TOOL = "tool"


class EquipmentStatus(str, enum.Enum):
    ACTIVE = "active"
    OUT_OF_SERVICE = "out_of_service"
    RETIRED = "retired"


class WorkOrderStatus(str, enum.Enum):
    PLANNED = "planned"
    RELEASED = "released"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CLOSED = "closed"


class StepResult(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    REWORK = "rework"
    IN_PROGRESS = "in_progress"


class ParameterSource(str, enum.Enum):
    MANUAL = "manual"
    SENSOR = "sensor"


class PlanType(str, enum.Enum):
    RECEIVING = "receiving"
    IN_PROCESS = "in_process"
    FINAL = "final"
    FIRST_ARTICLE = "first_article"


class CharacteristicKind(str, enum.Enum):
    VARIABLE = "variable"
    ATTRIBUTE = "attribute"


class Classification(str, enum.Enum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


class InspectionResult(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    OPEN = "open"


class NonconformanceStatus(str, enum.Enum):
    OPEN = "open"
    DISPOSITIONED = "dispositioned"
    CLOSED = "closed"


class Disposition(str, enum.Enum):
    USE_AS_IS = "use_as_is"
    REWORK = "rework"
    SCRAP = "scrap"
    RETURN_TO_SUPPLIER = "return_to_supplier"


class ComplaintStatus(str, enum.Enum):
    OPEN = "open"
    INVESTIGATING = "investigating"
    CLOSED = "closed"


class OnViolation(str, enum.Enum):
    """What a process parameter outside its limits does to the step."""

    BLOCK = "block"  # refused: nothing is written until the value is back in limits
    FLAG = "flag"  # recorded, marked out of limits for quality to see


class SensorKind(str, enum.Enum):
    MQTT = "mqtt"
    MODBUS_TCP = "modbus_tcp"
    MODBUS_RTU = "modbus_rtu"


class RegisterKind(str, enum.Enum):
    """The Modbus table a value is read from."""

    HOLDING = "holding"  # function 03
    INPUT = "input"  # function 04


class RegisterType(str, enum.Enum):
    """How the register(s) of a Modbus value are decoded; FLOAT32 takes two registers."""

    INT16 = "int16"
    UINT16 = "uint16"
    FLOAT32 = "float32"
