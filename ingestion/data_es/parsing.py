"""Tolerant parsing of one Data ES record into a raw ``equipments`` row (FORMAT.md traps).

Text booleans in any casing, coordinates as text (with a decimal comma) or missing, list
items split on commas at import, schemeless websites, upper-case names, Corsica and
overseas codes, dates before the 2025 migration. A record without an id, or that cannot
be read, raises :class:`RecordRejected`; an absurd field is nulled and reported as an
:class:`Issue` (the record still lands).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from . import settings
from .columns import RECORD_FIELDS


class RecordRejected(ValueError):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Issue:
    reason: str  # `validation: <field>`
    detail: str
    value: str


@dataclass
class ParsedRecord:
    row: dict[str, Any]
    activities: list[dict[str, Any]]
    issues: list[Issue] = field(default_factory=list)


_TRUE = {"true", "oui", "vrai", "yes", "1", "o", "y"}
_FALSE = {"false", "non", "faux", "no", "0", "n"}


def parse_bool(value: Any) -> bool | None:
    """``"true"``, ``"OUI"``, ``"Non"``, ``True``... → bool; null or unknown → None."""
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def parse_float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(",", ".")
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _in_france(lat: float, lon: float) -> bool:
    return any(
        south <= lat <= north and west <= lon <= east
        for south, north, west, east in settings.TERRITORY_BOXES
    )


def parse_coordinates(record: dict[str, Any]) -> tuple[float | None, float | None, str | None]:
    """(latitude, longitude, problem): the geo point, else ``equip_y``/``equip_x``."""
    point = record.get("equip_coordonnees")
    lat = lon = None
    if isinstance(point, dict):
        lat, lon = parse_float(point.get("lat")), parse_float(point.get("lon"))
    if lat is None or lon is None:
        lat, lon = parse_float(record.get("equip_y")), parse_float(record.get("equip_x"))
    if lat is None or lon is None:
        return None, None, None
    if not _in_france(lat, lon):
        return None, None, f"({lat}, {lon}) is in no French territory"
    return round(lat, 6), round(lon, 6), None


def _strip_item(item: str) -> str:
    return item.strip().strip('[]"').strip()


def _opens(piece: str) -> bool:
    """A piece split off at import that opens a quoted label without closing it."""
    text = piece.strip().lstrip("[").strip()
    return text.startswith('"') and not (len(text) > 1 and text.rstrip("]").endswith('"'))


def _closes(piece: str) -> bool:
    return piece.strip().rstrip("]").rstrip().endswith('"')


def parse_list(value: Any) -> list[str]:
    """A list field, repaired: a JSON list as text, a bare label, items split on commas.

    ``['["Individuel(s)', 'famille(s)"']`` → ``['Individuel(s), famille(s)']``: a piece
    that opens a quote (or a parenthesis) without closing it continues with the next ones.
    """
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):  # an object where a list belongs (as text in the CSV export)
            raise TypeError("a list was expected, not an object")
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                value = text.split(",")
        else:
            value = [text]
    if not isinstance(value, list):  # an object reads the same as JSON or as its text
        kind = "an object" if isinstance(value, dict) else type(value).__name__
        raise TypeError(f"a list was expected, not {kind}")
    labels: list[str] = []
    open_label = False
    for raw in value:
        if not isinstance(raw, str | int | float):
            raise TypeError(f"a list item was expected, not {type(raw).__name__}")
        piece = str(raw)
        item = _strip_item(piece)
        if open_label and labels:
            labels[-1] = f"{labels[-1]}, {item}" if item else labels[-1]
            open_label = not _closes(piece) or labels[-1].count("(") > labels[-1].count(")")
            continue
        if not item:
            continue
        labels.append(item)
        open_label = _opens(piece) or item.count("(") > item.count(")")
    return list(dict.fromkeys(labels))


def activity_code(label: str) -> str:
    """The seed key of an activity label: folded, lower case, words joined by ``_``."""
    folded = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")


_ACRONYM = re.compile(r"^(?:[A-Z]{2,6}|[A-Z](?:\.[A-Z])+\.?)$")
_SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "et", "à", "a", "au", "aux", "en", "sur"}
_ROMAN = re.compile(r"^[IVXLC]+$")


_ELIDED_ACRONYM = re.compile(
    r"(?i)(?<=['’])(?:" + "|".join(sorted(settings.ACRONYMS, key=len, reverse=True)) + r")\b"
)


@lru_cache(maxsize=65_536)
def display_name(name: str | None, acronyms: frozenset[str] = settings.ACRONYMS) -> str | None:
    """An upper-case name title-cased for display, keeping acronyms (``GYMNASE DU CREPS``
    → ``Gymnase du CREPS``); a name already in mixed case is kept as published."""
    if name is None:
        return None
    name = " ".join(str(name).split())
    if not name or any(c.islower() for c in name):
        return name or None
    words = []
    for index, word in enumerate(name.split(" ")):
        bare = word.strip("()-,.'\"")
        if bare in acronyms or (_ROMAN.match(bare) and len(bare) <= 4 and index > 0):
            words.append(word)
            continue
        lowered = word.lower()
        if index > 0 and lowered in _SMALL_WORDS:
            words.append(lowered)
            continue
        # capitalise each part: JEAN-PIERRE → Jean-Pierre, L'UCPA handled above by acronyms
        parts = re.split(r"([-'’/])", lowered)
        cased = "".join(p[:1].upper() + p[1:] for p in parts)
        if index > 0 and re.match(r"^[ld]'", lowered):  # d'Ajaccio, l'Est
            cased = lowered[:2] + cased[2:3].upper() + cased[3:]
        words.append(_ELIDED_ACRONYM.sub(lambda m: m.group(0).upper(), cased))  # l'UCPA
    return " ".join(words)


def normalise_url(value: Any) -> tuple[str | None, bool]:
    """(absolute URL or None, whether the value was unusable): ``www.x.fr`` → ``https://``."""
    if value is None:
        return None, False
    text = str(value).strip()
    if not text:
        return None, False
    if re.match(r"(?i)^https?://", text):
        return text, False
    if " " in text or "." not in text or text.startswith("."):
        return None, True
    return f"https://{text}", False


