"""Redaction profiles: what a map, table, download or snapshot may show, applied to the data on the server.

Three profiles, from most to least open:

``internal``
    Everything the user's role may see (work inside the programme).
``official``
    For officials: no personal fields (names and phone numbers of inspectors, owners, focal persons,
    free-text notes), and no column a user added on import unless it is marked shareable. Visits and kilns
    stay at their places.
``public``
    For anyone: as ``official``, and no individual visit or finding records at all (visits and findings
    only as counts per tehsil or district, counts below 5 shown as "< 5" by the tables); points of
    sensitive user-supplied layers (NGO services, kilns added by users) displaced by up to 2 km in towns
    and 5 km elsewhere, staying inside their district. The displacement of a record is drawn from a
    server secret and the record's id, so every export puts it at the same false place: repeated exports
    cannot be averaged out. Satellite-detected kilns stay where they are (they are public data).

Both restrictive profiles work from an allow-list per layer (the contract's non-personal fields), so a new
column is internal until someone marks it shareable. :func:`redact_layers` is applied before anything is
rendered: the map, tables, downloads and snapshots all take the redacted frames.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
from collections.abc import Collection, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.catalog import LayerData
from layers.i18n import N_, translator
from loaders.contracts import CONTRACTS
from loaders.geo import KILN_SOURCE, Reference

PROFILES = ("internal", "official", "public")
"""From most to least open."""
PROFILE_NAMES = {"internal": N_("internal"), "official": N_("official"), "public": N_("public")}
"""Each profile's name as shown (the key itself in English), marked for translation."""
PROFILE_WORDS = {
    "internal": N_("everything, for internal use only"),
    "official": N_("no personal fields"),
    "public": N_("no individual visits; counts below 5 shown as < 5; sensitive points displaced"),
}
"""What each profile leaves out, in words shown with it (sidebar, downloads, snapshots), in English: translate
where shown (or use :func:`profile_label` with ``lang``). No dashes: a glyph past the font's first 256 makes a
snapshot PDF embed a second copy of its font."""


def profile_label(profile: str, lang: str | None = None, *, urdu_digits: bool = False) -> str:
    """``"official (no personal fields)"``: the profile and what it leaves out, in ``lang`` (default English)."""
    tr = translator(lang, urdu_digits=urdu_digits)
    return tr.gettext("{profile} ({words})").format(profile=tr(PROFILE_NAMES[_profile(profile)]),
                                            words=tr.digits(tr(PROFILE_WORDS[profile])))


SYSTEM_COLUMNS = ("district_pcode", "tehsil_pcode", "synthetic", "source", "geometry", "lat", "lon",
                  "kiln_type_label", "kiln_matched", "version", "district_name")
"""Columns the app adds to every record (places, provenance): shareable in every profile."""
SENSITIVE_LAYERS = ("ngo",)
"""User-supplied layers whose points are displaced in ``public`` (kilns added by users are too)."""
URBAN_KM, RURAL_KM = 2.0, 5.0
"""Largest displacement in towns and elsewhere."""
TOWN_RADIUS_KM = 5.0
"""A point this close to a GeoNames town counts as urban."""


def allowed_columns(layer: str, shareable: Collection[str] = ()) -> frozenset[str]:
    """The columns of ``layer`` that ``official`` and ``public`` may show: its contract's non-personal fields,
    the app's own columns, and the ``shareable`` columns someone marked (personal fields never)."""
    fields = CONTRACTS[layer].fields
    personal = {f.name for f in fields if f.personal}
    return frozenset({f.name for f in fields if not f.personal} | set(SYSTEM_COLUMNS) |
                     (set(shareable) - personal - set(NEVER_SHARED)))


NEVER_SHARED = ("import_id", "source_row", "recorded_at", "recorded_by", "change_note")
"""The store's own bookkeeping of a record (which import, who recorded it): not a column anyone can share."""


def extra_columns(layer: str, frame: pd.DataFrame) -> list[str]:
    """Columns of a layer's frame outside its contract: what an import brought along ("owner phone",
    "enrolment_girls"). Internal unless marked shareable; the app's own columns are not listed."""
    known = {f.name for f in CONTRACTS[layer].fields} | set(SYSTEM_COLUMNS) | set(NEVER_SHARED)
    return [c for c in frame.columns if c not in known]


def more_open(a: str, b: str) -> bool:
    """Whether profile ``a`` shows more than ``b``."""
    return PROFILES.index(_profile(a)) < PROFILES.index(_profile(b))


