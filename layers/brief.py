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

from layers.areas import index_parts, suppress_small
from layers.catalog import LayerData
from layers.dvc import STATUS_LABELS
from layers.gap_report import GapReport, gap_report
from layers.gaps import PRIORITY_COMPONENTS, SERVICES, GapSettings, rank_priorities
from layers.mapview import ATTRIBUTION, MapView
from layers.redact import PROFILES, redact_layers
from layers.snapshot import (
    A4_IN,
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
SERVICE_WORDS = {"school": "school", "girls_school": "girls' school", "health": "health unit", "ngo": "NGO service"}
"""Short names of the services of :data:`layers.gaps.SERVICES` in the per-kiln reasons and table headers."""
STATUS_WORDS = {"never": "never visited", "overdue": "overdue", "due_soon": "due soon", "recent": "not yet due"}
_FIGURE_LABELS = {"DVC": "District Vigilance Committee"}
"""Key figures named in full where the panel abbreviates (a brief is read by people outside the programme)."""
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
    """Everything a district brief says, worked out before anything is drawn."""

    district: str
    name: str
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
    """Labels of the layers behind the brief that hold demo data, sorted."""

    @property
    def demo_line(self) -> str:
        """The line naming the synthetic layers ("" when there are none)."""
        if not self.synthetic:
            return ""
        return (f"{DEMO_WATERMARK} in this brief: synthetic, generated for demonstration (not real visits, "
                f"committees or services): {', '.join(self.synthetic)}.")


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
) -> BriefContent:
    """What the brief of ``district`` says in ``profile``: see :func:`brief` for the parameters."""
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
    shared = shared if shared is not None else redact_layers(layers, profile, ref=ref, secret=secret)
    settings = report.settings
    small = settings.small_count if profile == "public" else None
    _, title = area_of(MapView(window, district=district), ref)
    name = str(shapes.names[district])
    province = str(shapes.province_names[shapes.province_of[district]])
    kilns = report.kilns[report.kilns["district_pcode"] == district]

    figures = tuple(Tile(_FIGURE_LABELS.get(f.label, f.label), f.value, f.note, f.synthetic)
                    for f in area_figures(dict(layers), ref, window=window, district=district, small_count=small))
    deserts = tuple(_desert_tile(kilns, service, settings, layers, province) for service in SERVICES)
    map_plan = plan(MapView(window, district=district, profile=profile), shared, ref, profile=profile)

    if profile == "public":
        heading = "Kilns per tehsil"
        table = _tehsil_table(kilns, ref, district, settings)
        note = (f"The public profile lists no kiln with its visits: individual visit and finding records stay "
                f"inside the programme. Counts per tehsil instead; counts drawn from visit records below "
                f"{settings.small_count} show as \"< {settings.small_count}\" (and kilns not visited as a range).")
    else:
        table, listed = _kiln_table(kilns, shared["kilns"].frame, ref, district)
        heading = f"Kilns to visit first: the {listed} highest priorities" if listed else "Kilns to visit first"
        note = (f"{listed} of {len(kilns):,} kilns detected in the district, highest priority first. Why: each part "
                f"of the priority with its points (method below); findings and children as recorded at a visit on "
                f"that date, the rest context. Every kiln: bhatta priorities --district {district} --limit 0"
                if len(kilns) else f"No kilns detected in the district: {KILN_CAVEAT.lower()}")

    synthetic = tuple(sorted({d.label for d in layers.values() if d.synthetic}))
    ranking, comparison = _ranking(report, district, name, province, profile)
    return BriefContent(
        district=district, name=name, province=province, title=title, profile=profile, as_of=as_of, window=window,
        figures=figures, deserts=deserts, map_plan=map_plan, kilns_heading=heading, kilns=table, kilns_note=note,
        ranking=ranking, comparison=comparison,
        unknowns=_unknowns(figures, kilns, synthetic, district, ref),
        sources=tuple(f"{labels}: {source}" for labels, source in map_plan.sources)
        + (ATTRIBUTION,),
        method=_method(settings, window, profile, district),
        synthetic=synthetic,
    )


def _year_before(day: date) -> date:
    return (pd.Timestamp(day) - pd.DateOffset(months=12)).date()


def _count(n: int, small: int | None) -> str:
    """A count drawn from visit records as shown: below ``small`` (the public profile) as "< small"."""
    return f"< {small}" if small is not None and n < small else f"{n:,}"


