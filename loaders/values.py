"""Cell values as people type them: Urdu digits, thousands separators, local dates, Excel serials."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from functools import cache

from layers.i18n import N_
from loaders.problems import Message

_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")} | {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}
_DIGITS |= {0x066B: ".", 0x066C: ",", 0x060C: ","}  # Arabic decimal and thousands separators, Arabic comma
_EXCEL_EPOCH = date(1899, 12, 30)


class ValueProblem(ValueError):
    """A value that cannot be read; the message is the reason shown to the user.

    Raised with a :class:`loaders.problems.Message` (or plain English text): :attr:`message` keeps it, so the
    reason can still be shown in another language; ``str()`` is the English text.
    """

    @property
    def message(self) -> str:
        """The reason as raised: a :class:`~loaders.problems.Message` when it was one."""
        return self.args[0] if self.args and isinstance(self.args[0], str) else str(self)


class OutsidePakistan(ValueProblem):
    """Two numbers, but not a place in Pakistan (often longitude and latitude swapped)."""


PAKISTAN_EXTENT = (23.0, 37.0, 60.0, 78.0)
"""(south, north, west, east) in degrees: a typed point outside it is not in Pakistan."""


def parse_lat_lon(text: object) -> tuple[float, float]:
    """A point typed as ``"lat, lon"`` (degrees, latitude first) within :data:`PAKISTAN_EXTENT`.

    Raises :class:`ValueProblem` when it is not two numbers, :class:`OutsidePakistan` when it is elsewhere.
    """
    try:
        lat, lon = (float(x) for x in str(text).split(","))
    except ValueError:
        raise ValueProblem(Message(N_("not 'latitude, longitude': {text}"), text=repr(text))) from None
    south, north, west, east = PAKISTAN_EXTENT
    if not (south <= lat <= north and west <= lon <= east):
        raise OutsidePakistan(Message(N_("{text} is not in Pakistan"), text=repr(text)))
    return lat, lon


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def ascii_digits(text: str) -> tuple[str, bool]:
    """Text with Urdu/Arabic-Indic digits replaced by ASCII ones, and whether any were replaced."""
    converted = text.translate(_DIGITS)
    return converted, converted != text


def parse_number(value: object) -> tuple[float, list[str]]:
    """A number from a cell: ``1,200``, ``۱۲۰۰`` and ``1200.0`` all give 1200.0.

    Returns the number and notes worth a warning; raises :class:`ValueProblem` if it is not a number.
    """
    notes: list[str] = []
    if isinstance(value, bool):
        raise ValueProblem(Message(N_("expected a number, found {value}"), value=repr(value)))
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text, had_urdu = ascii_digits(str(value).strip())
        if had_urdu:
            notes.append(Message(N_("Urdu/Arabic-Indic digits read as {text}"), text=text))
        cleaned = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text).replace(" ", "")
        try:
            number = float(cleaned)
        except ValueError:
            raise ValueProblem(Message(N_("not a number: {value}"), value=repr(value))) from None
    if not math.isfinite(number):
        raise ValueProblem(Message(N_("not a finite number: {value}"), value=repr(value)))
    return number, notes


def parse_int(value: object) -> tuple[int, list[str]]:
    number, notes = parse_number(value)
    if number != int(number):
        raise ValueProblem(Message(N_("expected a whole number, found {value}"), value=repr(value)))
    return int(number), notes


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_NAMED_FORMATS = ("%d %b %Y", "%d-%b-%Y", "%d %B %Y", "%d-%B-%Y", "%b %d, %Y", "%B %d, %Y", "%d-%b-%y")


def _make_date(year: int, month: int, day: int, raw: object) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueProblem(Message(N_("impossible date {value} (day {day}, month {month}, year {year})"),
                                   value=repr(raw), day=day, month=month, year=str(year))) from None


def excel_serial_to_date(serial: float) -> date:
    """Excel's day number (1900 system) to a date; 60 is Excel's fictitious 29 Feb 1900."""
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def parse_date(value: object) -> tuple[date, list[str]]:
    """A date from a cell: ISO, dd/mm/yyyy (the local convention), Excel serials, spreadsheet dates.

    Returns the date and notes worth a warning; raises :class:`ValueProblem` for text that is no date
    or an impossible one (31/02/2024).
    """
    notes: list[str] = []
    if isinstance(value, datetime):
        return value.date(), notes
    if isinstance(value, date):
        return value, notes
    if isinstance(value, bool):
        raise ValueProblem(Message(N_("not a date: {value}"), value=repr(value)))
    if isinstance(value, (int, float)):
        return _serial(value, value, notes), notes
    text, had_urdu = ascii_digits(str(value).strip())
    if had_urdu:
        notes.append(Message(N_("Urdu/Arabic-Indic digits read as {text}"), text=text))
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _serial(float(text), value, notes), notes
    if m := _ISO.match(text) or _YMD_SLASH.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), value), notes
    if m := _DMY.match(text):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        if len(m[3]) == 2:
            year += 2000
            notes.append(Message(N_("two-digit year in {value} read as {year}"), value=repr(value), year=str(year)))
        if second > 12 >= first:
            # dd/mm cannot hold; a month/day date from a US-set spreadsheet is the likely cause
            notes.append(Message(N_("{value} read as month/day/year (day {day} cannot be a month)"),
                                 value=repr(value), day=second))
            first, second = second, first
        return _make_date(year, second, first, value), notes
    for fmt in _NAMED_FORMATS:
        try:
            return datetime.strptime(text, fmt).date(), notes
        except ValueError:
            continue
    raise ValueProblem(Message(N_("not a date: {value} (use YYYY-MM-DD or DD/MM/YYYY)"), value=repr(value)))


def _serial(serial: float, raw: object, notes: list[str]) -> date:
    if not math.isfinite(serial) or not 1 <= serial < 2_958_466:
        raise ValueProblem(Message(N_("not a date: {value}"), value=repr(raw)))
    if not 20_000 <= serial <= 80_000:  # 1954-2119: anything else is more likely a typo than a date
        raise ValueProblem(Message(N_("number {value} is not a plausible Excel date"), value=repr(raw)))
    result = excel_serial_to_date(serial)
    notes.append(Message(N_("Excel date number {value} read as {date}"), value=repr(raw), date=result.isoformat()))
    return result


def _category_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.lower()).strip(" .")


@cache
def _category_index(categories: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, str]:
    """Spelling key -> canonical value, built once per category table."""
    return {_category_key(s): canonical for canonical, spellings in categories for s in (canonical, *spellings)}


def parse_category(value: object, categories: dict[str, tuple[str, ...]]) -> str:
    """Canonical category for a value, matching canonical names and spellings case-insensitively."""
    text, _ = ascii_digits(str(value).strip())
    index = _category_index(tuple(categories.items()))
    try:
        return index[_category_key(text)]
    except KeyError:
        raise ValueProblem(Message(N_("unknown value {value}; allowed: {allowed}"), value=repr(value),
                                   allowed=", ".join(categories))) from None


def parse_id(value: object) -> str:
    """An identifier as text: spreadsheet numbers like ``12.0`` become ``"12"``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