def redact_layers(
    layers: Mapping[str, LayerData],
    profile: str,
    *,
    ref: Reference,
    secret: bytes | None = None,
    shareable: Mapping[str, Collection[str]] | None = None,
) -> dict[str, LayerData]:
    """The layers as ``profile`` may show them (``internal``: unchanged).

    Parameters
    ----------
    layers
        :func:`layers.catalog.load_layers`.
    profile
        One of :data:`PROFILES`.
    ref
        Boundaries (a displaced point stays in its district) and towns (urban or rural).
    secret
        Seeds the displacement (default: :func:`server_secret`). Keep it: a new secret moves every
        displaced point, and two exports with different secrets could be averaged.
    shareable
        Per layer, columns outside the contract that may be shown (e.g. ``{"schools": {"enrolment_girls"}}``).
    """
    profile = _profile(profile)
    if profile == "internal":
        return dict(layers)
    shareable = shareable or {}
    out: dict[str, LayerData] = {}
    for name, data in layers.items():
        keep = allowed_columns(name, shareable.get(name, ()))
        frame = data.frame[[c for c in data.frame.columns if c in keep]]
        if profile == "public":
            if name == "inspections":
                frame = frame.iloc[0:0]
            elif name in SENSITIVE_LAYERS or name == "kilns":
                moving = _user_supplied(frame) if name == "kilns" else np.ones(len(frame), dtype=bool)
                if moving.any():
                    frame = frame.copy()
                    frame.loc[moving, "geometry"] = displace(frame[moving], layer=name, ref=ref,
                                                             secret=secret or server_secret())
                    if {"lat", "lon"} <= set(frame.columns):
                        frame.loc[moving, "lat"] = frame.loc[moving].geometry.y
                        frame.loc[moving, "lon"] = frame.loc[moving].geometry.x
        out[name] = LayerData(data.layer, data.label, gpd.GeoDataFrame(frame, geometry="geometry", crs=data.frame.crs),
                              data.origin, data.sources)
    return out


def _user_supplied(kilns: pd.DataFrame) -> np.ndarray:
    """Kilns a user added: every kiln whose source is not the satellite detections (those are public)."""
    if "source" not in kilns:
        return np.zeros(len(kilns), dtype=bool)
    return (kilns["source"].astype("string").fillna("") != KILN_SOURCE).to_numpy(dtype=bool)


def displace(points: gpd.GeoDataFrame, *, layer: str, ref: Reference, secret: bytes) -> gpd.GeoSeries:
    """Each point moved by a distance and bearing drawn from ``secret`` and its record id, within its district.

    Up to :data:`URBAN_KM` within :data:`TOWN_RADIUS_KM` of a town, else :data:`RURAL_KM`; at least a
    fifth of that, so no point stays where it was. A draw that leaves the district is drawn again (next
    counter); after 50 draws the district's inner point is used.
    """
    if points.empty:
        return points.geometry
    ids = _record_ids(points, layer)
    lon, lat = points.geometry.x.to_numpy(), points.geometry.y.to_numpy()
    urban = _near_town(lon, lat, ref)
    limit = np.where(urban, URBAN_KM, RURAL_KM)
    districts = ref.districts_full.set_index("ADM2_PCODE").geometry
    district = points["district_pcode"].to_numpy() if "district_pcode" in points else np.full(len(points), None)
    out = []
    for i in range(len(points)):
        area = districts.get(district[i]) if district[i] is not None else None
        if area is not None:
            shapely.prepare(area)
        moved = None
        for attempt in range(50):
            u, v = _draws(secret, f"{layer}:{ids[i]}:{attempt}")
            km = limit[i] * (0.2 + 0.8 * u)
            bearing = 2 * math.pi * v
            dlat = km / 111.32 * math.cos(bearing)
            dlon = km / (111.32 * math.cos(math.radians(lat[i]))) * math.sin(bearing)
            candidate = shapely.Point(lon[i] + dlon, lat[i] + dlat)
            if area is None or area.contains(candidate):
                moved = candidate
                break
        out.append(moved if moved is not None else area.representative_point())
    return gpd.GeoSeries(out, index=points.index, crs=points.crs)


def _record_ids(points: pd.DataFrame, layer: str) -> list[str]:
    """The record's id (its contract's id field), else a digest of what it is (name and original place)."""
    id_field = CONTRACTS[layer].id_field
    ids = points[id_field].astype("string").fillna("") if id_field and id_field in points else \
        pd.Series("", index=points.index, dtype="string")
    names = points["name"].astype("string").fillna("") if "name" in points else pd.Series("", index=points.index)
    out = []
    for ident, name, geom in zip(ids, names, points.geometry, strict=True):
        out.append(str(ident) if ident else hashlib.sha256(f"{name}|{geom.x:.6f}|{geom.y:.6f}".encode()).hexdigest())
    return out


def _draws(secret: bytes, key: str) -> tuple[float, float]:
    digest = hmac.new(secret, key.encode("utf-8"), hashlib.sha256).digest()
    a, b = int.from_bytes(digest[:8], "big"), int.from_bytes(digest[8:16], "big")
    return a / 2**64, b / 2**64


def _near_town(lon: np.ndarray, lat: np.ndarray, ref: Reference) -> np.ndarray:
    towns = ref.towns
    if towns is None or towns.empty:
        return np.zeros(len(lon), dtype=bool)
    tlon, tlat = towns.geometry.x.to_numpy(), towns.geometry.y.to_numpy()
    # equirectangular km is exact enough at 5 km
    dx = (lon[:, None] - tlon[None, :]) * 111.32 * np.cos(np.radians(lat))[:, None]
    dy = (lat[:, None] - tlat[None, :]) * 111.32
    return (np.hypot(dx, dy) <= TOWN_RADIUS_KM).any(axis=1)


def server_secret(path: Path | None = None) -> bytes:
    """The secret that seeds displacement: ``BHATTA_SECRET`` (hex or text), else a random one kept in
    ``var/secret`` (created on first use, readable by the owner only)."""
    if value := os.environ.get("BHATTA_SECRET"):
        return value.encode("utf-8")
    from loaders.paths import VAR_DIR

    path = path or Path(VAR_DIR) / "secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(os.urandom(32))
    return path.read_bytes()


def _profile(profile: str) -> str:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: one of {', '.join(PROFILES)}")
    return profile
