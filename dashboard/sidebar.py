"""The one sidebar: area, date window, layers and basemap, kept in step with the URL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard.auth import sign_out, who_line
from dashboard.i18n import _, tr
from dashboard.state import (
    BASEMAPS,
    BOTH_PROVINCES,
    DESERTS,
    PROVINCES,
    ViewState,
    from_query,
    share_query,
    to_query,
)
from layers.access import LOCAL_ADMIN, Access
from layers.catalog import LayerData
from layers.i18n import LANGUAGES, RTL_LANGUAGES, Translator, translator
from layers.redact import PROFILE_NAMES, PROFILES, more_open, profile_label
from loaders.contracts import LAYERS
from loaders.geo import Reference

ALL = "__all__"


def _seed_session(ref: Reference, today: date, access: Access) -> None:
    """On a session's first run, take the view from the URL (a shared link restores the view), within what the
    user may see: another district than theirs is not opened, a profile is narrowed to their role's."""
    if "view_seeded" in st.session_state:
        return
    params = {k: st.query_params.get(k) for k in st.query_params}
    districts = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM1_PCODE"], strict=True))
    names = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True))
    notices = []
    t = translator(params.get("lang") if params.get("lang") in LANGUAGES else None)  # the link's language
    if (asked := params.get("district")) and asked in districts and not access.sees(asked):
        notices.append(t.gettext("This account sees {area} only: {district} was not opened.").format(
            area=scope_words(access, names, t), district=t.place(asked, names[asked])))
        params.pop("district")
    kiln = params.get("kiln")  # a kiln popup's "Record a visit" link: its district, and the kiln on the Visits page
    if kiln and not params.get("district"):
        match = ref.kilns.loc[ref.kilns["kiln_id"] == kiln, "district_pcode"]
        if len(match) and pd.notna(match.iat[0]):
            params["district"] = match.iat[0]
    state = from_query(params, today=today, districts=districts)
    if access.districts is not None and state.district not in access.districts:  # a dvc user: their district
        first = min(access.districts, key=lambda p: names.get(p, p))
        state = replace(state, district=first, province=districts.get(first))
    if (narrowed := access.profile(state.profile)) != state.profile:
        notices.append(t.gettext("This account may use the {narrowed} profile only: the link asked for {asked}.").format(
            narrowed=t(PROFILE_NAMES[narrowed]), asked=t(PROFILE_NAMES[state.profile])))
        state = replace(state, profile=narrowed)
    st.session_state.update({
        "view_seeded": True,
        "w_province": state.province or ALL,
        "w_district": state.district or ALL,
        "w_window": (state.start, state.end),
        "w_basemap": state.basemap,
        "w_desert": state.desert,
        "w_profile": state.profile,
        "w_lang": state.lang,
        "w_digits": state.urdu_digits,
        # a link that opens a more restricted profile cannot be widened from the sidebar in this session
        "profile_ceiling": state.profile,
        **{f"w_layer_{name}": name in state.layers for name in LAYERS},
        "view_notices": (*notices, *state.notices),
        "visit_kiln": kiln,
    })


def current_view(ref: Reference, *, today: date, access: Access) -> ViewState:
    """The view the sidebar's widgets hold, read before they are drawn; the URL is updated to match.

    Reading the view first lets the page draw the map before the sidebar (the browser then starts on the
    map while it renders the widgets), and puts the new URL on the wire at the start of a rerun, which is
    when the map follows a new district.
    """
    _seed_session(ref, today, access)
    province = st.session_state["w_province"]
    district = st.session_state["w_district"]
    if province != ALL and district != ALL and not district.startswith(province):
        district = st.session_state["w_district"] = ALL  # the province changed under the district
    if access.districts is not None and district not in access.districts:  # never outside a dvc user's scope
        district = st.session_state["w_district"] = min(access.districts)
        province = st.session_state["w_province"] = district[:3]
    # the digit toggle is drawn on Urdu pages only: kept here, or Streamlit would forget it on an English page
    st.session_state["w_digits"] = bool(st.session_state.get("w_digits", False))
    window = st.session_state["w_window"]
    if not isinstance(window, tuple) or len(window) != 2:  # half-picked range: keep the last whole window
        window = st.session_state.get("w_window_last", (window[0], today) if window else (today, today))
    st.session_state["w_window_last"] = window
    state = ViewState(
        province=None if province == ALL else province,
        district=None if district == ALL else district,
        layers=frozenset(name for name in LAYERS if st.session_state[f"w_layer_{name}"]),
        start=window[0],
        end=window[1],
        basemap=st.session_state["w_basemap"],
        desert=st.session_state["w_desert"],
        # narrowed here, not only by the widget's options: the data getters take this profile
        profile=_within(st.session_state["w_profile"], _ceiling(access)),
        lang=st.session_state["w_lang"],
        urdu_digits=st.session_state["w_digits"],
        notices=tuple(st.session_state.get("view_notices", ())),
    )
    query = to_query(state, today=today)
    if {k: st.query_params.get(k) for k in st.query_params} != query:
        st.query_params.from_dict(query)
    return state


