"""Map page: the six layers on district maps, and the figures of the chosen area beside them."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from dashboard.resources import get_layers, get_reference
from dashboard.state import PROVINCES
from layers.mapview import ATTRIBUTION, MapView, build_map
from layers.summary import Window, area_figures

ref = get_reference()
layers = get_layers()
state = st.session_state["view"]
window = Window(state.start, state.end)
view = MapView(window=window, layers=state.layers, district=state.district, province=state.province,
               basemap=state.basemap)

names = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True))
area = names[state.district] if state.district else PROVINCES.get(state.province, "Punjab and Sindh")
st.markdown(f"#### {area} · {window.start.isoformat()} to {window.end.isoformat()}")
demo = sorted(layers[n].label for n in state.layers if layers[n].synthetic)
if demo:
    st.warning(f"**DEMO DATA** — {', '.join(demo)} on this map are synthetic, generated for demonstration. "
               "Only boundaries, kilns and population are real.", icon="⚠️")

map_col, panel = st.columns([3, 1.15])
with map_col:
    folium_map = build_map(view, layers, ref)
    st_folium(folium_map, height=680, use_container_width=True, returned_objects=[],
              key=f"map-{state.district}-{state.province}")
with panel:
    st.markdown(f"**{area}**")
    for fig in area_figures(layers, ref, window=window, district=state.district, province=state.province):
        tag = " :orange-badge[demo data]" if fig.synthetic else ""
        st.metric(fig.label, fig.value)
        st.caption(f"{fig.note + ' · ' if fig.note else ''}Source: {fig.source}{tag}")
st.caption(ATTRIBUTION)
