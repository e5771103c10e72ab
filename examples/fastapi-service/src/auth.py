"""The HTTP edge of authentication: the bearer token in, a Principal or a 401 out."""

from __future__ import annotations

from typing import Optional

from fastapi import HTTPException, Request

from src.application.authenticate import (
    AuthenticationError,
    Authenticator,
    BypassMode,
    BypassPolicy,
    VerifierUnavailable,
)
from src.clerk import ClerkVerifier
from src.config import Settings
from src.domain.identity import Principal


def bypass_policy(settings: Settings) -> BypassPolicy:
    # Production gets OFF whatever the flag says: the startup guard already refused the flag
    # there, and this keeps one mistake from being enough.
    if not settings.allow_dev_auth_bypass or settings.production:
        return BypassPolicy(BypassMode.OFF)
    if settings.env == "local":
        return BypassPolicy(BypassMode.LOCAL)
    if settings.dev_bypass_secret is None:  # refused by the startup guard; off, should it get here
        return BypassPolicy(BypassMode.OFF)
    return BypassPolicy(BypassMode.SHARED_SECRET, settings.dev_bypass_secret.reveal().encode("utf-8"))


def build_authenticator(settings: Settings) -> Authenticator:
    verifier: Optional[ClerkVerifier] = None
    if settings.clerk_jwks_url is not None:
        verifier = ClerkVerifier(
            settings.clerk_jwks_url,
            settings.clerk_issuer,
            settings.jwt_leeway_seconds,
            settings.jwks_cache_seconds,
        )
    return Authenticator(bypass_policy(settings), verifier)


def _unauthorized(detail: str, challenge: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": challenge})


# A plain `def`: FastAPI runs it in its thread pool, where a JWKS fetch may block.
def require_principal(request: Request) -> Principal:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized("missing bearer token", "Bearer")
    authenticator: Authenticator = request.app.state.authenticator
    try:
        return authenticator.authenticate(token)
    except AuthenticationError:
        # One answer for every reason, so that a caller cannot probe which check failed.
        raise _unauthorized("invalid token", 'Bearer error="invalid_token"') from None
    except VerifierUnavailable:
        raise HTTPException(
            status_code=503, detail="authentication is unavailable, try again", headers={"Retry-After": "5"}
        ) from None
