"""The one map builder: boundaries, DVC fill and the point layers as a folium map with small payload."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement, Template

from layers.catalog import LayerData
from layers.dvc import STATUS_LABELS, dvc_status
from layers.gaps import PRIORITY_COMPONENTS, SERVICES, VISIT_STATUS_WORDS
from layers.html import esc, js_data
from layers.i18n import N_, URDU_FONT, Translator, has_rtl, translator
from layers.summary import Window, last_visits
from loaders.geo import Reference

ATTRIBUTION_TEXT = N_("Boundaries: {boundaries}; tehsils via {tehsils} · Brick kilns: {kilns} · "
                      "Population: {population} · Towns: {towns}")
"""The wording around the sources (translated); the sources' names stay as they are."""
ATTRIBUTION_SOURCES = {
    "boundaries": "OCHA/WFP COD-AB Pakistan 2022, CC BY-IGO",
    "tehsils": "pkmapr (A. Umer)",
    "kilns": "Hamdani et al. 2025, Scientific Data 12:830 (APAD), CC BY 4.0",
    "population": "PBS Census 2023",
    "towns": "GeoNames, CC BY 4.0",
}
ATTRIBUTION = ATTRIBUTION_TEXT.format(**ATTRIBUTION_SOURCES)
"""The sources in English (:func:`attribution` gives them in a language)."""


def attribution(lang: str | None = None) -> str:
    """:data:`ATTRIBUTION` in ``lang``: the wording translated around the sources' fixed names."""
    return translator(lang)(ATTRIBUTION_TEXT).format(**ATTRIBUTION_SOURCES)


LAYER_COLORS = {
    "kilns": "#b3361b",
    "deserts": "#111111",
    "inspections": "#1a9850",
    "schools": "#2b6cb0",
    "health": "#7b2cbf",
    "ngo": "#d69e2e",
}
DVC_COLORS = {"active": "#41ab5d", "dormant": "#fdae61", "not_notified": "#d7191c", "unknown": "#bdbdbd"}
VISIT_AGE_BINS = (  # (upper bound in days, label, colour): evidence of a visit, greener is more recent
    (183, N_("visited within 6 months"), "#1a9850"),
    (365, N_("6 to 12 months ago"), "#a6d96a"),
    (730, N_("1 to 2 years ago"), "#fdae61"),
    (100_000, N_("more than 2 years ago"), "#d73027"),
)
LAYER_LABELS = (N_("Brick kilns"), N_("Inspection visits"), N_("District Vigilance Committees"), N_("Schools"),
                N_("Health units"), N_("NGO services"))
"""The layers' labels (:data:`loaders.contracts.CONTRACTS`), marked here for the legend, which translates them."""
VALUE_WORDS: dict[str, dict[str, str]] = {
    # popup values that are the contracts' own categories (as shown: "_" as a space), in words to translate;
    # a value not listed (anything a user typed) is shown as it is
    "yes_no": {"yes": N_("yes"), "no": N_("no")},
    "kiln_type": {"Fixed Chimney Bull's Trench Kiln": N_("Fixed Chimney Bull's Trench Kiln"),
                  "Zig-zag kiln": N_("Zig-zag kiln"), "other": N_("other kiln type")},
    "level": {"primary": N_("primary"), "middle": N_("middle"), "high": N_("high"),
              "higher secondary": N_("higher secondary")},
    "gender": {"girls": N_("girls"), "boys": N_("boys"), "mixed": N_("mixed")},
    "management": {"public": N_("government"), "private": N_("private"), "non formal": N_("non-formal")},
    "facility_type": {"dispensary": N_("dispensary"), "hospital": N_("hospital")},
    "service_type": {"non formal school": N_("non-formal school"), "mobile health camp": N_("mobile health camp"),
                     "legal aid": N_("legal aid"), "cnic registration": N_("CNIC registration"),
                     "social protection": N_("social protection")},
    "action_taken": {"none": N_("no action"), "advice": N_("advice"), "children enrolled": N_("children enrolled"),
                     "fir registered": N_("FIR registered"), "workers released": N_("workers released"),
                     "referred": N_("referred")},
}
"""English popups show the values as they are; other languages show these translations (BHU, RHC, FCBK... stay)."""

BASEMAP_TILES = {  # online basemaps, each with the attribution its provider requires
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors", 19),
    "satellite": (
        "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
        "Imagery © Esri — Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community",
        18,
    ),
}
COORD_SCALE = 100_000  # coordinates sent as integers of 1e-5 degree (about 1 m)
DETAIL_LIMIT = 50_000
"""Above this many points in a layer, per-point text (names, ids) is left out of the map: the 100k-kiln
scale-up would send megabytes of ids. Below it every name travels; compressed on the wire it is cheap."""


@dataclass(frozen=True)
class MapView:
    """What the map shows: area, layers, date window, basemap."""

    window: Window
    layers: frozenset[str] = frozenset({"kilns", "inspections", "dvcs", "schools", "health", "ngo"})
    district: str | None = None
    province: str | None = None
    basemap: str = "none"
    desert: str = ""
    """A service of :data:`layers.gaps.SERVICES` whose desert kilns are marked (needs the gaps table)."""
    profile: str = "internal"
    """The redaction profile the layers were redacted with (layers.redact): ``public`` shows no per-kiln
    visit or finding in the kilns' popups."""
    lang: str = "en"
    """Language of the legend, popups and tooltips (:data:`layers.i18n.LANGUAGES`)."""
    urdu_digits: bool = False


@dataclass
class PopupField:
    label: str
    values: Sequence[object]


@dataclass
class PointLayer:
    """Points of one layer, ready for the browser: coordinates, colours and popup fields."""

    name: str
    title: str
    lat: np.ndarray
    lon: np.ndarray
    colors: Sequence[str]
    popup: list[PopupField] = field(default_factory=list)
    cluster: bool = True
    radius: int = 5
    note: str = ""
    link: tuple[str, str, int] | None = None
    """(label, URL prefix, popup field): a link in the popup to the prefix + that field's value, opened in a
    new tab (Streamlit's iframe sandbox forbids navigating the app's own window), e.g. a kiln's "Record a visit"
    page. Nothing is linked where the field is blank."""


