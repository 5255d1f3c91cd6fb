"""The HTML map export: one self-contained file of the view's area, redacted, titled, with nothing to fetch."""

from __future__ import annotations

import re
from datetime import date

import pytest

from layers.gaps import kiln_gaps
from layers.map_export import area_layers, inline_assets, standalone_map
from layers.mapview import ATTRIBUTION, MapView
from layers.redact import profile_label, redact_layers
from layers.summary import Window, in_area

WINDOW = Window(date(2023, 11, 2), date(2026, 11, 1))
MADE = date(2026, 11, 2)
KASUR = "PK614"




@pytest.fixture(scope="module")
def kasur(ref, layers):
    view = MapView(WINDOW, district=KASUR, profile="official", basemap="osm")
    gaps = kiln_gaps(layers, as_of=WINDOW.end)
    return standalone_map(view, redact_layers(layers, "official", ref=ref), ref, area_name="Kasur", gaps=gaps,
                          created=MADE)


def _payload_counts(html: str) -> dict[str, int]:
    """Points per layer in the document's inline data (lat arrays are delta coded: one number per point)."""
    counts = {}
    for name, body in re.findall(r'<script type="application/json" id="bh-data-(\w+)">(.*?)</script>', html, re.S):
        lat = re.search(r'"lat":\[([^\]]*)\]', body).group(1)
        counts[name] = len(lat.split(",")) if lat else 0
    return counts


def test_everything_the_map_needs_is_inside_the_file(kasur):
    # no script, style sheet or image is loaded from anywhere: Leaflet, Supercluster and the CSS are inline
    assert not re.findall(r'<(?:script|link|img)[^>]+(?:src|href)=', kasur)
    assert "Leaflet" in kasur and 'id="bh-supercluster"' in kasur and ".leaflet-container" in kasur
    assert "url(images/" not in kasur  # Leaflet's icons are data URIs
    assert "tile.openstreetmap.org" not in kasur and "arcgisonline" not in kasur  # no online basemap, even if chosen
    # every layer is in the document, none fetched from a data file
    assert 'rel="preload"' not in kasur


def test_the_file_holds_the_view_area_only(kasur, layers):
    counts = _payload_counts(kasur)
    assert counts["kilns"] == len(in_area(layers["kilns"].frame, KASUR, None)) > 500
    assert counts["schools"] == len(in_area(layers["schools"].frame, KASUR, None))
    assert counts["kilns"] < len(layers["kilns"].frame) / 10


def test_the_file_says_what_when_and_how_redacted(kasur):
    assert "<title>Bhatta Atlas · Kasur · 2023-11-02 to 2026-11-01</title>" in kasur
    assert "Data as of 2026-11-01 · made 2026-11-02" in kasur
    assert profile_label("official") in kasur
    assert "DEMO DATA on this map" in kasur
    assert "Hamdani et al. 2025" in kasur and ATTRIBUTION.split(" · ")[0] in kasur


def test_public_file_has_no_visit_and_no_priority(ref, layers):
    view = MapView(WINDOW, district=KASUR, profile="public")
    html = standalone_map(view, redact_layers(layers, "public", ref=ref), ref, area_name="Kasur",
                          gaps=kiln_gaps(layers, as_of=WINDOW.end), created=MADE)
    assert _payload_counts(html).get("inspections", 0) == 0
    kilns = re.search(r'id="bh-data-kilns">(.*?)</script>', html, re.S).group(1)
    labels = set(re.findall(r'"label":"([^"]*)"', kilns))
    assert labels and not labels & {"Last visit in window", "Visit status", "Priority", "Why (points)"}, labels


def test_whole_view_keeps_every_layer(ref, layers):
    assert {n: len(d) for n, d in area_layers(layers, MapView(WINDOW)).items()} == \
        {n: len(d) for n, d in layers.items()}


def test_a_missing_asset_link_is_an_error_not_a_half_offline_file():
    with pytest.raises(RuntimeError, match="expected one asset link"):
        inline_assets("<html><head></head><body></body></html>")


def test_bhatta_snapshot_writes_the_html_map(tmp_path, monkeypatch):
    from bhatta.cli import main

    monkeypatch.setenv("BHATTA_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    out = tmp_path / "kasur.html"
    assert main(["snapshot", "--district", "PK614", "--format", "html", "--profile", "public", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<title>Bhatta Atlas · Kasur · " in html and "Profile: public (no individual visits" in html
    assert not re.findall(r'<(?:script|link|img)[^>]+(?:src|href)=', html)
    assert _payload_counts(html)["kilns"] == 636
