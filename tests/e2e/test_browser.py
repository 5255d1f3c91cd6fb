"""What a person sees in the browser: the map draws offline, toggles redraw it, a district zooms in and
shows its figures, and uploaded names are shown as text, never run.

The map is a folium page in an iframe; the Leaflet map object is the global ``map_<id>``. A redraw is
detected by marking the current map object as stale before acting, then waiting for an unmarked map
(new iframe or new iframe document) whose drawn state (``SIGNATURE_JS``) fits what should be shown.

Districts are drawn on the map's canvas (``prefer_canvas``), not as SVG paths: the signature counts the
district shapes Leaflet projected for drawing and reads the canvas pixel at each district's centre.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page, expect

MAP_TIMEOUT = 60.0
STILL = 0.5
KASUR = "PK614"

SIGNATURE_JS = """() => {
  const L = window.L;
  if (!L || document.readyState !== 'complete') return null;  // every script of the page has run
  const name = Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map);
  const map = name && window[name];
  if (!map || !map._loaded) return null;
  const sig = {name: name, stale: !!map._bhTestStale, area: map._bhArea === undefined ? null : map._bhArea, points: Object.assign({}, map._bhLayers || {}),
               clusters: {}, districts: 0, drawnDistricts: 0, fills: [], opacities: [], tehsils: 0,
               dashedTehsils: 0};
  const fills = new Set(), opacities = new Set(), districts = [];
  map.eachLayer(function (l) {
    if (!(l instanceof L.Path) || l instanceof L.CircleMarker) return;
    const p = (l.feature && l.feature.properties) || {};
    const drawn = !!(l._parts && l._parts.length);
    if (p.ADM2_PCODE) {
      sig.districts++;
      districts.push(l);
      if (drawn) sig.drawnDistricts++;
      fills.add(l.options.fillColor);
      opacities.add(l.options.fillOpacity);
    } else if (!p.ADM1_PCODE && l.options.dashArray) {  // tehsil boundaries: the only dashed lines
      sig.tehsils++;
      if (drawn) sig.dashedTehsils++;
    }
  });
  sig.fills = Array.from(fills).sort();
  sig.opacities = Array.from(opacities).sort();
  document.querySelectorAll('.bh-cluster').forEach(function (el) {
    const cls = Array.from(el.classList).find(c => c.startsWith('bh-cluster-'));
    const layer = cls.slice('bh-cluster-'.length);
    if (el.getBoundingClientRect().width > 0) sig.clusters[layer] = (sig.clusters[layer] || 0) + 1;
  });
  // what the overlay canvas shows at each district's centre: painted at all, and strongly filled (DVC)
  sig.paintedCentres = 0;
  sig.filledCentres = 0;
  districts.forEach(function (l) {
    const r = l._renderer;
    if (!r || !r._ctx || !r._bounds) return;
    const dpr = window.devicePixelRatio || 1;
    const pt = map.latLngToLayerPoint(l.getCenter()).subtract(r._bounds.min);
    const alpha = r._ctx.getImageData(Math.round(pt.x * dpr), Math.round(pt.y * dpr), 1, 1).data[3];
    if (alpha > 0) sig.paintedCentres++;
    if (alpha > 60) sig.filledCentres++;
  });
  const b = map.getBounds();
  sig.bounds = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()];
  return sig;
}"""

MARK_STALE_JS = """() => Object.keys(window).forEach(function (k) {
  if (k.startsWith('map_') && window.L && window[k] instanceof L.Map) { window[k]._bhTestStale = true; }
})"""
Signature = dict
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname in LOCAL_HOSTS


# -------------------------------------------------------------------------------------------- helpers


def map_frames(page: Page) -> list[Frame]:
    """The iframes of the page (the map is in one of them; an old one may still be there while redrawing).

    Asked through the iframe elements: ``page.frames`` can miss a srcdoc iframe until it is asked for.
    """
    frames = []
    for element in page.locator("iframe").element_handles():
        try:
            frame = element.content_frame()
        except PlaywrightError:
            continue
        if frame is not None and not frame.is_detached():
            frames.append(frame)
    return frames


def wait_map(
    page: Page,
    until: Callable[[Signature], bool] = lambda s: True,
    *,
    what: str = "the map to draw",
    timeout: float = MAP_TIMEOUT,
) -> tuple[Frame, Signature]:
    """Wait for a Leaflet map that finished its script, is not marked stale, fits ``until``, and has
    held still for ``STILL`` seconds (the iframe may resize after the first draw, and Leaflet then moves
    the view and re-projects the shapes a moment later)."""
    deadline = time.monotonic() + timeout
    seen = None
    since: dict[int, tuple[float, Signature]] = {}
    while True:
        for frame in map_frames(page):
            try:
                sig = frame.evaluate(SIGNATURE_JS)
            except PlaywrightError:  # the frame went away while we asked
                continue
            if not sig or sig["stale"]:
                continue
            seen = sig
            if not until(sig):
                since.pop(id(frame), None)
                continue
            first, before = since.get(id(frame), (time.monotonic(), None))
            if before != sig:
                since[id(frame)] = (time.monotonic(), sig)
            elif time.monotonic() - first >= STILL:
                return frame, sig
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; last map seen: {seen}")
        page.wait_for_timeout(100)


def redraw(
    page: Page, action: Callable[[], None], until: Callable[[Signature], bool], *, what: str
) -> tuple[Frame, Signature]:
    """Mark the map on the page stale, act, and wait for a new map that fits ``until``."""
    for frame in map_frames(page):
        try:
            frame.evaluate(MARK_STALE_JS)
        except PlaywrightError:
            pass
    action()
    return wait_map(page, until, what=what)


def settle(page: Page) -> None:
    """Wait until Streamlit, connected, finished its script run, and check it shows no exception."""
    page.locator(
        '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
    ).wait_for(timeout=60_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def open_app(
    page: Page, url: str, until: Callable[[Signature], bool] = lambda s: True, what: str = "the map to draw"
) -> tuple[Frame, Signature]:
    page.goto(url)
    frame, sig = wait_map(page, until, what=what)
    settle(page)
    return frame, sig


def switch_of(page: Page, prefix: str):
    return page.get_by_role("switch", name=re.compile("^" + re.escape(prefix)))


def toggle(page: Page, prefix: str):
    """The sidebar st.toggle whose label starts with ``prefix`` (a role=switch input in a label)."""
    return page.get_by_test_id("stSidebar").locator(switch_of(page, prefix))


def click_toggle(page: Page, prefix: str, *, on: bool) -> None:
    """Click the toggle's label, as a person does (the switch input itself is visually hidden)."""
    switch = toggle(page, prefix)
    page.get_by_test_id("stSidebar").locator("label").filter(has=switch_of(page, prefix)).click()
    if on:
        expect(switch).to_be_checked()
    else:
        expect(switch).not_to_be_checked()


