"""The ORM tables of the whole traceability chain. Importing this package registers all of them."""

from app.models.api import ApiToken, IdempotencyRecord  # noqa: F401 - registers the tables
from app.models.audit import AuditEvent
from app.models.base import Base
from app.models.catalog import BomLine, Operation, PartDefinition, Route
from app.models.certificates import (  # noqa: F401 - registers the tables; import them from their module
    CertificateItem,
    CertificateSubject,
    CertificateType,
    IssuedCertificate,
)
from app.models.enums import (
    CharacteristicKind,
    Classification,
    ComplaintStatus,
    Disposition,
    EquipmentKind,
    EquipmentStatus,
    IdentifierKind,
    InspectionResult,
    ItemStatus,
    NonconformanceStatus,
    OnViolation,
    ParameterSource,
    PlanType,
    RegisterKind,
    RegisterType,
    Role,
    SensorKind,
    StepResult,
    Tracking,
    WorkOrderStatus,
)
from app.models.items import Item, ItemIdentifier
from app.models.logistics import CustomerOrder, Shipment, ShipmentLine
from app.models.parties import Customer, Supplier, User
from app.models.plant import Equipment, Station
from app.models.process import OperationParameter, SensorSource
from app.models.production import GenealogyLink, StepParameter, StepRecord, WorkOrder
from app.models.quality import (
    Characteristic,
    Complaint,
    InspectionPlan,
    InspectionRecord,
    Measurement,
    Nonconformance,
    nonconformance_items,
)

__all__ = [
    "AuditEvent", "Base", "BomLine", "Characteristic", "CharacteristicKind", "Classification",
    "Complaint", "ComplaintStatus", "Customer", "CustomerOrder", "Disposition", "Equipment",
    "EquipmentKind", "EquipmentStatus", "GenealogyLink", "IdentifierKind", "InspectionPlan",
    "InspectionRecord", "InspectionResult", "Item", "ItemIdentifier", "ItemStatus", "Measurement",
    "Nonconformance", "NonconformanceStatus", "OnViolation", "Operation", "OperationParameter",
    "ParameterSource", "PartDefinition", "PlanType", "RegisterKind", "RegisterType", "Role", "Route",
    "SensorKind", "SensorSource", "Shipment", "ShipmentLine", "Station", "StepParameter", "StepRecord",
    "StepResult", "Supplier", "Tracking", "User", "WorkOrder", "WorkOrderStatus", "nonconformance_items",
]
