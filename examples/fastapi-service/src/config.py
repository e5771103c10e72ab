"""Settings from the environment, read once, and the startup guard.

The category tuples below are the runtime contract's `env` categories, name for name and in
order (tests/test_contract.py compares them with runtime-contract.yml): Terraform injects what
the contract lists, and this module is the one place that reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

REQUIRED_SECRETS = ("DATABASE_URL", "CLERK_SECRET_KEY", "ADMIN_API_KEY")
OPTIONAL_SECRETS = ("RESEND_API_KEY",)
REQUIRED_PLAIN = ("ENV", "BASE_URL", "CLERK_JWKS_URL")
OPTIONAL_PLAIN = ("CLERK_ISSUER", "COMMIT_SHA", "RESEND_FROM_EMAIL")
CODE_DEFAULTS = ("JWT_LEEWAY_SECONDS", "JWKS_CACHE_SECONDS")
DEV_ONLY_PLAIN = ("ALLOW_DEV_AUTH_BYPASS",)
DEV_ONLY_SECRETS = ("DEV_BYPASS_SECRET",)

ENVIRONMENTS = ("local", "dev", "prod")
PRODUCTION_ENVIRONMENTS = ("prod",)

# The values behind CODE_DEFAULTS when the environment does not set them.
DEFAULT_JWT_LEEWAY_SECONDS = 5
DEFAULT_JWKS_CACHE_SECONDS = 300

# Set by Cloud Run in every container; read to refuse ENV=local there and to answer /health.
CLOUD_RUN_SERVICE = "K_SERVICE"
CLOUD_RUN_REVISION = "K_REVISION"


class StartupError(Exception):
    """The process must not serve. The problems name variables, never their values."""

    def __init__(self, problems: list) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


class Secret:
    """A secret value that stays out of reprs, str(), f-strings and so logs and tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__


@dataclass(frozen=True)
class Settings:
    env: str
    base_url: Optional[str]
    clerk_jwks_url: Optional[str]
    clerk_issuer: Optional[str]
    commit_sha: Optional[str]
    revision: Optional[str]
    resend_from_email: Optional[str]
    jwt_leeway_seconds: int
    jwks_cache_seconds: int
    allow_dev_auth_bypass: bool
    on_cloud_run: bool
    database_url: Optional[Secret]
    clerk_secret_key: Optional[Secret]
    admin_api_key: Optional[Secret]
    resend_api_key: Optional[Secret]
    dev_bypass_secret: Optional[Secret]
    # Contract variables that are absent or empty: the guard decides whether that is fatal.
    missing: tuple = ()

    @property
    def production(self) -> bool:
        return self.env in PRODUCTION_ENVIRONMENTS


def _plain(environ: Mapping[str, str], name: str) -> Optional[str]:
    value = environ.get(name, "").strip()
    return value or None


def _secret(environ: Mapping[str, str], name: str) -> Optional[Secret]:
    # Not trimmed: a secret is used byte for byte. Empty counts as unset (Terraform may inject "").
    value = environ.get(name, "")
    return Secret(value) if value else None


def parse_bool(name: str, raw: Optional[str], default: bool, problems: list) -> bool:
    """`true`/`false` in any case, trimmed; unset or empty means `default`; anything else is a problem."""
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered == "":
        return default
    if lowered in ("true", "false"):
        return lowered == "true"
    # The value is not quoted: a wrong value in a variable is sometimes a pasted secret.
    problems.append(f"{name} must be true or false (any case)")
    return default


def _seconds(environ: Mapping[str, str], name: str, default: int, minimum: int, problems: list) -> int:
    raw = _plain(environ, name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        problems.append(f"{name} must be a whole number of seconds, at least {minimum}")
        return default
    return int(raw)


def read_settings(environ: Mapping[str, str]) -> Settings:
    """Reads the environment once into Settings; raises StartupError for values that cannot be parsed."""
    problems: list = []
    env = (_plain(environ, "ENV") or "").lower()
    if env not in ENVIRONMENTS:
        problems.append(
            "ENV must be one of " + ", ".join(ENVIRONMENTS) + (" (it is not set)" if not env else "")
        )
    # Local development has the bypass on unless turned off; deployed environments opt in.
    allow_bypass = parse_bool(
        "ALLOW_DEV_AUTH_BYPASS", environ.get("ALLOW_DEV_AUTH_BYPASS"), env == "local", problems
    )
    settings = Settings(
        env=env,
        base_url=_plain(environ, "BASE_URL"),
        clerk_jwks_url=_plain(environ, "CLERK_JWKS_URL"),
        clerk_issuer=_plain(environ, "CLERK_ISSUER"),
        commit_sha=_plain(environ, "COMMIT_SHA"),
        revision=_plain(environ, CLOUD_RUN_REVISION),
        resend_from_email=_plain(environ, "RESEND_FROM_EMAIL"),
        jwt_leeway_seconds=_seconds(environ, "JWT_LEEWAY_SECONDS", DEFAULT_JWT_LEEWAY_SECONDS, 0, problems),
        # PyJWKClient refuses a cache lifespan of 0.
        jwks_cache_seconds=_seconds(environ, "JWKS_CACHE_SECONDS", DEFAULT_JWKS_CACHE_SECONDS, 1, problems),
        allow_dev_auth_bypass=allow_bypass,
        on_cloud_run=_plain(environ, CLOUD_RUN_SERVICE) is not None,
        database_url=_secret(environ, "DATABASE_URL"),
        clerk_secret_key=_secret(environ, "CLERK_SECRET_KEY"),
        admin_api_key=_secret(environ, "ADMIN_API_KEY"),
        resend_api_key=_secret(environ, "RESEND_API_KEY"),
        dev_bypass_secret=_secret(environ, "DEV_BYPASS_SECRET"),
        missing=tuple(
            name
            for name in REQUIRED_SECRETS + REQUIRED_PLAIN
            if not environ.get(name, "").strip()
        ),
    )
    if problems:
        raise StartupError(problems)
    return settings


def startup_problems(settings: Settings) -> list:
    """Why this process must not serve; empty when it may. Bypass rules first: they matter most."""
    problems = []
    if settings.production:
        if settings.allow_dev_auth_bypass:
            problems.append(
                f"ALLOW_DEV_AUTH_BYPASS is true in {settings.env}: the dev auth bypass never runs in "
                "production; remove the variable (or set it to false)"
            )
        if settings.dev_bypass_secret is not None:
            problems.append(
                f"DEV_BYPASS_SECRET is set in {settings.env}: dev-only secrets must not reach "
                "production; remove it from the service"
            )
    elif settings.env == "dev" and settings.allow_dev_auth_bypass and settings.dev_bypass_secret is None:
        problems.append(
            "ALLOW_DEV_AUTH_BYPASS is true in dev but DEV_BYPASS_SECRET is not set: without it "
            "anyone could pass the bypass; inject the secret or set the flag to false"
        )
    elif settings.env == "local" and settings.on_cloud_run:
        problems.append(
            f"ENV is local but {CLOUD_RUN_SERVICE} is set (this is Cloud Run): local turns the "
            "dev auth bypass on without a secret; set ENV to dev or prod"
        )
    if settings.env in ("dev", "prod") and settings.missing:
        problems.append(
            f"required variables are not set in {settings.env}: " + ", ".join(settings.missing)
        )
    return problems


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Settings that passed the startup guard; StartupError otherwise."""
    settings = read_settings(environ)
    problems = startup_problems(settings)
    if problems:
        raise StartupError(problems)
    return settings
