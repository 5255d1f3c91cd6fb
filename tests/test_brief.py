"""District briefs (two A4 pages): readable, sourced, dated, the profile named, demo data flagged, nothing leaked."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.text import Text

from layers.brief import TOP_KILNS, brief, brief_content, brief_name, brief_pages, short_reasons
from layers.gap_report import gap_report
from layers.gaps import explain_parts, rank_priorities
from layers.mapview import ATTRIBUTION
from layers.redact import PROFILES
from layers.snapshot import KILN_CAVEAT, profile_line
from loaders.contracts import CONTRACTS

AS_OF = date(2026, 11, 23)
MADE = date(2026, 11, 24)
SECRET = b"test secret, not the server's"
KASUR, EAST_KARACHI, THARPARKAR = "PK614", "PK704", "PK726"
A4_PT = (595.276, 841.89)


@pytest.fixture(scope="module")
def report(ref, layers):  # ref and layers: the shipped data (tests/conftest.py)
    return gap_report(layers, ref, as_of=AS_OF)


@pytest.fixture(scope="module")
def files(ref, layers, report, tmp_path_factory):
    """Kasur in every profile and East Karachi (no kilns detected, approximate population), rendered once."""
    out = tmp_path_factory.mktemp("briefs")
    paths = {}
    for district, profile in [*((KASUR, p) for p in PROFILES), (EAST_KARACHI, "official")]:
        path = out / f"{district}-{profile}.pdf"
        path.write_bytes(brief(district, layers, ref, profile=profile, as_of=AS_OF, created=MADE, gaps_report=report,
                               secret=SECRET))
        paths[district, profile] = path
    return paths


def _text(path: Path, page: int | None = None) -> str:
    """The PDF's text (one page, or all), whitespace collapsed: a phrase wrapped over two lines still matches."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text cannot be read back")
    pages = ["-f", str(page), "-l", str(page)] if page else []
    raw = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(raw.split())


def _page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


def test_every_brief_is_two_a4_pages(files):
    for path in files.values():
        pdf = path.read_bytes()
        assert pdf.startswith(b"%PDF")
        sizes = _page_sizes(pdf)
        assert len(sizes) == 2 and all(s == pytest.approx(A4_PT, abs=0.5) for s in sizes), path.name
        if shutil.which("pdfinfo"):
            info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
            assert re.search(r"^Pages:\s+2$", info, re.M)


def test_page_one_has_the_key_figures_dated_sourced_and_the_profile(files, ref, layers, report):
    content = brief_content(KASUR, layers, ref, profile="official", as_of=AS_OF, gaps_report=report, secret=SECRET)
    text = _text(files[KASUR, "official"], 1)
    assert "Kasur District (Punjab): district brief" in text
    assert "Data as of 2026-11-23" in text and "Brief made 2026-11-24" in text
    assert profile_line("official") in text
    assert "Page 1 of 2 · Kasur District (PK614), Punjab · Profile: official" in text
    labels = [t.label for t in (*content.figures, *content.deserts)]
    for label in ("Population 2023", "Kilns detected", "Kilns visited in the last 12 months",
                  "District Vigilance Committee", "No school within 2 km", "No girls' primary school within 2 km",
                  "No health unit within 5 km", "No active NGO service within 10 km"):
        assert label in labels
    for tile in (*content.figures, *content.deserts):
        assert tile.label in text and tile.value in text, tile
    assert f"{(ref.kilns['district_pcode'] == KASUR).sum():,}" in text  # kilns detected, counted independently
    assert "last meeting" in text  # the DVC's status comes with its last meeting
    assert KILN_CAVEAT in text and "Hamdani" in text and "COD-AB" in text
    assert "DEMO DATA in this brief:" in text and "Inspection visits" in text
    for tehsil in ("Chunian", "Pattoki"):
        assert tehsil in text  # the map names the district's tehsils


def test_page_two_lists_the_top_kilns_with_their_reasons_ranking_unknowns_sources_method(files, report):
    text = _text(files[KASUR, "internal"], 2)
    assert "Page 2 of 2" in text and profile_line("internal") in text and "DEMO DATA" in text
    top = rank_priorities(report.kilns, district=KASUR, limit=TOP_KILNS)
    assert len(top) == TOP_KILNS
    for kiln, reasons in zip(top["kiln_id"], short_reasons(top), strict=True):
        assert kiln in text and reasons in text
    first = top.iloc[0]
    assert f"{first['lat']:.5f}, {first['lon']:.5f}" in text
    assert re.search(r"Kasur ranks \d+ of the \d+ ranked districts of Punjab by the underserved index", text)
    assert "Punjab median" in text
    for heading in ("What is unknown", "Sources", "Method"):
        assert heading in text
    assert "not detected is not zero" in text and "recorded in this system" in text
    assert ATTRIBUTION in text
    assert "school 2 km" in text and "health unit 5 km" in text  # the reach distances of GapSettings
    assert "Priority points, at most: time since last visit 30" in text
    assert "kilns visited in 12 months: a visit recorded from 2025-11-23 to 2026-11-23" in text


