"""Map snapshots of a view as PNG or PDF, drawn on the server with matplotlib: no browser, no tiles.

Advocates take maps to deputy commissioners and District Vigilance Committee meetings as a PDF or as an
image on a phone. A snapshot is the view's area (a district, a province or both provinces) with district
boundaries, tehsils inside a chosen district, the DVC status fill and the point layers of the view, and
around the map everything that makes it usable as evidence: title, legend with counts, scale bar, north
arrow, the data date and the day it was made, the sources, the redaction profile and, whenever demo data is
on it, a "DEMO DATA" watermark and a line naming the synthetic layers.

The figure is a :class:`matplotlib.figure.Figure` rendered by its own canvas (no pyplot, no global figure
manager), so snapshots can be made from Streamlit's threads. Geometry is drawn in
:data:`loaders.geo.METRIC_CRS` (Albers equal-area), where the scale bar is measured.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache

import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.textpath import TextToPath
from pyproj import Geod, Transformer

from layers import rtl
from layers.catalog import LayerData
from layers.dvc import STATUS_LABELS, STATUS_ORDER, dvc_status
from layers.gaps import SERVICES
from layers.i18n import N_, Translator, has_rtl, translator
from layers.mapview import ATTRIBUTION, DVC_COLORS, LAYER_COLORS, VISIT_AGE_BINS, MapView, display_boundaries
from layers.redact import PROFILE_WORDS, profile_label
from loaders.geo import METRIC_CRS, WGS84, Reference

# Text in a PDF stays text (TrueType embedded, not Type 3 glyph drawings) so pdftotext and screen readers
# read it. Set once for the process rather than per call: an rc_context would race between threads.
matplotlib.rcParams["pdf.fonttype"] = 42
# Names, ids and file names are drawn as they are: "$...$" in one must not be read as mathematics (an
# unparsable formula, e.g. in an imported file's name, would fail every snapshot and brief).
matplotlib.rcParams["text.parse_math"] = False

PROFILES = PROFILE_WORDS
"""What each redaction profile of :mod:`layers.redact` leaves out, printed on every snapshot (its words avoid
dashes, and text is set without ligatures, so the PDF embeds one copy of its font)."""

KILN_CAVEAT = N_("Kilns are satellite detections (they undercount; not detected is not zero).")
DEMO_WATERMARK = N_("DEMO DATA")
FORMATS = ("png", "pdf")
POINT_ORDER = ("schools", "health", "ngo", "inspections", "deserts", "kilns")
"""Drawing order, bottom to top: the many schools below, the kilns (the subject) on top."""
LEGEND_ORDER = ("kilns", "deserts", "inspections", "schools", "health", "ngo")
MARKERS = {"kilns": "o", "deserts": "o", "inspections": "o", "schools": "s", "health": "P", "ngo": "D"}
"""A shape per layer as well as a colour: maps are photocopied in black and white."""
SCALE_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
OVERVIEW_KM = 250.0
"""A map wider than this (on the ground) draws points as small dots: a province, both provinces."""
A4_IN = (210 / 25.4, 297 / 25.4)
NO_LIGATURES = ("-liga", "-clig")

_GEOD = Geod(ellps="WGS84")
_TEXT_PATH = TextToPath()


@dataclass(frozen=True)
class Page:
    """Size of the sheet and of its type, in inches and points."""

    width_in: float
    height_in: float | None
    """``None``: the sheet grows to fit the map (the PNG); the PDF is A4."""
    margin_in: float
    title_pt: float
    body_pt: float
    small_pt: float
    label_pt: float


PNG_PAGE = Page(6.0, None, 0.22, 15.0, 9.5, 7.5, 7.0)
"""At 1,080 px wide (180 dpi): body text 24 px, the smallest text (place names) 17 px."""
PDF_PAGE = Page(*A4_IN, 0.45, 16.0, 10.0, 8.0, 7.0)


@dataclass
class DrawnPoints:
    """One point layer as drawn: projected coordinates, colours and its legend entry."""

    name: str
    label: str
    x: np.ndarray
    y: np.ndarray
    colors: str | list[str]
    synthetic: bool
    sub: list[tuple[str, str, int]] = field(default_factory=list)
    """Legend lines under the layer's own (label, colour, count): the visit-age classes of inspections."""

    @property
    def count(self) -> int:
        return len(self.x)


@dataclass
class Plan:
    """What a snapshot shows, worked out before anything is drawn (tests read it too)."""

    area: str
    """``""`` (both provinces), a province (``PK6``/``PK7``) or a district P-code."""
    area_name: str
    bbox: tuple[float, float, float, float]
    """Extent in METRIC_CRS metres (minx, miny, maxx, maxy): the area's bounds padded; points outside it
    are not drawn. The map shows at least this box (more where the frame's shape asks for it)."""
    points: list[DrawnPoints]
    dvc: pd.DataFrame | None
    """``district_pcode``, ``status`` per district when the view shows the DVC fill."""
    dvc_synthetic: bool
    synthetic_layers: list[str]
    """Labels of the shown layers that hold synthetic rows, sorted."""
    sources: list[tuple[str, str]]
    """(layer labels, source) for every source of a shown layer, identical sources merged."""


# ----------------------------------------------------------------------------------------------- geometry


@dataclass(frozen=True)
class _Shapes:
    """Boundaries projected to METRIC_CRS as matplotlib paths, computed once per reference."""

    codes: np.ndarray
    names: dict[str, str]
    province_of: dict[str, str]
    fine: dict[str, Path]
    """Each district at display resolution (a district's own map)."""
    coarse: dict[str, Path]
    """Each district simplified further (a province or both; shared borders kept shared)."""
    bounds: dict[str, tuple[float, float, float, float]]
    label_at: dict[str, tuple[float, float]]
    provinces: dict[str, Path]
    province_names: dict[str, str]
    province_bounds: dict[str, tuple[float, float, float, float]]
    province_label_at: dict[str, tuple[float, float]]
    tehsils: dict[str, list[tuple[str, list[np.ndarray], tuple[float, float]]]]
    """Per district: (tehsil name, boundary lines, label point)."""
    tehsil_codes: dict[str, list[str]]
    """Per district: the P-codes of :attr:`tehsils`, in the same order (their names in another language)."""
    population: dict[str, float]
    """2023 census population per district: the more populous district is named first where names collide."""
    areas: dict[str, shapely.Geometry]
    """Each district, province and both (``""``) as projected geometry (where the map's furniture goes)."""


