"""Data shared by every page and session, loaded once per process (st.cache_resource)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import streamlit as st

from layers.catalog import LayerData, load_layers
from layers.mapview import MapView, build_map
from loaders.geo import Reference, reference, scaled_kilns
from loaders.store import Store


@st.cache_resource(show_spinner="Loading boundaries and kilns…")
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


@st.cache_resource(show_spinner="Loading layers…", max_entries=4)
def _layers(version: tuple) -> dict[str, LayerData]:
    return load_layers(get_store(), ref=get_reference())


MAPS_DIR = Path(__file__).parent / "static" / "maps"
"""Built map documents, served by Streamlit at /app/static/maps/ (git-ignored, pruned to KEEP_MAPS)."""
KEEP_MAPS = 64


@st.cache_resource(max_entries=32)
def map_url(view: MapView, version: tuple) -> str:
    """URL of the map document for a view and data version, built once (about 0.8 s).

    A static file rather than inline HTML: the server gzips it and the browser revalidates it by ETag,
    so a returning visit or a rerun (a district change) sends a short URL instead of megabytes.
    The name is the content's hash, so a changed map is a new file.
    """
    html = build_map(view, _layers(version), get_reference()).get_root().render().encode("utf-8")
    name = f"{hashlib.sha256(html).hexdigest()[:32]}.html"
    MAPS_DIR.mkdir(parents=True, exist_ok=True)
    path = MAPS_DIR / name
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(html)
        tmp.replace(path)  # atomic: a browser never reads half a file
        for old in sorted(MAPS_DIR.glob("*.html"), key=lambda p: p.stat().st_mtime)[:-KEEP_MAPS]:
            old.unlink(missing_ok=True)
    return f"/app/static/maps/{name}"


def get_layers() -> dict[str, LayerData]:
    store = get_store()
    return _layers(store_version(store))
