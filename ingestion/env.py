"""The error of a setting that holds a value it cannot take (see :mod:`ingestion.config`)."""

from __future__ import annotations


class EnvSettingError(ValueError):
    """An environment variable holds a value the setting cannot take."""