def _path(geom: shapely.Geometry) -> Path:
    """A (multi)polygon as one compound path: exterior and holes, each ring closed."""
    verts, codes = [], []
    for polygon in getattr(geom, "geoms", [geom]):
        for ring in [polygon.exterior, *polygon.interiors]:
            xy = shapely.get_coordinates(ring)
            if len(xy) < 3:
                continue
            c = np.full(len(xy), Path.LINETO, dtype=np.uint8)
            c[0], c[-1] = Path.MOVETO, Path.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    if not verts:
        return Path(np.zeros((0, 2)))
    return Path(np.concatenate(verts), np.concatenate(codes))


def _without_specks(geom: shapely.Geometry, min_m2: float = 5e6, close_m: float = 1500.0) -> shapely.Geometry:
    """A province for its bold outline: creeks narrower than about ``2 * close_m`` closed, parts and holes
    under ``min_m2`` left out (the Indus delta's creeks and islets would be inked as one blob)."""
    geom = shapely.simplify(shapely.buffer(shapely.buffer(geom, close_m), -close_m), 300.0)
    parts = []
    for polygon in getattr(geom, "geoms", [geom]):
        if polygon.area >= min_m2:
            holes = [r for r in polygon.interiors if shapely.Polygon(r).area >= min_m2]
            parts.append(shapely.Polygon(polygon.exterior, holes))
    return shapely.MultiPolygon(parts) if parts else geom


def _lines(geom: shapely.Geometry) -> list[np.ndarray]:
    return [shapely.get_coordinates(g) for g in getattr(geom, "geoms", [geom]) if not g.is_empty]


@cache
def _shapes(ref: Reference) -> _Shapes:
    """Projected boundary paths of ``ref`` (cached per loaded reference; about 0.3 s the first time)."""
    fine = ref.districts.to_crs(METRIC_CRS)
    provinces, coarse = display_boundaries(ref)
    coarse, provinces = coarse.to_crs(METRIC_CRS), provinces.to_crs(METRIC_CRS)
    codes = fine["ADM2_PCODE"].to_numpy(dtype=object)
    label_points = shapely.point_on_surface(fine.geometry.values)
    tehsils = ref.tehsils.to_crs(METRIC_CRS)
    tehsil_lines: dict[str, list] = {}
    tehsil_codes: dict[str, list[str]] = {}
    for district, code, name, geom in zip(tehsils["ADM2_PCODE"], tehsils["ADM3_PCODE"], tehsils["ADM3_EN"],
                                          tehsils.geometry.values, strict=True):
        at = shapely.point_on_surface(geom)
        tehsil_lines.setdefault(district, []).append((str(name), _lines(shapely.boundary(geom)), (at.x, at.y)))
        tehsil_codes.setdefault(district, []).append(str(code))
    province_points = shapely.point_on_surface(provinces.geometry.values)
    return _Shapes(
        codes=codes,
        names=dict(zip(fine["ADM2_PCODE"], fine["ADM2_EN"], strict=True)),
        province_of=dict(zip(fine["ADM2_PCODE"], fine["ADM1_PCODE"], strict=True)),
        fine={c: _path(g) for c, g in zip(codes, fine.geometry.values, strict=True)},
        coarse={c: _path(g) for c, g in zip(coarse["ADM2_PCODE"], coarse.geometry.values, strict=True)},
        bounds={c: tuple(b) for c, b in zip(codes, shapely.bounds(fine.geometry.values), strict=True)},
        label_at={c: (p.x, p.y) for c, p in zip(codes, label_points, strict=True)},
        provinces={c: _path(_without_specks(g)) for c, g in zip(provinces["ADM1_PCODE"], provinces.geometry.values,
                                                                 strict=True)},
        province_names=dict(zip(provinces["ADM1_PCODE"], provinces["ADM1_EN"], strict=True)),
        province_bounds={c: tuple(b) for c, b in zip(provinces["ADM1_PCODE"],
                                                     shapely.bounds(provinces.geometry.values), strict=True)},
        province_label_at={c: (p.x, p.y) for c, p in zip(provinces["ADM1_PCODE"], province_points, strict=True)},
        tehsils=tehsil_lines,
        tehsil_codes=tehsil_codes,
        population=dict(zip(codes, pd.to_numeric(fine["pop_total_2023"], errors="coerce").fillna(0.0), strict=True))
        if "pop_total_2023" in fine else {c: 0.0 for c in codes},
        areas={**dict(zip(codes, fine.geometry.values, strict=True)),
               **dict(zip(provinces["ADM1_PCODE"], provinces.geometry.values, strict=True)),
               "": shapely.union_all(provinces.geometry.values)},
    )


@cache
def _transformer(inverse: bool = False) -> Transformer:
    source, target = (METRIC_CRS, WGS84) if inverse else (WGS84, METRIC_CRS)
    return Transformer.from_crs(source, target, always_xy=True)


def _project(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(lon) == 0:
        return np.zeros(0), np.zeros(0)
    x, y = _transformer().transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)


# ----------------------------------------------------------------------------------------------- what is shown


PROVINCE_NAMES = (N_("Punjab"), N_("Sindh"))
"""The provinces' English names (COD-AB ``ADM1_EN``) as catalogue keys: their Urdu names come from there."""


def _tr(view: MapView) -> Translator:
    return translator(view.lang, urdu_digits=view.urdu_digits)


def area_of(view: MapView, ref: Reference) -> tuple[str, str]:
    """The view's area code (district, else province, else ``""``) and its name for a title, in the view's
    language."""
    shapes = _shapes(ref)
    tr = _tr(view)
    _ = tr.gettext
    if view.district:
        if view.district not in shapes.names:
            raise ValueError(f"unknown district P-code {view.district!r}")
        province = _(str(shapes.province_names.get(shapes.province_of[view.district], "")))
        return view.district, _("{district} District ({province})").format(
            district=tr.place(view.district, shapes.names[view.district]), province=province)
    if view.province:
        if view.province not in shapes.province_names:
            raise ValueError(f"unknown province P-code {view.province!r} (known: {sorted(shapes.province_names)})")
        return view.province, _(str(shapes.province_names[view.province]))
    first, second = (_(str(shapes.province_names[p])) for p in sorted(shapes.province_names))
    return "", _("{first} and {second}").format(first=first, second=second)


