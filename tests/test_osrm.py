"""OSRM road distances: lon,lat in the URL, km and minutes back, big tables in blocks, no road = unreachable,
every failure one clear line. Against a fake OSRM server on 127.0.0.1 (offline)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from osrm_fake import FakeOsrm, free_port, truth

from layers.osrm import (
    ENV_VAR,
    UNREACHABLE_KM,
    UNREACHABLE_MIN,
    OsrmError,
    osrm_matrix,
    osrm_url_from_env,
)
from layers.routing import REASONS, RouteSettings, plan_routes

OFFICE = (31.1167, 74.45)
KM_PER_DEG = 2 * math.pi * 6371.0088 / 360


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")


@pytest.fixture
def fake():
    with FakeOsrm() as server:
        yield server


def near(km_north: float, km_east: float) -> tuple[float, float]:
    """A point so many km north and east of the office."""
    return (OFFICE[0] + km_north / KM_PER_DEG,
            OFFICE[1] + km_east / (KM_PER_DEG * math.cos(math.radians(OFFICE[0]))))


def scattered(n: int, seed: int = 7, spread_deg: float = 0.3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.c_[OFFICE[0] + rng.uniform(-spread_deg, spread_deg, n), OFFICE[1] + rng.uniform(-spread_deg, spread_deg, n)]


def test_the_url_has_lon_lat_and_the_answer_is_in_km_and_minutes(fake):
    points = np.array([OFFICE, (31.2345678, 74.3456789), (30.9876543, 74.6543219)])
    km, minutes = osrm_matrix(fake.url)(points)
    (request,) = fake.requests
    assert request.profile == "driving"
    assert "/table/v1/driving/74.450000,31.116700;74.345679,31.234568;74.654322,30.987654" in request.path
    assert request.coordinates[1] == (74.345679, 31.234568)  # lon first, 6 decimals
    assert {"distance", "duration"} <= set(request.annotations)
    assert request.headers["user-agent"] == "bhatta-atlas"
    truth_km, truth_min = truth(points)
    assert km.shape == minutes.shape == (3, 3)
    assert np.allclose(km, truth_km, atol=1e-3) and np.allclose(minutes, truth_min, atol=1e-2)
    assert 10 < km[0, 1] < 30  # km, not metres
    assert km[2, 1] > km[1, 2]  # row = from: northward costs the fake more, so a transposed matrix would show


def test_250_points_come_in_blocks_no_request_above_the_limit(fake):
    points = scattered(250)
    matrix = osrm_matrix(fake.url, max_locations=100)
    km, minutes = matrix(points)
    truth_km, truth_min = truth(points)
    assert np.allclose(km, truth_km, atol=1e-3) and np.allclose(minutes, truth_min, atol=1e-2)
    sizes = [len(r.coordinates) for r in fake.requests]
    assert max(sizes) <= 100 and len(sizes) == 10  # 5 blocks of 50, every pair of blocks once
    assert matrix.last.points == 250 and matrix.last.requests == 10 and matrix.last.no_route_pairs == 0


def test_a_server_with_a_smaller_table_limit_gets_smaller_blocks():
    points = scattered(70, seed=3)
    with FakeOsrm(max_table_size=30) as small:
        matrix = osrm_matrix(small.url)  # asks 100, the server takes 30
        km, _ = matrix(points)
        assert np.allclose(km, truth(points)[0], atol=1e-3)
        assert matrix.last.max_locations <= 30
        answered = [len(r.coordinates) for r in small.requests if len(r.coordinates) <= 30]
        assert answered and len(answered) < len(small.requests)  # some refused, then all in small blocks
        small.requests.clear()
        matrix(points)  # the limit learnt is kept: nothing refused the second time
        assert max(len(r.coordinates) for r in small.requests) <= 30


def test_no_road_is_a_large_finite_value_and_counted():
    island = near(3, 3)
    points = np.array([OFFICE, OFFICE, near(5, 0), island, near(0, 8)])
    with FakeOsrm(islands=[island]) as fake:
        matrix = osrm_matrix(fake.url)
        km, minutes = matrix(points)
    assert np.isfinite(km).all() and np.isfinite(minutes).all()
    others = [0, 1, 2, 4]
    assert (km[3, others] == UNREACHABLE_KM).all() and (km[others, 3] == UNREACHABLE_KM).all()
    assert (minutes[3, others] == UNREACHABLE_MIN).all() and UNREACHABLE_MIN > 24 * 60
    assert km[3, 3] == 0 and km[0, 1] == 0  # the start is the end
    assert km[0, 2] == pytest.approx(truth(points)[0][0, 2], abs=1e-3)
    assert matrix.last.no_route_pairs == 8
    assert "no road for 8 of the 20 pairs" in matrix.last.notes()[0]


def _candidates(points: list[tuple[float, float]], priority: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"kiln_id": [f"K{i}" for i in range(len(points))], "lat": [p[0] for p in points],
                         "lon": [p[1] for p in points], "priority": priority,
                         "district_pcode": "PK614", "tehsil_pcode": "PK61401"})


def test_a_plan_on_osrm_has_the_servers_legs_and_drops_a_kiln_with_no_road():
    rng = np.random.default_rng(11)
    spots = [near(*rng.uniform(-20, 20, 2)) for _ in range(10)]
    island = near(1, 1)  # next to the office, but no road to it
    candidates = _candidates([*spots, island], [*rng.uniform(10, 50, 10).round(1), 99.0])
    settings = RouteSettings(km_budget=90, hours_per_day=6, skip_visited_within_days=None)

    estimate = plan_routes(candidates, start=OFFICE, settings=settings)
    assert "K10" in set(estimate.stops["kiln_id"])  # by great circle the island kiln is the best visit

    with FakeOsrm(islands=[island]) as fake:
        matrix = osrm_matrix(fake.url)
        plan = plan_routes(candidates, start=OFFICE, settings=settings, distance_matrix=matrix)
    dropped = plan.dropped.set_index("kiln_id")
    assert dropped.at["K10", "code"] == "unreachable" and dropped.at["K10", "reason"] == REASONS["unreachable"]
    assert len(plan.stops) >= 2 and plan.within_budget
    for route in plan.routes.itertuples():
        stops = plan.stops[plan.stops["route"] == route.route].sort_values("order")
        path = np.array([OFFICE, *zip(stops["lat"], stops["lon"], strict=True), OFFICE])
        km, minutes = truth(path)
        legs = np.arange(len(path) - 1)
        assert np.allclose(stops["leg_km"], km[legs[:-1], legs[:-1] + 1], atol=1e-3)
        assert np.allclose(stops["leg_min"], minutes[legs[:-1], legs[:-1] + 1], atol=1e-2)
        assert route.return_km == pytest.approx(km[-2, -1], abs=1e-3)
    assert "supplied road matrix" in plan.assumptions  # routing's generic words; the server's instead:
    words = matrix.assumptions(settings)
    assert words.startswith(f"distance and time by road from the OSRM server at {fake.url}")
    assert "45 min per visit" in words and "supplied road matrix" not in words


@pytest.mark.parametrize("mode, words", [
    ("http500", "HTTP 500"),
    ("toobig", "TooBig (Too many table coordinates)"),
    ("invalid", "InvalidQuery (Query string malformed close to position 42)"),
    ("html", "not JSON"),
    ("no_distances", "no distances"),
])
def test_a_failing_server_is_one_clear_line(fake, mode, words):
    fake.mode = mode
    with pytest.raises(OsrmError) as caught:
        osrm_matrix(fake.url)(scattered(5))
    message = str(caught.value)
    assert message.startswith(f"OSRM server at {fake.url}: ") and words in message
    assert "\n" not in message and "Traceback" not in message and "Pool(" not in message


def test_a_server_that_is_down_or_slow_is_one_clear_line(fake):
    down = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(OsrmError, match=r"^OSRM server at http://127\.0\.0\.1:\d+: connection refused") as caught:
        osrm_matrix(down)(scattered(3))
    assert "Errno" not in str(caught.value) and "Max retries" not in str(caught.value)
    fake.mode, fake.delay_s = "sleep", 1.0
    with pytest.raises(OsrmError, match=r"no answer within 0\.2 s") as caught:
        osrm_matrix(fake.url, timeout_s=0.2)(scattered(3))
    assert str(caught.value).startswith(f"OSRM server at {fake.url}: ")


def test_credentials_are_sent_but_never_shown(fake):
    url = fake.url.replace("http://", "http://inspector:s3cret@")
    matrix = osrm_matrix(url)
    matrix(scattered(3))
    assert fake.requests[0].headers["authorization"].startswith("Basic ")
    fake.mode = "http500"
    with pytest.raises(OsrmError) as caught:
        matrix(scattered(3))
    shown = [str(caught.value), repr(matrix), matrix.describe(), matrix.url]
    assert all("s3cret" not in text and "inspector" not in text for text in shown)
    assert fake.url in str(caught.value)


def test_the_url_comes_from_the_environment_checked():
    assert osrm_url_from_env({}) is None
    assert osrm_url_from_env({ENV_VAR: "  "}) is None
    assert osrm_url_from_env({ENV_VAR: " http://localhost:5000/ "}) == "http://localhost:5000"
    assert osrm_url_from_env({ENV_VAR: "https://router.example.org/osrm"}) == "https://router.example.org/osrm"
    for bad in ("ftp://localhost:5000", "localhost:5000", "http://localhost:99999", "http://localhost:5000/?key=1",
                "http:///table"):
        with pytest.raises(OsrmError, match=f"^{ENV_VAR}: OSRM server URL") as caught:
            osrm_url_from_env({ENV_VAR: bad})
        assert "\n" not in str(caught.value)
    with pytest.raises(OsrmError, match="http:// or https://"):
        osrm_matrix("file:///etc/passwd")


def test_points_off_the_servers_map():
    points = np.array([OFFICE, OFFICE, near(4, 4), near(-6, 2)])
    with FakeOsrm(snap_m={tuple(points[3]): 8_000.0}) as fake:
        matrix = osrm_matrix(fake.url)
        matrix(points)
        assert matrix.last.far_from_road == (3,) and matrix.last.snap_km[3] == pytest.approx(8.0)
        assert "1 point is more than 5 km from the nearest road" in " ".join(matrix.last.notes())
    with FakeOsrm(default_snap_m=250_000.0) as elsewhere:  # a server built for another country
        with pytest.raises(OsrmError, match="does not seem to cover this area"):
            osrm_matrix(elsewhere.url)(points)


def test_bad_points_are_refused_before_any_request(fake):
    with pytest.raises(ValueError, match="lat, lon"):
        osrm_matrix(fake.url)(np.array([[31.0, 74.0], [95.0, 74.0]]))
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        osrm_matrix(fake.url)(np.zeros((3, 3)))
    km, minutes = osrm_matrix(fake.url)(np.array([OFFICE]))
    assert km.shape == (1, 1) and km[0, 0] == 0 and minutes[0, 0] == 0
    assert fake.requests == []