@cache
def district_bounds(pcode: str) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a district, from the same boundaries the app uses."""
    from loaders.geo import reference

    districts = reference().districts
    minx, miny, maxx, maxy = districts.loc[districts["ADM2_PCODE"] == pcode].total_bounds
    return miny, minx, maxy, maxx


@cache
def province_spans() -> list[tuple[float, float]]:
    """(latitude span, longitude span) of each province."""
    from loaders.geo import reference

    return [(g.bounds[3] - g.bounds[1], g.bounds[2] - g.bounds[0]) for g in reference().provinces.geometry]


def assert_shows_district(sig: Signature, pcode: str) -> None:
    """The map's view is the district's extent (within 0.5 degree), far smaller than either province."""
    south, west, north, east = sig["bounds"]
    d_south, d_west, d_north, d_east = district_bounds(pcode)
    for shown, expected in zip(sig["bounds"], (d_south, d_west, d_north, d_east), strict=True):
        assert abs(shown - expected) < 0.5, f"map shows {sig['bounds']}, not {pcode} {district_bounds(pcode)}"
    tol = 0.02  # the whole district is in view
    assert south <= d_south + tol and west <= d_west + tol and north >= d_north - tol and east >= d_east - tol
    for lat_span, lon_span in province_spans():
        assert north - south < lat_span / 3 and east - west < lon_span / 3, (
            sig["bounds"],
            lat_span,
            lon_span,
        )
    assert sig["dashedTehsils"] == sig["tehsils"] >= 2, sig
    assert sig["area"] in (None, pcode), sig  # the map's own record of its area, when it keeps one


def metric_value(page: Page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    expect(metric).to_have_count(1)
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


# ---------------------------------------------------------------------------------------------- tests


def test_default_map_draws_offline(page: Page, traffic, app_url: str) -> None:
    frame, sig = open_app(
        page,
        app_url,
        lambda s: s["clusters"].get("kilns", 0) > 0 and s["paintedCentres"] >= 60,
        what="kiln clusters and boundaries",
    )
    assert sig["points"]["kilns"] == 9890
    assert set(sig["points"]) == {"kilns", "inspections", "schools", "health", "ngo"}
    kiln_clusters = frame.locator(".bh-cluster-kilns")
    assert kiln_clusters.count() > 0
    expect(kiln_clusters.first).to_be_visible()
    assert sig["districts"] >= 65 and sig["drawnDistricts"] >= 65, sig
    assert sig["filledCentres"] >= DVC_ON, sig  # DVC status fill, seen on the canvas
    expect(frame.locator(".leaflet-overlay-pane canvas")).to_be_visible()
    legend = frame.locator(".bh-legend")
    expect(legend).to_be_visible()
    if legend.locator("details").get_attribute("open") is None:  # collapsed on narrow maps: open it
        legend.get_by_text("Legend", exact=True).click()
    expect(legend.get_by_text("Brick kilns (9,890)")).to_be_visible()
    expect(legend.get_by_text("District fill: DVC status")).to_be_visible()
    expect(frame.locator(".bh-demo")).to_contain_text("DEMO DATA")
    assert frame.frame_element().bounding_box()["height"] > 400  # a JavaScript error leaves it at height 0
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assets = frame.evaluate(
        "() => Array.from(document.querySelectorAll('script[src], link[href]')).map(e => e.src || e.href)"
    )
    assert any("/app/static/vendor/leaflet/leaflet.js" in a for a in assets), assets
    assert [a for a in assets if not is_local(a)] == []
    page_assets = page.evaluate(
        "() => Array.from(document.querySelectorAll('script[src], link[href]')).map(e => e.src || e.href)"
    )
    assert [a for a in page_assets if not is_local(a)] == []
    traffic.assert_clean()


# heaviest first: turning layers off one by one makes each redraw lighter (the whole run must stay short)
TOGGLES = [
    ("schools", "Schools ("),
    ("kilns", "Brick kilns ("),
    ("health", "Health units ("),
    ("inspections", "Inspection visits ("),
    ("ngo", "NGO services ("),
    ("dvcs", "District Vigilance Committees ("),
]
CLUSTERED = {"kilns", "schools", "health"}  # above 300 points; inspections and NGOs are plain markers
DVC_ON = 50  # of the 65 district centres, at least this many show the strong DVC fill when the layer is on
DVC_OFF = 15  # and at most this many when it is off (a point marker may sit on a centre)


def shows(sig: Signature, name: str, default: Signature) -> bool:
    """Whether the map shows layer ``name`` as the default map does."""
    if name == "dvcs":
        return sig["opacities"] == [0.45] and sig["filledCentres"] >= DVC_ON
    count = sig["points"].get(name)  # layers after the first arrive one by one
    return count is not None and count == default["points"].get(name) and (
        name not in CLUSTERED or sig["clusters"].get(name, 0) > 0
    )


def hides(sig: Signature, name: str) -> bool:
    if name == "dvcs":
        return (
            sig["opacities"] == [0.05]
            and sig["fills"] == ["#ffffff"]
            and sig["paintedCentres"] >= 60
            and sig["filledCentres"] <= DVC_OFF
        )
    return name not in sig["points"] and sig["clusters"].get(name, 0) == 0


def test_each_layer_toggle_redraws_the_map(page: Page, traffic, app_url: str) -> None:
    """Each toggle turned off in turn removes exactly its layer; turned on again in reverse, it comes back."""
    _, default = open_app(
        page,
        app_url,
        lambda s: all(shows(s, n, s) for n, _ in TOGGLES),
        what="every layer on the default map",
    )
    assert sorted(default["points"]) == sorted(n for n, _ in TOGGLES if n != "dvcs")
    assert len(default["fills"]) > 1, default  # DVC status colours
    hidden: set[str] = set()
    steps = [(name, prefix, False) for name, prefix in TOGGLES] + [(n, p, True) for n, p in reversed(TOGGLES)]
    for name, prefix, on in steps:
        expect(toggle(page, prefix)).to_be_checked(checked=not on)
        hidden = hidden - {name} if on else hidden | {name}

        def fits(sig: Signature, hidden: frozenset[str] = frozenset(hidden)) -> bool:
            return all(hides(sig, n) if n in hidden else shows(sig, n, default) for n, _ in TOGGLES)

        redraw(
            page,
            lambda p=prefix, o=on: click_toggle(page, p, on=o),
            fits,
            what=f"{name} to be {'shown' if on else 'hidden'} with only {sorted(hidden)} hidden",
        )
        settle(page)
    traffic.assert_clean()


def test_choosing_a_district_zooms_to_it(page: Page, traffic, app_url: str) -> None:
    _, before = open_app(page, app_url)
    assert before["tehsils"] == 0

    district = page.get_by_test_id("stSidebar").get_by_role("combobox", name="District")
    district.click()
    district.fill("Kasur")
    page.get_by_role("option", name="Kasur (PK614)").click()
    # the map may be redrawn, or the map already drawn may follow the URL and zoom: either way it must fit
    frame, sig = wait_map(
        page,
        lambda s: s["dashedTehsils"] > 0 and s["bounds"][3] - s["bounds"][1] < 3,
        what="Kasur and its tehsils",
    )
    settle(page)
    expect(page).to_have_url(re.compile(r"district=PK614"))
    assert_shows_district(sig, KASUR)
    assert sig["points"]["kilns"] == before["points"]["kilns"]
    traffic.assert_clean()


def test_district_panel_shows_its_figures(page: Page, traffic, app_url: str) -> None:
    open_app(page, f"{app_url}/?district={KASUR}", lambda s: s["tehsils"] > 0, what="the Kasur map")
    expect(page.get_by_role("heading", name=re.compile("^Kasur"))).to_be_visible()
    assert metric_value(page, "Population 2023") == "4,084,286"
    assert metric_value(page, "Kilns detected") == "636"
    assert metric_value(page, "DVC") != ""
    expect(page.get_by_test_id("stMetric").filter(has_text="DVC").first).to_be_visible()
    traffic.assert_clean()


def test_shared_district_link_opens_zoomed_on_it(page: Page, traffic, app_url: str) -> None:
    _, sig = open_app(page, f"{app_url}/?district={KASUR}", lambda s: s["tehsils"] > 0, what="the Kasur map")
    assert_shows_district(sig, KASUR)
    traffic.assert_clean()


PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "${alert(3)}",
    '"><svg onload=alert(4)>',
]
ZOOM_TO_MARKERS_JS = """() => {
  const map = window[Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)];
  const bounds = L.latLngBounds([]);
  map.eachLayer(function (l) { if (l instanceof L.CircleMarker && l.options.bi !== undefined) bounds.extend(l.getLatLng()); });
  map.fitBounds(bounds, {padding: [120, 120], animate: false});
}"""
CLOSE_POPUP_JS = """() => {
  window[Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)].closePopup();
}"""
MARKER_JS = """(i) => {  // where marker number i is in the map container now (null when it is not drawn)
  const map = window[Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)];
  let found = null;
  map.eachLayer(function (l) {
    if (l instanceof L.CircleMarker && l.options.bi === i) {
      const p = map.latLngToContainerPoint(l.getLatLng());
      found = {x: p.x, y: p.y};
    }
  });
  return found;
}"""


def schools_csv() -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["name", "lat", "lon"])
    for i, name in enumerate(PAYLOADS):  # around Kasur town, far enough apart to click each one
        writer.writerow([name, f"{31.1167 + 0.04 * (i % 2):.4f}", f"{74.45 + 0.05 * (i // 2):.4f}"])
    return buf.getvalue().encode()


def test_uploaded_names_show_as_text_never_run(fresh_app_url: str, page: Page, traffic) -> None:
    # fresh_app_url first: its server is set up before the page and stopped after the page's screenshot
    page.goto(f"{fresh_app_url}/data")
    settle(page)
    page.get_by_role("combobox", name="Layer").click()
    page.get_by_role("option", name="Schools", exact=True).click()
    expect(page.get_by_text("What a schools file needs")).to_be_visible()
    settle(page)
    uploader = page.get_by_test_id("stFileUploader").locator("input[type=file]")
    expect(uploader).to_have_count(1)  # the previous layer's uploader is gone
    uploader.set_input_files({"name": "schools.csv", "mimeType": "text/csv", "buffer": schools_csv()})
    store = page.get_by_role("button", name=f"Store {len(PAYLOADS)} accepted records")
    store.click()
    expect(page.get_by_text(f"Stored {len(PAYLOADS)} schools records")).to_be_visible(timeout=60_000)
    settle(page)

    frame, sig = open_app(
        page,
        f"{fresh_app_url}/?district={KASUR}&layers=schools",
        lambda s: s["points"].get("schools") == len(PAYLOADS) and s["dashedTehsils"] > 0,
        what="the uploaded schools",
    )
    # zoom in on the schools, as a person would, so that each one can be clicked
    frame.evaluate(ZOOM_TO_MARKERS_JS)
    frame, _ = wait_map(page, lambda s: s["bounds"][2] - s["bounds"][0] < 0.5, what="the zoom on the schools")
    texts = []
    for i in range(len(PAYLOADS)):  # click each school as a person would
        # asked again each time: an open popup pans the map (autoPan), so earlier positions go stale
        frame.locator(".leaflet-container").click(position=frame.evaluate(MARKER_JS, i))
        content = frame.locator(".leaflet-popup-content .bh-popup")
        expect(content).to_be_visible()
        texts.append(content.inner_text())
        assert content.locator("img, svg, script, iframe").count() == 0, content.inner_html()
        # closed through Leaflet: the close button keeps moving while the popup pans the map into view
        frame.evaluate(CLOSE_POPUP_JS)
        expect(frame.locator(".leaflet-popup")).to_have_count(0)
    for payload in PAYLOADS:
        assert sum(f"Name: {payload}" in t for t in texts) == 1, (payload, texts)
    assert frame.locator("img[src='x'], svg[onload]").count() == 0
    assert page.locator("img[src='x'], svg[onload]").count() == 0
    assert traffic.dialogs == []
    traffic.assert_clean()


def test_sources_page_loads_offline(page: Page, traffic, app_url: str) -> None:
    page.goto(f"{app_url}/sources")
    settle(page)
    expect(page.get_by_role("heading", name="Sources and attribution")).to_be_visible()
    traffic.assert_clean()


AREA_FILL_JS = """() => {  // the fill colours of the area map's polygons (Leaflet layers with a feature)
  const name = Object.keys(window).find(k => k.startsWith('map_') && window.L && window[k] instanceof L.Map);
  if (!name || document.readyState !== 'complete') return null;
  const fills = [];
  window[name].eachLayer(l => { if (l.feature && l.options.fillColor) fills.push(l.options.fillColor); });
  return fills;
}"""


def test_gaps_page_draws_the_area_map_offline(page: Page, traffic, app_url: str) -> None:
    """The Gaps page's area map in a hidden tab: drawn once shown, with the no-data class, nothing fetched."""
    page.goto(f"{app_url}/gaps")
    settle(page)
    expect(page.get_by_text("DEMO DATA", exact=False).first).to_be_visible()
    page.get_by_role("tab", name="Underserved areas").click()
    deadline = time.monotonic() + MAP_TIMEOUT
    fills = None
    while time.monotonic() < deadline and not fills:
        for frame in map_frames(page):
            try:
                fills = frame.evaluate(AREA_FILL_JS) or fills
            except PlaywrightError:
                continue
        page.wait_for_timeout(200)
    assert fills and len(fills) == 65, fills  # every district, Karachi's (no kilns detected) included
    assert "#d9d9d9" in fills and len(set(fills)) >= 3  # the no-data grey and at least two classes
    frame = next(f for f in map_frames(page) if f.evaluate(AREA_FILL_JS))
    width = frame.evaluate("() => document.querySelector('.leaflet-container').getBoundingClientRect().width")
    zoom = frame.evaluate(
        "() => window[Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)].getZoom()")
    assert width > 300 and zoom >= 5, (width, zoom)  # fitted to Punjab and Sindh, not left at the world view
    traffic.assert_clean()


