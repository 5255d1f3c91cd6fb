"""View state kept in the URL query parameters: parsed with defaults and a notice for each bad value."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from layers.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, translator
from layers.redact import PROFILES
from loaders.contracts import LAYERS

# the labels below are English; a page shows them through _() (dashboard.i18n) in the session's language
PROVINCES = {"PK6": N_("Punjab"), "PK7": N_("Sindh")}
BOTH_PROVINCES = N_("Punjab and Sindh")
DESERTS = {  # service deserts the map can mark (layers.gaps.SERVICES)
    "": N_("None"),
    "school": N_("No school within reach"),
    "girls_school": N_("No girls' primary school within reach"),
    "health": N_("No health unit within reach"),
    "ngo": N_("No NGO service within reach"),
}
BASEMAPS = {
    "none": N_("None (boundaries only, works offline)"),
    "osm": N_("OpenStreetMap (needs internet)"),
    "satellite": N_("Satellite imagery (needs internet)"),
}


def offline() -> bool:
    """The ``BHATTA_OFFLINE`` setting (default on): district offices often have no internet."""
    return os.environ.get("BHATTA_OFFLINE", "1").strip().lower() not in {"0", "false", "no", "off"}


def default_basemap() -> str:
    """``none`` when offline, else OpenStreetMap."""
    return "none" if offline() else "osm"
DEFAULT_YEARS = 3


@dataclass(frozen=True)
class ViewState:
    province: str | None = None
    district: str | None = None
    layers: frozenset[str] = frozenset(LAYERS)
    start: date | None = None
    end: date | None = None
    basemap: str = field(default_factory=default_basemap)
    desert: str = ""
    profile: str = "internal"
    """Redaction profile (layers.redact.PROFILES) of everything the pages show and export."""
    lang: str = DEFAULT_LANGUAGE
    """Language of every label, message and export (``layers.i18n.LANGUAGES``)."""
    urdu_digits: bool = False
    """Numbers in Urdu digits on Urdu pages (``digits=urdu`` in the link)."""
    notices: tuple[str, ...] = field(default=(), compare=False)


def default_window(today: date) -> tuple[date, date]:
    return today - timedelta(days=365 * DEFAULT_YEARS), today


def from_query(params: Mapping[str, str], *, today: date, districts: Mapping[str, str]) -> ViewState:
    """State from query parameters; every invalid value falls back to its default with a notice.

    ``districts`` maps district P-code -> province P-code.
    """
    notices: list[str] = []
    start, end = default_window(today)
    state = ViewState(start=start, end=end)
    # the language first: every notice below is written in the language the link asks for
    lang = params.get("lang")
    if lang:
        if lang in LANGUAGES:
            state = replace(state, lang=lang)
        else:
            notices.append(N_("Unknown language {lang!r} in the link: English used.").format(lang=lang))
    if params.get("digits") == "urdu":
        state = replace(state, urdu_digits=True)
    _ = translator(state.lang, urdu_digits=state.urdu_digits).gettext

    province = params.get("province")
    if province:
        if province in PROVINCES:
            state = replace(state, province=province)
        else:
            notices.append(_("Unknown province {province!r} in the link: showing both provinces.")
                           .format(province=province))
    district = params.get("district")
    if district:
        if district in districts:
            state = replace(state, district=district, province=districts[district])
        else:
            notices.append(_("Unknown district {district!r} in the link: showing all districts.")
                           .format(district=district))
    layers = params.get("layers")
    if layers is not None:
        asked = [x for x in layers.split(",") if x]
        bad = [x for x in asked if x not in LAYERS]
        if bad:
            notices.append(_("Unknown layer(s) {layers} in the link were ignored.")
                           .format(layers=", ".join(map(repr, bad))))
        state = replace(state, layers=frozenset(x for x in asked if x in LAYERS))
    dates = {}
    invalid = {"start": N_("Invalid start date {value!r} in the link (use YYYY-MM-DD): default used."),
               "end": N_("Invalid end date {value!r} in the link (use YYYY-MM-DD): default used.")}
    for key in ("start", "end"):
        if value := params.get(key):
            try:
                dates[key] = date.fromisoformat(value)
            except ValueError:
                notices.append(_(invalid[key]).format(value=value))
    s, e = dates.get("start", state.start), dates.get("end", state.end)
    if s > e:
        notices.append(_("The link's start date is after its end date: default window used."))
        s, e = state.start, state.end
    state = replace(state, start=s, end=e)
    basemap = params.get("basemap")
    if basemap:
        if basemap in BASEMAPS:
            state = replace(state, basemap=basemap)
        else:
            notices.append(_("Unknown basemap {basemap!r} in the link: {default} used.")
                           .format(basemap=basemap, default=state.basemap))
    desert = params.get("desert")
    if desert:
        if desert in DESERTS:
            state = replace(state, desert=desert)
        else:
            notices.append(_("Unknown service desert {desert!r} in the link: none marked.").format(desert=desert))
    profile = params.get("profile")
    if profile:
        if profile in PROFILES:
            state = replace(state, profile=profile)
        else:
            notices.append(_("Unknown sharing profile {profile!r} in the link: public used.").format(profile=profile))
            state = replace(state, profile="public")  # a mistyped link must not open more than it meant to
    return replace(state, notices=tuple(notices))


def to_query(state: ViewState, *, today: date) -> dict[str, str]:
    """Query parameters for ``state``, leaving out values equal to the defaults (short links)."""
    out: dict[str, str] = {}
    if state.district:
        out["district"] = state.district
    elif state.province:
        out["province"] = state.province
    if state.layers != frozenset(LAYERS):
        out["layers"] = ",".join(x for x in LAYERS if x in state.layers)
    start, end = default_window(today)
    if state.start != start:
        out["start"] = state.start.isoformat()
    if state.end != end:
        out["end"] = state.end.isoformat()
    if state.basemap != default_basemap():
        out["basemap"] = state.basemap
    if state.desert:
        out["desert"] = state.desert
    if state.profile != "internal":
        out["profile"] = state.profile
    if state.lang != DEFAULT_LANGUAGE:
        out["lang"] = state.lang
    if state.urdu_digits:
        out["digits"] = "urdu"
    return out


def share_query(state: ViewState, *, today: date) -> dict[str, str]:
    """Query parameters of a link to share: :func:`to_query` with the dates and the profile always written.

    A shared link must show the same view next month (the default window moves with the day it is opened)
    and in the profile it was shared with (an internal link is marked ``profile=internal`` on purpose).
    """
    return {**to_query(state, today=today), "start": state.start.isoformat(), "end": state.end.isoformat(),
            "profile": state.profile}


def area_name(state: ViewState, names: Mapping[str, str]) -> str:
    """The view's area as a page names it, in the view's language: the district (its Urdu name on Urdu pages,
    or ``Name (EN)`` when it has none yet), the province, or both provinces. ``names``: P-code -> English."""
    t = translator(state.lang, urdu_digits=state.urdu_digits)
    if state.district:
        return t.place(state.district, names[state.district])
    return t(PROVINCES.get(state.province, BOTH_PROVINCES))
