"""What a station refuses, one class per rule, so the GUI can colour and the tests can tell them apart.
Every message names the item and says what to do next; whenever one is raised, nothing was written."""

from __future__ import annotations

from app.services.errors import DomainError, NotFound, ValidationError


class StationError(DomainError):
    """A scan or a request the station refuses."""


class UnknownScan(StationError, NotFound):
    """Nothing (or not the kind of thing asked for) is known by the scanned text."""


class AmbiguousScan(StationError, ValidationError):
    """The scanned text names several items; the station needs exactly one."""


class InvalidRequest(StationError, ValidationError):
    """A quantity, a count or a combination of inputs that cannot be right."""


class ItemNotUsable(StationError):
    """The item's status forbids the step: base of the status rules below."""


class LotOnHold(ItemNotUsable):
    pass


class Quarantined(ItemNotUsable):
    pass


class ItemUsedUp(ItemNotUsable):
    """Consumed, scrapped or shipped: the item is gone from the floor."""


class NotQuarantined(ItemNotUsable):
    """A release of an item that is not in quarantine."""


class Expired(ItemNotUsable):
    pass


class NotFinished(ItemNotUsable):
    """The item is still in process on its route, so it cannot go into something else or to a customer."""


class InsufficientQuantity(StationError):
    pass


class LotUsedUp(InsufficientQuantity, ItemUsedUp):
    """A lot taken down to nothing: both not enough left and gone (the loser of a race for its last bit)."""


class WrongPart(StationError):
    pass


class MissingComponent(StationError):
    pass


class EquipmentNotActive(StationError):
    pass


class EquipmentNotCalibrated(StationError):
    pass


class WrongStation(StationError):
    """The operation belongs to another work centre than the station's."""


class NotOnRoute(StationError):
    """The item has no route, or the operation is not on it."""


class OutOfRouteOrder(StationError):
    pass


class ReworkNeedsSupervisor(OutOfRouteOrder):
    """Repeating an operation the item already passed is a rework loop: a supervisor decides."""


class StepAlreadyStarted(StationError):
    """The item has a step at this operation that was started and not completed."""


class StepNotOpen(StationError):
    """Completing a step that is not in progress (already completed, or never started)."""


class WorkOrderNotOpen(StationError):
    pass


class NotAPerson(StationError):
    """Step records are signed by a person; the system account cannot sign them."""
