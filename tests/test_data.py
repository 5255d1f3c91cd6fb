"""The shipped real data is exactly what its README describes: checksums and counts."""

import hashlib

from loaders.paths import GEO_DIR


def test_shipped_files_match_their_checksums():
    lines = (GEO_DIR / "SHA256SUMS").read_text().split("\n")
    sums = dict(reversed(line.split()) for line in lines if line.strip())
    assert len(sums) == 6
    for name, expected in sums.items():
        assert hashlib.sha256((GEO_DIR / name).read_bytes()).hexdigest() == expected, name


def test_readme_keeps_the_attribution_lines():
    readme = (GEO_DIR / "README.md").read_text(encoding="utf-8")
    for source in ("COD-AB, 2022-09-09", "Scientific Data 12:830", "7th Population and Housing Census 2023"):
        assert source in readme
