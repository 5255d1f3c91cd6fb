"""Hostile text in every field of every layer: shown as text, never run, never fetched, never a live formula.

One store is filled through the loaders (``check_file`` then ``Store.add_import``, as the upload page and
``bhatta import`` do) with records of all six layers in Kasur whose every id and free-text field holds one of
:data:`PAYLOADS`, plus a column outside the contract whose header and values are payloads too, from files whose
names are payloads. The app then runs on that store and Chromium goes through the pages that show the records:
the map's popups, legend and district tooltip; the HTML map export opened from disk; the Gaps tables, the
Visits page of a payload kiln, a route through the payload kilns, the Load data and Sources pages; and every
CSV they offer. Nothing may open a dialog, set ``window.__pwned`` in any frame, fetch from outside or throw,
and the payloads must be *visible* as literal text in the popups (a blank popup would pass the rest).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page, expect

from .conftest import ARTIFACTS, run_app
from .test_browser import KASUR, map_frames, settle, wait_map

LINK = "javascript:window.__pwned=1"
MARKDOWN = "![pixel](https:evil.example/pixel.png) [click](javascript:window.__pwned=1)"
FORMULA = '=HYPERLINK("https://evil.example/","x")'
PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload=window.__pwned=1>',
    LINK,
    "${window.__pwned=1}",
    "{{7*7}}",
    "</script><script>window.__pwned=1</script>",
    r"""it's "quoted" \' \" \\ ` \x3c \u003c""",
    MARKDOWN,
    FORMULA,
    r"$\pwned{x}$ 100% #1 & _^",
]
"""Script and markup injection, a ``javascript:`` URL (kiln ids become links), template expressions (JS and
Jinja/Angular), a quote/backslash mix, Markdown that would fetch an image and link a script, a formula, and
matplotlib mathtext that cannot be parsed (the snapshots draw sources with matplotlib)."""
EXTRA_HEADER = "<img src=x onerror=\"window.__pwned=1\"> =cmd|' /C calc'!A0"
"""A column outside every contract: its header and its values are payloads."""
LAYERS = ("kilns", "inspections", "dvcs", "schools", "health", "ngo")
POINT_LAYERS = ("kilns", "inspections", "schools", "health", "ngo")
POPUP_TITLES = {"kilns": "Brick kiln", "inspections": "Inspection visit (latest in window)", "schools": "School",
                "health": "Health unit", "ngo": "NGO service"}
ORIGIN = (31.10, 74.40)
"""South-west corner of the payload records, near Kasur town: payload i of a layer at (lat + 0.002 i, lon + 0.008 j)."""
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def file_name(layer: str) -> str:
    """The name each file is uploaded as: it becomes the records' source, shown on the Map and Sources pages."""
    return f"{layer} <img src=x onerror=window.__pwned=1> ![p](https:evil.example/{layer}.png) :red[c] $\\pwned{{$.csv"


def place(layer: str, i: int) -> tuple[float, float]:
    column = 0 if layer == "inspections" else POINT_LAYERS.index(layer)  # visits at their kilns
    return round(ORIGIN[0] + 0.002 * i, 5), round(ORIGIN[1] + 0.008 * column, 5)


def records(layer: str, today: date) -> list[dict[str, object]]:
    """One record per payload: every id and text field of the contract holds it; other fields are valid."""
    from loaders.contracts import CONTRACTS

    out = []
    for i, payload in enumerate(PAYLOADS):
        row: dict[str, object] = {f.name: payload for f in CONTRACTS[layer].fields if f.kind in ("id", "text")}
        if layer == "kilns":
            row.update(kiln_type="FCBK", workers_reported=40, children_reported=6)
        elif layer == "inspections":
            # overdue (so the kilns are listed to visit), the newest the Markdown payload's
            days = 400 + (i - PAYLOADS.index(MARKDOWN)) % len(PAYLOADS)
            row.update(visit_id=f"{payload} #{i}", visit_date=(today - timedelta(days=days)).isoformat(),
                       child_labour_observed="yes", bonded_labour_indicators="yes", action_taken="advice",
                       children_count=3, advance_amount_pkr=150000)
        elif layer == "schools":
            row.update(level="primary", gender="girls", management="public", enrolment=120)
        elif layer == "health":
            row.update(facility_type="BHU")
        elif layer == "ngo":
            row.update(service_type="legal aid", start_date="2024-01-01")
        if layer == "dvcs":
            if i:  # one committee per district
                continue
            row.update(district=KASUR, notified="yes", notified_date="2023-01-01", meetings_last_12m=4,
                       last_meeting_date=(today - timedelta(days=30)).isoformat(), office_lat=31.118, office_lon=74.445)
        else:
            row["lat"], row["lon"] = place(layer, i)
        row[EXTRA_HEADER] = payload
        out.append(row)
    return out


