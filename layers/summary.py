"""Key figures of a district (or a province, or both provinces), each with its source and demo flag."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from layers.catalog import LayerData
from layers.dvc import STATUS_LABELS, STATUS_SHORT, dvc_status
from layers.i18n import N_, Translator, translator
from loaders.geo import Reference

POPULATION_SOURCE = "PBS, 7th Population and Housing Census 2023"


@dataclass(frozen=True)
class Figure:
    """One number on the district panel."""

    label: str
    value: str
    source: str
    synthetic: bool = False
    note: str = ""


@dataclass(frozen=True)
class Window:
    """The date window of the view: visits and services are counted within it."""

    start: date
    end: date

    def contains(self, dates: pd.Series) -> pd.Series:
        return (dates >= pd.Timestamp(self.start)) & (dates <= pd.Timestamp(self.end))


def in_area(frame: pd.DataFrame, district: str | None, province: str | None) -> pd.DataFrame:
    """Rows of one district (P-code), of one province (``PK6``/``PK7``), or all; by ``district_pcode``."""
    if district:
        return frame[frame["district_pcode"] == district]
    if province:
        return frame[frame["district_pcode"].astype(str).str.startswith(province)]
    return frame


def last_visits(visits: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Latest visit per kiln within the window: ``kiln_id``, ``visit_date``, ``days_ago`` (to window end)."""
    inside = visits[window.contains(visits["visit_date"]) & visits["kiln_id"].notna()]
    latest = inside.sort_values("visit_date").groupby("kiln_id", as_index=False).last()
    latest["days_ago"] = (pd.Timestamp(window.end) - latest["visit_date"]).dt.days
    return latest


def area_figures(
    layers: dict[str, LayerData],
    ref: Reference,
    *,
    window: Window,
    district: str | None = None,
    province: str | None = None,
    small_count: int | None = None,
    lang: str = "en",
    urdu_digits: bool = False,
) -> list[Figure]:
    """Figures for one district (``district`` P-code), one province (``PK6``/``PK7``) or both.

    With ``small_count`` (the public profile), counts drawn from visit records below it show as "< n".
    Labels, values and notes are in ``lang`` (sources stay as their publishers name them; our own demo-data
    note is translated).
    """
    tr = translator(lang, urdu_digits=urdu_digits)
    _ = tr.gettext
    pop = in_area(ref.population.rename(columns={"ADM2_PCODE": "district_pcode"}), district, province)
    figures = [Figure(_("Population 2023"), tr.num(int(pop["pop_total_2023"].sum())), POPULATION_SOURCE,
                      note=_("Karachi districts approximate") if (pop["mapping"] == "approximate_karachi").any()
                      else "")]

    kilns = layers["kilns"]
    n_kilns = len(in_area(kilns.frame, district, province))
    figures.append(Figure(
        _("Kilns detected"), tr.num(n_kilns) if n_kilns else _("not detected"),
        " · ".join(map(_, kilns.sources)), kilns.synthetic,
        note=_("satellite detections undercount; none detected is not zero kilns") if not n_kilns
        else _("satellite detections; they undercount"),
    ))

    visits = layers["inspections"]
    area_visits = in_area(visits.frame, district, province)
    year_ago = max(window.start, (pd.Timestamp(window.end) - pd.DateOffset(months=12)).date())
    visited = last_visits(area_visits, Window(year_ago, window.end))
    period = _("{start} to {end}").format(start=_day(tr, year_ago), end=_day(tr, window.end))
    hidden = small_count is not None and len(visited) < small_count
    if n_kilns and not hidden:
        percent = tr.digits(f"{len(visited) / n_kilns:.0%}")
        note = _("{percent} of detected kilns · {period}").format(percent=percent, period=period)
    else:
        note = period
    figures.append(Figure(_("Kilns visited in the last 12 months"),
                          _("< {n}").format(n=tr.num(small_count)) if hidden else tr.num(len(visited)),
                          " · ".join(map(_, visits.sources)), visits.synthetic, note=note))

    if district:
        status = dvc_status(layers["dvcs"].frame, pd.Series([district]), as_of=window.end).iloc[0]
        last = status["last_meeting_date"]
        detail = (_("last meeting {date}").format(date=_day(tr, last.date())) if pd.notna(last)
                  else _("no meeting recorded"))
        code = status["status"]
        figures.append(Figure(_("DVC"), _(STATUS_SHORT[code]),
                              " · ".join(map(_, layers["dvcs"].sources)), layers["dvcs"].synthetic,
                              note=detail if status["status"] != "unknown" else _("no DVC record for this district")))
    else:
        pcodes = in_area(ref.districts.rename(columns={"ADM2_PCODE": "district_pcode"}), None, province)["district_pcode"]
        statuses = dvc_status(layers["dvcs"].frame, pcodes, as_of=window.end)["status"].value_counts()
        counts = [_("{n} {status}").format(n=tr.num(statuses.get(s, 0)),
                                           status=_(STATUS_SHORT[s]).lower()) for s in STATUS_LABELS]
        figures.append(Figure(_("Districts with an active DVC"),
                              _("{n} of {total}").format(n=tr.num(statuses.get("active", 0)), total=tr.num(len(pcodes))),
                              " · ".join(map(_, layers["dvcs"].sources)), layers["dvcs"].synthetic,
                              note=("، " if tr.rtl else ", ").join(counts)))

    for layer, label in (("schools", N_("Schools")), ("health", N_("Health units")), ("ngo", N_("NGO services"))):
        data = layers[layer]
        figures.append(Figure(_(label), tr.num(len(in_area(data.frame, district, province))),
                              " · ".join(map(_, data.sources)), data.synthetic))
    return figures


def _day(tr: Translator, day: date) -> str:
    """A date: ISO on English pages (as before), as Urdu writes it on Urdu pages."""
    return tr.date(day) if tr.rtl else day.isoformat()
