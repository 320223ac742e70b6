"""Fixtures of the geocoding tests: the real gazetteer, landed events, a replaying server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ingestion.geocoding import settings
from ingestion.geocoding.gazetteer import Gazetteer, GazetteerError, load_gazetteer
from tests.geocoding.events import land_events


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The real gazetteer, built once into data/gazetteer if missing or stale."""
    from ingestion.geocoding.gazetteer_build import GazetteerBuildError, build_gazetteer

    path = settings.GAZETTEER_PATH
    try:
        return load_gazetteer(path)
    except GazetteerError:
        pass
    try:
        build_gazetteer(path)
    except GazetteerBuildError as exc:
        pytest.fail(f"the gazetteer could not be built (needs PyPI access): {exc}")
    load_gazetteer.cache_clear()
    return load_gazetteer(path)


@pytest.fixture
def land() -> Callable[[list[dict[str, Any]]], None]:
    return land_events


@pytest.fixture
def online_env(monkeypatch: pytest.MonkeyPatch, httpserver: Any) -> Iterator[Any]:
    """Both online providers pointed at the local HTTP server, fast retries."""
    host = f"{httpserver.host}:{httpserver.port}"
    monkeypatch.setenv("GEOCODING_GEOPLATEFORME_SCHEME", "http")
    monkeypatch.setenv("GEOCODING_GEOPLATEFORME_DOMAIN", f"{host}/geocodage")
    monkeypatch.setenv("GEOCODING_NOMINATIM_SCHEME", "http")
    monkeypatch.setenv("GEOCODING_NOMINATIM_DOMAIN", f"{host}/nominatim")
    monkeypatch.setenv("GEOCODING_NOMINATIM_MIN_DELAY_S", "0")
    monkeypatch.setenv("GEOCODING_GEOPLATEFORME_MIN_DELAY_S", "0")
    monkeypatch.setenv("GEOCODING_BACKOFF_S", "0.05")
    monkeypatch.setenv("GEOCODING_TIMEOUT_S", "2")
    yield httpserver
