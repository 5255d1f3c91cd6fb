"""Sign-in and district scope in the app: who may see what is decided on the server, whatever the URL asks.

The issue's test: a dvc user for Kasur cannot obtain Lahore records through any page, download, snapshot or
URL parameter (the command line is tested in test_cli_access.py).
"""

from __future__ import annotations

import pytest
from mapdata import per_point
from test_app import clouds, db, rerun, run_app, url  # noqa: F401 - db is a fixture

from dashboard.auth import NO_SIGN_IN
from loaders.accounts import add_user, audit_trail
from loaders.store import Store

PASSWORD = "kiln-visits-2026"
KASUR, LAHORE = "PK614", "PK617"


@pytest.fixture
def accounts(db):
    store = Store(db)
    add_user(store, "admin", role="admin", password=PASSWORD, by="test")
    add_user(store, "kasur.dvc", role="dvc", password=PASSWORD, districts=[KASUR], by="test")
    add_user(store, "guest", role="viewer", password=PASSWORD, by="test")
    return store


def signed_in(user: str, page: str | None = None, password: str = PASSWORD, **params: str):
    at = run_app(page, **params)
    assert at.text_input(key="login_user")  # the sign-in form, and nothing else
    assert not at.metric and not at.get("iframe")
    at.text_input(key="login_user").input(user)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click()
    return rerun(at)


def test_without_accounts_the_app_says_it_is_for_this_computer_only(db):
    at = run_app("map")
    assert any(c.value == NO_SIGN_IN for c in at.caption)
    assert at.sidebar.selectbox(key="w_district").value == "__all__"


def test_a_wrong_password_shows_nothing_and_is_audited(accounts):
    at = signed_in("kasur.dvc", "map", password="not the password")
    assert any("Wrong username or password" in e.value for e in at.error)
    assert not at.metric and not at.sidebar.selectbox
    assert audit_trail(accounts, action="sign_in_failed")["actor"].tolist() == ["kasur.dvc"]


def test_a_kasur_dvc_user_gets_no_lahore_record_through_pages_or_links(accounts):
    at = signed_in("kasur.dvc", "map", district=LAHORE, profile="internal")
    assert any("sees Kasur only: Lahore was not opened" in w.value for w in at.warning)
    assert url(at)["district"] == KASUR
    assert at.sidebar.selectbox(key="w_district").options == ["Kasur (PK614)"]  # no other district to choose
    for name, cloud in clouds(at).items():  # the map document holds Kasur's records only
        places = per_point(cloud, "Place")
        assert places and all(p.endswith("Kasur") for p in places), (name, {p for p in places if "Kasur" not in p})
    assert audit_trail(accounts, action="sign_in")["actor"].tolist() == ["kasur.dvc"]

    at.switch_page("views/gaps.py")
    rerun(at)
    for frame in at.dataframe:  # every table of the Gaps page
        value = frame.value
        for column in ("district_pcode", "district"):
            if column in value:
                assert set(value[column].astype(str)) <= {KASUR, "Kasur"}, column

    at.switch_page("views/visits.py")
    rerun(at)
    kilns = at.selectbox(key="visit_kiln_pick").options
    assert kilns and all(k for k in kilns)
    lahore_kilns = set(resources_kilns(LAHORE))
    assert not lahore_kilns & {k.split(" · ")[0] for k in kilns}

    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not in a dvc user's pages
        at.switch_page("views/audit.py")


def resources_kilns(district: str) -> list[str]:
    from dashboard import resources

    kilns = resources.get_reference().kilns
    return kilns.loc[kilns["district_pcode"] == district, "kiln_id"].tolist()


def test_a_viewer_is_held_to_the_public_profile_whatever_the_link_says(accounts):
    at = signed_in("guest", "map", district=KASUR, profile="internal")
    assert any("may use the public profile only" in w.value for w in at.warning)
    assert url(at)["profile"] == "public"
    assert len(clouds(at).get("inspections", {"lat": []})["lat"]) == 0
    for page in ("visits", "routes"):
        at.switch_page(f"views/{page}.py")
        rerun(at)
        assert any("internal profile only" in i.value for i in at.info)


def test_the_admin_sees_users_and_the_audit_trail(accounts):
    at = signed_in("admin", "map")
    at.switch_page("views/audit.py")
    rerun(at)
    users, trail = at.dataframe[0].value, at.dataframe[1].value
    assert set(users["user"]) == {"admin", "kasur.dvc", "guest"}
    assert {"user_added", "sign_in"} <= set(trail["action"])
