"""The ERP's master data arriving from outside: suppliers (created or updated by code), work orders and
customer orders (created once, by number). Each write is a unit of work, validated and audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Customer, CustomerOrder, Supplier, WorkOrder, WorkOrderStatus
from app.models.base import utcnow
from app.services.errors import Conflict, NotFound, ValidationError
from app.services.permissions import Action, Actor
from app.services.station import scan
from app.services.station.route import route_id
from app.services.unit_of_work import unit_of_work


@dataclass(frozen=True)
class SupplierView:
    id: uuid.UUID
    code: str
    name: str
    country: str | None
    created: bool


@dataclass(frozen=True)
class WorkOrderView:
    id: uuid.UUID
    number: str
    part_number: str
    revision: str
    quantity: float
    status: str
    due_on: date | None
    customer_order: str | None


@dataclass(frozen=True)
class CustomerOrderView:
    id: uuid.UUID
    number: str
    customer: str
    ordered_at: datetime


def _text(value: str, what: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise ValidationError(f"The {what} is empty. Enter it as your ERP knows it.")
    if len(value) > limit:
        raise ValidationError(f"The {what} '{value[:40]}…' is longer than {limit} characters.")
    return value


def _country(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip().upper()
    if len(value) != 2 or not value.isalpha():
        raise ValidationError(f"'{value}' is not a country code: use the two letters of ISO 3166, e.g. DE.")
    return value


def save_supplier(factory: sessionmaker[Session], actor: Actor, *, code: str, name: str,
                  country: str | None = None) -> SupplierView:
    """Create the supplier `code`, or update its name and country if it exists."""
    code, name = _text(code, "supplier code", 32), _text(name, "supplier name", 128)
    country = _country(country)
    with unit_of_work(factory, actor, Action.EDIT_ORDERS, reason=f"Supplier {code} from the ERP") as session:
        supplier = session.scalar(select(Supplier).where(Supplier.code == code))
        created = supplier is None
        if supplier is None:
            supplier = Supplier(id=uuid.uuid4(), code=code, name=name, country=country)
            session.add(supplier)
        else:
            supplier.name, supplier.country = name, country
        session.flush()
        return SupplierView(supplier.id, supplier.code, supplier.name, supplier.country, created)


def create_customer_order(factory: sessionmaker[Session], actor: Actor, *, number: str, customer: str,
                          customer_name: str | None = None,
                          ordered_at: datetime | None = None) -> CustomerOrderView:
    """A customer order; the customer (by code) is created with `customer_name` if it is new."""
    number, code = _text(number, "customer order number", 32), _text(customer, "customer code", 32)
    reason = f"Customer order {number} from the ERP"
    with unit_of_work(factory, actor, Action.EDIT_ORDERS, reason=reason) as session:
        if session.scalar(select(CustomerOrder.id).where(CustomerOrder.number == number)) is not None:
            raise Conflict(f"Customer order {number} already exists; nothing was written. Orders are created "
                           "once: send a new number for a new order.")
        found = session.scalar(select(Customer).where(Customer.code == code))
        if found is None:
            if not customer_name or not customer_name.strip():
                raise NotFound(f"There is no customer with the code {code}. Send customer_name to create it "
                               "with the order.")
            found = Customer(id=uuid.uuid4(), code=code, name=_text(customer_name, "customer name", 128))
            session.add(found)
            session.flush()
        order = CustomerOrder(id=uuid.uuid4(), number=number, customer_id=found.id,
                              ordered_at=ordered_at or utcnow())
        session.add(order)
        session.flush()
        return CustomerOrderView(order.id, order.number, found.name, order.ordered_at)


def create_work_order(factory: sessionmaker[Session], actor: Actor, *, number: str, part_number: str,
                      quantity: float, revision: str | None = None, due_on: date | None = None,
                      customer_order: str | None = None, released: bool = True) -> WorkOrderView:
    """A work order for a part, on the part's current route; released for the floor unless asked not to."""
    number = _text(number, "work order number", 32)
    if not quantity > 0:
        raise ValidationError(f"{quantity:g} is not a quantity to make. Send the order quantity, above zero.")
    reason = f"Work order {number} from the ERP"
    with unit_of_work(factory, actor, Action.EDIT_ORDERS, reason=reason) as session:
        if session.scalar(select(WorkOrder.id).where(WorkOrder.number == number)) is not None:
            raise Conflict(f"Work order {number} already exists; nothing was written. Send a new number for "
                           "a new order.")
        part = scan.part_number(session, part_number, revision)
        order = scan.customer_order(session, customer_order) if customer_order else None
        status = WorkOrderStatus.RELEASED if released else WorkOrderStatus.PLANNED
        work = WorkOrder(id=uuid.uuid4(), number=number, part_id=part.id,
                         route_id=route_id(session, part.id, None),
                         customer_order_id=order.id if order else None, quantity=quantity, status=status,
                         due_on=due_on)
        session.add(work)
        session.flush()
        return WorkOrderView(work.id, work.number, part.part_number, part.revision, quantity, status.value,
                             due_on, order.number if order else None)
