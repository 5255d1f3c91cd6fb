"""Visits page: record what an inspection found, correct a visit (every version is kept), see its history."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.flow import end_page, internal_only
from dashboard.i18n import tr
from dashboard.resources import get_gap_report, get_layers, get_reference, get_store
from dashboard.visit_form import LABELS, choice, label, show_flash, visit_form
from layers.catalog import DEMO_SOURCE
from layers.gaps import VISIT_STATUS_WORDS, GapSettings
from layers.html import md
from layers.i18n import N_
from layers.mapview import priority_parts

# The visits table's columns as an Urdu page names them (English pages keep their short names).
VISIT_COLUMNS = {
    "visit": N_("Visit"), "kiln": N_("Kiln"), "date": N_("Date"), "children": N_("Children"),
    "children working": N_("Children seen working"), "bonded labour": N_("Bonded-labour indicators"),
    "action": N_("Action taken"), "source": N_("Source"), "demo": N_("Demo data"),
}
HISTORY_COLUMNS = {"version": N_("Version"), "recorded_at": N_("Recorded at"), "recorded_by": N_("Recorded by"),
                   "change_note": N_("Why it changed")}


def shown(columns: dict[str, str]) -> dict[str, str] | None:
    """``column_config`` naming a table's columns in Urdu (English pages keep the column names)."""
    return {column: _(name) for column, name in columns.items()} if t.rtl else None


def _words(value: object) -> object:
    """A recorded choice (yes, no, an action) in words of the page's language; anything else as it is."""
    if not isinstance(value, str):
        return value
    return choice(value, _) if t.rtl else value.replace("_", " ")


today = date.today()
ref = get_reference()
state = st.session_state["view"]
t = tr()
_ = t.gettext  # this run's language, also where Streamlit words options later (format_func)
st.markdown(_("#### Inspection visits"))
internal_only(state.profile, N_("Visits are individual records"))
show_flash()
if not state.district:
    st.info(_("Choose a district in the sidebar: its kilns and visits are listed here. "
              "A kiln's map popup also opens this page with the kiln chosen."))
    end_page()

names = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True))
tehsils = {pcode: t.place(pcode, name) for pcode, name in zip(ref.tehsils["ADM3_PCODE"], ref.tehsils["ADM3_EN"],
                                                              strict=True)}
layers = get_layers()
report = get_gap_report(state.end, GapSettings())
gaps = report.kilns[report.kilns["district_pcode"] == state.district].sort_values("priority", ascending=False)
visits = layers["inspections"]
if visits.synthetic:
    st.warning(_("**DEMO DATA** — the visits listed here are synthetic, except those recorded in the app and not "
                 "marked demo. Visits you record are stored as real records."), icon="⚠️")

record, listed = st.tabs([_("Record a visit"),
                          _("Visits in {district}").format(district=t.place(state.district, names[state.district]))])
with record:
    options = gaps["kiln_id"].tolist()
    wanted = st.session_state.get("visit_kiln")
    info = gaps.set_index("kiln_id")

    def kiln_label(kiln_id: str) -> str:
        k = info.loc[kiln_id]
        status = str(k["visit_status"])
        return _("{kiln} · {tehsil} · {status} · priority {priority}").format(
            kiln=kiln_id, tehsil=tehsils.get(k["tehsil_pcode"], _("tehsil unknown")),
            status=_(VISIT_STATUS_WORDS.get(status, status.replace("_", " "))),
            priority=t.digits(f"{k['priority']:g}"))

    kiln = st.selectbox(_("Kiln (highest priority first)"), options, format_func=kiln_label,
                        index=options.index(wanted) if wanted in options else 0, key="visit_kiln_pick")
    k = info.loc[kiln]
    last = k["last_visit_date"]
    why = priority_parts(gaps[gaps["kiln_id"] == kiln], t.lang, urdu_digits=t.urdu_digits)[0]
    st.caption(_("Last visit: {date} · why it ranks: {why}").format(
        date=(t.date(last) if t.rtl else last.date().isoformat()) if pd.notna(last) else _("none recorded"),
        why=why or _("nothing notable")))
    visit_form(kiln, key="visit_new", today=today)

with listed:
    frame = visits.frame[visits.frame["district_pcode"] == state.district].sort_values("visit_date", ascending=False)
    if frame.empty:
        st.info(_("No visits recorded in this district yet."))
        end_page()
    origin = frame["source"].where(~frame["source"].eq(DEMO_SOURCE), _("demo data"))
    if "version" in frame:
        versions = frame["version"].astype("Int64")
        origin = origin.where(frame["version"].isna(), [
            _("{source} (version {version})").format(source=s, version=t.num(v)) if pd.notna(v) else s
            for s, v in zip(origin, versions, strict=True)])
    table = pd.DataFrame({
        "visit": frame["visit_id"], "kiln": frame["kiln_id"], "date": frame["visit_date"].dt.date,
        "children": frame["children_count"], "children working": frame["child_labour_observed"].map(_words),
        "bonded labour": frame["bonded_labour_indicators"].map(_words), "action": frame["action_taken"].map(_words),
        "source": origin, "demo": frame["synthetic"],
    })
    st.caption(_("Select a visit to correct it. A correction is stored as a new version; earlier versions stay."))
    picked = st.dataframe(table, hide_index=True, on_select="rerun", selection_mode="single-row", key="visit_table",
                          height=300, column_config=shown(VISIT_COLUMNS))
    rows = picked.selection.rows if picked else []
    if not rows:
        end_page()
    visit = frame.iloc[rows[0]]
    store = get_store()
    history = store.visit_history(str(visit["visit_id"]))
    newest = int(history["version"].max()) if len(history) else 0
    st.markdown(_("**Visit {visit}** to kiln {kiln}").format(visit=md(visit["visit_id"]), kiln=md(visit["kiln_id"])))
    if len(history):
        fields = [c for c in LABELS if c in history and c != "kiln_id"]
        versions = history[["version", "recorded_at", "recorded_by", "change_note", *fields]]
        for column in ("child_labour_observed", "bonded_labour_indicators", "action_taken"):
            if column in versions:
                versions = versions.assign(**{column: versions[column].map(_words)})
        st.dataframe(versions.rename(columns={c: label(c) for c in fields}), hide_index=True,
                     column_config=shown(HISTORY_COLUMNS))
        if history["version"].min() > 1:
            st.caption(_("Version 1 is the record as imported or generated; it is kept unchanged."))
    visit_form(str(visit["kiln_id"]), key=f"visit_edit_{visit['visit_id']}", today=today, edit=visit,
               expected_version=newest, synthetic=bool(visit["synthetic"]))
