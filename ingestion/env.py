"""Reading settings from the environment, the same way in every ingestion step."""

from __future__ import annotations

import os


class EnvSettingError(ValueError):
    """An environment variable holds a value the setting cannot take."""


def env_str(name: str, default: str) -> str:
    """The variable, or ``default`` when unset or empty (CI exports empty variables)."""
    return os.environ.get(name) or default


def env_float(name: str, default: float) -> float:
    """The variable as a number, ``default`` when unset or empty; a clear error otherwise."""
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise EnvSettingError(f"{name}={value!r} is not a number") from exc
