"""Visits recorded in the app: checked like a file row, stored with who and when, edits keep every version,
and the priorities change at once."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from layers.catalog import load_layers
from layers.gaps import kiln_gaps
from loaders.store import VisitConflict
from loaders.visits import check_visit

AS_OF = date(2026, 11, 20)




@pytest.fixture(scope="module")
def never_visited(ref):
    """A kiln the demo data never visited, with its priority before any visit."""
    layers = load_layers(None, ref=ref)
    gaps = kiln_gaps(layers, as_of=AS_OF)
    row = gaps[gaps["visit_status"].eq("never")].sort_values("priority", ascending=False).iloc[0]
    return row


def _visit(ref, kiln_id, **values):
    return check_visit({"kiln_id": kiln_id, "visit_date": AS_OF, **values}, ref=ref, today=AS_OF)


def test_form_problems_name_the_field_and_value(ref, never_visited):
    report = check_visit({"kiln_id": never_visited["kiln_id"], "visit_date": "2026-13-01", "children_count": "-2",
                          "child_labour_observed": "perhaps"}, ref=ref, today=AS_OF)
    assert len(report.accepted) == 0
    found = {(p.column, str(p.value)) for p in report.rejected}
    assert ("visit_date", "2026-13-01") in found
    assert ("children_count", "-2") in found
    assert ("child_labour_observed", "perhaps") in found
    assert all(p.row == 1 for p in report.rejected)
    unknown = check_visit({"kiln_id": "BKP-NOPE", "visit_date": AS_OF}, ref=ref, today=AS_OF)
    assert [p.column for p in unknown.rejected] == ["kiln_id"]
    with pytest.raises(ValueError, match="not fields of a visit: cnic"):
        check_visit({"kiln_id": "x", "cnic": "12345"}, ref=ref)


def test_a_recorded_visit_updates_status_and_priority_at_once(ref, store, never_visited):
    kiln = never_visited["kiln_id"]
    before = store.version()
    saved = store.record_visit(_visit(ref, kiln, children_count=4, child_labour_observed="yes",
                                      action_taken="advice"), by="Labour inspector, Kasur")
    assert saved.version == 1 and saved.visit_id.startswith("APP-")
    assert store.version() != before  # the app's caches key on this
    layers = load_layers(store, ref=ref)
    visits = layers["inspections"]
    assert "recorded in the app" in visits.origin
    mine = visits.frame[visits.frame["visit_id"] == saved.visit_id]
    assert len(mine) == 1 and mine["district_pcode"].iat[0] == never_visited["district_pcode"]
    assert not mine["synthetic"].iat[0] and mine["recorded_by"].iat[0] == "Labour inspector, Kasur"
    # the demo visits are still there beside it
    assert visits.frame["synthetic"].sum() == len(load_layers(None, ref=ref)["inspections"].frame)
    after = kiln_gaps(layers, as_of=AS_OF).set_index("kiln_id").loc[kiln]
    assert after["visit_status"] == "recent"
    assert after["last_visit_date"] == pd.Timestamp(AS_OF)
    assert after["finding_recorded"]  # children observed working is evidence, recorded at this visit


def test_editing_keeps_every_earlier_version(ref, store, never_visited):
    kiln = never_visited["kiln_id"]
    first = store.record_visit(_visit(ref, kiln, children_count=0), by="DVC member")
    second = store.record_visit(_visit(ref, kiln, children_count=6, notes="Six children at the moulding site"),
                                by="Labour inspector", edit_of=first.visit_id, expected_version=1,
                                note="children counted again")
    assert (second.visit_id, second.version) == (first.visit_id, 2)
    history = store.visit_history(first.visit_id)
    assert history["version"].tolist() == [1, 2]
    assert history["children_count"].tolist() == [0, 6]
    assert history["recorded_by"].tolist() == ["DVC member", "Labour inspector"]
    assert history["change_note"].tolist() == ["", "children counted again"]
    frame = load_layers(store, ref=ref)["inspections"].frame
    shown = frame[frame["visit_id"] == first.visit_id]
    assert shown["children_count"].tolist() == [6]  # only the newest version counts


def test_a_stale_edit_is_refused_and_stores_nothing(ref, store, never_visited):
    kiln = never_visited["kiln_id"]
    first = store.record_visit(_visit(ref, kiln), by="A")
    store.record_visit(_visit(ref, kiln, children_count=1), by="B", edit_of=first.visit_id, expected_version=1)
    with pytest.raises(VisitConflict, match="changed meanwhile"):
        store.record_visit(_visit(ref, kiln, children_count=2), by="C", edit_of=first.visit_id, expected_version=1)
    assert store.visit_history(first.visit_id)["recorded_by"].tolist() == ["A", "B"]
    with pytest.raises(VisitConflict, match="already recorded"):
        store.record_visit(_visit(ref, kiln, visit_id=first.visit_id), by="D")


def test_editing_a_demo_visit_replaces_it_on_the_map_and_stays_demo(ref, store):
    demo = load_layers(None, ref=ref)["inspections"].frame
    original = demo.iloc[0]
    report = _visit(ref, original["kiln_id"], visit_id=original["visit_id"], children_count=9)
    saved = store.record_visit(report, by="Programme manager", edit_of=original["visit_id"], expected_version=0,
                               synthetic=True, note="corrected count")
    assert saved.version == 2  # version 1 is the demo record itself, left as it is
    frame = load_layers(store, ref=ref)["inspections"].frame
    rows = frame[frame["visit_id"] == original["visit_id"]]
    assert len(rows) == 1 and rows["children_count"].iat[0] == 9 and bool(rows["synthetic"].iat[0])
    assert len(frame) == len(demo)


def test_a_visit_needs_who_and_a_clean_row(ref, store, never_visited):
    with pytest.raises(ValueError, match="who records"):
        store.record_visit(_visit(ref, never_visited["kiln_id"]), by="  ")
    with pytest.raises(ValueError, match="below the minimum"):
        store.record_visit(_visit(ref, never_visited["kiln_id"], advance_amount_pkr=-5), by="A")
    assert store.recorded_visits() is None


@pytest.mark.parametrize(("text", "what"), [
    ("Worker CNIC 35202-1234567-1 holds the advance", "a CNIC number"),
    ("cnic 3520212345671", "a CNIC number"),
    ("call 0300-1234567 about the children", "a phone number"),
    ("owner +92 321 1234567", "a phone number"),
])
def test_the_form_refuses_cnic_and_phone_numbers(ref, never_visited, text, what):
    report = _visit(ref, never_visited["kiln_id"], notes=text)
    assert len(report.accepted) == 0
    [problem] = report.rejected
    assert problem.column == "notes" and what in problem.reason and text not in str(problem.value)


def test_ordinary_numbers_in_notes_are_fine(ref, never_visited):
    report = _visit(ref, never_visited["kiln_id"], notes="12 children, advance 150000 PKR, kiln no. 4471, 2026-11-20")
    assert len(report.accepted) == 1 and not report.rejected


def test_numbers_left_empty_are_not_recorded(ref, never_visited):
    report = _visit(ref, never_visited["kiln_id"], children_count=float("nan"), advance_amount_pkr=None, notes="  ")
    row = report.accepted.iloc[0]
    assert not report.rejected and pd.isna(row["children_count"]) and pd.isna(row["advance_amount_pkr"])
    assert pd.isna(row["notes"])
