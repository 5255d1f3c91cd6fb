"""The map of a view as one HTML file that opens offline in any browser: Leaflet, clustering and data inlined.

An advocate mails it or copies it to a phone; the official opens it with no internet and no app. It is the
app's own map (:func:`layers.mapview.build_map`) drawn from the layers the caller already redacted, with the
points of the view's area only, no online basemap (it could not load offline, and it would tell a tile server
where the reader is looking), and a title box with the area, window, data date, profile and the demo-data
flag. Nothing in it fetches anything: the assets are inlined at build time and the worker that clusters the
points is started from the inlined script's text.
"""

from __future__ import annotations

import base64
import dataclasses
import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd

from layers.catalog import LayerData
from layers.html import esc
from layers.mapview import HtmlOverlay, MapView, build_map
from layers.redact import profile_label
from layers.summary import in_area
from loaders.geo import Reference

VENDOR = Path(__file__).resolve().parent.parent / "dashboard" / "static" / "vendor"
"""Leaflet and Supercluster as the app serves them (dashboard/static/vendor, with their licences)."""
_BASE = "bhatta-inline-assets"
"""A placeholder asset base, replaced by the files' content."""


@dataclasses.dataclass(frozen=True)
class _Assets:
    leaflet_js: str
    leaflet_css: str
    supercluster_js: str


@cache
def _assets() -> _Assets:
    css = (VENDOR / "leaflet" / "leaflet.css").read_text(encoding="utf-8")
    for image in re.findall(r"url\((images/[\w.-]+\.png)\)", css):  # the few icons Leaflet's CSS names
        data = base64.b64encode((VENDOR / "leaflet" / image).read_bytes()).decode("ascii")
        css = css.replace(f"url({image})", f"url(data:image/png;base64,{data})")
    return _Assets((VENDOR / "leaflet" / "leaflet.js").read_text(encoding="utf-8"), css,
                   (VENDOR / "supercluster" / "supercluster.min.js").read_text(encoding="utf-8"))


def area_layers(layers: Mapping[str, LayerData], view: MapView) -> dict[str, LayerData]:
    """Every layer cut to the view's district or province (all of them for both provinces)."""
    if not (view.district or view.province):
        return dict(layers)
    return {name: dataclasses.replace(data, frame=in_area(data.frame, view.district, view.province))
            for name, data in layers.items()}


def standalone_map(
    view: MapView,
    layers: Mapping[str, LayerData],
    ref: Reference,
    *,
    area_name: str,
    gaps: pd.DataFrame | None = None,
    data_date: date | None = None,
    created: date | None = None,
) -> str:
    """The view as a self-contained HTML document (UTF-8 text).

    Parameters
    ----------
    view
        Area, layers, window and profile (``view.profile`` decides what popups may show).
    layers
        :func:`layers.catalog.load_layers`, **already redacted** for ``view.profile`` by the caller.
    ref
        Boundaries and names.
    area_name
        Shown in the title box and the document's title ("Kasur", "Punjab").
    gaps
        :func:`layers.gaps.kiln_gaps` of the kilns: the service-desert marks of ``view.desert``, and each
        kiln's visit status and priority in its popup where the profile shows them (not in ``public``).
    data_date, created
        The day the data describes (default: the window's end) and the day the file is made (default today).
    """
    view = dataclasses.replace(view, basemap="none")
    shown = area_layers(layers, view)
    # the area's kilns only: gaps are indexed like the kilns, so the same rows are kept
    if gaps is not None:
        gaps = gaps.loc[gaps.index.intersection(shown["kilns"].frame.index)]
    m = build_map(view, shown, ref, asset_base=_BASE, gaps=gaps, visit_url=None)
    window = f"{view.window.start.isoformat()} to {view.window.end.isoformat()}"
    as_of, made = data_date or view.window.end, created or date.today()
    m.add_child(HtmlOverlay(
        f"<b>{esc(area_name)}</b> · {esc(window)}<br>Data as of {esc(as_of.isoformat())} · made "
        f"{esc(made.isoformat())} with Bhatta Atlas<br>Profile: {esc(profile_label(view.profile))}", "bh-title"))
    m.get_root().title = f"Bhatta Atlas · {area_name} · {window}"
    return inline_assets(m.get_root().render())


def inline_assets(html: str) -> str:
    """Replace the asset links of a map built with ``asset_base=_BASE`` by the files themselves.

    Supercluster's script keeps an id: the clustering worker is started from its text (a worker cannot
    load a script from a file:// page).
    """
    assets = _assets()
    # a function as the replacement: the scripts' backslashes must not be read as group references
    swaps = (
        (rf'<script src="{_BASE}/leaflet/leaflet.js"></script>', f"<script>{assets.leaflet_js}</script>"),
        (rf'<script src="{_BASE}/supercluster/supercluster.min.js"></script>',
         f'<script id="bh-supercluster">{assets.supercluster_js}</script>'),
        (rf'<link rel="stylesheet" href="{_BASE}/leaflet/leaflet.css"\s*/?>', f"<style>{assets.leaflet_css}</style>"),
    )
    for pattern, replacement in swaps:
        html, n = re.subn(pattern, lambda _, r=replacement: r, html)
        if n != 1:
            raise RuntimeError(f"map document: expected one asset link matching {pattern!r}, found {n}")
    if re.search(rf'(src|href)="{_BASE}', html):
        raise RuntimeError("map document: an asset link was left that cannot be inlined")
    return html