def test_route_start_is_picked_on_the_map_offline(page: Page, traffic, app_url: str) -> None:
    """Routes: a click on the district map (streamlit-folium, local Leaflet) becomes the typed start point."""
    page.goto(f"{app_url}/routes?district=PK614")
    settle(page)
    start = page.get_by_role("textbox", name="Start and end (lat, lon)")
    from loaders.geo import reference

    hq = reference().district_hq.set_index("ADM2_PCODE").loc["PK614"]
    before = f"{hq['lat']:.5f}, {hq['lon']:.5f}"  # the headquarters town (the demo DVCs have no office point)
    expect(start).to_have_value(before)
    page.get_by_text("Pick the start on a map", exact=False).click()
    picker = page.frame_locator('iframe[title*="st_folium"]')
    container = picker.locator(".leaflet-container")
    expect(container).to_be_visible(timeout=30_000)
    expect(picker.locator("path.leaflet-interactive").first).to_be_attached()  # the office marker drew
    frame = next(f for f in page.frames if "st_folium" in f.url)
    # the map fits the district once its expander gives it a size; then its click handler is in place
    frame.wait_for_function("() => window.map_div && window.map_div.getZoom() >= 8", timeout=30_000)
    settle(page)
    box = container.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the middle of the district's extent
    expect(start).not_to_have_value(before, timeout=30_000)
    settle(page)
    lat, lon = (float(x) for x in start.input_value().split(","))
    south, west, north, east = district_bounds("PK614")
    assert abs(lat - (south + north) / 2) < 0.05 and abs(lon - (west + east) / 2) < 0.05, (lat, lon)
    traffic.assert_clean()


