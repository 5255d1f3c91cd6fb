"""`bhatta --lang ur`: snapshot, brief and route write their files in Urdu (the console stays English);
``$BHATTA_LANG`` and ``--urdu-digits`` too; English by default."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess

import gpxpy
import pytest

import layers.brief
import layers.snapshot
from bhatta.cli import build_parser, main
from layers.i18n import translator
from layers.route_sheet import FORM_FIELDS

AS_OF = "2026-11-01"
DADU = "PK703"  # 21 kilns: a quick plan
QUICK = ["route", "--district", DADU, "--km", "150", "--as-of", AS_OF]
UR = translator("ur")
ARABIC = re.compile("[\u0600-\u06ff]")
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e]")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("BHATTA_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("BHATTA_SECRET", "test secret")
    monkeypatch.delenv("BHATTA_LANG", raising=False)
    monkeypatch.delenv("BHATTA_OSRM_URL", raising=False)


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _text(path) -> str:
    """pdftotext's text, bidi controls dropped, white space squeezed out (it moves around Urdu commas)."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", BIDI_CONTROLS.sub("", out))


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_route_files_in_urdu_console_in_english(tmp_path):
    pdf, gpx = tmp_path / "r.pdf", tmp_path / "r.gpx"
    code, out, err = _run(["--lang", "ur", *QUICK, "--pdf", str(pdf), "--gpx", str(gpx)])
    assert code == 0, err
    assert "Inspection route, Dadu (PK703), 2026-11-01" in out and "Day 1:" in out and not ARABIC.search(out)
    text = _text(pdf)
    district = UR.place(DADU, "Dadu")
    assert ARABIC.search(district)
    title = UR("Inspection route, {district} ({pcode}), {date}").split(",")[0].split("،")[0]  # "the route"
    assert ARABIC.search(title) and _squeezed(title) in text and _squeezed(district) in text
    for label in (UR("Visit forms"), UR("Kiln"), *(UR(f) for f in FORM_FIELDS)):
        assert ARABIC.search(label) and _squeezed(label) in text, label
    assert "Visitforms" not in text and "Inspectionroute" not in text
    route = gpxpy.parse(gpx.read_text(encoding="utf-8"))
    assert route.name.startswith(UR("Inspection route, {district} ({pcode}), {date}").split("{")[0])


def test_route_files_in_english_by_default(tmp_path):
    pdf = tmp_path / "r.pdf"
    assert _run([*QUICK, "--pdf", str(pdf)])[0] == 0
    text = _text(pdf)
    assert "Inspectionroute,Dadu(PK703),2026-11-01" in text and "Visitforms" in text and not ARABIC.search(text)


def test_language_from_the_environment_or_after_the_command(tmp_path, monkeypatch):
    after = tmp_path / "after.pdf"
    assert _run([*QUICK, "--lang", "ur", "--urdu-digits", "--pdf", str(after)])[0] == 0
    assert _squeezed(UR("Visit forms")) in _text(after) and "۲۰۲۶" in _text(after)  # the date, in Urdu digits
    monkeypatch.setenv("BHATTA_LANG", "ur")
    env = tmp_path / "env.pdf"
    assert _run([*QUICK, "--pdf", str(env)])[0] == 0
    assert _squeezed(UR("Visit forms")) in _text(env) and "۲۰۲۶" not in _text(env)
    english = tmp_path / "en.pdf"
    assert _run(["--lang", "en", *QUICK, "--pdf", str(english)])[0] == 0  # the option wins over $BHATTA_LANG
    assert "Visitforms" in _text(english)


def test_a_bad_language_in_the_environment_is_refused_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("BHATTA_LANG", "fr")
    code, _, err = _run([*QUICK, "--pdf", str(tmp_path / "r.pdf")])
    assert code == 2 and "BHATTA_LANG" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r.pdf").exists()


def test_help_says_the_console_stays_english():
    text = " ".join(build_parser().format_help().split())
    assert "--lang {en,ur}" in text and "the console stays in English" in text and "--urdu-digits" in text


def test_brief_and_snapshot_pass_the_language_through(tmp_path, monkeypatch):
    seen = {}

    def fake_brief(district, layers_, ref, **kw):
        seen["brief"] = kw
        return b"%PDF-1.4 fake"

    def fake_snapshot(view, shared, ref, **kw):
        seen["view"] = view
        return b"%PDF-1.4 fake"

    monkeypatch.setattr(layers.brief, "brief", fake_brief)
    monkeypatch.setattr(layers.snapshot, "snapshot", fake_snapshot)
    assert _run(["--lang", "ur", "--urdu-digits", "brief", "--district", "PK614", "--out", str(tmp_path / "b.pdf"),
                 "--as-of", AS_OF])[0] == 0
    assert seen["brief"]["lang"] == "ur" and seen["brief"]["urdu_digits"] is True
    assert _run(["--lang", "ur", "snapshot", "--district", "PK614", "--format", "pdf", "--out",
                 str(tmp_path / "s.pdf"), "--as-of", AS_OF])[0] == 0
    assert seen["view"].lang == "ur" and seen["view"].urdu_digits is False
    assert _run(["snapshot", "--district", "PK614", "--out", str(tmp_path / "s.png"), "--as-of", AS_OF])[0] == 0
    assert seen["view"].lang == "en"


@pytest.mark.parametrize("argv", [
    ["brief", "--district", "PK614"],
    ["snapshot", "--district", "PK614", "--format", "pdf"],
], ids=["brief", "snapshot"])
def test_urdu_brief_and_snapshot_files_hold_urdu(tmp_path, argv):
    out = tmp_path / "out.pdf"
    code, said, err = _run(["--lang", "ur", *argv, "--out", str(out), "--as-of", AS_OF])
    assert code == 0, err
    assert said.startswith(f"wrote {out}") and not ARABIC.search(said)  # the console in English
    assert out.read_bytes().startswith(b"%PDF") and ARABIC.search(_text(out))
