"""Online providers against a local HTTP server replaying Géoplateforme and Nominatim."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ingestion.geocoding import settings
from ingestion.geocoding.config import ConfigError, GeocodingConfig
from ingestion.geocoding.geoplateforme import GeoplateformeProvider
from ingestion.geocoding.nominatim import NominatimProvider
from tests.geocoding.replies import (
    EIFFEL_REVERSE,
    NOMINATIM_BRUSSELS,
    NOMINATIM_UNABLE,
    VILLEURBANNE_SEARCH,
)


def config_for(server: HTTPServer, **overrides: Any) -> GeocodingConfig:
    host = f"{server.host}:{server.port}"
    values: dict[str, Any] = {
        "geoplateforme_domain": f"{host}/geocodage",
        "geoplateforme_scheme": "http",
        "geoplateforme_min_delay_s": 0,
        "nominatim_domain": f"{host}/nominatim",
        "nominatim_scheme": "http",
        "nominatim_min_delay_s": 0,
        "backoff_s": 0.05,
        "timeout_s": 2,
        "max_retries": 2,
    }
    values.update(overrides)
    return GeocodingConfig(**values)


class Recorder:
    """A handler replaying ``replies`` in order (the last one repeats), timing each request."""

    def __init__(self, *replies: tuple[int, Any, dict[str, str]] | Any, delay_s: float = 0):
        self.replies = replies
        self.times: list[float] = []
        self.requests: list[Request] = []
        self.delay_s = delay_s
        self.lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        with self.lock:
            self.times.append(time.monotonic())
            self.requests.append(request)
            reply = self.replies[min(len(self.requests), len(self.replies)) - 1]
        if self.delay_s:
            time.sleep(self.delay_s)
        status, body, headers = reply if isinstance(reply, tuple) else (200, reply, {})
        text = body if isinstance(body, str) else json.dumps(body)
        return Response(text, status=status, headers=headers, content_type="application/json")


def test_geoplateforme_reverse_is_parsed(httpserver: HTTPServer) -> None:
    recorder = Recorder(EIFFEL_REVERSE)
    httpserver.expect_request("/geocodage/reverse").respond_with_handler(recorder)
    point = GeoplateformeProvider(config_for(httpserver)).reverse(48.858401, 2.294499)
    assert point.status == "ok" and point.reason is None
    assert point.point_key == "geoplateforme:48.85840,2.29450"
    assert (point.insee_code, point.arrondissement_code) == ("75056", "75107")
    assert (point.department_code, point.department_name) == ("75", "Paris")
    assert (point.postal_code, point.housenumber) == ("75007", "5")
    assert point.street == "Avenue Anatole France"
    assert point.label == "5 Avenue Anatole France 75007 Paris"
    assert (point.score, point.distance, point.result_type) == (0.9999, 12.0, "housenumber")
    assert json.loads(point.payload)["properties"]["citycode"] == "75107"  # raw kept
    (request,) = recorder.requests
    assert request.args["lat"] == "48.8584" and request.args["lon"] == "2.2945"
    assert request.headers["User-Agent"] == settings.USER_AGENT


def test_geoplateforme_search_and_not_found(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/geocodage/search").respond_with_json(VILLEURBANNE_SEARCH)
    httpserver.expect_request("/geocodage/reverse").respond_with_json(
        {"type": "FeatureCollection", "features": []}
    )
    provider = GeoplateformeProvider(config_for(httpserver))
    found = provider.search("Villeurbanne, Rhône")
    assert found.point_key == "geoplateforme:q:villeurbanne rhone"
    assert (found.status, found.insee_code, found.result_type) == ("ok", "69266", "municipality")
    assert (found.latitude, found.longitude) == (45.7667, 4.882)
    missing = provider.reverse(46.5, 2.5)
    assert (missing.status, missing.reason, missing.insee_code) == ("not_found", "not_found", None)


def test_429_waits_what_retry_after_asks(httpserver: HTTPServer) -> None:
    recorder = Recorder(
        (429, {"message": "Too many requests"}, {"Retry-After": "1"}), EIFFEL_REVERSE
    )
    httpserver.expect_request("/geocodage/reverse").respond_with_handler(recorder)
    point = GeoplateformeProvider(config_for(httpserver, backoff_s=0.01)).reverse(48.8584, 2.2945)
    assert point.status == "ok" and point.attempts == 2
    assert len(recorder.times) == 2
    assert recorder.times[1] - recorder.times[0] >= 0.95  # measured at the server


def test_429_for_good_is_a_recorded_failure(httpserver: HTTPServer) -> None:
    recorder = Recorder((429, "", {"Retry-After": "0"}))
    httpserver.expect_request("/geocodage/reverse").respond_with_handler(recorder)
    point = GeoplateformeProvider(config_for(httpserver, max_retries=2)).reverse(48.8584, 2.2945)
    assert (point.status, point.reason, point.attempts) == ("failed", "http_429", 3)
    assert len(recorder.requests) == 3
    assert not point.usable  # failures are retried on the next run, never cached as answers


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_retried_then_recorded(httpserver: HTTPServer, status: int) -> None:
    recorder = Recorder((status, "upstream error", {}))
    httpserver.expect_request("/geocodage/reverse").respond_with_handler(recorder)
    point = GeoplateformeProvider(config_for(httpserver, max_retries=1)).reverse(48.8584, 2.2945)
    assert (point.status, point.reason) == ("failed", "http_5xx")
    assert len(recorder.requests) == 2


def test_5xx_then_success(httpserver: HTTPServer) -> None:
    recorder = Recorder((503, "", {}), EIFFEL_REVERSE)
    httpserver.expect_request("/geocodage/reverse").respond_with_handler(recorder)
    point = GeoplateformeProvider(config_for(httpserver)).reverse(48.8584, 2.2945)
    assert (point.status, point.attempts, point.insee_code) == ("ok", 2, "75056")


def test_timeout_is_recorded(httpserver: HTTPServer) -> None:
    recorder = Recorder(EIFFEL_REVERSE, delay_s=0.6)
    httpserver.expect_request("/geocodage/reverse").respond_with_handler(recorder)
    provider = GeoplateformeProvider(config_for(httpserver, timeout_s=0.2, max_retries=1))
    point = provider.reverse(48.8584, 2.2945)
    assert (point.status, point.reason) == ("failed", "timeout")
    assert point.attempts == 2


def test_nominatim_reverse_abroad(httpserver: HTTPServer) -> None:
    recorder = Recorder(NOMINATIM_BRUSSELS)
    httpserver.expect_request("/nominatim/reverse").respond_with_handler(recorder)
    point = NominatimProvider(config_for(httpserver)).reverse(50.8467, 4.3525)
    assert (point.status, point.country_code, point.postal_code) == ("ok", "BE", "1000")
    assert (point.city, point.street) == ("Bruxelles - Brussel", "Grand-Place - Grote Markt")
    assert point.insee_code is None and point.department_code is None
    (request,) = recorder.requests
    assert request.headers["User-Agent"] == settings.USER_AGENT
    assert "bouge" in request.headers["User-Agent"]
    assert request.args["addressdetails"] == "1" and request.args["format"] == "json"


def test_nominatim_unable_to_geocode_is_not_found(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/nominatim/reverse").respond_with_json(NOMINATIM_UNABLE)
    point = NominatimProvider(config_for(httpserver)).reverse(0.5, -30.0)
    assert (point.status, point.reason) == ("not_found", "not_found")


def test_nominatim_keeps_one_request_per_second(httpserver: HTTPServer) -> None:
    recorder = Recorder(NOMINATIM_BRUSSELS)
    httpserver.expect_request("/nominatim/reverse").respond_with_handler(recorder)
    provider = NominatimProvider(config_for(httpserver, nominatim_min_delay_s=1.0))
    provider.reverse(50.8467, 4.3525)
    provider.reverse(50.8468, 4.3526)
    assert recorder.times[1] - recorder.times[0] >= 0.95


def test_public_nominatim_cannot_be_hammered() -> None:
    with pytest.raises(ConfigError):
        GeocodingConfig(nominatim_min_delay_s=0.1)
    with pytest.raises(ConfigError):
        GeocodingConfig(provider="google")


def test_default_endpoint_is_the_geoplateforme() -> None:
    provider = GeoplateformeProvider(GeocodingConfig())
    assert provider.geocoder.reverse_api == "https://data.geopf.fr/geocodage/reverse"
    assert provider.geocoder.geocode_api == "https://data.geopf.fr/geocodage/search"


def test_a_long_retry_after_stops_the_provider_for_the_run(httpserver: HTTPServer) -> None:
    recorder = Recorder((429, "", {"Retry-After": "3600"}))
    httpserver.expect_request("/geocodage/reverse").respond_with_handler(recorder)
    provider = GeoplateformeProvider(config_for(httpserver, max_retry_after_s=60))
    first = provider.reverse(48.8584, 2.2945)
    second = provider.reverse(45.764, 4.8357)
    assert (first.status, first.reason) == ("failed", "http_429")
    assert (second.status, second.reason) == ("failed", "circuit_open")
    assert len(recorder.requests) == 1  # never back before the hour asked


def test_a_provider_that_keeps_failing_is_left_alone(httpserver: HTTPServer) -> None:
    recorder = Recorder((500, "", {}))
    httpserver.expect_request("/geocodage/reverse").respond_with_handler(recorder)
    config = config_for(httpserver, max_retries=1, max_failures_in_a_row=3)
    provider = GeoplateformeProvider(config)
    points = [provider.reverse(45 + i / 100, 4.0) for i in range(10)]
    assert [p.reason for p in points] == ["http_5xx"] * 3 + ["circuit_open"] * 7
    assert len(recorder.requests) == 3 * 2
