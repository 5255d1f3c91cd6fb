"""District names as people write them map to COD 2022 P-codes."""

import pytest

from loaders.districts import DISTRICT_SPELLINGS, match_district
from loaders.geo import reference


@pytest.mark.parametrize(
    ("text", "pcode"),
    [("D.G. Khan", "PK607"), ("Dera Ghazi Khan", "PK607"), ("Nawabshah", "PK719"),
     ("Shaheed Benazirabad", "PK719"), ("pk614", "PK614"), ("Kasur District", "PK614"), ("Layyah", "PK618"),
     ("Umerkot", "PK728"), ("Karachi Central", "PK702"), ("T.T. Singh", "PK635"), ("Murree", "PK630"),
     ("Talagang", "PK605"), ("Kot Addu", "PK623")],
)
def test_known_spellings(text, pcode):
    assert match_district(text) == (pcode, None)


@pytest.mark.parametrize("text", ["Keamari", "Karachi", "PK999", "Peshawar", ""])
def test_unknown_or_ambiguous_names_say_why(text):
    pcode, reason = match_district(text)
    assert pcode is None and reason


def test_table_covers_exactly_the_65_cod_districts_by_their_own_names():
    ref = reference()
    assert set(DISTRICT_SPELLINGS) == set(ref.districts["ADM2_PCODE"])
    for pcode, name in zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True):
        assert match_district(name) == (pcode, None)
