"""Every gap figure of one view in one call: kilns with their priority, districts, tehsils, DVC coverage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import pandas as pd

from layers.areas import area_metrics, district_ranking, dvc_coverage
from layers.catalog import LayerData
from layers.gaps import GapSettings, kiln_gaps
from loaders.geo import Reference


@dataclass(frozen=True)
class GapReport:
    """The gap tables of one as-of date and one set of settings (all of Punjab and Sindh)."""

    as_of: date
    settings: GapSettings
    kilns: gpd.GeoDataFrame
    """:func:`layers.gaps.kiln_gaps`; :func:`layers.gaps.explain` words why each kiln has its priority."""
    districts: pd.DataFrame
    """:func:`layers.areas.area_metrics` at district level, ranked (``rank``) by the underserved index."""
    tehsils: pd.DataFrame
    dvc: pd.DataFrame
    """:func:`layers.areas.dvc_coverage`: one row per district."""
    synthetic: tuple[str, ...]
    """Labels of the layers behind these figures that are demo data."""
    sources: tuple[str, ...]


def gap_report(
    layers: Mapping[str, LayerData], ref: Reference, *, as_of: date, settings: GapSettings | None = None
) -> GapReport:
    """Compute every gap metric for ``as_of`` (benchmarks/bench_gaps.py times it)."""
    settings = settings or GapSettings()
    kilns = kiln_gaps(layers, as_of=as_of, settings=settings)
    dvcs, visits = layers["dvcs"].frame, layers["inspections"].frame
    tables = {level: area_metrics(kilns, ref, level=level, dvcs=dvcs, visits=visits, as_of=as_of)
              for level in ("district", "tehsil")}
    used = [layers[name] for name in ("kilns", "inspections", "dvcs", "schools", "health", "ngo")]
    return GapReport(
        as_of=as_of,
        settings=settings,
        kilns=kilns,
        districts=district_ranking(tables["district"], small_count=settings.small_count),
        tehsils=tables["tehsil"],
        dvc=dvc_coverage(ref, dvcs, kilns, as_of=as_of),
        synthetic=tuple(d.label for d in used if d.synthetic),
        sources=tuple(dict.fromkeys(s for d in used for s in d.sources)),
    )
