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
