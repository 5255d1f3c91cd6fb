"""Gaps page: kilns to visit first and why, underserved areas, DVC coverage, and coverage over time."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard.exports import download
from dashboard.i18n import tr
from dashboard.resources import get_gap_report, get_layers, get_reference, static_map_url
from dashboard.state import area_name
from layers.areas import (
    INDEX_PARTS,
    coverage_series,
    hex_metrics,
    index_parts,
    suppress_small,
    visits_per_month,
)
from layers.choropleth import choropleth_map
from layers.dvc import STATUS_LABELS, STATUS_SHORT
from layers.export import to_csv_bytes, to_xlsx_bytes
from layers.gaps import (
    DEFAULT_WEIGHTS,
    PRIORITY_COMPONENTS,
    VISIT_STATUS_WORDS,
    GapSettings,
    explain_parts,
    rank_priorities,
)
from layers.i18n import N_
from layers.mapview import ATTRIBUTION
from layers.redact import profile_label
from layers.summary import in_area as area_rows

# A priority part's kind (layers.gaps.Component.kind) in words.
KINDS = {"evidence": N_("evidence"), "context": N_("context")}
AREA_COLUMNS = {  # the area table's columns as the page names them (the downloads keep the column names)
    "name": N_("Area"), "kilns": N_("Kilns detected"), "kilns_per_100k": N_("Kilns per 100,000 people"),
    "underserved_index": N_("Underserved index"), "share_never": N_("Share never visited"),
    "share_visited_12m": N_("Share visited in 12 months"), "visits_12m": N_("Visits in 12 months"),
    "dvc_status": N_("DVC status"), "no_data_reason": N_("Why no index"),
}
DVC_COLUMNS = {
    "name": N_("District"), "status_label": N_("DVC status"), "last_meeting_date": N_("Last meeting"),
    "tehsil_committees": N_("Tehsil committees"), "tehsil_committees_active": N_("Tehsil committees active"),
    "kilns": N_("Kilns detected"), "share_visited_12m": N_("Kilns visited in 12 months"),
    "kilns_per_active_dvc": N_("Kilns per active DVC"),
}

ref = get_reference()
layers = get_layers()
state = st.session_state["view"]
t = tr()
_ = t.gettext  # this run's language, also where Streamlit words options later (format_func)
names = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True))
places = {pcode: t.place(pcode, name) for pcode, name in names.items()}  # as the page shows them
area = area_name(state, names)
as_of: date = state.end
st.markdown(_("#### Gaps · {area} · as of {date}").format(area=area, date=t.date(as_of) if t.rtl else as_of.isoformat()))


def day(value: date) -> str:
    """A date in a sentence: ISO on English pages (as ever), as Urdu writes it on Urdu pages."""
    return t.date(value) if t.rtl else value.isoformat()


def shown_columns(labels: dict[str, str]) -> dict[str, str]:
    """``column_config`` naming a table's columns in Urdu (English pages keep the column names)."""
    return {column: _(label) for column, label in labels.items()} if t.rtl else {}


def settings_form() -> GapSettings:
    """Thresholds and weights (defaults documented in layers/gaps.py and the README)."""
    defaults = GapSettings()
    with st.expander(_("Thresholds and priority weights")):
        c1, c2, c3 = st.columns(3)
        revisit = c1.number_input(_("Revisit every (months)"), 1, 36, defaults.revisit_months, key="g_revisit")
        finding = c1.number_input(_("…after a recorded finding (months)"), 1, 36, defaults.finding_revisit_months,
                                  key="g_finding")
        school = c2.number_input(_("School within (km)"), 0.5, 50.0, defaults.school_km, 0.5, key="g_school")
        girls = c2.number_input(_("Girls' primary school within (km)"), 0.5, 50.0, defaults.girls_school_km, 0.5,
                                key="g_girls")
        health = c3.number_input(_("Health unit within (km)"), 0.5, 100.0, defaults.health_km, 0.5, key="g_health")
        ngo = c3.number_input(_("NGO service within (km)"), 0.5, 200.0, defaults.ngo_km, 0.5, key="g_ngo")
        st.caption(_("Priority = the sum of the weighted parts below. Only findings recorded at a visit are "
                     "evidence; detections, distances, worker counts and the DVC are context."))
        cols = st.columns(3)
        weights = {c.key: cols[i % 3].number_input(_("{part} ({kind})").format(part=_(c.label), kind=_(KINDS[c.kind])),
                                                   0.0, 100.0, DEFAULT_WEIGHTS[c.key], 1.0,
                                                   key=f"g_w_{c.key}", help=_(c.explanation))
                   for i, c in enumerate(PRIORITY_COMPONENTS)}
    return GapSettings(revisit_months=int(revisit), finding_revisit_months=int(finding), school_km=school,
                       girls_school_km=girls, health_km=health, ngo_km=ngo, weights=weights)


