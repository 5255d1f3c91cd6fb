"""Cell values: Urdu digits, numbers, local dates, Excel serials, categories."""

from datetime import date

import pytest

from loaders.contracts import SCHOOL_GENDERS, YES_NO
from loaders.values import ValueProblem, parse_category, parse_date, parse_id, parse_int, parse_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2024-03-05", date(2024, 3, 5)), ("05/03/2024", date(2024, 3, 5)), ("5.3.2024", date(2024, 3, 5)),
     ("2024-03-05T10:22:33.1+05:00", date(2024, 3, 5)), ("12 Mar 2024", date(2024, 3, 12)),
     (45000, date(2023, 3, 15)), ("45000", date(2023, 3, 15)), ("۱۵/۰۳/۲۰۲۴", date(2024, 3, 15)),
     ("١٥/٠٣/٢٠٢٤", date(2024, 3, 15))],
)
def test_dates_in_every_local_form(raw, expected):
    assert parse_date(raw)[0] == expected


def test_day_first_is_the_convention_and_month_first_is_warned():
    assert parse_date("03/04/2024")[0] == date(2024, 4, 3)
    parsed, notes = parse_date("03/25/2024")
    assert parsed == date(2024, 3, 25) and "month/day" in notes[0]


@pytest.mark.parametrize("raw", ["31/02/2024", "2023-02-29", "32/01/2024", "00/01/2024"])
def test_impossible_dates_are_rejected(raw):
    with pytest.raises(ValueProblem, match="impossible"):
        parse_date(raw)


@pytest.mark.parametrize("raw", ["yesterday", "", 12, True])
def test_non_dates_are_rejected(raw):
    with pytest.raises(ValueProblem):
        parse_date(raw)


def test_numbers_with_separators_and_urdu_digits():
    assert parse_number("1,200")[0] == 1200.0
    value, notes = parse_number("۲۵۰۰۰")
    assert value == 25000 and "Urdu" in notes[0]
    assert parse_int("12.0")[0] == 12
    with pytest.raises(ValueProblem):
        parse_int("12.5")
    for bad in ("nan", "inf", "12 kg", True):
        with pytest.raises(ValueProblem):
            parse_number(bad)


def test_categories_accept_spellings_and_list_allowed_values():
    assert parse_category("Co-Ed", SCHOOL_GENDERS) == "mixed"
    assert parse_category(" Girls ", SCHOOL_GENDERS) == "girls"
    assert parse_category("ہاں", YES_NO) == "yes"
    with pytest.raises(ValueProblem, match="allowed: girls, boys, mixed"):
        parse_category("unisex-ish", SCHOOL_GENDERS)


def test_ids_from_spreadsheet_numbers():
    assert parse_id(12.0) == "12" and parse_id(" BKP-7 ") == "BKP-7"


def test_a_typed_point_is_latitude_first_and_in_pakistan():
    from loaders.values import OutsidePakistan, ValueProblem, parse_lat_lon

    assert parse_lat_lon(" 31.1167, 74.45 ") == (31.1167, 74.45)
    with pytest.raises(OutsidePakistan):
        parse_lat_lon("74.45, 31.1167")  # swapped
    with pytest.raises(ValueProblem, match="not 'latitude, longitude'"):
        parse_lat_lon("Kasur")
