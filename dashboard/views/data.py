"""Load data page: upload a file for a layer, read every problem, pick missing columns, store."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.exports import download
from dashboard.flow import end_page
from dashboard.i18n import _, tr
from dashboard.resources import get_layers, get_reference, get_store, session_access
from layers.access import LOCAL_ADMIN
from layers.catalog import all_kilns
from layers.export import to_csv_bytes
from layers.html import md
from layers.i18n import N_
from layers.redact import extra_columns
from loaders._errors import LoaderError, MissingColumns
from loaders.accounts import audit
from loaders.contracts import CONTRACTS, LAYERS
from loaders.problems import COLUMNS, error_reason, problem_table
from loaders.readers import scratch_folder
from loaders.validate import check_file

# Words of this page's tables, marked for the catalogues (the English msgid is the text shown today).
KINDS = (N_("id"), N_("text"), N_("int"), N_("float"), N_("bool"), N_("date"), N_("category"), N_("district"),
         N_("tehsil"))
"""A contract field's kind, as the requirements table names it: ``_(f.kind)``."""
ROLES = {"admin": N_("admin"), "manager": N_("manager"), "dvc": N_("dvc"), "viewer": N_("viewer")}
NEEDS = {"column": N_("column"), "required": N_("required"), "type": N_("type"),
         "allowed values": N_("allowed values"), "also accepted as": N_("also accepted as")}
IN_USE = {"layer": N_("layer"), "records": N_("records"), "origin": N_("origin"), "demo data": N_("demo data"),
          "sources": N_("sources")}
HISTORY = {"id": N_("id"), "layer": N_("layer"), "file_name": N_("file_name"), "file_sha256": N_("file_sha256"),
           "imported_at": N_("imported_at"), "rows": N_("rows"), "accepted": N_("accepted"),
           "rejected": N_("rejected"), "warnings": N_("warnings"), "replaced_earlier": N_("replaced_earlier"),
           "active": N_("active")}
"""Headers of the imports history (the store's columns): translated on screen, the values as stored."""

t = tr()


