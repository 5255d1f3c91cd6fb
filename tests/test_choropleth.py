"""Area maps: classes, the distinct "no data" class, escaped names, demo flag and attribution."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.choropleth import INDEX_COLORS, NO_DATA_COLOR, choropleth_map, classify
from layers.mapview import ATTRIBUTION


def test_classes_and_missing_values():
    values = pd.Series([0, 19.9, 20, 55, 80, 100, np.nan, None])
    assert classify(values).tolist() == [0, 0, 1, 2, 4, 4, -1, -1]


def _areas() -> gpd.GeoDataFrame:
    boxes = [shapely.box(70 + i, 30, 71 + i, 31) for i in range(3)]
    return gpd.GeoDataFrame({"underserved_index": [10.0, np.nan, 90.0],
                             "no_data_reason": ["", "no kilns detected", ""],
                             "name": ["Low", "<img src=x onerror=alert(1)>", "High"]},
                            geometry=boxes, crs="EPSG:4326")


def test_no_data_is_grey_and_dashed_never_a_palest_class_and_names_are_escaped():
    areas = _areas()
    labels = pd.DataFrame({"name": areas["name"], "underserved_index": ["10", "no data", "90"]})
    m = choropleth_map(areas, value="underserved_index", title="Underserved index", labels=labels,
                       fields=[("name", "Area"), ("underserved_index", "Index")], demo=["Schools"])
    html = m.get_root().render()
    assert NO_DATA_COLOR not in INDEX_COLORS
    assert f'"fillColor": "{NO_DATA_COLOR}"' in html and '"dashArray": "4 3"' in html
    assert f'"fillColor": "{INDEX_COLORS[0]}"' in html and f'"fillColor": "{INDEX_COLORS[-1]}"' in html
    assert "<img src=x" not in html and "lt;img src=x onerror=alert(1)" in html  # escaped (&amp; as \\u0026)
    assert "no data (not zero" in html and "DEMO DATA behind these figures: Schools" in html
    assert ATTRIBUTION.split(" · ")[0].split(";")[0] in html
