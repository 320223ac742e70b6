"""Parser over every page of the snapshot: each FORMAT.md case comes out right."""

from __future__ import annotations

import json

import pytest

from ingestion.finishers.parser import (
    content_hash,
    extract_next_data,
    parse_event_page,
    unwrap_link,
)
from ingestion.finishers.snapshot.build_snapshot import (
    SITE_DIR,
    SITE_NIGHT2_DIR,
    night2_events,
    render_page,
    snapshot_events,
    uid,
    write_site,
)

EVENTS = {p["event"]["slug"]: p for p in snapshot_events()}


def parsed(slug: str):
    return parse_event_page((SITE_DIR / "course" / f"{slug}.html").read_bytes(), slug)


def race_by_key(page, slug: str, key: str) -> dict:
    return next(r for r in page.races if r["id"] == uid(slug, "race", key))


def test_every_snapshot_page_parses_without_issue_and_matches_its_spec() -> None:
    assert len(EVENTS) >= 40
    for slug, spec in EVENTS.items():
        page = parsed(slug)
        assert page.issues == [], slug
        assert page.event_id == spec["event"]["id"]
        assert page.event["slug"] == slug
        assert page.event["url"] == f"https://www.finishers.com/course/{slug}"
        assert [r["id"] for r in page.races] == [r["id"] for r in spec["races"]]
        assert all(r["event_id"] == page.event_id for r in page.races)
        assert all(r["content_hash"] == page.content_hash for r in page.races)


def test_coordinates_point_city_geojson_and_missing() -> None:
    paris = parsed("10-km-de-paris-tour-eiffel").event
    assert (paris["latitude"], paris["longitude"], paris["coordinates_precision"]) == (
        48.8584,
        2.2945,
        "point",
    )
    # cityCoordinates only
    cassis = parsed("swimrun-des-calanques").event
    assert (cassis["latitude"], cassis["longitude"], cassis["coordinates_precision"]) == (
        43.2141,
        5.5396,
        "city",
    )
    # GeoJSON [lng, lat] in cityCoordinates and in coordinates
    geneve = parsed("triathlon-du-lac-leman-geneve").event
    assert (geneve["latitude"], geneve["longitude"]) == (46.2044, 6.1432)
    nantes = parsed("duathlon-de-nantes").event
    assert (nantes["latitude"], nantes["longitude"], nantes["coordinates_precision"]) == (
        47.2184,
        -1.5536,
        "point",
    )
    # no coordinates at all: city + department only
    vire = parsed("foulees-du-bocage-vire").event
    assert vire["latitude"] is None and vire["coordinates_precision"] is None
    assert (vire["city"], vire["department_name"], vire["region_name"]) == (
        "Vire Normandie",
        "Calvados",
        "Normandie",
    )
    reunion = parsed("semi-marathon-de-saint-denis-la-reunion").event
    assert (reunion["latitude"], reunion["longitude"]) == (-20.8823, 55.4504)
    ajaccio = parsed("marathon-d-ajaccio").event
    assert (ajaccio["latitude"], ajaccio["department_name"]) == (41.9192, "Corse-du-Sud")
    assert parsed("trail-de-bastia").event["department_name"] == "Haute-Corse"


def test_abroad_events_have_country_and_no_department() -> None:
    for slug, code in [
        ("triathlon-du-lac-leman-geneve", "CH"),
        ("lausanne-marathon", "CH"),
        ("20-km-de-bruxelles", "BE"),
        ("behobia-san-sebastian", "ES"),
    ]:
        event = parsed(slug).event
        assert event["country_code"] == code
        assert event["department_name"] is None
    assert parsed("run-in-lyon").event["country_code"] == "FR"


def test_country_code_lands_as_published() -> None:
    props = json.loads(json.dumps(EVENTS["lausanne-marathon"]))
    props["event"]["countryName"]["code"] = "ch"
    page = parse_event_page(render_page(props), "lausanne-marathon")
    assert page.event["country_code"] == "ch"  # dbt's iso_country_code upper-cases it


