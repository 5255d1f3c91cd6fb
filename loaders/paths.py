"""Where the shipped data and the local store live."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEO_DIR = ROOT / "data" / "geo"
DEMO_DIR = GEO_DIR / "demo"
CANDIDATES_DIR = GEO_DIR / "real_candidates"
VAR_DIR = Path(os.environ.get("BHATTA_VAR_DIR", ROOT / "var"))
"""Git-ignored folder for the embedded store and anything the app writes."""


def default_database_url() -> str:
    """``DATABASE_URL`` when set, else the embedded SQLite file under ``var/``."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'bhatta.sqlite'}"
