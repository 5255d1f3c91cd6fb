"""A planned route to take along: GPX for phone navigation apps, KML for Google Earth, Google Maps links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode
from xml.sax.saxutils import escape

import gpxpy
import gpxpy.gpx

from layers.i18n import translator

KML_NS = "http://www.opengis.net/kml/2.2"
MOBILE_WAYPOINTS = 3
"""Google Maps URLs take up to 3 waypoints on phones (9 on a desktop): legs are cut to fit a phone."""


@dataclass(frozen=True)
class Place:
    """One point of a route: the office it starts and ends at, or a kiln to visit."""

    lat: float
    lon: float
    name: str
    note: str = ""


def route_gpx(days: Sequence[Sequence[Place]], *, title: str, note: str = "", lang: str = "en",
              urdu_digits: bool = False) -> str:
    """GPX 1.1 with each kiln as a waypoint and each day as a route (``rte``) through its places in order.

    OsmAnd and Organic Maps import both; names and notes are XML-escaped by gpxpy. ``lang`` is the language of
    the day names (``title``, ``note`` and the places come written in it).
    """
    tr = translator(lang, urdu_digits=urdu_digits)
    _ = tr.gettext
    gpx = gpxpy.gpx.GPX()
    gpx.name = title
    gpx.description = note or None
    gpx.creator = "Bhatta Atlas"
    seen: set[tuple[float, float, str]] = set()
    for number, places in enumerate(days, start=1):
        route = gpxpy.gpx.GPXRoute(name=_("{title}: day {number}").format(title=title, number=tr.num(number))
                                   if len(days) > 1 else title)
        for place in places:
            route.points.append(gpxpy.gpx.GPXRoutePoint(place.lat, place.lon, name=place.name,
                                                        description=place.note or None))
            key = (place.lat, place.lon, place.name)
            if key not in seen:  # the office starts and ends every day: one waypoint
                seen.add(key)
                gpx.waypoints.append(gpxpy.gpx.GPXWaypoint(place.lat, place.lon, name=place.name,
                                                          description=place.note or None))
        gpx.routes.append(route)
    return gpx.to_xml(version="1.1")


def route_kml(days: Sequence[Sequence[Place]], *, title: str, note: str = "", lang: str = "en",
              urdu_digits: bool = False) -> str:
    """KML 2.2: a placemark per place and a line per day, every text XML-escaped; day names in ``lang``."""
    tr = translator(lang, urdu_digits=urdu_digits)
    _ = tr.gettext
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="{KML_NS}"><Document>',
             f"<name>{escape(title)}</name>", f"<description>{escape(note)}</description>"]
    for number, places in enumerate(days, start=1):
        day = escape(_("Day {number}").format(number=tr.num(number)))
        parts.append(f"<Folder><name>{day}</name>")
        for place in places:
            parts.append(f"<Placemark><name>{escape(place.name)}</name>"
                         f"<description>{escape(place.note)}</description>"
                         f"<Point><coordinates>{place.lon:.6f},{place.lat:.6f}</coordinates></Point></Placemark>")
        line = " ".join(f"{p.lon:.6f},{p.lat:.6f}" for p in places)
        route = escape(_("Day {number} route").format(number=tr.num(number)))
        parts.append(f"<Placemark><name>{route}</name><LineString><tessellate>1</tessellate>"
                     f"<coordinates>{line}</coordinates></LineString></Placemark></Folder>")
    parts.append("</Document></kml>")
    return "\n".join(parts)


def google_maps_links(places: Sequence[Place], *, waypoints: int = MOBILE_WAYPOINTS) -> list[str]:
    """Google Maps direction links for one day, cut into legs of at most ``waypoints`` stops between ends.

    Each leg starts where the previous one ended, so following the links in order drives the whole route.
    """
    if len(places) < 2:
        return []
    links, start = [], 0
    while start < len(places) - 1:
        end = min(start + waypoints + 1, len(places) - 1)
        leg = places[start:end + 1]
        query = {"api": "1", "origin": _coord(leg[0]), "destination": _coord(leg[-1]), "travelmode": "driving"}
        if len(leg) > 2:
            query["waypoints"] = "|".join(_coord(p) for p in leg[1:-1])
        links.append("https://www.google.com/maps/dir/?" + urlencode(query, safe=",|"))
        start = end
    return links


def _coord(place: Place) -> str:
    return f"{place.lat:.6f},{place.lon:.6f}"
