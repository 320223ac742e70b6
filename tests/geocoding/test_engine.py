"""Planning and composition rules of the engine, with stub online providers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ingestion.geocoding.config import GeocodingConfig
from ingestion.geocoding.engine import Enricher, PoiInput
from ingestion.geocoding.gazetteer import Gazetteer
from ingestion.geocoding.normalize import point_key
from ingestion.geocoding.offline import OfflineProvider
from ingestion.geocoding.result import GeocodedPoint


class StubProvider:
    """Answers every reverse look-up with ``answer`` (re-keyed), counting calls."""

    def __init__(self, name: str, answer: dict[str, Any]):
        self.name = name
        self.answer = answer
        self.calls: list[tuple[float, float]] = []

    @property
    def requests(self) -> int:
        return len(self.calls)

    def reverse(self, lat: float, lon: float) -> GeocodedPoint:
        self.calls.append((lat, lon))
        return GeocodedPoint(
            point_key=point_key(self.name, lat, lon),
            provider=self.name,
            kind="reverse",
            **self.answer,
        )


EIFFEL_ADDRESS = {
    "status": "ok",
    "insee_code": "75056",
    "arrondissement_code": "75107",
    "postal_code": "75007",
    "label": "5 Avenue Anatole France 75007 Paris",
    "street": "Avenue Anatole France",
    "housenumber": "5",
    "distance": 12.0,
}


def enrich(gazetteer: Gazetteer, pois: list[PoiInput], **stubs: StubProvider) -> Any:
    providers: dict[str, Any] = {"offline": OfflineProvider(gazetteer), **stubs}
    return Enricher(GeocodingConfig(provider="auto"), {}, {}, providers).run(pois)


def poi(id: str, lat: float | None, lon: float | None, **kw: Any) -> PoiInput:
    return PoiInput(
        source="finishers",
        original_id=id,
        latitude=lat,
        longitude=lon,
        precision=kw.pop("precision", "point"),
        **kw,
    )


def test_street_address_is_added_to_the_polygon_codes(gazetteer: Gazetteer) -> None:
    gp = StubProvider("geoplateforme", EIFFEL_ADDRESS)
    result = enrich(gazetteer, [poi("a", 48.8584, 2.2945, country_code="FR")], geoplateforme=gp)
    (row,) = result.poi_rows
    assert (row["status"], row["geocoder"], row["housenumber"]) == (
        "ok",
        "offline+geoplateforme",
        "5",
    )
    assert (row["insee_code"], row["region_code"], row["postal_code"]) == ("75056", "11", "75007")


def test_a_far_away_address_is_not_the_event_address(gazetteer: Gazetteer) -> None:
    gp = StubProvider("geoplateforme", {**EIFFEL_ADDRESS, "distance": 1800.0})
    (row,) = enrich(gazetteer, [poi("a", 48.8584, 2.2945)], geoplateforme=gp).poi_rows
    assert (row["status"], row["reason"], row["label"]) == ("partial", "no_address_nearby", None)
    assert row["insee_code"] == "75056"


def test_the_nearest_address_in_another_commune_is_dropped(gazetteer: Gazetteer) -> None:
    # Forest of Fontainebleau; the nearest address is in Barbizon.
    barbizon = {
        **EIFFEL_ADDRESS,
        "insee_code": "77022",
        "arrondissement_code": None,
        "postal_code": "77630",
        "distance": 250.0,
    }
    gp = StubProvider("geoplateforme", barbizon)
    (row,) = enrich(gazetteer, [poi("a", 48.4374, 2.6110)], geoplateforme=gp).poi_rows
    assert (row["insee_code"], row["postal_code"]) == ("77186", "77300")
    assert (row["status"], row["reason"]) == ("partial", "address_in_other_commune")


def test_points_outside_france_go_to_nominatim_once(gazetteer: Gazetteer) -> None:
    osm = StubProvider("nominatim", {"status": "ok", "country_code": "BE", "postal_code": "1000"})
    gp = StubProvider("geoplateforme", EIFFEL_ADDRESS)
    pois = [
        poi("a", 50.8467, 4.3525),  # no country on the page
        poi("b", 50.846701, 4.352501, country_code="BE"),  # same point after rounding
        poi("c", 46.2052, 5.2255, precision="city"),  # town centre in France: offline only
    ]
    result = enrich(gazetteer, pois, geoplateforme=gp, nominatim=osm)
    rows = {r["original_id"]: r for r in result.poi_rows}
    assert len(osm.calls) == 1 and gp.calls == []
    assert (rows["a"]["country_code"], rows["a"]["geocoder"]) == ("BE", "offline+nominatim")
    assert rows["c"]["geocoder"] == "offline"
    assert result.stats["nominatim"].seen == 1 and result.stats["offline"].seen == 2


def test_failed_street_step_keeps_the_codes(gazetteer: Gazetteer) -> None:
    gp = StubProvider("geoplateforme", {"status": "failed", "reason": "timeout"})
    result = enrich(gazetteer, [poi("a", 48.8584, 2.2945)], geoplateforme=gp)
    (row,) = result.poi_rows
    assert (row["status"], row["reason"], row["insee_code"]) == ("partial", "timeout", "75056")
    assert result.stats["geoplateforme"].failed == 1
    failed = next(p for p in result.point_rows if p["provider"] == "geoplateforme")
    assert failed["status"] == "failed"


def test_unchanged_rows_are_not_relanded(gazetteer: Gazetteer) -> None:
    pois = [poi("a", 48.8584, 2.2945), poi("b", 41.9192, 8.7386)]
    config = GeocodingConfig()
    first = Enricher(config, {}, {}).run(pois)
    cache = {p["point_key"]: GeocodedPoint.from_row(p) for p in first.point_rows}
    landed = {(r["source"], r["original_id"]): r["row_hash"] for r in first.poi_rows}
    again = Enricher(config, cache, landed).run(pois)
    assert again.poi_rows == [] and again.stats["offline"].cached == 2
    moved = [pois[0], replace(pois[1], latitude=42.6970, longitude=9.4500)]  # to Bastia
    third = Enricher(config, cache, landed).run(moved)
    assert [r["original_id"] for r in third.poi_rows] == ["b"]
    assert third.poi_rows[0]["insee_code"] == "2B033"
    assert (third.stats["offline"].cached, third.stats["offline"].geocoded) == (1, 1)


def test_offline_cache_of_another_gazetteer_is_recomputed(gazetteer: Gazetteer) -> None:
    pois = [poi("a", 48.8584, 2.2945)]
    first = Enricher(GeocodingConfig(), {}, {}).run(pois)
    stale = {
        p["point_key"]: GeocodedPoint.from_row({**p, "provider_version": "old"})
        for p in first.point_rows
    }
    again = Enricher(GeocodingConfig(), stale, {}).run(pois)
    assert again.stats["offline"].geocoded == 1 and again.stats["offline"].cached == 0


def test_rows_streamed_in_chunks_are_the_rows_of_one_pass(gazetteer: Gazetteer) -> None:
    # the same place twice, in different chunks, and a town without coordinates
    pois = [
        poi("a", 48.8584, 2.2945),
        poi("b", 41.9192, 8.7386),
        poi("c", 48.8584, 2.2945),
        poi("d", None, None, precision=None, city="Bastia", department_name="Haute-Corse"),
    ]
    whole = Enricher(GeocodingConfig(), {}, {}).run(pois)
    streaming = Enricher(GeocodingConfig(), {}, {})
    chunks = list(streaming.chunks(pois, size=2))
    assert len(chunks) == 2
    strip = [{k: v for k, v in r.items() if k != "geocoded_at"} for r in whole.poi_rows]
    streamed = [r for chunk in chunks for r in chunk.poi_rows]
    assert [{k: v for k, v in r.items() if k != "geocoded_at"} for r in streamed] == strip
    # the place of `c` was looked up once, in the first chunk, and landed once
    points = [p["point_key"] for chunk in chunks for p in chunk.point_rows]
    assert sorted(points) == sorted(p["point_key"] for p in whole.point_rows)
    assert len(points) == len(set(points)) == 3
    result = streaming.result()
    assert (result.pois_seen, result.pois_changed) == (4, 4)
    assert result.stats["offline"].seen == whole.stats["offline"].seen == 3
