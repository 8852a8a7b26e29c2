"""The demo plant's fixed cast: people, suppliers, customers, parts, routes, stations, equipment and
inspection plans of a small valve shop — data only, written by `master_data`."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import (
    CharacteristicKind,
    Classification,
    EquipmentKind,
    OnViolation,
    PlanType,
    Role,
    Tracking,
)

COMPANY_PREFIX = "0614141"  # the GS1 documentation prefix: valid numbers that belong to nobody

BAR, SEALS, SPRINGS = "RB-14404-040", "ORK-4711", "CS-4711"  # purchased
BODY, VALVE, SHAFT = "VB-4711", "VA-4711", "SH-220"  # made here


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role


USERS = (
    DemoUser("admin", "Sabine Keller", Role.ADMIN),
    DemoUser("qe.mueller", "Thomas Müller", Role.QUALITY_ENGINEER),
    DemoUser("sup.wagner", "Petra Wagner", Role.SUPERVISOR),
    DemoUser("insp.novak", "Pavel Novák", Role.INSPECTOR),
    DemoUser("insp.lang", "Miriam Lang", Role.INSPECTOR),
    DemoUser("op.schmidt", "Jonas Schmidt", Role.OPERATOR),
    DemoUser("op.yilmaz", "Emre Yılmaz", Role.OPERATOR),
    DemoUser("op.kowalski", "Marek Kowalski", Role.OPERATOR),
    DemoUser("op.fischer", "Lena Fischer", Role.OPERATOR),
)


@dataclass(frozen=True)
class Party:
    code: str
    name: str
    country: str


SUPPLIERS = (
    Party("EMS", "Emschertal Edelstahl GmbH", "DE"),  # stock-holder: bar with heat numbers and 3.1 certs
    Party("MTS", "Moravtěsnění s.r.o.", "CZ"),  # O-ring kits
    Party("MVG", "Molle Valgobbia S.r.l.", "IT"),  # compression springs
)
CUSTOMERS = (
    Party("SFC", "Severnside Flow Controls Ltd", "GB"),
    Party("AEL", "Armaturenwerk Elbtal GmbH", "DE"),
    Party("VIR", "Vannes Industrielles du Rhône SAS", "FR"),
    Party("VVA", "Vänerflöde Ventiler AB", "SE"),
)


@dataclass(frozen=True)
class PartSpec:
    part_number: str
    revision: str
    description: str
    tracking: Tracking
    unit: str = "pcs"
    item_reference: str | None = None  # with the company prefix, the GTIN of parts sold under our name
    shelf_life_days: int | None = None


PARTS = (
    PartSpec(BAR, "A", "Round bar 1.4404 (316L) Ø40 mm h9, EN 10088-3, cert. 3.1", Tracking.LOT, "m"),
    PartSpec(SEALS, "B", "O-ring seal kit FKM 75, 3 rings, for VA-4711", Tracking.LOT, shelf_life_days=1825),
    PartSpec(SPRINGS, "A", "Compression spring 1.4310, d 2.0 mm, L0 32.0 mm", Tracking.LOT),
    PartSpec(BODY, "C", "Valve body DN12 PN160, 1.4404, machined", Tracking.SERIAL),
    PartSpec(VALVE, "B", "Needle valve assembly DN12 PN160, 1.4404 / FKM", Tracking.SERIAL,
             item_reference="47110"),
    PartSpec(SHAFT, "A", "Drive shaft Ø36 h6 × 220 mm, 1.4404", Tracking.LOT, item_reference="22010"),
)

# (parent, component, quantity per parent, consumed at operation)
BOM = (
    (BODY, BAR, 0.12, 10),
    (VALVE, BODY, 1.0, 10),
    (VALVE, SEALS, 1.0, 10),
    (VALVE, SPRINGS, 1.0, 10),
    (SHAFT, BAR, 0.225, 10),
)

@dataclass(frozen=True)
class OpSpec:
    """A route operation and where it runs: orders alternate over the stations (and their equipment)."""

    seq: int
    name: str
    work_center: str
    stations: tuple[str, ...]
    equipment: tuple[str | None, ...]


ROUTES = {
    BODY: (OpSpec(10, "Saw bar stock", "Saw", ("SAW-PC1",), ("SAW-01",)),
           OpSpec(20, "CNC turning", "Turning", ("TRN-PC1", "TRN-PC2"), ("LTH-01", "LTH-02")),
           OpSpec(30, "Heat treatment", "Heat treatment", ("HT-PC1",), ("FRN-01",)),
           OpSpec(40, "Grinding", "Grinding", ("GRD-PC1",), ("GRD-01",)),
           OpSpec(50, "Final inspection", "Quality lab", ("QL-PC1", "QL-PC2"), (None, None))),
    VALVE: (OpSpec(10, "Assembly", "Assembly", ("ASM-PC1", "ASM-PC2"), ("TRQ-01", "TRQ-02")),
            OpSpec(20, "Leak test", "Test", ("TST-PC1",), ("LKT-01",)),
            OpSpec(30, "Final inspection & pack", "Packing", ("PCK-PC1",), (None,))),
    SHAFT: (OpSpec(10, "CNC turning", "Turning", ("TRN-PC2",), ("LTH-02",)),
            OpSpec(20, "Grinding", "Grinding", ("GRD-PC2",), ("GRD-02",)),
            OpSpec(30, "Inspection", "Quality lab", ("QL-PC2",), (None,))),
}

STATIONS = (
    ("GR-PC1", "Goods receipt"), ("SAW-PC1", "Saw"), ("TRN-PC1", "Turning"), ("TRN-PC2", "Turning"),
    ("HT-PC1", "Heat treatment"), ("GRD-PC1", "Grinding"), ("GRD-PC2", "Grinding"), ("QL-PC1", "Quality lab"),
    ("QL-PC2", "Quality lab"), ("ASM-PC1", "Assembly"), ("ASM-PC2", "Assembly"), ("TST-PC1", "Test"),
    ("PCK-PC1", "Packing"), ("SHP-PC1", "Shipping"),
)


@dataclass(frozen=True)
class EquipmentSpec:
    code: str
    name: str
    kind: EquipmentKind
    station: str
    calibration_interval_days: int | None = None  # None: not a measuring device
    overdue: bool = False


EQUIPMENT = (
    EquipmentSpec("SAW-01", "Kasto bandsaw KASTOtec A 4", EquipmentKind.MACHINE, "SAW-PC1"),
    EquipmentSpec("LTH-01", "DMG Mori NLX 2500 CNC lathe", EquipmentKind.MACHINE, "TRN-PC1"),
    EquipmentSpec("LTH-02", "Index G200 turn-mill centre", EquipmentKind.MACHINE, "TRN-PC2"),
    EquipmentSpec("FRN-01", "Nabertherm N 300/H chamber furnace", EquipmentKind.FURNACE, "HT-PC1", 365),
    EquipmentSpec("GRD-01", "Studer S131 internal grinder", EquipmentKind.MACHINE, "GRD-PC1"),
    EquipmentSpec("GRD-02", "Kellenberger Kel-Varia cylindrical grinder", EquipmentKind.MACHINE, "GRD-PC2"),
    EquipmentSpec("AGA-01", "Air gauge Ø12 bore, Mahr Millimar C1208", EquipmentKind.GAUGE, "GRD-PC1", 180),
    EquipmentSpec("RGH-01", "Roughness tester Mahr MarSurf PS 10", EquipmentKind.GAUGE, "QL-PC1", 365),
    EquipmentSpec("CAL-03", "Digital caliper 0–150 mm, Mitutoyo 500-196", EquipmentKind.GAUGE, "QL-PC1", 365,
                  overdue=True),
    EquipmentSpec("CAL-04", "Digital caliper 0–300 mm, Mitutoyo 500-173", EquipmentKind.GAUGE, "QL-PC2", 365),
    EquipmentSpec("MIC-02", "Outside micrometer 25–50 mm, Mitutoyo 293-241", EquipmentKind.GAUGE, "GRD-PC2",
                  365),
    EquipmentSpec("RNO-01", "Dial indicator 0.001 mm on bench centres", EquipmentKind.GAUGE, "GRD-PC2", 365),
    EquipmentSpec("THG-01", "Thread plug gauge M16×1.5-6H GO/NO GO", EquipmentKind.GAUGE, "QL-PC1", 365),
    EquipmentSpec("TRQ-01", "Torque wrench Gedore Dremometer 20–100 Nm", EquipmentKind.TOOL, "ASM-PC1", 365),
    EquipmentSpec("TRQ-02", "Torque wrench Gedore Dremometer 20–100 Nm", EquipmentKind.TOOL, "ASM-PC2", 365),
    EquipmentSpec("LKT-01", "Leak test rig, pressure decay, 250 bar", EquipmentKind.TEST_RIG, "TST-PC1", 365),
    EquipmentSpec("TQM-01", "Torque meter 0–5 Nm, Sauter DB 5-2", EquipmentKind.GAUGE, "PCK-PC1", 365),
)


@dataclass(frozen=True)
class ParamSpec:
    """A process parameter an operation asks for; `sensor`: the machine publishes it on MQTT. `typical` and
    `spread` are what the simulated gateway publishes (`threadline simulate mqtt --demo`)."""

    name: str
    unit: str
    lower: float | None
    upper: float | None
    on_violation: OnViolation = OnViolation.BLOCK
    sensor: bool = True
    typical: float = 0.0
    spread: float = 0.0

    @property
    def topic_name(self) -> str:
        return self.name.lower().replace(" ", "_")


FLAG = OnViolation.FLAG
# Limits wide of what the simulated process does (the bodies' and shafts' generators in `bodies`, `shafts`,
# `assembly`): the demo's history has no step a blocking limit would have refused.
PARAMETERS = {
    (BODY, 20): (ParamSpec("Spindle speed", "rpm", 1500, 1700, typical=1600, spread=8),
                 ParamSpec("Feed", "mm/rev", 0.10, 0.14, FLAG, typical=0.12, spread=0.002)),
    (BODY, 30): (ParamSpec("Furnace temperature", "°C", 1040, 1080, typical=1060, spread=2.5),
                 ParamSpec("Soak time", "min", 30, 35, FLAG, sensor=False)),
    (BODY, 40): (ParamSpec("Coolant temperature", "°C", None, 26.0, FLAG, typical=21.5, spread=0.35),),
    (VALVE, 10): (ParamSpec("Bonnet torque", "Nm", 40, 50, typical=45, spread=0.5),),
    (VALVE, 20): (ParamSpec("Test pressure", "bar", 235, 245, typical=240, spread=0.6),
                  ParamSpec("Leak rate", "mbar·l/s", None, 1e-4, FLAG, typical=2e-5, spread=5e-6)),
    (SHAFT, 10): (ParamSpec("Spindle speed", "rpm", 1750, 1950, typical=1850, spread=10),
                  ParamSpec("Feed", "mm/rev", 0.17, 0.23, FLAG, typical=0.20, spread=0.003)),
    (SHAFT, 20): (ParamSpec("Coolant temperature", "°C", None, 26.0, FLAG, typical=21, spread=0.4),),
}
SENSOR_TOPIC = "threadline/demo/{equipment}/{parameter}"


def sensor_sources() -> dict[tuple[str, str], tuple[str, str]]:
    """(equipment code, parameter) → (MQTT topic, unit): each machine publishes what its operations ask."""
    return {key: (topic, spec.unit) for key, (topic, spec) in sensor_specs().items()}


def sensor_specs() -> dict[tuple[str, str], tuple[str, ParamSpec]]:
    """(equipment code, parameter) → (MQTT topic, the first operation's spec of it)."""
    sources: dict[tuple[str, str], tuple[str, ParamSpec]] = {}
    for (part, seq), specs in PARAMETERS.items():
        operation = next(op for op in ROUTES[part] if op.seq == seq)
        for code in filter(None, operation.equipment):
            for spec in specs:
                if spec.sensor:
                    topic = SENSOR_TOPIC.format(equipment=code, parameter=spec.topic_name)
                    sources.setdefault((code, spec.name), (topic, spec))
    return sources


@dataclass(frozen=True)
class CharSpec:
    """A characteristic, and how the process really behaves on it (mean, sigma) or how often it fails."""

    name: str
    kind: CharacteristicKind
    classification: Classification
    gauge_type: str
    gauge: str | None  # equipment code of the gauge used; None for visual and document checks
    nominal: float | None = None
    lower: float | None = None
    upper: float | None = None
    unit: str | None = None
    decimals: int = 3
    mean: float = 0.0
    sigma: float = 0.0


def variable(name: str, classification: Classification, gauge_type: str, gauge: str, nominal: float | None,
             lower: float | None, upper: float | None, unit: str, decimals: int, mean: float,
             sigma: float) -> CharSpec:
    return CharSpec(name, CharacteristicKind.VARIABLE, classification, gauge_type, gauge, nominal, lower,
                    upper, unit, decimals, mean, sigma)


def attribute(name: str, classification: Classification, gauge_type: str,
              gauge: str | None = None) -> CharSpec:
    return CharSpec(name, CharacteristicKind.ATTRIBUTE, classification, gauge_type, gauge, decimals=0)


@dataclass(frozen=True)
class PlanSpec:
    part: str
    operation_seq: int | None  # None: receiving inspection
    plan_type: PlanType
    characteristics: tuple[CharSpec, ...]
    sample_size: int = 1
    frequency: int = 1


MAJOR, MINOR, CRITICAL = Classification.MAJOR, Classification.MINOR, Classification.CRITICAL

# The bore of the valve body is the characteristic that drifts and makes NCRs (see `bodies`).
BORE_LOW, BORE_HIGH = 11.982, 12.018
BORE = variable("Bore diameter Ø12", CRITICAL, "Air gauge", "AGA-01", 12.000, BORE_LOW, BORE_HIGH, "mm", 3,
                12.000, 0.0025)

PLANS = {
    "bar_receiving": PlanSpec(BAR, None, PlanType.RECEIVING, (
        variable("Bar diameter Ø40 h9", MAJOR, "Outside micrometer", "MIC-02", 40.000, 39.938, 40.000, "mm",
                 3,
                 39.972, 0.008),
        attribute("3.1 certificate matches heat and grade", MAJOR, "Document check"))),
    "seal_receiving": PlanSpec(SEALS, None, PlanType.RECEIVING, (
        variable("O-ring cross-section", MINOR, "Caliper", "CAL-03", 2.62, 2.54, 2.70, "mm", 2, 2.62, 0.015),
        attribute("Count, packaging and batch label", MINOR, "Visual"))),
    "spring_receiving": PlanSpec(SPRINGS, None, PlanType.RECEIVING, (
        variable("Free length L0", MAJOR, "Caliper", "CAL-03", 32.0, 31.5, 32.5, "mm", 2, 32.05, 0.09),
        attribute("Surface, passivation", MINOR, "Visual")), sample_size=5),
    "body_grinding": PlanSpec(BODY, 40, PlanType.IN_PROCESS, (
        BORE,
        variable("Bore roughness Ra", MAJOR, "Roughness tester", "RGH-01", None, None, 0.80, "µm", 2, 0.38,
                 0.06))),
    "body_final": PlanSpec(BODY, 50, PlanType.FINAL, (
        variable("Overall length", MAJOR, "Caliper", "CAL-03", 68.00, 67.90, 68.10, "mm", 2, 68.01, 0.02),
        attribute("Thread M16×1.5-6H", MAJOR, "Thread plug gauge", "THG-01"),
        attribute("Visual: burrs, scratches, marking", MINOR, "Visual")), frequency=5),
    "valve_final": PlanSpec(VALVE, 30, PlanType.FINAL, (
        variable("Actuation torque", MAJOR, "Torque meter", "TQM-01", 1.80, 1.20, 2.40, "Nm", 2, 1.74, 0.11),
        attribute("Marking and labels complete", MINOR, "Visual"))),
    "shaft_grinding": PlanSpec(SHAFT, 20, PlanType.IN_PROCESS, (
        variable("Shaft diameter Ø36 h6", CRITICAL, "Outside micrometer", "MIC-02", 36.000, 35.984, 36.000,
                 "mm",
                 3, 35.9925, 0.0021),
        variable("Radial runout", MAJOR, "Dial indicator", "RNO-01", None, None, 0.010, "mm", 3, 0.0035,
                 0.0012)),
        sample_size=5),
    "shaft_final": PlanSpec(SHAFT, 30, PlanType.FINAL, (
        variable("Overall length", MAJOR, "Caliper", "CAL-04", 220.00, 219.90, 220.10, "mm", 2, 220.01, 0.02),
        attribute("Visual, corrosion protection", MINOR, "Visual"))),
}

COMPLAINTS = (
    "Valve weeps at the stem seal after about three weeks in service (customer ref. 4500{ref}).",
    "Actuation torque too high at installation; handwheel hard to turn (customer ref. 4500{ref}).",
    "3.1 material certificate missing from the delivery papers (customer ref. 4500{ref}).",
    "Thread damage on the outlet port found at incoming inspection (customer ref. 4500{ref}).",
    "Label serial does not match the RFID tag read at goods receipt (customer ref. 4500{ref}).",
)
