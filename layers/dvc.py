"""District Vigilance Committee status per district: active, dormant, not notified, unknown."""

from __future__ import annotations

from datetime import date

import pandas as pd

ACTIVE_MONTHS = 6
STATUS_ORDER = ("active", "dormant", "not_notified", "unknown")
STATUS_LABELS = {
    "active": "Active (met within 6 months)",
    "dormant": "Dormant (notified, no meeting in 6 months)",
    "not_notified": "Not notified",
    "unknown": "No data",
}


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
    cutoff = pd.Timestamp(as_of) - pd.DateOffset(months=ACTIVE_MONTHS)
    for i, pcode in enumerate(out["district_pcode"]):
        if pcode not in rows.index:
            continue
        r = rows.loc[pcode]
        last = pd.to_datetime(r.get("last_meeting_date"), errors="coerce")
        if r.get("notified") != "yes":
            status = "not_notified"
        elif pd.notna(last) and cutoff <= last <= pd.Timestamp(as_of):
            status = "active"
        else:
            status = "dormant"
        out.loc[i, ["status", "notified_date", "last_meeting_date", "synthetic", "source"]] = [
            status, pd.to_datetime(r.get("notified_date"), errors="coerce"), last,
            bool(r.get("synthetic", False)), r.get("source", ""),
        ]
    return out
