"""Clerk session tokens: RS256 JWTs verified against the instance's JWKS, without a network
call per request (the key set is cached) and without Clerk's SDK."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import Any, Optional

import jwt
from jwt import PyJWKClient, PyJWKClientError, PyJWTError

from src.application.authenticate import AuthenticationError, VerifierUnavailable

# Clerk signs session tokens with RS256 only. Pinning the list is what stops `alg: none` and the
# HS256-with-the-public-key confusion: the header's `alg` is never trusted.
ALGORITHMS = ["RS256"]
FETCH_TIMEOUT_SECONDS = 5
# An unknown `kid` makes PyJWKClient fetch the key set again; a stream of forged tokens must not
# turn into a stream of requests to Clerk, so fetches are at least this far apart.
MIN_FETCH_INTERVAL_SECONDS = 10


class JwksUnavailable(PyJWKClientError):
    """The key set could not be fetched or parsed."""


class _JwksClient(PyJWKClient):
    """PyJWKClient with a fetch timeout (urlopen has none by default) and fetches spaced out."""

    def __init__(self, uri: str, cache_seconds: int) -> None:
        super().__init__(uri, cache_jwk_set=True, lifespan=cache_seconds)
        self._lock = threading.Lock()
        self._last_data: Any = None
        self._last_fetch = float("-inf")

    def fetch_data(self) -> Any:
        with self._lock:
            if self._last_data is not None and time.monotonic() - self._last_fetch < MIN_FETCH_INTERVAL_SECONDS:
                data = self._last_data
            else:
                try:
                    with urllib.request.urlopen(self.uri, timeout=FETCH_TIMEOUT_SECONDS) as response:
                        data = json.load(response)
                except (OSError, ValueError) as error:  # URLError and timeouts are OSErrors
                    raise JwksUnavailable(f"the JWKS cannot be fetched: {type(error).__name__}") from None
                self._last_data, self._last_fetch = data, time.monotonic()
            if self.jwk_set_cache is not None:
                self.jwk_set_cache.put(data)
            return data


class ClerkVerifier:
    def __init__(self, jwks_url: str, issuer: Optional[str], leeway_seconds: int, cache_seconds: int) -> None:
        self._jwks = _JwksClient(jwks_url, cache_seconds)
        self._issuer = issuer
        self._leeway = leeway_seconds

    def verify(self, token: str) -> str:
        """The `sub` of a valid session token. Reasons stay generic: the caller learns nothing useful."""
        try:
            signing_key = self._jwks.get_signing_key_from_jwt(token)
        except JwksUnavailable:
            raise VerifierUnavailable("the Clerk key set is unavailable") from None
        except (PyJWKClientError, PyJWTError):
            # No `kid`, an unknown `kid`, or not a JWT at all.
            raise AuthenticationError("invalid token") from None
        try:
            claims = jwt.decode(
                token,
                signing_key.key,
                algorithms=ALGORITHMS,
                leeway=self._leeway,
                issuer=self._issuer,
                # exp/nbf/iat are checked when present (with the leeway); exp, iat and sub must be.
                options={"require": ["exp", "iat", "sub"]},
            )
        except PyJWTError:
            raise AuthenticationError("invalid token") from None
        subject = claims["sub"]
        if not isinstance(subject, str):
            raise AuthenticationError("invalid token")
        return subject
