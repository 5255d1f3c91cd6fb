"""The maps in Urdu: legend, popups, tooltips and reasons translated, right-to-left boxes on a left-to-right map,
the Urdu font inside the offline HTML map, uploaded Urdu text intact and escaped in both languages."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date

import geopandas as gpd
import pytest
from mapdata import per_point

from layers.catalog import LayerData
from layers.html import esc
from layers.i18n import translator
from layers.mapview import ATTRIBUTION, HtmlOverlay, MapView, PointCloud, attribution, build_map
from layers.redact import PROFILES, profile_label, redact_layers
from layers.summary import Window

WINDOW = Window(date(2023, 11, 2), date(2026, 11, 1))
KASUR = "PK614"
UR = translator("ur")
URDU_NAME = unicodedata.normalize("NFC", "گورنمنٹ گرلز پرائمری اسکول، بھٹہ نمبر ۳")
HOSTILE = "<img src=x onerror=alert(1)>بھٹہ ${alert(2)}`x`</script><script>alert(3)</script>"
MY_FILES = ["layers/mapview.py", "layers/map_export.py", "layers/choropleth.py", "layers/redact.py",
            "layers/gaps.py", "layers/dvc.py", "layers/areas.py"]


def _clouds(m):
    return {json.loads(c.payload)["name"]: json.loads(c.payload) for c in m._children.values()
            if isinstance(c, PointCloud)}


def _overlay(m, css_class):
    return next(c for c in m._children.values() if isinstance(c, HtmlOverlay) and c.css_class == css_class)


def _map_div(html):
    return re.search(r'<div class="folium-map"[^>]*>', html).group(0)


@pytest.fixture(scope="module")
def gaps(layers):
    from layers.gaps import kiln_gaps

    return kiln_gaps(layers, as_of=WINDOW.end)


@pytest.fixture(scope="module")
def urdu_map(ref, layers, gaps):
    return build_map(MapView(WINDOW, layers=frozenset({"kilns", "inspections", "dvcs"}), lang="ur"), layers, ref,
                     gaps=gaps)


def _schools(name):
    """One uploaded school whose name is ``name`` (in Kasur)."""
    frame = gpd.GeoDataFrame(
        {"name": [name], "level": ["primary"], "gender": ["girls"], "management": ["public"],
         "district_pcode": [KASUR], "tehsil_pcode": ["PK61402"], "synthetic": [False], "source": ["upload.csv"]},
        geometry=gpd.points_from_xy([74.45], [31.12]), crs="EPSG:4326")
    return LayerData("schools", "Schools", frame, "imported", ("imported",))


def test_urdu_map_has_urdu_legend_popup_fields_and_tooltips(urdu_map):
    clouds = _clouds(urdu_map)
    kilns = clouds["kilns"]
    assert kilns["title"] == esc(UR("Brick kiln")) == "اینٹوں کا بھٹہ"
    labels = [f["label"] for f in kilns["fields"]]
    assert labels[:2] == [UR("Kiln id"), UR("Type")] and UR("Why (points)") in labels and "Kiln id" not in labels
    assert set(per_point(kilns, UR("Visit status"))) <= {"کبھی نہیں", "تاخیر شدہ", "جلد واجب", "حالیہ"}
    assert "+" in per_point(kilns, UR("Why (points)"))[0] and "آخری دورے" in per_point(kilns, UR("Why (points)"))[0]
    inspections = clouds["inspections"]
    assert set(per_point(inspections, UR("Child labour observed (recorded)"))) <= {"ہاں", "نہیں", ""}
    assert all(s.endswith(" [نمونہ ڈیٹا]") for s in per_point(inspections, UR("Source")))  # demo visits, tagged
    assert all(re.fullmatch(r"\d{1,2} \w+ \d{4}", d) for d in per_point(inspections, UR("Last visit"))[:50])
    legend = json.loads(_overlay(urdu_map, "bh-legend").html_json)
    assert "علامات" in legend and UR("District fill: DVC status") in legend and "Legend" not in legend
    assert f"({UR.num(len(kilns['lat']))})" in legend  # counts through tr.num
    html = urdu_map.get_root().render()
    assert "ضلع" in html and "foliumtooltip bh-rtl" in html  # district tooltip: Urdu alias, rtl box
    assert esc(attribution("ur")) in html and "Hamdani et al. 2025" in html  # sources keep their names


def test_urdu_boxes_read_right_to_left_but_the_map_does_not(urdu_map):
    html = urdu_map.get_root().render()
    assert '<div class="bh-popup" dir="rtl">' in html
    assert "box.setAttribute('dir', 'rtl')" in html  # legend and demo flag
    assert 'dir="rtl"' not in _map_div(html) and ".getContainer().setAttribute('dir', 'ltr')" in html
    assert "font-family:\"Bhatta Naskh\"" in html and "unicode-range:U+0600-06FF" in html
    assert "/app/static/fonts/NotoNaskhArabic-Regular.ttf" in html  # the app serves the font


def test_english_map_is_unchanged(ref, layers, gaps):
    m = build_map(MapView(WINDOW, layers=frozenset({"kilns", "dvcs"})), layers, ref, gaps=gaps)
    html = m.get_root().render()
    kilns = _clouds(m)["kilns"]
    assert kilns["title"] == "Brick kiln" and [f["label"] for f in kilns["fields"]][:2] == ["Kiln id", "Type"]
    assert "dir=" not in html and "bh-rtl" not in html and "Bhatta Naskh" not in html
    assert json.loads(_overlay(m, "bh-legend").html_json).startswith("<details open><summary>Legend</summary>")
    assert attribution() == attribution("en") == ATTRIBUTION


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_uploaded_urdu_name_is_intact_in_both_languages(ref, layers, lang):
    mine = dict(layers) | {"schools": _schools(URDU_NAME)}
    m = build_map(MapView(WINDOW, layers=frozenset({"schools"}), lang=lang), mine, ref)
    school = _clouds(m)["schools"]
    assert per_point(school, translator(lang)("Name")) == [URDU_NAME]
    html = m.get_root().render()
    assert URDU_NAME in html and "Bhatta Naskh" in html  # Arabic script on the map: the font comes with it
    assert 'dir="rtl"' not in _map_div(html)


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_hostile_urdu_and_html_is_escaped_in_both_languages(ref, layers, lang):
    mine = dict(layers) | {"schools": _schools(HOSTILE)}
    m = build_map(MapView(WINDOW, layers=frozenset({"schools"}), lang=lang), mine, ref)
    html = m.get_root().render()
    assert "alert(1)" in html and "بھٹہ" in html
    for raw in ("<img", "${alert", "<script>alert", "</script><script>", "`x`"):
        assert raw not in html
    assert per_point(_clouds(m)["schools"], translator(lang)("Name")) == [esc(HOSTILE)]


@pytest.fixture(scope="module")
def exports(ref, layers, gaps):
    from layers.map_export import standalone_map

    shared = redact_layers(layers, "official", ref=ref)
    out = {}
    for lang in ("en", "ur"):
        view = MapView(WINDOW, district=KASUR, profile="official", lang=lang)
        out[lang] = standalone_map(view, shared, ref, area_name="Kasur", gaps=gaps, created=date(2026, 11, 2))
    return out


def test_urdu_html_map_carries_its_font_and_fetches_nothing(exports):
    ur, en = exports["ur"], exports["en"]
    assert ur.startswith('<!DOCTYPE html>\n<html lang="ur" dir="rtl">')
    assert 'dir="ltr"' in _map_div(ur) and 'dir="rtl"' not in _map_div(ur)
    assert "url(\"data:font/ttf;base64," in ur and "unicode-range:U+0600-06FF" in ur
    assert not re.findall(r'<(?:script|link|img)[^>]+(?:src|href)=', ur)
    assert all(u.startswith(("data:", "#default#VML")) for u in re.findall(r'url\(\s*"?([^")]+)', ur))  # fonts and icons inline
    # the font is about 266 KB of base64: the Urdu file stays well under 1.5 times the English one
    assert 250_000 < len(ur.encode()) - len(en.encode()) < 400_000
    assert "Bhatta Naskh" not in en and en.startswith("<!DOCTYPE html>\n<html>\n")


def test_urdu_html_map_title_box(exports):
    ur = exports["ur"]
    kasur = UR.place(KASUR, "Kasur")
    window = UR("{start} to {end}").format(start=UR.date(WINDOW.start), end=UR.date(WINDOW.end))
    assert f"<title>Bhatta Atlas · {kasur} · {window}</title>" in ur
    assert UR("Profile: {profile}").format(profile=profile_label("official", "ur")) in ur
    assert UR.date(date(2026, 11, 2)) in ur and "Data as of" not in ur
    assert "Data as of 2026-11-01 · made 2026-11-02 with Bhatta Atlas" in exports["en"]


def test_english_html_map_with_an_urdu_name_embeds_the_font_only(ref, layers):
    from layers.map_export import standalone_map

    mine = dict(layers) | {"schools": _schools(URDU_NAME)}
    html = standalone_map(MapView(WINDOW, layers=frozenset({"schools"}), district=KASUR), mine, ref,
                          area_name="Kasur", created=date(2026, 11, 2))
    assert "data:font/ttf;base64," in html and URDU_NAME in html
    assert html.startswith("<!DOCTYPE html>\n<html>\n") and "Profile: internal" in html


def test_priority_reasons_in_urdu(gaps):
    from layers.gaps import explain, explain_parts

    top = gaps.sort_values("priority", ascending=False).head(200)
    english, urdu = explain(top), explain(top, lang="ur", urdu_digits=True)
    assert english.equals(explain(top, lang="en"))
    assert all("; " not in part for part in explain_parts(top, lang="ur").stack() if isinstance(part, str))  # explain splits on "; "
    assert len(urdu.iloc[0].split("; ")) == len(english.iloc[0].split("; "))
    assert "پس منظر" in " ".join(urdu) and not re.search("[0-9]", urdu.iloc[0])  # Urdu digits when chosen
    assert "Context" not in " ".join(urdu) and "Context" in " ".join(english)


def test_profile_labels_in_urdu():
    assert profile_label("official") == "official (no personal fields)"
    assert profile_label("official", "ur") == "سرکاری (کوئی ذاتی معلومات نہیں)"
    assert all(profile_label(p, "ur") != profile_label(p) for p in PROFILES)
    assert "۵" in profile_label("public", "ur", urdu_digits=True)


def test_area_table_and_choropleth_in_urdu(ref, layers, gaps):
    from layers.areas import area_metrics, reason_text, suppress_small
    from layers.choropleth import choropleth_map

    metrics = area_metrics(gaps, ref, level="district", dvcs=layers["dvcs"].frame, visits=None, as_of=WINDOW.end)
    shown = suppress_small(metrics, lang="ur")
    assert shown.equals(suppress_small(metrics, lang="ur")) and not suppress_small(metrics).equals(shown)
    kasur = shown[metrics["pcode"] == KASUR].iloc[0]
    assert kasur["name"] == UR.place(KASUR, "Kasur") and kasur["province"] == "پنجاب"
    assert "no data" not in shown.to_numpy().ravel().tolist()
    assert reason_text("no inspection data; no DVC record", "ur") == "معائنے کا ڈیٹا نہیں؛ ڈی وی سی کا ریکارڈ نہیں"
    shapes = gpd.GeoDataFrame(metrics, geometry=ref.districts.set_index("ADM2_PCODE").loc[metrics["pcode"]]
                              .geometry.values, crs=ref.districts.crs)
    m = choropleth_map(shapes, value="underserved_index", title="عنوان", labels=shown,
                       fields=[("name", UR("District"))], demo=["Inspection visits"], lang="ur")
    legend = json.loads(_overlay(m, "bh-legend").html_json)
    assert "علامات" in legend and UR("{low} to {high}").format(low="0", high="20") in legend
    assert UR("Inspection visits") in json.loads(_overlay(m, "bh-demo").html_json)
    html = m.get_root().render()
    assert "foliumtooltip bh-rtl" in html and 'dir="rtl"' not in _map_div(html)


def test_every_message_of_the_map_files_is_in_both_catalogues():
    from bhatta.catalogues import extract, problems

    found = {m: p for m, p in extract().items() if any(f in MY_FILES for f, _line in p)}
    assert len(found) > 150
    assert problems(found) == []
