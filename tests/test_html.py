"""The one escaping helper against script payloads."""

import json

import pytest

from layers.html import esc, js_data

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "${alert(1)}",
    "`${document.cookie}`",
    "C:\\temp\\x\\u0041",
    "' onmouseover='alert(1)",
    "</script><script>alert(1)</script>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_esc_leaves_no_markup_or_template_syntax(payload):
    out = esc(payload)
    for forbidden in ("<", ">", '"', "'", "`", "${", "\\"):
        assert forbidden not in out


def test_esc_round_trips_through_html_unescape():
    import html

    for payload in PAYLOADS + ["گورنمنٹ گرلز اسکول & Co."]:
        assert html.unescape(esc(payload)) == payload


def test_esc_keeps_urdu_and_missing_values():
    assert esc("بھٹہ نمبر ۱۲") == "بھٹہ نمبر ۱۲"
    assert esc(None) == "" and esc(float("nan")) == ""


def test_js_data_cannot_close_a_script_element():
    text = js_data({"name": "</script><script>alert(1)</script>", "x": "<!--", "sep": "a\u2028b"})
    assert "</script" not in text and "<!--" not in text and "\u2028" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script>"


MARKDOWN = [
    "![pixel](https:evil.example/p.png)",
    "[click](javascript:alert(1)) <https://evil.example> www.evil.example",
    "# heading\n---\n| a | b |\n1. item\n> quote",
    "*em* _em_ **strong** ~~gone~~ `code` $x^2$ :red[colour] :material/home: &lt; &#60;",
    "C:\\temp\\x \\* already escaped",
]


@pytest.mark.parametrize("payload", MARKDOWN + PAYLOADS)
def test_md_escapes_every_punctuation_character(payload):
    import re

    from layers.html import md

    out = md(payload)
    assert "\n" not in out and "\r" not in out
    # every ASCII punctuation character is escaped by the backslash before it (CommonMark's rule)
    assert re.fullmatch(r"(?:\\[!-/:-@\[-`{-~]|[^!-/:-@\[-`{-~])*", out), out
    # and that is all: removing the escapes gives the text back (line breaks as spaces)
    assert re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", out) == " ".join(payload.splitlines())


def test_md_keeps_letters_digits_urdu_and_missing_values():
    from layers.html import md

    assert md("بھٹہ نمبر ۱۲ Kasur 2026") == "بھٹہ نمبر ۱۲ Kasur 2026"
    assert md(None) == "" and md(float("nan")) == "" and md(12.5) == "12\\.5"
