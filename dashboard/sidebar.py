"""The one sidebar: area, date window, layers and basemap, kept in step with the URL."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.state import BASEMAPS, PROVINCES, ViewState, from_query, to_query
from layers.catalog import LayerData
from loaders.contracts import LAYERS
from loaders.geo import Reference

ALL = "__all__"


def _seed_session(ref: Reference, today: date) -> None:
    """On a session's first run, take the view from the URL (a shared link restores the view)."""
    if "view_seeded" in st.session_state:
        return
    params = {k: st.query_params.get(k) for k in st.query_params}
    districts = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM1_PCODE"], strict=True))
    state = from_query(params, today=today, districts=districts)
    st.session_state.update({
        "view_seeded": True,
        "w_province": state.province or ALL,
        "w_district": state.district or ALL,
        "w_window": (state.start, state.end),
        "w_basemap": state.basemap,
        **{f"w_layer_{name}": name in state.layers for name in LAYERS},
        "view_notices": state.notices,
    })


def sidebar(ref: Reference, layers: dict[str, LayerData], *, today: date) -> ViewState:
    """Draw the sidebar and return the view it selects; the URL is updated to match."""
    _seed_session(ref, today)
    names = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True))
    with st.sidebar:
        st.markdown("### Bhatta Atlas")
        province = st.selectbox("Province", [ALL, *PROVINCES], key="w_province",
                                format_func=lambda p: "Punjab and Sindh" if p == ALL else PROVINCES[p])
        options = [p for p in sorted(names, key=names.get) if province == ALL or p.startswith(province)]
        if st.session_state.get("w_district") not in (ALL, *options):
            st.session_state["w_district"] = ALL
        district = st.selectbox("District", [ALL, *options], key="w_district",
                                format_func=lambda p: "All districts" if p == ALL else f"{names[p]} ({p})")
        window = st.date_input("Date window (visits, DVC status)", key="w_window", max_value=date(today.year + 1, 12, 31))
        if not isinstance(window, tuple) or len(window) != 2:
            st.caption("Pick an end date to complete the window.")
            window = st.session_state.get("w_window_last", (window[0], today) if window else (today, today))
        st.session_state["w_window_last"] = window
        st.markdown("**Layers**")
        shown = set()
        for name in LAYERS:
            data = layers[name]
            demo = " · demo data" if data.synthetic else ""
            if st.toggle(f"{data.label} ({len(data):,}){demo}", key=f"w_layer_{name}"):
                shown.add(name)
        basemap = st.radio("Basemap", list(BASEMAPS), key="w_basemap", format_func=BASEMAPS.get)
    state = ViewState(
        province=None if province == ALL else province,
        district=None if district == ALL else district,
        layers=frozenset(shown),
        start=window[0],
        end=window[1],
        basemap=basemap,
        notices=tuple(st.session_state.get("view_notices", ())),
    )
    query = to_query(state, today=today)
    if {k: st.query_params.get(k) for k in st.query_params} != query:
        st.query_params.from_dict(query)
    return state
