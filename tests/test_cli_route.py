"""`bhatta route`: a plan within its budgets, every kiln accounted for, files written, bad input exit 2."""

from __future__ import annotations

import contextlib
import io
import json
import xml.etree.ElementTree as ET

import gpxpy
import pytest

from bhatta.cli import main

AS_OF = "2026-11-01"


@pytest.fixture(autouse=True)
def isolated_store(tmp_path, monkeypatch):
    monkeypatch.setenv("BHATTA_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_route_json_keeps_budgets_and_accounts_for_every_kiln(tmp_path):
    gpx, kml, pdf = tmp_path / "r.gpx", tmp_path / "r.kml", tmp_path / "r.pdf"
    code, out, _ = _run(["route", "--district", "PK614", "--km", "100", "--hours", "7", "--as-of", AS_OF,
                         "--json", "--gpx", str(gpx), "--kml", str(kml), "--pdf", str(pdf)])
    assert code == 0
    plan = json.loads(out)
    assert plan["within_budget"] is True and plan["stops"]
    for route in plan["routes"]:
        assert route["km"] <= 100 + 1e-6 and route["minutes"] <= 7 * 60 + 1e-6
        legs = sum(s["leg_km"] for s in plan["stops"] if s["route"] == route["route"]) + route["return_km"]
        assert legs == pytest.approx(route["km"], abs=1e-6)
    planned = {s["kiln_id"] for s in plan["stops"]}
    dropped = {d["kiln_id"] for d in plan["dropped"]}
    assert not planned & dropped and len(planned) + len(dropped) == 636  # Kasur's detected kilns, each once
    assert all(d["reason"] for d in plan["dropped"])
    assert plan["demo_data"]  # the priorities stand on demo layers
    points = gpxpy.parse(gpx.read_text()).routes[0].points
    assert len(points) == len(plan["stops"]) + 2  # office, kilns, office
    ET.fromstring(kml.read_bytes())
    assert pdf.read_bytes().startswith(b"%PDF")


def test_route_text_lists_stops_and_reasons():
    code, out, _ = _run(["route", "--district", "pk614", "--km", "80", "--as-of", AS_OF])
    assert code == 0
    assert out.startswith("DEMO DATA") and "Day 1:" in out and "Left out:" in out
    assert "budget used by higher-priority kilns" in out or "cannot be reached" in out


@pytest.mark.parametrize("argv, words", [
    (["--start", "74.45,31.11"], "not in Pakistan"),
    (["--start", "here"], "LAT,LON"),
    (["--km", "0"], "--km must be positive"),
    (["--district", "PK999"], "unknown district"),
])
def test_bad_input_exit_2_one_line(argv, words):
    base = ["route", "--district", "PK614", "--as-of", AS_OF]
    code, out, err = _run(base + argv)
    assert code == 2 and words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
