"""The crawl state's columns give back exactly what was stored (strings, times, flags)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from ingestion.finishers.columnar import TextMap
from ingestion.finishers.crawl_state import CrawlState, EventState
from ingestion.finishers.refresh_policy import PageState
from ingestion.finishers.strings import StringTable

TEXTS = [
    str(uuid.uuid4()),
    str(uuid.uuid4()).upper(),  # not the canonical form: kept as text
    hashlib.sha256(b"x").hexdigest(),
    '"' + hashlib.blake2b(b"x", digest_size=12).hexdigest() + '"',
    'W/"abc"',
    "abc",  # odd-length hex
    "",
    "trail-des-crêtes-ßü-🏃",
    "\udcff",  # a lone surrogate still round-trips
    "a" * 5000,
]


def test_a_string_table_gives_each_string_one_code_and_back() -> None:
    table = StringTable()
    many = [*TEXTS, *(f"slug-{i}" for i in range(3000))]
    codes = [table.code(text) for text in many]
    assert [table[code] for code in codes] == many
    assert [table.code(text) for text in many] == codes == list(range(len(many)))
    assert [table.find(text) for text in many] == codes
    assert table.find("never-added") == -1 and len(table) == len(many)
    with pytest.raises(IndexError):
        table[len(many)]


def test_rows_come_back_equal_and_dicts_compare_equal() -> None:
    state = CrawlState()
    paris = timezone(timedelta(hours=1))
    page = PageState(
        slug="trail-x", url="https://site.test/course/trail-x", event_id=TEXTS[0],
        etag=TEXTS[3], last_modified="Tue, 01 Dec 2026 03:00:00 GMT",
        sitemap_lastmod=datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=paris),
        first_seen_at=datetime(2026, 1, 1, 12, 0),  # naive: stays naive
        last_checked_at=datetime(1969, 7, 20, 20, 17, tzinfo=UTC), last_status=304,
        last_outcome="not_modified", consecutive_failures=2, is_listed=False, check_count=7,
    )  # fmt: skip
    other = PageState(slug="other", url="https://elsewhere.test/x")  # URL without its slug
    event = EventState(TEXTS[2], None, None, None, None, date(2027, 2, 28), None, "x", "x")
    state.pages["trail-x"], state.pages["other"] = page, other
    state.events[TEXTS[0]] = event
    assert state.pages["trail-x"] == page and state.pages["other"] == other
    assert state.pages == {"trail-x": page, "other": other}
    assert state.events == {TEXTS[0]: event}
    assert state.pages["trail-x"].first_seen_at.tzinfo is None
    state.events[TEXTS[0]] = EventState(is_listed=True)  # replaced in place
    assert len(state.events) == 1 and state.events[TEXTS[0]].is_listed is True
    del state.pages["other"]
    assert list(state.pages) == ["trail-x"] and "other" not in state.pages
    with pytest.raises(TypeError):  # a row of another kind is refused, nothing stored
        state.events["e"] = page  # type: ignore[assignment]
    assert "e" not in state.events and state.events.get("e") is None
    state.events["e"] = EventState(is_listed=False)
    assert state.events["e"] == EventState(is_listed=False) and len(state.events) == 2
    listed = {TEXTS[0]: EventState(is_listed=True), "e": state.events["e"]}
    assert dict(state.events.items()) == listed
    state.close()


def test_a_text_map_maps_slugs_to_ids() -> None:
    slugs, ids = StringTable(), StringTable()
    shown = TextMap(slugs, ids)
    shown["a"], shown["b"], shown["a"] = TEXTS[0], TEXTS[1], TEXTS[1]
    assert dict(shown) == {"a": TEXTS[1], "b": TEXTS[1]} and shown.get("c") is None
