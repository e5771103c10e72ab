"""Fixtures: RSA keys made for the run, and a JWKS server that publishes one of them."""

from __future__ import annotations

import json
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

# The suite leaves no bytecode behind in the service folder (subprocesses get the variable).
sys.dont_write_bytecode = True

from support import KID, JwksServer  # noqa: E402 (after dont_write_bytecode, on purpose)


@pytest.fixture(scope="session")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def jwks_server(signing_key: rsa.RSAPrivateKey):
    jwk = json.loads(RSAAlgorithm.to_jwk(signing_key.public_key()))
    jwk.update({"kid": KID, "use": "sig", "alg": "RS256"})
    server = JwksServer({"keys": [jwk]})
    yield server
    server.close()
