"""Code and name normalisation rules."""

from __future__ import annotations

import pytest

from ingestion.geocoding.normalize import (
    INSEE_RE,
    department_code,
    department_mismatch,
    fold,
    normalize_insee,
    normalize_postal,
    point_key,
    query_key,
    split_arrondissement,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01053", "01053"),
        (1053, "01053"),  # a code read as a number gets its leading zero back
        ("1053", "01053"),
        ("2A004", "2A004"),
        ("2b033", "2B033"),
        ("97411", "97411"),
        ("75107", "75107"),
        ("2C004", None),
        ("123456", None),
        ("", None),
        (None, None),
    ],
)
def test_insee_codes_are_text(raw: object, expected: str | None) -> None:
    assert normalize_insee(raw) == expected
    if expected:
        assert INSEE_RE.match(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("01000", "01000"), (1000, "01000"), ("20000", "20000"), ("7500", "07500"), ("750", None)],
)
def test_postal_codes_are_text(raw: object, expected: str | None) -> None:
    assert normalize_postal(raw) == expected


#: INSEE code → department: Corsica's 2A/2B and the overseas three-digit departments.
DEPARTMENT_OF = {"01053": "01", "2A004": "2A", "2B033": "2B", "97411": "974", "97608": "976",
                 "97101": "971", "75107": "75", "bad": None}  # fmt: skip


@pytest.mark.parametrize(("insee", "department"), DEPARTMENT_OF.items())
def test_department_comes_from_the_insee_code(insee: str, department: str | None) -> None:
    assert department_code(insee) == department


def test_department_is_never_taken_from_the_postal_code() -> None:
    # Ajaccio: postal code 20000 but department 2A; a postal code is not an INSEE code.
    assert department_code("2A004") == "2A"
    assert department_code("20000") == "20"  # what a postal-code rule would wrongly give
    assert normalize_insee("2A004") != "20000"


@pytest.mark.parametrize(
    ("code", "commune", "arrondissement"),
    [
        ("75107", "75056", "75107"),
        ("75056", "75056", None),
        ("69381", "69123", "69381"),
        ("13201", "13055", "13201"),
        ("13055", "13055", None),
        ("01053", "01053", None),
        ("13001", "13001", None),  # Aix-en-Provence is not a Marseille arrondissement
    ],
)
def test_paris_lyon_marseille_split(code: str, commune: str, arrondissement: str | None) -> None:
    assert split_arrondissement(code) == (commune, arrondissement)


def test_department_name_comparison_ignores_accents_case_and_punctuation() -> None:
    assert fold("Côte-d'Or") == "cote d or"
    assert department_mismatch("cote d'or", "Côte-d'Or") is False
    assert department_mismatch("PUY DE DÔME", "Puy-de-Dôme") is False
    assert department_mismatch("Savoie", "Haute-Savoie") is True
    assert department_mismatch(None, "Ain") is None


def test_cache_keys() -> None:
    assert point_key("offline", 48.858401, 2.294499) == "offline:48.85840,2.29450"
    assert point_key("offline", 48.858404, 2.2945) == point_key("offline", 48.8584, 2.2945)
    assert query_key("geoplateforme", "St-Étienne,  Loire") == "geoplateforme:q:st etienne loire"