settings = settings_form()
report = get_gap_report(as_of, settings)
demo_layers = ("، " if t.rtl else ", ").join(_(label) for label in report.synthetic)
if report.synthetic:
    st.warning(_("**DEMO DATA** — {layers} behind these figures are synthetic. "
                 "Only boundaries, kilns and population are real.").format(layers=demo_layers), icon="⚠️")


def in_area(frame: pd.DataFrame) -> pd.DataFrame:
    return area_rows(frame, state.district, state.province)


def downloads(frame: pd.DataFrame, stem: str, sheet: str) -> None:
    """CSV and XLSX of a table, with sources, date and the demo flag; formulas neutralised."""
    notes = [_("As of {date}").format(date=day(as_of)),
             _("Sharing profile: {profile}").format(profile=profile_label(state.profile, t.lang,
                                                                          urdu_digits=t.urdu_digits)),
             ATTRIBUTION]
    kw = {"sources": list(report.sources), "synthetic": bool(report.synthetic), "notes": notes}
    c1, c2 = st.columns(2)
    download(c1, _("Download CSV"), to_csv_bytes(frame, **kw), f"{stem}.csv", "text/csv", key=f"csv_{stem}",
             what=f"gap table {sheet}")
    if c2.button(_("Prepare Excel file"), key=f"prep_{stem}"):  # openpyxl takes seconds for 10k rows: on demand
        download(c2, _("Download XLSX"), to_xlsx_bytes(frame, sheet=sheet, **kw), f"{stem}.xlsx",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"xlsx_{stem}",
                 what=f"gap table {sheet}")


kilns_tab, areas_tab, dvc_tab, time_tab = st.tabs([_("Kilns to visit"), _("Underserved areas"), _("DVC coverage"),
                                                  _("Over time")])

with kilns_tab:
    if state.profile == "public":  # one row per kiln with its visits: never in the public profile
        st.info(_("Kilns are listed one by one with their visits: not in the public profile. The other tabs "
                  "give the figures per area, with small counts hidden."))
    else:
        kilns = in_area(report.kilns)
        counts = kilns["visit_status"].value_counts()
        cols = st.columns(5)
        cols[0].metric(_("Kilns detected"), t.num(len(kilns)))
        for col, (status, label) in zip(cols[1:], (("never", N_("Never visited")), ("overdue", N_("Overdue")),
                                                    ("due_soon", N_("Due within 30 days")),
                                                    ("recent", N_("Recently visited"))),
                                        strict=True):
            col.metric(_(label), t.num(int(counts.get(status, 0))))
        st.caption(_("Revisit every {months} months, every {finding} after a recorded finding. Satellite detections "
                     "undercount: kilns not detected are not listed.").format(
                         months=t.num(settings.revisit_months), finding=t.num(settings.finding_revisit_months)))
        ranked = rank_priorities(kilns, limit=500)
        parts = explain_parts(ranked, settings, lang=t.lang, urdu_digits=t.urdu_digits)
        reasons = [list(p.dropna()) for _i, p in parts.iterrows()]  # each kiln's reasons, for the table and export
        why_column = _("Why this kiln")
        table = pd.DataFrame({
            _("Rank"): ranked["rank"], _("Kiln"): ranked["kiln_id"], _("District"): ranked["district_pcode"].map(places),
            _("Priority"): ranked["priority"],
            _("Status"): ranked["visit_status"].map(lambda v: _(VISIT_STATUS_WORDS.get(v, str(v).replace("_", " ")))),
            _("Last visit"): ranked["last_visit_date"].dt.date,
            why_column: ["\n".join(r) for r in reasons],
        })
        st.dataframe(table, hide_index=True, height=420,
                     column_config={why_column: st.column_config.TextColumn(width="large")})
        st.caption(_("The {shown} highest of {total} kilns. Priority is the sum of the parts listed; the "
                     "weights are under 'Thresholds and priority weights'.").format(shown=t.num(len(ranked)),
                                                                                    total=t.num(len(kilns))))
        if len(ranked):
            pick = st.selectbox(_("Why this kiln?"), ranked.index, key="g_why",
                                format_func=lambda i: _("#{rank} {kiln} (priority {priority})").format(
                                    rank=t.num(ranked.at[i, "rank"]), kiln=ranked.at[i, "kiln_id"],
                                    priority=t.digits(f"{ranked.at[i, 'priority']:g}")))
            row = ranked.loc[pick]
            st.table(pd.DataFrame([
                {_("Part"): _(c.label), _("Kind"): _(KINDS[c.kind]), _("Weight"): settings.weights[c.key],
                 _("Points"): row[f"score_{c.key}"],
                 _("Reason"): parts.at[pick, c.key] if pd.notna(parts.at[pick, c.key]) else "—"}
                for c in PRIORITY_COMPONENTS]))
        # the export's reasons in the page's language too: a file to read, its column names stay the data's
        export = ranked.drop(columns="geometry").assign(reasons=["; ".join(r) for r in reasons])
        downloads(export, f"kiln-priorities-{state.district or state.province or 'all'}-{as_of}", "Priorities")


