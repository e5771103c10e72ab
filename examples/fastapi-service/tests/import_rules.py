"""The contract's import guard in Python: every form of import, found with `ast`.

The test action enforces `imports.forbidden` in CI; this copy lets the service's own suite fail
first, on a laptop, and is itself tested on a bad tree.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Iterator, List, NamedTuple

DYNAMIC_IMPORTS = {("importlib", "import_module"), (None, "import_module"), (None, "__import__")}


class Violation(NamedTuple):
    path: str
    line: int
    module: str
    forbidden: str


def glob_pattern(glob: str) -> re.Pattern:
    """`src/**` → everything under src/; `*` and `?` stay within one folder."""
    parts = re.split(r"(\*\*/?|\*|\?)", glob)
    regex = "".join(
        ".*" if part in ("**", "**/") else "[^/]*" if part == "*" else "[^/]" if part == "?" else re.escape(part)
        for part in parts
    )
    return re.compile(regex)


def imported_modules(source: str) -> Iterator[tuple]:
    """(line, module) for each module a file imports; `from a import b` yields `a` and `a.b`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = node.func
            owner, name = None, getattr(function, "id", None)  # import_module(…), __import__(…)
            if isinstance(function, ast.Attribute):  # importlib.import_module(…)
                owner = function.value.id if isinstance(function.value, ast.Name) else None
                name = function.attr
            if (owner, name) in DYNAMIC_IMPORTS and isinstance(node.args[0].value, str):
                yield node.lineno, node.args[0].value


def violations(root: Path, rules: list) -> List[Violation]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        for rule in rules:
            if not any(glob_pattern(glob).fullmatch(relative) for glob in rule["paths"]):
                continue
            for line, module in imported_modules(path.read_text(encoding="utf-8")):
                for forbidden in rule["modules"]:
                    if module == forbidden or module.startswith(forbidden + "."):
                        found.append(Violation(relative, line, module, forbidden))
    return found
