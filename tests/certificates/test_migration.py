"""Migration 0006 goes down and up again on both databases, leaving the tables exactly as the models say."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from app.services import schema


def test_0006_downgrades_and_upgrades(engine):
    config = schema._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
    tables = set(inspect(engine).get_table_names())
    assert not {"certificates", "certificate_items"} & tables and "items" in tables
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert {"certificates", "certificate_items"} <= set(inspect(engine).get_table_names())
    assert schema.current_revision(engine) == schema.HEAD
    columns = {c["name"] for c in inspect(engine).get_columns("certificates")}
    assert {"number", "cert_type", "content_sha256", "is_copy", "reprint_of_id", "revoked_at"} <= columns