def _ceiling(access: Access) -> str:
    """The most open profile of this session: its role's, and no more than the link it was opened with."""
    return access.profile(st.session_state.get("profile_ceiling", "internal"))


def _within(profile: str, ceiling: str) -> str:
    return ceiling if more_open(profile, ceiling) else profile


def scope_words(access: Access, names: dict[str, str], t: Translator) -> str:
    """The districts an account sees, in words of the page's language (layers.access.Access.scope_words)."""
    if access.districts is None:
        return t.gettext("every district")
    return ", ".join(sorted(t.place(d, names.get(d, d)) for d in access.districts))


def sidebar(ref: Reference, layers: dict[str, LayerData], *, today: date, access: Access) -> None:
    """Draw the sidebar's widgets; their values are read by :func:`current_view` on the next run."""
    names = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True))
    t = tr()  # the format functions below keep it: AppTest calls them outside the script run
    with st.sidebar:
        st.markdown("### Bhatta Atlas")
        st.radio("Language / زبان", list(LANGUAGES), key="w_lang", format_func=LANGUAGES.get, horizontal=True)
        if st.session_state["w_lang"] in RTL_LANGUAGES:
            st.toggle(_("Urdu digits (۱۲۳)"), key="w_digits")
        st.caption(who_line(access, names))
        if access is not LOCAL_ADMIN:
            st.button(_("Sign out"), on_click=sign_out, key="sign_out")
        province = st.selectbox(_("Province"), [ALL, *PROVINCES], key="w_province",
                                format_func=lambda p: t(BOTH_PROVINCES) if p == ALL else t(PROVINCES[p]))
        options = [p for p in sorted(names, key=names.get) if (province == ALL or p.startswith(province))
                   and access.sees(p)] or sorted(access.districts or ())
        st.selectbox(_("District"), options if access.districts is not None else [ALL, *options], key="w_district",
                     format_func=lambda p: t.gettext("All districts") if p == ALL else f"{t.place(p, names[p])} ({p})")
        window = st.date_input(_("Date window (visits, DVC status)"), key="w_window",
                               max_value=date(today.year + 1, 12, 31))
        if not isinstance(window, tuple) or len(window) != 2:
            st.caption(_("Pick an end date to complete the window."))
        st.markdown("**" + _("Layers") + "**")
        for name in LAYERS:
            data = layers[name]
            label = _("{layer} ({n}) · demo data") if data.synthetic else _("{layer} ({n})")
            st.toggle(label.format(layer=_(data.label), n=t.num(len(data))), key=f"w_layer_{name}")
        st.selectbox(_("Mark kilns in a service desert"), list(DESERTS), key="w_desert",
                     format_func=lambda d: t(DESERTS[d]),
                     help=_("Kilns farther than the default threshold from the nearest service: school or girls' "
                            "primary school 2 km, health unit 5 km, NGO service 10 km (straight line)"))
        st.radio(_("Basemap"), list(BASEMAPS), key="w_basemap", format_func=lambda b: t(BASEMAPS[b]))
        allowed = PROFILES[PROFILES.index(_ceiling(access)):]
        st.selectbox(_("Sharing profile"), allowed, key="w_profile", format_func=lambda p: profile_label(p, t.lang, urdu_digits=t.urdu_digits),
                     help=_("Applied on the server to the map, tables and downloads: official removes names, phone "
                            "numbers and notes; public shows no individual visit and displaces sensitive points. "
                            "A link keeps the profile, and cannot be widened from here."))
        share_link(st.session_state["view"], today=today)


def share_link(state: ViewState, *, today: date) -> None:
    """The link that restores this page and view (its language too), in a code box with its copy button."""
    base = st.context.url or ""  # scheme, host and page path of the browser's URL (None in tests)
    link = f"{base}?{urlencode(share_query(state, today=today))}"
    with st.expander(_("Copy link to this view")):
        st.code(link, language=None, wrap_lines=True)
        st.caption(_("Opens this page, area, layers, dates and basemap in the {profile} profile. "
                     "Whoever opens it cannot widen the profile from the sidebar.")
                   .format(profile=_(PROFILE_NAMES[state.profile])))
