"""Genealogy graphs as plain data: adjacency, depth and tree walking, without Qt or a session."""

from app.trace.graph import Direction, Edge, GenealogyGraph

__all__ = ["Direction", "Edge", "GenealogyGraph"]