def _desert_tile(kilns: pd.DataFrame, service, settings: GapSettings, layers: Mapping[str, LayerData],
                 province: str) -> Tile:
    """Kilns of the district with no ``service`` within reach, and their share of the kilns with data."""
    km = getattr(settings, service.threshold)
    label = f"No {service.label} within {km:g} km"
    synthetic = layers[service.layer].synthetic
    desert = kilns[f"desert_{service.key}"]
    known = int(desert.notna().sum())
    if not len(kilns):
        return Tile(label, "no kilns", "none detected in the district", synthetic)
    if not known:
        return Tile(label, "no data", f"no {layers[service.layer].label.lower()} recorded in {province}", synthetic)
    n = int(desert.fillna(False).astype(bool).sum())
    return Tile(label, f"{n:,} kilns", f"{n / known:.0%} of {known:,} kilns detected", synthetic)


def short_reasons(ranked: pd.DataFrame) -> list[str]:
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
            parts.append(f"{_reason(c.key, row)} +{round(points, 1):g}")
        out.append("; ".join(parts))
    return out


def _reason(key: str, row: Mapping[str, object]) -> str:
    if key == "time_since_visit":  # the last visit's date has a column of its own
        return STATUS_WORDS.get(str(row["visit_status"]), str(row["visit_status"]))
    if key == "prior_finding":
        return f"{row['last_finding']} {_day(row['last_finding_date'])}"
    if key == "children_recorded":
        counted = row["children_counted"]
        if pd.notna(counted) and counted > 0:
            day = _day(row["last_children_date"])
            same = row["score_prior_finding"] > 0 and day == _day(row["last_finding_date"])
            return f"{counted:g} children" + ("" if same else f" {day}")
        return f"{row['children_reported']:g} children in kiln register"
    if key == "workers":
        return f"{row['workers_latest']:g} workers"
    if key == "no_active_dvc":
        status = str(row["dvc_status"])
        return "no DVC record" if status == "unknown" else f"DVC {status.replace('_', ' ')}"
    service = key.removeprefix("no_")
    dist = row[f"dist_{service}_m"]
    word = SERVICE_WORDS[service]
    return f"no {word} recorded" if pd.isna(dist) else f"{word} {dist / 1000:.1f} km"


def _day(value: object) -> str:
    return pd.Timestamp(value).date().isoformat() if pd.notna(value) else "unknown"


def _tehsil_names(ref: Reference, district: str) -> dict[str, str]:
    tehsils = ref.tehsils[ref.tehsils["ADM2_PCODE"] == district].sort_values("ADM3_EN")
    return dict(zip(tehsils["ADM3_PCODE"].astype(str), tehsils["ADM3_EN"].astype(str), strict=True))


def _kiln_table(kilns: pd.DataFrame, shown_kilns: pd.DataFrame, ref: Reference, district: str) -> tuple[Table, int]:
    """The top kilns by priority, among the kilns the profile shows, placed where the profile shows them."""
    shown_kilns = shown_kilns[(shown_kilns["district_pcode"] == district).to_numpy()]
    places = shown_kilns.drop_duplicates("kiln_id").set_index("kiln_id").geometry
    shown = pd.Index(places.index.astype(object)).get_indexer(kilns["kiln_id"].astype(object).to_numpy()) >= 0
    ranked = rank_priorities(kilns[shown], limit=TOP_KILNS)
    tehsils = _tehsil_names(ref, district)
    at = places.reindex(ranked["kiln_id"])
    rows = tuple(
        (str(rank), f"{kiln}\n{point.y:.5f}, {point.x:.5f}" if point is not None and not point.is_empty else str(kiln),
         f"{tehsils.get(str(tehsil), 'unknown')}\n{'never' if pd.isna(last) else pd.Timestamp(last).date().isoformat()}",
         f"{priority:.1f}", why)
        for rank, kiln, tehsil, last, priority, point, why in zip(
            ranked["rank"], ranked["kiln_id"], ranked["tehsil_pcode"], ranked["last_visit_date"],
            ranked["priority"], at.to_numpy(), short_reasons(ranked), strict=True))
    table = Table(("#", "Kiln\nlat, lon", "Tehsil\nlast visit", "Priority", "Why: the parts of the priority (points)"),
                  rows, (0.25, 1.15, 1.0, 0.55, 4.6), (True, False, False, True, False))
    return table, len(rows)


