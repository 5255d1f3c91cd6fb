"""The visit form: one visit checked against the inspections contract, exactly like a row of a file."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import geopandas as gpd

from loaders.geo import Reference
from loaders.problems import Report
from loaders.readers import RawTable
from loaders.validate import validate

FORM_NAME = "visit form"
VISIT_FIELDS = ("visit_id", "kiln_id", "visit_date", "inspector", "workers_count", "children_count",
                "child_labour_observed", "bonded_labour_indicators", "advance_amount_pkr", "action_taken", "notes")
"""What the visit form asks, in the order of the route sheet: the inspections contract's fields."""


def check_visit(
    values: Mapping[str, object],
    *,
    ref: Reference | None = None,
    known_kilns: gpd.GeoDataFrame | None = None,
    today: date | None = None,
) -> Report:
    """Check one visit entered in a form, as row 1 of a file named "visit form".

    ``values`` maps contract fields (:data:`VISIT_FIELDS`) to what was entered; blank or ``None`` means
    not recorded. Numbers and dates may be given as Python values. Problems name the field, so the
    form can show them beside it.
    """
    unknown = sorted(set(values) - set(VISIT_FIELDS))
    if unknown:
        raise ValueError(f"not fields of a visit: {', '.join(unknown)}")
    columns = [name for name in VISIT_FIELDS if name in values]
    row = [_cell(values[name]) for name in columns]
    table = RawTable(path=Path(FORM_NAME), format="form", columns=columns, rows=[row], row_numbers=[1],
                     geometries=None, header_row=None)
    return validate(table, "inspections", ref=ref, known_kilns=known_kilns, today=today, display_name=FORM_NAME)


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None