with areas_tab:
    # a district's own polygon says little: its hexagons and tehsils first
    levels = ["hexagon", "tehsil", "district"] if state.district else ["district", "tehsil"]
    level = st.radio(_("Areas"), levels, horizontal=True, key="g_level",
                     format_func=lambda v: _({"district": N_("Districts"), "tehsil": N_("Tehsils"),
                                              "hexagon": N_("H3 hexagons (about 5 km²)")}[v]))
    if level == "hexagon":
        metrics = hex_metrics(in_area(report.kilns), resolution=7)
        shapes = metrics
        metrics = metrics.assign(name=metrics["h3_cell"])
    else:
        table = report.districts if level == "district" else report.tehsils
        metrics = in_area(table)
        geo = ref.districts.set_index("ADM2_PCODE") if level == "district" else ref.tehsils.set_index("ADM3_PCODE")
        shapes = gpd.GeoDataFrame(metrics, geometry=geo.geometry.reindex(metrics["pcode"]).values, crs=ref.districts.crs)
    # the cells as the page shows them: words, numbers, dates, no-data reasons and area names (Urdu, or the
    # English name marked (EN)) in the page's language
    shown = suppress_small(metrics.drop(columns="geometry", errors="ignore"), small_count=settings.small_count,
                           lang=t.lang, urdu_digits=t.urdu_digits)
    parts = index_parts("hex" if level == "hexagon" else level)
    fields = [("name", _("Area")), ("underserved_index", _("Underserved index")), ("kilns", _("Kilns detected")),
              ("share_not_recent", _("Never or not recently visited"))]
    fields += [(f"part_{p.key}", _(p.label)) for p in parts if p.key != "not_recent"]
    html = choropleth_map(shapes, value="underserved_index", title=_("Underserved index (0-100)"),
                          labels=shown, fields=fields, demo=tuple(report.synthetic),
                          outline=in_area(ref.districts.rename(columns={"ADM2_PCODE": "district_pcode"}))
                          if level != "district" else None, lang=t.lang, urdu_digits=t.urdu_digits).get_root().render()
    st.iframe(static_map_url(html), height=520)
    st.caption(_("Index = weighted mean of its parts (shares of kilns, 0 to 1): {parts}. An area missing any part "
                 "shows 'no data' with the reason, never a low score.").format(
                     parts=("؛ " if t.rtl else "; ").join(_(p.label) + f" ×{t.digits(f'{p.weight:g}')}" for p in parts)))
    order = metrics.sort_values("underserved_index", ascending=False, na_position="last").index
    columns = ["name", "kilns", "kilns_per_100k", "underserved_index", *[f"part_{p.key}" for p in parts],
               "share_never", "share_visited_12m", "visits_12m", "dvc_status", "no_data_reason"]
    columns = [c for c in columns if c in shown]
    part_names = {f"part_{p.key}": p.label for p in parts}
    st.dataframe(shown.loc[order, columns], hide_index=True, height=380, column_config=shown_columns({**AREA_COLUMNS, **part_names}))
    st.caption(_("Counts from inspection records below {n} show as '< {n}'; shares of areas with fewer than {n} "
                 "kilns are not shown.").format(n=t.num(settings.small_count)))
    downloads(pd.DataFrame(shown.loc[order, columns]), f"underserved-{level}s-{as_of}", "Areas")

