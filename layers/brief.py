"""Two-page A4 district briefs (PDF): the map and key figures, then the kilns to visit, the ranking, what is unknown.

A brief is handed to a deputy commissioner or a district labour officer at a District Vigilance Committee
meeting, or read on a phone. Page 1 holds the district's key figures (population, kilns detected and visited,
the DVC, service deserts) above a map of the district; page 2 the kilns to visit first (per tehsil counts in
the ``public`` profile), how the district ranks in its province, what the data cannot say, the sources and
the method. Every page is dated, names its redaction profile and, whenever demo data contributes, carries a
diagonal "DEMO DATA" watermark and a line naming the synthetic layers.

:func:`brief_content` computes everything a brief says (tests read it); :func:`brief` draws it with
matplotlib (no pyplot) into a two-page PDF, reusing the snapshot's map drawing (:mod:`layers.snapshot`).
The map and the per-kiln table come from the layers as the profile may show them
(:func:`layers.redact.redact_layers`); counts per area come from every record, counts drawn from visit
records below 5 shown as "< 5" in ``public``.
"""

from __future__ import annotations

import dataclasses
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from layers import rtl
from layers.areas import index_parts, suppress_small
from layers.catalog import LayerData
from layers.dvc import STATUS_SHORT
from layers.gap_report import GapReport, gap_report
from layers.gaps import (
    DVC_STATUS_WORDS,
    FINDING_WORDS,
    PRIORITY_COMPONENTS,
    SERVICES,
    GapSettings,
    rank_priorities,
)
from layers.i18n import ENGLISH, N_, RTL_LANGUAGES, Translator, translator
from layers.mapview import MapView, attribution
from layers.redact import PROFILE_NAMES, PROFILES, redact_layers
from layers.snapshot import (
    A4_IN,
    BOX_PAD_IN,
    DEMO_WATERMARK,
    KILN_CAVEAT,
    LINE_SPACING,
    NO_LIGATURES,
    Page,
    Plan,
    _Block,
    _draw_map,
    _legend,
    _legend_layout,
    _place_legend,
    _shapes,
    _word_width,
    _wrap,
    area_of,
    plan,
    profile_line,
)
from layers.summary import Window, area_figures
from loaders.geo import Reference

TOP_KILNS = 15
"""Kilns listed on page 2 (internal and official profiles)."""
PAGES = 2
MAP_PAGE = Page(*A4_IN, 0.45, 16.0, 8.5, 7.0, 6.5)
"""Type sizes of the map on page 1 (smaller than a snapshot's: the map is smaller)."""
MARGIN_IN = 0.45
GAP_IN = 0.08
DPI = 72.0
"""Layout in points: one pixel of the wrapping arithmetic is one point."""
MAX_SIZE, MIN_SIZE = 9.0, 6.5
"""Page 2's body type: the largest that fits, in steps of a quarter point, never below the least."""
TABLE_SPACING = 1.15
"""Line height of table cells (in type sizes): tighter than running text, the rows' shading keeps them apart."""
URDU_SPACING = 1.2
"""Urdu lines are taller (Naskh has deep descenders and high dots): every line height is this much larger."""
URDU_MIN_SIZE = 6.0
"""Page 2's least body type in Urdu (Naskh's letters are small for their size; its lines are taller)."""
SERVICE_WORDS = {"school": N_("school"), "girls_school": N_("girls' school"), "health": N_("health unit"),
                 "ngo": N_("NGO service")}
"""Short names of the services of :data:`layers.gaps.SERVICES` in the per-kiln reasons and table headers."""
STATUS_WORDS = {"never": N_("never visited"), "overdue": N_("overdue"), "due_soon": N_("due soon"),
                "recent": N_("not yet due")}
_FIGURE_LABELS = {"DVC": N_("District Vigilance Committee")}
"""Key figures named in full where the panel abbreviates (a brief is read by people outside the programme)."""
_ELSEWHERE = (
    # the key figures of layers.summary.area_figures, as it words them (translated here where the brief shows them)
    N_("Population 2023"), N_("Kilns detected"), N_("Kilns visited in the last 12 months"), N_("Schools"),
    N_("Health units"), N_("NGO services"), N_("not detected"), N_("Karachi districts approximate"),
    N_("satellite detections undercount; none detected is not zero kilns"),
    N_("satellite detections; they undercount"), N_("no meeting recorded"), N_("no DVC record for this district"),
    # the display strings of layers.areas.suppress_small and the reasons of an index without data
    N_("no data"), N_("no active DVC"), N_("no kilns detected"), N_("no inspection data"), N_("no DVC record"),
    N_("no population figure"), N_("no school data"), N_("no girls' school data"), N_("no health unit data"),
    N_("no NGO service data"),
    # the parts of the underserved index (layers.areas.INDEX_PARTS)
    N_("Kilns not visited recently"), N_("No active DVC"), N_("Kiln density"), N_("School desert"),
    N_("Girls' school desert"), N_("Health desert"), N_("NGO service desert"),
)
INK, GREY, DEMO_INK = "#111111", "#444444", "#7a4b00"
PROFILE_INK = {"internal": "#7a4b00", "official": "#1f3d7a", "public": "#1f3d7a"}


# ----------------------------------------------------------------------------------------------- what a brief says


@dataclass(frozen=True)
class Tile:
    """One key figure on page 1: a label, the number as shown, a note under it."""

    label: str
    value: str
    note: str = ""
    synthetic: bool = False


@dataclass(frozen=True)
class Table:
    """A table as text: every cell a string, as it is printed."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    weights: tuple[float, ...]
    """Relative column widths."""
    right: tuple[bool, ...]
    """Right-aligned (numbers) per column."""


@dataclass(frozen=True)
class BriefContent:
    """Everything a district brief says, worked out before anything is drawn, in its language."""

    district: str
    name: str
    """The district's English name (COD-AB)."""
    province: str
    title: str
    """"Kasur District (Punjab)"."""
    profile: str
    as_of: date
    window: Window
    figures: tuple[Tile, ...]
    deserts: tuple[Tile, ...]
    map_plan: Plan
    """The page-1 map (:func:`layers.snapshot.plan` of the redacted layers)."""
    kilns_heading: str
    kilns: Table
    """Internal and official: the top :data:`TOP_KILNS` kilns by priority. Public: counts per tehsil."""
    kilns_note: str
    ranking: str
    comparison: Table
    """The district's figures beside its province's median."""
    unknowns: tuple[str, ...]
    sources: tuple[str, ...]
    method: tuple[str, ...]
    synthetic: tuple[str, ...]
    """Labels of the layers behind the brief that hold demo data, sorted (in the brief's language)."""
    lang: str = "en"
    urdu_digits: bool = False

    @property
    def tr(self) -> Translator:
        return translator(self.lang, urdu_digits=self.urdu_digits)

    @property
    def rtl(self) -> bool:
        return self.lang in RTL_LANGUAGES

    @property
    def place(self) -> str:
        """The district's name in the brief's language."""
        return self.tr.place(self.district, self.name)

    @property
    def province_name(self) -> str:
        return self.tr(self.province)

    @property
    def demo_line(self) -> str:
        """The line naming the synthetic layers ("" when there are none)."""
        if not self.synthetic:
            return ""
        _ = self.tr.gettext
        return _("{demo_data} in this brief: synthetic, generated for demonstration (not real visits, committees "
                 "or services): {layers}.").format(demo_data=_(DEMO_WATERMARK), layers=_(", ").join(self.synthetic))


