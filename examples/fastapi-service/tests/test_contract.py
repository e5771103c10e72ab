"""The seed's contract tests: config.py and the source tree agree with runtime-contract.yml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from import_rules import violations
from src import config
from support import SERVICE_ROOT

CONTRACT = yaml.safe_load((SERVICE_ROOT / "runtime-contract.yml").read_text(encoding="utf-8"))

CATEGORY_CONSTANTS = {
    "required-secrets": config.REQUIRED_SECRETS,
    "optional-secrets": config.OPTIONAL_SECRETS,
    "required-plain": config.REQUIRED_PLAIN,
    "optional-plain": config.OPTIONAL_PLAIN,
    "code-defaults": config.CODE_DEFAULTS,
    "dev-only-plain": config.DEV_ONLY_PLAIN,
    "dev-only-secrets": config.DEV_ONLY_SECRETS,
}


def test_every_contract_category_has_a_constant():
    assert set(CONTRACT["env"]) == set(CATEGORY_CONSTANTS)


@pytest.mark.parametrize("category", sorted(CATEGORY_CONSTANTS))
def test_config_constant_equals_the_contract_category(category):
    constant = CATEGORY_CONSTANTS[category]
    assert isinstance(constant, tuple), "a category constant is a tuple: nothing may append to it"
    assert list(constant) == CONTRACT["env"][category]


def test_no_name_is_in_two_categories():
    names = [name for constant in CATEGORY_CONSTANTS.values() for name in constant]
    assert len(names) == len(set(names))


def test_environments_and_naming():
    assert CONTRACT["environments"] == {"dev": {}, "prod": {"production": True}}
    assert CONTRACT["secrets"]["naming"] == "{name}-{environment}"
    production = [name for name, values in CONTRACT["environments"].items() if values.get("production")]
    assert tuple(production) == config.PRODUCTION_ENVIRONMENTS


def test_the_import_rules_are_the_seeds():
    rules = [(rule["paths"], rule["modules"]) for rule in CONTRACT["imports"]["forbidden"]]
    assert rules == [
        (["src/**"], ["google.cloud.secretmanager"]),
        (["src/domain/**", "src/application/**"], ["google.auth", "google.oauth2", "google.cloud.iam"]),
    ]


def test_src_respects_the_import_rules():
    # The layers must exist, or the rule guards nothing.
    assert (SERVICE_ROOT / "src/domain").is_dir() and (SERVICE_ROOT / "src/application").is_dir()
    assert violations(SERVICE_ROOT, CONTRACT["imports"]["forbidden"]) == []


BAD_TREE = {
    "src/secrets_a.py": "from google.cloud import secretmanager\n",
    "src/secrets_b.py": "import os, google.cloud.secretmanager as sm\n",
    "src/secrets_c.py": "from google.cloud.secretmanager import (\n    SecretManagerServiceClient,\n)\n",
    "src/secrets_d.py": "import importlib\nimportlib.import_module('google.cloud.secretmanager')\n",
    "src/domain/a.py": "from google.oauth2 import id_token\n",
    "src/domain/b.py": "x = __import__('google.auth')\n",
    "src/application/c.py": "from google import auth\n",
    "src/application/d.py": "import google.cloud.iam.credentials_v1\n",
    # Allowed: cloud identity outside the guarded layers, and mentions that are no imports.
    "src/infrastructure.py": "import google.auth\n",
    "src/domain/clean.py": "# from google.cloud import secretmanager\nTEXT = 'import google.auth'\n",
    "src/application/relative.py": "from . import auth\n",
}


def test_the_import_check_finds_every_form_in_a_bad_tree(tmp_path: Path):
    for relative, text in BAD_TREE.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    found = {(v.path, v.forbidden) for v in violations(tmp_path, CONTRACT["imports"]["forbidden"])}
    assert found == {
        ("src/secrets_a.py", "google.cloud.secretmanager"),
        ("src/secrets_b.py", "google.cloud.secretmanager"),
        ("src/secrets_c.py", "google.cloud.secretmanager"),
        ("src/secrets_d.py", "google.cloud.secretmanager"),
        ("src/domain/a.py", "google.oauth2"),
        ("src/domain/b.py", "google.auth"),
        ("src/application/c.py", "google.auth"),
        ("src/application/d.py", "google.cloud.iam"),
    }
