"""The map builder: offline assets, clustered point layers, escaped popups, legend, attribution, demo flag."""

import json
import re
from datetime import date

import geopandas as gpd
import numpy as np
import pytest
from mapdata import per_point

from layers.catalog import LayerData
from layers.mapview import ATTRIBUTION, MapView, PointCloud, build_map
from layers.summary import Window
from loaders.contracts import LAYERS

WINDOW = Window(date(2023, 11, 1), date(2026, 11, 1))




def _clouds(m):
    return {c.payload and json.loads(c.payload)["name"]: json.loads(c.payload)
            for c in m._children.values() if isinstance(c, PointCloud)}


def test_every_asset_is_local(ref, layers):
    html = build_map(MapView(window=WINDOW), layers, ref).get_root().render()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/app/static/vendor/") for u in urls), urls
    assert "cdn" not in html.lower() and "https://" not in html.replace("https://doi", "")


def test_all_six_layers_and_payload_under_3_mb(ref, layers):
    m = build_map(MapView(window=WINDOW), layers, ref)
    clouds = _clouds(m)
    assert set(clouds) == {"kilns", "inspections", "schools", "health", "ngo"}
    assert len(clouds["kilns"]["lat"]) == 9890 and clouds["kilns"]["cluster"] is True
    html = m.get_root().render()
    assert len(html.encode()) < 3_000_000
    assert "new Supercluster" in html and "L.circleMarker" in html and "folium.Marker" not in html


def test_toggling_layers_changes_what_is_drawn(ref, layers):
    only_kilns = build_map(MapView(window=WINDOW, layers=frozenset({"kilns"})), layers, ref)
    assert set(_clouds(only_kilns)) == {"kilns"}
    html = only_kilns.get_root().render()
    assert "DEMO DATA on this map" not in html  # only real data shown
    assert "DVC status" not in html
    with_dvc = build_map(MapView(window=WINDOW, layers=frozenset({"dvcs"})), layers, ref).get_root().render()
    assert "District fill: DVC status" in with_dvc and "DEMO DATA on this map" in with_dvc


