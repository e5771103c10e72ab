"""Turns a bearer token into a Principal: the dev auth bypass here, other tokens to a verifier.

The bypass exists so that a developer (or a test run against a dev deployment) can call the API
without a Clerk session. Its token forms:
- local: `dev:<user_id>`, on by default, no secret (the process runs on a laptop);
- dev:   `dev:<secret>:<user_id>`, only when ALLOW_DEV_AUTH_BYPASS is true, the secret compared
         in constant time with DEV_BYPASS_SECRET;
- prod:  never (config.py refuses to start a production process with the flag).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from enum import Enum
from typing import Optional, Protocol

from src.domain.identity import AuthMethod, Principal, is_valid_user_id

BYPASS_PREFIX = "dev:"


class AuthenticationError(Exception):
    """The token is missing, malformed or not accepted. The message is safe to show the caller."""


class VerifierUnavailable(Exception):
    """The verifier could not decide (its key set cannot be fetched): a server problem, not the caller's."""


class TokenVerifier(Protocol):
    def verify(self, token: str) -> str:
        """Returns the user id the token proves, or raises AuthenticationError/VerifierUnavailable."""


class BypassMode(Enum):
    OFF = "off"
    LOCAL = "local"  # dev:<user_id>
    SHARED_SECRET = "shared-secret"  # dev:<secret>:<user_id>


@dataclass(frozen=True)
class BypassPolicy:
    mode: BypassMode
    # Bytes, so that hmac.compare_digest never sees a non-ASCII str (it raises TypeError then).
    secret: bytes = field(default=b"", repr=False)

    def __post_init__(self) -> None:
        if self.mode is BypassMode.SHARED_SECRET and not self.secret:
            raise ValueError("the shared-secret bypass needs a secret")


def bypass_user_id(token: str, policy: BypassPolicy) -> str:
    """The user id of a `dev:` token under `policy`; AuthenticationError when it is not accepted."""
    if not token.startswith(BYPASS_PREFIX) or policy.mode is BypassMode.OFF:
        raise AuthenticationError("the dev auth bypass is off")
    rest = token[len(BYPASS_PREFIX) :]
    if policy.mode is BypassMode.LOCAL:
        user_id = rest
    else:
        # The user id is after the last ':', so a secret may itself hold ':'.
        presented, separator, user_id = rest.rpartition(":")
        if not separator or not hmac.compare_digest(presented.encode("utf-8"), policy.secret):
            raise AuthenticationError("invalid dev bypass token")
    if not is_valid_user_id(user_id):
        raise AuthenticationError("invalid user id in dev bypass token")
    return user_id


class Authenticator:
    def __init__(self, policy: BypassPolicy, verifier: Optional[TokenVerifier]) -> None:
        self._policy = policy
        self._verifier = verifier

    def authenticate(self, token: str) -> Principal:
        # A JWT never starts with `dev:`, so such a token is a bypass attempt whatever the
        # mode: it never reaches the verifier (and never costs a JWKS fetch).
        if token.startswith(BYPASS_PREFIX):
            return Principal(bypass_user_id(token, self._policy), AuthMethod.BYPASS)
        if self._verifier is None:
            raise AuthenticationError("token verification is not configured")
        user_id = self._verifier.verify(token)
        if not is_valid_user_id(user_id):
            raise AuthenticationError("the token names no valid user")
        return Principal(user_id, AuthMethod.CLERK)
