"""Local accounts (argon2 hashes) and the append-only audit trail."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from loaders.accounts import (
    AccountError,
    account_for_email,
    add_user,
    audit,
    audit_trail,
    has_accounts,
    list_users,
    remove_user,
    verify_password,
)
from loaders.store import Store

PASSWORD = "kiln-visits-2026"


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'store.sqlite'}")


def test_passwords_are_argon2_hashes_and_only_the_right_one_signs_in(store):
    assert not has_accounts(store)
    add_user(store, "Kasur.DVC", role="dvc", password=PASSWORD, districts=["pk614"], by="admin")
    assert has_accounts(store)
    with store.engine.connect() as conn:
        stored = conn.execute(sa.text("select password_hash from users")).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    account = verify_password(store, "kasur.dvc", PASSWORD)
    assert account and account.role == "dvc" and account.districts == frozenset({"PK614"})
    assert verify_password(store, "kasur.dvc", PASSWORD + "x") is None
    assert verify_password(store, "nobody", PASSWORD) is None


def test_bad_accounts_are_refused_with_the_reason(store):
    cases = [
        (dict(username="x", role="viewer", password=PASSWORD), "username"),
        (dict(username="ali", role="boss", password=PASSWORD), "role 'boss'"),
        (dict(username="ali", role="dvc", password=PASSWORD), "needs --district"),
        (dict(username="ali", role="manager", password=PASSWORD, districts=["PK614"]), "only dvc users"),
        (dict(username="ali", role="viewer", password="short"), "at least 10"),
        (dict(username="ali", role="viewer"), "password"),
        (dict(username="ali", role="dvc", password=PASSWORD, districts=["PK999"], known_districts={"PK614"}),
         "PK999"),
    ]
    for kwargs, reason in cases:
        with pytest.raises(AccountError, match=reason):
            add_user(store, by="admin", **kwargs)
    assert list_users(store) == []


def test_removed_users_cannot_sign_in_but_stay_named_in_the_trail(store):
    add_user(store, "ali", role="manager", password=PASSWORD, by="admin")
    with pytest.raises(AccountError, match="exists"):
        add_user(store, "ali", role="viewer", password=PASSWORD, by="admin")
    remove_user(store, "ali", by="admin")
    assert verify_password(store, "ali", PASSWORD) is None and not has_accounts(store)
    with pytest.raises(AccountError, match="no active user"):
        remove_user(store, "ali", by="admin")
    add_user(store, "ali", role="viewer", email="Ali@Example.org", by="admin")  # back, as a provider user
    assert account_for_email(store, "ali@example.org").role == "viewer"
    actions = audit_trail(store, actor="admin")["action"].tolist()
    assert actions == ["user_changed", "user_removed", "user_added"]


def test_the_audit_log_is_append_only_in_the_database(store):
    audit(store, actor="ali", action="export", object="PK614", summary="snapshot png, profile official")
    audit(store, actor="sana", action="sign_in")
    with store.engine.begin() as conn:
        for statement in ("update audit_log set actor = 'x'", "delete from audit_log"):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                conn.execute(sa.text(statement))
    trail = audit_trail(store)
    assert trail["actor"].tolist() == ["sana", "ali"]
    assert audit_trail(store, contains="official")["action"].tolist() == ["export"]
    with pytest.raises(ValueError, match="unknown audit action"):
        audit(store, actor="ali", action="deleted_everything")
