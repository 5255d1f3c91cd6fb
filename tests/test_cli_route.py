"""`bhatta route`: a plan within its budgets, every kiln accounted for, files written, bad input exit 2."""

from __future__ import annotations

import contextlib
import io
import json
import xml.etree.ElementTree as ET

import gpxpy
import numpy as np
import pytest
from osrm_fake import FakeOsrm, free_port, truth

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


# -- road distances from an OSRM server (a fake one on 127.0.0.1) -----------------------------------------

QUICK = ["route", "--district", "PK703", "--km", "150", "--as-of", AS_OF]  # Dadu: 21 kilns, a quick plan
GREAT_CIRCLE = "distance = great-circle × 1.3; 35 km/h"


@pytest.fixture
def osrm(monkeypatch):
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    monkeypatch.delenv("BHATTA_OSRM_URL", raising=False)
    with FakeOsrm() as fake:
        yield fake


def test_route_on_an_osrm_server_plans_on_its_road_distances(osrm):
    code, out, err = _run([*QUICK, "--json", "--osrm", osrm.url + "/"])
    assert code == 0 and err == ""
    plan = json.loads(out)
    assert plan["assumptions"].startswith(f"distance and time by road from the OSRM server at {osrm.url} (driving); ")
    assert plan["road_server"] == {"url": osrm.url, "used": True, "error": None, "requests": len(osrm.requests),
                                   "no_route_pairs": 0, "notes": []}
    assert osrm.requests and all(len(r.coordinates) <= 100 for r in osrm.requests)
    assert plan["within_budget"] and len(plan["stops"]) >= 3
    start = tuple(plan["start"])
    for route in plan["routes"]:
        stops = sorted((s for s in plan["stops"] if s["route"] == route["route"]), key=lambda s: s["order"])
        km, minutes = truth(np.array([start, *((s["lat"], s["lon"]) for s in stops), start]))
        for k, stop in enumerate(stops):  # each leg is the server's, from the previous stop (the start first)
            assert stop["leg_km"] == pytest.approx(km[k, k + 1], abs=1e-3)
            assert stop["leg_min"] == pytest.approx(minutes[k, k + 1], abs=1e-2)
        assert route["return_km"] == pytest.approx(km[-2, -1], abs=1e-3)


def test_route_takes_the_server_from_the_environment_and_an_empty_osrm_turns_it_off(osrm, monkeypatch):
    monkeypatch.setenv("BHATTA_OSRM_URL", osrm.url)
    code, out, err = _run(QUICK)
    assert code == 0 and err == ""
    assert f"distance and time by road from the OSRM server at {osrm.url}" in out and osrm.requests
    osrm.requests.clear()
    code, out, err = _run([*QUICK, "--osrm", ""])
    assert code == 0 and err == "" and GREAT_CIRCLE in out and "OSRM" not in out
    assert osrm.requests == []


@pytest.mark.parametrize("failure, words", [
    ("down", "connection refused"),
    ("toobig", "OSRM answered TooBig"),
    ("html", "the answer is not JSON"),
])
def test_route_without_its_server_plans_on_the_great_circle_and_says_so(osrm, failure, words):
    url = f"http://127.0.0.1:{free_port()}" if failure == "down" else osrm.url
    osrm.mode = "ok" if failure == "down" else failure
    code, out, err = _run([*QUICK, "--json", "--osrm", url])
    assert code == 0  # the plan is still made
    line, = err.strip().splitlines()
    assert line.startswith("bhatta: the road server could not be used: ") and words in line and url in line
    assert line.endswith("planning with the great-circle estimate instead") and "Traceback" not in err
    plan = json.loads(out)
    assert plan["assumptions"].startswith(GREAT_CIRCLE) and plan["stops"]
    assert plan["road_server"]["used"] is False and words in plan["road_server"]["error"]
    assert plan["road_server"]["notes"][0].startswith("Road server not used")


def test_route_text_says_the_server_was_not_used(osrm):
    code, out, err = _run([*QUICK, "--osrm", f"http://127.0.0.1:{free_port()}"])
    assert code == 0 and "connection refused" in err
    assert GREAT_CIRCLE in out and "! Road server not used (OSRM server at http://127.0.0.1:" in out


def test_a_malformed_server_url_is_refused_on_the_command_line_and_skipped_from_the_environment(osrm, monkeypatch):
    code, out, err = _run([*QUICK, "--osrm", "localhost:5000"])
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith("bhatta: --osrm: OSRM server URL 'localhost:5000' must start with http:// or https://")
    monkeypatch.setenv("BHATTA_OSRM_URL", "ftp://user:secret@example.org")
    code, out, err = _run(QUICK)
    assert code == 0 and GREAT_CIRCLE in out
    assert "BHATTA_OSRM_URL" in err and "could not be used" in err and "secret" not in err + out
