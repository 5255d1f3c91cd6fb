"""The core (layers/, loaders/) never imports streamlit, and ruff enforces it."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_modules_import_no_streamlit():
    files = [*ROOT.glob("layers/**/*.py"), *ROOT.glob("loaders/**/*.py")]
    assert len(files) > 10
    offenders = [str(f.relative_to(ROOT)) for f in files if _imports(f) & {"streamlit", "streamlit_folium"}]
    assert offenders == []


def _ruff(filename: str, source: str) -> subprocess.CompletedProcess:
    ruff = Path(sys.executable).parent / "ruff"
    return subprocess.run([str(ruff), "check", "--no-cache", "--stdin-filename", filename, "-"],
                          input=source, capture_output=True, text=True, cwd=ROOT)


def test_ruff_bans_streamlit_in_the_core_but_not_in_the_dashboard():
    source = "import streamlit as st\n\nst.write(1)\n"
    for core in ("layers/example.py", "loaders/example.py"):
        result = _ruff(core, source)
        assert result.returncode == 1 and "TID251" in result.stdout, result.stdout
    assert _ruff("dashboard/example.py", source).returncode == 0


def test_pages_end_early_with_end_page_not_st_stop():
    """st.stop() ends the whole run, so the sidebar (drawn after the page) would vanish: use dashboard.flow.end_page."""
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "dashboard").rglob("*.py")
                 if "st.stop(" in p.read_text(encoding="utf-8")]
    assert offenders == []
