"""Alembic, as the migrate action runs it: `alembic upgrade head` with DATABASE_URL set."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from src.database import DatabaseUrlError, engine_url
from support import SERVICE_ROOT

# The password the tests put in URLs: '%' and '@' are what break configparser and SQLAlchemy.
PASSWORD = "p@ss%w0rd"
ENCODED = "postgresql+psycopg2://app:p%40ss%25w0rd@/appdb?host=/cloudsql/proj:europe-west1:db"


def alembic(*args: str, database_url=None, cwd: Path = SERVICE_ROOT) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1"}
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(SERVICE_ROOT / "alembic.ini"), *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=60,
    )


def tables(url) -> set:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_head_and_downgrade_base_on_sqlite(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade = alembic("upgrade", "head", database_url=url)
    assert upgrade.returncode == 0, upgrade.stderr
    assert tables(url) == {"alembic_version", "notes"}
    engine = sa.create_engine(url)
    try:
        columns = {column["name"] for column in sa.inspect(engine).get_columns("notes")}
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0002"
    finally:
        engine.dispose()
    assert {"id", "owner_id", "title", "body", "created_at", "updated_at", "archived_at"} <= columns

    downgrade = alembic("downgrade", "base", database_url=url)
    assert downgrade.returncode == 0, downgrade.stderr
    assert tables(url) == {"alembic_version"}


def test_alembic_runs_from_another_working_directory(tmp_path: Path):
    # The migrate action runs in the service folder, but a developer may not: -c is enough.
    url = f"sqlite:///{tmp_path / 'app.db'}"
    assert alembic("upgrade", "head", database_url=url, cwd=tmp_path).returncode == 0


def test_a_percent_and_at_in_the_password_reach_postgres_unharmed():
    # Offline mode (--sql) runs env.py with the URL but connects to nothing.
    result = alembic("upgrade", "head", "--sql", database_url=ENCODED)
    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE notes" in result.stdout
    assert "p%40ss" not in result.stdout + result.stderr and PASSWORD not in result.stdout + result.stderr


def test_a_missing_database_url_is_named():
    result = alembic("upgrade", "head")
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_an_unparseable_database_url_is_not_echoed():
    result = alembic("upgrade", "head", database_url="not a url p%40ss")
    assert result.returncode != 0
    assert "DATABASE_URL cannot be parsed" in result.stderr
    assert "p%40ss" not in result.stderr


def test_alembic_ini_holds_no_database_url():
    parser = configparser.RawConfigParser()
    parser.read(SERVICE_ROOT / "alembic.ini")
    assert not parser.has_option("alembic", "sqlalchemy.url")


@pytest.mark.parametrize(
    "raw",
    [
        ENCODED,
        # A raw '@' and '%' as a person might paste them: the userinfo ends at the last '@'.
        "postgresql+psycopg2://app:p@ss%w0rd@/appdb?host=/cloudsql/proj:europe-west1:db",
        "postgres://app:p%40ss%25w0rd@/appdb?host=/cloudsql/proj:europe-west1:db",
    ],
)
def test_engine_url_decodes_the_password_without_interpolation(raw):
    url = engine_url(raw)
    assert url.drivername == "postgresql+psycopg2"
    assert (url.username, url.password, url.database) == ("app", PASSWORD, "appdb")
    assert url.host is None and url.query["host"] == "/cloudsql/proj:europe-west1:db"
    assert PASSWORD not in repr(url) and PASSWORD not in str(url)


def test_engine_url_keeps_host_and_port():
    url = engine_url("postgresql+psycopg2://app:p%40ss@127.0.0.1:5432/appdb?sslmode=disable")
    assert (url.host, url.port, url.password, url.query["sslmode"]) == ("127.0.0.1", 5432, "p@ss", "disable")


@pytest.mark.parametrize("raw", ["", "nonsense", "postgresql://app:secretpw@host/db\n"])
def test_engine_url_errors_never_quote_the_url(raw):
    with pytest.raises(DatabaseUrlError) as caught:
        engine_url(raw)
    assert "secretpw" not in str(caught.value) and (raw == "" or raw not in str(caught.value))
    assert caught.value.__cause__ is None


@pytest.mark.skipif(not os.environ.get("TEST_POSTGRES_URL"), reason="set TEST_POSTGRES_URL to run against PostgreSQL")
def test_upgrade_and_downgrade_on_postgres():
    url = os.environ["TEST_POSTGRES_URL"]
    try:
        assert alembic("upgrade", "head", database_url=url).returncode == 0
        assert {"alembic_version", "notes"} <= tables(engine_url(url))
    finally:
        assert alembic("downgrade", "base", database_url=url).returncode == 0
