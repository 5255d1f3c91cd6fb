"""The command line under sign-in: --user runs a command as that account, scope and profile as in the app;
`bhatta users` and `bhatta audit`. A dvc user for Kasur gets no Lahore record from any command."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from bhatta.cli import main
from loaders.accounts import add_user, audit_trail, list_users
from loaders.store import Store

PASSWORD = "kiln-visits-2026"
AS_OF = "2026-11-01"
KASUR, LAHORE = "PK614", "PK617"


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("BHATTA_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BHATTA_PASSWORD", PASSWORD)
    monkeypatch.delenv("BHATTA_USER", raising=False)
    return Store(url)


@pytest.fixture
def accounts(store):
    add_user(store, "admin", role="admin", password=PASSWORD, by="test")
    add_user(store, "kasur.dvc", role="dvc", password=PASSWORD, districts=[KASUR], by="test")
    add_user(store, "guest", role="viewer", password=PASSWORD, by="test")
    return store


def _run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            contextlib.ExitStack() as stack:
        import sys

        stack.enter_context(_stdin(sys, stdin))
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def _stdin(sys, text: str):
    old = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = old


def test_the_first_account_is_an_admin_and_later_ones_need_one(store):
    code, _, err = _run(["users", "add", "ali", "--role", "manager", "--password-stdin"], PASSWORD + "\n")
    assert code == 2 and "the first account must be an admin" in err
    code, out, _ = _run(["users", "add", "root", "--role", "admin", "--password-stdin"], PASSWORD + "\n")
    assert code == 0 and "added root" in out
    code, _, err = _run(["users", "add", "ali", "--role", "manager", "--password-stdin"], PASSWORD + "\n")
    assert code == 2 and "--user NAME" in err  # sign-in is configured now
    code, out, _ = _run(["--user", "root", "users", "add", "kasur.dvc", "--role", "dvc", "--district", KASUR,
                         "--password-stdin"], PASSWORD + "\n")
    assert code == 0 and "districts PK614" in out
    code, _, err = _run(["--user", "kasur.dvc", "users", "list"])
    assert code == 2 and "may not manage users" in err and "Traceback" not in err
    assert {a.username for a in list_users(store)} == {"root", "kasur.dvc"}
    code, out, _ = _run(["--user", "root", "audit", "--action", "user_added"])
    assert code == 0 and out.count("user_added") == 2


def test_a_kasur_dvc_user_gets_no_lahore_record_from_any_command(accounts, tmp_path):
    as_dvc = ["--user", "kasur.dvc"]
    for argv in (["priorities", "--district", LAHORE, "--as-of", AS_OF],
                 ["route", "--district", LAHORE, "--as-of", AS_OF],
                 ["gaps", "--district", LAHORE, "--as-of", AS_OF],
                 ["snapshot", "--district", LAHORE, "--out", str(tmp_path / "l.png")],
                 ["snapshot", "--province", "PK6", "--out", str(tmp_path / "p.png")],
                 ["brief", "--district", LAHORE, "--out", str(tmp_path / "l.pdf")]):
        code, out, err = _run(as_dvc + argv)
        assert code == 2 and "may see Kasur only" in err, (argv, err)
        assert out == "" and not any(tmp_path.glob("*.p*")), argv
    code, out, _ = _run(as_dvc + ["gaps", "--as-of", AS_OF, "--json"])  # the whole area: their district only
    assert code == 0 and {a["district_pcode"] for a in json.loads(out)["areas"]} == {KASUR}
    code, out, _ = _run(as_dvc + ["priorities", "--district", KASUR, "--as-of", AS_OF, "--json", "--limit", "0"])
    assert code == 0 and {k["district_pcode"] for k in json.loads(out)["kilns"]} == {KASUR}
    code, _, err = _run(as_dvc + ["import", "x.csv", "--layer", "schools"])
    assert code == 2


def test_a_viewer_gets_the_public_profile_only_and_exports_are_audited(accounts, tmp_path):
    out_file = tmp_path / "kasur.png"
    code, _, err = _run(["--user", "guest", "snapshot", "--district", KASUR, "--profile", "official",
                         "--out", str(out_file)])
    assert code == 2 and "may use the public profile only" in err and not out_file.exists()
    code, _, _ = _run(["--user", "guest", "snapshot", "--district", KASUR, "--profile", "public", "--out", str(out_file)])
    assert code == 0 and out_file.exists()
    exports = audit_trail(accounts, action="export")
    assert exports["actor"].tolist() == ["guest"] and "profile public" in exports["summary"].iat[0]
    code, out, err = _run(["--user", "guest", "gaps", "--json"])  # per-area exact counts are internal
    assert code == 2 and "may not read records" in err and '"areas"' not in out


def test_a_wrong_password_is_refused_and_audited(accounts, monkeypatch):
    monkeypatch.setenv("BHATTA_PASSWORD", "wrong password!")
    code, out, err = _run(["--user", "admin", "audit"])
    assert code == 2 and "wrong username or password" in err and out == ""
    assert audit_trail(accounts, action="sign_in_failed")["actor"].tolist() == ["admin"]
    monkeypatch.delenv("BHATTA_PASSWORD")
    code, _, err = _run(["--user", "admin", "audit"])  # no terminal to type it in: said, not hung
    assert code == 2 and "BHATTA_PASSWORD" in err
