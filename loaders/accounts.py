"""Local accounts (argon2 password hashes) and the append-only audit trail, in the store's database.

Accounts are for deployments without an OpenID Connect provider: ``bhatta users add|remove|list`` manages
them. With an identity provider (``st.login``), a user's role and districts still come from this table,
matched by e-mail. A removed account is deactivated, not deleted, so the audit trail keeps its name.

The audit trail records who did what and when: visits added and edited, data imported or replaced, exports
with their profile, users changed, sign-ins (failed ones too). Only :func:`audit` writes it, by INSERT;
database triggers refuse UPDATE and DELETE on both backends, so no code path can rewrite history.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from loaders.store import Store, metadata

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("email", sa.String(254)),
    sa.Column("password_hash", sa.Text),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("districts", sa.Text, nullable=False, default=""),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("changed_at", sa.String(32), nullable=False),
    sa.Column("changed_by", sa.Text, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False, index=True),
    sa.Column("actor", sa.Text, nullable=False, index=True),
    sa.Column("action", sa.String(32), nullable=False, index=True),
    sa.Column("object", sa.Text, nullable=False, default=""),
    sa.Column("summary", sa.Text, nullable=False, default=""),
)
"""One row per event. Append-only: see :func:`_ensure_tables`."""

ROLES = ("admin", "manager", "dvc", "viewer")
"""What each may do is in layers.access."""
AUDIT_ACTIONS = ("sign_in", "sign_in_failed", "sign_out", "visit_added", "visit_edited", "data_imported",
                 "data_replaced", "columns_shared", "export", "user_added", "user_changed", "user_removed",
                 "backup", "restore")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_PASSWORD = 10
_HASHER = PasswordHasher()  # argon2id with the library's current defaults (RFC 9106 low-memory profile)
_READY: set[str] = set()
_LOCK = threading.Lock()

_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
        "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    ],
}


class AccountError(ValueError):
    """A user could not be added or changed; the message names the field and why."""


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    districts: frozenset[str]
    email: str | None
    active: bool


def _ensure_tables(store: Store) -> None:
    """Create the tables and the append-only triggers once per database."""
    if store.url in _READY:
        return
    with _LOCK:
        if store.url in _READY:
            return
        metadata.create_all(store.engine, tables=[users, audit_log])
        with store.engine.begin() as conn:
            for statement in _APPEND_ONLY.get(store.engine.dialect.name, []):
                conn.execute(sa.text(statement))
        _READY.add(store.url)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- audit ----------------------------------------------------------------------------------------------------


def audit(store: Store, *, actor: str, action: str, object: str = "", summary: str = "") -> None:
    """Append one event. ``action`` is one of :data:`AUDIT_ACTIONS`."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    _ensure_tables(store)
    with store.engine.begin() as conn:
        conn.execute(audit_log.insert().values(at=_now(), actor=actor, action=action, object=object or "",
                                               summary=summary or ""))


def audit_trail(
    store: Store,
    *,
    actor: str | None = None,
    action: str | None = None,
    contains: str | None = None,
    since: str | None = None,
    limit: int | None = 500,
) -> pd.DataFrame:
    """Events, newest first, filtered by actor, action, text in object or summary, and start date."""
    _ensure_tables(store)
    query = sa.select(audit_log).order_by(audit_log.c.id.desc())
    if actor:
        query = query.where(audit_log.c.actor == actor)
    if action:
        query = query.where(audit_log.c.action == action)
    if contains:
        like = f"%{contains}%"
        query = query.where(sa.or_(audit_log.c.object.like(like), audit_log.c.summary.like(like)))
    if since:
        query = query.where(audit_log.c.at >= since)
    if limit:
        query = query.limit(limit)
    with store.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in audit_log.columns])


# -- accounts -------------------------------------------------------------------------------------------------


def _districts_text(districts: Collection[str]) -> str:
    return ",".join(sorted({d.strip().upper() for d in districts if d.strip()}))


def _account(row) -> Account:
    districts = frozenset(d for d in (row["districts"] or "").split(",") if d)
    return Account(row["username"], row["role"], districts, row["email"], bool(row["active"]))


