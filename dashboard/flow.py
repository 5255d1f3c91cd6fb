"""Ending a page early without ending the run: app.py draws the shared sidebar after the page."""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

from dashboard.i18n import _
from layers.redact import PROFILE_NAMES


class EndPage(Exception):  # noqa: N818 - a signal, not an error
    """Raised by :func:`end_page`; app.py catches it and goes on to draw the sidebar."""


def internal_only(profile: str, what: str) -> None:
    """End a page of individual records (``what`` they are: an English text marked for the catalogues, shown
    through ``_()``) unless the view's profile is internal."""
    if profile != "internal":
        st.info(_("{what}: this page is for the internal profile only (this view is {profile}).").format(
            what=_(what), profile=_(PROFILE_NAMES.get(profile, profile))))
        end_page()


def end_page() -> NoReturn:
    """Stop drawing this page here. Streamlit's own stop would also drop the sidebar, drawn after the page,
    so a page that asks for a district would leave no way to choose one."""
    raise EndPage
