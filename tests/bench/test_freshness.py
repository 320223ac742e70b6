"""The freshness simulation runs the crawler's own planning in virtual time (never timed)."""

from __future__ import annotations

from bench.freshness import FreshnessConfig, render, simulate, targets


def test_the_simulation_compares_the_policies_deterministically() -> None:
    cfg = FreshnessConfig(n=300, nights=20, seed=3)
    result = simulate(cfg)
    assert simulate(cfg) == result  # same seed, same figures
    p = result["policies"]
    assert set(p) == {"all", "fixed", "adaptive", "oracle"}
    assert result["changes"] > 0
    share = {name: figures["requests_per_night_share"] for name, figures in p.items()}
    assert share["oracle"] < share["adaptive"] < share["fixed"] <= share["all"]
    assert p["all"]["within_1_night_all"] == 1.0 and p["all"]["never_landed"] == 0
    assert 0 < p["adaptive"]["within_1_night_all"] < 1.0
    assert p["adaptive"]["within_1_night_next_30_days"] > p["adaptive"]["within_1_night_all"]
    assert {name for name, *_ in targets(result)} == {
        "freshness_crawl_hours", "freshness_next_30_days", "freshness_all_7_nights",
    }  # fmt: skip
    assert "adaptive" in render(result) and "oracle" in render(result)
