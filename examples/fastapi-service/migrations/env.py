"""Alembic's environment: connects with DATABASE_URL from the process environment.

The URL goes from the environment straight to SQLAlchemy as a URL object: never into the
config (configparser would interpolate a `%` in the password), never into a log line.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

from src.database import DatabaseUrlError, engine_url

config = context.config
if config.config_file_name is not None:
    # Keep the loggers that exist already (pytest's, an embedding app's).
    fileConfig(config.config_file_name, disable_existing_loggers=False)

# The migrations are written by hand (no autogenerate), so there is no model metadata.
target_metadata = None


def database_url():
    raw = os.environ.get("DATABASE_URL", "")
    if not raw:
        raise SystemExit("migrations: DATABASE_URL is not set; export it (the migrate action does)")
    try:
        return engine_url(raw)
    except DatabaseUrlError as error:
        raise SystemExit(f"migrations: {error}") from None


def run_migrations_offline() -> None:
    """`alembic upgrade head --sql`: prints the SQL, connects to nothing."""
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # NullPool: a migration run is one short-lived process; nothing to keep open.
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=target_metadata)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