def fill_store(var_dir: Path, work: Path) -> None:
    """Every layer's payload file checked and stored as an upload is: kilns first, so visits match them."""
    from layers.catalog import all_kilns
    from loaders.geo import reference
    from loaders.store import Store
    from loaders.validate import check_file

    ref = reference()
    var_dir.mkdir(parents=True, exist_ok=True)
    store = Store(f"sqlite:///{var_dir / 'bhatta.sqlite'}")
    today = date.today()
    for layer in LAYERS:
        rows = records(layer, today)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path = work / f"{layer}.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        known = all_kilns(store, ref) if layer == "inspections" else None
        report = check_file(path, layer, display_name=file_name(layer), ref=ref, known_kilns=known)
        assert (len(report.accepted), report.rejected) == (len(rows), []), (layer, report.rejected)
        assert set(report.accepted["district_pcode"]) == {KASUR}, layer
        assert report.extra_columns == [EXTRA_HEADER], report.extra_columns
        if layer == "inspections":  # each visit matched its payload kiln by id
            assert report.accepted["kiln_id"].tolist() == PAYLOADS
        store.add_import(report, source=path)


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a store of payload records only (plus the detected kilns, which are not stored)."""
    folder = tmp_path_factory.mktemp("hostile")
    fill_store(folder / "var", folder)
    with run_app(folder / "var", ARTIFACTS / "streamlit-hostile.log") as url:
        yield url


# ---------------------------------------------------------------------------------------------- checks

PWNED_JS = "() => typeof window.__pwned === 'undefined' ? null : String(window.__pwned)"


def assert_not_pwned(page: Page, traffic) -> None:
    """No payload ran in the page or any of its frames, no dialog opened, nothing was fetched from outside."""
    for frame in page.frames:
        try:
            ran = frame.evaluate(PWNED_JS)
        except PlaywrightError:  # a frame gone while asked (the map iframe is replaced on a rerun)
            continue
        assert ran is None, f"a payload ran in {frame.url}"
    assert page.locator("img[src='x'], svg[onload], a[href^='javascript:']").count() == 0
    assert traffic.dialogs == []
    traffic.assert_clean()


MAP_OF_JS = "Object.keys(window).map(k => window[k]).find(v => window.L && v instanceof L.Map)"

OPEN_POPUPS_JS = f"""([south, west, north, east]) => {{
  // every point marker in the box: its popup opened through Leaflet (no pan), read, closed
  const map = {MAP_OF_JS};
  const markers = [];
  map.eachLayer(l => {{
    if (!(l instanceof L.CircleMarker) || l.options.bi === undefined) return;
    const p = l.getLatLng();
    if (p.lat >= south && p.lat <= north && p.lng >= west && p.lng <= east) markers.push(l);
  }});
  return markers.map(l => {{
    l.getPopup().options.autoPan = false;
    l.openPopup();
    const node = map._popup && map._popup._contentNode;
    const seen = node ? {{
      text: node.innerText, html: node.innerHTML,
      elements: node.querySelectorAll('img, svg, script, iframe, object, embed, style').length,
      links: Array.from(node.querySelectorAll('a')).map(a => a.href),
    }} : null;
    map.closePopup();
    return seen;
  }}).filter(Boolean);
}}"""

OPEN_TOOLTIP_JS = f"""(pcode) => {{
  const map = {MAP_OF_JS};
  // the event a pointer over the district sends; the tooltip is bound to the districts' GeoJSON group
  map.eachLayer(l => {{
    if (l.feature && l.feature.properties.ADM2_PCODE === pcode) l.fire('mouseover', {{latlng: map.getCenter()}}, true);
  }});
}}"""

FOCUS_JS = f"""([lat, lon, zoom]) => {{ {MAP_OF_JS}.setView([lat, lon], zoom, {{animate: false}}); }}"""

COUNT_IN_BOX_JS = f"""([south, west, north, east]) => {{
  const map = {MAP_OF_JS};
  if (!map) return 0;
  let n = 0;
  map.eachLayer(l => {{
    if (l instanceof L.CircleMarker && l.options.bi !== undefined) {{
      const p = l.getLatLng();
      if (p.lat >= south && p.lat <= north && p.lng >= west && p.lng <= east) n++;
    }}
  }});
  return n;
}}"""


def payload_box() -> list[float]:
    south, west = ORIGIN
    north, east = place("ngo", len(PAYLOADS) - 1)
    return [south - 0.0005, west - 0.0005, north + 0.0005, east + 0.0005]


def open_payload_popups(frame: Frame | Page) -> list[dict]:
    """Zoom in on the payload records (clusters open up above zoom 14) and read each popup there."""
    box = payload_box()
    centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    frame.evaluate(FOCUS_JS, [centre[0], centre[1], 15])
    expected = len(PAYLOADS) * len(POINT_LAYERS)
    frame.wait_for_function(f"(box) => ({COUNT_IN_BOX_JS})(box) >= {expected}", arg=box, timeout=30_000)
    return frame.evaluate(OPEN_POPUPS_JS, box)


def assert_popups_show_payloads_as_text(popups: list[dict], *, base: str | None) -> None:
    """Each layer has a popup per payload showing it literally; no payload became an element or a link."""
    for popup in popups:
        assert popup["elements"] == 0, popup["html"]
        for href in popup["links"]:  # the kiln's "Record a visit": the app's own page, the id encoded
            assert base is not None and href.startswith(f"{base}/visits?kiln="), href
    for layer in POINT_LAYERS:
        title = POPUP_TITLES[layer]
        texts = [p["text"] for p in popups if p["text"].startswith(title + "\n") or p["text"] == title]
        assert len(texts) >= len(PAYLOADS), (layer, len(texts))
        for payload in PAYLOADS:
            assert any(payload in t for t in texts), (layer, payload, texts)
        assert any(f"imported: {file_name(layer)}" in t for t in texts), (layer, texts[:1])


def csv_rows(payload: bytes) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(payload.decode("utf-8-sig"), newline="")))
    return [r for r in rows if not (r and r[0].startswith("# "))]


def assert_csv_inert(payload: bytes, *, contains: str | None = None) -> list[list[str]]:
    """No cell of a downloaded CSV starts a formula; ``contains`` (neutralised) is among the cells."""
    rows = csv_rows(payload)
    for row in rows:
        for cell in row:
            assert cell[:1] not in TRIGGERS or re.fullmatch(r"-?[\d.]+(e-?\d+)?", cell), cell
    if contains is not None:
        shown = "'" + contains if contains[:1] in TRIGGERS else contains
        assert any(shown in cell for row in rows for cell in row), (contains, rows[:3])
    return rows


def assert_xlsx_inert(payload: bytes) -> None:
    """No cell of a downloaded workbook is a formula or text starting one; the payload kiln ids are in it."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(payload))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert all(t[:1] not in TRIGGERS for t in texts)
    assert "'" + FORMULA in texts and PAYLOADS[0] in texts


