"""The visit form: one visit checked against the inspections contract, exactly like a row of a file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import geopandas as gpd

from layers.i18n import N_
from loaders.geo import Reference
from loaders.problems import Message, Problem, Report
from loaders.readers import RawTable
from loaders.validate import validate
from loaders.values import is_blank

FORM_NAME = "visit form"
VISIT_FIELDS = ("visit_id", "kiln_id", "visit_date", "inspector", "workers_count", "children_count",
                "child_labour_observed", "bonded_labour_indicators", "advance_amount_pkr", "action_taken", "notes")
"""What the visit form asks, in the order of the route sheet: the inspections contract's fields."""

PERSONAL_PATTERNS = (
    (N_("a CNIC number"), re.compile(r"(?<!\d)\d{5}-?\d{7}-?\d(?!\d)")),
    (N_("a phone number"), re.compile(r"(?<![\d+])(?:\+?92[\s-]?|0)3\d{2}[\s-]?\d{7}(?!\d)")),
)
"""What must never be stored with a visit: a worker's CNIC or phone number (free text is checked)."""


def personal_data(text: object) -> str | None:
    """What personal number ``text`` seems to hold ("a CNIC number", "a phone number"), or ``None``."""
    if not isinstance(text, str):
        return None
    for what, pattern in PERSONAL_PATTERNS:
        if pattern.search(text):
            return what
    return None


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
    report = validate(table, "inspections", ref=ref, known_kilns=known_kilns, today=today, display_name=FORM_NAME)
    for name in ("inspector", "notes"):
        if name in values and (what := personal_data(_cell(values[name]))):
            reason = Message(N_("looks like {what}: never record workers' CNIC or phone numbers; remove it"),
                             what=Message(what))
            report.problems.append(Problem(1, name, Message(N_("(not shown)")), reason))
            report.accepted = report.accepted.iloc[0:0]
    return report


def _cell(value: object) -> object:
    if is_blank(value):  # None, NaN (a number left empty) or spaces: not recorded
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None
