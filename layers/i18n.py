"""English and Urdu: the message catalogues, numbers, dates and place names of the chosen language.

Every text a person reads is written in English in the code, marked for translation with ``_()`` (or ``N_()``
where it is defined before a language is known), and looked up at run time in the language's gettext
catalogue, ``layers/locales/<lang>/LC_MESSAGES/messages.po``. ``make i18n`` extracts the marked strings with
Babel and updates both catalogues; ``tests/test_i18n.py`` fails when a string is missing from either.

Typical use in a function that renders::

    tr = translator(lang)
    _ = tr.gettext
    title = _("Kilns not visited in {months} months").format(months=tr.num(12))
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pandas as pd
from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from loaders.paths import ROOT

LOCALE_DIR = Path(__file__).resolve().parent / "locales"
FONT_DIR = Path(__file__).resolve().parent / "fonts"
URDU_FONT = FONT_DIR / "NotoNaskhArabic-Regular.ttf"
URDU_FONT_BOLD = FONT_DIR / "NotoNaskhArabic-Bold.ttf"
PLACE_NAMES = ROOT / "data" / "i18n" / "place_names_ur.csv"

LANGUAGES = {"en": "English", "ur": "اردو"}
"""Language code -> its own name, as the switch shows it."""
DEFAULT_LANGUAGE = "en"
RTL_LANGUAGES = frozenset({"ur"})
MISSING_NAME = "{name} (EN)"
"""How a place with no Urdu name yet appears on an Urdu page: its English name, marked."""

_LOCALES = {"en": "en_PK", "ur": "ur_PK"}
_URDU_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_RTL_CHARS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark a string for extraction without translating it now: it is translated where it is shown."""
    return message


def has_rtl(text: object) -> bool:
    """Whether ``text`` holds Arabic-script (or Hebrew) letters: it then needs shaping and bidi."""
    return isinstance(text, str) and bool(_RTL_CHARS.search(text))


@cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid -> msgstr of ``lang``'s catalogue (fuzzy and empty entries left out: they fall back to English)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        parsed = read_po(fh, locale=_LOCALES.get(lang, lang))
    return {m.id: m.string for m in parsed if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


@cache
def place_names() -> dict[str, str]:
    """P-code -> Urdu name, from ``data/i18n/place_names_ur.csv`` (rows with an empty Urdu name left out)."""
    if not PLACE_NAMES.exists():
        return {}
    with PLACE_NAMES.open(encoding="utf-8", newline="") as fh:
        return {row["pcode"]: unicodedata.normalize("NFC", row["name_ur"].strip())
                for row in csv.DictReader(fh) if row.get("name_ur", "").strip()}


@dataclass(frozen=True)
class Translator:
    """The texts, numbers, dates and place names of one language."""

    lang: str = DEFAULT_LANGUAGE
    urdu_digits: bool = False
    """Write numbers with Urdu digits (۱۲۳) on Urdu pages; off by default, as most official forms use 123."""
    messages: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def rtl(self) -> bool:
        return self.lang in RTL_LANGUAGES

    @property
    def direction(self) -> str:
        """``rtl`` or ``ltr``: the HTML ``dir`` of this language's pages."""
        return "rtl" if self.rtl else "ltr"

    @property
    def locale(self) -> str:
        return _LOCALES.get(self.lang, self.lang)

    def gettext(self, message: str) -> str:
        """``message`` in this language; the English text when the catalogue has none."""
        return self.messages.get(message, message)

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """Singular or plural form of a message (both forms are catalogue keys)."""
        return self.gettext(singular if count == 1 else plural)

    def digits(self, text: str) -> str:
        """``text`` with Urdu digits when that setting is on (ids and P-codes are never passed here)."""
        return text.translate(_URDU_DIGITS) if self.urdu_digits and self.rtl else text

    def num(self, value: float | int | None, decimals: int = 0) -> str:
        """A number grouped as the language writes it: ``12,345`` / ``۱۲٬۳۴۵``; ``–`` when missing."""
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            return "–"
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        system = "arabext" if self.urdu_digits and self.rtl else "latn"
        return self.digits(format_decimal(value, format=pattern, locale=self.locale, numbering_system=system))

    def date(self, value: date | datetime | pd.Timestamp | None, style: str = "d MMM y") -> str:
        """A date as the language writes it: ``23 Nov 2026`` / ``23 نومبر 2026``; ``–`` when missing.

        ``style`` is a CLDR pattern or ``short``/``medium``/``long``."""
        if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
            return "–"
        if isinstance(value, pd.Timestamp):
            value = value.date()
        if isinstance(value, datetime):
            value = value.date()
        return self.digits(format_date(value, style, locale=self.locale))

    def datetime(self, value: datetime | pd.Timestamp | None) -> str:
        if value is None or value is pd.NaT:
            return "–"
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        return self.digits(format_datetime(value, "medium", locale=self.locale))

    def place(self, pcode: str | None, english: str) -> str:
        """A district's or tehsil's name: the Urdu name on Urdu pages, else the English one marked ``(EN)``."""
        if not self.rtl:
            return english
        urdu = place_names().get(pcode or "")
        return urdu if urdu else MISSING_NAME.format(name=english)


@cache
def translator(lang: str | None = None, *, urdu_digits: bool = False) -> Translator:
    """The translator of ``lang`` (English when unknown or empty)."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return Translator(lang, urdu_digits, catalogue(lang) if lang != DEFAULT_LANGUAGE else {})


ENGLISH = translator(DEFAULT_LANGUAGE)
