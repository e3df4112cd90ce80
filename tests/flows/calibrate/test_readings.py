"""Rapport's readings file round-trips, and a file that is not one is refused by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.calibrate.readings import Reading, load_readings, readings_json
from flows.calibrate.scale import READINGS_FILE, CalibrationError


def test_readings_file_round_trips(tmp_path: Path) -> None:
    readings = {"c-1": Reading("a-1", {"empathy": 80.0}, {"empathy": 2}, {"apology": True},
                               {"apology": [(3, "so sorry")]})}  # fmt: skip
    path = tmp_path / READINGS_FILE
    path.write_bytes(readings_json("2026-W47", {"version": "v"}, readings))
    assert load_readings(path) == ("2026-W47", readings)
    assert json.loads(path.read_text())["level_cuts"] == [40.0, 70.0]
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(CalibrationError, match=r"x\.json: not a readings file"):
        load_readings(tmp_path / "x.json")
