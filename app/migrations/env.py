"""Alembic environment: run with the connection that `app.services.schema` hands over."""

from __future__ import annotations

from alembic import context

from app.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite can only ALTER by copying a table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
