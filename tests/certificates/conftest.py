"""A demo plant built once per session and database (SQLite and PostgreSQL), a trial signing key made once per
session, and the demo's people logged in: certificates need real genealogy, and building it per test is slow."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db import make_session_factory
from app.models import Item, PartDefinition, Shipment, ShipmentLine
from app.reports.page import Company
from app.services.certificates import SigningKey, create_trial_key
from app.services.demo import DEMO_PASSWORD, DemoSummary, build_demo_plant
from app.services.permissions import SYSTEM, Actor
from app.services.users import authenticate
from tests.conftest import shared_database

UNITS = 24
COMPANY = Company.from_text("Acme Valves GmbH", "Werkstraße 12; 70565 Stuttgart; Germany")


@dataclass
class Plant:
    url: str
    factory: sessionmaker[Session]
    summary: DemoSummary
    handed_out: set[str] = field(default_factory=set)

    @property
    def examples(self) -> dict[str, str]:
        return self.summary.examples

    def login(self, username: str) -> Actor:
        return authenticate(self.factory, username, DEMO_PASSWORD)

    @cached_property
    def supervisor(self) -> Actor:
        return self.login("sup.wagner")

    @cached_property
    def engineer(self) -> Actor:
        return self.login("qe.mueller")

    def shipment_serials(self, number: str) -> list[str]:
        with self.factory() as session:
            return list(session.scalars(
                select(Item.code).join(ShipmentLine, ShipmentLine.item_id == Item.id)
                .join(Shipment, ShipmentLine.shipment_id == Shipment.id)
                .where(Shipment.number == number, Item.is_serial.is_(True)).order_by(Item.code)))

    def take_valve(self) -> str:
        """A released valve no other test has certified: the plant is shared by every module of this package."""
        serial = next(v for v in self.valves("released") if v not in self.handed_out)
        self.handed_out.add(serial)
        return serial

    def valves(self, status: str) -> list[str]:
        with self.factory() as session:
            return list(session.scalars(
                select(Item.code).join(PartDefinition).where(PartDefinition.part_number == "VA-4711",
                                                             Item.status == status).order_by(Item.code)))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def plant(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Plant]:
    with shared_database(request.param, tmp_path_factory.mktemp("plant")) as (url, engine):
        factory = make_session_factory(engine)
        yield Plant(url, factory,
                    build_demo_plant(factory, SYSTEM, units=UNITS, seed=7))


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory: pytest.TempPathFactory) -> SigningKey:
    return create_trial_key(tmp_path_factory.mktemp("signing") / "organisation.p12", "Acme Valves GmbH",
                            "trial-passphrase-1")


def pdf_text(path: Path) -> str:
    """All text of the PDF, one page after the other, with whitespace runs made single spaces."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def page_count(path: Path) -> int:
    return len(PdfReader(io.BytesIO(path.read_bytes())).pages)


def render_pages(path: Path, folder: Path, dpi: int = 110) -> list[Path]:
    """Each page as a PNG (pypdfium2: pdftoppm is not on every machine), to look at and to decode the QR."""
    document = pypdfium2.PdfDocument(str(path))
    out = []
    try:
        for index in range(len(document)):
            target = folder / f"{path.stem}-page{index + 1}.png"
            document[index].render(scale=dpi / 72).to_pil().save(target)
            out.append(target)
    finally:
        document.close()
    return out