def has_accounts(store: Store) -> bool:
    """Whether sign-in with local accounts is configured: at least one active account."""
    _ensure_tables(store)
    with store.engine.connect() as conn:
        return bool(conn.execute(sa.select(sa.func.count()).select_from(users)
                                 .where(users.c.active.is_(True))).scalar())


def add_user(
    store: Store,
    username: str,
    *,
    role: str,
    password: str | None = None,
    email: str | None = None,
    districts: Collection[str] = (),
    known_districts: Collection[str] | None = None,
    by: str,
) -> Account:
    """Add an account (or bring back a removed one with new settings).

    A password is needed unless the user signs in through the identity provider (``email``). A ``dvc``
    user needs districts, and only ``dvc`` users have them.
    """
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AccountError(f"username {username!r}: 2 to 63 characters, a-z, 0-9, dot, dash or underscore")
    if role not in ROLES:
        raise AccountError(f"role {role!r}: one of {', '.join(ROLES)}")
    text = _districts_text(districts)
    if role == "dvc" and not text:
        raise AccountError("a dvc user needs --district (one or more P-codes, e.g. PK614)")
    if role != "dvc" and text:
        raise AccountError(f"only dvc users are limited to districts; a {role} sees every district")
    if known_districts is not None and (unknown := sorted(set(text.split(",")) - set(known_districts) - {""})):
        raise AccountError(f"unknown district P-code(s): {', '.join(unknown)}")
    if password is None and not email:
        raise AccountError("give a password (local sign-in) or an e-mail (sign-in through the identity provider)")
    if password is not None and len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    _ensure_tables(store)
    now = _now()
    values = {"email": (email or "").strip().lower() or None,
              "password_hash": _HASHER.hash(password) if password is not None else None,
              "role": role, "districts": text, "active": True, "changed_at": now, "changed_by": by}
    with store.engine.begin() as conn:
        existing = conn.execute(sa.select(users.c.active).where(users.c.username == username)).first()
        if existing is not None and existing.active:
            raise AccountError(f"user {username!r} exists; remove it first to change it")
        if existing is None:
            conn.execute(users.insert().values(username=username, created_at=now, **values))
        else:
            conn.execute(users.update().where(users.c.username == username).values(**values))
    audit(store, actor=by, action="user_added" if existing is None else "user_changed", object=username,
          summary=f"role {role}" + (f", districts {text}" if text else "") + (f", e-mail {values['email']}"
                                                                              if values["email"] else ""))
    return get_user(store, username)


def remove_user(store: Store, username: str, *, by: str) -> None:
    """Deactivate an account: it can no longer sign in; its name stays in the audit trail."""
    _ensure_tables(store)
    with store.engine.begin() as conn:
        done = conn.execute(users.update().where(users.c.username == username.strip().lower(),
                                                 users.c.active.is_(True))
                            .values(active=False, changed_at=_now(), changed_by=by)).rowcount
    if not done:
        raise AccountError(f"no active user {username!r}")
    audit(store, actor=by, action="user_removed", object=username)


def get_user(store: Store, username: str) -> Account | None:
    _ensure_tables(store)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.username == username.strip().lower())).mappings().first()
    return _account(row) if row else None


def list_users(store: Store) -> list[Account]:
    _ensure_tables(store)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(users).order_by(users.c.username)).mappings().all()
    return [_account(r) for r in rows]


def verify_password(store: Store, username: str, password: str) -> Account | None:
    """The active account if the password is right, else ``None`` (unknown users cost a hash too, so the
    answer time does not tell which usernames exist)."""
    _ensure_tables(store)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.username == username.strip().lower(),
                                                  users.c.active.is_(True))).mappings().first()
    stored = row["password_hash"] if row else None
    try:
        _HASHER.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return _account(row) if stored else None


def account_for_email(store: Store, email: str) -> Account | None:
    """The active account an identity provider's e-mail belongs to."""
    _ensure_tables(store)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.email == email.strip().lower(),
                                                  users.c.active.is_(True))).mappings().first()
    return _account(row) if row else None


_DUMMY_HASH = _HASHER.hash("not a password anyone has")
