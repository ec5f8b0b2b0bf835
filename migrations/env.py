"""Alembic environment: always run in-process on a connection handed over by app.models.db."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from app.models import Base

config = context.config
connection = config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("Cadence migrations run in-process: use app.models.db.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