def _column(values: Sequence[object]) -> dict:
    """Escaped strings, as a lookup table plus indexes when values repeat (most categorical fields).

    Values are factorised first so each distinct value is escaped once.
    """
    codes, uniques = pd.factorize(pd.Series(list(values), dtype=object), use_na_sentinel=False)
    texts = [esc(u) for u in uniques]
    if len(texts) <= max(1, len(codes) // 2):
        return {"k": texts, "i": codes.tolist()}
    return _words([texts[c] for c in codes])


def _words(texts: list[str]) -> dict:
    """Mostly-unique texts (names) as word indexes into a vocabulary sorted by frequency.

    "Govt. Girls Primary School ..." repeats its words across thousands of names, so short indexes replace
    them; ``" ".join`` of the split restores each escaped text exactly. Kept only when it is smaller.
    """
    split = [t.split(" ") for t in texts]
    counts = pd.Series([w for words in split for w in words], dtype=object).value_counts(sort=True)
    vocabulary = counts.index.to_numpy(dtype=object).tolist()  # plain list: iterating Arrow strings is slow
    rank = {w: i for i, w in enumerate(vocabulary)}
    encoded = {"w": vocabulary, "x": [[rank[w] for w in words] for words in split]}
    plain = {"v": texts}
    return encoded if len(js_data(encoded)) < 0.8 * len(js_data(plain)) else plain


COMBINE_MAX_VALUES = 64


def _combine_categories(payload: dict, n: int) -> None:
    """Merge the index arrays of small categorical columns into one array of value combinations.

    Level, gender, management, colour and source of 30k schools are a handful of combinations: one index
    per point instead of one per column roughly halves what the popups cost in the payload.
    """
    columns = [payload["colors"]] + [f["c"] for f in payload["fields"]]
    small = [c for c in columns if "k" in c and len(c["k"]) <= COMBINE_MAX_VALUES]
    if len(small) < 2 or n == 0:
        return
    rows = np.column_stack([np.asarray(c["i"], dtype=np.int64) for c in small])
    combos, index = np.unique(rows, axis=0, return_inverse=True)
    payload["combo"] = {"k": combos.tolist(), "i": index.ravel().tolist()}
    for position, column in enumerate(small):
        del column["i"]
        column["p"] = position


class PointRuntime(MacroElement):
    """Clustering shared by every point layer: Supercluster runs in a Web Worker, off the page's thread.

    The map document lives in a same-origin iframe, so its JavaScript shares one thread with the Streamlit
    page around it: indexing 30k schools there would hold up the first kiln and the sidebar alike. The worker
    indexes the layers in the order they arrive (kilns first) and answers "clusters in this box at this
    zoom" with a packed array. Where workers are unavailable (a map file opened from disk, a locked-down
    browser) the same code runs on the page.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  // points in a pane of their own above the boundaries: a highlighted district brought to the front
  // must not cover the kilns in it (on a canvas the top shape takes the click)
  map.createPane('bhPoints').style.zIndex = 450;
  // runs inside the worker (or on the page as the fallback): one Supercluster index per layer
  function clusterHost() {
    var indexes = {};
    return function (msg) {
      if (msg.op === 'load') {
        var n = msg.lon.length, features = new Array(n);
        for (var i = 0; i < n; i++) {
          features[i] = {type: 'Feature', properties: {i: i}, geometry: {type: 'Point', coordinates: [msg.lon[i], msg.lat[i]]}};
        }
        indexes[msg.layer] = new Supercluster({radius: 70, maxZoom: 14, minPoints: 2}).load(features);
        return {op: 'loaded', layer: msg.layer};
      }
      var index = indexes[msg.layer], found = index.getClusters(msg.bbox, msg.zoom);
      var out = new Float64Array(found.length * 4);  // lon, lat, count (0: one point), expansion zoom or point
      for (var k = 0; k < found.length; k++) {
        var c = found[k], p = c.properties;
        out[4 * k] = c.geometry.coordinates[0]; out[4 * k + 1] = c.geometry.coordinates[1];
        out[4 * k + 2] = p.cluster ? p.point_count : 0;
        out[4 * k + 3] = p.cluster ? index.getClusterExpansionZoom(p.cluster_id) : p.i;
      }
      return {op: 'clusters', layer: msg.layer, seq: msg.seq, items: out};
    };
  }
  var layers = {}, send, waiting = [];
  function drawn() {
    // stamped at the frame that paints it: when the map shows the first layer (and each area change)
    var area = map._bhArea;
    requestAnimationFrame(function () { map._bhDrawn = {area: area, at: performance.timeOrigin + performance.now()}; });
    if (!waiting) { return; }
    var run = waiting; waiting = null;  // the first layer is on screen: now the others, after that frame
    requestAnimationFrame(function () { run.forEach(function (build) { setTimeout(build, 0); }); });
  }
  function receive(reply) {
    var layer = layers[reply.layer];
    if (reply.op === 'loaded') { layer.ready = true; request(layer); }
    else if (reply.seq === layer.seq) { layer.draw(reply.items); if (layer.first) { drawn(); } }
  }
  function request(layer) {
    if (!layer.ready) { return; }
    var b = map.getBounds(), pad = 0.2 * (b.getEast() - b.getWest());
    layer.seq += 1;
    send({op: 'get', layer: layer.name, seq: layer.seq, zoom: Math.floor(map.getZoom()),
          bbox: [b.getWest() - pad, b.getSouth() - pad, b.getEast() + pad, b.getNorth() + pad]});
  }
  function onPage() {
    var host = clusterHost();
    return function (msg) { setTimeout(function () { receive(host(msg)); }, 0); };
  }
  var sent = [];
  try {
    // a standalone file inlines Supercluster (layers.map_export): the worker starts from that script's text
    var inlined = document.getElementById('bh-supercluster');
    var source = (inlined ? inlined.textContent :
      'importScripts(' + JSON.stringify(new URL({{ this.supercluster_url }}, document.baseURI).href) + ');') +
      'var host = (' + clusterHost.toString() + ')();' +
      'onmessage = function (e) { var r = host(e.data); postMessage(r, r.items ? [r.items.buffer] : []); };';
    var worker = new Worker(URL.createObjectURL(new Blob([source], {type: 'text/javascript'})));
    worker.onmessage = function (e) { receive(e.data); };
    send = function (msg) { if (msg.op === 'load') { sent.push(msg); } worker.postMessage(msg); };
    worker.onerror = function () {  // the worker could not start (no script from a file): index on the page
      send = onPage();
      sent.forEach(send);
    };
  } catch (e) {
    send = onPage();
  }
  map.on('moveend', function () { for (var name in layers) { request(layers[name]); } });
  map._bhPoints = {
    drawn: drawn,
    later: function (build) { if (waiting) { waiting.push(build); } else { setTimeout(build, 0); } },
    add: function (name, lon, lat, draw) {
      layers[name] = {name: name, draw: draw, ready: false, seq: 0, first: waiting !== null && !Object.keys(layers).length};
      send({op: 'load', layer: name, lon: lon, lat: lat});
    }
  };
})();
{% endmacro %}
"""
    )

    def __init__(self, asset_base: str) -> None:
        super().__init__()
        self._name = "PointRuntime"
        self.supercluster_url = js_data(f"{asset_base}/supercluster/supercluster.min.js")


