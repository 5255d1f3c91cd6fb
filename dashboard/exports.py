"""Every download of the app, recorded in the audit trail with the file, the area and the profile."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.resources import get_store, session_access
from loaders.accounts import audit


def _record(file_name: str, what: str) -> None:
    view = st.session_state.get("view")
    area = (view.district or view.province or "Punjab and Sindh") if view else ""
    audit(get_store(), actor=session_access().user, action="export", object=area,
          summary=f"{what}: {file_name}, profile {view.profile if view else 'internal'}")


def download(
    container, label: str, data: bytes | str | Callable[[], bytes], file_name: str, mime: str, *, key: str,
    what: str, **kwargs,
) -> None:
    """``container.download_button`` that adds an ``export`` event to the audit trail when clicked."""
    container.download_button(label, data, file_name, mime, key=key, on_click=_record,
                               args=(file_name, what), **kwargs)
