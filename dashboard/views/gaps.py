"""Gaps page: kilns to visit first and why, underserved areas, DVC coverage, and coverage over time."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard.exports import download
from dashboard.resources import get_gap_report, get_layers, get_reference, static_map_url
from dashboard.state import PROVINCES
from layers.areas import (
    INDEX_PARTS,
    coverage_series,
    hex_metrics,
    index_parts,
    suppress_small,
    visits_per_month,
)
from layers.choropleth import choropleth_map
from layers.dvc import STATUS_LABELS
from layers.export import to_csv_bytes, to_xlsx_bytes
from layers.gaps import DEFAULT_WEIGHTS, PRIORITY_COMPONENTS, GapSettings, explain_parts, rank_priorities
from layers.mapview import ATTRIBUTION
from layers.redact import profile_label
from layers.summary import in_area as area_rows

ref = get_reference()
layers = get_layers()
state = st.session_state["view"]
names = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True))
area = names[state.district] if state.district else PROVINCES.get(state.province, "Punjab and Sindh")
as_of: date = state.end
st.markdown(f"#### Gaps · {area} · as of {as_of.isoformat()}")


def settings_form() -> GapSettings:
    """Thresholds and weights (defaults documented in layers/gaps.py and the README)."""
    defaults = GapSettings()
    with st.expander("Thresholds and priority weights"):
        c1, c2, c3 = st.columns(3)
        revisit = c1.number_input("Revisit every (months)", 1, 36, defaults.revisit_months, key="g_revisit")
        finding = c1.number_input("…after a recorded finding (months)", 1, 36, defaults.finding_revisit_months,
                                  key="g_finding")
        school = c2.number_input("School within (km)", 0.5, 50.0, defaults.school_km, 0.5, key="g_school")
        girls = c2.number_input("Girls' primary school within (km)", 0.5, 50.0, defaults.girls_school_km, 0.5,
                                key="g_girls")
        health = c3.number_input("Health unit within (km)", 0.5, 100.0, defaults.health_km, 0.5, key="g_health")
        ngo = c3.number_input("NGO service within (km)", 0.5, 200.0, defaults.ngo_km, 0.5, key="g_ngo")
        st.caption("Priority = the sum of the weighted parts below. Only findings recorded at a visit are "
                   "evidence; detections, distances, worker counts and the DVC are context.")
        cols = st.columns(3)
        weights = {c.key: cols[i % 3].number_input(f"{c.label} ({c.kind})", 0.0, 100.0, DEFAULT_WEIGHTS[c.key], 1.0,
                                                   key=f"g_w_{c.key}", help=c.explanation)
                   for i, c in enumerate(PRIORITY_COMPONENTS)}
    return GapSettings(revisit_months=int(revisit), finding_revisit_months=int(finding), school_km=school,
                       girls_school_km=girls, health_km=health, ngo_km=ngo, weights=weights)


settings = settings_form()
report = get_gap_report(as_of, settings)
if report.synthetic:
    st.warning(f"**DEMO DATA** — {', '.join(report.synthetic)} behind these figures are synthetic. "
               "Only boundaries, kilns and population are real.", icon="⚠️")


def in_area(frame: pd.DataFrame) -> pd.DataFrame:
    return area_rows(frame, state.district, state.province)


def downloads(frame: pd.DataFrame, stem: str, sheet: str) -> None:
    """CSV and XLSX of a table, with sources, date and the demo flag; formulas neutralised."""
    kw = {"sources": list(report.sources), "synthetic": bool(report.synthetic),
          "notes": [f"As of {as_of.isoformat()}", f"Sharing profile: {profile_label(state.profile)}", ATTRIBUTION]}
    c1, c2 = st.columns(2)
    download(c1, "Download CSV", to_csv_bytes(frame, **kw), f"{stem}.csv", "text/csv", key=f"csv_{stem}",
             what=f"gap table {sheet}")
    if c2.button("Prepare Excel file", key=f"prep_{stem}"):  # openpyxl takes seconds for 10k rows: on demand
        download(c2, "Download XLSX", to_xlsx_bytes(frame, sheet=sheet, **kw), f"{stem}.xlsx",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"xlsx_{stem}",
                 what=f"gap table {sheet}")


kilns_tab, areas_tab, dvc_tab, time_tab = st.tabs(["Kilns to visit", "Underserved areas", "DVC coverage", "Over time"])

with kilns_tab:
    if state.profile == "public":  # one row per kiln with its visits: never in the public profile
        st.info("Kilns are listed one by one with their visits: not in the public profile. The other tabs "
                "give the figures per area, with small counts hidden.")
    else:
        kilns = in_area(report.kilns)
        counts = kilns["visit_status"].value_counts()
        cols = st.columns(5)
        cols[0].metric("Kilns detected", f"{len(kilns):,}")
        for col, (status, label) in zip(cols[1:], (("never", "Never visited"), ("overdue", "Overdue"),
                                                    ("due_soon", "Due within 30 days"), ("recent", "Recently visited")),
                                        strict=True):
            col.metric(label, f"{int(counts.get(status, 0)):,}")
        st.caption(f"Revisit every {settings.revisit_months} months, every {settings.finding_revisit_months} after a "
                   "recorded finding. Satellite detections undercount: kilns not detected are not listed.")
        ranked = rank_priorities(kilns, limit=500)
        parts = explain_parts(ranked, settings)
        reasons = [list(p.dropna()) for _, p in parts.iterrows()]  # each kiln's reasons, for the table and the export
        table = pd.DataFrame({
            "Rank": ranked["rank"], "Kiln": ranked["kiln_id"], "District": ranked["district_pcode"].map(names),
            "Priority": ranked["priority"], "Status": ranked["visit_status"].str.replace("_", " "),
            "Last visit": ranked["last_visit_date"].dt.date,
            "Why this kiln": ["\n".join(r) for r in reasons],
        })
        st.dataframe(table, hide_index=True, height=420,
                     column_config={"Why this kiln": st.column_config.TextColumn(width="large")})
        st.caption(f"The {len(ranked)} highest of {len(kilns):,} kilns. Priority is the sum of the parts listed; the "
                   "weights are under 'Thresholds and priority weights'.")
        if len(ranked):
            pick = st.selectbox("Why this kiln?", ranked.index, key="g_why",
                                format_func=lambda i: f"#{ranked.at[i, 'rank']} {ranked.at[i, 'kiln_id']} "
                                                      f"(priority {ranked.at[i, 'priority']:g})")
            row = ranked.loc[pick]
            st.table(pd.DataFrame([
                {"Part": c.label, "Kind": c.kind, "Weight": settings.weights[c.key], "Points": row[f"score_{c.key}"],
                 "Reason": parts.at[pick, c.key] if pd.notna(parts.at[pick, c.key]) else "—"}
                for c in PRIORITY_COMPONENTS]))
        export = ranked.drop(columns="geometry").assign(reasons=["; ".join(r) for r in reasons])
        downloads(export, f"kiln-priorities-{state.district or state.province or 'all'}-{as_of}", "Priorities")


with areas_tab:
    # a district's own polygon says little: its hexagons and tehsils first
    levels = ["hexagon", "tehsil", "district"] if state.district else ["district", "tehsil"]
    level = st.radio("Areas", levels, horizontal=True, key="g_level",
                     format_func=lambda v: {"district": "Districts", "tehsil": "Tehsils",
                                            "hexagon": "H3 hexagons (about 5 km²)"}[v])
    if level == "hexagon":
        metrics = hex_metrics(in_area(report.kilns), resolution=7)
        shapes = metrics
        metrics = metrics.assign(name=metrics["h3_cell"])
    else:
        table = report.districts if level == "district" else report.tehsils
        metrics = in_area(table)
        geo = ref.districts.set_index("ADM2_PCODE") if level == "district" else ref.tehsils.set_index("ADM3_PCODE")
        shapes = gpd.GeoDataFrame(metrics, geometry=geo.geometry.reindex(metrics["pcode"]).values, crs=ref.districts.crs)
    shown = suppress_small(metrics.drop(columns="geometry", errors="ignore"), small_count=settings.small_count)
    parts = index_parts("hex" if level == "hexagon" else level)
    fields = [("name", "Area"), ("underserved_index", "Underserved index"), ("kilns", "Kilns detected"),
              ("share_not_recent", "Never or not recently visited")]
    fields += [(f"part_{p.key}", p.label) for p in parts if p.key != "not_recent"]
    html = choropleth_map(shapes, value="underserved_index", title="Underserved index (0-100)", labels=shown,
                          fields=fields, demo=report.synthetic,
                          outline=in_area(ref.districts.rename(columns={"ADM2_PCODE": "district_pcode"}))
                          if level != "district" else None).get_root().render()
    st.iframe(static_map_url(html), height=520)
    st.caption("Index = weighted mean of its parts (shares of kilns, 0 to 1): "
               + "; ".join(f"{p.label} ×{p.weight:g}" for p in parts)
               + ". An area missing any part shows 'no data' with the reason, never a low score.")
    order = metrics.sort_values("underserved_index", ascending=False, na_position="last").index
    columns = ["name", "kilns", "kilns_per_100k", "underserved_index", *[f"part_{p.key}" for p in parts],
               "share_never", "share_visited_12m", "visits_12m", "dvc_status", "no_data_reason"]
    columns = [c for c in columns if c in shown]
    st.dataframe(shown.loc[order, columns], hide_index=True, height=380)
    st.caption(f"Counts from inspection records below {settings.small_count} show as '< {settings.small_count}'; "
               f"shares of areas with fewer than {settings.small_count} kilns are not shown.")
    downloads(pd.DataFrame(shown.loc[order, columns]), f"underserved-{level}s-{as_of}", "Areas")

with dvc_tab:
    dvc = in_area(report.dvc)
    dvc_shown = suppress_small(dvc.drop(columns=["status"]), small_count=settings.small_count)
    counts = dvc["status"].value_counts()
    cols = st.columns(4)
    for col, status in zip(cols, STATUS_LABELS, strict=True):
        col.metric(STATUS_LABELS[status].split(" (")[0], int(counts.get(status, 0)))
    st.dataframe(dvc_shown[["name", "status_label", "last_meeting_date", "tehsil_committees",
                            "tehsil_committees_active", "kilns", "share_visited_12m", "kilns_per_active_dvc"]],
                 hide_index=True, height=380,
                 column_config={"status_label": "DVC status", "share_visited_12m": "Kilns visited in 12 months"})
    st.caption("Active: met within 6 months. Dormant: notified, no meeting in 6 months. No data: no record, "
               "which is not the same as not notified.")
    downloads(pd.DataFrame(dvc_shown), f"dvc-coverage-{as_of}", "DVC coverage")

with time_tab:
    start = max(state.start, date(as_of.year - 4, as_of.month, 1))
    series = coverage_series(report.kilns, layers["inspections"].frame, start=start, end=as_of,
                             district=state.district)
    series = in_area(series)
    series = series.assign(district=series["district_pcode"].map(names))
    if not state.district:  # one line per district is unreadable: the province's or both provinces' share
        series = series.groupby("month_end", as_index=False)[["kilns", "kilns_covered"]].sum()
        series = series.assign(coverage=series["kilns_covered"] / series["kilns"], district=area)
    fig = px.line(series, x="month_end", y="coverage", color="district", range_y=[0, 1],
                  labels={"month_end": "Month", "coverage": "Share of kilns visited in the previous 12 months"},
                  title=f"Inspection coverage, {area}")
    fig.update_yaxes(tickformat=".0%")
    st.plotly_chart(fig, config={"displaylogo": False})
    first = pd.to_datetime(layers["inspections"].frame["visit_date"]).min()
    if pd.notna(first) and pd.Timestamp(start) < first + pd.DateOffset(months=12):
        st.caption(f"Visit records start on {first.date().isoformat()}: before "
                   f"{(first + pd.DateOffset(months=12)).date().isoformat()} the share counts less than a year of "
                   "visits, so its rise there is the records starting, not more inspections.")
    visits = in_area(visits_per_month(layers["inspections"].frame, start=start, end=as_of, district=state.district))
    visits = visits.groupby("month_end", as_index=False)[["visits", "visits_with_finding"]].sum()
    visits = visits.rename(columns={"visits": "All visits", "visits_with_finding": "Visits that recorded a finding"})
    fig = px.bar(visits, x="month_end", y=["All visits", "Visits that recorded a finding"], barmode="overlay",
                 labels={"month_end": "Month", "value": "Visits", "variable": ""}, title="Inspection visits per month")
    st.plotly_chart(fig, config={"displaylogo": False})
    ranking = in_area(report.districts).dropna(subset=["underserved_index"]).head(20)
    district_parts = index_parts("district")
    long = ranking.melt(id_vars=["name"], value_vars=[f"part_{p.key}" for p in district_parts],
                        var_name="part", value_name="value")
    weight = {f"part_{p.key}": 100 * p.weight / sum(q.weight for q in district_parts) for p in district_parts}
    long["points"] = long["value"] * long["part"].map(weight)
    long["part"] = long["part"].map({f"part_{p.key}": p.label for p in INDEX_PARTS})
    fig = px.bar(long, y="name", x="points", color="part", orientation="h",
                 labels={"name": "", "points": "Underserved index points"},
                 title="Most underserved districts, index by part")
    fig.update_yaxes(categoryorder="total ascending")
    st.plotly_chart(fig, config={"displaylogo": False})
    if report.synthetic:
        st.caption("Charts drawn from DEMO DATA: " + ", ".join(report.synthetic))

st.caption(ATTRIBUTION)
