"""District Vigilance Committee status per district: active, dormant, not notified, unknown."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from layers.i18n import N_

ACTIVE_MONTHS = 6
STATUS_ORDER = ("active", "dormant", "not_notified", "unknown")
STATUS_LABELS = {
    "active": N_("Active (met within 6 months)"),
    "dormant": N_("Dormant (notified, no meeting in 6 months)"),
    "not_notified": N_("Not notified"),
    "unknown": N_("No data"),
}
"""Each status in words (English: translate where shown, ``tr(STATUS_LABELS[s])``)."""
STATUS_SHORT = {
    "active": N_("Active"),
    "dormant": N_("Dormant"),
    "not_notified": N_("Not notified"),
    "unknown": N_("No data"),
}
"""The status alone, without its explanation: ``STATUS_LABELS[s].split(" (")[0]`` as a message of its own, so
a translated label need not be cut (Urdu has no English parenthesis to cut at)."""


def dvc_status(dvcs: pd.DataFrame | None, district_pcodes: pd.Series, *, as_of: date) -> pd.DataFrame:
    """One row per district: ``status``, ``notified_date``, ``last_meeting_date``, ``synthetic``, ``source``.

    Only district-level committee rows (no tehsil) decide the district's status; a district with no
    row is ``unknown`` ("no data"), never counted as not notified.
    """
    out = pd.DataFrame({"district_pcode": district_pcodes.astype(str).values})
    out["status"] = "unknown"
    out["notified_date"] = pd.NaT
    out["last_meeting_date"] = pd.NaT
    out["synthetic"] = False
    out["source"] = ""
    if dvcs is None or dvcs.empty:
        return out
    rows = dvcs[dvcs["tehsil_pcode"].isna()] if "tehsil_pcode" in dvcs else dvcs
    rows = rows.drop_duplicates("district_pcode", keep="last").set_index("district_pcode")
    cols = [c for c in ("notified", "notified_date", "last_meeting_date", "synthetic", "source") if c in rows]
    merged = out[["district_pcode"]].join(rows[cols], on="district_pcode")
    last = pd.to_datetime(merged["last_meeting_date"], errors="coerce")
    cutoff = pd.Timestamp(as_of) - pd.DateOffset(months=ACTIVE_MONTHS)
    out["status"] = np.select(
        [merged["notified"].isna(), merged["notified"] != "yes", (last >= cutoff) & (last <= pd.Timestamp(as_of))],
        ["unknown", "not_notified", "active"],
        "dormant",
    )
    out["notified_date"] = pd.to_datetime(merged["notified_date"], errors="coerce")
    out["last_meeting_date"] = last
    if "synthetic" in merged:
        out["synthetic"] = merged["synthetic"].fillna(False).astype(bool)
    if "source" in merged:
        out["source"] = merged["source"].fillna("")
    return out


def active_tehsils(dvcs: pd.DataFrame | None, *, as_of: date) -> set[str]:
    """Tehsils whose own committee (a row with a tehsil) is notified and met within 6 months of ``as_of``."""
    if dvcs is None or dvcs.empty or "tehsil_pcode" not in dvcs:
        return set()
    rows = dvcs[dvcs["tehsil_pcode"].notna()]
    last = pd.to_datetime(rows["last_meeting_date"], errors="coerce")
    cutoff = pd.Timestamp(as_of) - pd.DateOffset(months=ACTIVE_MONTHS)
    active = (rows["notified"] == "yes") & (last >= cutoff) & (last <= pd.Timestamp(as_of))
    return set(rows.loc[active, "tehsil_pcode"].astype(str))