class PointCloud(MacroElement):
    """Many points as canvas circle markers, clustered by :class:`PointRuntime`, popups built on click.

    Every string was escaped server-side (:func:`layers.html.esc`); the data is embedded with
    :func:`layers.html.js_data`, so nothing from a file can run as script.
    """

    _template = Template(
        """
{% macro html(this, kwargs) %}
{% if this.data_url %}<link rel="preload" as="fetch" crossorigin="anonymous" id="bh-src-{{ this.layer_name }}" href="{{ this.data_url }}">
{% else %}<script type="application/json" id="bh-data-{{ this.layer_name }}">{{ this.payload }}</script>{% endif %}
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  // data as JSON, not a JS literal: JSON.parse is several times faster than parsing the same script.
  // A layer drawn after the first comes as a file of its own, fetched while the first is drawn.
  var src = document.getElementById('bh-src-{{ this.layer_name }}');
  var data = src ? fetch(src.href).then(function (r) { return r.json(); }) : null;
  function build(d) {
  var n = d.lat.length, scale = {{ this.scale }};
  var lat = new Float64Array(n), lon = new Float64Array(n), y = 0, x = 0;
  for (var k = 0; k < n; k++) { y += d.lat[k]; x += d.lon[k]; lat[k] = y / scale; lon[k] = x / scale; }  // undo the delta coding
  function val(c, i) {
    if (c.v) { return c.v[i]; }
    if (c.x) { return c.x[i].map(function (w) { return c.w[w]; }).join(' '); }
    return c.k[c.p === undefined ? c.i[i] : d.combo.k[d.combo.i[i]][c.p]];
  }
  function popup(layer) {
    var i = layer.options.bi, html = '<div class="bh-popup"{% if this.direction %} dir="{{ this.direction }}"{% endif %}><b>' + d.title + '</b>';
    for (var f = 0; f < d.fields.length; f++) {
      var v = val(d.fields[f].c, i);
      if (v !== '') { html += '<br><span class="bh-k">' + d.fields[f].label + ':</span> ' + v; }
    }
    html += (d.note ? '<br><i class="bh-note">' + d.note + '</i>' : '') + '</div>';
    var id = d.link ? val(d.fields[d.link.f].c, i) : '';
    if (id === '') { return html; }
    var box = document.createElement('div'), a = document.createElement('a'), t = document.createElement('textarea');
    box.innerHTML = html;
    t.innerHTML = d.link.href; a.href = t.value;  // escaped text: decoded, then the id encoded for the URL
    t.innerHTML = id; a.href += encodeURIComponent(t.value);
    t.innerHTML = d.link.label; a.textContent = t.value;
    a.target = '_blank'; a.rel = 'noopener'; a.className = 'bh-link';  // the app's iframe may not navigate the top
    box.firstChild.appendChild(a);
    return box;
  }
  function point(i) {
    return L.circleMarker([lat[i], lon[i]], {
      radius: d.radius, weight: 1, color: '#333', fillColor: val(d.colors, i), fillOpacity: 0.85, bi: i, pane: 'bhPoints'
    }).bindPopup(popup);
  }
  var group = L.layerGroup().addTo(map);
  map._bhLayers = map._bhLayers || {};
  map._bhLayers[d.name] = n;
  if (!d.cluster) {
    for (var i = 0; i < n; i++) { group.addLayer(point(i)); }
    map._bhPoints.drawn();
    return;
  }
  function icon(count) {
    var s = count < 100 ? 28 : (count < 1000 ? 34 : 40);
    return L.divIcon({html: '<div style="background:' + d.color + ';width:' + s + 'px;height:' + s + 'px;line-height:' +
      s + 'px">' + {% if this.urdu_digits %}String(count).replace(/[0-9]/g, function (c) { return '۰۱۲۳۴۵۶۷۸۹'[c]; }){% else %}count{% endif %} + '</div>', className: 'bh-cluster bh-cluster-' + d.name, iconSize: L.point(s, s)});
  }
  function expand(marker, zoom) {
    marker.on('click', function () { map.setView(marker.getLatLng(), Math.min(zoom, 18)); });
    return marker;
  }
  map._bhPoints.add(d.name, lon, lat, function (items) {
    group.clearLayers();
    for (var k = 0; k < items.length; k += 4) {
      if (items[k + 2] === 0) { group.addLayer(point(items[k + 3])); continue; }
      group.addLayer(expand(L.marker([items[k + 1], items[k]], {icon: icon(items[k + 2])}), items[k + 3]));
    }
  });
  }
  // kilns first; the other layers once the first is drawn
  function inline() { return JSON.parse(document.getElementById('bh-data-{{ this.layer_name }}').textContent); }
  if ({{ this.first }}) { build(inline()); }
  else { map._bhPoints.later(function () { if (data) { data.then(build); } else { build(inline()); } }); }
})();
{% endmacro %}
"""
    )

    def __init__(self, layer: PointLayer, *, first: bool = False, data_base: str | None = None,
                 direction: str | None = None, urdu_digits: bool = False) -> None:
        super().__init__()
        self._name = f"PointCloud_{layer.name}"
        self.layer_name = layer.name
        self.direction = "rtl" if direction == "rtl" else None
        """``rtl``: each popup's box reads right to left (Urdu); the map itself never does."""
        self.urdu_digits = urdu_digits
        self.scale = COORD_SCALE
        self.first = "true" if first else "false"
        payload = {
            "name": layer.name,
            "title": esc(layer.title),
            "note": esc(layer.note),
            "color": esc(LAYER_COLORS.get(layer.name, "#555")),
            "cluster": layer.cluster,
            "radius": layer.radius,
            # successive differences: records of one place follow each other, so steps are short numbers
            "lat": np.diff(np.round(np.asarray(layer.lat) * COORD_SCALE).astype(np.int64), prepend=0).tolist(),
            "lon": np.diff(np.round(np.asarray(layer.lon) * COORD_SCALE).astype(np.int64), prepend=0).tolist(),
            "colors": _column(layer.colors),
            "fields": [{"label": esc(f.label), "c": _column(f.values)} for f in layer.popup],
        }
        if layer.link is not None:
            label, prefix, field_index = layer.link
            payload["link"] = {"label": esc(label), "href": esc(prefix), "f": field_index}
        _combine_categories(payload, len(layer.lat))
        self.payload = js_data(payload)
        self.data_file = self.data_url = None
        if data_base is not None and not first:  # the map's server writes the file (see data_files)
            self.data_file = f"{hashlib.sha256(self.payload.encode()).hexdigest()[:32]}.json"
            self.data_url = f"{data_base}/{self.data_file}"


