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
from layers.i18n import N_, URDU_FONT, has_rtl, translator
from layers.mapview import HtmlOverlay, MapView, RtlSupport, build_map, font_url
from layers.redact import profile_label
from layers.summary import in_area
from loaders.geo import Reference

VENDOR = Path(__file__).resolve().parent.parent / "dashboard" / "static" / "vendor"
"""Leaflet and Supercluster as the app serves them (dashboard/static/vendor, with their licences)."""
_BASE = "bhatta-inline-assets"
"""A placeholder asset base, replaced by the files' content."""
AREA_NAMES = (N_("Punjab"), N_("Sindh"), N_("Punjab and Sindh"))
"""The ``area_name`` of a province's or both provinces' view, as callers pass it: translated as a whole."""


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
    """The view as a self-contained HTML document (UTF-8 text), in the view's language (``view.lang``).

    In Urdu, or when any text in it is in Arabic script (an uploaded Urdu name), the document carries the
    Noto Naskh Arabic font itself (about 270 KB as base64, used for Arabic script only): it is opened
    offline, where no font can be fetched. An Urdu document is ``<html lang="ur" dir="rtl">`` with its
    title box, legend and popups right to left and the map itself left to right.

    Parameters
    ----------
    view
        Area, layers, window and profile (``view.profile`` decides what popups may show).
    layers
        :func:`layers.catalog.load_layers`, **already redacted** for ``view.profile`` by the caller.
    ref
        Boundaries and names.
    area_name
        Shown in the title box and the document's title ("Kasur", "Punjab"), in English: an Urdu document
        shows the Urdu name of the view's district or province (:meth:`layers.i18n.Translator.place`).
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
    tr = translator(view.lang, urdu_digits=view.urdu_digits)
    _ = tr.gettext

    def day(d: date) -> str:
        return d.isoformat() if tr.lang == "en" else tr.date(d)

    # a district's Urdu name from the place names; a province's, or both, from the catalogue
    area = tr.place(view.district, area_name) if view.district else _(area_name)
    window = _("{start} to {end}").format(start=day(view.window.start), end=day(view.window.end))
    as_of, made = data_date or view.window.end, created or date.today()
    title = (f"<b>{esc(area)}</b> · {esc(window)}<br>"
             + esc(_("Data as of {date} · made {made} with Bhatta Atlas").format(date=day(as_of), made=day(made)))
             + "<br>" + esc(_("Profile: {profile}").format(
                 profile=profile_label(view.profile, tr.lang, urdu_digits=tr.urdu_digits))))
    m.add_child(HtmlOverlay(title, "bh-title", direction="rtl" if tr.rtl else None))
    if has_rtl(title) and not any(isinstance(c, RtlSupport) for c in m._children.values()):
        m.add_child(RtlSupport(font_url(_BASE), container_ltr=tr.rtl))
    m.get_root().title = f"Bhatta Atlas · {area} · {window}"
    html = m.get_root().render()
    if tr.rtl:  # the page reads right to left; the map keeps Leaflet's left to right
        html = html.replace("<html>", f'<html lang="{tr.lang}" dir="rtl">', 1)
        html = re.sub(r'<div class="folium-map" id="(\w+)"', r'<div class="folium-map" dir="ltr" id="\1"', html,
                      count=1)
    return inline_assets(html)


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
    font = f'url("{font_url(_BASE)}")'
    if font in html:  # Urdu text: the font itself, as the browser cannot fetch it from a file
        html = html.replace(font, f'url("data:font/ttf;base64,{_font_base64()}")')
    if re.search(rf'(src|href)="{_BASE}|url\("?{_BASE}', html):
        raise RuntimeError("map document: an asset link was left that cannot be inlined")
    return html


@cache
def _font_base64() -> str:
    """The bundled Noto Naskh Arabic (layers/fonts, SIL OFL) as base64: about 266 KB."""
    return base64.b64encode(URDU_FONT.read_bytes()).decode("ascii")
