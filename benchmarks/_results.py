"""Where the benchmarks write: each owns one section of results.json and of results.md, the others are kept."""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "results.md"


def write_json(sections: dict[str, object]) -> None:
    """Set these top-level keys of results.json, keeping every other key."""
    data = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    data.update(sections)
    RESULTS_JSON.write_text(json.dumps(data, indent=2) + "\n")


def replace_section(text: str, title: str, body: str) -> str:
    """``text`` with its ``## <title>`` section replaced by ``body`` (appended when absent); others untouched."""
    chunks = re.split(r"(?m)^(?=## )", text)
    new = f"## {title}\n\n{body.rstrip()}\n"
    for i, chunk in enumerate(chunks):
        if chunk.startswith(f"## {title.split(' (')[0]}"):
            chunks[i] = new + ("\n" if i < len(chunks) - 1 else "")
            return "".join(chunks)
    return (text.rstrip("\n") + "\n\n" if text.strip() else "") + new


def write_md(title: str, body: str) -> None:
    """Replace (or add) the ``## <title>`` section of results.md."""
    RESULTS_MD.write_text(replace_section(RESULTS_MD.read_text() if RESULTS_MD.exists() else "", title, body))
