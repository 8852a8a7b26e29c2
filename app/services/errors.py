"""Domain errors: each message says what happened, to which thing, and what to do next."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a person at the bench should read. `str(err)` is that sentence."""


class DatabaseUnavailable(DomainError):
    pass


class SchemaTooNew(DomainError):
    pass


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class AuthenticationFailed(DomainError):
    pass


class ValidationError(DomainError):
    pass


class Conflict(DomainError):
    pass
