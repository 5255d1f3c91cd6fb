"""A fake OSRM server on 127.0.0.1 for offline tests: the Table service over a known ground truth.

Ground truth (:func:`truth`): road km = great-circle km × :data:`TRUTH_FACTOR`, plus
:data:`NORTH_EXTRA_KM` when the destination lies north of the origin (so the matrix is not
symmetric and a transposed answer shows), driven at :data:`TRUTH_SPEED_KMH`. Points on an island
(``islands``) have no road to the mainland: OSRM's ``null``. Every request is recorded.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import numpy as np

from layers.routing import great_circle_km

TRUTH_FACTOR = 1.25
NORTH_EXTRA_KM = 0.4
TRUTH_SPEED_KMH = 40.0


def truth(points: np.ndarray, islands: Collection[tuple[float, float]] = ()) -> tuple[np.ndarray, np.ndarray]:
    """The fake's road km and minutes between (lat, lon) ``points`` (NaN: no road), row = from.

    Of the points as a server sees them: rounded to 6 decimals, as the client sends them.
    """
    points = np.round(np.asarray(points, dtype=float).reshape(-1, 2), 6)
    lat, lon = points[:, 0], points[:, 1]
    km = great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) * TRUTH_FACTOR
    km = km + NORTH_EXTRA_KM * (lat[None, :] > lat[:, None])
    np.fill_diagonal(km, 0.0)
    island = {(round(x, 6), round(y, 6)) for x, y in islands}
    on_island = np.array([(round(a, 6), round(b, 6)) in island for a, b in points], dtype=bool)
    km[on_island[:, None] != on_island[None, :]] = np.nan
    return km, km / TRUTH_SPEED_KMH * 60.0


@dataclass
class TableRequest:
    """One request the fake received."""

    path: str
    profile: str
    coordinates: list[tuple[float, float]]
    """As sent: (lon, lat)."""
    sources: list[int] | None
    destinations: list[int] | None
    annotations: list[str]
    headers: dict[str, str]


def free_port() -> int:
    """A port nothing listens on (a connection to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakeOsrm:
    """``with FakeOsrm() as fake:`` serves ``fake.url``; set ``fake.mode`` to make it fail.

    Modes: ``ok``; ``http500`` (plain-text server error); ``toobig`` (always OSRM ``TooBig``);
    ``invalid`` (OSRM ``InvalidQuery``); ``sleep`` (answers after ``delay_s``); ``html`` (200 with
    a web page); ``no_distances`` (durations only, like an old server).
    """

    def __init__(self, *, max_table_size: int = 100, islands: Collection[tuple[float, float]] = (),
                 snap_m: dict[tuple[float, float], float] | None = None, default_snap_m: float = 3.0) -> None:
        self.max_table_size = max_table_size
        self.islands = list(islands)
        self.snap_m = {(round(a, 6), round(b, 6)): m for (a, b), m in (snap_m or {}).items()}
        self.default_snap_m = default_snap_m
        self.mode = "ok"
        self.delay_s = 1.0
        self.requests: list[TableRequest] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                fake._answer(self)

            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)  # a short poll: shutdown() waits for it

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeOsrm:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- the Table service ----------------------------------------------------------------------------

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        pieces = unquote(parts.path).split("/")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if len(pieces) != 5 or pieces[1:3] != ["table", "v1"]:
            return self._send(handler, 400, {"code": "InvalidUrl", "message": "URL string malformed"})
        try:
            coordinates = [tuple(float(x) for x in c.split(",")) for c in pieces[4].split(";")]
            indices = {name: None if query.get(name, "all") == "all" else [int(i) for i in query[name].split(";")]
                       for name in ("sources", "destinations")}
        except ValueError:
            return self._send(handler, 400, {"code": "InvalidQuery", "message": "Query string malformed"})
        request = TableRequest(path=handler.path, profile=pieces[3], coordinates=coordinates, **indices,
                               annotations=query.get("annotations", "duration").split(","),
                               headers={k.lower(): v for k, v in handler.headers.items()})
        with self._lock:
            self.requests.append(request)
        sources = request.sources or list(range(len(coordinates)))
        destinations = request.destinations or list(range(len(coordinates)))
        mode = self.mode
        if mode == "sleep":
            time.sleep(self.delay_s)
        if mode == "http500":
            return self._send(handler, 500, b"Internal Server Error\n", "text/plain")
        if mode == "html":
            return self._send(handler, 200, b"<html><body>Welcome to nginx!</body></html>", "text/html")
        if mode == "invalid":
            return self._send(handler, 400, {"code": "InvalidQuery", "message": "Query string malformed close to\n"
                                                                                 "position 42"})
        if mode == "toobig" or len(sources) * len(destinations) > self.max_table_size ** 2:  # osrm-routed's rule
            return self._send(handler, 400, {"code": "TooBig", "message": "Too many table coordinates"})
        points = np.array([(lat, lon) for lon, lat in coordinates])
        km, minutes = truth(points, self.islands)
        metres = np.round(km[np.ix_(sources, destinations)] * 1000, 1)
        seconds = np.round(minutes[np.ix_(sources, destinations)] * 60, 1)

        def cells(matrix: np.ndarray) -> list[list[float | None]]:
            values = matrix.astype(object)
            values[np.isnan(matrix)] = None  # OSRM's null: no route
            return values.tolist()

        def waypoint(i: int) -> dict:
            lon, lat = coordinates[i]
            return {"hint": "", "name": "", "location": [lon, lat],
                    "distance": self.snap_m.get((round(lat, 6), round(lon, 6)), self.default_snap_m)}

        body = {"code": "Ok", "durations": cells(seconds), "sources": [waypoint(i) for i in sources],
                "destinations": [waypoint(i) for i in destinations]}
        if "distance" in request.annotations and mode != "no_distances":
            body["distances"] = cells(metres)
        self._send(handler, 200, body)

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: dict | bytes,
              content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            pass
