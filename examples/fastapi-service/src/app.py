"""The application factory: settings checked first, then the routes."""

from __future__ import annotations

import logging
from typing import Mapping

from fastapi import Depends, FastAPI, Response

from src.auth import build_authenticator, require_principal
from src.config import load_settings
from src.domain.identity import Principal

logger = logging.getLogger("fastapi_service")


def create_app(environ: Mapping[str, str]) -> FastAPI:
    """Raises config.StartupError before any route exists when the environment is not acceptable."""
    settings = load_settings(environ)
    if settings.allow_dev_auth_bypass:
        # A warning so that it shows with any logging setup: the bypass must never go unnoticed.
        logger.warning("the dev auth bypass is ON (ENV=%s)", settings.env)

    # The interactive docs describe every route to anyone: not in production.
    docs = {} if not settings.production else {"docs_url": None, "redoc_url": None, "openapi_url": None}
    app = FastAPI(title="fastapi-service", **docs)
    app.state.settings = settings
    app.state.authenticator = build_authenticator(settings)

    # No auth, no database: Cloud Run and the deploy pipeline's health check ask it which
    # revision and commit are serving.
    @app.get("/health")
    def health(response: Response) -> dict:
        response.headers["Cache-Control"] = "no-store"
        return {"status": "ok", "revision": settings.revision, "commit": settings.commit_sha}

    @app.get("/me")
    def me(principal: Principal = Depends(require_principal)) -> dict:
        return {"user_id": principal.user_id, "auth": principal.auth.value}

    return app
