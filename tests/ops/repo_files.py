"""Parsers of the repo's own files, shared by the ops tests: the reference, never a copy."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]

_ENV_VAR = re.compile(r"env_var\(\s*'(\w+)'\s*(?:,\s*'([^']*)')?\s*\)")
_MAKE_RULE = re.compile(r"^([A-Za-z0-9][\w.-]*)\s*:(?!=)", re.MULTILINE)


def load_yaml(relative: str) -> Any:
    return yaml.safe_load((REPO_ROOT / relative).read_text())


def makefile_targets() -> set[str]:
    return set(_MAKE_RULE.findall((REPO_ROOT / "Makefile").read_text()))


def makefile_variable(name: str) -> str:
    match = re.search(rf"^{name}\s*:?=\s*(.+)$", (REPO_ROOT / "Makefile").read_text(), re.M)
    assert match, f"Makefile defines no {name}"
    return match.group(1).strip()


def prod_profile_env() -> dict[str, tuple[str, str | None]]:
    """``prod`` target setting -> (environment variable, default), from profiles.yml."""
    profile = load_yaml("profiles.yml")["bouge"]["outputs"]["prod"]
    found = {}
    for setting, value in profile.items():
        match = _ENV_VAR.search(str(value))
        if match:
            found[setting] = (match.group(1), match.group(2))
    return found


def make_calls(script: str) -> list[list[str]]:
    """The target lists of every `make` command of a shell script (``[]`` = default goal)."""
    script = script.replace("\\\n", " ")
    calls = []
    for command in re.split(r"&&|\|\||[;|\n]", script):
        try:
            tokens = shlex.split(command, comments=True)
        except ValueError:
            continue
        while tokens and re.fullmatch(r"[A-Za-z_]\w*=.*", tokens[0]):
            tokens = tokens[1:]  # VAR=value make ...
        if tokens and tokens[0] == "make":
            calls.append([t for t in tokens[1:] if not t.startswith("-") and "=" not in t])
    return calls
