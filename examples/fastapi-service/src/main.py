"""The entry point: `python -m uvicorn src.main:app` (from the service folder).

The environment is read here, once, when uvicorn imports the module; a process whose
environment fails the startup guard exits before it listens, with the reason on stderr.
"""

from __future__ import annotations

import os
import sys

from src.app import create_app
from src.config import StartupError

__all__ = ["app", "create_app"]

try:
    app = create_app(os.environ)
except StartupError as error:
    # One line a problem, each greppable in the revision's logs.
    for problem in error.problems:
        sys.stderr.write(f"fastapi-service: refusing to start: {problem}\n")
    raise SystemExit(1) from None