def _tehsil_table(kilns: pd.DataFrame, ref: Reference, district: str, settings: GapSettings) -> Table:
    """Per tehsil: kilns detected, visited and not visited in 12 months (small counts hidden), service deserts."""
    small = settings.small_count
    tehsils = _tehsil_names(ref, district)
    visited = pd.to_numeric(kilns["visits_12m"], errors="coerce").fillna(0).to_numpy() > 0
    groups = [(name, kilns["tehsil_pcode"].astype(str).eq(code).to_numpy()) for code, name in tehsils.items()]
    outside = ~kilns["tehsil_pcode"].astype(str).isin(list(tehsils)).to_numpy()
    if outside.any():
        groups.append(("tehsil unknown", outside))
    groups.append(("District", np.ones(len(kilns), dtype=bool)))
    rows = []
    for name, mask in groups:
        n, seen = int(mask.sum()), int(visited[mask].sum())
        if seen < small:  # the visited count is hidden: so is the difference that would give it away
            not_seen = f"< {small}" if n < small else f"{n - small + 1:,} to {n:,}"
        else:
            not_seen = f"{n - seen:,}"
        deserts = []
        for s in SERVICES:
            desert = kilns.loc[mask, f"desert_{s.key}"]
            deserts.append("no data" if n and not desert.notna().any() else f"{int(desert.fillna(False).sum()):,}")
        rows.append((name, f"{n:,}", _count(seen, small), not_seen, *deserts))
    headers = ("Tehsil", "Kilns detected", "Visited in 12 months", "Not visited in 12 months",
               *(f"No {SERVICE_WORDS[s.key]} within {getattr(settings, s.threshold):g} km" for s in SERVICES))
    return Table(headers, tuple(rows), (1.3, 0.75, 0.8, 0.9, 0.8, 0.8, 0.8, 0.8), (False, *[True] * 7))


def _ranking(report: GapReport, district: str, name: str, province: str, profile: str) -> tuple[str, Table]:
    """The district's rank in its province by the underserved index, and its figures beside the province median."""
    small = report.settings.small_count
    table = report.districts
    row = table[table["pcode"] == district].iloc[0]
    peers = table[table["province"] == row["province"]]
    ranked = peers[peers["rank"].notna()].sort_values("rank")
    unranked = len(peers) - len(ranked)
    left_out = (f" The other {unranked} have fewer than {small} kilns detected or a part of the index without data."
                if unranked else "")
    if pd.notna(row["rank"]):
        position = int(np.flatnonzero(ranked["pcode"].to_numpy() == district)[0]) + 1
        sentence = (f"{name} ranks {position} of the {len(ranked)} ranked districts of {province} by the underserved "
                    f"index (1 is the most underserved; {len(peers)} districts in all).{left_out}")
    else:
        why = row["no_data_reason"] or f"fewer than {small} kilns detected"
        sentence = (f"{name} is not ranked: {why}. {len(ranked)} of the {len(peers)} districts of {province} are "
                    f"ranked.{left_out}")

    shown = suppress_small(table[table["pcode"] == district], small_count=small if profile == "public" else 0)
    mine = shown.iloc[0]
    median = peers[peers["kilns"] > 0].median(numeric_only=True)
    settings = report.settings
    rows = [("Underserved index (0 to 100)", "underserved_index", "{:.0f}"),
            ("Kilns per 100,000 people", "kilns_per_100k", "{:,.1f}"),
            ("Never visited or overdue", "share_not_recent", "{:.0%}"),
            ("Visited in 12 months", "share_visited_12m", "{:.0%}"),
            *((f"No {SERVICE_WORDS[s.key]} within {getattr(settings, s.threshold):g} km", f"share_desert_{s.key}",
               "{:.0%}") for s in SERVICES)]
    out = [(label, str(mine[column]), "no data" if pd.isna(median.get(column)) else pattern.format(median[column]))
           for label, column, pattern in rows]
    active = int((peers["dvc_status"] == "active").sum())
    out.append(("DVC", STATUS_LABELS[row["dvc_status"]].split(" (")[0],
                f"{active} of {len(peers)} districts active"))
    return sentence, Table(("Share of kilns, unless named", name, f"{province} median"), tuple(out), (2.6, 1.1, 1.5),
                           (False, True, True))


