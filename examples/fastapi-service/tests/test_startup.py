"""The startup guard: which environments the process refuses to serve in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from src.app import create_app
from src.config import StartupError, load_settings, read_settings
from support import DEPLOYED, DEV_SECRET, SERVICE_ROOT, environment


def refusal(environ: dict) -> str:
    with pytest.raises(StartupError) as caught:
        load_settings(environ)
    return str(caught.value)


def test_prod_with_the_bypass_flag_refuses_to_start():
    assert "ALLOW_DEV_AUTH_BYPASS is true in prod" in refusal(environment("prod", ALLOW_DEV_AUTH_BYPASS="true"))


def test_prod_with_the_bypass_secret_refuses_to_start():
    message = refusal(environment("prod", DEV_BYPASS_SECRET=DEV_SECRET))
    assert "DEV_BYPASS_SECRET is set in prod" in message
    assert DEV_SECRET not in message


def test_prod_without_the_flag_starts_with_the_bypass_off():
    for flag in (None, "false", " FALSE "):
        assert load_settings(environment("prod", ALLOW_DEV_AUTH_BYPASS=flag)).allow_dev_auth_bypass is False


def test_dev_with_the_flag_but_no_secret_refuses_to_start():
    message = refusal(environment("dev", ALLOW_DEV_AUTH_BYPASS="true"))
    assert "DEV_BYPASS_SECRET is not set" in message


def test_dev_with_the_flag_and_the_secret_starts():
    settings = load_settings(environment("dev", ALLOW_DEV_AUTH_BYPASS="True", DEV_BYPASS_SECRET=DEV_SECRET))
    assert settings.allow_dev_auth_bypass is True


def test_dev_without_the_flag_has_the_bypass_off():
    assert load_settings(environment("dev")).allow_dev_auth_bypass is False


def test_local_has_the_bypass_on_by_default_and_false_turns_it_off():
    assert load_settings(environment("local")).allow_dev_auth_bypass is True
    assert load_settings(environment("local", ALLOW_DEV_AUTH_BYPASS="false")).allow_dev_auth_bypass is False


@pytest.mark.parametrize("value", ["yes", "1", "on", "tru", "true!", "false false"])
def test_an_invalid_boolean_refuses_to_start(value):
    message = refusal(environment("dev", ALLOW_DEV_AUTH_BYPASS=value))
    assert message == "ALLOW_DEV_AUTH_BYPASS must be true or false (any case)"


@pytest.mark.parametrize("env", [None, "", "staging", "production"])
def test_env_must_be_local_dev_or_prod(env):
    assert "ENV must be one of local, dev, prod" in refusal(environment("dev", ENV=env))


def test_env_is_read_in_any_case():
    assert load_settings(environment("prod", ENV=" PROD ")).production is True


def test_local_on_cloud_run_refuses_to_start():
    assert "this is Cloud Run" in refusal(environment("local", K_SERVICE="fastapi-service"))


def test_deployed_environments_need_the_required_variables_and_name_only_them():
    message = refusal(environment("prod", DATABASE_URL=None, CLERK_JWKS_URL=""))
    assert message == "required variables are not set in prod: DATABASE_URL, CLERK_JWKS_URL"


@pytest.mark.parametrize("name", ["JWT_LEEWAY_SECONDS", "JWKS_CACHE_SECONDS"])
def test_code_defaults_apply_and_bad_values_refuse(name):
    assert getattr(load_settings(environment("local", **{name: "42"})), name.lower()) == 42
    assert f"{name} must be a whole number of seconds" in refusal(environment("local", **{name: "-1"}))


def test_every_problem_is_reported_at_once():
    with pytest.raises(StartupError) as caught:
        load_settings(environment("prod", ALLOW_DEV_AUTH_BYPASS="true", DEV_BYPASS_SECRET="x", BASE_URL=None))
    assert len(caught.value.problems) == 3


def test_secrets_stay_out_of_the_settings_repr():
    settings = read_settings(environment("dev", ALLOW_DEV_AUTH_BYPASS="true", DEV_BYPASS_SECRET=DEV_SECRET))
    text = repr(settings) + str(settings.dev_bypass_secret) + f"{settings.database_url}"
    for secret in (DEV_SECRET, DEPLOYED["DATABASE_URL"], DEPLOYED["CLERK_SECRET_KEY"], DEPLOYED["ADMIN_API_KEY"]):
        assert secret not in text
    assert settings.dev_bypass_secret.reveal() == DEV_SECRET


def test_create_app_runs_the_guard():
    with pytest.raises(StartupError):
        create_app(environment("prod", ALLOW_DEV_AUTH_BYPASS="true"))


def _uvicorn(extra_env: dict, port: int) -> subprocess.Popen:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", **extra_env}
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "src.main:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=SERVICE_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_uvicorn_exits_with_the_reason_in_prod_with_the_bypass_flag():
    process = _uvicorn({"ENV": "prod", "ALLOW_DEV_AUTH_BYPASS": "true"}, 0)
    try:
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode != 0
    assert "refusing to start: ALLOW_DEV_AUTH_BYPASS is true in prod" in stderr


def test_uvicorn_serves_health_in_local():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = _uvicorn({"ENV": "local", "COMMIT_SHA": "abc1234"}, port)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    body = response.read().decode()
                break
            except OSError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "uvicorn did not answer within 30 s"
                time.sleep(0.1)
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert body == '{"status":"ok","revision":null,"commit":"abc1234"}'
