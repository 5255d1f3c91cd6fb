"""Road distances from an OSRM server for the route planner (issue 6).

:func:`osrm_matrix` gives a :data:`layers.routing.PointsMatrix`: with
``plan_routes(..., distance_matrix=osrm_matrix(url))`` the planner uses road km and driving minutes
from the Table service of an `OSRM <https://project-osrm.org>`_ server (``osrm-routed``) instead of
great-circle km × a road factor at an average speed.

Units
    OSRM answers metres and seconds; the matrices returned are **km** and **minutes**, row = from,
    column = to (not symmetric: one-way roads). OSRM measures from where each point snaps onto its
    road network: the stretch from a kiln to its nearest mapped road is not counted
    (:attr:`OsrmReport.snap_km` gives it per point).
Size
    A server answers tables of at most ``--max-table-size`` locations (100 unless started
    otherwise). Up to ``max_locations`` points go in one request; more are split into blocks of
    ``max_locations // 2`` points and every pair of blocks is sent together, all to all, so no
    request carries more than ``max_locations`` coordinates and each ordered pair of points is in
    one of them (250 points at 100: 5 blocks, 10 requests). A server that answers ``TooBig`` all
    the same gets the blocks halved until it accepts them.
No road
    A pair OSRM finds no road between (``null``: e.g. a kiln on a track not joined to the network)
    becomes :data:`UNREACHABLE_KM` and :data:`UNREACHABLE_MIN`, longer than any working day, so
    the planner leaves such a kiln out as unreachable. :attr:`OsrmMatrix.last` counts them.
Privacy
    Nothing leaves the machine unless a server URL is configured (:data:`ENV_VAR` or passed in).
    When one is, the coordinates of the start, the end and the candidate kilns are sent to it:
    use a server you run or trust.
"""

from __future__ import annotations

import errno
import math
import os
import re
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import numpy as np
import requests

from layers.i18n import N_
from layers.routing import Figure
from loaders.problems import Message

if TYPE_CHECKING:
    from layers.routing import RouteSettings

ENV_VAR = "BHATTA_OSRM_URL"
"""Environment variable holding the OSRM server's base URL (unset or empty: no server)."""
USER_AGENT = "bhatta-atlas"
DEFAULT_MAX_LOCATIONS = 100
"""osrm-routed's default ``--max-table-size``."""
UNREACHABLE_KM = 10_000.0
"""km given to a pair with no road route: more than any drive in Pakistan."""
UNREACHABLE_MIN = 100_000.0
"""Minutes given to a pair with no road route: over 69 days, so no working day (at most 24 h) holds it.
Moderate rather than astronomic, so the planner's integer weights stay far from their limits."""
FAR_FROM_ROAD_KM = 5.0
"""A point farther than this from the nearest road on the server's map is reported; when most points
are, the server's map does not cover the area and :class:`OsrmError` says so."""

_PROFILE = re.compile(r"[A-Za-z0-9_.-]+")
_EXAMPLE = Message(N_("give it as http://HOST:PORT, e.g. http://localhost:5000"))


class OsrmError(Exception):
    """The OSRM server could not give the matrix: one line naming the server (never its credentials) and why.

    ``str(error)`` is the English text; raised with a :class:`~loaders.problems.Message` it is that message
    (``loaders.problems.render(str(error), lang)`` gives it in another language).
    """

    def __str__(self) -> str:
        reason = self.args[0] if self.args else ""
        return reason if isinstance(reason, str) else super().__str__()


class _TooBig(OsrmError):
    """The server refused a table of ``locations`` points as too big."""

    def __init__(self, message: str, locations: int) -> None:  # message: a Message keeps its template
        super().__init__(message)
        self.locations = locations


def _display(url: str) -> str:
    """``url`` for messages: no credentials, query or fragment, no trailing slash."""
    text = re.split(r"[?#]", url.strip(), maxsplit=1)[0]
    return re.sub(r"//[^/]*@", "//", text).rstrip("/")