with dvc_tab:
    dvc = in_area(report.dvc)
    dvc_shown = suppress_small(dvc.drop(columns=["status"]), small_count=settings.small_count, lang=t.lang,
                               urdu_digits=t.urdu_digits)
    counts = dvc["status"].value_counts()
    cols = st.columns(4)
    for col, status in zip(cols, STATUS_LABELS, strict=True):
        col.metric(_(STATUS_SHORT[status]), t.num(int(counts.get(status, 0))))
    dvc_table = dvc_shown[["name", "status_label", "last_meeting_date", "tehsil_committees",
                           "tehsil_committees_active", "kilns", "share_visited_12m", "kilns_per_active_dvc"]]
    if t.rtl:  # no pcode column here: suppress_small leaves the names as they are
        pcodes = dvc.loc[dvc_table.index, "district_pcode"]
        dvc_table = dvc_table.assign(name=[t.place(c, n) for c, n in zip(pcodes, dvc_table["name"], strict=True)])
    st.dataframe(dvc_table, hide_index=True, height=380,
                 column_config=shown_columns(DVC_COLUMNS) or {"status_label": "DVC status",
                                                              "share_visited_12m": "Kilns visited in 12 months"})
    st.caption(_("Active: met within 6 months. Dormant: notified, no meeting in 6 months. No data: no record, "
                 "which is not the same as not notified."))
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
    else:
        series = series.assign(district=series["district_pcode"].map(places))
    fig = px.line(series, x="month_end", y="coverage", color="district", range_y=[0, 1],
                  labels={"month_end": _("Month"), "coverage": _("Share of kilns visited in the previous 12 months"),
                          **({"district": _("District")} if t.rtl else {})},
                  title=_("Inspection coverage, {area}").format(area=area))
    fig.update_yaxes(tickformat=".0%")
    st.plotly_chart(fig, config={"displaylogo": False})
    first = pd.to_datetime(layers["inspections"].frame["visit_date"]).min()
    if pd.notna(first) and pd.Timestamp(start) < first + pd.DateOffset(months=12):
        st.caption(_("Visit records start on {first}: before {year_later} the share counts less than a year of "
                     "visits, so its rise there is the records starting, not more inspections.").format(
                         first=day(first.date()), year_later=day((first + pd.DateOffset(months=12)).date())))
    visits = in_area(visits_per_month(layers["inspections"].frame, start=start, end=as_of, district=state.district))
    visits = visits.groupby("month_end", as_index=False)[["visits", "visits_with_finding"]].sum()
    every, found = _("All visits"), _("Visits that recorded a finding")
    visits = visits.rename(columns={"visits": every, "visits_with_finding": found})
    fig = px.bar(visits, x="month_end", y=[every, found], barmode="overlay",
                 labels={"month_end": _("Month"), "value": _("Visits"), "variable": ""},
                 title=_("Inspection visits per month"))
    st.plotly_chart(fig, config={"displaylogo": False})
    ranking = in_area(report.districts).dropna(subset=["underserved_index"]).head(20)
    district_parts = index_parts("district")
    long = ranking.melt(id_vars=["name"], value_vars=[f"part_{p.key}" for p in district_parts],
                        var_name="part", value_name="value")
    weight = {f"part_{p.key}": 100 * p.weight / sum(q.weight for q in district_parts) for p in district_parts}
    long["points"] = long["value"] * long["part"].map(weight)
    long["part"] = long["part"].map({f"part_{p.key}": _(p.label) for p in INDEX_PARTS})
    if t.rtl:
        long["name"] = long["name"].map(dict(zip(ranking["name"], [t.place(c, n) for c, n in
                                                                  zip(ranking["pcode"], ranking["name"], strict=True)],
                                                 strict=True)))
    fig = px.bar(long, y="name", x="points", color="part", orientation="h",
                 labels={"name": "", "points": _("Underserved index points"), **({"part": _("Part")} if t.rtl else {})},
                 title=_("Most underserved districts, index by part"))
    fig.update_yaxes(categoryorder="total ascending")
    st.plotly_chart(fig, config={"displaylogo": False})
    if report.synthetic:
        st.caption(_("Charts drawn from DEMO DATA: {layers}").format(layers=demo_layers))

st.caption(ATTRIBUTION)