def brief_content(
    district: str,
    layers: Mapping[str, LayerData],
    ref: Reference,
    *,
    profile: str,
    as_of: date,
    window: Window | None = None,
    gaps_report: GapReport | None = None,
    shared: Mapping[str, LayerData] | None = None,
    secret: bytes | None = None,
    lang: str = "en",
    urdu_digits: bool = False,
) -> BriefContent:
    """What the brief of ``district`` says in ``profile`` and ``lang``: see :func:`brief` for the parameters."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; one of {', '.join(PROFILES)}")
    shapes = _shapes(ref)
    if district not in shapes.names:
        raise ValueError(f"unknown district P-code {district!r}")
    report = gaps_report if gaps_report is not None else gap_report(layers, ref, as_of=as_of)
    if report.as_of != as_of:
        raise ValueError(f"the gap report is of {report.as_of.isoformat()}, the brief of {as_of.isoformat()}")
    window = window or Window(_year_before(as_of), as_of)
    if window.end != as_of:
        raise ValueError(f"the window ends on {window.end.isoformat()}, the brief's data date is {as_of.isoformat()}")
    tr = translator(lang, urdu_digits=urdu_digits)
    _ = tr.gettext
    lang = tr.lang
    shared = shared if shared is not None else redact_layers(layers, profile, ref=ref, secret=secret)
    settings = report.settings
    small = settings.small_count if profile == "public" else None
    view = MapView(window, district=district, profile=profile, lang=lang, urdu_digits=urdu_digits)
    _area, title = area_of(view, ref)
    name = str(shapes.names[district])
    province = str(shapes.province_names[shapes.province_of[district]])
    place, province_name = tr.place(district, name), _(province)
    kilns = report.kilns[report.kilns["district_pcode"] == district]

    english = area_figures(dict(layers), ref, window=window, district=district, small_count=small)
    figures = tuple(_figure_tile(f, tr) for f in english)
    no_dvc = any(f.label == "DVC" and f.note == "no DVC record for this district" for f in english)
    deserts = tuple(_desert_tile(kilns, service, settings, layers, province_name, tr) for service in SERVICES)
    map_plan = plan(view, shared, ref, profile=profile)

    if profile == "public":
        heading = _("Kilns per tehsil")
        table = _tehsil_table(kilns, ref, district, settings, tr)
        note = _("The public profile lists no kiln with its visits: individual visit and finding records stay "
                 "inside the programme. Counts per tehsil instead; counts drawn from visit records below {small} "
                 "show as \"< {small}\" (and kilns not visited as a range).").format(
            small=tr.num(settings.small_count))
    else:
        table, listed = _kiln_table(kilns, shared["kilns"].frame, ref, district, tr)
        heading = (_("Kilns to visit first: the {n} highest priorities").format(n=tr.num(listed)) if listed
                   else _("Kilns to visit first"))
        note = (_("{listed} of {total} kilns detected in the district, highest priority first. Why: each part of the "
                  "priority with its points (method below); findings and children as recorded at a visit on that "
                  "date, the rest context. Every kiln: {command}").format(
                    listed=tr.num(listed), total=tr.num(len(kilns)),
                    command=f"bhatta priorities --district {district} --limit 0")
                if len(kilns) else
                _("No kilns detected in the district: {caveat}").format(caveat=_(KILN_CAVEAT).lower()))

    synthetic = tuple(sorted({_(d.label) for d in layers.values() if d.synthetic}))
    ranking, comparison = _ranking(report, district, place, province_name, profile, tr)
    return BriefContent(
        district=district, name=name, province=province, title=title, profile=profile, as_of=as_of, window=window,
        figures=figures, deserts=deserts, map_plan=map_plan, kilns_heading=heading, kilns=table, kilns_note=note,
        ranking=ranking, comparison=comparison,
        unknowns=_unknowns(no_dvc, kilns, synthetic, district, ref, tr),
        sources=tuple(f"{labels}: {source}" for labels, source in map_plan.sources) + (attribution(lang),),
        method=_method(settings, window, profile, district, tr),
        synthetic=synthetic, lang=lang, urdu_digits=urdu_digits,
    )


def _year_before(day: date) -> date:
    return (pd.Timestamp(day) - pd.DateOffset(months=12)).date()


def _date(day: date, tr: Translator) -> str:
    """A date as the brief prints it: ISO in English (as every English export), the language's own form else."""
    return day.isoformat() if not tr.rtl else tr.date(day)


def _g(x: float, tr: Translator) -> str:
    """A number in its shortest form (``2``, ``2.5``), in the language's digits."""
    return tr.digits(f"{x:g}")


def _pct(x: float, tr: Translator) -> str:
    text = tr.digits(f"{x:.0%}")
    return text.replace("%", "٪") if tr.rtl and tr.urdu_digits else text


_NUMBER = re.compile(r"-?[\d,]+(\.\d+)?%?")
_BELOW = re.compile(r"< (\d+)( kilns)?")


def _cell(text: str, tr: Translator) -> str:
    """A display string of :func:`layers.areas.suppress_small` or of a key figure in the brief's language:
    numbers in its digits, "< 5" kept, the words translated."""
    if not tr.rtl:
        return text
    if number := _NUMBER.fullmatch(text):
        if text.endswith("%"):
            return _pct(float(text[:-1]) / 100, tr)
        decimals = len(number.group(1) or ".") - 1
        return tr.num(float(text.replace(",", "")) if decimals else int(text.replace(",", "")), decimals)
    below = _BELOW.fullmatch(text)
    if below:
        n = tr.num(int(below.group(1)))
        return tr.gettext("< {n} kilns").format(n=n) if below.group(2) else f"< {n}"
    return tr(text)


