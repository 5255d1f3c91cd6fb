"""The one escaping helper: every string that reaches HTML, an inline script or Streamlit Markdown goes through here."""

from __future__ import annotations

import html
import json
import math
import re
from typing import Any

_EXTRA = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})
_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character: CommonMark escapes any


def esc(value: Any) -> str:
    """Text safe inside HTML elements and attribute values, and inert in template literals.

    ``<``, ``>``, ``&`` and both quotes become entities (``html.escape``); backticks, ``$``, braces and
    backslashes too, so a value can never open a JavaScript template expression (``${...}``) or an
    escape sequence if a later template puts it inside a script. Missing values give ``""``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True).translate(_EXTRA)


def js_data(obj: Any) -> str:
    """JSON for an inline ``<script>``: ``<``, ``>``, ``&`` and line separators are \\u-escaped,
    so no string can close the script element or start an HTML comment."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def md(value: Any) -> str:
    """Text shown literally where Streamlit reads Markdown (``st.markdown``, ``st.caption``, ``st.error``...).

    Streamlit escapes HTML but renders Markdown: a file name, column header or id holding
    ``![x](https:evil.example/p.png)`` would make every viewer's browser fetch that image (telling the site who
    looks at the page), and ``[text](url)`` would be a link nobody typed. Every ASCII punctuation character gets
    a backslash, which CommonMark turns back into the character itself, so no image, link, autolinked URL,
    emphasis, heading, table, HTML entity, LaTeX (``$``) or Streamlit directive (``:red[...]``) can start; line
    breaks become spaces (a value stays on its line). Missing values give ``""``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return _MD_PUNCTUATION.sub(r"\\\1", " ".join(str(value).splitlines()))
