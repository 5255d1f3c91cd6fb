"""`bhatta brief`: writes the two-page PDF of a district, refuses a bad district or folder in one line."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from bhatta.cli import main


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """An empty store of its own, and a displacement secret that is not the server's (no var/secret written)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("BHATTA_SECRET", "test secret")


def _one_line_error(capsys, *words: str) -> None:
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err, captured.err
    for word in words:
        assert word in captured.err


def test_brief_writes_a_two_page_pdf_in_the_official_profile_by_default(tmp_path, capsys):
    out = tmp_path / "kasur.pdf"
    assert main(["brief", "--district", "pk614", "--out", str(out), "--as-of", "2026-11-23"]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"wrote {out}") and "profile official" in said and "DEMO DATA" in said
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                                       check=True).stdout.split())
        assert "Kasur District (Punjab)" in text and "Profile: official" in text
        assert "Page 1 of 2" in text and "Page 2 of 2" in text and "Data as of 2026-11-23" in text
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
        assert "Pages:           2" in info


def test_an_unknown_district_is_named_in_one_line(tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert main(["brief", "--district", "PK999", "--out", str(out)]) == 2
    _one_line_error(capsys, "PK999", "unknown district")
    assert not out.exists()


def test_a_missing_folder_is_named_in_one_line(tmp_path, capsys):
    out = tmp_path / "no such folder" / "x.pdf"
    assert main(["brief", "--district", "PK614", "--out", str(out)]) == 2
    _one_line_error(capsys, "cannot write", "no such folder")


def test_a_bad_date_or_profile_is_refused(tmp_path, capsys):
    assert main(["brief", "--district", "PK614", "--out", str(tmp_path / "x.pdf"), "--as-of", "23/11/2026"]) == 2
    _one_line_error(capsys, "--as-of")
    with pytest.raises(SystemExit) as exit_:  # argparse refuses an unknown profile itself, with its usage line
        main(["brief", "--district", "PK614", "--out", str(tmp_path / "x.pdf"), "--profile", "everyone"])
    assert exit_.value.code == 2
