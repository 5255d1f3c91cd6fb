"""Data shared by every page and session, loaded once per process (st.cache_resource)."""

from __future__ import annotations

import streamlit as st

from layers.catalog import LayerData, load_layers
from loaders.geo import Reference, reference
from loaders.store import Store


@st.cache_resource(show_spinner="Loading boundaries and kilns…")
def get_reference() -> Reference:
    return reference()


@st.cache_resource
def get_store() -> Store:
    return Store()


def store_version(store: Store) -> tuple:
    """Changes whenever an import is stored, so the cached layers are rebuilt."""
    imports = store.imports()
    return (len(imports), int(imports["id"].max()) if len(imports) else 0, int(imports["active"].sum()) if len(imports) else 0)


@st.cache_resource(show_spinner="Loading layers…", max_entries=4)
def _layers(version: tuple) -> dict[str, LayerData]:
    return load_layers(get_store(), ref=get_reference())


def get_layers() -> dict[str, LayerData]:
    store = get_store()
    return _layers(store_version(store))
