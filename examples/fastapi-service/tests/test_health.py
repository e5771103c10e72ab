"""GET /health: no auth, no database; the revision and commit that serve."""

from __future__ import annotations

from fastapi.testclient import TestClient

from src.app import create_app
from support import environment


def health(environ: dict):
    with TestClient(create_app(environ)) as client:
        return client.get("/health")


def test_health_answers_the_revision_and_commit():
    response = health(environment("prod", K_REVISION="fastapi-service-00042-xyz", COMMIT_SHA="0123abc"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "revision": "fastapi-service-00042-xyz", "commit": "0123abc"}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_answers_null_when_they_are_unset():
    assert health(environment("local")).json() == {"status": "ok", "revision": None, "commit": None}


def test_health_needs_no_credentials_and_no_database():
    # An unreachable DATABASE_URL and no Authorization header: still 200.
    environ = environment("dev", DATABASE_URL="postgresql+psycopg2://u:p@127.0.0.1:9/none")
    assert health(environ).status_code == 200


def test_the_api_docs_are_off_in_production():
    with TestClient(create_app(environment("prod"))) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/openapi.json").status_code == 404
    with TestClient(create_app(environment("dev"))) as client:
        assert client.get("/openapi.json").status_code == 200
