"""Who runs a command (``--user``), and the ``users`` and ``audit`` commands of ``bhatta``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from layers.access import LOCAL_ADMIN, ROLE_WORDS, Access, Forbidden, access_of
from loaders.accounts import (
    AUDIT_ACTIONS,
    ROLES,
    AccountError,
    add_user,
    audit,
    audit_trail,
    has_accounts,
    list_users,
    remove_user,
    verify_password,
)
from loaders.store import Store

PASSWORD_ENV = "BHATTA_PASSWORD"


class AccessDenied(Exception):
    """Sign-in failed or the role does not allow the command: one line, exit 2."""


def command_access(store: Store, user: str | None) -> Access:
    """The access a command runs with.

    With no account in the store (sign-in not configured) the command runs as the local administrator, as the
    app does on this computer. Otherwise ``--user`` is required, with the password from ``$BHATTA_PASSWORD``
    or typed at a prompt, and the command sees what that user would see in the app.
    """
    if not has_accounts(store):
        return LOCAL_ADMIN
    if not user:
        raise AccessDenied("sign-in is configured: run the command with --user NAME "
                           f"(password from ${PASSWORD_ENV} or typed)")
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise AccessDenied(f"no password: set ${PASSWORD_ENV} or run the command in a terminal")
        password = getpass.getpass(f"password for {user}: ")
    account = verify_password(store, user, password)
    if account is None:
        audit(store, actor=user, action="sign_in_failed", summary="command line")
        raise AccessDenied("wrong username or password")
    audit(store, actor=account.username, action="sign_in", summary=f"command line, role {account.role}")
    return access_of(account)


def require(access: Access, action: str) -> None:
    try:
        access.require(action)
    except Forbidden as refused:
        raise AccessDenied(str(refused)) from None


def cmd_users(args: argparse.Namespace, *, known_districts: set[str]) -> int:
    store = Store()
    # the first account (an administrator) can be made by whoever runs the server; later ones by an admin
    access = command_access(store, args.user)
    if has_accounts(store):
        require(access, "manage_users")
    by = access.user
    try:
        if args.users_command == "add":
            if not has_accounts(store) and args.role != "admin":
                raise AccountError("the first account must be an admin (--role admin): it manages the others")
            password = None
            if not args.email or args.password_stdin:
                password = sys.stdin.readline().rstrip("\n") if args.password_stdin else \
                    getpass.getpass(f"new password for {args.name}: ")
            account = add_user(store, args.name, role=args.role, password=password, email=args.email,
                               districts=args.district or (), known_districts=known_districts, by=by)
            print(f"added {account.username}: {ROLE_WORDS[account.role]}"
                  + (f", districts {', '.join(sorted(account.districts))}" if account.districts else ""))
        elif args.users_command == "remove":
            remove_user(store, args.name, by=by)
            print(f"removed {args.name} (kept, inactive, in the audit trail)")
        else:
            for a in list_users(store):
                print(f"{a.username:<20} {a.role:<8} {'active' if a.active else 'removed':<8} "
                      f"{','.join(sorted(a.districts)) or '-':<14} {a.email or 'password'}")
    except AccountError as error:
        raise AccessDenied(str(error)) from None
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    store = Store()
    require(command_access(store, args.user), "read_audit")
    trail = audit_trail(store, actor=args.actor, action=args.action, contains=args.contains, since=args.since,
                        limit=args.limit or None)
    for row in trail.itertuples(index=False):
        print(f"{row.at}  {row.actor:<18} {row.action:<15} {row.object}" + (f"  {row.summary}" if row.summary else ""))
    print(f"{len(trail)} events, newest first", file=sys.stderr)
    return 0


def add_parsers(sub) -> None:
    """The ``users`` and ``audit`` subcommands (``--user`` is added to every command by the caller)."""
    p = sub.add_parser("users", help="sign-in accounts: add, remove, list (administrators)")
    users = p.add_subparsers(dest="users_command", required=True)
    add = users.add_parser("add", help="add an account (the password is asked for, or read from stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--district", action="append", metavar="PCODE",
                     help="a district a dvc user may see (repeatable), e.g. PK614")
    add.add_argument("--email", help="signs in through the identity provider with this e-mail (no password)")
    add.add_argument("--password-stdin", action="store_true", help="read the new password from standard input")
    rm = users.add_parser("remove", help="deactivate an account (it stays in the audit trail)")
    rm.add_argument("name")
    users.add_parser("list", help="every account, removed ones too")
    p = sub.add_parser("audit", help="the audit trail, newest first (administrators)")
    p.add_argument("--actor", help="only this user's events")
    p.add_argument("--action", choices=AUDIT_ACTIONS)
    p.add_argument("--contains", help="text in the object or summary")
    p.add_argument("--since", metavar="YYYY-MM-DD")
    p.add_argument("--limit", type=int, default=200, help="at most N events (default 200, 0: all)")
