"""Each data trap of FORMAT.md, read tolerantly (the bundled snapshot carries every one)."""

from __future__ import annotations

import json

import pytest

from ingestion.data_es.parsing import (
    RecordRejected,
    display_name,
    normalise_url,
    parse_bool,
    parse_list,
    parse_record,
)
from ingestion.data_es.snapshot import load_snapshot
from ingestion.data_es.snapshot.build_snapshot import TRAPS, build_records


def _record(trap: str) -> dict:
    build_records()  # fills TRAPS
    return next(r for r in load_snapshot() if r["equip_numero"] == TRAPS[trap])


def test_the_snapshot_is_realistic_and_carries_every_trap() -> None:
    records = load_snapshot()
    assert len(records) >= 150
    departments = {str(r["dep_code"]).upper() for r in records}
    assert {"2A", "2B", "974", "971", "75"} <= departments
    per_installation: dict[str, int] = {}
    for r in records:
        per_installation[r["inst_numero"]] = per_installation.get(r["inst_numero"], 0) + 1
    assert max(per_installation.values()) >= 14  # a complex with many equipments
    build_records()
    expected = {"bool_capitalised", "hs_oui_upper", "coords_text", "no_coords", "coords_zero",
                "aps_comma_split", "aps_label_split", "url_schemeless", "dep_lowercase",
                "insee_int", "date_pre_migration", "no_id", "unreadable"}  # fmt: skip
    assert expected <= set(TRAPS)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("True", True), ("FALSE", False), ("Oui", True), ("OUI", True),
     ("oui", True), ("Non", False), (None, None), (True, True), ("peut-être", None)],
)  # fmt: skip
def test_text_booleans_in_any_casing(value: object, expected: bool | None) -> None:
    assert parse_bool(value) is expected


def test_out_of_service_in_upper_case_is_read() -> None:
    assert parse_record(_record("hs_oui_upper")).row["inst_hs_bool"] is True
    assert parse_record(_record("hs_null")).row["inst_hs_bool"] is None


def test_text_coordinates_with_a_decimal_point_or_comma() -> None:
    row = parse_record(_record("coords_text")).row
    assert (row["latitude"], row["longitude"]) == (45.73012, 4.85512)
    row = parse_record(_record("coords_comma_text")).row
    assert (row["latitude"], row["longitude"]) == (45.7472, 4.8398)


def test_missing_coordinates_land_without_a_point() -> None:
    parsed = parse_record(_record("no_coords"))
    assert parsed.row["latitude"] is None and parsed.issues == []


@pytest.mark.parametrize("trap", ["coords_zero", "coords_swapped"])
def test_absurd_coordinates_are_nulled_and_reported(trap: str) -> None:
    parsed = parse_record(_record(trap))
    assert parsed.row["latitude"] is None and parsed.row["longitude"] is None
    assert [i.reason for i in parsed.issues] == ["validation: equip_coordonnees"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (['["Individuel(s)', 'famille(s)"'], ["Individuel(s), famille(s)"]),  # FORMAT.md
        (['["Football"', ' "Rugby"]'], ["Football", "Rugby"]),
        (['["Forme (Fitness', ' musculation)"]', "Yoga"], ["Forme (Fitness, musculation)", "Yoga"]),
        ('["Tennis", "Padel"]', ["Tennis", "Padel"]),
        ("Pétanque", ["Pétanque"]),
        (["BASKET-BALL", "basketball "], ["BASKET-BALL", "basketball"]),
        ([], []),
        (None, []),
    ],
)
def test_comma_split_list_items_are_joined_again(value: object, expected: list[str]) -> None:
    assert parse_list(value) == expected


def test_activities_spelled_several_ways_fold_to_seed_codes() -> None:
    codes = [a["activity_code"] for a in parse_record(_record("aps_spelling")).activities]
    assert codes == ["basket_ball", "basketball", "hand_ball"]
    assert parse_record(_record("aps_empty")).activities == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [("www.paris.fr/piscines", ("https://www.paris.fr/piscines", False)),
     ("ajaccio.fr", ("https://ajaccio.fr", False)),
     ("http://www.lyon.fr/x", ("http://www.lyon.fr/x", False)),
     ("non renseigné", (None, True)), ("", (None, False)), (None, (None, False))],
)  # fmt: skip
def test_schemeless_websites_get_a_scheme(value: object, expected: tuple) -> None:
    assert normalise_url(value) == expected


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("PISCINE MUNICIPALE JEAN BOUIN", "Piscine Municipale Jean Bouin"),
        ("GYMNASE DU CREPS", "Gymnase du CREPS"),
        ("SALLE DE L'UCPA RENNES", "Salle de l'UCPA Rennes"),
        ("TENNIS CLUB DE PARIS - ASPTT", "Tennis Club de Paris - ASPTT"),
        ("STADE JEAN-PIERRE PAPIN", "Stade Jean-Pierre Papin"),
        ("Piscine des Amiraux", "Piscine des Amiraux"),  # mixed case: kept
    ],
)
def test_upper_case_names_are_title_cased_keeping_acronyms(name: str, shown: str) -> None:
    assert display_name(name) == shown


def test_corsica_overseas_and_lost_leading_zeros() -> None:
    assert parse_record(_record("dep_lowercase")).row["dep_code"] == "2A"
    row = parse_record(_record("insee_int")).row
    assert (row["new_code"], row["dep_code"], row["inst_cp"]) == ("01053", "01", "01000")
    assert parse_record(_record("postal_int")).row["inst_cp"] == "20000"
    overseas = next(r for r in load_snapshot() if r["dep_code"] == "974")
    assert parse_record(overseas).row["new_code"].startswith("974")


def test_dates_in_two_formats_and_garbage() -> None:
    assert str(parse_record(_record("date_french")).row["equip_maj_date"]) == "2026-10-14"
    parsed = parse_record(_record("date_garbage"))
    assert parsed.row["equip_maj_date"] is None
    assert [i.reason for i in parsed.issues] == ["validation: equip_maj_date"]


@pytest.mark.parametrize(
    ("record", "reason"),
    [({"inst_numero": "I750560001"}, "missing_id"),
     ({"equip_numero": "E001I750560001"}, "missing_installation"),
     ({"equip_numero": "E001I750560001", "inst_numero": "I1", "aps_name": {"x": 1}},
      "unreadable_record"),
     ("not an object", "unreadable_record")],
)  # fmt: skip
def test_unreadable_records_are_rejected_with_a_reason(record: object, reason: str) -> None:
    with pytest.raises(RecordRejected) as info:
        parse_record(record)
    assert info.value.reason == reason


def test_content_hash_moves_with_the_content_only() -> None:
    record = _record("url_schemeless")
    first = parse_record(record).row
    assert parse_record(dict(record)).row["content_hash"] == first["content_hash"]
    changed = parse_record({**record, "inst_nom": "AUTRE NOM"}).row
    assert changed["content_hash"] != first["content_hash"]
    assert json.loads(first["aps_name"])
