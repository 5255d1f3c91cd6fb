"""Bhatta Atlas: Streamlit entry point; sign-in, then pages via st.navigation and one shared sidebar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from dashboard.auth import NO_SIGN_IN, current_access
from dashboard.flow import EndPage
from dashboard.i18n import _, page_style, tr
from dashboard.resources import get_layers, get_reference
from dashboard.sidebar import current_view, sidebar
from layers.access import LOCAL_ADMIN, Forbidden
from layers.html import md
from loaders.problems import render

FAVICON = Path(__file__).parent / "static" / "favicon.png"
# a local favicon: with an emoji or material icon (here or on a page) Streamlit fetches it from the internet
st.set_page_config(page_title="Bhatta Atlas", page_icon=str(FAVICON), layout="wide")

access = current_access()  # draws the sign-in form when needed
st.session_state["access_now"] = access
if access is None:
    page_style()  # the sign-in form (or its refusal) in the link's language, right to left in Urdu
else:
    today = date.today()
    ref = get_reference()
    # the view first: its language names the pages (a language just chosen in the sidebar names them now)
    st.session_state["view"] = current_view(ref, today=today, access=access)
    pages = [
        st.Page("views/map.py", title=_("Map"), default=True),  # the default page lives at / (a url_path is ignored)
        st.Page("views/gaps.py", title=_("Gaps"), url_path="gaps"),
        st.Page("views/routes.py", title=_("Routes"), url_path="routes"),
        st.Page("views/visits.py", title=_("Visits"), url_path="visits"),
        st.Page("views/data.py", title=_("Load data"), url_path="data"),
        st.Page("views/sources.py", title=_("Sources"), url_path="sources"),
    ]
    if access.may("read_audit"):
        pages.append(st.Page("views/audit.py", title=_("Users and audit"), url_path="audit"))
    page = st.navigation(pages)
    page_style()
    if access is LOCAL_ADMIN:
        st.caption(_(NO_SIGN_IN))
    for notice in st.session_state.pop("view_notices", ()):
        st.warning(notice)
    try:
        page.run()
    except EndPage:  # the page ended early (dashboard.flow): the sidebar is still needed, e.g. to choose a district
        pass
    except Forbidden as refused:  # checked on the server whatever the page showed
        st.error(_("Not allowed: {reason}").format(reason=md(render(refused.args[0], tr()))))
    sidebar(ref, get_layers(), today=today, access=access)  # after the page: the browser gets the map first
