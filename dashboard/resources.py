"""Data shared by every page and session, loaded once per process (st.cache_resource)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from datetime import date
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard.i18n import _
from layers.access import LOCAL_ADMIN, Access, scope_gaps, scope_layers
from layers.catalog import LayerData, load_layers
from layers.gap_report import GapReport, gap_report
from layers.gaps import GapSettings
from layers.i18n import N_
from layers.mapview import MapView, build_map, data_files
from layers.redact import redact_layers
from loaders.geo import Reference, reference, scaled_kilns
from loaders.store import Store


class _Spinner(str):
    """A cache's spinner text (given once, to the decorator) shown in the language of the session it runs for."""

    def __str__(self) -> str:
        text = str.__str__(self)
        return _(text) if get_script_run_ctx(suppress_warning=True) is not None else text


@st.cache_resource(show_spinner=_Spinner(N_("Loading boundaries and kilns…")))
def get_reference() -> Reference:
    ref = reference()
    # benchmarks only: BHATTA_KILNS_SCALEUP=100000 serves 100k jittered copies of the real kilns
    if scale := int(os.environ.get("BHATTA_KILNS_SCALEUP", "0") or 0):
        ref = dataclasses.replace(ref, kilns=scaled_kilns(ref.kilns, scale))
    return ref


@st.cache_resource
def get_store() -> Store:
    return Store()


def store_version(store: Store) -> tuple:
    """Changes whenever an import is stored, so the cached layers and maps are rebuilt."""
    return store.version()


@st.cache_resource(show_spinner=_Spinner(N_("Loading layers…")), max_entries=4)
def _layers(version: tuple) -> dict[str, LayerData]:
    return load_layers(get_store(), ref=get_reference())


MAPS_DIR = Path(__file__).parent / "static" / "maps"
"""Built map documents, served by Streamlit at /app/static/maps/ (git-ignored, pruned to KEEP_MAPS)."""
KEEP_MAPS = 64
VISIT_URL = "../../../visits?kiln="
"""A kiln popup's "Record a visit" link, relative to the map document (see map_url)."""
IMMUTABLE_MTIME = 946_684_800  # 2000-01-01: see map_url


@st.cache_resource(max_entries=32)
def map_url(view: MapView, version: tuple, districts: frozenset[str] | None = None) -> str:
    """URL of the map document for a view, data version and district scope, built once (about 0.8 s).

    A static file rather than inline HTML: the server gzips it and a returning browser reuses it from its
    cache (see _write_static), so a returning visit or a rerun (a district change) sends a short URL.
    The name is the content's hash, so a changed map is a new file, and nobody finds it without being given it.
    """
    scope = _scope(districts)
    gaps = scope_gaps(_gap_report(version, view.window.end, GapSettings()), scope).kilns  # popups: why this kiln
    internal = view.profile == "internal"
    # the document is /app/static/maps/<hash>.html: the Visits page of the app is three levels up
    m = build_map(view, _shared_layers(version, view.profile, districts), get_reference(), data_base=".",
                  gaps=gaps, visit_url=VISIT_URL if internal else None)
    return static_map_url(m.get_root().render(), data_files(m))


def static_map_url(html: str, data: dict[str, str] | None = None) -> str:
    """Serve a map document (and the data files it fetches) as static files named by their content."""
    raw = html.encode("utf-8")
    name = f"{hashlib.sha256(raw).hexdigest()[:32]}.html"
    MAPS_DIR.mkdir(parents=True, exist_ok=True)
    for file, text in (data or {}).items():  # before the document that fetches them
        _write_static(MAPS_DIR / file, text.encode("utf-8"))
    _write_static(MAPS_DIR / name, raw)
    # oldest first by inode change time (the modification time is the fixed date of _write_static)
    for suffix, keep in (("*.html", KEEP_MAPS), ("*.json", 6 * KEEP_MAPS)):
        for old in sorted(MAPS_DIR.glob(suffix), key=lambda p: p.stat().st_ctime)[:-keep]:
            old.unlink(missing_ok=True)
    return f"/app/static/maps/{name}"


def _write_static(path: Path, content: bytes) -> None:
    """Write a file named by its content's hash, atomically (a browser never reads half a file).

    Streamlit serves app static files without Cache-Control, so browsers cache them for a tenth of their
    age (Last-Modified). A name that is the content's hash never changes content: dating it in the past
    lets a returning visitor's browser reuse it without asking the server again.
    """
    if path.exists():
        return
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(content)
    os.utime(tmp, (IMMUTABLE_MTIME, IMMUTABLE_MTIME))
    tmp.replace(path)


def session_access() -> Access:
    """The access of this session's user, set by app.py on every run before any page draws."""
    access = st.session_state.get("access_now")
    if access is None:  # never a default: a page that ran without a user must show nothing
        raise RuntimeError("no signed-in user for this session")
    return access


def _scope(districts: frozenset[str] | None) -> Access:
    return LOCAL_ADMIN if districts is None else Access("scope", "dvc", districts)


def get_layers(access: Access | None = None) -> dict[str, LayerData]:
    """Every layer in the internal profile, cut to the user's districts (layers.access)."""
    return scope_layers(_layers(store_version(get_store())), access or session_access())


@st.cache_resource(max_entries=6)
def _shared_layers(version: tuple, profile: str, districts: frozenset[str] | None = None) -> dict[str, LayerData]:
    layers = scope_layers(_layers(version), _scope(districts))
    return redact_layers(layers, profile, ref=get_reference(), shareable=get_store().shared_columns())


def get_shared_layers(profile: str, access: Access | None = None) -> dict[str, LayerData]:
    """The layers as a redaction profile may show them (layers.redact), narrowed to what the user's role
    allows and cut to their districts; computed once per data version, profile and scope."""
    access = access or session_access()
    return _shared_layers(store_version(get_store()), access.profile(profile), access.districts)


@st.cache_resource(show_spinner=_Spinner(N_("Computing gaps…")), max_entries=8)
def _gap_report(version: tuple, as_of: date, settings: GapSettings) -> GapReport:
    return gap_report(_layers(version), get_reference(), as_of=as_of, settings=settings)


def get_gap_report(as_of: date, settings: GapSettings, access: Access | None = None) -> GapReport:
    """Every gap figure for a date and settings (computed once per data version), cut to the user's districts."""
    return scope_gaps(_gap_report(store_version(get_store()), as_of, settings), access or session_access())


def district_brief_report(as_of: date) -> GapReport:
    """The whole gap report for a district brief's province ranking (aggregate figures of every district);
    the brief takes the per-kiln rows of its own district only, which must be in the user's scope."""
    return _gap_report(store_version(get_store()), as_of, GapSettings())
