"""The data contract of each layer: which columns, of what type, with which allowed values and aliases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from layers.i18n import N_

Kind = Literal["id", "text", "int", "float", "bool", "date", "category", "district", "tehsil"]
Geometry = Literal["point", "point_or_kiln", "district"]

LAYERS = ("kilns", "inspections", "dvcs", "schools", "health", "ngo")


def normalise_header(header: object) -> str:
    """Header as matched against aliases: case, spaces, underscores, dots and Kobo group paths ignored.

    ``"School Name"``, ``"school_name"`` and ``"group_a1/school_name"`` all become ``"schoolname"``.
    """
    text = "" if header is None else str(header)
    text = text.strip().lstrip("\ufeff")
    if "/" in text:  # Kobo/ODK group path: keep the field's own name
        text = text.rsplit("/", 1)[-1]
    return re.sub(r"[\s_\-.:()#]+", "", text.lower())


@dataclass(frozen=True)
class Field:
    """One column of a contract.

    Parameters
    ----------
    name
        Canonical column name in the store and on the map.
    kind
        How the value is parsed and checked.
    required
        A row without a value here is rejected; a file without the column is refused.
    aliases
        Other headers accepted for this column (matched after :func:`normalise_header`).
    categories
        For ``kind="category"``: canonical value -> accepted spellings.
    minimum, maximum
        Bounds for numbers.
    personal
        Personal data (names of people, phone numbers, notes): never shared outside ``internal``.
    """

    name: str
    kind: Kind
    required: bool = False
    aliases: tuple[str, ...] = ()
    categories: dict[str, tuple[str, ...]] | None = None
    minimum: float | None = None
    maximum: float | None = None
    personal: bool = False
    label: str = ""

    def headers(self) -> tuple[str, ...]:
        """Every normalised header that names this column, the canonical name first."""
        return tuple(dict.fromkeys(normalise_header(h) for h in (self.name, *self.aliases)))

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Contract:
    """Everything a file for one layer must and may hold."""

    layer: str
    label: str
    geometry: Geometry
    fields: tuple[Field, ...]
    id_field: str | None = None
    source_note: str = ""
    extra_headers: tuple[str, ...] = ()

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def required(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)

    def known_headers(self) -> set[str]:
        """Normalised headers this contract recognises: used to find the header row of a sheet."""
        known = {h for f in self.fields for h in f.headers()}
        if self.geometry in ("point", "point_or_kiln"):
            known |= {normalise_header(h) for h in (*LAT_ALIASES, *LON_ALIASES, *COMBINED_ALIASES)}
        return known | {normalise_header(h) for h in self.extra_headers}


# -- coordinates: shared by every point layer -------------------------------------------------------
LAT_ALIASES = ("lat", "latitude", "y", "gps_lat", "gps_latitude", "lat_dd", "latitude_dd")
LON_ALIASES = ("lon", "lng", "long", "longitude", "x", "gps_lon", "gps_lng", "gps_longitude", "lon_dd")
COMBINED_ALIASES = ("_geolocation", "geolocation", "gps", "location", "coordinates", "geopoint", "latlon")
"""Columns holding both coordinates: ``"[31.5, 74.3]"`` (Kobo) or ``"31.5 74.3 210 5"`` (ODK geopoint)."""

NAME_ALIASES = ("name", "facility_name", "facility", "title")

YES_NO = {
    "yes": ("yes", "y", "true", "t", "1", "haan", "ہاں", "جی ہاں"),
    "no": ("no", "n", "false", "f", "0", "nahi", "نہیں"),
}

KILN_TYPES = {
    "FCBK": ("fcbk", "fixed chimney", "fixed chimney bull's trench kiln", "bull's trench", "btk"),
    "ZZ": ("zz", "zigzag", "zig-zag", "zig zag", "induced draught zigzag"),
    "other": ("other", "clamp", "hoffmann", "tunnel", "vsbk"),
}

SCHOOL_LEVELS = {
    "primary": ("primary", "primary school", "ps", "gps", "elementary"),
    "middle": ("middle", "middle school", "ms", "gms"),
    "high": ("high", "high school", "hs", "ghs", "secondary"),
    "higher_secondary": ("higher secondary", "higher_secondary", "hss", "ghss", "intermediate", "college"),
}

SCHOOL_GENDERS = {
    "girls": ("girls", "girl", "female", "f", "g", "women"),
    "boys": ("boys", "boy", "male", "m", "b", "men"),
    "mixed": ("mixed", "co-ed", "coed", "co education", "co-education", "both", "combined"),
}

SCHOOL_MANAGEMENT = {
    "public": ("public", "government", "govt", "govt.", "state"),
    "private": ("private", "pvt", "pvt."),
    "non_formal": ("non-formal", "non formal", "nonformal", "nfe", "nfbe", "non_formal", "literacy centre"),
}

HEALTH_TYPES = {
    "BHU": ("bhu", "basic health unit"),
    "RHC": ("rhc", "rural health centre", "rural health center"),
    "THQ": ("thq", "tehsil headquarters hospital", "thq hospital"),
    "DHQ": ("dhq", "district headquarters hospital", "dhq hospital"),
    "dispensary": ("dispensary", "gd", "government dispensary", "civil dispensary"),
    "MCH": ("mch", "mch centre", "maternal and child health centre"),
    "hospital": ("hospital", "teaching hospital", "civil hospital"),
}

NGO_SERVICES = {
    "non_formal_school": ("non formal school", "non-formal school", "nfs", "nfe centre", "kiln school"),
    "mobile_health_camp": ("mobile health camp", "health camp", "medical camp", "mobile clinic"),
    "legal_aid": ("legal aid", "legal aid desk", "lawyer", "paralegal"),
    "cnic_registration": ("cnic registration", "cnic van", "nadra van", "nadra mobile van", "cnic"),
    "social_protection": ("social protection", "social protection enrolment", "bisp", "ehsaas", "pessi", "eobi"),
}

VISIT_ACTIONS = {
    "none": ("none", "no action", "nil", "-"),
    "advice": ("advice", "counselling", "awareness", "warning", "notice"),
    "children_enrolled": ("children enrolled", "enrolled in school", "school enrolment"),
    "fir_registered": ("fir", "fir registered", "case registered", "case filed", "prosecution"),
    "workers_released": ("workers released", "released", "rescue", "rescued", "freed"),
    "referred": ("referred", "referral", "referred to dvc", "referred to court"),
}

CONTRACTS: dict[str, Contract] = {
    "kilns": Contract(
        layer="kilns",
        label=N_("Brick kilns"),
        geometry="point",
        id_field="kiln_id",
        fields=(
            Field("kiln_id", "id", required=True, aliases=("id", "kiln", "kiln_no", "kiln_code", "bkp_id")),
            Field("name", "text", aliases=("kiln_name", "bhatta", "bhatta_name", *NAME_ALIASES)),
            Field("kiln_type", "category", categories=KILN_TYPES, aliases=("type", "technology")),
            Field("owner_name", "text", personal=True, aliases=("owner", "malik", "owner name")),
            Field("owner_phone", "text", personal=True, aliases=("phone", "contact", "mobile")),
            Field("workers_reported", "int", minimum=0, maximum=5000, aliases=("workers", "no_of_workers")),
            Field("children_reported", "int", minimum=0, maximum=5000, aliases=("children", "no_of_children")),
        ),
        source_note=N_("Kiln points: satellite detections (Hamdani et al. 2025) or your own register."),
    ),
    "inspections": Contract(
        layer="inspections",
        label=N_("Inspection visits"),
        geometry="point_or_kiln",
        id_field="visit_id",
        fields=(
            Field("visit_id", "id", aliases=("id", "inspection_id", "visit_no", "_uuid", "instanceid")),
            Field("kiln_id", "id", aliases=("kiln", "kiln_no", "kiln_code", "bkp_id")),
            Field(
                "visit_date",
                "date",
                required=True,
                aliases=("date", "inspection_date", "date_of_visit", "visited_on", "today", "start"),
            ),
            Field("inspector", "text", personal=True, aliases=("inspector_name", "visited_by", "officer", "enumerator")),
            Field("child_labour_observed", "category", categories=YES_NO, aliases=("child_labour", "children_working")),
            Field(
                "bonded_labour_indicators",
                "category",
                categories=YES_NO,
                aliases=("bonded_labour", "bonded_labor_indicators", "peshgi_bondage", "debt_bondage"),
            ),
            Field("advance_amount_pkr", "float", minimum=0, maximum=10_000_000, aliases=("advance", "peshgi", "advance_amount")),
            Field("workers_count", "int", minimum=0, maximum=5000, aliases=("workers", "workers_present")),
            Field("children_count", "int", minimum=0, maximum=5000, aliases=("children", "children_present")),
            Field("action_taken", "category", categories=VISIT_ACTIONS, aliases=("action",)),
            Field("notes", "text", personal=True, aliases=("remarks", "comments", "observations")),
        ),
        source_note=N_("Inspection visits as recorded by labour inspectors or DVC members."),
    ),
    "dvcs": Contract(
        layer="dvcs",
        label=N_("District Vigilance Committees"),
        geometry="district",
        id_field=None,
        fields=(
            Field("district", "district", required=True, aliases=("district_name", "district_pcode", "adm2_pcode", "pcode", "zila")),
            Field("tehsil", "tehsil", aliases=("tehsil_name", "tehsil_pcode", "adm3_pcode", "taluka")),
            Field("notified", "category", required=True, categories=YES_NO, aliases=("dvc_notified", "is_notified", "notification")),
            Field("notified_date", "date", aliases=("notification_date", "date_notified")),
            Field("last_meeting_date", "date", aliases=("last_meeting", "meeting_date", "date_of_last_meeting")),
            Field("meetings_last_12m", "int", minimum=0, maximum=100, aliases=("meetings", "meetings_12m")),
            Field("chair", "text", aliases=("chairperson", "chaired_by")),
            Field("focal_person", "text", personal=True, aliases=("contact_person", "focal")),
            Field("focal_phone", "text", personal=True, aliases=("phone", "contact", "mobile")),
            Field("office_lat", "float", minimum=23.0, maximum=37.5, aliases=("office_latitude", "dvc_office_lat")),
            Field("office_lon", "float", minimum=60.0, maximum=78.0, aliases=("office_longitude", "dvc_office_lon")),
        ),
        source_note=N_("DVC notification and meeting records."),
    ),
    "schools": Contract(
        layer="schools",
        label=N_("Schools"),
        geometry="point",
        id_field="school_id",
        fields=(
            Field("school_id", "id", aliases=("id", "emis", "emis_code", "semis", "semis_code", "school_code")),
            Field("name", "text", required=True, aliases=("school_name", "school", *NAME_ALIASES)),
            Field("level", "category", categories=SCHOOL_LEVELS, aliases=("school_level", "type")),
            Field("gender", "category", categories=SCHOOL_GENDERS, aliases=("school_gender", "for", "gender_type")),
            Field("management", "category", categories=SCHOOL_MANAGEMENT, aliases=("managed_by", "sector", "ownership")),
            Field("enrolment", "int", minimum=0, maximum=20000, aliases=("enrollment", "students", "enrolled")),
        ),
        source_note=N_("School locations."),
    ),
    "health": Contract(
        layer="health",
        label=N_("Health units"),
        geometry="point",
        id_field="facility_id",
        fields=(
            Field("facility_id", "id", aliases=("id", "hf_id", "facility_code", "code")),
            Field("name", "text", required=True, aliases=("facility_name", "health_facility", "hf_name", *NAME_ALIASES)),
            Field("facility_type", "category", categories=HEALTH_TYPES, aliases=("type", "category", "hf_type")),
        ),
        source_note=N_("Public health facility locations."),
    ),
    "ngo": Contract(
        layer="ngo",
        label=N_("NGO services"),
        geometry="point",
        id_field="service_id",
        fields=(
            Field("service_id", "id", aliases=("id", "code")),
            Field("name", "text", required=True, aliases=("service_name", "site_name", *NAME_ALIASES)),
            Field("organisation", "text", aliases=("organization", "ngo", "partner", "org")),
            Field("service_type", "category", required=True, categories=NGO_SERVICES, aliases=("service", "type", "activity")),
            Field("start_date", "date", aliases=("since", "started")),
            Field("end_date", "date", aliases=("until", "ended")),
            Field("kiln_id", "id", aliases=("kiln",)),
            Field("contact_phone", "text", personal=True, aliases=("phone", "contact", "mobile")),
        ),
        source_note=N_("NGO service points (3W / partner reports)."),
    ),
}


FIELD_TITLES = (
    N_("Kiln id"), N_("Name"), N_("Kiln type"), N_("Owner name"), N_("Owner phone"),
    N_("Workers reported"), N_("Children reported"), N_("Visit id"), N_("Visit date"), N_("Inspector"),
    N_("Child labour observed"), N_("Bonded labour indicators"), N_("Advance amount pkr"),
    N_("Workers count"), N_("Children count"), N_("Action taken"), N_("Notes"), N_("District"),
    N_("Tehsil"), N_("Notified"), N_("Notified date"), N_("Last meeting date"), N_("Meetings last 12m"),
    N_("Chair"), N_("Focal person"), N_("Focal phone"), N_("Office lat"), N_("Office lon"),
    N_("School id"), N_("Level"), N_("Gender"), N_("Management"), N_("Enrolment"), N_("Facility id"),
    N_("Facility type"), N_("Service id"), N_("Organisation"), N_("Service type"), N_("Start date"),
    N_("End date"), N_("Contact phone"),
)
"""Every field's :attr:`Field.title` (its name in words), marked for the catalogue: shown as ``_(f.title)``."""


def contract(layer: str) -> Contract:
    """The contract of ``layer``; a clear error naming the known layers otherwise."""
    try:
        return CONTRACTS[layer]
    except KeyError:
        raise ValueError(f"unknown layer {layer!r}; known layers: {', '.join(LAYERS)}") from None