def _unknowns(figures: Sequence[Tile], kilns: pd.DataFrame, synthetic: Sequence[str], district: str,
              ref: Reference) -> tuple[str, ...]:
    """What the data cannot say about this district."""
    out = ["Kilns are satellite detections (Hamdani et al. 2025): they undercount, and not detected is not zero; "
           "new, small or covered kilns may be missing" + ("; none is detected here." if not len(kilns) else ".")]
    if synthetic:
        out.append(f"Demo data: {', '.join(synthetic)} are synthetic, generated for demonstration; figures drawn from "
                   f"them describe no real district.")
    dvc = next((f for f in figures if f.label == _FIGURE_LABELS["DVC"]), None)
    if dvc is not None and dvc.note == "no DVC record for this district":
        out.append("No DVC record for this district: whether a committee is notified or meets is unknown "
                   "(not the same as not notified).")
    mapping = ref.districts.set_index("ADM2_PCODE")["mapping"].get(district) if "mapping" in ref.districts else None
    if mapping == "approximate_karachi":
        out.append("Population is approximate: the 2023 census districts of Karachi do not match these boundaries "
                   "(COD-AB 2022); compare Karachi as a whole.")
    out.append("Visits are those recorded in this system: a kiln shown as never visited may have been inspected "
               "without a record here.")
    out.append("Service deserts count recorded services by straight-line distance: an unrecorded school or health "
               "unit counts as absent, and roads may be longer.")
    return tuple(out)


