"""District names as people write them, matched to COD-AB 2022 P-codes."""

from __future__ import annotations

import re

# COD 2022 names plus the spellings found in government lists, census tables and everyday use.
# Districts notified after 2022 map to their COD 2022 parent (data/geo/README.md, caveats).
DISTRICT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "PK601": ("Attock", "Campbellpur"),
    "PK602": ("Bahawalnagar", "Bahawal Nagar"),
    "PK603": ("Bahawalpur",),
    "PK604": ("Bhakkar", "Bhakar"),
    "PK605": ("Chakwal", "Talagang"),
    "PK606": ("Chiniot",),
    "PK607": ("Dera Ghazi Khan", "D.G. Khan", "DG Khan", "D G Khan", "Dera Ghazi", "Taunsa", "Taunsa Sharif"),
    "PK608": ("Faisalabad", "Lyallpur"),
    "PK609": ("Gujranwala", "Wazirabad"),
    "PK610": ("Gujrat",),
    "PK611": ("Hafizabad",),
    "PK612": ("Jhang",),
    "PK613": ("Jhelum",),
    "PK614": ("Kasur", "Qasur"),
    "PK615": ("Khanewal",),
    "PK616": ("Khushab", "Jauharabad"),
    "PK617": ("Lahore",),
    "PK618": ("Leiah", "Layyah", "Layya"),
    "PK619": ("Lodhran",),
    "PK620": ("Mandi Bahauddin", "M.B. Din", "MB Din", "Mandi Bahaudin", "Mandi Baha ud Din"),
    "PK621": ("Mianwali",),
    "PK622": ("Multan",),
    "PK623": ("Muzaffargarh", "Muzafargarh", "Kot Addu"),
    "PK624": ("Nankana Sahib", "Nankana"),
    "PK625": ("Narowal",),
    "PK626": ("Okara",),
    "PK627": ("Pakpattan", "Pak Pattan"),
    "PK628": ("Rahim Yar Khan", "R.Y. Khan", "RY Khan", "Rahimyar Khan"),
    "PK629": ("Rajanpur", "Rajan Pur"),
    "PK630": ("Rawalpindi", "Pindi", "Murree"),
    "PK631": ("Sahiwal",),
    "PK632": ("Sargodha",),
    "PK633": ("Sheikhupura", "Shekhupura"),
    "PK634": ("Sialkot",),
    "PK635": ("Toba Tek Singh", "T.T. Singh", "TT Singh", "Toba"),
    "PK636": ("Vehari", "Vihari"),
    "PK701": ("Badin",),
    "PK702": ("Central Karachi", "Karachi Central", "District Central"),
    "PK703": ("Dadu",),
    "PK704": ("East Karachi", "Karachi East", "District East"),
    "PK705": ("Ghotki", "Mirpur Mathelo"),
    "PK706": ("Hyderabad",),
    "PK707": ("Jacobabad",),
    "PK708": ("Jamshoro",),
    "PK709": ("Kambar Shahdad Kot", "Qambar Shahdadkot", "Kambar Shahdadkot", "Qambar", "Kambar"),
    "PK710": ("Kashmore", "Kandhkot", "Kashmore Kandhkot"),
    "PK711": ("Khairpur", "Khairpur Mirs", "Khairpur Mir's"),
    "PK712": ("Korangi Karachi", "Korangi", "Karachi Korangi"),
    "PK713": ("Larkana", "Larkano"),
    "PK714": ("Malir Karachi", "Malir", "Karachi Malir"),
    "PK715": ("Matiari", "Matiyari"),
    "PK716": ("Mirpur Khas", "Mirpurkhas"),
    "PK717": ("Naushahro Feroze", "Naushero Feroze", "Naushahro Feroz", "Nowshero Feroz"),
    "PK718": ("Sanghar",),
    "PK719": ("Shaheed Benazir Abad", "Shaheed Benazirabad", "Benazirabad", "Nawabshah", "SBA"),
    "PK720": ("Shikarpur",),
    "PK721": ("South Karachi", "Karachi South", "District South"),
    "PK722": ("Sujawal",),
    "PK723": ("Sukkur",),
    "PK724": ("Tando Allahyar", "Tando Allah Yar", "Tando Ahyar"),
    "PK725": ("Tando Muhammad Khan", "T.M. Khan", "TM Khan", "Tando Mohammad Khan"),
    "PK726": ("Tharparkar", "Thar", "Mithi"),
    "PK727": ("Thatta", "Thatto"),
    "PK728": ("Umer Kot", "Umerkot", "Umarkot"),
    "PK729": ("West Karachi", "Karachi West", "District West"),
}

AMBIGUOUS = {
    "keamari": "Keamari (2020) straddles West Karachi and South Karachi in COD 2022; give the P-code PK729 or PK721",
    "kemari": "Keamari (2020) straddles West Karachi and South Karachi in COD 2022; give the P-code PK729 or PK721",
    "karachi": "Karachi has six COD 2022 districts; name one (e.g. Central Karachi) or give its P-code",
}


def spelling_key(text: str) -> str:
    """Key for comparing place names: lower case, no punctuation or spaces, no 'district' word."""
    key = re.sub(r"[^\w]+", " ", str(text).lower(), flags=re.UNICODE)
    key = re.sub(r"\b(district|distt|dist|zila|zilla)\b", " ", key)
    return re.sub(r"\s+", "", key)


_BY_KEY = {spelling_key(name): pcode for pcode, names in DISTRICT_SPELLINGS.items() for name in names}


def match_district(text: object) -> tuple[str | None, str | None]:
    """P-code for a district written as a P-code or a name; ``(None, reason)`` when unknown."""
    raw = "" if text is None else str(text).strip()
    if not raw:
        return None, "district missing"
    code = raw.upper()
    if code in DISTRICT_SPELLINGS:
        return code, None
    if re.fullmatch(r"PK\d{3}", code):
        return None, f"P-code {raw!r} is not a district of Punjab or Sindh (PK601-PK636, PK701-PK729)"
    key = spelling_key(raw)
    if key in _BY_KEY:
        return _BY_KEY[key], None
    if key in AMBIGUOUS:
        return None, AMBIGUOUS[key]
    return None, f"unknown district {raw!r}: use a COD 2022 name or P-code (e.g. 'Kasur' or 'PK614')"
