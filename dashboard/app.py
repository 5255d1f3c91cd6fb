"""Bhatta Atlas: Streamlit entry point; pages via st.navigation, one shared sidebar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from dashboard.flow import EndPage
from dashboard.resources import get_layers, get_reference
from dashboard.sidebar import current_view, sidebar

FAVICON = Path(__file__).parent / "static" / "favicon.png"
# a local favicon: with an emoji or material icon (here or on a page) Streamlit fetches it from the internet
st.set_page_config(page_title="Bhatta Atlas", page_icon=str(FAVICON), layout="wide")

pages = [
    st.Page("views/map.py", title="Map", default=True),  # the default page lives at / (a url_path is ignored)
    st.Page("views/gaps.py", title="Gaps", url_path="gaps"),
    st.Page("views/routes.py", title="Routes", url_path="routes"),
    st.Page("views/visits.py", title="Visits", url_path="visits"),
    st.Page("views/data.py", title="Load data", url_path="data"),
    st.Page("views/sources.py", title="Sources", url_path="sources"),
]
page = st.navigation(pages)
today = date.today()
ref = get_reference()
st.session_state["view"] = current_view(ref, today=today)
for notice in st.session_state.pop("view_notices", ()):
    st.warning(notice)
try:
    page.run()
except EndPage:  # the page ended early (dashboard.flow): the sidebar is still needed, e.g. to choose a district
    pass
sidebar(ref, get_layers(), today=today)  # after the page: the browser gets the map first
