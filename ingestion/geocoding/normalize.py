"""Normalisation rules for French administrative codes and names.

Codes are always text: `01053` keeps its leading zero and Corsica's `2A004`/`2B033` are
never cast to numbers. Bouge identifies a commune by ``insee_code``; in Paris, Lyon and
Marseille that is the commune (`75056`, `69123`, `13055`) and the municipal arrondissement
(`75107`) goes to ``arrondissement_code``. The department code is derived from the INSEE
code (2 characters, 3 for the overseas departments 971-976), never from the postal code
(`20000` is Ajaccio in 2A; `97133` Saint-Barthélemy is not department 971).
"""

from __future__ import annotations

import re
import unicodedata

from ingestion.geocoding.settings import PLM_COMMUNES

INSEE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
POSTAL_RE = re.compile(r"^\d{5}$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _code_text(value: object) -> str | None:
    """A code as trimmed upper-case text, with its lost leading zero (`1053` -> `01053`)."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:05d}"
    text = str(value).strip().upper()
    return "0" + text if text.isdigit() and len(text) == 4 else text


def normalize_insee(value: object) -> str | None:
    """A valid INSEE commune code as text, else None (`1053` -> `01053`, `2a004` -> `2A004`)."""
    text = _code_text(value)
    return text if text is not None and INSEE_RE.match(text) else None


def normalize_postal(value: object) -> str | None:
    """A valid French postal code as text, else None (`1000` -> `01000`)."""
    text = _code_text(value)
    return text if text is not None and POSTAL_RE.match(text) else None


def department_code(insee_code: str | None) -> str | None:
    """Department of a commune: `01053` -> `01`, `2A004` -> `2A`, `97411` -> `974`."""
    code = normalize_insee(insee_code)
    if code is None:
        return None
    return code[:3] if code.startswith("97") else code[:2]


def split_arrondissement(code: str | None) -> tuple[str | None, str | None]:
    """(commune INSEE code, arrondissement code) of a code that may be an arrondissement.

    `75107` -> (`75056`, `75107`); `69381` -> (`69123`, `69381`); `01053` -> (`01053`, None).
    """
    code = normalize_insee(code)
    if code is None:
        return None, None
    for prefix, commune in PLM_COMMUNES.items():
        if code.startswith(prefix) and code != commune:
            return commune, code
    return code, None


def fold(text: str | None) -> str:
    """Accent-, case- and punctuation-insensitive form: `Côte-d'Or` -> `cote d or`."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe"))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def fold_commune(text: str | None) -> str:
    """`fold` plus the usual abbreviations of commune names (`St-` -> `saint`)."""
    words = fold(text).split()
    table = {"st": "saint", "ste": "sainte"}
    return " ".join(table.get(word, word) for word in words)


def department_mismatch(page_name: str | None, insee_name: str | None) -> bool | None:
    """True when the page's department name differs from the INSEE one; None if unknown."""
    if not page_name or not insee_name:
        return None
    return fold(page_name) != fold(insee_name)


def round_coordinate(value: float) -> float:
    return round(float(value), 5)


def point_key(provider: str, latitude: float, longitude: float) -> str:
    """Cache key of a reverse look-up: provider + coordinates rounded to 5 decimals (~1 m)."""
    return f"{provider}:{round_coordinate(latitude):.5f},{round_coordinate(longitude):.5f}"


def query_key(provider: str, query: str) -> str:
    """Cache key of a forward look-up: provider + the folded query text."""
    return f"{provider}:q:{fold(query)}"