class HtmlOverlay(MacroElement):
    """A fixed box on the map (legend, demo-data flag) whose HTML was built from escaped parts."""

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>
.bh-box{position:absolute;z-index:1000;background:rgba(255,255,255,.93);padding:6px 9px;border-radius:6px;
 font:12px/1.35 system-ui,sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.35);max-width:300px}
.bh-title{bottom:46px;left:10px;max-width:min(55%,360px);font-size:11px}
.bh-legend{top:10px;right:10px;max-height:75%;overflow:auto;font-size:11px;max-width:230px}.bh-legend summary{cursor:pointer;font-weight:600;list-style-position:inside}.bh-demo{top:10px;left:52px;max-width:calc(100% - 320px);min-width:150px;font-size:11px;background:#fff3cd;
 border:2px solid #b7791f;font-weight:600;color:#7a4b00}
.bh-sw{display:inline-block;width:11px;height:11px;border-radius:50%;border:1px solid #333;margin-right:5px;
 vertical-align:-1px}.bh-sq{border-radius:2px}
.bh-cluster div{border-radius:50%;color:#fff;font:600 11px system-ui,sans-serif;text-align:center;
 border:2px solid rgba(255,255,255,.85);box-shadow:0 0 3px rgba(0,0,0,.5)}
.bh-popup{font:12px/1.4 system-ui,sans-serif;max-width:260px}.leaflet-control-attribution{font-size:10px;line-height:1.3;max-width:70%}.bh-k{color:#555}.bh-note{color:#7a4b00}
</style>
{% endmacro %}
{% macro html(this, kwargs) %}{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var box = L.DomUtil.create('div', 'bh-box {{ this.css_class }}');
  {% if this.direction %}box.setAttribute('dir', '{{ this.direction }}');
  {% endif %}box.innerHTML = {{ this.html_json }};
  L.DomEvent.disableClickPropagation(box);
  var map = {{ this._parent.get_name() }};
  var details = box.querySelector('details');
  // a map narrower than 800 px (a phone, or the map column beside the panel) shows the data first and
  // the legend on tap: open, it would cover the north of Punjab
  var width = map.getSize().x;  // 0 in a hidden tab: size unknown, keep the legend open
  if (details && width > 0 && width < 800) { details.open = false; }
  map.getContainer().appendChild(box);
})();
{% endmacro %}
"""
    )

    def __init__(self, html: str, css_class: str, *, direction: str | None = None) -> None:
        super().__init__()
        self._name = f"HtmlOverlay_{css_class}"
        self.css_class = css_class
        self.html_json = js_data(html)
        self.direction = "rtl" if direction == "rtl" else None
        """``rtl``: the box reads right to left (``dir="rtl"`` on the box, not on the map)."""


ARABIC_RANGE = "U+0600-06FF, U+0750-077F, U+0870-08FF, U+200C-200F, U+FB50-FDFF, U+FE70-FEFF"
"""The unicode-range of the bundled Noto Naskh Arabic: Latin text keeps the page's own font."""


def font_url(asset_base: str) -> str:
    """Where the app serves the Urdu font (dashboard/static/fonts), next to the vendored scripts."""
    return f"{asset_base.rsplit('/', 1)[0]}/fonts/{URDU_FONT.name}"


def font_face(src: str) -> str:
    """The ``@font-face`` of the Urdu font, from ``src`` (a URL or a ``data:`` URI), Arabic script only."""
    return (f'@font-face{{font-family:"Bhatta Naskh";src:url("{src}") format("truetype");font-display:swap;'
            f"unicode-range:{ARABIC_RANGE}}}")


class RtlSupport(MacroElement):
    """Urdu on the map: the Naskh font for Arabic script, and right-to-left boxes, popups and tooltips.

    Only the boxes read right to left (each gets ``dir="rtl"`` or the ``bh-rtl`` class); the map container is
    kept left to right, so Leaflet's panes, controls and coordinates are never mirrored.
    """

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>
{{ this.font_face }}
.leaflet-container .bh-box,.leaflet-container .bh-popup,.leaflet-container .leaflet-tooltip{
 font-family:"Bhatta Naskh",system-ui,sans-serif}
.leaflet-container [dir=rtl],.leaflet-container .bh-rtl{direction:rtl;text-align:right;line-height:1.7}
.leaflet-container [dir=rtl] .bh-sw{margin-right:0;margin-left:5px}
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
{% if this.container_ltr %}{{ this._parent.get_name() }}.getContainer().setAttribute('dir', 'ltr');{% endif %}
{% endmacro %}
"""
    )

    def __init__(self, font_src: str, *, container_ltr: bool = True) -> None:
        super().__init__()
        self._name = "RtlSupport"
        self.font_face = font_face(font_src)
        self.container_ltr = container_ltr


def _has_rtl_text(layer: PointLayer) -> bool:
    """Whether any popup text of ``layer`` is in Arabic script (an uploaded Urdu name or note)."""
    return any(has_rtl(v) for f in layer.popup for v in pd.unique(pd.Series(list(f.values), dtype=object))
               if isinstance(v, str)) or has_rtl(layer.title)


class Attribution(MacroElement):
    """Source lines in Leaflet's attribution control (bottom right), where map readers look for them."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_json }});
{% endmacro %}
"""
    )

    def __init__(self, text: str, *, direction: str | None = None) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text_json = js_data(f'<span dir="rtl">{esc(text)}</span>' if direction == "rtl" else esc(text))


class InitialView(MacroElement):
    """Fit the map to the wanted area before anything is drawn on it, so every shape is projected once.

    Inside the app the wanted area is the page URL's ``district``/``province`` (the iframe shares its
    origin); opened on its own (an exported file) the map shows the area it was built for.
    """

    _template = Template(
        """
{% macro html(this, kwargs) %}
<script type="application/json" id="bh-areas">{{ this.data }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var data = JSON.parse(document.getElementById('bh-areas').textContent);
  map._bhWanted = function () {  // the area in the page URL; null when there is no page to ask
    try {
      if (window.parent === window) { return null; }
      var q = new URLSearchParams(window.parent.location.search);
      return q.get('district') || q.get('province') || '';
    } catch (e) { return null; }
  };
  map._bhFit = function (code) { map.fitBounds(data.bounds[code] || data.bounds[''], {animate: false}); };
  var first = map._bhWanted();
  map._bhFitted = first === null ? data.initial : first;
  map._bhFit(map._bhFitted);
})();
{% endmacro %}
"""
    )

    def __init__(self, ref: Reference, *, initial: str) -> None:
        super().__init__()
        self._name = "InitialView"
        self.data = js_data({"initial": initial, "bounds": _area_bounds(ref)})


class AreaFollower(MacroElement):
    """Highlight and tehsil lines for the wanted area, following the page URL as the sidebar changes it.

    Choosing a district never reloads the map: this zooms the map already drawn.
    """

    _template = Template(
        """
{% macro html(this, kwargs) %}
<script type="application/json" id="bh-tehsils">{{ this.tehsils }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }}, districts = {{ this.district_layer }};
  var lines = null, current = null, tehsils = null;
  function apply(code) {
    if (code !== map._bhFitted) { map._bhFit(code); map._bhFitted = code; }  // InitialView fit the first
    current = code;
    if (tehsils) { map.removeLayer(tehsils); tehsils = null; }
    if (code.length > 3) {  // a district: its tehsils (parsed when first needed)
      lines = lines || JSON.parse(document.getElementById('bh-tehsils').textContent);
      tehsils = L.featureGroup((lines[code] || []).map(function (t) {
        return L.polyline(t.lines, {color: '#555', weight: 1, dashArray: '4 3', interactive: true})
          .bindTooltip({% if this.tehsil_label %}{{ this.tehsil_label }}.replace('{name}', t.name), {sticky: true, className: 'bh-rtl'}{% else %}'Tehsil: ' + t.name, {sticky: true}{% endif %});
      })).addTo(map);
    }
    districts.eachLayer(function (l) {
      var on = l.feature.properties.ADM2_PCODE === code;
      if (on || l.options.weight !== 0.8) { l.setStyle({color: on ? '#111' : '#555', weight: on ? 3 : 0.8}); }
      if (on) { l.bringToFront(); }
    });
    map._bhArea = code;
  }
  function check() { var w = map._bhWanted(); if (w !== null && w !== current) { apply(w); } }
  apply(map._bhFitted);
  // Streamlit writes the view into the URL with history.pushState/replaceState: hook them (once per page,
  // with a function of the page's own) so a new district is followed at once; the slow poll is a safety net
  try {
    var page = window.parent;
    if (page !== window) {
      if (!page.__bhUrlHook) {
        page.__bhUrlHook = true;
        new page.Function("['pushState', 'replaceState'].forEach(function (f) { var o = history[f];" +
          " history[f] = function () { var r = o.apply(this, arguments); window.dispatchEvent(new Event('bh-url'));" +
          " return r; }; });")();
      }
      var soon = function () { setTimeout(check, 0); };
      page.addEventListener('bh-url', soon);
      page.addEventListener('popstate', soon);
      window.addEventListener('pagehide', function () {
        page.removeEventListener('bh-url', soon); page.removeEventListener('popstate', soon);
      });
    }
  } catch (e) { /* not allowed: the poll below still follows the URL */ }
  setInterval(check, 400);
})();
{% endmacro %}
"""
    )

    def __init__(self, ref: Reference, district_layer: folium.GeoJson, *, lang: str | None = None) -> None:
        super().__init__()
        self._name = "AreaFollower"
        self.district_layer = district_layer.get_name()
        tr = translator(lang)
        self.tehsils = js_data(_tehsil_lines(ref, tr.lang))
        # English keeps its literal; another language's label (escaped) with {name} where the tehsil goes
        self.tehsil_label = js_data(esc(tr.gettext("Tehsil: {name}")).replace("&#123;name&#125;", "{name}")) \
            if tr.rtl else None


@cache
def _area_bounds(ref: Reference) -> dict[str, list[list[float]]]:
    """Bounds of every district and province, and of both (``""``)."""
    bounds = {"": _bounds(ref.provinces)}
    for pcode, frame in ref.provinces.groupby("ADM1_PCODE"):
        bounds[pcode] = _bounds(frame)
    for pcode, frame in ref.districts.groupby("ADM2_PCODE"):
        bounds[pcode] = _bounds(frame)
    return bounds


@cache
def _tehsil_lines(ref: Reference, lang: str = "en") -> dict[str, list[dict]]:
    """Each district's tehsil boundaries as simplified lines with escaped names in ``lang`` (about 200 KB)."""
    tr = translator(lang)
    lines = shapely.set_precision(shapely.simplify(shapely.boundary(ref.tehsils.geometry.values), 0.003), 1e-3)
    tehsils: dict[str, list] = {}
    for district, pcode, name, line in zip(ref.tehsils["ADM2_PCODE"], ref.tehsils["ADM3_PCODE"], ref.tehsils["ADM3_EN"],
                                           lines, strict=True):
        parts = [line] if line.geom_type == "LineString" else list(line.geoms)
        tehsils.setdefault(district, []).append(
            {"name": esc(tr.place(pcode, name)),
             "lines": [[[round(y, 3), round(x, 3)] for x, y in p.coords] for p in parts]})
    return tehsils