def _area_bbox(area: str, ref: Reference) -> tuple[float, float, float, float]:
    """The area's bounds in metres, padded by 4% and at least 12 km across."""
    shapes = _shapes(ref)
    if area in shapes.bounds:
        b = shapes.bounds[area]
    elif area in shapes.province_bounds:
        b = shapes.province_bounds[area]
    else:
        arr = np.array(list(shapes.province_bounds.values()))
        b = (arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max())
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    half_w = max((b[2] - b[0]) / 2, 6000.0) * 1.04
    half_h = max((b[3] - b[1]) / 2, 6000.0) * 1.04
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def _in_area(frame: pd.DataFrame, area: str) -> np.ndarray:
    """Rows of the area by ``district_pcode`` (as the district panel counts them); all rows without one."""
    if not area or "district_pcode" not in frame:
        return np.ones(len(frame), dtype=bool)
    codes = frame["district_pcode"].astype(object).fillna("").astype(str)
    return (codes == area).to_numpy() if len(area) > 3 else codes.str.startswith(area).to_numpy()


def _located(frame: pd.DataFrame, area: str, bbox: tuple[float, float, float, float]) -> tuple[np.ndarray, ...]:
    """Projected x, y of the area's rows with a point inside ``bbox``, and the mask of those rows."""
    n = len(frame)
    keep = _in_area(frame, area)
    geoms = frame.geometry.to_numpy() if hasattr(frame, "geometry") else np.full(n, None)
    has_point = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms)) if n else np.zeros(0, dtype=bool)
    keep = keep & has_point
    lon = shapely.get_x(geoms[keep]) if keep.any() else np.zeros(0)
    lat = shapely.get_y(geoms[keep]) if keep.any() else np.zeros(0)
    x, y = _project(lon, lat)
    inside = (x >= bbox[0]) & (x <= bbox[2]) & (y >= bbox[1]) & (y <= bbox[3]) & np.isfinite(x) & np.isfinite(y)
    mask = np.zeros(n, dtype=bool)
    mask[np.flatnonzero(keep)[inside]] = True
    return x[inside], y[inside], mask


def profile_line(profile: str, lang: str = "en") -> str:
    """The line naming the redaction profile, e.g. "Profile: official (no personal fields)"."""
    return translator(lang).gettext("Profile: {label}").format(label=profile_label(profile, lang=lang))


def _count_text(n: int, profile: str, tr: Translator) -> str:
    """A count as printed: the public profile shows 1 to 4 as "< 5" (small numbers can point at people)."""
    return tr.digits("< 5") if profile == "public" and 0 < n < 5 else tr.num(n)


def _demo_tag(synthetic: bool, tr: Translator) -> str:
    return " [" + tr.gettext("DEMO") + "]" if synthetic else ""


def plan(view: MapView, layers: Mapping[str, LayerData], ref: Reference, *, profile: str = "internal",
         gaps: pd.DataFrame | None = None) -> Plan:
    """What a snapshot of ``view`` draws: the area, its extent, the points of each shown layer inside it.

    Points are those of the area (by their ``district_pcode``, as the app counts them; every point for
    both provinces) inside the area's padded bounds. Legend counts are the numbers of points drawn.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; one of {', '.join(PROFILES)}")
    area, area_name = area_of(view, ref)
    tr = _tr(view)
    _ = tr.gettext
    bbox = _area_bbox(area, ref)
    shown = [name for name in LEGEND_ORDER if name in view.layers and name in layers]
    points: list[DrawnPoints] = []
    for name in shown:
        data = layers[name]
        frame = data.frame
        if name == "inspections" and profile == "public":  # the profile removes them: not "0 visits"
            points.append(DrawnPoints(name, _("{layer}: individual visits not shown (public profile)").format(
                layer=_(data.label)), np.zeros(0), np.zeros(0), LAYER_COLORS[name], data.synthetic))
            continue
        if name == "inspections":
            points.append(_visits(data, view, area, bbox, profile))
            continue
        x, y, _mask = _located(frame, area, bbox)
        count = _("none detected") if name == "kilns" and not len(x) else _count_text(len(x), profile, tr)
        points.append(DrawnPoints(name, f"{_(data.label)} ({count}){_demo_tag(data.synthetic, tr)}",
                                  x, y, LAYER_COLORS[name], data.synthetic))
    if view.desert and gaps is not None:
        spec = next((s for s in SERVICES if s.key == view.desert), None)
        column = f"desert_{view.desert}"
        if spec is not None and column in gaps:
            deserts = gaps[gaps[column].fillna(False).to_numpy(dtype=bool)]
            x, y, _mask = _located(deserts, area, bbox)
            synthetic = spec.layer in layers and layers[spec.layer].synthetic
            label = _("Kiln with no {service} within reach ({count})").format(
                service=_(spec.label), count=_count_text(len(x), profile, tr))
            points.insert(1 if points and points[0].name == "kilns" else 0, DrawnPoints(
                "deserts", label + _demo_tag(synthetic, tr), x, y, LAYER_COLORS["deserts"], synthetic))
    dvc = None
    dvc_synthetic = False
    if "dvcs" in view.layers and "dvcs" in layers:
        dvc = dvc_status(layers["dvcs"].frame, pd.Series(_shapes(ref).codes), as_of=view.window.end)
        dvc_synthetic = layers["dvcs"].synthetic
        shown.append("dvcs")
    service_layers = [s.layer for s in SERVICES if s.key == view.desert and any(p.name == "deserts" for p in points)]
    involved = [n for n in dict.fromkeys([*shown, *service_layers]) if n in layers]
    synthetic_layers = sorted({_(layers[n].label) for n in involved if layers[n].synthetic})
    by_source: dict[str, list[str]] = {}
    for name in involved:
        for source in layers[name].sources:
            by_source.setdefault(_(source), []).append(_(layers[name].label))
    sources = [(", ".join(labels), source.removeprefix(f"{labels[0]}: ") if len(labels) == 1 else source)
               for source, labels in by_source.items()]
    return Plan(area, area_name, bbox, points, dvc, dvc_synthetic, synthetic_layers, sources)


def _visits(data: LayerData, view: MapView, area: str, bbox: tuple[float, float, float, float],
            profile: str) -> DrawnPoints:
    """Latest visit per kiln within the window, coloured by how long before the window's end (as on the map)."""
    v = data.frame
    if "visit_date" in v:
        v = v[view.window.contains(pd.to_datetime(v["visit_date"], errors="coerce")).to_numpy()]
        own = v.index.astype(str).to_series(index=v.index)
        key = v["kiln_id"].astype(object).where(v["kiln_id"].notna(), own) if "kiln_id" in v else own
        v = v.assign(_key=key.astype(str), _date=pd.to_datetime(v["visit_date"], errors="coerce"))
        v = v.sort_values(["_key", "_date"], kind="stable").drop_duplicates("_key", keep="last")
        days = (pd.Timestamp(view.window.end) - v["_date"]).dt.days
    else:  # a profile that keeps no dates: one colour
        days = pd.Series(np.nan, index=v.index)
    x, y, mask = _located(v, area, bbox)
    days = days.to_numpy(dtype=float)[mask]
    bounds = np.array([b for b, _, _ in VISIT_AGE_BINS], dtype=float)
    classes = np.minimum(np.searchsorted(bounds, np.nan_to_num(days, nan=1e9), side="left"), len(bounds) - 1)
    colors = [VISIT_AGE_BINS[c][2] for c in classes]
    tr = _tr(view)
    sub = [(tr.gettext(label), color, int((classes == i).sum()))
           for i, (_days, label, color) in enumerate(VISIT_AGE_BINS)]
    label = tr.gettext("{layer}: latest per kiln in window ({count} kilns)").format(
        layer=tr.gettext(data.label), count=_count_text(len(x), profile, tr)) + _demo_tag(data.synthetic, tr)
    return DrawnPoints("inspections", label, x, y, colors, data.synthetic,
                       [(f"{lab} ({_count_text(n, profile, tr)})", c, n) for lab, c, n in sub])


