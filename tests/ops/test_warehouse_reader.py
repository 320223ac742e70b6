"""``Warehouse.reader().pages``: a table read a page at a time, on both warehouses."""

from __future__ import annotations

import pytest

from ingestion.warehouse import current_warehouse


@pytest.fixture
def landed(warehouse_env: dict[str, str]) -> None:
    """``raw_demo.items``: 25 rows keyed by (group, id), loaded by dlt as every step does."""
    keys = [("b", i) for i in range(11, -1, -1)] + [("a", i) for i in range(12, -1, -1)]
    rows = [{"grp": grp, "id": i, "label": f"{grp}-{i}"} for grp, i in keys]  # landed unordered
    pipeline = current_warehouse().pipeline("reader_pages", "raw_demo")
    pipeline.run(rows, table_name="items")


def test_pages_read_every_row_once_in_key_order(landed: None) -> None:
    with current_warehouse().reader() as reader:
        pages = list(reader.pages("raw_demo", "items", ["grp", "id", "label"], ["grp", "id"], 7))
        whole = reader.select("raw_demo", "items", ["grp", "id", "label"])
    assert [len(page) for page in pages] == [7, 7, 7, 4]
    keys = [(row["grp"], row["id"]) for page in pages for row in page]
    assert keys == sorted(keys)  # a composite key: "a" 0..12, then "b" 0..11
    assert sorted(keys) == sorted((row["grp"], row["id"]) for row in whole)
    assert len(set(keys)) == 25


def test_a_table_not_landed_yet_has_no_pages(warehouse_env: dict[str, str]) -> None:
    with current_warehouse().reader() as reader:
        assert list(reader.pages("raw_demo", "nothing", ["id"], ["id"])) == []


def test_a_last_page_exactly_full_ends_the_read(landed: None) -> None:
    with current_warehouse().reader() as reader:
        pages = list(reader.pages("raw_demo", "items", ["grp", "id"], ["grp", "id"], 5))
    assert [len(page) for page in pages] == [5, 5, 5, 5, 5]


def test_select_keys_reads_the_rows_of_many_keys_in_one_query(landed: None) -> None:
    wanted = ["a-3", "b-11", "absent", *(f"x-{i}" for i in range(5_000))]
    with current_warehouse().reader() as reader:
        rows = reader.select_keys("raw_demo", "items", ["grp", "id", "label"], "label", wanted)
    assert sorted(row["label"] for row in rows) == ["a-3", "b-11"]