def download(page: Page, button, folder: Path) -> bytes:
    with page.expect_download() as info:
        button.click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path.read_bytes()


# ----------------------------------------------------------------------------------------------- tests


def wait_map_page(page: Page, url: str) -> tuple[Frame, dict]:
    page.goto(url)
    frame, sig = wait_map(page, lambda s: s["points"].get("ngo") == len(PAYLOADS) and s["tehsils"] > 0,
                          what="the payload records on the Kasur map")
    settle(page)
    return frame, sig


def test_map_popups_legend_tooltip_and_html_export(hostile_url: str, page: Page, traffic, tmp_path: Path) -> None:
    frame, sig = wait_map_page(page, f"{hostile_url}/?district={KASUR}")
    assert {sig["points"][n] for n in ("schools", "health", "ngo", "inspections")} == {len(PAYLOADS)}, sig
    expect(frame.locator(".bh-legend")).to_contain_text(f"Schools ({len(PAYLOADS)})")
    popups = open_payload_popups(frame)
    assert_popups_show_payloads_as_text(popups, base=hostile_url)
    # the kiln whose id is a javascript: URL links to its Visits page, the id encoded as a query value
    assert f"{hostile_url}/visits?kiln={quote(LINK, safe='')}" in [h for p in popups for h in p["links"]]

    # the district's tooltip, opened through Leaflet: the points' canvas lies above the districts' and takes
    # the mouse, so a hover over the map does not reach them
    frame.evaluate(OPEN_TOOLTIP_JS, KASUR)
    tooltip = frame.locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text("Kasur")
    expect(tooltip).to_contain_text("DVC")
    assert tooltip.locator("img, svg, script").count() == 0
    assert_not_pwned(page, traffic)

    # the HTML map export of the view, opened from disk
    page.get_by_role("button", name=re.compile("^Prepare snapshot")).click()
    settle(page)  # the PNG and PDF are drawn with matplotlib, which reads "$...$" in a text as mathematics
    html = download(page, page.get_by_role("button", name="Download HTML map (opens offline)"), tmp_path)
    assert b"<script>window.__pwned" not in html and b"onerror=\"window" not in html
    exported = tmp_path / "export.html"
    exported.write_bytes(html)
    offline = page.context.new_page()
    offline.goto(exported.as_uri())
    offline.wait_for_function(f"() => {{ const m = {MAP_OF_JS}; return m && m._bhDrawn; }}", timeout=30_000)
    expect(offline.locator(".bh-title")).to_contain_text("Kasur")
    assert_popups_show_payloads_as_text(open_payload_popups(offline), base=None)  # no visit links offline
    assert_not_pwned(offline, traffic)
    assert_not_pwned(page, traffic)