# ----------------------------------------------------------------------------------------------- drawing helpers


def scale_bar_km(ground_width_km: float, *, fraction: float = 0.25) -> int:
    """The longest round length (1, 2, 5 × 10^k km, at least 1) not over ``fraction`` of the map's width."""
    target = ground_width_km * fraction
    fitting = [s for s in SCALE_STEPS if s <= target]
    return fitting[-1] if fitting else SCALE_STEPS[0]


def _ground_scale(x: float, y: float) -> float:
    """Map metres per ground metre along the parallel through (x, y): Albers is not true to scale off its
    standard parallels (within about 1% in Punjab and Sindh, but measured rather than assumed)."""
    lon, lat = _transformer(inverse=True).transform(x, y)
    (x0, x1), (y0, y1) = _transformer().transform([lon - 0.25, lon + 0.25], [lat, lat])
    _, _, ground = _GEOD.inv(lon - 0.25, lat, lon + 0.25, lat)
    return math.hypot(x1 - x0, y1 - y0) / ground


def _north_angle(x: float, y: float) -> float:
    """Direction of true north at (x, y) on the map, in degrees counter-clockwise from straight up."""
    lon, lat = _transformer(inverse=True).transform(x, y)
    (nx,), (ny,) = _transformer().transform([lon], [lat + 0.05])
    return math.degrees(math.atan2(-(nx - x), ny - y))


@lru_cache(maxsize=8192)
def _word_width(word: str, weight: str, lang: str = "en") -> float:
    """Width of ``word`` set at 100 pt in ``lang``'s font, in points (cached: measuring costs about a
    millisecond). Urdu is measured shaped: joined letters are narrower than the same letters apart."""
    font = rtl.font(lang, size=100, weight=weight) if lang != "en" or has_rtl(word) else \
        FontProperties(size=100, weight=weight)
    width, _, _ = _TEXT_PATH.get_text_width_height_descent(word, font, ismath=False)
    return float(width)


def _wrap(text: str, size: float, width_px: float, dpi: float, weight: str = "normal", lang: str = "en") -> str:
    """``text`` broken at spaces into lines no wider than ``width_px`` (at ``dpi``); a 3% margin covers kerning.

    Urdu is broken on its logical (typed) order: each line is then laid out right to left on its own."""
    mixed = lang == "en" and has_rtl(text)  # an Urdu name on an English sheet: its line is set in the Urdu font,

    def width(word: str) -> float:  # the others in the default one, so take the wider of the two
        if not mixed:
            return _word_width(word, weight, lang)
        urdu = _word_width(word, weight, "ur")
        return urdu if has_rtl(word) else max(urdu, _word_width(word, weight, "en"))

    scale = size / 100 * dpi / 72 * 1.03
    space = width("a b") - width("ab")
    out: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for word in paragraph.split(" "):
            w = width(word)
            if line and (used + space + w) * scale > width_px:
                out.append(" ".join(line))
                line, used = [word], w
            else:
                used += (space if line else 0.0) + w
                line.append(word)
        out.append(" ".join(line))
    return "\n".join(out)


LINE_SPACING = 1.25
URDU_SPACING = 1.2
"""Urdu lines are set this much further apart: Naskh's dots and descenders reach further than Latin letters."""


def _line_step(size: float, rtl: bool) -> float:
    """Distance between two lines of text in inches."""
    return size * LINE_SPACING * (URDU_SPACING if rtl else 1.0) / 72
BOX_PAD_IN = 0.07


@dataclass
class _Block:
    """Lines of text above or below the map, each line a Text of its own.

    Single lines keep their font features in the PDF (matplotlib passes none for multi-line text, and a
    ligature then costs a second embedded copy of the font).
    """

    lines: list[str]
    size: float
    weight: str
    color: str
    box: bool = False
    rtl: bool = False
    """Right-aligned (an Urdu sheet)."""

    @property
    def height_in(self) -> float:
        return len(self.lines) * self._step + (2 * BOX_PAD_IN if self.box else 0.0)

    @property
    def _step(self) -> float:
        return _line_step(self.size, self.rtl or any(has_rtl(line) for line in self.lines))

    def place(self, fig: Figure, x: float, top: float, width: float) -> float:
        """Draw the lines from ``top`` down (inches from the sheet's bottom left); returns the bottom."""
        bottom = top - self.height_in
        pad = BOX_PAD_IN if self.box else 0.0
        if self.box:
            fig.add_artist(Rectangle((x, bottom), width, self.height_in, transform=fig.dpi_scale_trans,
                                     facecolor="#fff3cd", edgecolor="#b7791f", linewidth=1.2))
        step = self._step
        for i, line in enumerate(self.lines):
            fig.text(x + width - pad if self.rtl else x + pad, top - pad - i * step - 0.1 * self.size / 72, line,
                     transform=fig.dpi_scale_trans, fontsize=self.size, fontweight=self.weight, color=self.color,
                     va="top", ha="right" if self.rtl else "left")
        return bottom


# ----------------------------------------------------------------------------------------------- the figure


