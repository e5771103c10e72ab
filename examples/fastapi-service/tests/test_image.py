"""The Dockerfile's shape, which the rehearsal and the build-push action rely on."""

from __future__ import annotations

import json
import re

from support import SERVICE_ROOT

DOCKERFILE = (SERVICE_ROOT / "Dockerfile").read_text(encoding="utf-8")
DOCKERIGNORE = (SERVICE_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()


def stages() -> dict:
    """Instructions of each stage, by name, without comments and continuations."""
    text = re.sub(r"\\\n", " ", re.sub(r"(?m)^\s*#.*\n", "", DOCKERFILE))
    found, current = {}, None
    for line in filter(None, (line.strip() for line in text.splitlines())):
        match = re.fullmatch(r"FROM\s+\S+\s+AS\s+(\S+)", line, re.IGNORECASE)
        if match:
            current = match.group(1)
            found[current] = []
        elif current is not None:
            found[current].append(line)
    return found


def test_the_base_image_is_a_build_argument_pinned_by_digest():
    assert re.search(r"(?m)^ARG BASE_IMAGE=python:3\.12-slim@sha256:[0-9a-f]{64}$", DOCKERFILE)
    assert re.findall(r"(?m)^FROM (\S+)", DOCKERFILE) == ["${BASE_IMAGE}", "${BASE_IMAGE}"]


def test_the_source_stage_only_copies():
    source = stages()["source"]
    assert [line.split()[0] for line in source] == ["WORKDIR", "COPY", "COPY", "COPY"]
    copied = {line.split()[1].rstrip("/") for line in source if line.startswith("COPY")}
    assert copied == {"alembic.ini", "migrations", "src"}


def test_the_runtime_stage_is_last_and_runs_as_a_numeric_user():
    names = list(stages())
    assert names[-1] == "runtime"
    runtime = stages()["runtime"]
    assert "COPY --from=source /app /app" in runtime
    assert re.fullmatch(r"USER \d+:\d+", next(line for line in runtime if line.startswith("USER")))
    command = next(line for line in runtime if line.startswith("CMD"))
    assert json.loads(command[len("CMD") :]) == [
        "python", "-m", "uvicorn", "src.main:app", "--host", "0.0.0.0", "--port", "8080",
    ]


def test_the_context_leaves_out_tests_and_credentials():
    for pattern in ("tests/", "infra/", ".github/", "gha-creds-*.json", "**/gha-creds-*.json", "**/__pycache__/"):
        assert pattern in DOCKERIGNORE
