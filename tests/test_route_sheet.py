"""The printable route sheet: a PDF with the stops, a form per kiln, the demo flag and sources, text escaped."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import shapely

from layers.route_export import Place
from layers.route_sheet import FORM_FIELDS, route_sheet_pdf

OFFICE = Place(31.1167, 74.45, "DC office Kasur")
NASTY = "<b>BKP-1</b> & <font size=40>x</font>"


def _sheet(tmp_path, **kw):
    kilns = [Place(31.0 + 0.02 * i, 74.3 + 0.03 * i, f"BKP-{i}") for i in range(5)]
    rows = [{"order": i + 1, "kiln": NASTY if i == 0 else p.name, "arrival": f"{9 + i}:00", "leg_km": "4.2",
             "priority": "55", "why": "Never visited +30 · No active DVC +10"} for i, p in enumerate(kilns)]
    pdf = route_sheet_pdf([[OFFICE, *kilns, OFFICE]], title="Kasur, 2026-11-24", rows=[rows],
                          outline=shapely.box(74.2, 30.9, 74.6, 31.3), sources=["Kilns: Hamdani et al. 2025"],
                          assumptions="distance = great-circle × 1.3; 35 km/h", **kw)
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    return path


def _text(path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_sheet_lists_stops_forms_sources_and_the_demo_flag(tmp_path):
    path = _sheet(tmp_path, demo=["Inspection visits"])
    assert path.read_bytes().startswith(b"%PDF")
    text = _text(path)
    assert "DEMO DATA: Inspection visits" in text and "Hamdani" in text and "great-circle" in text
    for i in range(1, 5):
        assert f"BKP-{i}" in text and f"Stop {i + 1}: kiln BKP-{i}" in text
    assert all(field.split(" (")[0] in text for field in FORM_FIELDS)
    assert "<b>BKP-1</b> & <font size=40>x</font>" in text  # shown as typed, not read as markup


def test_sheet_without_demo_data_has_no_flag(tmp_path):
    assert "DEMO DATA" not in _text(_sheet(tmp_path))
