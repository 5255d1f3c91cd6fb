"""Ending a page early without ending the run: app.py draws the shared sidebar after the page."""

from __future__ import annotations

from typing import NoReturn


class EndPage(Exception):  # noqa: N818 - a signal, not an error
    """Raised by :func:`end_page`; app.py catches it and goes on to draw the sidebar."""


def end_page() -> NoReturn:
    """Stop drawing this page here. Streamlit's own stop would also drop the sidebar, drawn after the page,
    so a page that asks for a district would leave no way to choose one."""
    raise EndPage
