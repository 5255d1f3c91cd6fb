"""Users and audit page (administrators): who may see what, and who did what when."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.resources import get_reference, get_store, session_access
from layers.access import ROLE_WORDS
from layers.export import to_csv_bytes
from loaders.accounts import AUDIT_ACTIONS, audit, audit_trail, list_users

access = session_access()
access.require("read_audit")  # the page is only listed for administrators; a direct URL is refused here too
store = get_store()
names = dict(zip(get_reference().districts["ADM2_PCODE"], get_reference().districts["ADM2_EN"], strict=True))

st.markdown("#### Users")
st.caption("Managed with `bhatta users add|remove|list` on the server. A removed user is kept, inactive, so the "
           "audit trail keeps its name.")
accounts = list_users(store)
st.dataframe(pd.DataFrame([{"user": a.username, "role": ROLE_WORDS[a.role], "active": a.active,
                            "districts": ", ".join(sorted(names.get(d, d) for d in a.districts)),
                            "sign-in": "identity provider" if a.email else "password", "e-mail": a.email or ""}
                           for a in accounts]), hide_index=True, width="stretch")

st.markdown("#### Audit trail")
c1, c2, c3, c4 = st.columns(4)
actor = c1.text_input("User", key="audit_actor")
action = c2.selectbox("Action", ["", *AUDIT_ACTIONS], key="audit_action", format_func=lambda a: a or "any")
contains = c3.text_input("Object or summary contains", key="audit_contains")
since = c4.date_input("Since", value=None, key="audit_since")
trail = audit_trail(store, actor=actor.strip() or None, action=action or None, contains=contains.strip() or None,
                    since=since.isoformat() if since else None, limit=2000)
st.caption(f"{len(trail):,} events, newest first (at most 2,000 shown). Nothing in it can be changed or deleted.")
st.dataframe(trail, hide_index=True, width="stretch")
st.download_button("Download CSV", to_csv_bytes(trail, sources=["Bhatta Atlas audit trail"], synthetic=False),
                   "bhatta-audit.csv", "text/csv", key="audit_csv",
                   on_click=lambda: audit(store, actor=access.user, action="export", object="audit trail",
                                          summary=f"{len(trail)} events as CSV"))
