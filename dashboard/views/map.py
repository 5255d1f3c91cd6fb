"""Map page: the six layers on district maps, and the figures of the chosen area beside them."""

from __future__ import annotations

import dataclasses
import json
import os
import time

import streamlit as st

from dashboard.exports import download
from dashboard.resources import (
    district_brief_report,
    get_gap_report,
    get_layers,
    get_reference,
    get_shared_layers,
    get_store,
    map_url,
    session_access,
    store_version,
)
from dashboard.state import PROVINCES
from layers.brief import brief, brief_name
from layers.gaps import GapSettings
from layers.html import md
from layers.map_export import standalone_map
from layers.mapview import ATTRIBUTION, MapView
from layers.redact import profile_label
from layers.snapshot import snapshot, snapshot_name
from layers.summary import Window, area_figures

started = time.perf_counter()
ref = get_reference()
state = st.session_state["view"]
layers = get_shared_layers(state.profile)
window = Window(state.start, state.end)
# the view of the area chosen (the snapshot draws it); the map itself shows everything and follows the URL
view = MapView(window=window, layers=state.layers, district=state.district, province=state.province,
               basemap=state.basemap, desert=state.desert, profile=state.profile, lang=state.lang,
               urdu_digits=state.urdu_digits)

names = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True))
area = names[state.district] if state.district else PROVINCES.get(state.province, "Punjab and Sindh")
st.markdown(f"#### {area} · {window.start.isoformat()} to {window.end.isoformat()}")
demo = sorted(layers[n].label for n in state.layers if layers[n].synthetic)
if demo:
    st.warning(f"**DEMO DATA** — {', '.join(demo)} on this map are synthetic, generated for demonstration. "
               "Only boundaries, kilns and population are real.", icon="⚠️")

map_col, panel = st.columns([3, 1.15])
with map_col:
    # a plain iframe of our own HTML (every string in it escaped server-side): st_folium would render the map
    # twice and post-process it on every run, and we use none of the values it returns

    # the map does not depend on the chosen area: it follows the URL itself (AreaFollower), so a new
    # district only zooms the map already drawn instead of sending and drawing a new one
    whole = dataclasses.replace(view, district=None, province=None)
    st.iframe(map_url(whole, store_version(get_store()), session_access().districts), height=680)
with panel:
    st.markdown(f"**{area}**")
    # figures are counts per area: from every record, with small visit counts hidden in the public profile
    for fig in area_figures(get_layers(), ref, window=window, district=state.district, province=state.province,
                            small_count=5 if state.profile == "public" else None):
        tag = " :orange-badge[demo data]" if fig.synthetic else ""
        st.metric(fig.label, fig.value)
        st.caption(f"{fig.note + ' · ' if fig.note else ''}Source: {md(fig.source)}{tag}")
st.caption(ATTRIBUTION)

# a snapshot to share: the view as a PNG (phones), an A4 PDF or an HTML map that opens offline, made on the
# server from the redacted layers
c1, c2, c3, c4 = st.columns([2.1, 1, 1, 2])
if c1.button("Prepare snapshot (PNG, PDF, HTML map)", help=f"Profile: {profile_label(state.profile)}"):
    gaps = get_gap_report(window.end, GapSettings()).kilns  # desert rings; popups show what the profile allows
    files = {fmt: snapshot(view, layers, ref, fmt=fmt, profile=state.profile, gaps=gaps) for fmt in ("png", "pdf")}
    files["html"] = standalone_map(view, layers, ref, area_name=area, gaps=gaps).encode("utf-8")
    st.session_state["snapshot"] = (view, files)
made = st.session_state.get("snapshot")
if made and made[0] == view:
    for col, fmt, label, mime in ((c2, "png", "PNG", "image/png"), (c3, "pdf", "PDF", "application/pdf"),
                                  (c4, "html", "HTML map (opens offline)", "text/html")):
        download(col, f"Download {label}", made[1][fmt], snapshot_name(view, ref, fmt), mime, key=f"snapshot_{fmt}",
                 what=f"snapshot {fmt}")
# the district brief: two A4 pages for a DVC meeting (the map and key figures; priorities, rank, unknowns)
if state.district:
    b1, b2 = st.columns([2.1, 4])
    if b1.button(f"Prepare the {area} brief (2-page PDF)", help=f"Profile: {profile_label(state.profile)}"):
        # the province ranking compares aggregate figures: from the whole report; records stay the user's own
        whole_report = district_brief_report(window.end)
        st.session_state["brief"] = (view, brief(state.district, get_layers(), ref, profile=state.profile,
                                                 as_of=window.end, window=window, gaps_report=whole_report,
                                                 shared=layers))
    made = st.session_state.get("brief")
    if made and made[0] == view:
        download(b2, "Download brief (PDF)", made[1], brief_name(state.district, ref, window.end), "application/pdf",
                 key="brief_pdf", what="district brief")
if log := os.environ.get("BHATTA_BENCH_LOG"):  # benchmarks: server time to build this page
    with open(log, "a", encoding="utf-8") as f:
        f.write(json.dumps({"page": "map", "district": state.district, "build_s": time.perf_counter() - started}) + "\n")