_SHARE = re.compile(r"(?:(\d+%) of detected kilns · )?(\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)")
_MEETING = re.compile(r"last meeting (\d{4}-\d\d-\d\d)")


def _figure_tile(f, tr: Translator) -> Tile:
    """A key figure of :func:`layers.summary.area_figures` (worded in English) as the brief shows it."""
    label = _FIGURE_LABELS.get(f.label, f.label)
    if not tr.rtl:
        return Tile(label, f.value, f.note, f.synthetic)
    _ = tr.gettext
    value = _(STATUS_SHORT[k]) if (k := next((k for k, v in STATUS_SHORT.items() if v == f.value), None)) \
        else _cell(f.value, tr)
    note = f.note
    if share := _SHARE.fullmatch(note):
        start, end = (_date(date.fromisoformat(d), tr) for d in share.group(2, 3))
        note = (_("{share} of detected kilns · {start} to {end}").format(share=_cell(share.group(1), tr), start=start,
                                                                        end=end)
                if share.group(1) else _("{start} to {end}").format(start=start, end=end))
    elif meeting := _MEETING.fullmatch(note):
        note = _("last meeting {date}").format(date=_date(date.fromisoformat(meeting.group(1)), tr))
    elif note:
        note = _(note)
    return Tile(_(label), value, note, f.synthetic)


def _count(n: int, small: int | None, tr: Translator = ENGLISH) -> str:
    """A count drawn from visit records as shown: below ``small`` (the public profile) as "< small"."""
    return f"< {tr.num(small)}" if small is not None and n < small else tr.num(n)


def _desert_tile(kilns: pd.DataFrame, service, settings: GapSettings, layers: Mapping[str, LayerData],
                 province: str, tr: Translator = ENGLISH) -> Tile:
    """Kilns of the district with no ``service`` within reach, and their share of the kilns with data."""
    _ = tr.gettext
    km = getattr(settings, service.threshold)
    label = _("No {service} within {km} km").format(service=_(service.label), km=_g(km, tr))
    synthetic = layers[service.layer].synthetic
    desert = kilns[f"desert_{service.key}"]
    known = int(desert.notna().sum())
    if not len(kilns):
        return Tile(label, _("no kilns"), _("none detected in the district"), synthetic)
    if not known:
        return Tile(label, _("no data"), _("no {layer} recorded in {province}").format(
            layer=_(layers[service.layer].label).lower(), province=province), synthetic)
    n = int(desert.fillna(False).astype(bool).sum())
    return Tile(label, _("{n} kilns").format(n=tr.num(n)),
                _("{share} of {known} kilns detected").format(share=_pct(n / known, tr), known=tr.num(known)),
                synthetic)


def short_reasons(ranked: pd.DataFrame, tr: Translator = ENGLISH) -> list[str]:
    """Why each kiln has its priority, in a few words per part with its points (the brief's table).

    The short form of :func:`layers.gaps.explain`: the same parts, the last visit and the reach thresholds
    left to the table's other columns and the method notes. Findings are stated as recorded at a visit.
    """
    out = []
    for row in ranked.to_dict("records"):
        parts = []
        for c in PRIORITY_COMPONENTS:
            points = float(row[f"score_{c.key}"])
            if not points > 0:
                continue
            parts.append(f"{_reason(c.key, row, tr)} +{_g(round(points, 1), tr)}")
        out.append(tr.gettext("; ").join(parts))
    return out


def _reason(key: str, row: Mapping[str, object], tr: Translator = ENGLISH) -> str:
    _ = tr.gettext
    if key == "time_since_visit":  # the last visit's date has a column of its own
        status = str(row["visit_status"])
        return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status
    if key == "prior_finding":
        finding = str(row["last_finding"])
        return f"{_(FINDING_WORDS.get(finding, finding))} {_day(row['last_finding_date'], tr)}"
    if key == "children_recorded":
        counted = row["children_counted"]
        if pd.notna(counted) and counted > 0:
            day = _day(row["last_children_date"], tr)
            same = row["score_prior_finding"] > 0 and day == _day(row["last_finding_date"], tr)
            return _("{n} children").format(n=_g(counted, tr)) + ("" if same else f" {day}")
        return _("{n} children in kiln register").format(n=_g(row["children_reported"], tr))
    if key == "workers":
        return _("{n} workers").format(n=_g(row["workers_latest"], tr))
    if key == "no_active_dvc":
        status = str(row["dvc_status"])
        word = DVC_STATUS_WORDS.get(status, status.replace("_", " "))
        return _("no DVC record") if status == "unknown" else _("DVC {status}").format(status=_(word))
    service = key.removeprefix("no_")
    dist = row[f"dist_{service}_m"]
    word = _(SERVICE_WORDS[service])
    return (_("no {service} recorded").format(service=word) if pd.isna(dist)
            else _("{service} {km} km").format(service=word, km=tr.digits(f"{dist / 1000:.1f}")))


def _day(value: object, tr: Translator = ENGLISH) -> str:
    return _date(pd.Timestamp(value).date(), tr) if pd.notna(value) else tr.gettext("unknown")


def _tehsil_names(ref: Reference, district: str) -> dict[str, str]:
    tehsils = ref.tehsils[ref.tehsils["ADM2_PCODE"] == district].sort_values("ADM3_EN")
    return dict(zip(tehsils["ADM3_PCODE"].astype(str), tehsils["ADM3_EN"].astype(str), strict=True))


def _kiln_table(kilns: pd.DataFrame, shown_kilns: pd.DataFrame, ref: Reference, district: str,
                tr: Translator = ENGLISH) -> tuple[Table, int]:
    """The top kilns by priority, among the kilns the profile shows, placed where the profile shows them."""
    _ = tr.gettext
    shown_kilns = shown_kilns[(shown_kilns["district_pcode"] == district).to_numpy()]
    places = shown_kilns.drop_duplicates("kiln_id").set_index("kiln_id").geometry
    shown = pd.Index(places.index.astype(object)).get_indexer(kilns["kiln_id"].astype(object).to_numpy()) >= 0
    ranked = rank_priorities(kilns[shown], limit=TOP_KILNS)
    tehsils = _tehsil_names(ref, district)

    def tehsil(code: object) -> str:
        code = str(code)
        return tr.place(code, tehsils[code]) if code in tehsils else _("unknown")

    at = places.reindex(ranked["kiln_id"])
    never = _("never")
    rows = tuple(
        (tr.digits(str(rank)),
         f"{kiln}\n{point.y:.5f}, {point.x:.5f}" if point is not None and not point.is_empty else str(kiln),
         f"{tehsil(code)}\n{never if pd.isna(last) else _date(pd.Timestamp(last).date(), tr)}",
         tr.digits(f"{priority:.1f}"), why)
        for rank, kiln, code, last, priority, point, why in zip(
            ranked["rank"], ranked["kiln_id"], ranked["tehsil_pcode"], ranked["last_visit_date"],
            ranked["priority"], at.to_numpy(), short_reasons(ranked, tr), strict=True))
    table = Table(("#", _("Kiln\nlat, lon"), _("Tehsil\nlast visit"), _("Priority"),
                   _("Why: the parts of the priority (points)")),
                  rows, (0.25, 1.15, 1.0, 0.55, 4.6), (True, False, False, True, False))
    return table, len(rows)


