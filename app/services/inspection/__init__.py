"""Electronic inspection: plans and their revisions, forms filled by typing or from gauges, signatures that
lock a record, and the nonconformances and holds that failed results bring. Qt-free; the GUI calls these."""

from app.services.inspection.due import SamplingDecision, inspection_due
from app.services.inspection.forms import load_form
from app.services.inspection.guard import RecordSigned
from app.services.inspection.history import records_for_item
from app.services.inspection.nonconformance import (
    disposition_nonconformance,
    list_nonconformances,
)
from app.services.inspection.plans import (
    ImportedPlan,
    create_plan,
    export_plans,
    import_plans,
    list_plans,
    load_plan,
    revise_plan,
)
from app.services.inspection.records import (
    GaugeRefused,
    ImplausibleValue,
    check_gauge,
    confirm_value,
    evaluate_entry,
    open_record,
    plans_for_item,
    record_value,
)
from app.services.inspection.sampling import LotSizeRange, Sampling, SamplingRule
from app.services.inspection.signature import (
    SignatureMismatch,
    content_sha256,
    correct_record,
    review_record,
    sign_record,
    verify,
)
from app.services.inspection.specs import CharacteristicDefinition, PlanDefinition
from app.services.inspection.tolerance import DefectCode, Evaluation, Tolerance
from app.services.inspection.views import (
    AttributeResult,
    CharacteristicView,
    Confirmed,
    GaugeReading,
    GaugeView,
    Meaning,
    MeasurementView,
    NonconformanceView,
    PlanView,
    RecordForm,
    RecordSummary,
    RecordVersion,
    Saved,
    Signature,
    SignOutcome,
    Slot,
    TypedValue,
)

__all__ = [
    "AttributeResult", "CharacteristicDefinition", "CharacteristicView", "Confirmed", "DefectCode",
    "Evaluation", "GaugeReading", "GaugeRefused", "GaugeView", "ImplausibleValue", "ImportedPlan",
    "LotSizeRange", "Meaning", "MeasurementView", "NonconformanceView", "PlanDefinition", "PlanView",
    "RecordForm", "RecordSigned", "RecordSummary", "RecordVersion", "Sampling", "SamplingDecision",
    "SamplingRule", "Saved", "SignOutcome", "Signature", "SignatureMismatch", "Slot", "Tolerance",
    "TypedValue", "check_gauge", "confirm_value", "content_sha256", "correct_record", "create_plan",
    "disposition_nonconformance", "evaluate_entry", "export_plans", "import_plans", "inspection_due",
    "list_nonconformances", "list_plans", "load_form", "load_plan", "open_record", "plans_for_item",
    "record_value", "records_for_item", "review_record", "revise_plan", "sign_record", "verify",
]
