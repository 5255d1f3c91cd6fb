"""Who may see and do what: roles, their district scope and the most open profile each may use.

Every data access of the app and the command line goes through an :class:`Access`: the layers are cut to its
districts (:func:`scope_layers`, :func:`scope_gaps`) and a profile asked for is narrowed to the role's
(:meth:`Access.profile`) before anything is redacted, drawn or exported. Hiding a widget is never the check.

Roles:

``admin``
    Everything: every district in the internal profile, data imports, users, the audit trail.
``manager``
    Every district in the internal profile: gap maps, routes, visits, columns to share.
``dvc``
    A District Vigilance Committee member: the assigned districts only, internal profile there; plans
    routes and records visits in them. Records of any other district never reach their pages or files.
``viewer``
    The public profile only, every district.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas as pd

from layers.catalog import LayerData
from layers.gap_report import GapReport
from layers.i18n import N_
from layers.redact import PROFILES, more_open
from loaders.accounts import ROLES, Account
from loaders.problems import Message

ROLE_WORDS = {
    "admin": "administrator: users, data, audit, every district",
    "manager": "programme manager: every district, internal profile",
    "dvc": "DVC member: assigned districts only",
    "viewer": "viewer: public profile only",
}
CEILING = {"admin": "internal", "manager": "internal", "dvc": "internal", "viewer": "public"}
"""The most open redaction profile (layers.redact.PROFILES) of each role."""
ACTIONS = {
    "read_records": {"admin", "manager", "dvc"},  # per-kiln visits and priorities, exact counts (internal)
    "plan_routes": {"admin", "manager", "dvc"},
    "record_visits": {"admin", "manager", "dvc"},
    "share_columns": {"admin", "manager"},
    "import_data": {"admin"},
    "manage_users": {"admin"},
    "read_audit": {"admin"},
}
"""What each action needs, beyond the district scope."""
ACTION_WORDS = {
    "read_records": N_("read records"),
    "plan_routes": N_("plan routes"),
    "record_visits": N_("record visits"),
    "share_columns": N_("share columns"),
    "import_data": N_("import data"),
    "manage_users": N_("manage users"),
    "read_audit": N_("read audit"),
}
"""Each action in the words of a refusal ("may not read records")."""


class Forbidden(Exception):
    """The user's role or districts do not allow this; the message says which, in plain words.

    Its argument is a :class:`loaders.problems.Message`: English as it is, in Urdu with
    ``loaders.problems.render(refused.args[0], lang)``."""


@dataclass(frozen=True)
class Access:
    """A signed-in user (or the local user when no sign-in is configured) and what they may see."""

    user: str
    role: str
    districts: frozenset[str] | None = None
    """District P-codes the user may see; ``None``: all of them (every role but ``dvc``)."""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}: one of {', '.join(ROLES)}")
        if self.role == "dvc" and not self.districts:
            raise ValueError(f"{self.user}: a dvc user needs at least one district")
        if self.role != "dvc" and self.districts is not None:
            object.__setattr__(self, "districts", None)  # other roles see every district

    @property
    def ceiling(self) -> str:
        return CEILING[self.role]

    def profile(self, asked: str | None = None) -> str:
        """The profile to use: the one asked for, narrowed to the role's ceiling (a viewer asking for
        ``internal`` gets ``public``). Unknown names give the most restricted profile."""
        if asked not in PROFILES:
            return PROFILES[-1]
        return self.ceiling if more_open(asked, self.ceiling) else asked

    def profiles(self) -> tuple[str, ...]:
        """The profiles this user may choose, most open first."""
        return PROFILES[PROFILES.index(self.ceiling):]

    def may(self, action: str) -> bool:
        return self.role in ACTIONS[action]

    def require(self, action: str) -> None:
        if not self.may(action):
            allowed = ", ".join(r for r in ROLES if r in ACTIONS[action])
            raise Forbidden(Message(N_("{user} ({role}) may not {action}: only {allowed}"), user=self.user,
                                    role=self.role, action=Message(ACTION_WORDS[action]), allowed=allowed))

    def sees(self, district: str | None) -> bool:
        """Whether records of ``district`` (a P-code; ``None``: the whole area) are in this user's scope."""
        if self.districts is None:
            return True
        return district is not None and district in self.districts

    def require_district(self, district: str | None, *, names: Mapping[str, str] | None = None) -> None:
        if not self.sees(district):
            name = (names or {}).get(district or "") or district or Message(N_("the whole area"))
            raise Forbidden(Message(N_("{user} may see {scope} only, not {name}"), user=self.user,
                                    scope=self.scope_words(names), name=name))

    def scope_words(self, names: Mapping[str, str] | None = None) -> str:
        if self.districts is None:
            return Message(N_("every district"))
        return ", ".join(sorted((names or {}).get(d, d) for d in self.districts))


def access_of(account: Account) -> Access:
    """What a stored account may see (its districts count for the dvc role only)."""
    return Access(account.username, account.role, account.districts if account.role == "dvc" else None)


LOCAL_ADMIN = Access("local user (no sign-in)", "admin")
"""The one user of an app with no sign-in configured (it then answers on this computer only)."""


def in_scope(frame: pd.DataFrame, access: Access) -> pd.DataFrame:
    """Rows of ``frame`` (by ``district_pcode``) in the user's districts; every row for unscoped roles."""
    if access.districts is None or "district_pcode" not in frame:
        return frame if access.districts is None else frame.iloc[0:0]
    return frame[frame["district_pcode"].isin(access.districts)]


def scope_layers(layers: Mapping[str, LayerData], access: Access) -> dict[str, LayerData]:
    """Every layer cut to the user's districts (a record without a district is outside every scope)."""
    if access.districts is None:
        return dict(layers)
    return {name: dataclasses.replace(data, frame=in_scope(data.frame, access)) for name, data in layers.items()}


def scope_gaps(report: GapReport, access: Access) -> GapReport:
    """The gap report with per-kiln rows of the user's districts only; the area tables (counts, no records)
    are cut to the same districts and their tehsils."""
    if access.districts is None:
        return report
    return dataclasses.replace(
        report,
        kilns=in_scope(report.kilns, access),
        districts=_area_rows(report.districts, access.districts),
        tehsils=_area_rows(report.tehsils, access.districts),
        dvc=_area_rows(report.dvc, access.districts),
    )


def _area_rows(frame: pd.DataFrame, districts: Collection[str]) -> pd.DataFrame:
    for column in ("district_pcode", "ADM2_PCODE"):
        if column in frame:
            return frame[frame[column].isin(districts)]
    return frame.iloc[0:0]
