"""Area maps of the gap figures: districts, tehsils or H3 hexagons filled by a value, "no data" apart."""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement, Template

from layers.areas import reason_text
from layers.html import esc, js_data
from layers.i18n import translator
from layers.mapview import Attribution, HtmlOverlay, RtlSupport, attribution, font_url

NO_DATA_COLOR = "#d9d9d9"
NO_DATA_PATTERN = "4 3"  # dashed outline as well as grey: "no data" must not read as the palest class
INDEX_BINS = (0, 20, 40, 60, 80, 100.0001)
INDEX_COLORS = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")


class FitOnShow(MacroElement):
    """Fit the areas whenever the map gets a size: a map in a hidden tab starts 0 px wide, and folium's
    one-off fit would leave it showing the whole world. Stops once the reader pans or zooms."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }}, bounds = {{ this.bounds }}, moved = false;
  ['mousedown', 'touchstart', 'wheel', 'keydown'].forEach(function (e) {
    map.getContainer().addEventListener(e, function () { moved = true; });
  });
  function fit() {
    map.invalidateSize(false);
    if (!moved && map.getSize().x > 0) { map.fitBounds(bounds, {animate: false}); }
  }
  window.addEventListener('resize', fit);
  fit();
})();
{% endmacro %}
"""
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitOnShow"
        self.bounds = js_data(bounds)


def classify(values: pd.Series, bins: Sequence[float] = INDEX_BINS) -> np.ndarray:
    """Class number of each value (0 = lowest), ``-1`` where the value is missing."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    classes = np.clip(np.digitize(numbers, bins[1:-1], right=False), 0, len(bins) - 2)
    return np.where(np.isnan(numbers), -1, classes)


def choropleth_map(
    areas: gpd.GeoDataFrame,
    *,
    value: str,
    title: str,
    labels: pd.DataFrame,
    fields: Sequence[tuple[str, str]],
    demo: Sequence[str] = (),
    bins: Sequence[float] = INDEX_BINS,
    colors: Sequence[str] = INDEX_COLORS,
    outline: gpd.GeoDataFrame | None = None,
    asset_base: str = "/app/static/vendor",
    lang: str | None = None,
    urdu_digits: bool = False,
) -> folium.Map:
    """A map of ``areas`` filled by ``value`` in classes, grey and dashed where there is no data.

    Parameters
    ----------
    areas
        Polygons in EPSG:4326 with ``value`` and a ``no_data_reason`` column.
    labels
        Display strings per area (small counts already suppressed, :func:`layers.areas.suppress_small`),
        same index as ``areas``; ``fields`` names the ``(column, label)`` pairs shown in the tooltip.
    demo
        Labels of the demo-data layers behind the figures: flagged on the map.
    outline
        Boundaries drawn over the areas for orientation (the district around its hexagons).
    lang, urdu_digits
        Language of the legend, the no-data reasons, the demo flag and the attribution (default English);
        ``title``, the ``fields`` labels and ``labels`` come from the caller in that language already
        (:func:`layers.areas.suppress_small` takes ``lang``). ``demo`` is translated here.
    """
    tr = translator(lang, urdu_digits=urdu_digits)
    _ = tr.gettext
    direction = "rtl" if tr.rtl else None
    m = folium.Map(location=[28.5, 70.0], zoom_start=6, tiles=None, prefer_canvas=True, control_scale=True)
    m.default_js = [("leaflet", f"{asset_base}/leaflet/leaflet.js")]
    m.default_css = [("leaflet_css", f"{asset_base}/leaflet/leaflet.css")]
    classes = classify(areas[value], bins)
    feats = gpd.GeoDataFrame({"cls": classes}, geometry=areas.geometry.values, crs=areas.crs)
    for column, _label in fields:
        feats[column] = [esc(v) for v in labels[column]]
    feats["reason"] = [esc(reason_text(r, tr.lang)) if r else "" for r in areas["no_data_reason"].fillna("")]

    def style(feature: dict) -> dict:
        cls = feature["properties"]["cls"]
        if cls < 0:
            return {"color": "#777", "weight": 1, "dashArray": NO_DATA_PATTERN, "fillColor": NO_DATA_COLOR,
                    "fillOpacity": 0.6}
        return {"color": "#555", "weight": 0.8, "fillColor": colors[cls], "fillOpacity": 0.8}

    tooltip_fields = [c for c, _label in fields] + ["reason"]
    folium.GeoJson(
        feats, style_function=style,
        tooltip=folium.GeoJsonTooltip(fields=tooltip_fields, aliases=[label for _c, label in fields] + [esc(_("No data"))],
                                      **({"class_name": "foliumtooltip bh-rtl"} if tr.rtl else {})),
    ).add_to(m)
    if outline is not None and len(outline):
        folium.GeoJson(outline[["geometry"]], interactive=False,
                       style_function=lambda _: {"color": "#222", "weight": 2, "fill": False}).add_to(m)
    minx, miny, maxx, maxy = areas.total_bounds
    m.add_child(FitOnShow([[float(miny), float(minx)], [float(maxy), float(maxx)]]))
    legend = [f"<b>{esc(title)}</b>"]
    for i, color in enumerate(colors):
        hi = bins[i + 1] if i + 2 < len(bins) else round(bins[-1])
        span = _("{low} to {high}").format(low=tr.digits(f"{bins[i]:g}"), high=tr.digits(f"{hi:g}"))
        legend.append(f"<span class='bh-sw bh-sq' style='background:{color}'></span>{esc(span)}")
    legend.append(f"<span class='bh-sw bh-sq' style='background:{NO_DATA_COLOR};border-style:dashed'></span>"
                  + esc(_("no data (not zero: an input is missing, or no kilns detected)")))
    legend_word = esc(_("Legend"))
    m.add_child(HtmlOverlay(f"<details open><summary>{legend_word}</summary>" + "<br>".join(legend)
                            + "</details>", "bh-legend", direction=direction))
    if demo:
        listed = ("، " if tr.rtl else ", ").join(_(d) for d in demo)
        m.add_child(HtmlOverlay(esc(_("DEMO DATA behind these figures: {layers} are synthetic").format(layers=listed)),
                                "bh-demo", direction=direction))
    m.add_child(Attribution(attribution(tr.lang), direction=direction))
    if tr.rtl:
        m.add_child(RtlSupport(font_url(asset_base)))
    return m