def _tehsil_table(kilns: pd.DataFrame, ref: Reference, district: str, settings: GapSettings,
                  tr: Translator = ENGLISH) -> Table:
    """Per tehsil: kilns detected, visited and not visited in 12 months (small counts hidden), service deserts."""
    _ = tr.gettext
    small = settings.small_count
    tehsils = _tehsil_names(ref, district)
    visited = pd.to_numeric(kilns["visits_12m"], errors="coerce").fillna(0).to_numpy() > 0
    groups = [(tr.place(code, name), kilns["tehsil_pcode"].astype(str).eq(code).to_numpy())
              for code, name in tehsils.items()]
    outside = ~kilns["tehsil_pcode"].astype(str).isin(list(tehsils)).to_numpy()
    if outside.any():
        groups.append((_("tehsil unknown"), outside))
    groups.append((_("District"), np.ones(len(kilns), dtype=bool)))
    rows = []
    for name, mask in groups:
        n, seen = int(mask.sum()), int(visited[mask].sum())
        if seen < small:  # the visited count is hidden: so is the difference that would give it away
            not_seen = (f"< {tr.num(small)}" if n < small
                        else _("{low} to {high}").format(low=tr.num(n - small + 1), high=tr.num(n)))
        else:
            not_seen = tr.num(n - seen)
        deserts = []
        for s in SERVICES:
            desert = kilns.loc[mask, f"desert_{s.key}"]
            deserts.append(_("no data") if n and not desert.notna().any() else tr.num(int(desert.fillna(False).sum())))
        rows.append((name, tr.num(n), _count(seen, small, tr), not_seen, *deserts))
    headers = (_("Tehsil"), _("Kilns detected"), _("Visited in 12 months"), _("Not visited in 12 months"),
               *(_("No {service} within {km} km").format(service=_(SERVICE_WORDS[s.key]),
                                                        km=_g(getattr(settings, s.threshold), tr)) for s in SERVICES))
    return Table(headers, tuple(rows), (1.3, 0.75, 0.8, 0.9, 0.8, 0.8, 0.8, 0.8), (False, *[True] * 7))


def _ranking(report: GapReport, district: str, name: str, province: str, profile: str,
             tr: Translator = ENGLISH) -> tuple[str, Table]:
    """The district's rank in its province by the underserved index, and its figures beside the province median.

    ``name`` and ``province`` as the brief's language writes them."""
    _ = tr.gettext
    small = report.settings.small_count
    table = report.districts
    row = table[table["pcode"] == district].iloc[0]
    peers = table[table["province"] == row["province"]]
    ranked = peers[peers["rank"].notna()].sort_values("rank")
    unranked = len(peers) - len(ranked)
    left_out = (" " + _("The other {n} have fewer than {small} kilns detected or a part of the index without data.")
                .format(n=tr.num(unranked), small=tr.num(small)) if unranked else "")
    if pd.notna(row["rank"]):
        position = int(np.flatnonzero(ranked["pcode"].to_numpy() == district)[0]) + 1
        sentence = _("{name} ranks {position} of the {ranked} ranked districts of {province} by the underserved "
                     "index (1 is the most underserved; {total} districts in all).").format(
            name=name, position=tr.num(position), ranked=tr.num(len(ranked)), province=province,
            total=tr.num(len(peers))) + left_out
    else:
        reason = row["no_data_reason"]
        why = (_("; ").join(_(r) for r in reason.split("; ")) if reason
               else _("fewer than {small} kilns detected").format(small=tr.num(small)))
        sentence = _("{name} is not ranked: {why}. {ranked} of the {total} districts of {province} are "
                     "ranked.").format(name=name, why=why, ranked=tr.num(len(ranked)), total=tr.num(len(peers)),
                                       province=province) + left_out

    shown = suppress_small(table[table["pcode"] == district], small_count=small if profile == "public" else 0)
    mine = shown.iloc[0]
    median = peers[peers["kilns"] > 0].median(numeric_only=True)
    settings = report.settings
    rows = [(_("Underserved index (0 to 100)"), "underserved_index", "{:.0f}"),
            (_("Kilns per 100,000 people"), "kilns_per_100k", "{:,.1f}"),
            (_("Never visited or overdue"), "share_not_recent", "{:.0%}"),
            (_("Visited in 12 months"), "share_visited_12m", "{:.0%}"),
            *((_("No {service} within {km} km").format(service=_(SERVICE_WORDS[s.key]),
                                                      km=_g(getattr(settings, s.threshold), tr)),
               f"share_desert_{s.key}", "{:.0%}") for s in SERVICES)]
    out = [(label, _cell(str(mine[column]), tr),
            _("no data") if pd.isna(median.get(column)) else _cell(pattern.format(median[column]), tr))
           for label, column, pattern in rows]
    active = int((peers["dvc_status"] == "active").sum())
    status = STATUS_SHORT[row["dvc_status"]]
    out.append((_("DVC"), _(status),
                _("{active} of {total} districts active").format(active=tr.num(active), total=tr.num(len(peers)))))
    return sentence, Table((_("Share of kilns, unless named"), name, _("{province} median").format(province=province)),
                           tuple(out), (2.6, 1.1, 1.5), (False, True, True))