def test_pages_tables_and_downloads(hostile_url: str, page: Page, traffic, tmp_path: Path) -> None:
    # Gaps: the kilns to visit, areas and committees, and each CSV offered
    page.goto(f"{hostile_url}/gaps?district={KASUR}")
    settle(page)
    expect(page.get_by_text("Kilns detected")).to_be_visible()
    buttons = page.get_by_role("button", name="Download CSV")
    assert_csv_inert(download(page, buttons.first, tmp_path), contains=FORMULA)
    page.get_by_role("button", name="Prepare Excel file").first.click()
    assert_xlsx_inert(download(page, page.get_by_role("button", name="Download XLSX"), tmp_path))
    for i in range(1, buttons.count()):
        page.get_by_role("tab").nth(i).click()
        assert_csv_inert(download(page, buttons.nth(i), tmp_path))
    assert_not_pwned(page, traffic)

    # Routes: the payload kilns (overdue, with findings) come first; the plan, its map, its CSV and visit sheet
    page.goto(f"{hostile_url}/routes?district={KASUR}")
    settle(page)
    page.get_by_role("spinbutton", name="Minutes per visit").fill("20")  # all the payload kilns in one day
    page.get_by_role("button", name="Plan route").click()
    expect(page.get_by_text("Kilns planned")).to_be_visible(timeout=60_000)  # before the run: settle would pass
    settle(page)
    assert_csv_inert(download(page, page.get_by_role("button", name="CSV", exact=True), tmp_path),
                     contains=FORMULA)
    sheet = assert_csv_inert(download(page, page.get_by_role("button", name="Visit sheet (CSV)"), tmp_path))
    assert {r[2] for r in sheet[1:]} >= {("'" + p if p[:1] in TRIGGERS else p) for p in PAYLOADS}, sheet
    for frame in map_frames(page):
        frame.wait_for_load_state()
    assert_not_pwned(page, traffic)

    # Load data (imports and columns outside the contracts) and Sources (the files' names)
    page.goto(f"{hostile_url}/data")
    settle(page)
    expect(page.get_by_text("Columns shared beyond internal use")).to_be_visible()
    page.goto(f"{hostile_url}/sources")
    settle(page)
    expect(page.get_by_text(file_name("schools"), exact=False).first).to_be_visible()
    assert_not_pwned(page, traffic)

    # Visits: a payload kiln as its popup's link opens it; its newest visit; a visit recorded at it
    kiln = MARKDOWN
    page.goto(f"{hostile_url}/visits?district={KASUR}&kiln={quote(kiln, safe='')}")
    settle(page)
    chosen = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first.locator("input")
    expect(chosen).to_have_value(re.compile("^" + re.escape(kiln + " ·")))
    page.get_by_role("tab", name="Visits in Kasur").click()
    box = page.get_by_test_id("stDataFrame").bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 36 + 17)  # the first row: the newest visit, the Markdown payload's
    expect(page.get_by_text(f"Visit {kiln} #{PAYLOADS.index(kiln)} to kiln {kiln}")).to_be_visible(timeout=30_000)
    page.get_by_role("tab", name="Record a visit").click()
    page.get_by_role("textbox", name="Visited by (role or team)").first.fill(PAYLOADS[1])
    page.get_by_role("button", name="Record visit").first.click()
    expect(page.get_by_text(f"to kiln {kiln} saved", exact=False)).to_be_visible(timeout=30_000)
    settle(page)
    assert_not_pwned(page, traffic)
