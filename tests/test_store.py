"""The store: provenance, replace keeps history, a failed import changes nothing, layers use imports.

Every test with ``store`` runs on SQLite and on PostGIS (``store_url`` in conftest.py).
"""

from pathlib import Path

import pytest
import sqlalchemy as sa

from layers.catalog import load_layers
from loaders.store import Store
from loaders.validate import check_file

CSV = ("School Name,lat,lon,Gender,Head teacher\n"
       "Govt Girls Primary School Kot Radha Kishan,31.1700,74.1000,girls,Ms A\n"
       "Kiln school 7,31.1167,74.4500,mixed,Mr B\n"
       "Bad,0,0,mixed,\n")




def _report(tmp_path: Path, ref, text: str = CSV, name: str = "schools.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path, check_file(path, "schools", ref=ref)


def test_import_keeps_records_extra_columns_and_provenance(tmp_path, ref, store):
    assert store.version() == (store.url, 0, 0, 0, 0, 0)
    path, report = _report(tmp_path, ref)
    result = store.add_import(report, source=path)
    assert result.stored == 2
    schools = store.layer("schools")
    assert schools["name"].tolist() == ["Govt Girls Primary School Kot Radha Kishan", "Kiln school 7"]
    assert schools["Head teacher"].tolist() == ["Ms A", "Mr B"]
    assert schools["district_pcode"].tolist() == ["PK614", "PK614"]
    assert schools.crs.to_epsg() == 4326
    history = store.imports("schools")
    row = history.iloc[0]
    assert (row["file_name"], row["rows"], row["accepted"], row["rejected"]) == ("schools.csv", 3, 2, 1)
    assert len(row["file_sha256"]) == 64 and row["active"]


def test_replace_takes_earlier_imports_off_the_map_but_keeps_them(tmp_path, ref, store):
    _, first = _report(tmp_path, ref)
    store.add_import(first)
    _, second = _report(tmp_path, ref, "name,lat,lon\nOnly one,31.5204,74.3587\n", "second.csv")
    store.add_import(second)
    assert len(store.layer("schools")) == 3  # appended
    _, third = _report(tmp_path, ref, "name,lat,lon\nReplacement,31.5204,74.3587\n", "third.csv")
    result = store.add_import(third, replace=True)
    assert result.deactivated_imports == 2
    assert store.layer("schools")["name"].tolist() == ["Replacement"]
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from records")).scalar() == 4  # nothing deleted
    assert store.imports("schools")["active"].tolist() == [True, False, False]
    assert store.version() == (store.url, 3, 3, 1, 0, 0)


def test_failed_import_leaves_the_store_exactly_as_it_was(tmp_path, ref, store):
    _, first = _report(tmp_path, ref)
    store.add_import(first)
    before = (store.imports().drop(columns="report").to_dict("records"), store.layer("schools").to_json())

    def fail_on_records(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO RECORDS"):
            raise RuntimeError("disk full (simulated)")

    sa.event.listen(store.engine, "before_cursor_execute", fail_on_records)
    _, second = _report(tmp_path, ref, "name,lat,lon\nNew,31.5204,74.3587\n", "second.csv")
    with pytest.raises(Exception, match="disk full"):
        store.add_import(second, replace=True)
    sa.event.remove(store.engine, "before_cursor_execute", fail_on_records)
    after = (store.imports().drop(columns="report").to_dict("records"), store.layer("schools").to_json())
    assert after == before


def test_imports_replace_demo_data_on_the_map_and_kilns_are_added(tmp_path, ref, store):
    layers = load_layers(store, ref=ref)
    assert layers["schools"].origin == "demo" and layers["schools"].synthetic
    _, report = _report(tmp_path, ref)
    store.add_import(report)
    kilns_csv = tmp_path / "kilns.csv"
    kilns_csv.write_text("kiln_id,lat,lon,owner_name\nMY-1,31.2,74.2,X\n", encoding="utf-8")
    store.add_import(check_file(kilns_csv, "kilns", ref=ref))
    layers = load_layers(store, ref=ref)
    assert layers["schools"].origin == "imported" and len(layers["schools"]) == 2
    assert not layers["schools"].synthetic
    assert layers["kilns"].origin == "real + imported" and len(layers["kilns"]) == 9891
    assert layers["health"].origin == "demo"


def test_sqlite_runs_in_wal_mode_and_waits_for_another_writer(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


def test_shared_columns_keep_every_change_and_refuse_personal_fields(store):
    assert store.shared_columns() == {}
    assert store.set_shared_columns("schools", ["Girls enrolled"], by="programme manager") == [("Girls enrolled", True)]
    before = store.version()
    assert store.set_shared_columns("schools", ["Girls enrolled", "Shift"], by="pm") == [("Shift", True)]
    assert store.version() != before  # the app's cached redacted layers key on this
    assert store.set_shared_columns("schools", ["Shift"], by="pm") == [("Girls enrolled", False)]
    assert store.shared_columns() == {"schools": frozenset({"Shift"})}
    with store.engine.connect() as conn:  # every change kept, with who
        rows = conn.execute(sa.text("select column_name, shared, changed_by from shared_columns order by id")).all()
    assert [tuple(r) for r in rows] == [("Girls enrolled", 1, "programme manager"), ("Shift", 1, "pm"),
                                        ("Girls enrolled", 0, "pm")]
    with pytest.raises(ValueError, match="focal_phone: personal field"):
        store.set_shared_columns("dvcs", ["focal_phone"], by="pm")
    with pytest.raises(ValueError, match="who"):
        store.set_shared_columns("ngo", ["x"], by="  ")
    assert store.shared_columns() == {"schools": frozenset({"Shift"})}
