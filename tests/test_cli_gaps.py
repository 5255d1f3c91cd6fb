"""`bhatta gaps` and `bhatta priorities`: JSON shape and nulls, the district filter, ranking, wording, exit codes."""

import contextlib
import io
import json
import math
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bhatta.cli import PRIORITY_RULE, UNDERCOUNT_NOTE, main
from layers.areas import SENSITIVE_COUNTS
from layers.gaps import DEFAULT_WEIGHTS, PRIORITY_COMPONENTS
from loaders.geo import reference

AS_OF = "2026-11-01"
KASUR = "PK614"
SCHOOLS_IN_LAHORE = "name,lat,lon\nA,31.5204,74.3587\nB,31.55,74.33\n"


def _store_env(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setenv("BHATTA_VAR_DIR", str(folder))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{folder / 'cli.sqlite'}")


@pytest.fixture(autouse=True)
def isolated_store(tmp_path, monkeypatch):
    _store_env(monkeypatch, tmp_path)


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _json(argv: list[str]) -> dict:
    code, out, _ = _run([*argv, "--json"])
    assert code == 0
    assert "NaN" not in out and "Infinity" not in out  # not JSON: missing figures must be null
    return json.loads(out)


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    """The full answers, computed once on an empty store (demo layers): district, tehsil, priorities."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _store_env(monkeypatch, tmp_path_factory.mktemp("store"))
        return {
            "district": _json(["gaps", "--level", "district", "--as-of", AS_OF]),
            "tehsil": _json(["gaps", "--level", "tehsil", "--as-of", AS_OF]),
            "priorities": _json(["priorities", "--district", KASUR, "--limit", "25", "--as-of", AS_OF]),
        }


def test_gaps_json_has_every_district_and_says_what_it_rests_on(answers):
    out = answers["district"]
    assert out["as_of"] == AS_OF and out["level"] == "district" and out["district"] is None
    assert len(out["areas"]) == len(reference().districts) == 65
    assert out["note"] == UNDERCOUNT_NOTE
    assert out["settings"]["weights"] == dict(DEFAULT_WEIGHTS) and out["settings"]["small_count"] == 5
    assert "Inspection visits" in out["demo_data"] and out["sources"]
    columns = {"rank", "pcode", "name", "province", "population", "kilns", "kilns_per_100k", "share_not_recent",
               "share_never", "share_visited_12m", "share_desert_school", "share_desert_girls_school",
               "share_desert_health", "share_desert_ngo", "dvc_status", "kilns_per_active_dvc", "underserved_index",
               "part_not_recent", "part_no_active_dvc", "part_kiln_density", "no_data_reason", *SENSITIVE_COUNTS[:3]}
    assert columns <= set(out["areas"][0])


def test_gaps_json_numbers_are_numbers_and_missing_is_null(answers):
    areas = answers["district"]["areas"]
    for area in areas:
        assert isinstance(area["kilns"], int) and isinstance(area["visits_12m"], int)
        assert area["population"] is None or isinstance(area["population"], int)
        for key, value in area.items():
            if key.startswith(("share_", "part_")) or key in ("underserved_index", "kilns_per_100k"):
                assert value is None or isinstance(value, float), (key, value)
    empty = [a for a in areas if a["kilns"] == 0]
    assert empty, "the shipped detections leave some districts (Karachi) without kilns"
    for area in empty:
        assert area["underserved_index"] is None and area["rank"] is None and area["share_not_recent"] is None
        assert area["no_data_reason"] == "no kilns detected"
    ranked = [a for a in areas if a["rank"] is not None]
    assert [a["rank"] for a in ranked] == list(range(1, len(ranked) + 1))
    indexes = [a["underserved_index"] for a in ranked]
    assert indexes == sorted(indexes, reverse=True) and all(0 <= i <= 100 for i in indexes)
    assert all(a["no_data_reason"] for a in areas if a["underserved_index"] is None)


def test_gaps_json_matches_the_gap_report(answers):
    from layers.catalog import load_layers
    from layers.gap_report import gap_report

    ref = reference()
    report = gap_report(load_layers(None, ref=ref), ref, as_of=date.fromisoformat(AS_OF))
    expected = report.districts.set_index("pcode")
    for area in answers["district"]["areas"]:
        row = expected.loc[area["pcode"]]
        assert area["kilns"] == row["kilns"]
        if area["underserved_index"] is None:
            assert math.isnan(row["underserved_index"])
        else:
            assert area["underserved_index"] == pytest.approx(row["underserved_index"])


def test_gaps_tehsil_level_has_every_tehsil_and_no_population(answers):
    out = answers["tehsil"]
    assert out["level"] == "tehsil" and len(out["areas"]) == len(reference().tehsils)
    assert all(a["population"] is None and "rank" not in a for a in out["areas"])
    assert all(a["pcode"].startswith(a["district_pcode"]) for a in out["areas"])


def test_gaps_district_filter_at_both_levels(answers):
    one = _json(["gaps", "--district", KASUR.lower(), "--as-of", AS_OF])
    assert one["district"] == {"pcode": KASUR, "name": "Kasur", "province": "Punjab"}
    assert [a["pcode"] for a in one["areas"]] == [KASUR]
    full = next(a for a in answers["district"]["areas"] if a["pcode"] == KASUR)
    assert one["areas"][0] == full  # the district keeps its rank among all districts
    tehsils = _json(["gaps", "--level", "tehsil", "--district", KASUR, "--as-of", AS_OF])["areas"]
    ref_tehsils = reference().tehsils
    assert sorted(a["pcode"] for a in tehsils) == sorted(ref_tehsils.loc[ref_tehsils["ADM2_PCODE"] == KASUR,
                                                                         "ADM3_PCODE"])


def test_gaps_text_demo_line_first_table_and_small_counts_hidden(answers):
    code, out, _ = _run(["gaps", "--as-of", AS_OF])
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("DEMO DATA: ") and "Inspection visits" in lines[0]
    assert lines[1].startswith("65 districts, as of 2026-11-01")
    assert lines[2].split()[:4] == ["rank", "P-code", "name", "province"] and set(lines[3]) == {"-", " "}
    rows = lines[4:4 + 65]
    assert [row.split()[1] for row in rows] == [a["pcode"] for a in answers["district"]["areas"]]
    assert lines[4 + 65] == "" and lines[-1] == f"Note: {UNDERCOUNT_NOTE}."
    assert "no kilns detected" in out
    small = [a for a in answers["district"]["areas"] if any(a[c] < 5 for c in SENSITIVE_COUNTS[:3])]
    if small:
        assert "< 5" in out
        first = small[0]
        row = next(line for line in lines[4:] if f" {first['pcode']} " in line)
        assert "< 5" in row


def test_priorities_ranked_with_components_that_add_up_and_reasons(answers):
    out = answers["priorities"]
    assert out["district"] == {"pcode": KASUR, "name": "Kasur", "province": "Punjab"}
    assert out["rule"] == PRIORITY_RULE and out["note"] == UNDERCOUNT_NOTE and out["demo_data"]
    assert [c["key"] for c in out["components"]] == [c.key for c in PRIORITY_COMPONENTS]
    kilns = out["kilns"]
    assert len(kilns) == min(25, out["kilns_in_district"]) and out["kilns_in_district"] > 25
    assert [k["rank"] for k in kilns] == list(range(1, len(kilns) + 1))
    assert all(k["district_pcode"] == KASUR for k in kilns)
    order = [(-k["priority"], k["kiln_id"]) for k in kilns]
    assert order == sorted(order)
    kinds = {c.key: c.kind for c in PRIORITY_COMPONENTS}
    for kiln in kilns:
        scores = {c.key: kiln[f"score_{c.key}"] for c in PRIORITY_COMPONENTS}
        assert sum(scores.values()) == pytest.approx(kiln["priority"], abs=0.1 * len(scores))
        given = {key: points for key, points in scores.items() if points > 0}
        assert [r["component"] for r in kiln["reasons"]] == list(given)
        for reason in kiln["reasons"]:
            assert reason["points"] == given[reason["component"]] and reason["kind"] == kinds[reason["component"]]
            assert reason["text"].endswith(")") and reason["text"]
            if "child labour" in reason["text"] or "bonded" in reason["text"]:
                assert reason["kind"] == "evidence" and reason["text"].startswith("Recorded at a visit on ")
        assert kiln["visit_status"] in ("never", "overdue", "due_soon", "recent")
        assert (kiln["last_visit_date"] is None) == (kiln["visit_status"] == "never")
        assert {"dist_school_m", "desert_school", "dist_ngo_m", "desert_ngo", "lat", "lon"} <= set(kiln)


def test_priorities_text_header_then_kilns_with_indented_reasons():
    code, out, _ = _run(["priorities", "--district", KASUR, "--limit", "3", "--as-of", AS_OF])
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("DEMO DATA: ")
    assert lines[1].startswith("Kasur (PK614, Punjab), as of 2026-11-01: 3 of ")
    assert lines[2] == PRIORITY_RULE + "."
    kiln_lines = [line for line in lines if line[:5].strip().rstrip(".").isdigit()]
    assert [line.split(".")[0].strip() for line in kiln_lines] == ["1", "2", "3"]
    assert all(" priority " in line for line in kiln_lines)
    assert any(line.startswith("        ") and line.endswith(")") for line in lines)


def test_priorities_default_as_of_is_today_and_limit_0_is_all():
    out = _json(["priorities", "--district", "PK701", "--limit", "0"])  # Badin: a handful of kilns
    assert out["as_of"] == date.today().isoformat()
    assert len(out["kilns"]) == out["kilns_in_district"] and out["limit"] is None


def test_priorities_of_a_district_without_detections_says_so(answers):
    empty = next(a["pcode"] for a in answers["district"]["areas"] if a["kilns"] == 0)
    assert _json(["priorities", "--district", empty, "--as-of", AS_OF])["kilns"] == []
    code, out, _ = _run(["priorities", "--district", empty, "--as-of", AS_OF])
    assert code == 0 and "no kilns detected" in out and "is not zero kilns" in out


def test_imported_layer_replaces_the_demo_one_and_leaves_other_districts_without_data(tmp_path):
    schools = tmp_path / "schools.csv"
    schools.write_text(SCHOOLS_IN_LAHORE, encoding="utf-8")
    assert _run(["import", str(schools), "--layer", "schools"])[0] == 0
    out = _json(["gaps", "--as-of", AS_OF])
    assert "Schools" not in out["demo_data"] and "Inspection visits" in out["demo_data"]
    with_kilns = {a["pcode"]: a for a in out["areas"] if a["kilns"] > 0}
    assert with_kilns["PK617"]["share_desert_school"] is not None  # Lahore, where the imported schools are
    sindh = [a for code, a in with_kilns.items() if code.startswith("PK7")]
    assert sindh, "Sindh has detected kilns"
    for area in sindh:  # the import says nothing about Sindh: no data there, not a desert
        assert area["share_desert_school"] is None and area["underserved_index"] is None
        assert "no school data" in area["no_data_reason"]


@pytest.mark.parametrize("argv, words", [
    (["gaps", "--district", "PK999"], ["unknown district 'PK999'", "PK614"]),
    (["gaps", "--level", "tehsil", "--district", "PK61401"], ["PK61401 is a tehsil of PK614"]),
    (["priorities", "--district", "Kasur"], ["PK614 is Kasur"]),
    (["gaps", "--as-of", "2026-02-30"], ["YYYY-MM-DD", "2026-02-30"]),
    (["priorities", "--district", KASUR, "--as-of", "1/11/2026"], ["YYYY-MM-DD"]),
    (["priorities", "--district", KASUR, "--limit", "-1"], ["--limit"]),
])
def test_refused_requests_exit_2_with_one_line(argv, words):
    code, out, err = _run(argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("bhatta: ") and "Traceback" not in err
    assert all(w in err for w in words)
    code, out, _ = _run([*argv, "--json"])
    assert code == 2 and set(json.loads(out)) == {"error"}


def test_priorities_needs_a_district():
    with pytest.raises(SystemExit) as exit_info, contextlib.redirect_stderr(io.StringIO()):
        main(["priorities"])
    assert exit_info.value.code == 2


@pytest.mark.parametrize("command", [[sys.executable, "-m", "bhatta.cli"],
                                     [str(Path(sys.executable).parent / "bhatta")]])
def test_unknown_district_from_the_shell_has_no_traceback(command):
    proc = subprocess.run([*command, "gaps", "--district", "PK999"], capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "PK614" in proc.stderr and "Traceback" not in proc.stderr
