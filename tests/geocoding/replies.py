"""Realistic answers of the Géoplateforme geocoding API and of Nominatim (replayed locally).

The bodies are in ``replies.json``, as the services send them: a Géoplateforme reverse
answer at the Eiffel Tower, a search for Villeurbanne, Nominatim at the Grand-Place of
Brussels, and Nominatim's "Unable to geocode".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_REPLIES: dict[str, dict[str, Any]] = json.loads(
    Path(__file__).with_name("replies.json").read_text(encoding="utf-8")
)

EIFFEL_REVERSE = _REPLIES["EIFFEL_REVERSE"]
VILLEURBANNE_SEARCH = _REPLIES["VILLEURBANNE_SEARCH"]
NOMINATIM_BRUSSELS = _REPLIES["NOMINATIM_BRUSSELS"]
NOMINATIM_UNABLE = _REPLIES["NOMINATIM_UNABLE"]
