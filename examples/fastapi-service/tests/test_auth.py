"""GET /me: the dev auth bypass in each ENV, and Clerk session tokens against a real JWKS server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient

from src.app import create_app
from src.application.authenticate import (
    AuthenticationError,
    BypassMode,
    BypassPolicy,
    bypass_user_id,
)
from support import DEV_SECRET, ISSUER, KID, environment


def me(environ: dict, token=None, header=None):
    headers = {"Authorization": header if header is not None else f"Bearer {token}"} if (token or header) else {}
    with TestClient(create_app(environ)) as client:
        return client.get("/me", headers=headers)


def assert_unauthorized(response):
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"] in ("missing bearer token", "invalid token")


# --- the dev auth bypass ---------------------------------------------------------------------

LOCAL = environment("local")
DEV_BYPASS = environment("dev", ALLOW_DEV_AUTH_BYPASS="true", DEV_BYPASS_SECRET=DEV_SECRET)


def test_local_accepts_dev_user_id():
    response = me(LOCAL, "dev:alice")
    assert response.status_code == 200
    assert response.json() == {"user_id": "alice", "auth": "bypass"}


@pytest.mark.parametrize("token", ["dev:", "dev:al ice", "dev:a:b", "Dev:alice"])
def test_local_refuses_bad_bypass_tokens(token):
    assert_unauthorized(me(LOCAL, token))


def test_local_with_the_bypass_off_refuses_dev_tokens():
    assert_unauthorized(me(environment("local", ALLOW_DEV_AUTH_BYPASS="false"), "dev:alice"))


def test_dev_accepts_the_secret_form():
    response = me(DEV_BYPASS, f"dev:{DEV_SECRET}:alice")
    assert response.status_code == 200
    assert response.json() == {"user_id": "alice", "auth": "bypass"}


@pytest.mark.parametrize(
    "token",
    [
        "dev:alice",  # the local form
        "dev:wrong-secret:alice",
        f"dev:{DEV_SECRET}x:alice",
        f"dev:{DEV_SECRET[:-1]}:alice",
        f"dev:{DEV_SECRET}:",  # empty user
        f"dev::{DEV_SECRET}",
    ],
)
def test_dev_refuses_wrong_bypass_tokens(token):
    assert_unauthorized(me(DEV_BYPASS, token))


def test_a_non_ascii_secret_is_refused_not_a_server_error():
    # hmac.compare_digest raises TypeError on a non-ASCII str: the comparison is on bytes.
    with pytest.raises(AuthenticationError):
        bypass_user_id("dev:sécret:alice", BypassPolicy(BypassMode.SHARED_SECRET, DEV_SECRET.encode()))
    assert_unauthorized(me(DEV_BYPASS, header="Bearer dev:sécret:alice".encode("utf-8")))


def test_dev_without_the_flag_refuses_bypass_tokens():
    assert_unauthorized(me(environment("dev", DEV_BYPASS_SECRET=DEV_SECRET), f"dev:{DEV_SECRET}:alice"))


@pytest.mark.parametrize("token", ["dev:alice", f"dev:{DEV_SECRET}:alice", "dev:anything:alice"])
def test_prod_refuses_every_dev_token(token):
    assert_unauthorized(me(environment("prod"), token))


def test_a_secret_may_hold_colons():
    policy = BypassPolicy(BypassMode.SHARED_SECRET, b"a:b:c")
    assert bypass_user_id("dev:a:b:c:alice", policy) == "alice"
    with pytest.raises(AuthenticationError):
        bypass_user_id("dev:a:b:alice", policy)


def test_the_policy_hides_its_secret():
    assert DEV_SECRET not in repr(BypassPolicy(BypassMode.SHARED_SECRET, DEV_SECRET.encode()))


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer   ", "Basic YWxpY2U6cHc=", "dev:alice"])
def test_missing_or_non_bearer_credentials_are_401(header):
    response = me(LOCAL, header=header) if header else me(LOCAL)
    assert_unauthorized(response)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_the_bearer_scheme_is_case_insensitive():
    assert me(LOCAL, header="bearer dev:alice").status_code == 200


# --- Clerk session tokens --------------------------------------------------------------------


def clerk_env(jwks_server, **overrides):
    return environment("dev", **{"CLERK_JWKS_URL": jwks_server.url, "CLERK_ISSUER": ISSUER, **overrides})


def claims(**overrides):
    now = int(time.time())
    # The claims of a Clerk session token.
    values = {
        "sub": "user_2abc",
        "iss": ISSUER,
        "iat": now - 10,
        "nbf": now - 10,
        "exp": now + 60,
        "azp": "https://app.example.test",
        "sid": "sess_1",
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def sign(key, payload, kid=KID):
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned_token(header: dict, payload: dict) -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}."


def hs256_with_public_key(public_pem: bytes, payload: dict) -> str:
    """The algorithm confusion attack, by hand (PyJWT itself refuses a PEM as an HMAC secret)."""
    header = {"alg": "HS256", "typ": "JWT", "kid": KID}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def test_a_valid_clerk_token_is_accepted(jwks_server, signing_key):
    response = me(clerk_env(jwks_server), sign(signing_key, claims()))
    assert response.status_code == 200
    assert response.json() == {"user_id": "user_2abc", "auth": "clerk"}


def test_the_issuer_is_not_checked_when_unset(jwks_server, signing_key):
    token = sign(signing_key, claims(iss="https://other.example.test"))
    assert me(clerk_env(jwks_server, CLERK_ISSUER=None), token).status_code == 200


def test_the_leeway_is_the_code_default_unless_set(jwks_server, signing_key):
    token = sign(signing_key, claims(exp=int(time.time()) - 20))
    assert_unauthorized(me(clerk_env(jwks_server), token))
    assert me(clerk_env(jwks_server, JWT_LEEWAY_SECONDS="60"), token).status_code == 200


def test_clerk_tokens_are_verified_in_local_too(jwks_server, signing_key):
    response = me(environment("local", CLERK_JWKS_URL=jwks_server.url), sign(signing_key, claims()))
    assert response.json() == {"user_id": "user_2abc", "auth": "clerk"}


@pytest.mark.parametrize(
    "case",
    [
        "expired",
        "not yet valid",
        "issued in the future",
        "wrong key",
        "unknown kid",
        "no kid",
        "wrong issuer",
        "no issuer",
        "no subject",
        "invalid subject",
        "alg none",
        "HS256 with the public key",
        "garbage",
    ],
)
def test_bad_clerk_tokens_are_401(case, jwks_server, signing_key, other_key):
    now = int(time.time())
    public_pem = signing_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    token = {
        "expired": lambda: sign(signing_key, claims(iat=now - 7200, nbf=now - 7200, exp=now - 3600)),
        "not yet valid": lambda: sign(signing_key, claims(nbf=now + 3600)),
        "issued in the future": lambda: sign(signing_key, claims(iat=now + 3600)),
        "wrong key": lambda: sign(other_key, claims()),
        "unknown kid": lambda: sign(signing_key, claims(), kid="another-kid"),
        "no kid": lambda: jwt.encode(claims(), signing_key, algorithm="RS256"),
        "wrong issuer": lambda: sign(signing_key, claims(iss="https://evil.example.test")),
        "no issuer": lambda: sign(signing_key, claims(iss=None)),
        "no subject": lambda: sign(signing_key, claims(sub=None)),
        "invalid subject": lambda: sign(signing_key, claims(sub="user 1")),
        "alg none": lambda: unsigned_token({"alg": "none", "typ": "JWT", "kid": KID}, claims()),
        "HS256 with the public key": lambda: hs256_with_public_key(public_pem, claims()),
        "garbage": lambda: "not-a-jwt",
    }[case]()
    assert_unauthorized(me(clerk_env(jwks_server), token))


def test_the_key_set_is_cached(jwks_server, signing_key):
    with TestClient(create_app(clerk_env(jwks_server))) as client:
        for _ in range(3):
            response = client.get("/me", headers={"Authorization": f"Bearer {sign(signing_key, claims())}"})
            assert response.status_code == 200
        # An unknown kid asks for a fresh key set, but not more often than every few seconds.
        for _ in range(3):
            token = sign(signing_key, claims(), kid="forged")
            assert client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert jwks_server.fetches == 1


def test_an_unreachable_key_set_is_503_not_401(signing_key):
    response = me(environment("dev", CLERK_JWKS_URL="http://127.0.0.1:9/jwks.json"), sign(signing_key, claims()))
    assert response.status_code == 503


def test_without_a_jwks_url_only_the_bypass_works(signing_key):
    assert_unauthorized(me(LOCAL, sign(signing_key, claims())))