def _bounds(frame: gpd.GeoDataFrame) -> list[list[float]]:
    minx, miny, maxx, maxy = frame.total_bounds
    return [[round(miny, 4), round(minx, 4)], [round(maxy, 4), round(maxx, 4)]]


@cache
def display_boundaries(ref: Reference) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Provinces and districts simplified further for the overview map (shared borders kept shared)."""
    districts = ref.districts.copy()
    districts["geometry"] = shapely.set_precision(
        shapely.coverage_simplify(districts.geometry.values, 0.004), 1e-4
    )
    provinces = districts.dissolve("ADM1_PCODE", as_index=False)[["ADM1_PCODE", "ADM1_EN", "geometry"]]
    return provinces, districts


def priority_parts(gaps: pd.DataFrame, lang: str | None = None, *, urdu_digits: bool = False) -> list[str]:
    """Each kiln's priority parts as "label +points", largest first (the Gaps page words them in full).

    Short labels repeat across kilns, so the popup text costs little in the map payload. ``lang`` (default
    English) translates the labels.
    """
    tr = translator(lang, urdu_digits=urdu_digits)
    scores = gaps[[f"score_{c.key}" for c in PRIORITY_COMPONENTS]].to_numpy(dtype=float)
    _ = tr.gettext
    evidence = _("{label} [evidence]")
    labels = np.array([evidence.format(label=_(c.label)) if c.kind == "evidence" else _(c.label)
                       for c in PRIORITY_COMPONENTS])
    order = np.argsort(-scores, axis=1, kind="stable")
    out = []
    for row, idx in zip(scores, order, strict=True):
        out.append(tr.digits(" · ".join(f"{labels[i]} +{row[i]:g}" for i in idx if row[i] > 0)))
    return out


def _visit_age_colors(days: pd.Series) -> list[str]:
    bins = [0] + [b for b, _, _ in VISIT_AGE_BINS]
    idx = np.digitize(days.fillna(10**6).to_numpy(), bins[1:], right=True)
    return [VISIT_AGE_BINS[min(i, len(VISIT_AGE_BINS) - 1)][2] for i in idx]


def _fmt_date(values: pd.Series, tr: Translator | None = None) -> list[str]:
    """Dates as ISO text in English (as always), else as the language writes them; blank when missing."""
    days = pd.to_datetime(values, errors="coerce")
    if tr is None or tr.lang == "en":
        return [v.date().isoformat() if pd.notna(v) else "" for v in days]
    text = {v: tr.date(v) for v in days.dropna().unique()}
    return [text[v] if pd.notna(v) else "" for v in days]


def _source_values(frame: pd.DataFrame, default: str = "", tr: Translator | None = None) -> list[str]:
    """Each record's source, tagged [DEMO] where synthetic."""
    src = frame["source"].fillna("").to_numpy(dtype=object) if "source" in frame else [default] * len(frame)
    synthetic = frame["synthetic"].to_numpy(dtype=bool)
    demo = (tr or translator()).gettext("{source} [DEMO]")
    return [demo.format(source=s) if syn else s for s, syn in zip(src, synthetic, strict=True)]


