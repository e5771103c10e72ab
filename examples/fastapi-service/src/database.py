"""DATABASE_URL as SQLAlchemy needs it, without ever putting the URL in a message.

Used by migrations/env.py. The URL is turned into a `sqlalchemy.engine.URL` object rather than
written into alembic.ini's config, whose `%` interpolation breaks on a password like `p%40ss`.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import URL, make_url

EXPECTED = "postgresql+psycopg2://USER:PASSWORD@/DATABASE?host=/cloudsql/PROJECT:REGION:INSTANCE"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class DatabaseUrlError(ValueError):
    """DATABASE_URL cannot be used; the message names the problem, never the URL."""


def _encode_raw_at_signs(text: str) -> str:
    """`user:p@ss@host` → `user:p%40ss@host`: the userinfo ends at the last '@' before the host.

    SQLAlchemy ends it at the first '@', which would make `ss@host` the host. The migrate action
    writes such an '@' as %40 already; a URL set by hand may not.
    """
    scheme, separator, rest = text.partition("://")
    if not separator:
        return text
    authority_end = len(rest)
    for stop in "/?":
        index = rest.find(stop)
        if index != -1:
            authority_end = min(authority_end, index)
    authority = rest[:authority_end]
    userinfo, at, host = authority.rpartition("@")
    if not at:
        return text
    return f"{scheme}://{userinfo.replace('@', '%40')}@{host}{rest[authority_end:]}"


def engine_url(raw: str) -> URL:
    """A SQLAlchemy URL for `raw`; its repr and str() mask the password."""
    if not raw:
        raise DatabaseUrlError(f"DATABASE_URL is empty (expected {EXPECTED})")
    if _CONTROL.search(raw):
        raise DatabaseUrlError("DATABASE_URL holds a line break or control character: store it without one")
    text = _encode_raw_at_signs(raw)
    # `postgres://` is a common spelling that SQLAlchemy 1.4+ refuses.
    if text.startswith("postgres://"):
        text = "postgresql+psycopg2://" + text[len("postgres://") :]
    try:
        # SQLAlchemy's own error quotes the whole URL: replaced, and not chained.
        return make_url(text)
    except Exception:
        raise DatabaseUrlError(f"DATABASE_URL cannot be parsed (expected {EXPECTED})") from None
