"""Test helpers: complete environments for each ENV, and a real JWKS server for Clerk tokens."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SERVICE_ROOT = Path(__file__).resolve().parent.parent
KID = "test-key-1"
ISSUER = "https://clerk.example.test"
DEV_SECRET = "s3cret-for-tests"

# Values a deployed environment carries; none of them is a real secret.
DEPLOYED = {
    "DATABASE_URL": "postgresql+psycopg2://app:pw@/app?host=/cloudsql/p:r:i",
    "CLERK_SECRET_KEY": "sk_test_not_real",
    "ADMIN_API_KEY": "admin-not-real",
    "BASE_URL": "https://api.example.test",
    "CLERK_JWKS_URL": "http://127.0.0.1:9/unused",
}


def environment(env: str, **overrides: str) -> dict:
    """A complete environment for ENV=`env`; an override of None removes the variable."""
    values = {"ENV": env} if env == "local" else {"ENV": env, **DEPLOYED}
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


class JwksServer:
    """Serves a JWKS on 127.0.0.1, counting fetches, as Clerk's /.well-known/jwks.json does."""

    def __init__(self, jwks: dict) -> None:
        self.jwks = jwks
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                server.fetches += 1
                body = json.dumps(server.jwks).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/.well-known/jwks.json"
        # A short poll interval: shutdown() waits for one, and every Clerk test stops a server.
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