def _our_words(values: Sequence[object], table: dict[str, str], tr: Translator) -> list[object]:
    """Values in the view's language: our own words (``table``) translated, anything else as it is."""
    if tr.lang == "en":
        return list(values)
    return [tr(table[v]) if isinstance(v, str) and v in table else v for v in values]


def _points(data: LayerData) -> gpd.GeoDataFrame:
    frame = data.frame
    return frame[frame.geometry.notna() & ~frame.geometry.is_empty]


def point_layers(
    layers: dict[str, LayerData], ref: Reference, view: MapView, *, gaps: pd.DataFrame | None = None,
    visit_url: str | None = None,
) -> list[PointLayer]:
    """Turn the layers the view shows into browser-ready point layers with escaped popup fields.

    ``gaps`` (:func:`layers.gaps.kiln_gaps`, same index as the kilns) adds each kiln's visit status,
    priority and the reasons for it to its popup; ``visit_url`` a "Record a visit" link to it + the kiln id.
    """
    tr = translator(view.lang, urdu_digits=view.urdu_digits)
    _ = tr.gettext
    english = tr.lang == "en"
    names = {p: tr.place(p, n) for p, n in zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True)}
    tehsil_names = {p: tr.place(p, n) for p, n in zip(ref.tehsils["ADM3_PCODE"], ref.tehsils["ADM3_EN"], strict=True)}
    visits = last_visits(layers["inspections"].frame, view.window)
    out: list[PointLayer] = []
    comma = "، " if tr.rtl else ", "

    def place(frame: pd.DataFrame) -> PopupField:
        places = {(t, d): comma.join(x for x in (tehsil_names.get(t, ""), names.get(d, "")) if x)
                  for t, d in frame[["tehsil_pcode", "district_pcode"]].drop_duplicates().itertuples(index=False)}
        return PopupField(_("Place"), [places[key] for key in zip(frame["tehsil_pcode"], frame["district_pcode"],
                                                                    strict=True)])

    def per_point_text(frame: pd.DataFrame, values: Sequence[object]) -> list[object]:
        """Names and ids, or blanks for a layer above DETAIL_LIMIT points."""
        return list(values) if len(frame) <= DETAIL_LIMIT else [""] * len(frame)

    def detail_note(frame: pd.DataFrame, note: str = "") -> str:
        if len(frame) <= DETAIL_LIMIT:
            return note
        more = _("Names and ids are not shown for layers of more than {n} points.").format(n=tr.num(DETAIL_LIMIT))
        return f"{note} {more}".strip()

    def number(value: float) -> str:
        return tr.digits(f"{value:g}")

    builders: dict[str, Callable[[], PointLayer]] = {}

    def kilns() -> PointLayer:
        link = None if visit_url is None or len(layers["kilns"].frame) > DETAIL_LIMIT else \
            (_("Record a visit"), visit_url, 0)
        k = _points(layers["kilns"])
        last = k[["kiln_id"]].merge(visits[["kiln_id", "visit_date"]], on="kiln_id", how="left")
        type_label = k["kiln_type_label"].fillna(k.get("kiln_type")) if "kiln_type_label" in k else k["kiln_type"]
        popup = [PopupField(_("Kiln id"), per_point_text(k, k["kiln_id"].tolist())),
                 PopupField(_("Type"), _our_words(type_label.tolist(), VALUE_WORDS["kiln_type"], tr)), place(k)]
        if view.profile != "public":  # public: visits only as counts per area, never per kiln
            popup.append(PopupField(_("Last visit in window"),
                                    [d or _("none recorded") for d in _fmt_date(last["visit_date"], tr)]))
        if gaps is not None and view.profile != "public":  # why this kiln: the priority and its parts (layers.gaps)
            g = gaps.loc[k.index]
            status = g["visit_status"].tolist() if not english else g["visit_status"].str.replace("_", " ").tolist()
            popup += [PopupField(_("Visit status"), _our_words(status, VISIT_STATUS_WORDS, tr)),
                      PopupField(_("Priority"), [number(p) for p in g["priority"]]),
                      PopupField(_("Why (points)"), priority_parts(g, tr.lang, urdu_digits=tr.urdu_digits))]
        popup.append(PopupField(_("Source"), _source_values(k, layers["kilns"].sources[0], tr)))
        return PointLayer(
            "kilns", _("Brick kiln"), k.geometry.y.to_numpy(), k.geometry.x.to_numpy(),
            [LAYER_COLORS["kilns"]] * len(k), popup,
            note=detail_note(k, _("A detected kiln is context, not evidence: only recorded visit findings are "
                                  "evidence.")),
            link=link,
        )

    def inspections() -> PointLayer:
        v = layers["inspections"].frame
        inside = v[view.window.contains(v["visit_date"])]
        latest = inside.sort_values("visit_date").groupby(inside["kiln_id"].fillna(inside.index.to_series().astype(str)),
                                                          as_index=False).last()
        latest = gpd.GeoDataFrame(latest, geometry="geometry", crs=v.crs)
        latest = latest[latest.geometry.notna()]
        counts = inside.groupby("kiln_id").size()
        days = (pd.Timestamp(view.window.end) - latest["visit_date"]).dt.days
        visits_in_window = [int(counts.get(k, 1)) for k in latest["kiln_id"]]
        yes_no = VALUE_WORDS["yes_no"]
        return PointLayer(
            "inspections", _("Inspection visit (latest in window)"), latest.geometry.y.to_numpy(),
            latest.geometry.x.to_numpy(), _visit_age_colors(days),
            [PopupField(_("Kiln id"), latest["kiln_id"].fillna(_("not matched to a kiln")).tolist()),
             PopupField(_("Last visit"), _fmt_date(latest["visit_date"], tr)),
             PopupField(_("Visits in window"), visits_in_window if english else [tr.num(n) for n in visits_in_window]),
             PopupField(_("Child labour observed (recorded)"),
                        _our_words(latest["child_labour_observed"].fillna("").tolist(), yes_no, tr)),
             PopupField(_("Bonded-labour indicators (recorded)"),
                        _our_words(latest["bonded_labour_indicators"].fillna("").tolist(), yes_no, tr)),
             PopupField(_("Action taken"), _our_words(latest["action_taken"].fillna("").str.replace("_", " ").tolist(),
                                                      VALUE_WORDS["action_taken"], tr)),
             place(latest), PopupField(_("Source"), _source_values(latest, tr=tr))],
            cluster=False, radius=6,
        )

    def service(layer: str, title: str, fields: Sequence[tuple[str, str]]) -> Callable[[], PointLayer]:
        def build() -> PointLayer:
            data = layers[layer]
            p = _points(data)
            popup = [PopupField(_("Name"), per_point_text(p, p["name"].fillna("").tolist()))]
            for label, col in fields:
                values = p[col] if col in p else pd.Series([""] * len(p))
                values = _fmt_date(values, tr) if col.endswith("_date") else \
                    _our_words(values.fillna("").astype(str).str.replace("_", " ").tolist(), VALUE_WORDS.get(col, {}), tr)
                popup.append(PopupField(_(label), list(values)))
            popup += [place(p), PopupField(_("Source"), _source_values(p, data.sources[0], tr))]
            return PointLayer(layer, _(title), p.geometry.y.to_numpy(), p.geometry.x.to_numpy(),
                              [LAYER_COLORS[layer]] * len(p), popup, cluster=len(p) > 300, radius=5,
                              note=detail_note(p))
        return build

    builders["kilns"] = kilns
    builders["inspections"] = inspections
    builders["schools"] = service("schools", N_("School"), [(N_("Level"), "level"), (N_("For"), "gender"),
                                                           (N_("Managed"), "management")])
    builders["health"] = service("health", N_("Health unit"), [(N_("Type"), "facility_type")])
    builders["ngo"] = service("ngo", N_("NGO service"), [(N_("Service"), "service_type"),
                                                        (N_("Organisation"), "organisation"), (N_("Since"), "start_date")])
    for name in ("kilns", "schools", "health", "ngo", "inspections"):
        if name in view.layers:
            out.append(builders[name]())
    if view.desert and gaps is not None:
        out.insert(1 if out and out[0].name == "kilns" else 0,
                   desert_layer(gaps, view.desert, names, lang=tr.lang, urdu_digits=tr.urdu_digits))
    return out


