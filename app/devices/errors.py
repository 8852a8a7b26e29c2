"""Errors of the device layer: bytes that make no valid frame, and device problems a person acts on."""

from __future__ import annotations

from app.services.errors import DomainError


class DeviceError(DomainError):
    """A profile, port or device problem, said so that the person at the bench knows what to do."""


class FrameRejected(ValueError):
    """A complete frame whose content is wrong; `str(exc)` says what, for the operator and the log."""
