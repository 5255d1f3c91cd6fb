"""Load data page: upload a file for a layer, read every problem, pick missing columns, store."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.exports import download
from dashboard.flow import end_page
from dashboard.resources import get_layers, get_reference, get_store, session_access
from layers.access import LOCAL_ADMIN
from layers.catalog import all_kilns
from layers.export import to_csv_bytes
from layers.html import md
from layers.redact import extra_columns
from loaders._errors import LoaderError, MissingColumns
from loaders.accounts import audit
from loaders.contracts import CONTRACTS, LAYERS
from loaders.readers import scratch_folder
from loaders.validate import check_file

st.markdown("#### Load your own data")
st.caption(
    "CSV (UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab), Excel .xlsx, GeoJSON, GeoPackage, "
    "zipped shapefile, or a Kobo/ODK CSV export. Every row is checked; nothing is stored until you confirm. "
    "Imported data for a layer replaces its demo data on the map (imported kilns are added to the detected ones)."
)

access = session_access()
if not access.may("import_data"):
    st.info(f"Loading data is for administrators ({access.user} is {access.role}). The data in use is listed below.")
layer = st.selectbox("Layer", LAYERS, format_func=lambda name: CONTRACTS[name].label, key="upload_layer")
spec = CONTRACTS[layer]
with st.expander(f"What a {spec.label.lower()} file needs"):
    rows = [{"column": f.name, "required": "yes" if f.required else "", "type": f.kind,
             "allowed values": ", ".join(f.categories) if f.categories else "",
             "also accepted as": ", ".join(f.aliases)} for f in spec.fields]
    if spec.geometry != "district":
        rows.append({"column": "lat, lon", "required": "yes" if spec.geometry == "point" else "or kiln_id",
                     "type": "float", "allowed values": "inside Punjab or Sindh",
                     "also accepted as": "latitude/longitude, y/x, Kobo _geolocation, ODK 'lat lon alt acc'"})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

upload = st.file_uploader("File", type=["csv", "txt", "tsv", "xlsx", "xlsm", "geojson", "json", "gpkg", "zip"],
                          key=f"upload_{layer}")


def _validate(data: bytes, name: str, column_map: dict[str, str]):
    """Validate an uploaded file through a temporary copy that is always removed."""
    store = get_store()
    with tempfile.TemporaryDirectory(prefix="bhatta-upload-", dir=scratch_folder()) as tmp:
        path = Path(tmp) / ("upload" + Path(name).suffix.lower())
        path.write_bytes(data)
        known = all_kilns(store, get_reference()) if layer == "inspections" else None
        return check_file(path, layer, column_map=column_map, display_name=name, ref=get_reference(),
                          known_kilns=known)


if upload is not None and access.may("import_data"):
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    map_key = f"colmap_{layer}_{upload.name}_{len(data)}"
    column_map: dict[str, str] = st.session_state.setdefault(map_key, {})
    try:
        report = _validate(data, upload.name, column_map)
    except MissingColumns as missing:
        st.error(f"**{md(upload.name)}**: {md(missing.reason)}")
        st.markdown("Pick the column that holds each missing field:")
        picks = {}
        for field in spec.required:
            if field.name in column_map or any(field.name in m for m in missing.missing) is False:
                continue
            picks[field.name] = st.selectbox(f"Column for **{field.title}**", ["—", *missing.seen],
                                             key=f"{map_key}_{field.name}")
        if spec.geometry != "district" and any("lat" in m for m in missing.missing):
            picks["lat"] = st.selectbox("Column for **latitude**", ["—", *missing.seen], key=f"{map_key}_lat")
            picks["lon"] = st.selectbox("Column for **longitude**", ["—", *missing.seen], key=f"{map_key}_lon")
        if st.button("Use these columns", type="primary"):
            st.session_state[map_key] = {**column_map, **{k: v for k, v in picks.items() if v != "—"}}
            st.rerun()
        end_page()
    except LoaderError as error:
        st.error(f"**{md(upload.name)}** cannot be read: {md(error.reason)}")
        end_page()

    rejected_rows = report.rejected_rows
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Rows", f"{report.rows:,}")
    c2.metric("Accepted", f"{len(report.accepted):,}")
    c3.metric("Rejected rows", f"{len(rejected_rows):,}")
    c4.metric("Warnings", f"{len(report.warnings):,}")
    if report.columns:
        st.caption("Columns used: " + ", ".join(f"{k} ← “{md(v)}”" for k, v in report.columns.items()))
    unmatched = [f for f in spec.fields if f.name not in report.columns]
    if report.extra_columns:
        st.caption("Kept with each record as they are (outside the contract): "
                   + ", ".join(f"“{md(c)}”" for c in report.extra_columns))
    if unmatched and report.extra_columns:
        with st.expander("Match other columns"):
            picks = {f.name: st.selectbox(f"Column for {f.title}", ["—", *report.extra_columns],
                                          key=f"{map_key}_opt_{f.name}") for f in unmatched}
            if st.button("Use these columns", key=f"{map_key}_opt_apply"):
                st.session_state[map_key] = {**column_map, **{k: v for k, v in picks.items() if v != "—"}}
                st.rerun()
    if report.rejected:
        st.markdown("**Rejected rows** (nothing from these rows will be stored)")
        rejected = pd.DataFrame([p.as_dict() for p in report.rejected])
        rejected["value"] = rejected["value"].astype(str)
        st.dataframe(rejected, hide_index=True, width="stretch")
        download(st, "Download rejected rows (CSV)",
                 to_csv_bytes(rejected, sources=[f"rejected rows of {upload.name}"], synthetic=False),
                 f"{Path(upload.name).stem}_rejected.csv", "text/csv", key="rejected_csv", what="rejected rows")
    if report.warnings:
        with st.expander(f"Warnings ({len(report.warnings)}): kept, but check them"):
            warnings = pd.DataFrame([p.as_dict() for p in report.warnings])
            st.dataframe(warnings, hide_index=True, width="stretch")
    if len(report.accepted):
        preview = report.accepted.drop(columns="geometry").head(200).astype(str)
        with st.expander("Accepted records (first 200)"):
            st.dataframe(preview, hide_index=True, width="stretch")
        earlier = get_store().active_import_of(layer, digest)
        replace = st.checkbox(f"Replace earlier imports of {spec.label.lower()} (they stay in the history)",
                              key=f"replace_{layer}")
        if earlier and not replace:
            st.info(f"This file is already stored as import #{earlier}. Tick *replace* to import it again in its place.")
        elif st.button(f"Store {len(report.accepted):,} accepted records", type="primary", key="store_button"):
            store = get_store()
            access.require("import_data")
            result = store.add_import(report, sha256=digest, replace=replace)
            audit(store, actor=access.user, action="data_replaced" if replace else "data_imported",
                  object=f"{layer} import #{result.import_id}",
                  summary=f"{upload.name}: {result.stored} records stored, {len(report.rejected_rows)} rows rejected"
                          + (f", {result.deactivated_imports} earlier imports off the map" if replace else ""))
            st.session_state["last_import"] = (
                f"Stored {result.stored:,} {spec.label.lower()} records from {upload.name} as import "
                f"#{result.import_id}. The map now uses them."
            )
            st.rerun()
    else:
        st.info("No row was accepted, so there is nothing to store.")

if msg := st.session_state.pop("last_import", None):
    st.success(msg)

layers = get_layers()
st.markdown("#### Data in use")
st.dataframe(pd.DataFrame([
    {"layer": d.label, "records": len(d), "origin": d.origin, "demo data": "yes" if d.synthetic else "",
     "sources": " · ".join(d.sources)} for d in layers.values()
]), hide_index=True, width="stretch")
history = get_store().imports()
if len(history):
    st.markdown("**Imports (history, newest first)**")
    st.dataframe(history.drop(columns=["report"]), hide_index=True, width="stretch")

st.markdown("#### Columns shared beyond internal use")
st.caption("A column an import brought along (outside the layer's contract) is internal: the official and public "
           "profiles leave it out of maps, tables, downloads and snapshots until it is marked here. Personal fields "
           "of a contract (names, phone numbers, notes) can never be shared.")
if st.session_state["view"].profile != "internal" or not access.may("share_columns"):
    st.info("Only administrators and programme managers, in the internal profile, can change what is shared.")
    end_page()
shared_now = get_store().shared_columns()
candidates = {name: extra_columns(name, data.frame) for name, data in layers.items()}
if not any(candidates.values()):
    st.caption("No layer has columns outside its contract.")
    end_page()
with st.form("shared_columns"):
    picked = {name: st.multiselect(f"{layers[name].label}: columns to share", columns,
                                   default=[c for c in columns if c in shared_now.get(name, ())], key=f"share_{name}")
              for name, columns in candidates.items() if columns}
    who = st.text_input("Marked by (your role or name in the programme)", key="share_by",
                        value="" if access is LOCAL_ADMIN else access.user)
    if st.form_submit_button("Save what is shared"):
        if not who.strip():
            st.error("Say who marks the columns: the change is kept with your name.")
        else:
            access.require("share_columns")
            changes = [f"{layers[name].label}: {column} {'shared' if on else 'internal again'}"
                       for name, columns in picked.items()
                       for column, on in get_store().set_shared_columns(name, columns, by=who)]
            if changes:
                audit(get_store(), actor=access.user, action="columns_shared", object="shared columns",
                      summary="; ".join(changes) + (f" (marked by {who})" if who != access.user else ""))
            st.success("; ".join(changes) if changes else "Nothing changed.")