def desert_layer(gaps: pd.DataFrame, service: str, district_names: dict[str, str], *, lang: str | None = None,
                 urdu_digits: bool = False) -> PointLayer:
    """Kilns farther than the threshold from the nearest ``service``: a layer of their own, ringed.

    ``district_names`` are shown as they are (pass them in ``lang`` already, :meth:`Translator.place`).
    """
    tr = translator(lang, urdu_digits=urdu_digits)
    _ = tr.gettext
    spec = next(s for s in SERVICES if s.key == service)
    label = _(spec.label)
    inside = gaps[gaps[f"desert_{service}"].fillna(False).to_numpy(dtype=bool)]
    km = inside[f"dist_{service}_m"] / 1000
    nearest = [_("{km} km").format(km=tr.digits(f"{k:.1f}")) if pd.notna(k) else
               _("none recorded in the {district} data").format(district=district_names.get(d, _("district")))
               for k, d in zip(km, inside["district_pcode"], strict=True)]
    return PointLayer(
        "deserts", _("Kiln with no {service} within reach").format(service=label), inside.geometry.y.to_numpy(),
        inside.geometry.x.to_numpy(), [LAYER_COLORS["deserts"]] * len(inside),
        [PopupField(_("Kiln id"), inside["kiln_id"].tolist()),
         PopupField(_("Nearest {service}").format(service=label), nearest),
         PopupField(_("Priority"), [tr.digits(f"{p:g}") for p in inside["priority"]])],
        radius=7, note=_("Distance is context, measured in a straight line; not evidence about the kiln."),
    )