def snapshot_figure(
    view: MapView,
    layers: Mapping[str, LayerData],
    ref: Reference,
    *,
    fmt: str = "png",
    profile: str = "internal",
    title: str | None = None,
    data_date: date | None = None,
    created: date | None = None,
    width_px: int = 1080,
    gaps: pd.DataFrame | None = None,
) -> Figure:
    """The snapshot as a matplotlib Figure (its own Agg canvas attached): see :func:`snapshot`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    p = plan(view, layers, ref, profile=profile, gaps=gaps)
    shapes = _shapes(ref)
    tr = _tr(view)
    _ = tr.gettext
    lang = tr.lang
    page = PNG_PAGE if fmt == "png" else PDF_PAGE
    dpi = width_px / page.width_in if fmt == "png" else 150.0
    fig = Figure(figsize=(page.width_in, page.height_in or 10.0), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)  # the figure's own canvas: nothing global (pyplot) is involved
    inner_px = (page.width_in - 2 * page.margin_in) * dpi
    margin = page.margin_in
    gap = 0.08

    title = title or _("{area} · {start} to {end}").format(area=p.area_name, start=_day(view.window.start, tr),
                                                          end=_day(view.window.end, tr))
    fig.set_label(title)  # the PDF's Title
    as_of = data_date or view.window.end
    made = created or date.today()

    def block(text: str, size: float, weight: str = "normal", color: str = "#222222", box: bool = False,
              width: float = inner_px, title: bool = False) -> _Block:
        lines = _wrap(text, size, width, dpi, weight, lang).split("\n")
        if title and len(lines) > 1 and " · " in text:  # break at the dot first: area, then dates
            parts = text.split(" · ", 1)
            lines = [line for part in parts for line in _wrap(part, size, width, dpi, weight, lang).split("\n")]
        return _Block(lines, size, weight, color, box, rtl=tr.rtl)

    header = [block(title, page.title_pt, "bold", "#111111", title=True),
              block(_("Data as of {data_date} · Snapshot made {made}").format(
                  data_date=_day(as_of, tr), made=_day(made, tr)), page.body_pt),
              block(profile_line(profile, lang), page.body_pt, "normal" if profile == "internal" else "bold",
                    "#7a4b00" if profile == "internal" else "#1f3d7a")]
    if p.synthetic_layers:
        demo = _("{demo_data} on this map: synthetic, generated for demonstration (not real kilns, visits, "
                 "committees or services): {layers}.").format(demo_data=_(DEMO_WATERMARK),
                                                              layers=_(", ").join(p.synthetic_layers))
        header.append(block(demo, page.body_pt, "bold", "#7a4b00", box=True, width=inner_px - 2 * BOX_PAD_IN * dpi))
    footer = [block(_(KILN_CAVEAT), page.body_pt, color="#111111"),
              block(_("Sources: {sources}").format(sources=" · ".join(f"{labels}: {source}"
                                                                      for labels, source in p.sources)),
                    page.small_pt, color="#333333"),
              block(_("Map: {attribution} · Drawn by Bhatta Atlas").format(attribution=_(ATTRIBUTION)),
                    page.small_pt, color="#333333")]

    legend = _legend(p, tr)  # point layers first (on the left; on the right in Urdu), then the DVC fill
    legend_h = _legend_layout(legend, page.body_pt, inner_px, dpi, lang)

    header_h = sum(b.height_in for b in header) + gap * (len(header) - 1)
    footer_h = sum(b.height_in for b in footer) + gap * (len(footer) - 1)
    map_w = page.width_in - 2 * margin
    box_w, box_h = p.bbox[2] - p.bbox[0], p.bbox[3] - p.bbox[1]
    fixed = 2 * margin + header_h + footer_h + legend_h + 6 * gap
    if page.height_in is None:  # the PNG grows with the area's shape, from landscape 5:4 to portrait 4:5
        map_h = map_w * min(max(box_h / box_w, 0.8), 1.25)
        height = fixed + map_h
    else:
        height = page.height_in
        map_h = height - fixed
    fig.set_size_inches(page.width_in, height)

    y = height - margin  # inches from the bottom of the sheet, walking down
    for b in header:
        y = b.place(fig, margin, y, map_w) - gap
    map_top = y - gap
    ax = fig.add_axes((margin / page.width_in, (map_top - map_h) / height, map_w / page.width_in, map_h / height))
    y = map_top - map_h - gap
    _place_legend(fig, legend, margin, y, map_w, page.body_pt, rtl=tr.rtl)
    y -= legend_h + 2 * gap
    for b in footer:
        y = b.place(fig, margin, y, map_w) - gap

    _draw_map(ax, p, shapes, page, map_w, map_h, tr)
    for text in fig.findobj(Text):
        # no ligatures (matplotlib 3.11 shapes text with HarfBuzz; earlier versions set none): "fi" as one glyph
        # sits beyond the font's first 256 glyphs and the PDF would embed a second copy of the font for it
        # (0.15 s); pdftotext also reads plain letters back more reliably
        if hasattr(text, "set_fontfeatures"):
            text.set_fontfeatures(NO_LIGATURES)
    rtl.urdu_texts(fig, lang=lang)  # Urdu (a whole Urdu sheet, or an Urdu name on an English one) in Noto Naskh
    return fig


def _day(day: date, tr: Translator) -> str:
    """A date on a sheet: ISO in English (as every English export), the language's own form otherwise."""
    return day.isoformat() if not tr.rtl else tr.date(day)


@dataclass
class _Entry:
    """A legend line: its swatch (``marker``, ``ring``, ``patch`` or none) and its wrapped text."""

    text: str
    swatch: str = ""
    color: str = ""
    marker: str = "o"
    bold: bool = False
    gid: str | None = None
    lines: list[str] = field(default_factory=list)


def _legend(p: Plan, tr: Translator) -> list[list[_Entry]]:
    """Legend columns: the point layers (with the visit-age classes) and, beside them, the DVC fill."""
    left: list[_Entry] = []
    for pts in sorted(p.points, key=lambda q: LEGEND_ORDER.index(q.name)):
        if pts.sub:
            left.append(_Entry(pts.label, bold=True, gid=f"legend:{pts.name}"))
            left += [_Entry(label, "marker", color) for label, color, _ in pts.sub]
            continue
        swatch = "" if pts.name == "inspections" else "ring" if pts.name == "deserts" else "marker"
        left.append(_Entry(pts.label, swatch, str(pts.colors), MARKERS[pts.name], gid=f"legend:{pts.name}"))
    right: list[_Entry] = []
    if p.dvc is not None:
        area_rows = p.dvc[_in_area(p.dvc, p.area)]
        counts = area_rows["status"].value_counts()
        heading = tr.ngettext("District fill: DVC status ({n} district)", "District fill: DVC status ({n} districts)",
                              len(area_rows)).format(n=tr.num(len(area_rows)))
        right.append(_Entry(heading + _demo_tag(p.dvc_synthetic, tr), bold=True, gid="legend:dvcs"))
        right += [_Entry(f"{tr.gettext(STATUS_LABELS[s])} ({tr.num(int(counts.get(s, 0)))})", "patch", DVC_COLORS[s])
                  for s in STATUS_ORDER]
    return [c for c in (left, right) if c]