def headers(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """``frame`` with its headers in the session's language (a header not in ``names`` kept as it is)."""
    return frame.rename(columns={c: _(names[c]) for c in frame.columns if c in names})


def origin(text: str) -> str:
    """A layer's origin (``real + imported``...) in the session's language, part by part."""
    return " + ".join(_(part) for part in text.split(" + "))


st.markdown("#### " + _("Load your own data"))
st.caption(_(
    "CSV (UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab), Excel .xlsx, GeoJSON, GeoPackage, "
    "zipped shapefile, or a Kobo/ODK CSV export. Every row is checked; nothing is stored until you confirm. "
    "Imported data for a layer replaces its demo data on the map (imported kilns are added to the detected ones)."
))

access = session_access()
if not access.may("import_data"):
    st.info(_("Loading data is for administrators ({user} is {role}). The data in use is listed below.").format(
        user=md(access.user), role=_(ROLES.get(access.role, access.role))))
# the language is bound here, not looked up when Streamlit (or a test) formats an option later
layer = st.selectbox(_("Layer"), LAYERS, format_func=lambda name: t(CONTRACTS[name].label), key="upload_layer")
spec = CONTRACTS[layer]
label = _(spec.label)
with st.expander(_("What a {layer} file needs").format(layer=label.lower())):
    rows = [{"column": f.name, "required": _("yes") if f.required else "", "type": _(f.kind),
             "allowed values": ", ".join(f.categories) if f.categories else "",
             "also accepted as": ", ".join(f.aliases)} for f in spec.fields]
    if spec.geometry != "district":
        rows.append({"column": "lat, lon", "required": _("yes") if spec.geometry == "point" else _("or kiln_id"),
                     "type": _("float"), "allowed values": _("inside Punjab or Sindh"),
                     "also accepted as": _("latitude/longitude, y/x, Kobo _geolocation, ODK 'lat lon alt acc'")})
    st.dataframe(headers(pd.DataFrame(rows), NEEDS), hide_index=True, width="stretch")

upload = st.file_uploader(_("File"), type=["csv", "txt", "tsv", "xlsx", "xlsm", "geojson", "json", "gpkg", "zip"],
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
        st.error(f"**{md(upload.name)}**: {md(error_reason(missing, t))}")
        st.markdown(_("Pick the column that holds each missing field:"))
        picks = {}
        for field in spec.required:
            if field.name in column_map or any(field.name in m for m in missing.missing) is False:
                continue
            picks[field.name] = st.selectbox(_("Column for **{field}**").format(field=_(field.title)),
                                             ["—", *missing.seen], key=f"{map_key}_{field.name}")
        if spec.geometry != "district" and any("lat" in m for m in missing.missing):
            picks["lat"] = st.selectbox(_("Column for **latitude**"), ["—", *missing.seen], key=f"{map_key}_lat")
            picks["lon"] = st.selectbox(_("Column for **longitude**"), ["—", *missing.seen], key=f"{map_key}_lon")
        if st.button(_("Use these columns"), type="primary"):
            st.session_state[map_key] = {**column_map, **{k: v for k, v in picks.items() if v != "—"}}
            st.rerun()
        end_page()
    except LoaderError as error:
        st.error(_("**{file}** cannot be read: {reason}").format(file=md(upload.name),
                                                                  reason=md(error_reason(error, t))))
        end_page()

    rejected_rows = report.rejected_rows
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(_("Rows"), t.num(report.rows))
    c2.metric(_("Accepted"), t.num(len(report.accepted)))
    c3.metric(_("Rejected rows"), t.num(len(rejected_rows)))
    c4.metric(_("Warnings"), t.num(len(report.warnings)))
    if report.columns:
        st.caption(_("Columns used: {columns}").format(
            columns=", ".join(f"{k} ← “{md(v)}”" for k, v in report.columns.items())))
    unmatched = [f for f in spec.fields if f.name not in report.columns]
    if report.extra_columns:
        st.caption(_("Kept with each record as they are (outside the contract): {columns}").format(
            columns=", ".join(f"“{md(c)}”" for c in report.extra_columns)))
    if unmatched and report.extra_columns:
        with st.expander(_("Match other columns")):
            picks = {f.name: st.selectbox(_("Column for {field}").format(field=_(f.title)),
                                          ["—", *report.extra_columns], key=f"{map_key}_opt_{f.name}")
                     for f in unmatched}
            if st.button(_("Use these columns"), key=f"{map_key}_opt_apply"):
                st.session_state[map_key] = {**column_map, **{k: v for k, v in picks.items() if v != "—"}}
                st.rerun()
    if report.rejected:
        st.markdown(_("**Rejected rows** (nothing from these rows will be stored)"))
        rejected = pd.DataFrame(problem_table(report.rejected, t))
        value = t.gettext(COLUMNS["value"])
        rejected[value] = rejected[value].astype(str)
        st.dataframe(rejected, hide_index=True, width="stretch")
        download(st, _("Download rejected rows (CSV)"),
                 to_csv_bytes(rejected, sources=[_("rejected rows of {file}").format(file=upload.name)],
                              synthetic=False),
                 f"{Path(upload.name).stem}_rejected.csv", "text/csv", key="rejected_csv", what="rejected rows")
    if report.warnings:
        with st.expander(_("Warnings ({n}): kept, but check them").format(n=t.digits(str(len(report.warnings))))):
            warnings = pd.DataFrame(problem_table(report.warnings, t))
            st.dataframe(warnings, hide_index=True, width="stretch")
    if len(report.accepted):
        preview = report.accepted.drop(columns="geometry").head(200).astype(str)
        with st.expander(_("Accepted records (first 200)")):
            st.dataframe(preview, hide_index=True, width="stretch")
        earlier = get_store().active_import_of(layer, digest)
        replace = st.checkbox(_("Replace earlier imports of {layer} (they stay in the history)").format(
            layer=label.lower()), key=f"replace_{layer}")
        if earlier and not replace:
            st.info(_("This file is already stored as import #{id}. Tick *replace* to import it again in its place.")
                    .format(id=earlier))
        elif st.button(_("Store {n} accepted records").format(n=t.num(len(report.accepted))), type="primary",
                       key="store_button"):
            store = get_store()
            access.require("import_data")
            result = store.add_import(report, sha256=digest, replace=replace)
            # the audit trail stays in English
            audit(store, actor=access.user, action="data_replaced" if replace else "data_imported",
                  object=f"{layer} import #{result.import_id}",
                  summary=f"{upload.name}: {result.stored} records stored, {len(report.rejected_rows)} rows rejected"
                          + (f", {result.deactivated_imports} earlier imports off the map" if replace else ""))
            st.session_state["last_import"] = _(
                "Stored {n} {layer} records from {file} as import #{id}. The map now uses them."
            ).format(n=t.num(result.stored), layer=label.lower(), file=upload.name, id=result.import_id)
            st.rerun()
    else:
        st.info(_("No row was accepted, so there is nothing to store."))

if msg := st.session_state.pop("last_import", None):
    st.success(msg)

layers = get_layers()
st.markdown("#### " + _("Data in use"))
st.dataframe(headers(pd.DataFrame([
    {"layer": _(d.label), "records": len(d), "origin": origin(d.origin), "demo data": _("yes") if d.synthetic else "",
     "sources": " · ".join(_(s) for s in d.sources)} for d in layers.values()
]), IN_USE), hide_index=True, width="stretch")
history = get_store().imports()
if len(history):
    st.markdown(_("**Imports (history, newest first)**"))
    st.dataframe(headers(history.drop(columns=["report"]), HISTORY), hide_index=True, width="stretch")

st.markdown("#### " + _("Columns shared beyond internal use"))
st.caption(_("A column an import brought along (outside the layer's contract) is internal: the official and public "
             "profiles leave it out of maps, tables, downloads and snapshots until it is marked here. Personal "
             "fields of a contract (names, phone numbers, notes) can never be shared."))
if st.session_state["view"].profile != "internal" or not access.may("share_columns"):
    st.info(_("Only administrators and programme managers, in the internal profile, can change what is shared."))
    end_page()
shared_now = get_store().shared_columns()
candidates = {name: extra_columns(name, data.frame) for name, data in layers.items()}
if not any(candidates.values()):
    st.caption(_("No layer has columns outside its contract."))
    end_page()
with st.form("shared_columns"):
    picked = {name: st.multiselect(_("{layer}: columns to share").format(layer=_(layers[name].label)), columns,
                                   default=[c for c in columns if c in shared_now.get(name, ())], key=f"share_{name}")
              for name, columns in candidates.items() if columns}
    who = st.text_input(_("Marked by (your role or name in the programme)"), key="share_by",
                        value="" if access is LOCAL_ADMIN else access.user)
    if st.form_submit_button(_("Save what is shared")):
        if not who.strip():
            st.error(_("Say who marks the columns: the change is kept with your name."))
        else:
            access.require("share_columns")
            changed = [(name, column, on) for name, columns in picked.items()
                       for column, on in get_store().set_shared_columns(name, columns, by=who)]
            # the audit trail stays in English; the page says it in the session's language
            changes = [f"{layers[name].label}: {column} {'shared' if on else 'internal again'}"
                       for name, column, on in changed]
            if changes:
                audit(get_store(), actor=access.user, action="columns_shared", object="shared columns",
                      summary="; ".join(changes) + (f" (marked by {who})" if who != access.user else ""))
            shown = [(_("{layer}: {column} shared") if on else _("{layer}: {column} internal again")).format(
                layer=_(layers[name].label), column=md(column)) for name, column, on in changed]
            st.success("; ".join(shown) if shown else _("Nothing changed."))
