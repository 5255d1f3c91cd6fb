"""The session's language in the UI: its translator, ``_()`` for page texts, and the right-to-left page style."""

from __future__ import annotations

import streamlit as st

from layers.i18n import LANGUAGES, Translator, translator

# Arabic-script letters in any text (Urdu pages, or an uploaded Urdu name on an English page) are drawn with the
# bundled Noto Naskh Arabic: the same family name as Streamlit's own font, limited to the Arabic ranges.
_URDU_FONT = """
@font-face { font-family: "Source Sans"; font-weight: 100 500; font-display: swap;
  src: url("/app/static/fonts/NotoNaskhArabic-Regular.ttf") format("truetype");
  unicode-range: U+0600-06FF, U+0750-077F, U+08A0-08FF, U+FB50-FDFF, U+FE70-FEFF; }
@font-face { font-family: "Source Sans"; font-weight: 600 900; font-display: swap;
  src: url("/app/static/fonts/NotoNaskhArabic-Bold.ttf") format("truetype");
  unicode-range: U+0600-06FF, U+0750-077F, U+08A0-08FF, U+FB50-FDFF, U+FE70-FEFF; }
"""
# Urdu pages read right to left: the sidebar moves to the right and every panel, table and form is mirrored.
# On a phone the sidebar is a drawer over the page: moved, it was squeezed into a strip beside it.
# The map (an iframe), code boxes and charts keep their own left-to-right geometry.
_RTL = """
@media (min-width: 768px) { [data-testid="stAppViewContainer"] { flex-direction: row-reverse; } }
[data-testid="stSidebar"], [data-testid="stMain"], [data-testid="stSidebarContent"] { direction: rtl; text-align: right; }
[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"], [data-testid="stWidgetLabel"],
[data-testid="stAlert"], [data-testid="stExpander"], [data-testid="stTable"], [data-testid="stMetric"] { direction: rtl; text-align: right; }
[data-testid="stIFrame"], iframe, [data-testid="stCode"], pre, code, .stPlotlyChart, [data-testid="stDeckGlJsonChart"]
  { direction: ltr; text-align: left; }
[data-testid="stDataFrame"] { direction: rtl; }
"""


def current_language() -> str:
    """The view's language; before the view exists (the sign-in form) the link's ``lang``."""
    view = st.session_state.get("view")
    if view is not None:
        return view.lang
    lang = st.query_params.get("lang")
    return lang if lang in LANGUAGES else "en"


def tr() -> Translator:
    """The translator of this session's view (language and digit setting)."""
    view = st.session_state.get("view")
    return translator(current_language(), urdu_digits=bool(view is not None and view.urdu_digits))


def _(message: str) -> str:
    """``message`` in the session's language (a page text; extracted into the catalogues by ``make i18n``)."""
    return tr().gettext(message)


def page_style() -> None:
    """The Urdu font for every page, and right-to-left layout when the language is Urdu."""
    css = _URDU_FONT + (_RTL if tr().rtl else "")
    st.html(f"<style>{css}</style>")  # style only: Streamlit adds it without taking room on the page
