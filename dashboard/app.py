"""Bhatta Atlas: Streamlit entry point; pages via st.navigation, one shared sidebar."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.resources import get_layers, get_reference
from dashboard.sidebar import sidebar

st.set_page_config(page_title="Bhatta Atlas", page_icon="🧱", layout="wide")

pages = [
    st.Page("pages/map.py", title="Map", icon="🗺️", default=True, url_path="map"),
    st.Page("pages/data.py", title="Load data", icon="📥", url_path="data"),
    st.Page("pages/sources.py", title="Sources", icon="📚", url_path="sources"),
]
page = st.navigation(pages)
today = date.today()
ref = get_reference()
st.session_state["view"] = sidebar(ref, get_layers(), today=today)
for notice in st.session_state.pop("view_notices", ()):
    st.warning(notice)
page.run()
