"""Users and audit page (administrators): who may see what, and who did what when."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.i18n import _, tr
from dashboard.resources import get_reference, get_store, session_access
from layers.access import ROLE_WORDS
from layers.export import to_csv_bytes
from layers.i18n import N_
from loaders.accounts import AUDIT_ACTIONS, audit, audit_trail, list_users

access = session_access()
access.require("read_audit")  # the page is only listed for administrators; a direct URL is refused here too
store = get_store()
names = dict(zip(get_reference().districts["ADM2_PCODE"], get_reference().districts["ADM2_EN"], strict=True))
t = tr()
# the tables' column headers as the page shows them (the data and the CSV download keep their own names)
USER_COLUMNS = {"user": N_("user"), "role": N_("role"), "active": N_("active"), "districts": N_("districts"),
                "sign-in": N_("sign-in"), "e-mail": N_("e-mail")}
AUDIT_COLUMNS = {"id": N_("id"), "at": N_("at"), "actor": N_("actor"), "action": N_("action"),
                 "object": N_("object"), "summary": N_("summary")}


def shown(frame: pd.DataFrame, headers: dict[str, str]) -> pd.DataFrame:
    """``frame`` with its column headers in the page's language (for display only)."""
    return frame.rename(columns={c: _(h) for c, h in headers.items()})


st.markdown("#### " + _("Users"))
st.caption(_("Managed with `bhatta users add|remove|list` on the server. A removed user is kept, inactive, so the "
             "audit trail keeps its name."))
accounts = list_users(store)
users = pd.DataFrame([{"user": a.username, "role": _(ROLE_WORDS[a.role]), "active": a.active,
                       "districts": ", ".join(sorted(t.place(d, names.get(d, d)) for d in a.districts)),
                       "sign-in": _("identity provider") if a.email else _("password"), "e-mail": a.email or ""}
                      for a in accounts], columns=list(USER_COLUMNS))
st.dataframe(shown(users, USER_COLUMNS), hide_index=True, width="stretch")

st.markdown("#### " + _("Audit trail"))
c1, c2, c3, c4 = st.columns(4)
actor = c1.text_input(_("User"), key="audit_actor")
action = c2.selectbox(_("Action"), ["", *AUDIT_ACTIONS], key="audit_action", format_func=lambda a: a or t.gettext("any"))
contains = c3.text_input(_("Object or summary contains"), key="audit_contains")
since = c4.date_input(_("Since"), value=None, key="audit_since")
trail = audit_trail(store, actor=actor.strip() or None, action=action or None, contains=contains.strip() or None,
                    since=since.isoformat() if since else None, limit=2000)
st.caption(_("{n} events, newest first (at most {limit} shown). Nothing in it can be changed or deleted.")
           .format(n=t.num(len(trail)), limit=t.num(2000)))
st.dataframe(shown(trail, AUDIT_COLUMNS), hide_index=True, width="stretch")
st.download_button(_("Download CSV"), to_csv_bytes(trail, sources=["Bhatta Atlas audit trail"], synthetic=False),
                   "bhatta-audit.csv", "text/csv", key="audit_csv",
                   on_click=lambda: audit(store, actor=access.user, action="export", object="audit trail",
                                          summary=f"{len(trail)} events as CSV"))
