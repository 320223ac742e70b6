"""Run configuration, resolved once by dlt's providers (defaults in ``settings``).

``GEOCODER`` picks the provider; ``GEOCODING_*`` variables point the online providers at
another server (the tests use a local one), set the User-Agent and the politeness limits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ingestion.config import first_broken, setting_values
from ingestion.env import EnvSettingError
from ingestion.geocoding import settings

if TYPE_CHECKING:
    from ingestion.geocoding.online import CallPolicy


# Fields whose documented variable is not GEOCODING_<FIELD>.
ALIASES = {"provider": "GEOCODER", "gazetteer_path": "GEOCODING_GAZETTEER"}


class ConfigError(EnvSettingError):
    """An invalid geocoding setting."""


@dataclass(frozen=True)
class GeocodingConfig:
    provider: str = settings.DEFAULT_PROVIDER
    gazetteer_path: Path = settings.GAZETTEER_PATH
    nearest_commune_max_m: float = settings.NEAREST_COMMUNE_MAX_M
    geoplateforme_domain: str = settings.GEOPLATEFORME_DOMAIN
    geoplateforme_scheme: str = "https"
    geoplateforme_min_delay_s: float = settings.GEOPLATEFORME_MIN_DELAY_S
    nominatim_domain: str = settings.NOMINATIM_DOMAIN
    nominatim_scheme: str = "https"
    nominatim_min_delay_s: float = settings.NOMINATIM_MIN_DELAY_S
    user_agent: str = settings.USER_AGENT
    timeout_s: float = settings.REQUEST_TIMEOUT_S
    max_retries: int = settings.MAX_RETRIES
    backoff_s: float = settings.RETRY_BACKOFF_S
    max_retry_after_s: float = settings.MAX_RETRY_AFTER_S
    max_failures_in_a_row: int = settings.MAX_FAILURES_IN_A_ROW
    source: str = settings.EVENTS_SOURCE

    def __post_init__(self) -> None:
        public_nominatim = self.nominatim_domain == settings.NOMINATIM_DOMAIN
        first_broken(
            ConfigError,
            (
                self.provider in settings.PROVIDERS,
                f"GEOCODER={self.provider!r}: expected one of {', '.join(settings.PROVIDERS)}",
            ),
            (
                0 <= self.nearest_commune_max_m <= 20_000,
                f"GEOCODING_NEAREST_COMMUNE_MAX_M={self.nearest_commune_max_m}: "
                "expected 0 to 20000",
            ),
            (
                self.nominatim_min_delay_s >= 1.0 or not public_nominatim,
                "the public Nominatim allows at most 1 request per second",
            ),
        )

    def call_policy(self, min_delay_s: float) -> CallPolicy:
        """Spacing, retries and circuit breaking of an online provider."""
        from ingestion.geocoding.online import CallPolicy

        return CallPolicy(
            min_delay_s,
            self.max_retries,
            self.backoff_s,
            self.max_retry_after_s,
            self.max_failures_in_a_row,
        )

    def with_provider(self, provider: str | None) -> GeocodingConfig:
        return self if provider is None else replace(self, provider=provider)

    @classmethod
    def from_env(cls) -> GeocodingConfig:
        """Resolved by dlt (:mod:`ingestion.config`): ``SOURCES__GEOCODING__<FIELD>``, the
        documented ``GEOCODER`` / ``GEOCODING_*`` variables, ``[sources.geocoding]``."""
        values = setting_values(cls, "geocoding", "GEOCODING_", ALIASES, frozenset({"source"}))
        if "provider" in values:
            values["provider"] = values["provider"].strip().lower()
        return cls(**values)