def _legend_layout(columns: list[list[_Entry]], size: float, inner_px: float, dpi: float, lang: str = "en") -> float:
    """Wrap every entry to its column; returns the height of the tallest column in inches."""
    col_px = inner_px / len(columns) - 2.6 * size * dpi / 72 if columns else inner_px
    for column in columns:
        for e in column:
            e.lines = _wrap(e.text, size, col_px, dpi, "bold" if e.bold else "normal", lang).split("\n")
    return max((_column_height(c, size, lang != "en") for c in columns), default=0.0)


def _column_height(column: list[_Entry], size: float, rtl: bool = False) -> float:
    return sum(len(e.lines) for e in column) * _line_step(size, rtl) + (len(column) - 1) * size * 0.3 / 72


def _place_legend(fig: Figure, columns: list[list[_Entry]], x: float, top: float, width: float,
                  size: float, rtl: bool = False) -> None:
    """Swatches and single-line texts (they keep their font features in a PDF, see :class:`_Block`).

    Right to left (Urdu) the legend is mirrored: the first column on the right, each swatch right of its text."""
    step, gap, indent = _line_step(size, rtl), size * 0.3 / 72, 1.7 * size / 72
    col_w = width / len(columns) if columns else width
    for i, column in enumerate(columns):
        cx, y = x + i * col_w, top
        if rtl:  # mirror: swatches at x' = 2 * cx + col_w - x, texts end where they began
            cx = x + width - (i + 1) * col_w
        for e in column:
            middle = y - step / 2
            if e.swatch == "patch":
                side = 0.8 * size / 72
                left = cx + col_w - 0.1 * size / 72 - 1.1 * side if rtl else cx + 0.1 * size / 72
                fig.add_artist(Rectangle((left, middle - side / 2), 1.1 * side, side,
                                         transform=fig.dpi_scale_trans, facecolor=e.color, edgecolor="#555555",
                                         linewidth=0.6, alpha=0.85))
            elif e.swatch:
                ring = e.swatch == "ring"
                fig.add_artist(Line2D([cx + col_w - 0.6 * size / 72 if rtl else cx + 0.6 * size / 72], [middle],
                                      transform=fig.dpi_scale_trans,
                                      linestyle="none", marker=e.marker, markersize=size * 0.8,
                                      markerfacecolor="none" if ring else e.color,
                                      markeredgecolor=e.color if ring else "#333333",
                                      markeredgewidth=1.4 if ring else 0.5))
            shift = indent if e.swatch or not e.bold else 0.0
            for j, line in enumerate(e.lines):
                fig.text(cx + col_w - shift if rtl else cx + shift, y - j * step - 0.1 * size / 72, line,
                         transform=fig.dpi_scale_trans, fontsize=size, va="top", ha="right" if rtl else "left",
                         color="#111111", fontweight="bold" if e.bold else "normal", gid=e.gid)
            y -= len(e.lines) * step + gap


def _draw_map(ax, p: Plan, shapes: _Shapes, page: Page, map_w: float, map_h: float, tr: Translator) -> None:
    """Boundaries, fill, points, labels, scale bar, north arrow and the demo watermark on ``ax``."""
    minx, miny, maxx, maxy = p.bbox
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_w, half_h = (maxx - minx) / 2, (maxy - miny) / 2
    if half_w / half_h < map_w / map_h:  # widen or heighten the box to the frame: one scale both ways
        half_w = half_h * map_w / map_h
    else:
        half_h = half_w * map_h / map_w
    xlim, ylim = (cx - half_w, cx + half_w), (cy - half_h, cy + half_h)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("auto")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#f4f6f8")
    for spine in ax.spines.values():
        spine.set_edgecolor("#666666")
        spine.set_linewidth(0.8)

    m_per_pt = 2 * half_w / (map_w * 72)  # map metres per typographic point
    ground_km = 2 * half_w / _ground_scale(cx, cy) / 1000
    overview = ground_km > OVERVIEW_KM
    district_view = len(p.area) > 3
    geoms = shapes.fine if district_view else shapes.coarse

    visible = [c for c in shapes.codes if _overlaps(shapes.bounds[c], xlim, ylim)]
    in_area = set(c for c in visible if not p.area or c == p.area or (len(p.area) == 3 and c.startswith(p.area)))
    status = p.dvc.set_index("district_pcode")["status"] if p.dvc is not None else None
    faces = []
    for c in visible:
        if status is not None:
            faces.append(matplotlib.colors.to_rgba(DVC_COLORS[status.get(c, "unknown")], 0.42 if c in in_area else 0.2))
        else:
            faces.append((1, 1, 1, 1) if c in in_area else (0.9, 0.9, 0.9, 1))
    ax.add_collection(PathCollection([geoms[c] for c in visible], facecolors=faces, edgecolors="#8a8a8a",
                                     linewidths=0.5, zorder=1))
    if district_view:
        lines = [seg for _, segs, _ in shapes.tehsils.get(p.area, []) for seg in segs]
        ax.add_collection(LineCollection(lines, colors="#555555", linewidths=0.7, linestyles=(0, (4, 3)), zorder=2))
    province_lines = [shapes.provinces[c] for c in shapes.provinces]
    ax.add_collection(PathCollection(province_lines, facecolors="none", edgecolors="#555555", linewidths=1.1,
                                     zorder=2))
    outline = [geoms[p.area]] if district_view else \
        [shapes.provinces[c] for c in shapes.provinces if not p.area or c == p.area]
    ax.add_collection(PathCollection(outline, facecolors="none", edgecolors="#111111", linewidths=2.2, zorder=8))

    for pts in sorted(p.points, key=lambda q: POINT_ORDER.index(q.name)):
        _draw_points(ax, pts, overview, m_per_pt, z=3 + POINT_ORDER.index(pts.name))

    area_geom = shapes.areas[p.area]
    furniture = [_scale_bar(ax, xlim, ylim, cx, cy, ground_km, page, area_geom, tr),
                 _north_arrow(ax, xlim, ylim, cx, cy, page, area_geom, tr)]

    placed: list[tuple[float, float, float, float]] = []

    def label(x: float, y: float, name: str, size: float, color: str, weight: str = "normal") -> None:
        """A name at (x, y) unless it would leave the map or overlap the furniture or a name already there."""
        w, h = 0.62 * size * len(name) * m_per_pt / 2 + 2 * m_per_pt, 0.75 * size * m_per_pt
        fx0, fx1 = (x - w - xlim[0]) / (2 * half_w), (x + w - xlim[0]) / (2 * half_w)
        fy0, fy1 = (y - h - ylim[0]) / (2 * half_h), (y + h - ylim[0]) / (2 * half_h)
        if fx0 < 0.01 or fx1 > 0.99 or fy0 < 0.01 or fy1 > 0.99:
            return
        if any(fx0 < b[2] and fx1 > b[0] and fy0 < b[3] + 0.02 and fy1 > b[1] for b in furniture):
            return
        if any(x - w < q[2] and x + w > q[0] and y - h < q[3] and y + h > q[1] for q in placed):
            return
        placed.append((x - w, y - h, x + w, y + h))
        _text(ax, x, y, name, size=size, color=color, weight=weight)

    def by_size(codes: Sequence[str]) -> list[str]:  # where names collide the more populous district wins
        return sorted(codes, key=lambda c: (-shapes.population[c], c))

    if district_view:
        for (name, _segs, (x, y)), code in zip(shapes.tehsils.get(p.area, []), shapes.tehsil_codes.get(p.area, []),
                                               strict=True):
            label(x, y, tr.place(code, name), page.label_pt, "#222222")
        for c in by_size([c for c in visible if c != p.area]):
            label(*shapes.label_at[c], tr.place(c, shapes.names[c]), page.label_pt, "#666666")
    elif p.area:  # a province: the names of its districts where they fit
        for c in by_size(list(in_area)):
            label(*shapes.label_at[c], tr.place(c, shapes.names[c]), page.label_pt, "#222222")
    else:
        for c, (x, y) in shapes.province_label_at.items():
            label(x, y, tr.gettext(str(shapes.province_names[c])).upper(), page.body_pt * 1.3, "#333333", "bold")

    if p.synthetic_layers:
        angle = math.degrees(math.atan2(map_h, map_w))
        watermark = tr.gettext(DEMO_WATERMARK)
        size = 100 * 0.62 * math.hypot(map_w, map_h) * 72 / _word_width(watermark, "bold", tr.lang)
        common = dict(transform=ax.transAxes, rotation=angle, rotation_mode="anchor", ha="center", va="center",
                      fontsize=size, fontweight="bold", zorder=20)
        # a darker outline (drawn as a path) stays visible over dense points and any fill; the light fill on
        # top is real text, so a PDF reader finds the words
        ax.text(0.5, 0.5, watermark, color=(0, 0, 0, 0), **common,
                path_effects=[patheffects.Stroke(linewidth=1.6, foreground=(0.55, 0.1, 0.05, 0.5))])
        ax.text(0.5, 0.5, watermark, color=(0.75, 0.22, 0.17, 0.14), gid="watermark", **common)