def test_distance_units_are_kept_as_published() -> None:
    units = {r["distance_unit"] for p in map(parsed, EVENTS) for r in p.races}
    assert units == {"meters", "kilometers", "miles", "minutes"}
    lyon = parsed("run-in-lyon")
    marathon = race_by_key(lyon, "run-in-lyon", "42")
    assert (marathon["distance"], marathon["distance_unit"]) == (26.2, "miles")
    six_hours = race_by_key(
        parsed("triathlon-du-lac-leman-geneve"), "triathlon-du-lac-leman-geneve", "6h"
    )
    assert (six_hours["distance"], six_hours["distance_unit"]) == (360, "minutes")
    assert six_hours["end_time"] == "23:59:00"


def test_statuses_are_kept_as_published() -> None:
    # `canceled` is the site's other spelling: dbt's normalise_status reads it as cancelled
    statuses = {r["status"] for p in map(parsed, EVENTS) for r in p.races}
    assert statuses == {"confirmed", "tba", "cancelled", "canceled"}
    nantes = parsed("duathlon-de-nantes")
    assert {r["status"] for r in nantes.races} == {"canceled", "cancelled"}
    assert nantes.event["edition_status"] == "canceled"
    assert parsed("cross-du-figaro").event["edition_status"] == "rescheduled"


def test_multisport_legs_and_unknown_discipline() -> None:
    tri = race_by_key(
        parsed("triathlon-du-lac-leman-geneve"), "triathlon-du-lac-leman-geneve", "olympic"
    )
    legs = json.loads(tri["activities"])
    assert [leg["activity"] for leg in legs] == ["swimming", "cycling", "running"]
    assert legs[0] == {"activity": "swimming", "distance": 1500, "distance_unit": "meters"}
    paddle = parsed("paddle-run-du-lac-d-annecy").races[0]
    assert paddle["discipline"] == "stand_up_paddle_run"
    assert json.loads(paddle["activities"])[0]["activity"] == "paddle"
    assert race_by_key(parsed("run-in-lyon"), "run-in-lyon", "10")["activities"] is None


def test_links_are_unwrapped_and_absolute() -> None:
    tcv = parsed("trail-des-cretes-vosgiennes")
    assert tcv.event["website_url"] == "https://www.trail-cretes-vosgiennes.example/"
    assert tcv.event["registration_url"] == "https://www.njuko.example/tcv-2027"
    assert tcv.event["facebook_url"] is None
    assert race_by_key(tcv, "trail-des-cretes-vosgiennes", "62")["registration_url"] == (
        "https://www.njuko.example/tcv-2027/62"
    )
    assert parsed("triathlon-du-lac-leman-geneve").event["website_url"] == (
        "https://www.tri-leman.example/"
    )
    assert unwrap_link("/external?url=https%3A%2F%2Fa.example%2Fx%3Fy%3D1%26z%3D2&event=s") == (
        "https://a.example/x?y=1&z=2"
    )
    assert unwrap_link("/course/other") == "https://www.finishers.com/course/other"
    assert unwrap_link(None) is None and unwrap_link("") is None


def test_no_break_spaces_kept_html_descriptions_raw_unicode_kept() -> None:
    # thin and no-break spaces land as published: dbt's clean_text reads them as spaces
    paris = parsed("10-km-de-paris-tour-eiffel")
    assert paris.races[0]["formatted_title"] == "Course sur route 10\u202fkm"
    oeuf = parsed("les-foulees-de-l-oeuf-pascal").event
    assert oeuf["name"] == "Les Foulées de l'Œuf Pascal\u202f— Ÿvré-l'Évêque ★"
    assert oeuf["subtitle"] == "Chocolat à l'arrivée 🍫"
    assert parsed("marseille-cassis").event["subtitle"] == "La\u00a0classique des calanques"
    # HTML kept raw, including its no-break spaces and a <script> that was escaped in JSON
    u4m = parsed("ultra-tour-des-4-massifs").event["long_description"]
    assert u4m.startswith("<h2>4 massifs</h2>") and "<script>trackEvent('u4m')</script>" in u4m
    assert "\u00a0nature\u00a0" in oeuf["long_description"]


