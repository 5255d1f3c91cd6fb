"""Roles and district scope: what each role may see and do, applied to the layers and the gap report."""

from __future__ import annotations

from datetime import date

import pytest

from layers.access import LOCAL_ADMIN, Access, Forbidden, scope_gaps, scope_layers
from layers.gap_report import gap_report

KASUR, LAHORE = "PK614", "PK617"




def test_profiles_are_narrowed_to_the_role():
    viewer = Access("v", "viewer")
    assert viewer.profile("internal") == "public" and viewer.profiles() == ("public",)
    assert Access("m", "manager").profile("official") == "official"
    assert Access("m", "manager").profile("everything") == "public"  # unknown: the most restricted
    assert LOCAL_ADMIN.profile("internal") == "internal"


def test_actions_by_role():
    dvc = Access("d", "dvc", frozenset({KASUR}))
    assert dvc.may("record_visits") and dvc.may("plan_routes") and not dvc.may("import_data")
    with pytest.raises(Forbidden, match="may not read audit: only admin"):
        dvc.require("read_audit")
    assert not Access("v", "viewer").may("plan_routes")
    with pytest.raises(ValueError, match="needs at least one district"):
        Access("d", "dvc")
    assert Access("m", "manager", frozenset({KASUR})).districts is None  # only dvc users are scoped


def test_a_kasur_dvc_user_gets_no_lahore_record(ref, layers):
    dvc = Access("kasur.dvc", "dvc", frozenset({KASUR}))
    scoped = scope_layers(layers, dvc)
    for name, data in scoped.items():
        assert set(data.frame["district_pcode"].dropna()) <= {KASUR}, name
    assert len(scoped["inspections"].frame) > 10 and len(scoped["kilns"].frame) == \
        (layers["kilns"].frame["district_pcode"] == KASUR).sum()
    report = scope_gaps(gap_report(layers, ref, as_of=date(2026, 11, 1)), dvc)
    for table in (report.kilns, report.districts, report.tehsils, report.dvc):
        assert set(table["district_pcode"]) == {KASUR}
    with pytest.raises(Forbidden, match="not Lahore"):
        dvc.require_district(LAHORE, names={LAHORE: "Lahore", KASUR: "Kasur"})
    assert not dvc.sees(None)  # the whole area is not theirs either
    assert scope_layers(layers, LOCAL_ADMIN)["inspections"].frame is layers["inspections"].frame