def test_short_reasons_give_each_part_of_the_priority_that_scores(report):
    top = rank_priorities(report.kilns, limit=200)
    parts = explain_parts(top)
    for reasons, (_, row), (_, why) in zip(short_reasons(top), top.iterrows(), parts.iterrows(), strict=True):
        points = [float(p) for p in re.findall(r"\+([\d.]+)(?:;|$)", reasons)]
        assert sum(points) == pytest.approx(row["priority"], abs=0.2)
        assert len(points) == why.notna().sum()  # one short reason per part explain gives
    assert "never visited +30" in " ".join(short_reasons(rank_priorities(
        report.kilns[report.kilns["visit_status"] == "never"], limit=1)))


def test_a_district_without_kilns_says_so_and_names_karachi_population_approximate(files, ref, layers, report):
    content = brief_content(EAST_KARACHI, layers, ref, profile="official", as_of=AS_OF, gaps_report=report)
    assert content.kilns.rows == () and "No kilns detected" in content.kilns_note
    assert next(t for t in content.figures if t.label == "Kilns detected").value == "not detected"
    assert "is not ranked: no kilns detected" in content.ranking
    text = _text(files[EAST_KARACHI, "official"])
    assert "East Karachi District (Sindh)" in text and "Page 1 of 2" in text and "Page 2 of 2" in text
    assert "Population is approximate" in text and "Karachi districts approximate" in text


def test_a_district_without_a_dvc_record_says_it_is_unknown(ref, layers, report):
    dvcs = layers["dvcs"]
    without = {**layers, "dvcs": dataclasses.replace(dvcs, frame=dvcs.frame[dvcs.frame["district_pcode"] != KASUR])}
    content = brief_content(KASUR, without, ref, profile="official", as_of=AS_OF,
                            gaps_report=gap_report(without, ref, as_of=AS_OF))
    assert any(u.startswith("No DVC record for this district") for u in content.unknowns)
    dvc = next(t for t in content.figures if t.label == "District Vigilance Committee")
    assert dvc.value == "No data"


def test_public_lists_no_kiln_with_its_visits_and_hides_small_visit_counts(files, ref, layers, report):
    internal = brief_content(KASUR, layers, ref, profile="internal", as_of=AS_OF, gaps_report=report)
    listed = [row[1].split("\n")[0] for row in internal.kilns.rows]
    assert len(listed) == TOP_KILNS
    public_text = _text(files[KASUR, "public"])
    assert not [k for k in listed if k in public_text]
    assert not re.search(r"BKP-\d+", public_text)  # no kiln id at all
    assert "Kilns per tehsil" in public_text and "individual visit" in public_text
    assert profile_line("public") in public_text and "Page 2 of 2" in public_text

    # Tharparkar: 2 kilns visited in 12 months, shown exactly inside the programme, as "< 5" in public
    inside = brief_content(THARPARKAR, layers, ref, profile="internal", as_of=AS_OF, gaps_report=report)
    public = brief_content(THARPARKAR, layers, ref, profile="public", as_of=AS_OF, gaps_report=report,
                           secret=SECRET)
    label = "Kilns visited in the last 12 months"
    shown = {c.profile: next(t for t in c.figures if t.label == label) for c in (inside, public)}
    assert shown["internal"].value == "2" and shown["public"].value == "< 5"
    assert "%" not in shown["public"].note  # the share would give the count away
    district = public.kilns.rows[-1]
    assert district[:4] == ("District", "52", "< 5", "48 to 52")  # not visited: a range, not 52 - 2
    for row in public.kilns.rows:
        assert row[2] == "< 5" or int(row[2].replace(",", "")) >= 5


def _canary(layer: str, column: str, i: int) -> str:
    return f"CANARY{layer}{column}{i}".replace("_", "")


@pytest.fixture(scope="module")
def planted(ref, layers):
    """Every personal field and an added column ("owner CNIC") of every layer filled with canaries."""
    out = {}
    for name, data in layers.items():
        frame = data.frame.copy()
        for f in CONTRACTS[name].fields:
            if f.personal:
                frame[f.name] = [_canary(name, f.name, i) for i in range(len(frame))]
        frame["owner CNIC"] = [_canary(name, "cnic", i) for i in range(len(frame))]
        out[name] = dataclasses.replace(data, frame=frame)
    return out


