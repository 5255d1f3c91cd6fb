"""Every download of the app, recorded in the audit trail with the file, the area and the profile."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.i18n import _
from dashboard.resources import get_store, session_access
from loaders.accounts import audit


def _record(file_name: str, what: str) -> None:
    # the audit trail stays in English, whatever the page's language
    view = st.session_state.get("view")
    area = (view.district or view.province or "Punjab and Sindh") if view else ""
    audit(get_store(), actor=session_access().user, action="export", object=area,
          summary=f"{what}: {file_name}, profile {view.profile if view else 'internal'}")


def download(
    container, label: str, data: bytes | str | Callable[[], bytes], file_name: str, mime: str, *, key: str,
    what: str, **kwargs,
) -> None:
    """``container.download_button`` that adds an ``export`` event to the audit trail when clicked.

    ``label`` is shown in the session's language: pass it translated, or as an English text marked for the
    catalogues (``N_``); ``what`` goes to the audit trail, in English."""
    container.download_button(_(label), data, file_name, mime, key=key, on_click=_record,
                               args=(file_name, what), **kwargs)