def normalise_code(value: Any, width: int = 5) -> str | None:
    """INSEE / postal codes that lost their leading zero (``1053`` → ``01053``), upper case."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip().upper()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text:
        return None
    return text.zfill(width) if text.isdigit() else text


def normalise_department(value: Any) -> str | None:
    """``1`` → ``01``, ``2a`` → ``2A``; overseas three-digit codes unchanged."""
    text = normalise_code(value, width=2)
    return text


def parse_date(value: Any) -> date | None:
    if value is None:
        return None
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    return None


def content_hash(row: dict[str, Any]) -> str:
    payload = {k: row[k] for k in sorted(row) if k in RECORD_FIELDS}
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


_ID = re.compile(r"^E\d+I[0-9AB]{5}\d+$")


def parse_record(record: Any) -> ParsedRecord:
    """One ``/records`` result → the ``equipments`` row and its activity rows."""
    if not isinstance(record, dict):
        raise RecordRejected("unreadable_record", f"a JSON object was expected: {record!r:.80}")
    number = record.get("equip_numero")
    if number in (None, ""):
        raise RecordRejected("missing_id", "no equip_numero")
    number = str(number).strip()
    installation = record.get("inst_numero")
    if installation in (None, ""):
        raise RecordRejected("missing_installation", f"{number} has no inst_numero")
    issues: list[Issue] = []
    try:
        labels = parse_list(record.get("aps_name"))
        lat, lon, problem = parse_coordinates(record)
        if problem:
            issues.append(Issue("validation: equip_coordonnees", problem, str(problem)))
        url, bad_url = normalise_url(record.get("equip_url"))
        if bad_url:
            issues.append(
                Issue("validation: equip_url", "not a website", str(record.get("equip_url")))
            )
        updated = parse_date(record.get("equip_maj_date"))
        if updated is None and record.get("equip_maj_date") not in (None, ""):
            raw = str(record.get("equip_maj_date"))
            issues.append(Issue("validation: equip_maj_date", "not a date", raw))
        row: dict[str, Any] = {
            "equip_numero": number,
            "inst_numero": str(installation).strip(),
            "inst_nom": _text(record.get("inst_nom")),
            "inst_display_name": display_name(_text(record.get("inst_nom"))),
            "equip_nom": _text(record.get("equip_nom")),
            "equip_display_name": display_name(_text(record.get("equip_nom"))),
            "equip_type_name": _text(record.get("equip_type_name")),
            "equip_type_code": _text(record.get("equip_type_code")),
            "equip_type_famille": _text(record.get("equip_type_famille")),
            "aps_name": json.dumps(labels, ensure_ascii=False),
            "latitude": lat,
            "longitude": lon,
            "inst_adresse": _text(record.get("inst_adresse")),
            "inst_cp": normalise_code(record.get("inst_cp")),
            "new_code": normalise_code(record.get("new_code")),
            "new_name": _text(record.get("new_name")),
            "dep_code": normalise_department(record.get("dep_code")),
            "equip_url": url,
            "equip_acc_libre": parse_bool(record.get("equip_acc_libre")),
            "equip_nature": _text(record.get("equip_nature")),
            "equip_saison": parse_bool(record.get("equip_saison")),
            "inst_hs_bool": parse_bool(record.get("inst_hs_bool")),
            "equip_maj_date": updated,
            "equip_rnb": _text(record.get("equip_rnb")),
            "equip_acces_handi_mobilite": parse_bool(record.get("equip_acces_handi_mobilite")),
            "inst_acc_handi_bool": parse_bool(record.get("inst_acc_handi_bool")),
            "inst_trans_bool": parse_bool(record.get("inst_trans_bool")),
        }
    except (TypeError, AttributeError, ValueError) as exc:
        raise RecordRejected("unreadable_record", f"{number}: {exc}") from exc
    if not _ID.match(number):
        issues.append(Issue("validation: equip_numero", "not of the form E<n>I<INSEE><n>", number))
    row["content_hash"] = content_hash(row)
    activities = [
        {
            "equip_numero": number,
            "inst_numero": row["inst_numero"],
            "activity_code": activity_code(label),
            "activity_name": label,
        }
        for label in labels
    ]
    # two spellings of one activity fold to one code: keep the first
    unique = {a["activity_code"]: a for a in reversed(activities) if a["activity_code"]}
    return ParsedRecord(row, list(reversed(unique.values())), issues)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