@pytest.mark.parametrize("profile", ["official", "public"])
def test_no_canary_reaches_a_shared_brief(ref, planted, profile, tmp_path):
    report = gap_report(planted, ref, as_of=AS_OF)
    content = brief_content(KASUR, planted, ref, profile=profile, as_of=AS_OF, gaps_report=report, secret=SECRET)
    said = repr([content.figures, content.deserts, content.kilns, content.kilns_note, content.ranking,
                 content.comparison, content.unknowns, content.sources, content.method,
                 [p.label for p in content.map_plan.points]])
    assert "CANARY" not in said
    path = tmp_path / "brief.pdf"
    path.write_bytes(brief(KASUR, planted, ref, profile=profile, as_of=AS_OF, created=MADE, gaps_report=report,
                           secret=SECRET))
    assert "CANARY" not in _text(path)
    assert b"CANARY" not in path.read_bytes()  # nor in the metadata


def test_real_data_alone_carries_no_demo_flag_or_watermark(ref, layers, report):
    real = {name: dataclasses.replace(d, frame=d.frame.assign(synthetic=False), sources=("test source",))
            for name, d in layers.items()}
    content = brief_content(KASUR, real, ref, profile="official", as_of=AS_OF, gaps_report=report)
    assert content.synthetic == () and content.demo_line == ""
    pages = brief_pages(content, ref, created=MADE)
    assert not [t for fig in pages for t in fig.findobj(Text) if (t.get_gid() or "").startswith("watermark")]
    demo = brief_content(KASUR, layers, ref, profile="official", as_of=AS_OF, gaps_report=report)
    for fig in brief_pages(demo, ref, created=MADE):  # the demo data's watermark is on every page
        marks = [t for t in fig.findobj(Text) if t.get_gid() == "watermark"]
        assert len(marks) == 1 and marks[0].get_text() == "DEMO DATA" and marks[0].get_color()[3] < 0.3


@pytest.mark.parametrize("district,profile", [(KASUR, "internal"), (KASUR, "public"), (EAST_KARACHI, "official")])
def test_no_text_overlaps_another_or_leaves_the_page(ref, layers, report, district, profile):
    content = brief_content(district, layers, ref, profile=profile, as_of=AS_OF, gaps_report=report, secret=SECRET)
    for number, fig in enumerate(brief_pages(content, ref, created=MADE), start=1):
        renderer = fig.canvas.get_renderer()
        page = fig.bbox
        boxes = []
        for t in fig.texts:  # the sheet's own texts (the map's labels are placed by the snapshot's rules)
            if (t.get_gid() or "").startswith("watermark") or not t.get_text().strip():
                continue
            box = t.get_window_extent(renderer)
            assert page.x0 + 20 <= box.x0 and box.x1 <= page.x1 - 20, (number, t.get_text())
            assert page.y0 + 20 <= box.y0 and box.y1 <= page.y1 - 20, (number, t.get_text())
            boxes.append((box.shrunk(0.98, 0.8), t.get_text()))
        for i, (a, text_a) in enumerate(boxes):
            for b, text_b in boxes[i + 1:]:
                assert not a.overlaps(b), (number, text_a, text_b)


def test_output_is_deterministic_given_the_creation_date(ref, layers, report):
    kw = dict(profile="public", as_of=AS_OF, created=MADE, gaps_report=report, secret=SECRET)
    assert brief(THARPARKAR, layers, ref, **kw) == brief(THARPARKAR, layers, ref, **kw)


def test_file_name_names_the_district_and_the_data_date(ref):
    assert brief_name(KASUR, ref, AS_OF) == "bhatta-brief-kasur-2026-11-23.pdf"
    assert brief_name("PK702", ref, AS_OF) == "bhatta-brief-central-karachi-2026-11-23.pdf"
    with pytest.raises(ValueError, match="district"):
        brief_name("PK999", ref, AS_OF)


def test_bad_arguments_are_refused(ref, layers, report):
    with pytest.raises(ValueError, match="profile"):
        brief_content(KASUR, layers, ref, profile="everyone", as_of=AS_OF, gaps_report=report)
    with pytest.raises(ValueError, match="district"):
        brief_content("PK999", layers, ref, profile="official", as_of=AS_OF, gaps_report=report)
    with pytest.raises(ValueError, match="gap report"):
        brief_content(KASUR, layers, ref, profile="official", as_of=date(2026, 1, 1), gaps_report=report)


def test_brief_module_imports_no_pyplot_streamlit_or_dashboard():
    source = (Path(__file__).resolve().parent.parent / "layers" / "brief.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import)\s+(matplotlib\.pyplot|streamlit|dashboard)\b", source, re.M)


def test_tehsil_table_counts_add_up_to_the_district(ref, layers, report):
    content = brief_content(KASUR, layers, ref, profile="public", as_of=AS_OF, gaps_report=report, secret=SECRET)
    rows = pd.DataFrame(list(content.kilns.rows), columns=list(content.kilns.headers))
    tehsils, district = rows.iloc[:-1], rows.iloc[-1]
    numbers = tehsils["Kilns detected"].str.replace(",", "").astype(int)
    assert numbers.sum() == int(district["Kilns detected"].replace(",", "")) == (report.kilns["district_pcode"]
                                                                                    == KASUR).sum()
