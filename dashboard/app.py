"""Bhatta Atlas: Streamlit entry point; sign-in, then pages via st.navigation and one shared sidebar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from dashboard.auth import NO_SIGN_IN, current_access
from dashboard.flow import EndPage
from dashboard.i18n import page_style
from dashboard.resources import get_layers, get_reference
from dashboard.sidebar import current_view, sidebar
from layers.access import LOCAL_ADMIN, Forbidden

FAVICON = Path(__file__).parent / "static" / "favicon.png"
# a local favicon: with an emoji or material icon (here or on a page) Streamlit fetches it from the internet
st.set_page_config(page_title="Bhatta Atlas", page_icon=str(FAVICON), layout="wide")

access = current_access()  # draws the sign-in form when needed
st.session_state["access_now"] = access
if access is not None:
    pages = [
        st.Page("views/map.py", title="Map", default=True),  # the default page lives at / (a url_path is ignored)
        st.Page("views/gaps.py", title="Gaps", url_path="gaps"),
        st.Page("views/routes.py", title="Routes", url_path="routes"),
        st.Page("views/visits.py", title="Visits", url_path="visits"),
        st.Page("views/data.py", title="Load data", url_path="data"),
        st.Page("views/sources.py", title="Sources", url_path="sources"),
    ]
    if access.may("read_audit"):
        pages.append(st.Page("views/audit.py", title="Users and audit", url_path="audit"))
    page = st.navigation(pages)
    today = date.today()
    ref = get_reference()
    st.session_state["view"] = current_view(ref, today=today, access=access)
    page_style()
    if access is LOCAL_ADMIN:
        st.caption(NO_SIGN_IN)
    for notice in st.session_state.pop("view_notices", ()):
        st.warning(notice)
    try:
        page.run()
    except EndPage:  # the page ended early (dashboard.flow): the sidebar is still needed, e.g. to choose a district
        pass
    except Forbidden as refused:  # checked on the server whatever the page showed
        st.error(f"Not allowed: {refused}")
    sidebar(ref, get_layers(), today=today, access=access)  # after the page: the browser gets the map first
