"""`bhatta check|import|demo`: exit codes, JSON report, accepted GeoJSON, column mapping, the store."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bhatta.cli import main

GOOD = "name,lat,lon,Extra note\nA,31.5204,74.3587,keep me\nB,31.1167,74.45,\n"
MIXED = GOOD + "C,0,0,\nD,99,999,\n"


@pytest.fixture(autouse=True)
def isolated_store(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")


def _file(tmp_path: Path, text: str, name: str = "s.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _json(capsys):
    return json.loads(capsys.readouterr().out)


def test_check_all_accepted_exit_0(tmp_path, capsys):
    assert main(["check", str(_file(tmp_path, GOOD)), "--layer", "schools", "--json"]) == 0
    out = _json(capsys)
    assert (out["rows"], out["accepted"], out["rejected"]) == (2, 2, [])


def test_check_some_rejected_exit_1_and_counts_add_up(tmp_path, capsys):
    assert main(["check", str(_file(tmp_path, MIXED)), "--layer", "schools", "--json"]) == 1
    out = _json(capsys)
    assert out["file"] == "s.csv" and out["layer"] == "schools"
    assert out["accepted"] + len({r["row"] for r in out["rejected"]}) == out["rows"] == 4
    assert {r["row"] for r in out["rejected"]} == {4, 5}
    assert set(out["rejected"][0]) == {"row", "column", "value", "reason"}


def test_check_writes_accepted_geojson_with_all_columns(tmp_path, capsys):
    out = tmp_path / "ok.geojson"
    main(["check", str(_file(tmp_path, MIXED)), "--layer", "schools", "--accepted", str(out)])
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["name"] for f in features] == ["A", "B"]
    assert features[0]["properties"]["Extra note"] == "keep me"
    assert features[0]["geometry"]["coordinates"] == pytest.approx([74.3587, 31.5204])


def test_missing_column_exit_2_names_file_and_columns_then_column_option_fixes_it(tmp_path, capsys):
    path = _file(tmp_path, "Institution,lat,lon\nA,31.5204,74.3587\n")
    assert main(["check", str(path), "--layer", "schools", "--json"]) == 2
    captured = capsys.readouterr()
    assert "error" in json.loads(captured.out.splitlines()[0])
    assert "s.csv" in captured.err and "Institution" in captured.err and "Traceback" not in captured.err
    assert main(["check", str(path), "--layer", "schools", "--column", "name=Institution"]) == 0


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 broken zip"])
def test_unreadable_file_exit_2_one_line(tmp_path, capsys, content):
    path = tmp_path / ("bad.zip" if content else "empty.csv")
    path.write_bytes(content)
    assert main(["check", str(path), "--layer", "schools"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and path.name in err and "Traceback" not in err


def test_missing_file_and_bad_column_option(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.csv"), "--layer", "schools"]) == 2
    assert main(["check", str(_file(tmp_path, GOOD)), "--layer", "schools", "--column", "oops"]) == 2
    assert "FIELD=HEADER" in capsys.readouterr().err


def test_import_stores_and_replace_keeps_history(tmp_path, capsys):
    from loaders.store import Store

    assert main(["import", str(_file(tmp_path, MIXED)), "--layer", "schools"]) == 1
    assert "stored 2 records" in capsys.readouterr().out
    assert main(["import", str(_file(tmp_path, GOOD, "b.csv")), "--layer", "schools", "--replace", "--json"]) == 0
    assert "1 earlier import(s) of schools replaced" in _json(capsys)["stored"]
    store = Store()
    assert len(store.layer("schools")) == 2 and len(store.imports("schools")) == 2


def test_console_script_runs_without_traceback(tmp_path):
    bhatta = Path(sys.executable).parent / "bhatta"
    proc = subprocess.run([str(bhatta), "check", str(tmp_path / "missing.csv"), "--layer", "schools"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "no such file" in proc.stderr and "Traceback" not in proc.stderr


def test_importing_the_same_file_twice_is_refused_unless_replacing(tmp_path, capsys):
    from loaders.store import Store

    path = _file(tmp_path, GOOD)
    assert main(["import", str(path), "--layer", "schools"]) == 0
    assert main(["import", str(path), "--layer", "schools"]) == 2
    assert "already stored as import #1" in capsys.readouterr().err
    assert len(Store().layer("schools")) == 2
    assert main(["import", str(path), "--layer", "schools", "--replace"]) == 0
    assert len(Store().layer("schools")) == 2