ZOOM_TO_KILN_JS = """([lat, lon]) => {
  const map = window[Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)];
  map.setView([lat, lon], 17, {animate: false});
}"""


def test_a_kiln_popup_records_a_visit_and_a_correction_keeps_the_first_version(
        fresh_app_url: str, page: Page, traffic) -> None:
    """Map popup -> "Record a visit" -> the visit form with the kiln chosen -> saved -> corrected as version 2."""
    from loaders.geo import reference

    kiln = reference().kilns.query("district_pcode == @KASUR").iloc[0]
    frame, _ = open_app(page, f"{fresh_app_url}/?district={KASUR}&layers=kilns",
                        lambda s: s["points"].get("kilns", 0) > 0, what="the kilns")
    frame.evaluate(ZOOM_TO_KILN_JS, [kiln.geometry.y, kiln.geometry.x])
    page.wait_for_timeout(1000)  # the worker sends the points of the new view
    spot = None
    for _ in range(50):
        spot = frame.evaluate(MARKER_JS, int(reference().kilns.index.get_loc(kiln.name)))
        if spot:
            break
        page.wait_for_timeout(200)
    assert spot, "the kiln was not drawn at zoom 17"
    frame.locator(".leaflet-container").click(position=spot)
    link = frame.locator(".leaflet-popup-content a.bh-link")
    expect(link).to_have_text("Record a visit")
    assert link.get_attribute("href").endswith(f"/visits?kiln={kiln.kiln_id}")
    with page.context.expect_page() as opened:  # a new tab: the map's iframe may not navigate the app's window
        link.click()
    page = opened.value
    # the app loads /visits?kiln=..., then writes the view into the URL: the kiln's district
    expect(page).to_have_url(re.compile(rf"/visits\?district={KASUR}$"), timeout=30_000)
    settle(page)
    chosen = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first.locator("input")
    expect(chosen).to_have_value(re.compile("^" + re.escape(f"{kiln.kiln_id} ·")), timeout=30_000)

    page.get_by_role("textbox", name="Visited by (role or team)").fill("Labour inspector, Kasur")
    page.get_by_role("spinbutton", name="Children present").fill("2")
    page.get_by_role("button", name="Record visit").click()
    expect(page.get_by_text(f"to kiln {kiln.kiln_id} saved")).to_be_visible(timeout=30_000)
    settle(page)

    page.get_by_role("tab", name="Visits in Kasur").click()
    grid = page.get_by_test_id("stDataFrame")
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 36 + 17)  # the first row (today's visit: newest first)
    expect(page.get_by_text("Save a new version")).to_be_visible(timeout=30_000)
    page.get_by_role("spinbutton", name="Children present").last.fill("3")
    page.get_by_role("textbox", name="Your role (kept with this version)").fill("DVC member")
    page.get_by_role("textbox", name="Why it changes").fill("two more children found at the moulding ground")
    page.get_by_role("button", name="Save a new version").click()
    expect(page.get_by_text("saved as version 2")).to_be_visible(timeout=30_000)
    settle(page)
    traffic.assert_clean()


