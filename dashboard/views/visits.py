"""Visits page: record what an inspection found, correct a visit (every version is kept), see its history."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.flow import end_page, internal_only
from dashboard.resources import get_gap_report, get_layers, get_reference, get_store
from dashboard.visit_form import LABELS, show_flash, visit_form
from layers.catalog import DEMO_SOURCE
from layers.gaps import GapSettings
from layers.html import md
from layers.mapview import priority_parts

today = date.today()
ref = get_reference()
state = st.session_state["view"]
st.markdown("#### Inspection visits")
internal_only(state.profile, "Visits are individual records")
show_flash()
if not state.district:
    st.info("Choose a district in the sidebar: its kilns and visits are listed here. "
            "A kiln's map popup also opens this page with the kiln chosen.")
    end_page()

names = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True))
tehsils = dict(zip(ref.tehsils["ADM3_PCODE"], ref.tehsils["ADM3_EN"], strict=True))
layers = get_layers()
report = get_gap_report(state.end, GapSettings())
gaps = report.kilns[report.kilns["district_pcode"] == state.district].sort_values("priority", ascending=False)
visits = layers["inspections"]
if visits.synthetic:
    st.warning("**DEMO DATA** — the visits listed here are synthetic, except those recorded in the app and not "
               "marked demo. Visits you record are stored as real records.", icon="⚠️")

record, listed = st.tabs(["Record a visit", f"Visits in {names[state.district]}"])
with record:
    options = gaps["kiln_id"].tolist()
    wanted = st.session_state.get("visit_kiln")
    info = gaps.set_index("kiln_id")

    def label(kiln_id: str) -> str:
        k = info.loc[kiln_id]
        return (f"{kiln_id} · {tehsils.get(k['tehsil_pcode'], 'tehsil unknown')} · "
                f"{str(k['visit_status']).replace('_', ' ')} · priority {k['priority']:g}")

    kiln = st.selectbox("Kiln (highest priority first)", options, format_func=label,
                        index=options.index(wanted) if wanted in options else 0, key="visit_kiln_pick")
    k = info.loc[kiln]
    last = k["last_visit_date"]
    st.caption(f"Last visit: {last.date().isoformat() if pd.notna(last) else 'none recorded'} · "
               f"why it ranks: {priority_parts(gaps[gaps['kiln_id'] == kiln])[0] or 'nothing notable'}")
    visit_form(kiln, key="visit_new", today=today)

with listed:
    frame = visits.frame[visits.frame["district_pcode"] == state.district].sort_values("visit_date", ascending=False)
    if frame.empty:
        st.info("No visits recorded in this district yet.")
        end_page()
    origin = frame["source"].where(~frame["source"].eq(DEMO_SOURCE), "demo data")
    if "version" in frame:
        origin = origin.where(frame["version"].isna(), origin + " (version " + frame["version"].astype("Int64").astype(str) + ")")
    table = pd.DataFrame({
        "visit": frame["visit_id"], "kiln": frame["kiln_id"], "date": frame["visit_date"].dt.date,
        "children": frame["children_count"], "children working": frame["child_labour_observed"],
        "bonded labour": frame["bonded_labour_indicators"], "action": frame["action_taken"].str.replace("_", " "),
        "source": origin, "demo": frame["synthetic"],
    })
    st.caption("Select a visit to correct it. A correction is stored as a new version; earlier versions stay.")
    picked = st.dataframe(table, hide_index=True, on_select="rerun", selection_mode="single-row", key="visit_table",
                          height=300)
    rows = picked.selection.rows if picked else []
    if not rows:
        end_page()
    visit = frame.iloc[rows[0]]
    store = get_store()
    history = store.visit_history(str(visit["visit_id"]))
    newest = int(history["version"].max()) if len(history) else 0
    st.markdown(f"**Visit {md(visit['visit_id'])}** to kiln {md(visit['kiln_id'])}")
    if len(history):
        shown = history.rename(columns=LABELS)[["version", "recorded_at", "recorded_by", "change_note",
                                                *[v for c, v in LABELS.items() if c in history and c != "kiln_id"]]]
        st.dataframe(shown, hide_index=True)
        if history["version"].min() > 1:
            st.caption("Version 1 is the record as imported or generated; it is kept unchanged.")
    visit_form(str(visit["kiln_id"]), key=f"visit_edit_{visit['visit_id']}", today=today, edit=visit,
               expected_version=newest, synthetic=bool(visit["synthetic"]))
