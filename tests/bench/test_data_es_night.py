"""The night end to end of ``bench.data_es``: the crawl's delay is modelled per request."""

from __future__ import annotations

import pytest

from bench.data_es import night_summary
from ingestion.finishers.settings import DEFAULT_CRAWL_DELAY_S


def test_the_night_adds_the_production_delay_to_each_crawl_request() -> None:
    result = {
        "crawl_finishers_night2": {"wall_s": 20.0, "summary": {"requests": 2_000}},
        "delta_read": {"wall_s": 30.0, "requests": 3},
        "geocode_delta": {"wall_s": 10.0},
        "dbt_incremental": {"wall_s": 40.0},
    }
    night = night_summary(result)
    crawl = 20.0 + 2_000 * DEFAULT_CRAWL_DELAY_S  # the local site answers at once
    assert night["steps_s"]["crawl (delay modelled)"] == crawl
    assert night["total_s"] == crawl + 30.0 + 10.0 + 40.0
    assert sum(night["shares"].values()) == pytest.approx(1.0, abs=0.002)
    assert night["shares"]["dbt build"] == round(40.0 / night["total_s"], 3)


def test_without_a_synthetic_crawl_the_night_has_no_crawl_step() -> None:
    result = {
        "delta_read": {"wall_s": 30.0, "requests": 3},
        "geocode_delta": {"wall_s": 10.0},
        "dbt_incremental": {"wall_s": 40.0},
    }
    night = night_summary(result)
    assert list(night["steps_s"]) == ["data_es delta read", "geocode", "dbt build"]
    assert night["crawl_requests"] == 0