def _block(html: str, name: str) -> dict:
    return json.loads(re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', html, re.S)[1])


def _areas(html: str) -> dict:
    """The area data of a map: initial area and bounds, and each district's tehsil lines."""
    return {**_block(html, "bh-areas"), "tehsils": _block(html, "bh-tehsils")}


def test_district_view_zooms_and_draws_its_tehsils(ref, layers):
    html = build_map(MapView(window=WINDOW, district="PK614"), layers, ref).get_root().render()
    minx, miny, maxx, maxy = ref.districts.loc[ref.districts["ADM2_PCODE"] == "PK614"].total_bounds
    areas = _areas(html)
    assert areas["initial"] == "PK614"
    assert areas["bounds"]["PK614"] == [[pytest.approx(miny, abs=1e-4), pytest.approx(minx, abs=1e-4)],
                                        [pytest.approx(maxy, abs=1e-4), pytest.approx(maxx, abs=1e-4)]]
    kasur_tehsils = ref.tehsils.loc[ref.tehsils["ADM2_PCODE"] == "PK614", "ADM3_EN"]
    assert sorted(t["name"] for t in areas["tehsils"]["PK614"]) == sorted(kasur_tehsils)
    assert len(areas["bounds"]) == 65 + 2 + 1 and len(areas["tehsils"]) == 65


def test_the_map_document_does_not_depend_on_the_chosen_area(ref, layers):
    """The app zooms in the browser: a district change must not send and draw a new map."""
    def body(view):
        html = build_map(view, layers, ref).get_root().render()
        html = re.sub(r"fitBounds\(.*?\);", "", html, flags=re.S)
        return re.sub(r'"initial":"\w*"', "", re.sub(r"_[0-9a-f]{32}", "", html))

    assert body(MapView(window=WINDOW)) == body(MapView(window=WINDOW, district="PK614"))


def test_attribution_and_sources_on_the_map(ref, layers):
    html = build_map(MapView(window=WINDOW), layers, ref).get_root().render()
    for part in ("COD-AB", "Hamdani et al. 2025", "PBS Census 2023"):
        assert part in ATTRIBUTION and part in html


def test_popups_escape_hostile_names(ref, layers):
    payload = "<img src=x onerror=alert(1)>${alert(2)}`x`</script><script>alert(3)</script>"
    schools = gpd.GeoDataFrame(
        {"name": [payload], "level": ["primary"], "gender": ["girls"], "management": ["public"],
         "district_pcode": ["PK614"], "tehsil_pcode": ["PK61402"], "synthetic": [False],
         "source": ["imported: <b>evil</b>.csv"]},
        geometry=gpd.points_from_xy([74.45], [31.12]), crs="EPSG:4326")
    mine = dict(layers) | {"schools": LayerData("schools", "Schools", schools, "imported", ("imported",))}
    html = build_map(MapView(window=WINDOW, layers=frozenset({"schools"})), mine, ref).get_root().render()
    assert "alert(1)" in html  # the text is there, as data
    for raw in ("<img", "${alert", "<script>alert", "</script><script>", "<b>evil", "`x`"):
        assert raw not in html
    school = _clouds(build_map(MapView(window=WINDOW, layers=frozenset({"schools"})), mine, ref))["schools"]
    assert per_point(school, "Name") == ["&lt;img src=x onerror=alert(1)&gt;&#36;&#123;alert(2)&#125;&#96;x&#96;"
                                         "&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;"]


def test_every_name_travels_below_the_detail_limit_and_none_above(ref, layers, monkeypatch):
    cloud = _clouds(build_map(MapView(window=WINDOW, layers=frozenset({"schools"})), layers, ref))["schools"]
    assert per_point(cloud, "Name") == layers["schools"].frame["name"].tolist()  # plain names, all 30k
    monkeypatch.setattr("layers.mapview.DETAIL_LIMIT", 10_000)
    cloud = _clouds(build_map(MapView(window=WINDOW, layers=frozenset({"schools"})), layers, ref))["schools"]
    assert set(per_point(cloud, "Name")) == {""} and "not shown for layers of more than 10,000" in cloud["note"]


def test_coordinates_are_delta_coded_and_decode_to_the_points(ref, layers):
    cloud = _clouds(build_map(MapView(window=WINDOW, layers=frozenset({"kilns"})), layers, ref))["kilns"]
    import numpy as np

    lat = np.cumsum(cloud["lat"]) / 100_000
    lon = np.cumsum(cloud["lon"]) / 100_000
    assert np.abs(lat - ref.kilns.geometry.y.to_numpy()).max() < 1e-5
    assert np.abs(lon - ref.kilns.geometry.x.to_numpy()).max() < 1e-5


def test_small_categories_share_one_index_and_decode_back(ref, layers):
    cloud = _clouds(build_map(MapView(window=WINDOW, layers=frozenset({"schools"})), layers, ref))["schools"]
    assert len(cloud["combo"]["i"]) == len(cloud["lat"]) == len(layers["schools"])
    frame = layers["schools"].frame
    assert per_point(cloud, "For") == frame["gender"].tolist()
    assert per_point(cloud, "Level") == frame["level"].str.replace("_", " ").tolist()


def test_demo_flag_lists_the_synthetic_layers(ref, layers):
    html = build_map(MapView(window=WINDOW, layers=frozenset(LAYERS)), layers, ref).get_root().render()
    flag = re.search(r"DEMO DATA on this map: ([^\"]+?) are synthetic", html)[1]
    assert "Schools" in flag and "Brick kilns" not in flag


@pytest.mark.parametrize(("basemap", "attribution"), [("osm", "OpenStreetMap contributors"), ("satellite", "Esri")])
def test_online_basemaps_carry_their_attribution(ref, layers, basemap, attribution):
    html = build_map(MapView(window=WINDOW, basemap=basemap, layers=frozenset({"kilns"})), layers, ref) \
        .get_root().render()
    assert "L.tileLayer" in html and attribution in html


def test_no_basemap_means_no_tile_requests(ref, layers):
    html = build_map(MapView(window=WINDOW), layers, ref).get_root().render()
    assert "L.tileLayer" not in html


def test_kiln_popup_shows_priority_and_its_parts(ref, layers):
    from layers.gaps import kiln_gaps

    gaps = kiln_gaps(layers, as_of=WINDOW.end)
    m = build_map(MapView(window=WINDOW, layers=frozenset({"kilns"})), layers, ref, gaps=gaps)
    kilns = _clouds(m)["kilns"]
    ids, priority = per_point(kilns, "Kiln id"), per_point(kilns, "Priority")
    why = per_point(kilns, "Why (points)")
    expected = gaps.set_index("kiln_id")["priority"]
    assert all(float(p) == expected[k] for k, p in zip(ids[:500], priority[:500], strict=True))
    top = int(np.argmax([float(p) for p in priority]))
    parts = [float(x.rsplit("+", 1)[1]) for x in why[top].split(" · ")]
    assert sum(parts) == pytest.approx(float(priority[top]), abs=0.2) and parts == sorted(parts, reverse=True)


def test_service_desert_layer_marks_exactly_the_kilns_beyond_the_threshold(ref, layers):
    from layers.gaps import kiln_gaps

    gaps = kiln_gaps(layers, as_of=WINDOW.end)
    view = MapView(window=WINDOW, layers=frozenset({"kilns", "health"}), desert="health")
    deserts = _clouds(build_map(view, layers, ref, gaps=gaps))["deserts"]
    far = gaps[gaps["desert_health"].fillna(False).to_numpy(dtype=bool)]
    assert sorted(per_point(deserts, "Kiln id")) == sorted(far["kiln_id"])
    assert all(float(d.split()[0]) >= 5 for d in per_point(deserts, "Nearest health unit") if d.endswith(" km"))  # 5.0 km: rounded from just over 5
    html = build_map(view, layers, ref, gaps=gaps).get_root().render()
    assert "Kiln with no health unit within reach" in html and "[DEMO]" in html  # health units are demo data
