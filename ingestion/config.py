"""Settings of the ingestion steps, resolved by dlt's configuration providers.

A step's settings are one dataclass whose field defaults are the defaults. Each field is
looked up, in this order, as:

1. ``SOURCES__<STEP>__<FIELD>`` in the environment (dlt's environment provider);
2. its documented variable (``FINISHERS_CRAWL_DELAY``, ``GEOCODER``...), kept as an alias:
   the README, the Makefile, the nightly workflow and the bench use those names;
3. ``[sources.<step>] <field>`` in ``.dlt/secrets.toml`` or ``.dlt/config.toml``;
4. the field's default.

An empty value counts as unset (CI exports empty variables). A value that is not of the
field's type is an :class:`~ingestion.env.EnvSettingError` naming where it came from.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, get_args, get_origin

import dlt
from dlt.common.configuration.providers import ConfigProvider, EnvironProvider

from ingestion.env import EnvSettingError


class AliasProvider(ConfigProvider):
    """The documented environment variable of a setting: ``<prefix><FIELD>`` or an alias."""

    def __init__(self, prefix: str, aliases: Mapping[str, str]) -> None:
        self.prefix = prefix
        self.aliases = aliases
        self.environ = EnvironProvider()  # dlt's own reader, asked for the documented name

    def variable(self, key: str) -> str | None:
        """The documented name of ``key``; None for a step with no documented names."""
        if key in self.aliases:
            return self.aliases[key]
        return f"{self.prefix}{key.upper()}" if self.prefix else None

    def get_value(
        self, key: str, hint: type[Any], pipeline_name: str | None, *sections: str
    ) -> tuple[Any | None, str]:
        variable = self.variable(key)
        if variable is None:
            return None, ""
        return self.environ.get_value(variable.lower(), hint, None)

    @property
    def name(self) -> str:
        return "documented environment variables"

    @property
    def supports_secrets(self) -> bool:
        return False

    @property
    def supports_sections(self) -> bool:
        return False

    @property
    def is_empty(self) -> bool:
        return False


def _coerce(value: Any, hint: Any, where: str) -> Any:
    if get_origin(hint) in (UnionType, typing.Union):
        hint = next(a for a in get_args(hint) if a is not NoneType)
    if hint in (int, float):
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise EnvSettingError(f"{where}={value!r} is not a number") from exc
        return int(number) if hint is int else number
    if hint is Path:
        return Path(str(value))
    return str(value)


def setting_values(
    spec: type[Any],
    step: str,
    prefix: str,
    aliases: Mapping[str, str] | None = None,
    exclude: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The fields of the dataclass ``spec`` that some provider sets, coerced to their type
    (``exclude``: fields that are not settings)."""
    alias = AliasProvider(prefix, aliases or {})
    environ, *files = dlt.config.config_providers
    providers = [environ, alias, *files]
    hints = typing.get_type_hints(spec)
    found: dict[str, Any] = {}
    for spec_field in fields(spec):
        if not spec_field.init or spec_field.name in exclude:
            continue
        hint = hints[spec_field.name]
        for provider in providers:
            value, where = provider.get_value(spec_field.name, hint, None, "sources", step)
            if value is not None and value != "":
                found[spec_field.name] = _coerce(value, hint, where)
                break
    return found


def first_broken(error: type[Exception], *rules: tuple[bool, str]) -> None:
    """Raise ``error`` with the message of the first rule ``(holds, message)`` that does not
    hold: a settings object checks its values in one list."""
    for holds, message in rules:
        if not holds:
            raise error(message)
