"""Who is calling: the authenticated principal and what a user id may look like."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

# Clerk ids look like `user_2abc…`; bypass users are names a developer types. Anything outside
# this set (spaces, colons, control characters) is refused rather than passed on to logs or SQL.
_USER_ID = re.compile(r"[A-Za-z0-9_.@+-]{1,128}")


class AuthMethod(str, Enum):
    BYPASS = "bypass"
    CLERK = "clerk"


@dataclass(frozen=True)
class Principal:
    user_id: str
    auth: AuthMethod


def is_valid_user_id(user_id: str) -> bool:
    return _USER_ID.fullmatch(user_id) is not None
