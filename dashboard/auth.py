"""Sign-in: an identity provider (st.login), local accounts, or none (then this computer only)."""

from __future__ import annotations

import time

import streamlit as st

from dashboard.i18n import _, tr
from dashboard.resources import get_store
from layers.access import LOCAL_ADMIN, ROLE_WORDS, Access, access_of
from layers.html import md
from layers.i18n import N_
from loaders.accounts import account_for_email, audit, has_accounts, verify_password

LOCAL_ADDRESSES = {"localhost", "127.0.0.1", "::1"}
MAX_FAILURES, LOCKOUT_S = 5, 60.0
"""Failed sign-ins for one username before it is locked out for a while (per app process)."""
_failures: dict[str, list[float]] = {}
ROLE_LABELS = (N_("administrator: users, data, audit, every district"),
               N_("programme manager: every district, internal profile"),
               N_("DVC member: assigned districts only"), N_("viewer: public profile only"))
"""layers.access.ROLE_WORDS, marked here for the catalogues: shown as ``_(ROLE_WORDS[role])``."""


def identity_provider() -> bool:
    """Whether ``.streamlit/secrets.toml`` configures OpenID Connect (an ``[auth]`` section)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return False


def sign_in_mode() -> str:
    """``provider``, ``accounts`` or ``none``."""
    if identity_provider():
        return "provider"
    return "accounts" if has_accounts(get_store()) else "none"


def current_access() -> Access | None:
    """The signed-in user's access, or ``None`` after drawing what is needed to sign in (the page ends).

    With no sign-in configured, the local user is an administrator, but only when the app answers on this
    computer alone: served on a network address, it refuses to show anything.
    """
    mode = sign_in_mode()
    if mode == "none":
        address = str(st.get_option("server.address") or "")
        # a client from another machine (Streamlit gives None for loopback; tests give a stand-in object)
        # behind a reverse proxy on this machine every client arrives from 127.0.0.1: the header gives it away
        remote = isinstance(st.context.ip_address, str) or bool(st.context.headers.get("X-Forwarded-For"))
        if address not in LOCAL_ADDRESSES or remote:
            st.error(_("No sign-in is configured, so this app only answers on the computer it runs on. Add "
                       "accounts with `bhatta users add` (or an identity provider in .streamlit/secrets.toml) before "
                       "serving it on a network."))
            return None
        return LOCAL_ADMIN
    if (access := st.session_state.get("access")) is not None:
        return access
    if mode == "provider":
        return _provider_sign_in()
    _password_form()
    return None


def _provider_sign_in() -> Access | None:
    if not st.user.is_logged_in:
        st.markdown("#### Bhatta Atlas")
        st.button(_("Sign in"), type="primary", on_click=st.login)
        return None
    email = str(st.user.get("email") or "")
    account = account_for_email(get_store(), email) if email else None
    if account is None:
        if email:
            st.error(_("{email} has no role in Bhatta Atlas yet: ask an administrator to add it "
                       "(`bhatta users add NAME --email ...`).").format(email=md(email)))
        else:
            st.error(_("This account has no role in Bhatta Atlas yet: ask an administrator to add it "
                       "(`bhatta users add NAME --email ...`)."))
        st.button(_("Sign out"), on_click=st.logout)
        return None
    access = st.session_state["access"] = access_of(account)
    audit(get_store(), actor=access.user, action="sign_in", summary=f"identity provider, role {access.role}")
    return access


def _password_form() -> None:
    st.markdown("#### " + _("Bhatta Atlas: sign in"))
    with st.form("sign_in"):
        username = st.text_input(_("Username"), key="login_user")
        password = st.text_input(_("Password"), type="password", key="login_password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if not submitted:
        return
    name = username.strip().lower()
    recent = [t for t in _failures.get(name, []) if time.monotonic() - t < LOCKOUT_S]
    _failures[name] = recent
    if len(recent) >= MAX_FAILURES:
        st.error(_("Too many failed attempts for {name}: wait a minute and try again.").format(name=md(name)))
        return
    account = verify_password(get_store(), name, password) if name and password else None
    if account is None:
        recent.append(time.monotonic())
        audit(get_store(), actor=name or "(blank)", action="sign_in_failed")
        st.error(_("Wrong username or password."))
        return
    _failures.pop(name, None)
    st.session_state["access"] = access_of(account)
    audit(get_store(), actor=account.username, action="sign_in", summary=f"password, role {account.role}")
    st.rerun()


def sign_out() -> None:
    access = st.session_state.pop("access", None)
    if access is not None:
        audit(get_store(), actor=access.user, action="sign_out")
    for key in list(st.session_state):  # the next user of this browser starts from nothing
        del st.session_state[key]
    if identity_provider():
        st.logout()


NO_SIGN_IN = N_("No sign-in configured: this app answers on this computer only (localhost), and whoever uses it "
                "here sees everything. Add accounts with `bhatta users add` to share it.")
"""Shown (as ``_(NO_SIGN_IN)``) on every page when no sign-in is configured."""


def who_line(access: Access, names: dict[str, str]) -> str:
    """The sidebar's line on who is signed in and what they see."""
    if access is LOCAL_ADMIN:
        return _("No sign-in: this computer only.")
    t = tr()
    role = _(ROLE_WORDS[access.role])
    if access.districts is None:
        return _("Signed in as **{user}** · {role}").format(user=md(access.user), role=role)
    districts = ", ".join(sorted(t.place(d, names.get(d, d)) for d in access.districts))
    return _("Signed in as **{user}** · {role} ({districts})").format(user=md(access.user), role=role,
                                                                     districts=districts)