def _text(ax, x: float, y: float, s: str, *, size: float, color: str, weight: str = "normal", **kw) -> None:
    """A label over a white halo. The halo is a path effect (a path in a PDF) drawn by an artist of its own,
    so the label itself stays real text that a PDF reader can find."""
    gid = kw.pop("gid", None)
    common = dict(fontsize=size, fontweight=weight, ha=kw.pop("ha", "center"), va=kw.pop("va", "center"),
                  zorder=kw.pop("zorder", 9), clip_on=True, **kw)
    ax.text(x, y, s, color="white", path_effects=[patheffects.Stroke(linewidth=2.5, foreground="white")], **common)
    ax.text(x, y, s, color=color, gid=gid, **common)


def _overlaps(b: tuple[float, float, float, float], xlim: tuple[float, float], ylim: tuple[float, float]) -> bool:
    return b[0] <= xlim[1] and b[2] >= xlim[0] and b[1] <= ylim[1] and b[3] >= ylim[0]


def _marker_template(marker: str, sides: int = 12) -> np.ndarray:
    """A closed polygon for a marker, about as large as a circle of radius 1 (the last vertex closes it).

    A circle is a polygon of ``sides`` sides: 12 look round at a district's marker size, 6 are plenty for the
    1-point dots of an overview (and halve what the PDF stores and compresses)."""
    if marker == "s":
        ring = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1)], dtype=float) * 0.87
    elif marker == "D":
        ring = np.array([(0, -1), (1, 0), (0, 1), (-1, 0)], dtype=float) * 1.15
    elif marker == "P":
        a, b = 0.36, 1.05
        ring = np.array([(-a, -b), (a, -b), (a, -a), (b, -a), (b, a), (a, a), (a, b), (-a, b), (-a, a), (-b, a),
                         (-b, -a), (-a, -a)], dtype=float)
    else:
        t = np.linspace(0, 2 * np.pi, sides + 1)[:-1]
        ring = np.column_stack([np.cos(t), np.sin(t)])
    return np.vstack([ring, ring[:1]])


def _markers(x: np.ndarray, y: np.ndarray, marker: str, radius: float, sides: int = 12) -> Path:
    """Every point as one marker polygon of one compound path (``radius`` in data units).

    One path per layer and colour, not a scatter: matplotlib's PDF backend writes a scatter's markers one by
    one in Python (about 0.1 ms each, 4 s for the 40,000 points of both provinces) while a path's vertices
    are converted in C. The PNG gets the same shapes.
    """
    ring = _marker_template(marker, sides)
    verts = (np.column_stack([x, y])[:, None, :] + ring[None, :, :] * radius).reshape(-1, 2)
    codes = np.full(len(ring), Path.LINETO, dtype=np.uint8)
    codes[0], codes[-1] = Path.MOVETO, Path.CLOSEPOLY
    return Path(verts, np.tile(codes, len(x)))


def _draw_points(ax, pts: DrawnPoints, overview: bool, m_per_pt: float, z: int) -> None:
    """A layer as one collection: small dots on an overview, larger outlined marks in a district."""
    if not pts.count:
        return
    size = {"kilns": 3.4, "deserts": 7.5, "inspections": 7.0, "schools": 3.2, "health": 4.6, "ngo": 5.2}[pts.name]
    if overview:
        size = {"kilns": 1.4, "deserts": 3.5, "inspections": 3.0, "schools": 1.1, "health": 2.0, "ngo": 3.0}[pts.name]
    radius = size / 2 * m_per_pt
    ring = pts.name == "deserts"
    colors = np.asarray([pts.colors] * pts.count if isinstance(pts.colors, str) else pts.colors, dtype=object)
    order = list(dict.fromkeys(colors.tolist()))
    sides = 6 if overview else 12
    paths = [_markers(pts.x[colors == c], pts.y[colors == c], MARKERS[pts.name], radius, sides) for c in order]
    bare = overview and pts.name != "inspections"
    alpha = 0.55 if overview and pts.name == "schools" else 0.92
    collection = PathCollection(
        paths, facecolors="none" if ring else [matplotlib.colors.to_rgba(c, alpha) for c in order],
        edgecolors=order if ring else ("none" if bare else "#222222"),
        linewidths=1.4 if ring else (0.0 if bare else 0.35), zorder=z)
    collection.set_gid(f"points:{pts.name}")
    ax.add_collection(collection, autolim=False)