def test_exported_html_map_opens_offline_from_a_file(page: Page, traffic, tmp_path) -> None:
    """The HTML map of a district, saved to disk and opened as a file: it draws its own kilns, clustered in a
    worker, with its title, profile and demo flag, and asks nothing of any server."""
    from datetime import date

    from layers.catalog import load_layers
    from layers.map_export import standalone_map
    from layers.mapview import MapView
    from layers.redact import redact_layers
    from layers.summary import Window, in_area
    from loaders.geo import reference

    ref = reference()
    layers = load_layers(None, ref=ref)
    view = MapView(Window(date(2023, 11, 2), date(2026, 11, 1)), district=KASUR, profile="official")
    path = tmp_path / "kasur.html"
    path.write_text(standalone_map(view, redact_layers(layers, "official", ref=ref), ref, area_name="Kasur"),
                    encoding="utf-8")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_function(
        "() => { const k = Object.keys(window).find(k => k.startsWith('map_') && window[k]._bhDrawn);"
        " return k && window[k]._bhLayers; }")
    drawn = page.evaluate("() => window[Object.keys(window).find(k => k.startsWith('map_'))]._bhLayers")
    assert drawn["kilns"] == len(in_area(layers["kilns"].frame, KASUR, None))
    expect(page.locator(".bh-cluster-kilns").first).to_be_visible()
    expect(page.locator(".bh-title")).to_contain_text("Kasur")
    expect(page.locator(".bh-title")).to_contain_text("official (no personal fields)")
    expect(page.locator(".bh-demo")).to_contain_text("DEMO DATA")
    assert [r for r in requests if not r.startswith(("file:", "data:", "blob:"))] == []
    traffic.assert_clean()