def _unknowns(no_dvc: bool, kilns: pd.DataFrame, synthetic: Sequence[str], district: str,
              ref: Reference, tr: Translator = ENGLISH) -> tuple[str, ...]:
    """What the data cannot say about this district."""
    _ = tr.gettext
    out = [_("Kilns are satellite detections (Hamdani et al. 2025): they undercount, and not detected is not zero; "
             "new, small or covered kilns may be missing; none is detected here.") if not len(kilns) else
           _("Kilns are satellite detections (Hamdani et al. 2025): they undercount, and not detected is not zero; "
             "new, small or covered kilns may be missing.")]
    if synthetic:
        out.append(_("Demo data: {layers} are synthetic, generated for demonstration; figures drawn from them "
                     "describe no real district.").format(layers=_(", ").join(synthetic)))
    if no_dvc:
        out.append(_("No DVC record for this district: whether a committee is notified or meets is unknown "
                     "(not the same as not notified)."))
    mapping = ref.districts.set_index("ADM2_PCODE")["mapping"].get(district) if "mapping" in ref.districts else None
    if mapping == "approximate_karachi":
        out.append(_("Population is approximate: the 2023 census districts of Karachi do not match these "
                     "boundaries (COD-AB 2022); compare Karachi as a whole."))
    out.append(_("Visits are those recorded in this system: a kiln shown as never visited may have been inspected "
                 "without a record here."))
    out.append(_("Service deserts count recorded services by straight-line distance: an unrecorded school or "
                 "health unit counts as absent, and roads may be longer."))
    return tuple(out)