def legend_html(layers: dict[str, LayerData], view: MapView, shown: list[PointLayer]) -> str:
    """Legend lines for what the map shows, in the view's language; every label escaped."""
    tr = translator(view.lang, urdu_digits=view.urdu_digits)
    _ = tr.gettext
    parts = []
    demo_word, legend_word = esc(_("[DEMO]")), esc(_("Legend"))
    demo_tag = f" <b style='color:#7a4b00'>{demo_word}</b>"
    for p in shown:
        data = layers[next(s.layer for s in SERVICES if s.key == view.desert)] if p.name == "deserts" \
            else layers[p.name]
        tag = demo_tag if data.synthetic else ""
        if p.name == "deserts":
            parts.append(f"<span class='bh-sw' style='background:{LAYER_COLORS['deserts']}'></span>"
                         f"{esc(p.title)} ({tr.num(len(p.lat))}){tag}")
        elif p.name == "inspections":
            parts.append(esc(_("Inspection visits ({n} kilns)").format(n=tr.num(len(p.lat)))) + tag)
            parts += [f"<span class='bh-sw' style='background:{c}'></span>{esc(_(label))}"
                      for _days, label, c in VISIT_AGE_BINS]
        else:
            parts.append(f"<span class='bh-sw' style='background:{LAYER_COLORS[p.name]}'></span>"
                         f"{esc(_(data.label))} ({tr.num(len(p.lat))}){tag}")
    if "dvcs" in view.layers:
        tag = demo_tag if layers["dvcs"].synthetic else ""
        parts.append(esc(_("District fill: DVC status")) + tag)
        parts += [f"<span class='bh-sw bh-sq' style='background:{DVC_COLORS[s]}'></span>{esc(_(label))}"
                  for s, label in STATUS_LABELS.items()]
    return f"<details open><summary>{legend_word}</summary>" + "<br>".join(parts) + "</details>"


def build_map(
    view: MapView,
    layers: dict[str, LayerData],
    ref: Reference,
    *,
    asset_base: str = "/app/static/vendor",
    data_base: str | None = None,
    gaps: pd.DataFrame | None = None,
    visit_url: str | None = None,
) -> folium.Map:
    """The map for ``view``: boundaries, DVC fill, point layers, legend, demo flag, attribution.

    ``asset_base`` is where Leaflet and its plugins are served (no CDN is ever used). With ``data_base``
    the layers after the first are fetched from files there (:func:`data_files` lists them) so the page
    parses less before the kilns show; without it the document holds everything (a file that works alone).
    """
    tr = translator(view.lang, urdu_digits=view.urdu_digits)
    _ = tr.gettext
    direction = "rtl" if tr.rtl else None
    provinces, districts = display_boundaries(ref)
    m = folium.Map(location=[28.5, 70.0], zoom_start=6, tiles=None, prefer_canvas=True, control_scale=True,
                   zoom_control=True)
    m.options["maxZoom"] = 18
    m.options["zoomSnap"] = 0.25  # fit a district or both provinces snugly
    m.default_js = [("leaflet", f"{asset_base}/leaflet/leaflet.js"),
                    ("supercluster", f"{asset_base}/supercluster/supercluster.min.js")]
    m.default_css = [("leaflet_css", f"{asset_base}/leaflet/leaflet.css")]
    if view.basemap in BASEMAP_TILES:
        url, tile_credit, max_zoom = BASEMAP_TILES[view.basemap]
        folium.TileLayer(url, attr=tile_credit, name=view.basemap, max_zoom=max_zoom, max_native_zoom=max_zoom)\
            .add_to(m)

    # the view first, then the kilns (their worker indexes them while the page draws the boundaries)
    m.add_child(InitialView(ref, initial=view.district or view.province or ""))
    shown = point_layers(layers, ref, view, gaps=gaps, visit_url=visit_url)
    if tr.rtl or any(_has_rtl_text(p) for p in shown):  # Urdu, or Urdu names uploaded: the font, and rtl boxes
        m.add_child(RtlSupport(font_url(asset_base), container_ltr=tr.rtl))
    m.add_child(PointRuntime(asset_base))
    for i, p in enumerate(shown):  # kilns come first when shown
        m.add_child(PointCloud(p, first=i == 0, data_base=data_base, direction=direction,
                               urdu_digits=tr.digits("1") != "1"))
    status = dvc_status(layers["dvcs"].frame, districts["ADM2_PCODE"], as_of=view.window.end).set_index("district_pcode")
    show_dvc = "dvcs" in view.layers
    feats = districts[["ADM2_PCODE", "geometry"]].copy()
    feats["name"] = [esc(tr.place(p, n)) for p, n in zip(districts["ADM2_PCODE"], districts["ADM2_EN"], strict=True)]
    feats["dvc"] = [esc(_(STATUS_LABELS[status.at[p, "status"]])) for p in districts["ADM2_PCODE"]]
    fill = {p: DVC_COLORS[status.at[p, "status"]] for p in districts["ADM2_PCODE"]}

    def district_style(feature: dict) -> dict:
        pcode = feature["properties"]["ADM2_PCODE"]
        return {"color": "#555", "weight": 0.8, "fillColor": fill[pcode] if show_dvc else "#ffffff",
                "fillOpacity": 0.45 if show_dvc else 0.05}

    district_layer = folium.GeoJson(
        feats, name="districts", style_function=district_style, smooth_factor=1.5,
        tooltip=folium.GeoJsonTooltip(fields=["name", "dvc"] if show_dvc else ["name"],
                                      aliases=[esc(_("District")), esc(_("DVC"))][:2 if show_dvc else 1],
                                      **({"class_name": "foliumtooltip bh-rtl"} if tr.rtl else {})),
    ).add_to(m)
    folium.GeoJson(provinces, name="provinces", interactive=False,
                   style_function=lambda _: {"color": "#222", "weight": 2.2, "fill": False}).add_to(m)

    m.add_child(HtmlOverlay(legend_html(layers, view, shown), "bh-legend", direction=direction))
    m.add_child(Attribution(attribution(tr.lang), direction=direction))
    demo = [_(layers[n].label) for n in view.layers if layers[n].synthetic]
    if demo:
        listed = ("، " if tr.rtl else ", ").join(sorted(demo))
        m.add_child(HtmlOverlay(esc(_("DEMO DATA on this map: {layers} are synthetic").format(layers=listed)),
                                "bh-demo", direction=direction))
    # no folium fit_bounds: its animated fit ends after InitialView's and would undo a district's zoom
    m.add_child(AreaFollower(ref, district_layer, lang=tr.lang))
    return m


def data_files(m: folium.Map) -> dict[str, str]:
    """``file name -> JSON text`` of the layers a map built with ``data_base`` fetches."""
    return {c.data_file: c.payload for c in m._children.values() if isinstance(c, PointCloud) and c.data_file}