def test_multi_day_editions_kids_races_and_elevation_as_published() -> None:
    u4m = parsed("ultra-tour-des-4-massifs")
    assert str(u4m.event["edition_start_date"]) == "2027-08-18"
    assert str(u4m.event["edition_end_date"]) == "2027-08-22"
    ultra = race_by_key(u4m, "ultra-tour-des-4-massifs", "160")
    assert (str(ultra["date"]), str(ultra["end_date"])) == ("2027-08-18", "2027-08-22")
    kids = [r for p in map(parsed, EVENTS) for r in p.races if "enfants" in r["formatted_title"]]
    assert len(kids) >= 4
    corte = parsed("trail-de-la-restonica-corte")
    absurd = race_by_key(corte, "trail-de-la-restonica-corte", "18")
    assert (absurd["elevation_gain"], absurd["distance"]) == (16660, 18000)
    flat = race_by_key(corte, "trail-de-la-restonica-corte", "8")
    assert flat["elevation_gain"] == 0  # 0 on a trail = unknown; kept for dbt to interpret
    # no next edition: the last one is used
    nordic = parsed("nordic-walk-des-volcans").event
    assert (nordic["edition_year"], nordic["edition_status"]) == (2026, "confirmed")


def test_duplicates_by_name_are_distinct_events() -> None:
    a, b = parsed("10-km-de-paris-tour-eiffel"), parsed("10km-de-paris-tour-eiffel")
    assert a.event_id != b.event_id
    assert (a.event["name"], b.event["name"]) == (
        "10 Km de Paris Tour Eiffel",
        "10km de Paris Tour Eiffel",
    )
    st, saint = parsed("trail-de-st-malo"), parsed("trail-de-saint-malo")
    assert st.event_id != saint.event_id and st.event["city"] == saint.event["city"]


def test_image_url_tags_and_country_from_country_name() -> None:
    tcv = parsed("trail-des-cretes-vosgiennes").event
    assert tcv["tags"] == "off-road,mountain,forest,lake"
    assert (
        tcv["image_url"] == "https://res.cloudinary.com/kavval/image/upload/" + tcv["banner_image"]
    )
    geneve = parsed("triathlon-du-lac-leman-geneve").event
    assert geneve["banner_image"] is None and geneve["image_url"] is None
    assert parsed("foulees-rennaises").event["tags"] is None


def test_content_hash_ignores_build_id_and_key_order_but_sees_changes() -> None:
    props = EVENTS["run-in-lyon"]
    a = parse_event_page(render_page(props, build_id="AAA"), "run-in-lyon")
    b = parse_event_page(render_page(props, build_id="BBB"), "run-in-lyon")
    assert a.content_hash == b.content_hash
    reordered = json.loads(json.dumps(props, sort_keys=True))
    assert content_hash(reordered) == content_hash(props)
    changed = json.loads(json.dumps(props))
    changed["races"][0]["distance"] = 42196
    assert content_hash(changed) != content_hash(props)


def test_extract_next_data_needs_no_dom_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """The script tag is cut out of the page text: no HTML parser is ever built.

    (Its speed is measured by `make bench`, never asserted here.)
    """
    import html.parser

    import bs4

    def no_dom(*args: object, **kwargs: object) -> None:
        raise AssertionError("a DOM parser was built")

    monkeypatch.setattr(bs4.BeautifulSoup, "__init__", no_dom)
    monkeypatch.setattr(html.parser.HTMLParser, "__init__", no_dom)
    pages = [(SITE_DIR / "course" / f"{slug}.html").read_bytes() for slug in EVENTS]
    assert extract_next_data(pages[0].decode())["buildId"]
    parsed = [parse_event_page(body, "x") for body in pages]
    assert all(page.event_id for page in parsed)


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://direct.example/", "https://direct.example/"),
        ("/external?url=http%3A%2F%2Fa.example&event=x", "http://a.example"),
        ("/external?event=x", None),
    ],
)
def test_unwrap_link_variants(link: str, expected: str | None) -> None:
    assert unwrap_link(link) == expected


def test_committed_snapshot_is_what_the_spec_builds(tmp_path) -> None:
    for directory, events in ((SITE_DIR, snapshot_events()), (SITE_NIGHT2_DIR, night2_events())):
        write_site(tmp_path / directory.name, events)
        built = {
            p.relative_to(tmp_path / directory.name): p.read_bytes()
            for p in (tmp_path / directory.name).rglob("*")
            if p.is_file()
        }
        for rel, body in built.items():
            assert (directory / rel).read_bytes() == body, rel
