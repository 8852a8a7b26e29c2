"""Threadline: a quality-traceability workstation for precision-parts manufacturing."""

__version__ = "0.1.0"
