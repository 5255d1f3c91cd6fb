"""Data shared by every page and session, loaded once per process (st.cache_resource)."""

from __future__ import annotations

import dataclasses
import os

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
    """Changes whenever an import is stored, so the cached layers are rebuilt."""
    imports = store.imports()
    return (store.url, len(imports), int(imports["id"].max()) if len(imports) else 0, int(imports["active"].sum()) if len(imports) else 0)


@st.cache_resource(show_spinner="Loading layers…", max_entries=4)
def _layers(version: tuple) -> dict[str, LayerData]:
    return load_layers(get_store(), ref=get_reference())


@st.cache_resource(max_entries=32)
def map_html(view: MapView, version: tuple) -> str:
    """The map page's HTML for a view, built once per view and data version (about 0.8 s to build)."""
    return build_map(view, _layers(version), get_reference()).get_root().render()


def get_layers() -> dict[str, LayerData]:
    store = get_store()
    return _layers(store_version(store))