def _emptier(area: shapely.Geometry, xlim, ylim, boxes: Sequence[tuple[float, float, float, float]]) -> int:
    """Index of the box (in axes fractions) that covers the least of the area: where the furniture goes."""
    width, height = xlim[1] - xlim[0], ylim[1] - ylim[0]
    covered = [shapely.intersection(shapely.box(xlim[0] + b[0] * width, ylim[0] + b[1] * height,
                                                xlim[0] + b[2] * width, ylim[0] + b[3] * height), area).area
               for b in boxes]
    return int(np.argmin(np.round(covered, -3)))  # ties (nothing covered) go to the first


def _scale_bar(ax, xlim, ylim, cx: float, cy: float, ground_km: float, page: Page,
               area: shapely.Geometry, tr: Translator) -> tuple[float, float, float, float]:
    """A two-part bar of a round number of km, true at the map's centre latitude, in the emptier bottom corner.

    Returns the box it takes, in axes fractions."""
    km = scale_bar_km(ground_km)
    length = km * 1000 * _ground_scale(cx, cy)
    width, height = xlim[1] - xlim[0], ylim[1] - ylim[0]
    span = length / width + 0.06
    left = _emptier(area, xlim, ylim, [(0.02, 0.02, 0.02 + span, 0.11), (0.96 - span, 0.02, 0.98, 0.11)]) == 0
    x0 = xlim[0] + (0.04 * width if left else 0.94 * width - length)
    y0, bar_h = ylim[0] + 0.04 * height, 0.011 * height
    for x, color in ((x0, "#111111"), (x0 + length / 2, "white")):
        ax.add_patch(Rectangle((x, y0), length / 2, bar_h, facecolor=color, edgecolor="#111111", lw=0.8, zorder=16,
                               gid="scale-bar"))
    for x, text in ((x0, tr.num(0)), (x0 + length, tr.gettext("{km} km").format(km=tr.num(km)))):
        _text(ax, x, y0 + bar_h * 1.8, text, size=page.small_pt, color="#111111", va="bottom", zorder=17,
              gid="scale-bar" if x != x0 else None)
    left_edge = (x0 - xlim[0]) / width
    return left_edge, 0.02, left_edge + length / width, 0.11


def _north_arrow(ax, xlim, ylim, cx: float, cy: float, page: Page,
                 area: shapely.Geometry, tr: Translator) -> tuple[float, float, float, float]:
    """An arrow to true north (Albers turns it a little off vertical away from 71°E), in the emptier top corner.

    Returns the box it takes, in axes fractions."""
    angle = math.radians(_north_angle(cx, cy))
    length = 2.6 * page.body_pt  # points
    dx, dy = -math.sin(angle) * length, math.cos(angle) * length
    right = _emptier(area, xlim, ylim, [(0.88, 0.78, 0.99, 0.99), (0.01, 0.78, 0.12, 0.99)]) == 0
    tip = (0.94 if right else 0.06, 0.90)
    ax.annotate("", xy=tip, xycoords="axes fraction", xytext=(-dx, -dy), textcoords="offset points",
                arrowprops=dict(arrowstyle="-|>,head_width=0.45,head_length=0.9", color="#111111", lw=1.6,
                                shrinkA=0, shrinkB=0), zorder=17)
    ax.annotate(tr.gettext("N"), xy=tip, xycoords="axes fraction", xytext=(dx * 0.25, dy * 0.25 + 0.45 * page.body_pt),
                textcoords="offset points", ha="center", va="bottom", fontsize=page.body_pt * 1.1,
                fontweight="bold", zorder=17)
    return (0.88, 0.78, 0.99, 0.99) if right else (0.01, 0.78, 0.12, 0.99)


def snapshot(
    view: MapView,
    layers: Mapping[str, LayerData],
    ref: Reference,
    *,
    fmt: str = "png",
    profile: str = "internal",
    title: str | None = None,
    data_date: date | None = None,
    created: date | None = None,
    width_px: int = 1080,
    gaps: pd.DataFrame | None = None,
) -> bytes:
    """A map of ``view`` as PNG or PDF bytes, ready to download or to share from a phone.

    Parameters
    ----------
    view
        Area (district, else province, else both provinces), layers and date window.
    layers
        The layers of :func:`layers.catalog.load_layers`, **already redacted** for ``profile`` by the
        caller: this draws what it is given.
    ref
        The reference data (boundaries, names).
    fmt
        ``"png"``: ``width_px`` wide, as tall as the area's shape asks (portrait for most areas).
        ``"pdf"``: one A4 portrait page, vector, its text real text.
    profile
        A key of :data:`PROFILES`, printed on the map with what it leaves out. ``"public"`` also prints
        legend counts of 1 to 4 as "< 5".
    title
        Defaults to "<area> · <window start> to <window end>".
    data_date
        The day the data describes ("Data as of"); defaults to the window's end.
    created
        The day the snapshot is made (defaults to today): pass it for byte-identical output.
    width_px
        Width of the PNG in pixels (ignored for the PDF).
    gaps
        :func:`layers.gaps.kiln_gaps` of the kilns: with ``view.desert`` set, the service-desert kilns are
        ringed as on the map.

    Returns
    -------
    The file's bytes. Output is deterministic given the arguments (``created`` included).
    """
    fig = snapshot_figure(view, layers, ref, fmt=fmt, profile=profile, title=title, data_date=data_date,
                          created=created, width_px=width_px, gaps=gaps)
    buffer = io.BytesIO()
    if fmt == "png":
        fig.savefig(buffer, format="png", dpi=fig.dpi, metadata={"Software": "Bhatta Atlas"},
                    pil_kwargs={"compress_level": 4})
    else:
        rtl.save_pdf(fig, buffer, metadata={"Title": fig.get_label(), "Creator": "Bhatta Atlas",
                                            "Producer": "Bhatta Atlas (matplotlib)", "CreationDate": None})
    return buffer.getvalue()


def snapshot_name(view: MapView, ref: Reference, fmt: str) -> str:
    """A file name for the snapshot: ``bhatta-<area>-<window end>.<fmt>``."""
    area, _ = area_of(view, ref)
    return f"bhatta-{area or 'punjab-sindh'}-{view.window.end.isoformat()}.{fmt}"


__all__ = ("KILN_CAVEAT", "PROFILES", "DrawnPoints", "Plan", "area_of", "plan", "profile_line", "scale_bar_km",
           "snapshot", "snapshot_figure", "snapshot_name")
