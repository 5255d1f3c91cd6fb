"""Map page: the six layers on district maps, and the figures of the chosen area beside them."""

from __future__ import annotations

import dataclasses
import json
import os
import time

import streamlit as st

from dashboard.exports import download
from dashboard.i18n import _, tr
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
from dashboard.state import area_name
from layers.brief import brief, brief_name
from layers.gaps import GapSettings
from layers.html import md
from layers.i18n import N_
from layers.map_export import standalone_map
from layers.mapview import MapView, attribution
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

t = tr()


def day(d) -> str:
    """A date of the heading: ISO in English (as before), the language's own way on Urdu pages."""
    return t.date(d) if t.rtl else d.isoformat()


names = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True))
area = area_name(state, names)
st.markdown("#### " + _("{area} · {start} to {end}").format(area=area, start=day(window.start), end=day(window.end)))
demo = sorted(_(layers[n].label) for n in state.layers if layers[n].synthetic)
if demo:
    st.warning(_("**DEMO DATA** — {layers} on this map are synthetic, generated for demonstration. "
                 "Only boundaries, kilns and population are real.").format(layers=", ".join(demo)), icon="⚠️")

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
                            small_count=5 if state.profile == "public" else None, lang=state.lang,
                            urdu_digits=state.urdu_digits):
        tag = " :orange-badge[" + _("demo data") + "]" if fig.synthetic else ""
        st.metric(fig.label, fig.value)  # in the view's language (area_figures)
        source = _("Source: {source}").format(source=md(fig.source))
        st.caption(f"{fig.note + ' · ' if fig.note else ''}{source}{tag}")
st.caption(attribution(state.lang))

# a snapshot to share: the view as a PNG (phones), an A4 PDF or an HTML map that opens offline, made on the
# server from the redacted layers
c1, c2, c3, c4 = st.columns([2.1, 1, 1, 2])
profile_help = _("Profile: {profile}").format(profile=profile_label(state.profile, state.lang,
                                                                    urdu_digits=state.urdu_digits))
if c1.button(_("Prepare snapshot (PNG, PDF, HTML map)"), help=profile_help):
    gaps = get_gap_report(window.end, GapSettings()).kilns  # desert rings; popups show what the profile allows
    files = {fmt: snapshot(view, layers, ref, fmt=fmt, profile=state.profile, gaps=gaps) for fmt in ("png", "pdf")}
    files["html"] = standalone_map(view, layers, ref, area_name=area, gaps=gaps).encode("utf-8")
    st.session_state["snapshot"] = (view, files)
made = st.session_state.get("snapshot")
if made and made[0] == view:
    for col, fmt, label, mime in ((c2, "png", N_("Download PNG"), "image/png"),
                                  (c3, "pdf", N_("Download PDF"), "application/pdf"),
                                  (c4, "html", N_("Download HTML map (opens offline)"), "text/html")):
        download(col, _(label), made[1][fmt], snapshot_name(view, ref, fmt), mime, key=f"snapshot_{fmt}",
                 what=f"snapshot {fmt}")
# the district brief: two A4 pages for a DVC meeting (the map and key figures; priorities, rank, unknowns)
if state.district:
    b1, b2 = st.columns([2.1, 4])
    if b1.button(_("Prepare the {area} brief (2-page PDF)").format(area=area), help=profile_help):
        # the province ranking compares aggregate figures: from the whole report; records stay the user's own
        whole_report = district_brief_report(window.end)
        st.session_state["brief"] = (view, brief(state.district, get_layers(), ref, profile=state.profile,
                                                 as_of=window.end, window=window, gaps_report=whole_report,
                                                 shared=layers, lang=state.lang,
                                                 urdu_digits=state.urdu_digits))
    made = st.session_state.get("brief")
    if made and made[0] == view:
        download(b2, _("Download brief (PDF)"), made[1], brief_name(state.district, ref, window.end), "application/pdf",
                 key="brief_pdf", what="district brief")
if log := os.environ.get("BHATTA_BENCH_LOG"):  # benchmarks: server time to build this page
    with open(log, "a", encoding="utf-8") as f:
        f.write(json.dumps({"page": "map", "district": state.district, "build_s": time.perf_counter() - started}) + "\n")
