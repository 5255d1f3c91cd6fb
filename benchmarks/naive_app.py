"""The naive baseline most Streamlit map apps use: one folium.Marker per kiln, rendered with st_folium.

Benchmarks only (benchmarks/bench_browser.py). Leaflet and jQuery are pointed at the vendored copies so it
can draw offline at all; everything else is folium's default way.
"""

import json
import os
import time

import folium
import streamlit as st
from streamlit_folium import st_folium

from loaders.geo import reference, scaled_kilns

started = time.perf_counter()


@st.cache_resource
def kilns():
    ref = reference()
    scale = int(os.environ.get("BHATTA_KILNS_SCALEUP", "0") or 0)
    return ref, (scaled_kilns(ref.kilns, scale) if scale else ref.kilns)


ref, points = kilns()
base = "/app/static/vendor"
folium.Map.default_js = [("leaflet", f"{base}/leaflet/leaflet.js"), ("jquery", f"{base}/jquery/jquery.min.js")]
folium.Map.default_css = [("leaflet_css", f"{base}/leaflet/leaflet.css")]
folium.Marker.default_js, folium.Marker.default_css = [], []
names = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True))
district = st.sidebar.selectbox("District", ["all", *names], format_func=lambda p: names.get(p, "All districts"))
m = folium.Map(location=[28.5, 70], zoom_start=6, tiles=None)
m.options["maxZoom"] = 18
folium.GeoJson(ref.districts[["ADM2_PCODE", "geometry"]]).add_to(m)
for kiln_id, lat, lon in zip(points["kiln_id"], points["lat"], points["lon"], strict=True):
    folium.Marker([lat, lon], popup=str(kiln_id)).add_to(m)
if district != "all":
    minx, miny, maxx, maxy = ref.districts.loc[ref.districts["ADM2_PCODE"] == district].total_bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]])
st_folium(m, height=650, use_container_width=True, returned_objects=[], key=f"naive-{district}")
if log := os.environ.get("BHATTA_BENCH_LOG"):
    with open(log, "a", encoding="utf-8") as f:
        f.write(json.dumps({"page": "naive", "district": district, "build_s": time.perf_counter() - started}) + "\n")
