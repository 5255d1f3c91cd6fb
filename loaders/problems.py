"""Problems found in a file, row by row, and the report that collects them all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import geopandas as gpd

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell, row or file.

    ``row`` is the row number a spreadsheet shows (header = 1) or the feature number from 1;
    ``None`` means the whole file. ``severity="error"`` rejects the row, ``"warning"`` keeps it.
    """

    row: int | None
    column: str | None
    value: Any
    reason: str
    severity: Severity = "error"

    def as_dict(self) -> dict[str, Any]:
        out = {"row": self.row, "column": self.column, "reason": self.reason}
        if self.severity == "error":
            out = {"row": self.row, "column": self.column, "value": _jsonable(self.value), "reason": self.reason}
        return out


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


@dataclass
class Report:
    """Outcome of validating one file against one layer contract.

    ``accepted`` holds every accepted record (all columns, EPSG:4326 points where the layer has
    them); ``rows`` always equals ``len(accepted)`` plus the number of distinct rejected rows.
    """

    file: str
    layer: str
    rows: int
    accepted: gpd.GeoDataFrame
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    """Contract field -> header in the file that supplied it."""
    extra_columns: list[str] = field(default_factory=list)
    """Headers outside the contract: kept with each record as they are."""

    @property
    def rejected(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({p.row for p in self.rejected if p.row is not None})

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "layer": self.layer,
            "rows": self.rows,
            "accepted": len(self.accepted),
            "rejected": [p.as_dict() for p in self.rejected],
            "warnings": [p.as_dict() for p in self.warnings],
        }

    def exit_code(self) -> int:
        """0 when every row was accepted, 1 when some were rejected."""
        return 0 if not self.rejected_rows else 1