def check_osrm_url(url: object) -> str:
    """The base URL of an OSRM server, checked: ``http(s)://host[:port][/path]``, no trailing slash.

    Parameters
    ----------
    url
        E.g. ``http://localhost:5000`` or ``https://user:password@router.example.org/osrm``
        (credentials are sent as HTTP basic authentication and never shown in messages).

    Returns
    -------
    str: ``url`` without surrounding blanks and trailing slash.

    Raises
    ------
    OsrmError
        Not a string, empty, not http or https, no host, a bad port, blanks inside, or a query or
        fragment (the base URL takes neither).
    """
    if not isinstance(url, str) or not url.strip():
        raise OsrmError(Message(N_("no OSRM server URL: {example}"), example=_EXAMPLE))
    text, shown = url.strip(), _display(url)
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed [IPv6 address
        raise OsrmError(Message(N_("OSRM server URL {url} is malformed: {example}"), url=repr(shown),
                                example=_EXAMPLE)) from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise OsrmError(Message(N_("OSRM server URL {url} must start with http:// or https:// and name a host: "
                                   "{example}"), url=repr(shown), example=_EXAMPLE))
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # not a number, or out of range
        port_ok = False
    if not port_ok or re.search(r"\s", text):
        raise OsrmError(Message(N_("OSRM server URL {url} is malformed: {example}"), url=repr(shown), example=_EXAMPLE))
    if parts.query or parts.fragment:
        raise OsrmError(Message(N_("OSRM server URL {url} must be the server's base address, without ?query or "
                                   "#fragment"), url=repr(shown)))
    return text.rstrip("/")


def osrm_url_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """The OSRM server URL configured in :data:`ENV_VAR` (``BHATTA_OSRM_URL``), checked.

    Parameters
    ----------
    environ
        Where to look (default: ``os.environ``).

    Returns
    -------
    str | None: the base URL (see :func:`check_osrm_url`), or ``None`` when unset or blank.

    Raises
    ------
    OsrmError
        The variable holds something that is not an http(s) URL.
    """
    value = (os.environ if environ is None else environ).get(ENV_VAR, "")
    if not value.strip():
        return None
    try:
        return check_osrm_url(value)
    except OsrmError as error:
        raise OsrmError(Message(N_("{variable}: {problem}"), variable=ENV_VAR, problem=str(error))) from None


@dataclass(frozen=True, eq=False)
class OsrmReport:
    """What one matrix took and found: the server's side of a plan."""

    points: int
    requests: int
    """Table requests sent (those refused as too big included)."""
    max_locations: int
    """Coordinates per request in the end: lower than asked when the server answered ``TooBig``."""
    no_route_pairs: int
    """Ordered pairs of distinct points OSRM found no road between (given :data:`UNREACHABLE_KM`)."""
    snap_km: np.ndarray = field(repr=False)
    """Per point, km from it to where it snapped onto the road network (NaN: the server did not say)."""
    far_from_road: tuple[int, ...]
    """Indices of the points farther than ``far_from_road_km`` from the nearest road on the server's map."""
    far_from_road_km: float
    seconds: float

    def notes(self) -> tuple[str, ...]:
        """What a user must know about these distances, in words (empty when nothing is amiss).

        English text, each a :class:`~loaders.problems.Message` (``loaders.problems.render(note, lang)``)."""
        notes = []
        if self.no_route_pairs:
            notes.append(Message(N_("The road server found no road for {n} of the {pairs} pairs of points (e.g. a kiln "
                                    "on a track not joined to the road network): a kiln it finds no road to or from "
                                    "the start counts as unreachable."),
                                 n=self.no_route_pairs, pairs=self.points * (self.points - 1)))
        if self.far_from_road:
            template = (N_("{n} points are more than {km} km from the nearest road on the road server's map: their "
                           "distances start at that road, so the trip is longer.") if len(self.far_from_road) > 1 else
                        N_("{n} point is more than {km} km from the nearest road on the road server's map: its "
                           "distances start at that road, so the trip is longer."))
            notes.append(Message(template, n=len(self.far_from_road), km=Figure(f"{self.far_from_road_km:g}")))
        return tuple(notes)


class OsrmMatrix:
    """A :data:`layers.routing.PointsMatrix` backed by an OSRM server: call it with (n, 2) (lat, lon).

    Made by :func:`osrm_matrix`, which documents the parameters. ``url`` is the server without
    credentials (for display); ``last`` is the :class:`OsrmReport` of the latest call (None before),
    so calls must not overlap: make one per plan (they are cheap) rather than share one between threads.
    """

    def __init__(self, base_url: str, *, profile: str = "driving", timeout_s: float = 10.0,
                 max_locations: int = DEFAULT_MAX_LOCATIONS, session: requests.Session | None = None,
                 far_from_road_km: float = FAR_FROM_ROAD_KM) -> None:
        self.base_url = check_osrm_url(base_url)
        self.url = _display(self.base_url)
        if not isinstance(profile, str) or not _PROFILE.fullmatch(profile):
            raise ValueError(f"profile must be letters, digits, '_', '-' or '.', e.g. 'driving', got {profile!r}")
        for name, value in (("timeout_s", timeout_s), ("far_from_road_km", far_from_road_km)):
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        if isinstance(max_locations, bool) or not isinstance(max_locations, int) or max_locations < 2:
            raise ValueError(f"max_locations must be a whole number >= 2, got {max_locations!r}")
        self.profile, self.timeout_s, self.max_locations = profile, float(timeout_s), max_locations
        self.far_from_road_km = float(far_from_road_km)
        self._session = session if session is not None else requests.Session()
        self._own_session = session is None
        self._limit = max_locations
        self.last: OsrmReport | None = None

    def __repr__(self) -> str:
        return f"OsrmMatrix({self.url!r}, profile={self.profile!r})"

    def describe(self) -> str:
        """The distance model in words, in place of the generic "supplied road matrix"."""
        return f"distance and time by road from the OSRM server at {self.url} ({self.profile})"

    def assumptions(self, settings: RouteSettings) -> str:
        """``settings.assumptions(road_matrix=True)`` naming this server as the source of the distances."""
        text = settings.assumptions(road_matrix=True)
        generic = "distance and time from the supplied road matrix"
        if text.startswith(generic):
            return self.describe() + text[len(generic):]
        return f"{self.describe()}; {text}"

    def close(self) -> None:
        """Close the HTTP session (only one this object made itself)."""
        if self._own_session:
            self._session.close()

    def __call__(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Road km and driving minutes between every pair of ``points``, (n, 2) (lat, lon) in degrees.

        Raises
        ------
        OsrmError
            The server cannot be reached, does not answer in time, or answers an error or
            something that is not an OSRM table; or most points are far off its map.
        ValueError
            ``points`` are not finite (lat, lon) pairs in degrees.
        """
        points = np.asarray(points, dtype=float)
        if points.ndim != 2 or points.shape[1] != 2:
            raise ValueError(f"points must be an (n, 2) array of (lat, lon), got shape {points.shape}")
        if not (np.isfinite(points).all() and (np.abs(points[:, 0]) <= 90).all()
                and (np.abs(points[:, 1]) <= 180).all()):
            raise ValueError("points must be finite (lat, lon) pairs in degrees")
        n, began, sent = len(points), time.perf_counter(), 0
        km, minutes, snap_km = np.full((n, n), np.nan), np.full((n, n), np.nan), np.full(n, np.nan)
        while n > 1:
            try:
                for nodes in _request_nodes(n, self._limit):
                    sent += 1
                    block_km, block_min, block_snap = self._table(points[nodes])
                    km[np.ix_(nodes, nodes)], minutes[np.ix_(nodes, nodes)] = block_km, block_min
                    snap_km[nodes] = block_snap
                break
            except _TooBig as refused:
                smaller = min(refused.locations, self._limit) // 2  # strictly smaller: the loop ends
                if smaller < 2:  # refused whatever the size: forget the smaller blocks
                    self._limit = self.max_locations
                    raise OsrmError(str(refused)) from None  # str(): the Message it was raised with
                self._limit = smaller  # and again from the start, in smaller blocks
        np.fill_diagonal(km, 0.0)
        np.fill_diagonal(minutes, 0.0)
        missing = ~(np.isfinite(km) & np.isfinite(minutes))
        km[missing], minutes[missing] = UNREACHABLE_KM, UNREACHABLE_MIN
        known = snap_km[np.isfinite(snap_km)]
        if len(known) and np.median(known) > self.far_from_road_km:
            raise OsrmError(Message(N_("{server}: most points are more than {km} km from the nearest road on its map "
                                       "(median {median} km): it does not seem to cover this area; was it built from "
                                       "an extract that includes it?"), server=self._prefix,
                                    km=Figure(f"{self.far_from_road_km:g}"), median=Figure(f"{np.median(known):.0f}")))
        self.last = OsrmReport(
            points=n, requests=sent, max_locations=self._limit, no_route_pairs=int(missing.sum()),
            snap_km=snap_km, far_from_road=tuple(int(i) for i in np.flatnonzero(snap_km > self.far_from_road_km)),
            far_from_road_km=self.far_from_road_km, seconds=round(time.perf_counter() - began, 3))
        return km, minutes

    @property
    def _prefix(self) -> Message:
        return Message(N_("OSRM server at {url}"), url=self.url)

    def _table(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One all-to-all table request: km, minutes (NaN: no route) and each point's km to its road."""
        coordinates = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)  # OSRM wants lon,lat
        url = f"{self.base_url}/table/v1/{self.profile}/{coordinates}?annotations=duration,distance"
        try:
            response = self._session.get(url, timeout=self.timeout_s,
                                         headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        except requests.RequestException as error:
            raise OsrmError(Message(N_("{server}: {problem}"), server=self._prefix,
                                    problem=_transport_problem(error, self.timeout_s))) from error
        return _table_answer(response, len(points), prefix=self._prefix, profile=self.profile)


def osrm_matrix(base_url: str, *, profile: str = "driving", timeout_s: float = 10.0,
                max_locations: int = DEFAULT_MAX_LOCATIONS, session: requests.Session | None = None,
                far_from_road_km: float = FAR_FROM_ROAD_KM) -> OsrmMatrix:
    """A distance matrix for :func:`layers.routing.plan_routes` from an OSRM server's Table service.

    Parameters
    ----------
    base_url
        The server, e.g. ``http://localhost:5000`` (see :func:`check_osrm_url`); requests go to
        ``{base_url}/table/v1/{profile}/{lon,lat;...}?annotations=duration,distance``.
    profile
        The profile in the URL (``driving``; osrm-routed answers with the profile it was built with).
    timeout_s
        Seconds to wait to connect, and for each read of an answer, per request.
    max_locations
        Most coordinates in one request: the server's ``--max-table-size`` (default 100). More
        points are split into blocks (see the module docstring).
    session
        A ``requests.Session`` to use (e.g. with proxies or certificates); default: a new one.
    far_from_road_km
        Points farther than this from the nearest road on the server's map are reported in
        :attr:`OsrmReport.far_from_road`; most points that far is an :class:`OsrmError`.

    Returns
    -------
    OsrmMatrix: callable as ``matrix(points) -> (km, minutes)``, a :data:`layers.routing.PointsMatrix`;
    :attr:`OsrmMatrix.last` reports on the latest call, :meth:`OsrmMatrix.assumptions` words the plan's
    assumption line. Nothing is sent before it is called.

    Raises
    ------
    OsrmError
        ``base_url`` is not an http(s) URL.
    ValueError
        A bad ``profile``, ``timeout_s``, ``max_locations`` or ``far_from_road_km``.
    """
    return OsrmMatrix(base_url, profile=profile, timeout_s=timeout_s, max_locations=max_locations, session=session,
                      far_from_road_km=far_from_road_km)


def _request_nodes(n: int, max_locations: int) -> list[np.ndarray]:
    """The point indices of each request: all points, or every pair of blocks of ``max_locations // 2``."""
    if n <= max_locations:
        return [np.arange(n)]
    size = max_locations // 2
    blocks = [np.arange(first, min(first + size, n)) for first in range(0, n, size)]
    return [np.r_[a, b] for k, a in enumerate(blocks) for b in blocks[k + 1:]]


def _one_line(value: object, limit: int = 200) -> str:
    text = " ".join(str(value).split()) if value is not None else ""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _causes(error: BaseException) -> list[BaseException]:
    """``error`` and every exception it wraps (causes, contexts, urllib3's reasons, exception arguments)."""
    seen, todo = [], [error]
    while todo:
        current = todo.pop()
        if any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [e for e in (current.__cause__, current.__context__, getattr(current, "reason", None),
                             *getattr(current, "args", ())) if isinstance(e, BaseException)]
    return seen


def _transport_problem(error: requests.RequestException, timeout_s: float) -> Message:
    """Why a request got no answer, in words a user can act on."""
    causes = _causes(error)
    seconds = Figure(f"{timeout_s:g}")
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return Message(N_("no connection within {seconds} s: is the server reachable from this machine?"),
                       seconds=seconds)
    if isinstance(error, requests.exceptions.Timeout) or any(isinstance(c, TimeoutError) for c in causes):
        return Message(N_("no answer within {seconds} s: the server is busy or down, or the table takes longer "
                          "(raise the timeout)"), seconds=seconds)
    if any(isinstance(c, ConnectionRefusedError) or getattr(c, "errno", None) == errno.ECONNREFUSED for c in causes):
        return Message(N_("connection refused: is osrm-routed running there, on that port?"))
    if any(isinstance(c, socket.gaierror) for c in causes):
        return Message(N_("host name not found: check the address"))
    if isinstance(error, requests.exceptions.SSLError):
        return Message(N_("TLS/SSL handshake failed: check https and the server's certificate"))
    if any(isinstance(c, ConnectionResetError) for c in causes):
        return Message(N_("the connection was reset by the server"))
    if isinstance(error, requests.exceptions.ConnectionError):
        reasons = [c.strerror for c in causes if isinstance(c, OSError) and c.strerror]
        if reasons:  # the system's words, as it gives them
            return Message(N_("could not connect: {reason}"), reason=reasons[-1])
        return Message(N_("could not connect"))
    return Message(N_("the request failed ({error})"), error=type(error).__name__)


_HINTS = {
    "TooBig": N_("the server's --max-table-size is too small"),
    "NoSegment": N_("a point is too far from any road on the server's map"),
    "NoTable": N_("no route between the points"),
    "InvalidUrl": N_("is this an OSRM 5 server?"),
    "InvalidService": N_("is this an OSRM 5 server with the table service?"),
    "InvalidVersion": N_("is this an OSRM 5 server?"),
}


def _table_answer(response: requests.Response, n: int, *, prefix: str | Message, profile: str
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """km, minutes and snap km of an OSRM table answer for ``n`` points, or the :class:`OsrmError` it is."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    code = body.get("code") if isinstance(body, dict) else None
    if isinstance(code, str) and code != "Ok":  # the server's code and message as it gives them
        message = _one_line(body.get("message"))
        text = Message(N_("{server}: OSRM answered {code}"), server=prefix, code=_one_line(code, 40))
        if message:
            text = Message(N_("{text} ({message})"), text=text, message=message)
        if status != 200:
            text = Message(N_("{text}, HTTP {status}"), text=text, status=str(status))
        if code in _HINTS:
            text = Message(N_("{text}; {hint}"), text=text, hint=Message(_HINTS[code]))
        if code == "TooBig":
            raise _TooBig(Message(N_("{text} for a table of {n} points"), text=text, n=n), n)
        raise OsrmError(text)
    if status != 200:
        reason = _one_line(response.reason, 60)
        text = (Message(N_("{server}: HTTP {status} {reason}"), server=prefix, status=str(status), reason=reason)
                if reason or status == 404 else Message(N_("{server}: HTTP {status}"), server=prefix, status=str(status)))
        if status == 404:
            text = Message(N_("{text}: is it an OSRM server with the {profile} profile?"), text=text,
                           profile=repr(profile))
        raise OsrmError(text)
    if body is None:
        raise OsrmError(Message(N_("{server}: the answer is not JSON: is this the address of an OSRM server?"),
                                server=prefix))
    if code != "Ok":
        raise OsrmError(Message(N_("{server}: the answer is not an OSRM table (no \"code\": \"Ok\")"), server=prefix))
    if body.get("distances") is None:
        raise OsrmError(Message(N_("{server}: the answer has no distances (older OSRM servers give durations only)"),
                                server=prefix))
    try:
        metres = np.array(body["distances"], dtype=float)  # null (no route) becomes NaN
        seconds = np.array(body.get("durations"), dtype=float)
    except (TypeError, ValueError):
        metres = seconds = np.empty(0)
    for matrix in (metres, seconds):
        values = matrix[np.isfinite(matrix)]
        if matrix.shape != (n, n) or np.isinf(matrix).any() or (values < 0).any():
            raise OsrmError(Message(N_("{server}: malformed table: expected {n} × {n} distances and durations in "
                                       "metres and seconds, got shape {shape}"), server=prefix, n=n,
                                    shape=str(matrix.shape)))
    snap = np.full(n, np.nan)
    sources = body.get("sources")
    if isinstance(sources, list) and len(sources) == n:
        snap = np.array([w.get("distance") if isinstance(w, dict) and isinstance(w.get("distance"), int | float)
                         else np.nan for w in sources], dtype=float) / 1000.0
    return metres / 1000.0, seconds / 60.0, snap