def _lower_first(label: str) -> str:
    """"No active DVC" as "no active DVC" inside a sentence; an acronym first ("NGO ...") stays."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _method(settings: GapSettings, window: Window, profile: str, district: str,
            tr: Translator = ENGLISH) -> tuple[str, ...]:
    _ = tr.gettext
    as_of = window.end
    sep = _("; ")
    reach = sep.join(_("{service} {km} km").format(service=_(SERVICE_WORDS[s.key]),
                                                   km=_g(getattr(settings, s.threshold), tr)) for s in SERVICES)
    weights = settings.weights
    parts = sep.join(f"{_lower_first(_(c.label))} {_g(weights[c.key], tr)}" for c in PRIORITY_COMPONENTS)
    index = sep.join(f"{_lower_first(_(p.label))} {tr.digits(f'{p.weight:.2f}')}" for p in index_parts("district"))
    first = [_("Data as of {as_of}; kilns visited in 12 months: a visit recorded from {start} to {end}.").format(
        as_of=_date(as_of, tr), start=_date(_year_before(as_of), tr), end=_date(as_of, tr))]
    if profile != "public":
        first.append(_("The map shows each kiln's latest visit since {start}.").format(start=_date(window.start, tr)))
    first.append(_("Remake: {command}").format(
        command=f"bhatta brief --district {district} --profile {profile} --as-of {as_of.isoformat()}"))
    out = [" ".join(first)]
    out.append(_("Within reach (straight line from the kiln): {reach}; a girls' school is a primary school for girls "
                 "or mixed, an NGO service one active on {as_of}. None within reach: a service desert.").format(
        reach=reach, as_of=_date(as_of, tr)))
    out.append(_("Priority points, at most: {parts} (total {total}). Time since the last visit scores in full when "
                 "never visited or at twice the revisit interval ({revisit} months, {finding_revisit} after a "
                 "finding). Findings and children recorded at visits are evidence, the rest context.").format(
        parts=parts, total=_g(sum(weights.values()), tr), revisit=tr.num(settings.revisit_months),
        finding_revisit=tr.num(settings.finding_revisit_months)))
    out.append(_("Underserved index (0 to 100): weighted mean of shares of the district's kilns: {index}. Rank 1 is "
                 "the most underserved; fewer than {small} kilns detected or a part without data: not "
                 "ranked.").format(index=index, small=tr.num(settings.small_count)))
    if profile == "public":
        out.append(_("Public profile: counts drawn from visit records below {small} show as \"< {small}\"; "
                     "sensitive points (NGO services) are displaced on the map.").format(
            small=tr.num(settings.small_count)))
    return tuple(out)


# ----------------------------------------------------------------------------------------------- drawing


def _lines(text: str, size: float, width_in: float, weight: str = "normal", lang: str = "en") -> list[str]:
    return _wrap(text, size, width_in * DPI, DPI, weight, lang).split("\n")


def _step(size: float, spacing: float = LINE_SPACING, lang: str = "en") -> float:
    """Line height in inches (Urdu's taller by :data:`URDU_SPACING`)."""
    return size * spacing / 72 * (URDU_SPACING if lang in RTL_LANGUAGES else 1.0)


def _put(fig: Figure, x: float, top: float, lines: Sequence[str], size: float, *, weight: str = "normal",
         color: str = INK, ha: str = "left", spacing: float = LINE_SPACING, lang: str = "en") -> float:
    """Lines of text from ``top`` down (inches from the sheet's bottom left), one Text each; returns the bottom.

    ``x`` is where the lines start (``ha="left"``) or end (``"right"``)."""
    step = _step(size, spacing, lang)
    for i, line in enumerate(lines):
        fig.text(x, top - i * step - 0.1 * size / 72, line, transform=fig.dpi_scale_trans, fontsize=size,
                 fontweight=weight, color=color, va="top", ha=ha)
    return top - len(lines) * step


def _heading(fig: Figure, x: float, top: float, text: str, size: float, width: float | None = None,
             lang: str = "en") -> float:
    if width is None:  # English headings wrap at the sheet's width (as they always did); Urdu ones end at the margin
        width = A4_IN[0] - 2 * MARGIN_IN if lang in RTL_LANGUAGES else A4_IN[0]
    return _paragraph(fig, x, top, width, text, size * 1.2, weight="bold", color="#1f3d7a", lang=lang) - 0.03


def _paragraph(fig: Figure, x: float, top: float, width: float, text: str, size: float, lang: str = "en",
               **kw) -> float:
    """``text`` wrapped to ``width`` from ``x``: flush left, or flush right (ending at ``x + width``) in Urdu."""
    lines = _lines(text, size, width, kw.get("weight", "normal"), lang)
    if lang in RTL_LANGUAGES:
        return _put(fig, x + width, top, lines, size, ha="right", lang=lang, **kw)
    return _put(fig, x, top, lines, size, lang=lang, **kw)


def _bullets(fig: Figure, x: float, top: float, width: float, items: Sequence[str], size: float,
             color: str = INK, lang: str = "en") -> float:
    """Items with a hanging dash (plain ASCII: a bullet glyph would embed a second copy of the font)."""
    indent = 0.14
    rtl_ = lang in RTL_LANGUAGES
    for item in items:
        _put(fig, x + width if rtl_ else x, top, ["-"], size, color=color, ha="right" if rtl_ else "left", lang=lang)
        top = _paragraph(fig, x if rtl_ else x + indent, top, width - indent, item, size, lang=lang,
                         color=color) - 0.3 * size / 72
    return top


def _header(fig: Figure, c: BriefContent, title: str, sub: str, width: float, title_pt: float, *,
            compact: bool = False) -> float:
    """Title, date line, profile line and the demo box from the top margin down; returns the bottom.

    ``compact`` (page 2): the date line at the profile's size, the demo box one short line (page 1 has it in full)."""
    _ = c.tr.gettext
    lang = c.lang
    x, y = MARGIN_IN, A4_IN[1] - MARGIN_IN
    y = _paragraph(fig, x, y, width, title, title_pt, lang, weight="bold") - GAP_IN / 2
    profile = profile_line(c.profile, lang)
    weight = "normal" if c.profile == "internal" else "bold"
    if compact:
        y = _put(fig, x + width if c.rtl else x, y, [sub], 8.5, color="#222222", ha="right" if c.rtl else "left",
                 lang=lang)
        y = _paragraph(fig, x, y, width, profile, 8.5, lang, weight=weight, color=PROFILE_INK[c.profile]) - GAP_IN
    else:
        y = _paragraph(fig, x, y, width, sub, 9.0, lang, color="#222222") - GAP_IN / 2
        y = _paragraph(fig, x, y, width, profile, 9.0, lang, weight=weight, color=PROFILE_INK[c.profile]) - GAP_IN
    if c.demo_line:
        pad, demo_pt = 0.06, 7.5 if compact else 8.0
        text = (_("{demo_data}: {layers} are synthetic.").format(demo_data=_(DEMO_WATERMARK),
                                                                 layers=_(", ").join(c.synthetic))
                if compact else c.demo_line)
        lines = _lines(text, demo_pt, width - 2 * pad, "bold", lang)
        if c.rtl:  # the snapshot's box, its lines set further apart
            height = len(lines) * _step(demo_pt, lang=lang) + 2 * BOX_PAD_IN
            fig.add_artist(Rectangle((x, y - height), width, height, transform=fig.dpi_scale_trans,
                                     facecolor="#fff3cd", edgecolor="#b7791f", linewidth=1.2))
            _put(fig, x + width - BOX_PAD_IN, y - BOX_PAD_IN, lines, demo_pt, weight="bold", color=DEMO_INK,
                 ha="right", lang=lang)
            y = y - height - GAP_IN
        else:
            y = _Block(lines, demo_pt, "bold", DEMO_INK, box=True).place(fig, x, y, width) - GAP_IN
    return y


def _footer(fig: Figure, c: BriefContent, page: int, created: date) -> float:
    """The page's last line (page number, district, profile, dates) under a rule; returns its top."""
    tr = c.tr
    width = A4_IN[0] - 2 * MARGIN_IN
    _ = tr.gettext
    text = _("Page {page} of {pages} · {district} District ({pcode}), {province} · Profile: {profile} · "
              "Data as of {as_of} · Made {made} · Bhatta Atlas").format(
        page=tr.num(page), pages=tr.num(PAGES), district=c.place, pcode=c.district, province=c.province_name,
        profile=_(PROFILE_NAMES[c.profile]), as_of=_date(c.as_of, tr), made=_date(created, tr))
    lines = _lines(text, 7.5, width, lang=c.lang)
    top = MARGIN_IN + len(lines) * _step(7.5, lang=c.lang)
    fig.add_artist(Line2D([MARGIN_IN, A4_IN[0] - MARGIN_IN], [top + 0.05, top + 0.05], transform=fig.dpi_scale_trans,
                          color="#999999", linewidth=0.6))
    _put(fig, A4_IN[0] - MARGIN_IN if c.rtl else MARGIN_IN, top, lines, 7.5, color="#333333",
         ha="right" if c.rtl else "left", lang=c.lang)
    return top + 0.1


def _watermark(fig: Figure, c: BriefContent) -> None:
    """"DEMO DATA" across the page's diagonal: a darker outline (a path) under see-through real text."""
    w, h = A4_IN
    text = c.tr(DEMO_WATERMARK)
    angle = math.degrees(math.atan2(h, w))
    size = 100 * 0.62 * math.hypot(w, h) * 72 / _word_width(text, "bold", c.lang)
    common = dict(rotation=angle, rotation_mode="anchor", ha="center", va="center", fontsize=size,
                  fontweight="bold", zorder=20)
    fig.text(0.5, 0.5, text, color=(0, 0, 0, 0), gid="watermark-outline", **common,
             path_effects=[patheffects.Stroke(linewidth=1.2, foreground=(0.55, 0.1, 0.05, 0.35))])
    fig.text(0.5, 0.5, text, color=(0.75, 0.22, 0.17, 0.09), gid="watermark", **common)


def _tiles(fig: Figure, c: BriefContent, tiles: Sequence[Tile], top: float, width: float, per_row: int = 4) -> float:
    """Key figures as boxes, ``per_row`` across (from the right in Urdu); returns the bottom of the last row."""
    gap, pad = 0.08, 0.07
    tile_w = (width - gap * (per_row - 1)) / per_row
    inner = tile_w - 2 * pad
    label_pt, value_pt, note_pt = 7.5, 14.0, 7.0
    lang, tag = c.lang, " [" + c.tr.gettext("DEMO") + "]"
    below_value = 0.15 * value_pt / 72 if c.rtl else 0.0  # Naskh's box reaches lower: the note a little further down
    for start in range(0, len(tiles), per_row):
        row = tiles[start:start + per_row]
        texts = [(_lines(t.label + (tag if t.synthetic else ""), label_pt, inner, "bold", lang),
                  _lines(t.value, value_pt, inner, "bold", lang), _lines(t.note, note_pt, inner, lang=lang)
                  if t.note else [])
                 for t in row]
        height = 2 * pad + max(len(a) * _step(label_pt, lang=lang) + len(b) * _step(value_pt, lang=lang)
                               + len(n) * _step(note_pt, lang=lang) + (below_value if n else 0.0)
                               for a, b, n in texts)
        for i, (label, value, note) in enumerate(texts):
            x = MARGIN_IN + (width - (i + 1) * tile_w - i * gap if c.rtl else i * (tile_w + gap))
            fig.add_artist(Rectangle((x, top - height), tile_w, height, transform=fig.dpi_scale_trans,
                                     facecolor="#f3f5f8", edgecolor="#c5ccd6", linewidth=0.7))
            tx, ha = (x + tile_w - pad, "right") if c.rtl else (x + pad, "left")
            y = _put(fig, tx, top - pad, label, label_pt, weight="bold", color=GREY, ha=ha, lang=lang)
            y = _put(fig, tx, y, value, value_pt, weight="bold", color=INK, ha=ha, lang=lang)
            _put(fig, tx, y - below_value, note, note_pt, color="#333333", ha=ha, lang=lang)
        top -= height + gap
    return top + gap


def _table(fig: Figure, table: Table, x: float, top: float, width: float, size: float, lang: str = "en") -> float:
    """Draw ``table`` from ``top`` down, header shaded, every other row too; returns its height in inches.

    In Urdu the columns run right to left (the first on the right) and every cell is flush right."""
    total = sum(table.weights)
    widths = [width * w / total for w in table.weights]
    right, order = table.right, list(range(len(widths)))
    if lang in RTL_LANGUAGES:
        order.reverse()
        right = (True,) * len(widths)
    pad_x, pad_y = 0.04, 0.018
    step = _step(size, TABLE_SPACING, lang)
    y = top
    for r, cells in enumerate([table.headers, *table.rows]):
        weight = "bold" if r == 0 else "normal"
        wrapped = [_lines(cell, size, w - 2 * pad_x, weight, lang) for cell, w in zip(cells, widths, strict=True)]
        height = max(len(lines) for lines in wrapped) * step + 2 * pad_y
        if r == 0 or r % 2 == 0:
            fig.add_artist(Rectangle((x, y - height), width, height, transform=fig.dpi_scale_trans,
                                     facecolor="#e4e9f0" if r == 0 else "#f5f6f8", edgecolor="none"))
        cx = x
        for i in order:
            w = widths[i]
            _put(fig, cx + w - pad_x if right[i] else cx + pad_x, y - pad_y, wrapped[i], size, weight=weight,
                 ha="right" if right[i] else "left", spacing=TABLE_SPACING, lang=lang)
            cx += w
        y -= height
    fig.add_artist(Line2D([x, x + width], [y, y], transform=fig.dpi_scale_trans, color="#8a94a3", linewidth=0.6))
    return top - y


def _new_page() -> Figure:
    # the layout is in points (DPI); the figure's own dpi only sets how finely Agg measures its text
    fig = Figure(figsize=A4_IN, dpi=150, facecolor="white")
    FigureCanvasAgg(fig)  # the figure's own canvas: nothing global (pyplot) is involved
    return fig


def _page_one(c: BriefContent, created: date, ref: Reference) -> Figure:
    """Key figures, service deserts, then the map with its legend beside it, the caveat and the sources.

    In Urdu the sheet is mirrored: texts flush right, the first tile on the right, the legend left of the map."""
    tr, lang = c.tr, c.lang
    _ = tr.gettext
    fig = _new_page()
    width = A4_IN[0] - 2 * MARGIN_IN
    x = MARGIN_IN
    y = _header(fig, c, _("{area}: district brief").format(area=c.title),
                _("For the District Vigilance Committee · Data as of {as_of} · Brief made {made}").format(
                    as_of=_date(c.as_of, tr), made=_date(created, tr)), width, 17.0)
    y = _heading(fig, x, y, _("Key figures"), 9.0, lang=lang)
    y = _tiles(fig, c, c.figures, y, width) - GAP_IN
    y = _heading(fig, x, y, _("Service deserts: kilns with no service within reach"), 9.0, lang=lang)
    y = _tiles(fig, c, c.deserts, y, width) - GAP_IN * 1.5

    bottom = _footer(fig, c, 1, created) + GAP_IN
    notes = [(_(KILN_CAVEAT), 8.0, INK),
             (_("Sources: {sources} · Sources and method in full on page 2.").format(sources=" · ".join(c.sources)),
              6.5, "#333333")]
    wrapped = [(_lines(text, size, width, lang=lang), size, color) for text, size, color in notes]
    notes_h = sum(len(lines) * _step(size, lang=lang) for lines, size, _color in wrapped) + GAP_IN
    map_top, map_bottom = y, bottom + notes_h + GAP_IN
    legend_w = 2.25
    map_w, map_h = width - legend_w - 0.15, map_top - map_bottom
    map_x, lx = (x + legend_w + 0.15, x) if c.rtl else (x, x + map_w + 0.15)
    ax = fig.add_axes((map_x / A4_IN[0], map_bottom / A4_IN[1], map_w / A4_IN[0], map_h / A4_IN[1]))
    # the page carries the watermark across everything: the map's own would double it
    _draw_map(ax, dataclasses.replace(c.map_plan, synthetic_layers=[]), _shapes(ref), MAP_PAGE, map_w, map_h, tr)
    ly = _put(fig, lx + legend_w if c.rtl else lx, map_top, [_("Map legend")], 8.5, weight="bold", color="#1f3d7a",
              ha="right" if c.rtl else "left", lang=lang) - 0.03
    first = len(fig.texts)
    for column in _legend(c.map_plan, tr):
        height = _legend_layout([column], 7.5, legend_w * DPI, DPI, lang)
        _place_legend(fig, [column], lx, ly, legend_w, 7.5, rtl=c.rtl)
        ly -= height + GAP_IN * 1.5
    for text in fig.texts[first:]:  # the legend's lines (the snapshot's layout), found as such by the tests
        if text.get_gid() is None:
            text.set_gid("legend:line")
    y = map_bottom - GAP_IN
    for lines, size, color in wrapped:
        y = _put(fig, x + width if c.rtl else x, y, lines, size, color=color, ha="right" if c.rtl else "left",
                 lang=lang) - GAP_IN / 2
    if c.synthetic:
        _watermark(fig, c)
    return fig


class _Measure:
    """Stands in for a Figure while page 2 is laid out at trial sizes: places nothing, so trying costs only the
    wrapping (creating a page's few hundred Text artists takes a tenth of a second)."""

    dpi_scale_trans = None

    def text(self, *args, **kwargs) -> None:
        pass

    def add_artist(self, *args, **kwargs) -> None:
        pass


def _page_two(c: BriefContent, created: date) -> Figure:
    """The kilns (or tehsils), the ranking, what is unknown, sources and method, in the largest type that fits."""
    sizes = np.arange(URDU_MIN_SIZE if c.rtl else MIN_SIZE, MAX_SIZE + 0.01, 0.25)

    def fits(i: int) -> bool:
        return _draw_page_two(_Measure(), c, created, float(sizes[i])) >= 0

    best = len(sizes) - 1
    if not fits(best):  # bisection: the room left grows as the type shrinks
        lo, hi = 0, best
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if fits(mid) else (lo, mid)
        best = lo
    fig = _new_page()
    _draw_page_two(fig, c, created, float(sizes[best]))
    if c.synthetic:
        _watermark(fig, c)
    return fig


def _draw_page_two(fig: Figure, c: BriefContent, created: date, size: float) -> float:
    """Page 2 at body ``size``; returns the room left above the footer (negative: it does not fit)."""
    tr, lang = c.tr, c.lang
    _ = tr.gettext
    width = A4_IN[0] - 2 * MARGIN_IN
    x = MARGIN_IN
    y = _header(fig, c, _("{area}: kilns, ranking and what is unknown").format(area=c.title),
                _("Data as of {as_of} · Brief made {made}").format(as_of=_date(c.as_of, tr), made=_date(created, tr)),
                width, 13.0, compact=True)
    y = _heading(fig, x, y, c.kilns_heading, size, lang=lang)
    if c.kilns.rows:
        y -= _table(fig, c.kilns, x, y, width, size - 0.5, lang) + 0.04
    y = _paragraph(fig, x, y, width, c.kilns_note, size - 1.0, lang, color="#333333") - GAP_IN * 1.5

    # two columns: the comparison beside what is unknown (the comparison on the right in Urdu)
    left_w = (width - 0.2) * 0.48
    right_w = width - left_w - 0.2
    compare_x, unknown_x = (x + right_w + 0.2, x) if c.rtl else (x, x + left_w + 0.2)
    left = _heading(fig, compare_x, y, _("Compared with {province}").format(province=c.province_name), size, left_w,
                    lang)
    left = _paragraph(fig, compare_x, left, left_w, c.ranking, size - 0.5, lang) - 0.05
    left -= _table(fig, c.comparison, compare_x, left, left_w, size - 0.5, lang)
    right = _heading(fig, unknown_x, y, _("What is unknown"), size, right_w, lang)
    right = _bullets(fig, unknown_x, right, right_w, c.unknowns, size - 0.5, lang=lang)
    y = min(left, right) - GAP_IN * 1.5

    y = _heading(fig, x, y, _("Sources"), size, lang=lang)
    y = _paragraph(fig, x, y, width, " · ".join(c.sources), size - 1.0, lang, color="#222222") - GAP_IN
    y = _heading(fig, x, y, _("Method"), size, lang=lang)
    y = _bullets(fig, x, y, width, c.method, size - 1.0, color="#222222", lang=lang)
    return y - (_footer(fig, c, 2, created) + GAP_IN / 2)


def brief(
    district: str,
    layers: Mapping[str, LayerData],
    ref: Reference,
    *,
    profile: str,
    as_of: date,
    created: date | None = None,
    gaps_report: GapReport | None = None,
    window: Window | None = None,
    shared: Mapping[str, LayerData] | None = None,
    secret: bytes | None = None,
    lang: str = "en",
    urdu_digits: bool = False,
) -> bytes:
    """The two-page A4 brief of ``district`` as PDF bytes.

    Parameters
    ----------
    district
        A district P-code (``PK614``).
    layers
        The layers of :func:`layers.catalog.load_layers`, **not** redacted: counts per area are taken
        from every record; the map and the per-kiln table from the layers as ``profile`` shows them.
    ref
        The reference data (boundaries, population, kilns).
    profile
        ``internal``, ``official`` or ``public`` (:data:`layers.redact.PROFILES`), named on every page.
        ``public`` lists no kiln with its visits (counts per tehsil instead) and shows counts drawn
        from visit records below 5 as "< 5".
    as_of
        The day the data describes: visits up to it, the 12 months before it, DVC statuses on it.
    created
        The day the brief is made (default today): pass it for byte-identical output.
    gaps_report
        :func:`layers.gap_report.gap_report` of ``layers`` on ``as_of``, when the caller keeps one
        (the app caches it); computed here otherwise (about 0.5 s).
    window
        The map's date window (it shows each kiln's latest visit in it; the app passes its default
        window); by default the 12 months to ``as_of``. It must end on ``as_of``.
    shared
        ``layers`` already redacted for ``profile`` (the app caches them); redacted here otherwise.
    secret
        Seeds the displacement of sensitive points in ``public`` (:func:`layers.redact.redact_layers`).
    lang
        ``en`` or ``ur``: every text of both pages in that language (the catalogue's), district and tehsil
        names in Urdu where known, the sheet mirrored right to left in Urdu. Data values (kiln ids, P-codes,
        coordinates, commands) stay as they are.
    urdu_digits
        Write numbers and dates with Urdu digits (Urdu only).

    Returns
    -------
    The PDF's bytes: two A4 portrait pages, its text real text (Urdu in ``/ActualText`` spans, so it is read
    back as words: :mod:`layers.pdf_text`). Deterministic given the arguments (``created`` included).
    """
    content = brief_content(district, layers, ref, profile=profile, as_of=as_of, window=window,
                            gaps_report=gaps_report, shared=shared, secret=secret, lang=lang,
                            urdu_digits=urdu_digits)
    tr = content.tr
    pages = brief_pages(content, ref, created=created or date.today())
    buffer = io.BytesIO()
    metadata = {"Title": tr.gettext("{area}: district brief, data as of {as_of}").format(area=content.title,
                                                                                as_of=_date(as_of, tr)),
                "Subject": profile_line(profile, content.lang), "Creator": "Bhatta Atlas",
                "Producer": "Bhatta Atlas (matplotlib)", "CreationDate": None}
    with PdfPages(buffer, metadata=metadata) as pdf:
        for fig in pages:
            rtl.save_pdf(fig, pdf)
    return buffer.getvalue()


def brief_pages(content: BriefContent, ref: Reference, *, created: date) -> tuple[Figure, Figure]:
    """The two pages of a brief as matplotlib Figures, each with its own Agg canvas (see :func:`brief`)."""
    pages = (_page_one(content, created, ref), _page_two(content, created))
    for fig in pages:
        for text in fig.findobj(Text):
            # no ligatures: see layers.snapshot (one embedded copy of the font; pdftotext reads plain letters).
            # Arabic joining is not a ligature feature (init/medi/fina/rlig): Urdu stays joined
            text.set_fontfeatures(NO_LIGATURES)
        rtl.urdu_texts(fig, lang=content.lang)  # Urdu (a whole Urdu sheet, or an Urdu name) in Noto Naskh Arabic
    return pages


def brief_name(district: str, ref: Reference, as_of: date) -> str:
    """A file name for the brief: ``bhatta-brief-<district name>-<data date>.pdf``."""
    names = _shapes(ref).names
    if district not in names:
        raise ValueError(f"unknown district P-code {district!r}")
    slug = re.sub(r"[^a-z0-9]+", "-", str(names[district]).lower()).strip("-")
    return f"bhatta-brief-{slug}-{as_of.isoformat()}.pdf"


__all__ = ("TOP_KILNS", "BriefContent", "Table", "Tile", "brief", "brief_content", "brief_name", "brief_pages",
           "short_reasons")
