"""Step settings are resolved by dlt's providers; the documented variables keep working."""

from __future__ import annotations

import pytest

from ingestion.env import EnvSettingError
from ingestion.finishers.config import fetch_config_from_env
from ingestion.geocoding.config import GeocodingConfig


def test_documented_variables_still_set_the_crawl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINISHERS_CRAWL_DELAY", "0.25")
    monkeypatch.setenv("FINISHERS_BATCH_SIZE", "7")
    monkeypatch.setenv("FINISHERS_MAX_REQUESTS_PER_RUN", "")  # CI exports empty variables
    assert fetch_config_from_env("https://www.finishers.com").crawl_delay_s == 0.25
    assert fetch_config_from_env().batch_size == 7
    assert fetch_config_from_env().max_requests_per_run is None


def test_dlt_names_win_over_the_documented_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINISHERS_CONCURRENCY", "2")
    monkeypatch.setenv("SOURCES__FINISHERS__CONCURRENCY", "3")
    monkeypatch.setenv("SOURCES__GEOCODING__TIMEOUT_S", "4")
    assert fetch_config_from_env().concurrency == 3
    assert GeocodingConfig.from_env().timeout_s == 4.0


def test_defaults_depend_on_the_site(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FINISHERS_CRAWL_DELAY", "SOURCES__FINISHERS__CRAWL_DELAY_S"):
        monkeypatch.delenv(name, raising=False)
    assert fetch_config_from_env("http://127.0.0.1:8000/").crawl_delay_s == 0.0
    assert fetch_config_from_env("https://www.finishers.com").crawl_delay_s == 1.5


@pytest.mark.parametrize(
    "variable", ["FINISHERS_MAX_RUNTIME_S", "SOURCES__FINISHERS__MAX_RUNTIME_S"]
)
def test_a_bad_value_is_one_line_naming_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "two hours")
    with pytest.raises(EnvSettingError) as error:
        fetch_config_from_env()
    assert str(error.value) == f"{variable}='two hours' is not a number"


def test_geocoder_spelling_is_forgiven_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEOCODER", " Offline ")
    assert GeocodingConfig.from_env().provider == "offline"
    monkeypatch.setenv("GEOCODER", "google")
    with pytest.raises(EnvSettingError, match="GEOCODER='google'"):
        GeocodingConfig.from_env()
