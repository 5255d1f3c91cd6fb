"""Ending a page early without ending the run: app.py draws the shared sidebar after the page."""

from __future__ import annotations

from typing import NoReturn

import streamlit as st


class EndPage(Exception):  # noqa: N818 - a signal, not an error
    """Raised by :func:`end_page`; app.py catches it and goes on to draw the sidebar."""


def internal_only(profile: str, what: str) -> None:
    """End a page of individual records (``what`` they are) unless the view's profile is internal."""
    if profile != "internal":
        st.info(f"{what}: this page is for the internal profile only (this view is {profile}).")
        end_page()


def end_page() -> NoReturn:
    """Stop drawing this page here. Streamlit's own stop would also drop the sidebar, drawn after the page,
    so a page that asks for a district would leave no way to choose one."""
    raise EndPage