def _lower_first(label: str) -> str:
    """"No active DVC" as "no active DVC" inside a sentence; an acronym first ("NGO ...") stays."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _method(settings: GapSettings, window: Window, profile: str, district: str) -> tuple[str, ...]:
    as_of = window.end
    reach = "; ".join(f"{SERVICE_WORDS[s.key]} {getattr(settings, s.threshold):g} km" for s in SERVICES)
    weights = settings.weights
    parts = "; ".join(f"{_lower_first(c.label)} {weights[c.key]:g}" for c in PRIORITY_COMPONENTS)
    index = "; ".join(f"{_lower_first(p.label)} {p.weight:.2f}" for p in index_parts("district"))
    out = [f"Data as of {as_of.isoformat()}; kilns visited in 12 months: a visit recorded from "
           f"{_year_before(as_of).isoformat()} to {as_of.isoformat()}."
           + ("" if profile == "public" else f" The map shows each kiln's latest visit since {window.start.isoformat()}.")
           + f" Remake: bhatta brief --district {district} --profile {profile} --as-of {as_of.isoformat()}"]
    out.append(f"Within reach (straight line from the kiln): {reach}; a girls' school is a primary school for girls "
               f"or mixed, an NGO service one active on {as_of.isoformat()}. None within reach: a service desert.")
    out.append(f"Priority points, at most: {parts} (total {sum(weights.values()):g}). Time since the last visit scores "
               f"in full when never visited or at twice the revisit interval ({settings.revisit_months} months, "
               f"{settings.finding_revisit_months} after a finding). Findings and children recorded at visits are "
               f"evidence, the rest context.")
    out.append(f"Underserved index (0 to 100): weighted mean of shares of the district's kilns: {index}. Rank 1 is "
               f"the most underserved; fewer than {settings.small_count} kilns detected or a part without data: not "
               f"ranked.")
    if profile == "public":
        out.append(f"Public profile: counts drawn from visit records below {settings.small_count} show as "
                   f"\"< {settings.small_count}\"; sensitive points (NGO services) are displaced on the map.")
    return tuple(out)


# ----------------------------------------------------------------------------------------------- drawing


def _lines(text: str, size: float, width_in: float, weight: str = "normal") -> list[str]:
    return _wrap(text, size, width_in * DPI, DPI, weight).split("\n")


def _step(size: float, spacing: float = LINE_SPACING) -> float:
    """Line height in inches."""
    return size * spacing / 72


def _put(fig: Figure, x: float, top: float, lines: Sequence[str], size: float, *, weight: str = "normal",
         color: str = INK, ha: str = "left", spacing: float = LINE_SPACING) -> float:
    """Lines of text from ``top`` down (inches from the sheet's bottom left), one Text each; returns the bottom."""
    step = _step(size, spacing)
    for i, line in enumerate(lines):
        fig.text(x, top - i * step - 0.1 * size / 72, line, transform=fig.dpi_scale_trans, fontsize=size,
                 fontweight=weight, color=color, va="top", ha=ha)
    return top - len(lines) * step


def _heading(fig: Figure, x: float, top: float, text: str, size: float, width: float = A4_IN[0]) -> float:
    return _paragraph(fig, x, top, width, text, size * 1.2, weight="bold", color="#1f3d7a") - 0.03


def _paragraph(fig: Figure, x: float, top: float, width: float, text: str, size: float, **kw) -> float:
    return _put(fig, x, top, _lines(text, size, width, kw.get("weight", "normal")), size, **kw)


def _bullets(fig: Figure, x: float, top: float, width: float, items: Sequence[str], size: float,
             color: str = INK) -> float:
    """Items with a hanging dash (plain ASCII: a bullet glyph would embed a second copy of the font)."""
    indent = 0.14
    for item in items:
        _put(fig, x, top, ["-"], size, color=color)
        top = _paragraph(fig, x + indent, top, width - indent, item, size, color=color) - 0.3 * size / 72
    return top


def _header(fig: Figure, c: BriefContent, title: str, sub: str, width: float, title_pt: float, *,
            compact: bool = False) -> float:
    """Title, date line, profile line and the demo box from the top margin down; returns the bottom.

    ``compact`` (page 2): the date line at the profile's size, the demo box one short line (page 1 has it in full)."""
    x, y = MARGIN_IN, A4_IN[1] - MARGIN_IN
    y = _paragraph(fig, x, y, width, title, title_pt, weight="bold") - GAP_IN / 2
    profile = profile_line(c.profile)
    weight = "normal" if c.profile == "internal" else "bold"
    if compact:
        y = _put(fig, x, y, [sub], 8.5, color="#222222")
        y = _paragraph(fig, x, y, width, profile, 8.5, weight=weight, color=PROFILE_INK[c.profile]) - GAP_IN
    else:
        y = _paragraph(fig, x, y, width, sub, 9.0, color="#222222") - GAP_IN / 2
        y = _paragraph(fig, x, y, width, profile, 9.0, weight=weight, color=PROFILE_INK[c.profile]) - GAP_IN
    if c.demo_line:
        pad, demo_pt = 0.06, 7.5 if compact else 8.0
        text = f"{DEMO_WATERMARK}: {', '.join(c.synthetic)} are synthetic." if compact else c.demo_line
        box = _Block(_lines(text, demo_pt, width - 2 * pad, "bold"), demo_pt, "bold", DEMO_INK, box=True)
        y = box.place(fig, x, y, width) - GAP_IN
    return y


def _footer(fig: Figure, c: BriefContent, page: int, created: date) -> float:
    """The page's last line (page number, district, profile, dates) under a rule; returns its top."""
    width = A4_IN[0] - 2 * MARGIN_IN
    text = (f"Page {page} of {PAGES} · {c.name} District ({c.district}), {c.province} · Profile: {c.profile} · "
            f"Data as of {c.as_of.isoformat()} · Made {created.isoformat()} · Bhatta Atlas")
    lines = _lines(text, 7.5, width)
    top = MARGIN_IN + len(lines) * _step(7.5)
    fig.add_artist(Line2D([MARGIN_IN, A4_IN[0] - MARGIN_IN], [top + 0.05, top + 0.05], transform=fig.dpi_scale_trans,
                          color="#999999", linewidth=0.6))
    _put(fig, MARGIN_IN, top, lines, 7.5, color="#333333")
    return top + 0.1


def _watermark(fig: Figure) -> None:
    """"DEMO DATA" across the page's diagonal: a darker outline (a path) under see-through real text."""
    w, h = A4_IN
    angle = math.degrees(math.atan2(h, w))
    size = 100 * 0.62 * math.hypot(w, h) * 72 / _word_width(DEMO_WATERMARK, "bold")
    common = dict(rotation=angle, rotation_mode="anchor", ha="center", va="center", fontsize=size,
                  fontweight="bold", zorder=20)
    fig.text(0.5, 0.5, DEMO_WATERMARK, color=(0, 0, 0, 0), gid="watermark-outline", **common,
             path_effects=[patheffects.Stroke(linewidth=1.2, foreground=(0.55, 0.1, 0.05, 0.35))])
    fig.text(0.5, 0.5, DEMO_WATERMARK, color=(0.75, 0.22, 0.17, 0.09), gid="watermark", **common)


def _tiles(fig: Figure, tiles: Sequence[Tile], top: float, width: float, per_row: int = 4) -> float:
    """Key figures as boxes, ``per_row`` across; returns the bottom of the last row."""
    gap, pad = 0.08, 0.07
    tile_w = (width - gap * (per_row - 1)) / per_row
    inner = tile_w - 2 * pad
    label_pt, value_pt, note_pt = 7.5, 14.0, 7.0
    for start in range(0, len(tiles), per_row):
        row = tiles[start:start + per_row]
        texts = [(_lines(t.label + (" [DEMO]" if t.synthetic else ""), label_pt, inner, "bold"),
                  _lines(t.value, value_pt, inner, "bold"), _lines(t.note, note_pt, inner) if t.note else [])
                 for t in row]
        height = 2 * pad + max(len(a) * _step(label_pt) + len(b) * _step(value_pt) + len(c) * _step(note_pt)
                               for a, b, c in texts)
        for i, (label, value, note) in enumerate(texts):
            x = MARGIN_IN + i * (tile_w + gap)
            fig.add_artist(Rectangle((x, top - height), tile_w, height, transform=fig.dpi_scale_trans,
                                     facecolor="#f3f5f8", edgecolor="#c5ccd6", linewidth=0.7))
            y = _put(fig, x + pad, top - pad, label, label_pt, weight="bold", color=GREY)
            y = _put(fig, x + pad, y, value, value_pt, weight="bold", color=INK)
            _put(fig, x + pad, y, note, note_pt, color="#333333")
        top -= height + gap
    return top + gap


def _table(fig: Figure, table: Table, x: float, top: float, width: float, size: float) -> float:
    """Draw ``table`` from ``top`` down, header shaded, every other row too; returns its height in inches."""
    total = sum(table.weights)
    widths = [width * w / total for w in table.weights]
    pad_x, pad_y = 0.04, 0.018
    step = _step(size, TABLE_SPACING)
    y = top
    for r, cells in enumerate([table.headers, *table.rows]):
        weight = "bold" if r == 0 else "normal"
        wrapped = [_lines(cell, size, w - 2 * pad_x, weight) for cell, w in zip(cells, widths, strict=True)]
        height = max(len(lines) for lines in wrapped) * step + 2 * pad_y
        if r == 0 or r % 2 == 0:
            fig.add_artist(Rectangle((x, y - height), width, height, transform=fig.dpi_scale_trans,
                                     facecolor="#e4e9f0" if r == 0 else "#f5f6f8", edgecolor="none"))
        cx = x
        for lines, w, right in zip(wrapped, widths, table.right, strict=True):
            _put(fig, cx + w - pad_x if right else cx + pad_x, y - pad_y, lines, size, weight=weight,
                 ha="right" if right else "left", spacing=TABLE_SPACING)
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
    """Key figures, service deserts, then the map with its legend beside it, the caveat and the sources."""
    fig = _new_page()
    width = A4_IN[0] - 2 * MARGIN_IN
    x = MARGIN_IN
    y = _header(fig, c, f"{c.title}: district brief",
                f"For the District Vigilance Committee · Data as of {c.as_of.isoformat()} · Brief made "
                f"{created.isoformat()}", width, 17.0)
    y = _heading(fig, x, y, "Key figures", 9.0)
    y = _tiles(fig, c.figures, y, width) - GAP_IN
    y = _heading(fig, x, y, "Service deserts: kilns with no service within reach", 9.0)
    y = _tiles(fig, c.deserts, y, width) - GAP_IN * 1.5

    bottom = _footer(fig, c, 1, created) + GAP_IN
    notes = [(KILN_CAVEAT, 8.0, INK),
             ("Sources: " + " · ".join(c.sources) + " · Sources and method in full on page 2.", 6.5, "#333333")]
    wrapped = [(_lines(text, size, width), size, color) for text, size, color in notes]
    notes_h = sum(len(lines) * _step(size) for lines, size, _ in wrapped) + GAP_IN
    map_top, map_bottom = y, bottom + notes_h + GAP_IN
    legend_w = 2.25
    map_w, map_h = width - legend_w - 0.15, map_top - map_bottom
    ax = fig.add_axes((x / A4_IN[0], map_bottom / A4_IN[1], map_w / A4_IN[0], map_h / A4_IN[1]))
    # the page carries the watermark across everything: the map's own would double it
    _draw_map(ax, dataclasses.replace(c.map_plan, synthetic_layers=[]), _shapes(ref), MAP_PAGE, map_w, map_h)
    lx, ly = x + map_w + 0.15, map_top
    ly = _put(fig, lx, ly, ["Map legend"], 8.5, weight="bold", color="#1f3d7a") - 0.03
    for column in _legend(c.map_plan):
        height = _legend_layout([column], 7.5, legend_w * DPI, DPI)
        _place_legend(fig, [column], lx, ly, legend_w, 7.5)
        ly -= height + GAP_IN * 1.5
    y = map_bottom - GAP_IN
    for lines, size, color in wrapped:
        y = _put(fig, x, y, lines, size, color=color) - GAP_IN / 2
    if c.synthetic:
        _watermark(fig)
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
    sizes = np.arange(MIN_SIZE, MAX_SIZE + 0.01, 0.25)

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
        _watermark(fig)
    return fig


def _draw_page_two(fig: Figure, c: BriefContent, created: date, size: float) -> float:
    """Page 2 at body ``size``; returns the room left above the footer (negative: it does not fit)."""
    width = A4_IN[0] - 2 * MARGIN_IN
    x = MARGIN_IN
    y = _header(fig, c, f"{c.title}: kilns, ranking and what is unknown",
                f"Data as of {c.as_of.isoformat()} · Brief made {created.isoformat()}", width, 13.0, compact=True)
    y = _heading(fig, x, y, c.kilns_heading, size)
    if c.kilns.rows:
        y -= _table(fig, c.kilns, x, y, width, size - 0.5) + 0.04
    y = _paragraph(fig, x, y, width, c.kilns_note, size - 1.0, color="#333333") - GAP_IN * 1.5

    # two columns: the comparison beside what is unknown
    left_w = (width - 0.2) * 0.48
    right_x, right_w = x + left_w + 0.2, width - left_w - 0.2
    left = _heading(fig, x, y, f"Compared with {c.province}", size, left_w)
    left = _paragraph(fig, x, left, left_w, c.ranking, size - 0.5) - 0.05
    left -= _table(fig, c.comparison, x, left, left_w, size - 0.5)
    right = _heading(fig, right_x, y, "What is unknown", size, right_w)
    right = _bullets(fig, right_x, right, right_w, c.unknowns, size - 0.5)
    y = min(left, right) - GAP_IN * 1.5

    y = _heading(fig, x, y, "Sources", size)
    y = _paragraph(fig, x, y, width, " · ".join(c.sources), size - 1.0, color="#222222") - GAP_IN
    y = _heading(fig, x, y, "Method", size)
    y = _bullets(fig, x, y, width, c.method, size - 1.0, color="#222222")
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

    Returns
    -------
    The PDF's bytes: two A4 portrait pages, its text real text. Deterministic given the arguments
    (``created`` included).
    """
    content = brief_content(district, layers, ref, profile=profile, as_of=as_of, window=window,
                            gaps_report=gaps_report, shared=shared, secret=secret)
    pages = brief_pages(content, ref, created=created or date.today())
    buffer = io.BytesIO()
    metadata = {"Title": f"{content.title}: district brief, data as of {as_of.isoformat()}",
                "Subject": profile_line(profile), "Creator": "Bhatta Atlas", "Producer": "Bhatta Atlas (matplotlib)",
                "CreationDate": None}
    with PdfPages(buffer, metadata=metadata) as pdf:
        for fig in pages:
            pdf.savefig(fig)
    return buffer.getvalue()


def brief_pages(content: BriefContent, ref: Reference, *, created: date) -> tuple[Figure, Figure]:
    """The two pages of a brief as matplotlib Figures, each with its own Agg canvas (see :func:`brief`)."""
    pages = (_page_one(content, created, ref), _page_two(content, created))
    for fig in pages:
        for text in fig.findobj(Text):
            # no ligatures: see layers.snapshot (one embedded copy of the font; pdftotext reads plain letters)
            text.set_fontfeatures(NO_LIGATURES)
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
