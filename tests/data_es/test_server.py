"""The local server speaks the Explore v2.1 protocol of FORMAT.md (what the client relies on)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests

from ingestion.data_es import settings
from ingestion.data_es.snapshot.server import ExploreHandle


def _get(api: ExploreHandle, **params: object) -> requests.Response:
    return requests.get(api.base_url + settings.RECORDS_PATH, params=params, timeout=10)


def test_limit_above_100_and_offset_past_the_window_are_400(api: ExploreHandle) -> None:
    too_big = _get(api, limit=101)
    assert too_big.status_code == 400 and "limit" in too_big.json()["message"]
    past = _get(api, limit=100, offset=9_901)
    assert past.status_code == 400 and "10000" in past.json()["message"]
    assert _get(api, limit=100, offset=9_900).status_code == 200


def test_total_count_where_order_and_select(api: ExploreHandle) -> None:
    body = _get(
        api, where='dep_code in ("2A", "2a")', order_by="equip_numero", limit=5,
        select="equip_numero,dep_code",
    ).json()  # fmt: skip
    assert body["total_count"] == 12
    numbers = [r["equip_numero"] for r in body["results"]]
    assert numbers == sorted(numbers) and set(body["results"][0]) == {"equip_numero", "dep_code"}
    recent = _get(api, where="equip_maj_date >= date'2026-11-01'", limit=1).json()
    assert 0 < recent["total_count"] < 200
    assert _get(api, where="dep_code ~ 13").status_code == 400  # not ODSQL


def test_group_by_counts_every_value(api: ExploreHandle) -> None:
    body = _get(api, select="dep_code, count(*) as n", group_by="dep_code", limit=100).json()
    assert sum(row["n"] for row in body["results"]) == 200
    assert {"2A", "2a", "2B", "974"} <= {row["dep_code"] for row in body["results"]}


def test_rate_limit_headers_then_429_past_the_quota(api: ExploreHandle) -> None:
    api.set_quota(2, datetime.now(UTC) + timedelta(hours=3))
    first = _get(api, limit=1)
    assert first.headers["X-RateLimit-Limit"] == "2"
    assert first.headers["X-RateLimit-Remaining"] == "1"
    assert _get(api, limit=1).status_code == 200
    refused = _get(api, limit=1)
    assert refused.status_code == 429 and refused.headers["X-RateLimit-Remaining"] == "0"


def test_exports_hold_the_whole_selection(api: ExploreHandle) -> None:
    url = api.base_url + settings.EXPORT_PATH
    rows = requests.get(url, params={"select": "equip_numero"}, timeout=10).json()
    assert len(rows) == 200 and set(rows[0]) == {"equip_numero"}
    csv = requests.get(url.replace("/json", "/csv"), timeout=10)
    assert csv.text.count("\n") == 201
