"""The bundled Data ES snapshot (``records.json``, ``records_night2.json``) and its server."""

from __future__ import annotations

import json
from typing import Any

from .build_snapshot import NIGHT1_FILE, NIGHT2_FILE


def load_snapshot(night2: bool = False) -> list[dict[str, Any]]:
    """The records of the first night (or of the next one)."""
    return json.loads((NIGHT2_FILE if night2 else NIGHT1_FILE).read_text())
