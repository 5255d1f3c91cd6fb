"""The visit form, shared by the Visits and Routes pages: record a visit or a new version of one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.i18n import _, tr
from dashboard.resources import get_reference, get_store, session_access
from layers.access import LOCAL_ADMIN
from layers.catalog import all_kilns
from layers.html import md
from layers.i18n import N_
from loaders.accounts import audit
from loaders.contracts import VISIT_ACTIONS, YES_NO
from loaders.store import VisitConflict
from loaders.visits import check_visit

NOT_RECORDED = "not recorded"
LABELS = {
    "kiln_id": N_("Kiln"), "visit_date": N_("Date of visit"), "inspector": N_("Visited by (role or team)"),
    "workers_count": N_("Workers present"), "children_count": N_("Children present"),
    "child_labour_observed": N_("Children seen working"), "bonded_labour_indicators": N_("Bonded-labour indicators"),
    "advance_amount_pkr": N_("Advance (peshgi) owed, PKR"), "action_taken": N_("Action taken"), "notes": N_("Notes"),
}
"""A visit's fields as the form names them, in English: translate where shown (:func:`label`)."""
CHOICES = {
    NOT_RECORDED: N_("not recorded"), "yes": N_("yes"), "no": N_("no"), "none": N_("none"), "advice": N_("advice"),
    "children_enrolled": N_("children enrolled"), "fir_registered": N_("fir registered"),
    "workers_released": N_("workers released"), "referred": N_("referred"),
}
"""The form's choices (loaders.contracts YES_NO and VISIT_ACTIONS; stored as the key) in words."""


def label(column: str | None) -> str | None:
    """A visit field's name in the page's language (the column itself when the form has no name for it)."""
    return _(LABELS[column]) if column in LABELS else column


def choice(value: str, translate: Callable[[str], str] = _) -> str:
    """A choice of the form in words, in the page's language (``translate``: a run's ``Translator.gettext``)."""
    return translate(CHOICES[value]) if value in CHOICES else value.replace("_", " ")


def _choice(value: object) -> str:
    return NOT_RECORDED if value is None or (isinstance(value, float) and pd.isna(value)) or value == "" else str(value)


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _count(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def visit_form(kiln_id: str, *, key: str, today: date, edit: pd.Series | None = None, expected_version: int = 0,
               synthetic: bool = False) -> None:
    """A form for one visit to ``kiln_id``; ``edit`` (a visit's row) fills it in and stores a new version.

    On success the page reruns, so every map, priority and gap figure is computed again from the store.
    """
    old = edit if edit is not None else pd.Series(dtype=object)
    t = tr()

    def words(value: str) -> str:  # this run's language, also where Streamlit words the options later
        return choice(value, t.gettext)

    # a failed save keeps what was typed; a saved visit gets a fresh, empty form (a new key)
    with st.form(f"{key}_{st.session_state.get('visit_forms_saved', 0)}"):
        c1, c2, c3 = st.columns(3)
        visit_day = old.get("visit_date")
        visited = c1.date_input(label("visit_date"), visit_day.date() if isinstance(visit_day, pd.Timestamp) else today,
                                max_value=today, format="YYYY-MM-DD")
        who = c2.text_input(label("inspector"), "" if pd.isna(old.get("inspector", None)) else old["inspector"],
                            max_chars=120, help=_("A role or team, e.g. 'Labour inspector, Kasur' or 'DVC member'"))
        action = c3.selectbox(label("action_taken"), [NOT_RECORDED, *VISIT_ACTIONS],
                              index=[NOT_RECORDED, *VISIT_ACTIONS].index(_choice(old.get("action_taken"))),
                              format_func=words)
        c4, c5, c6 = st.columns(3)
        workers = c4.number_input(label("workers_count"), 0, 5000, _count(old.get("workers_count")), 1)
        children = c5.number_input(label("children_count"), 0, 5000, _count(old.get("children_count")), 1,
                                   help=_("Children under 14 present at the kiln"))
        advance = c6.number_input(label("advance_amount_pkr"), 0.0, 10_000_000.0,
                                  _number(old.get("advance_amount_pkr")), 1000.0)
        c7, c8 = st.columns(2)
        yes_no = [NOT_RECORDED, *YES_NO]
        working = c7.radio(label("child_labour_observed"), yes_no, horizontal=True, format_func=words,
                           index=yes_no.index(_choice(old.get("child_labour_observed"))))
        bonded = c8.radio(label("bonded_labour_indicators"), yes_no, horizontal=True, format_func=words,
                          index=yes_no.index(_choice(old.get("bonded_labour_indicators"))),
                          help=_("Advance (peshgi) tying the family to the kiln, restricted movement, withheld wages"))
        notes = st.text_area(label("notes"), "" if pd.isna(old.get("notes", None)) else old["notes"], max_chars=2000,
                             help=_("No names of workers, no phone numbers, no CNICs."))
        if edit is not None:
            c9, c10 = st.columns(2)
            editor = c9.text_input(_("Your role (kept with this version)"), max_chars=120)
            why = c10.text_input(_("Why it changes"), max_chars=300)
        saved = st.form_submit_button(_("Save a new version") if edit is not None else _("Record visit"), type="primary")
    if not saved:
        return
    values = {"kiln_id": kiln_id, "visit_date": visited, "inspector": who, "workers_count": workers,
              "children_count": children, "advance_amount_pkr": advance,
              "child_labour_observed": None if working == NOT_RECORDED else working,
              "bonded_labour_indicators": None if bonded == NOT_RECORDED else bonded,
              "action_taken": None if action == NOT_RECORDED else action, "notes": notes}
    if edit is not None:
        values["visit_id"] = edit["visit_id"]
    ref = get_reference()
    store = get_store()
    report = check_visit(values, ref=ref, known_kilns=all_kilns(store, ref), today=today)
    by = (editor if edit is not None else who).strip()
    problems = [f"**{label(p.column)}**: {md(p.render(t))}" for p in report.rejected]
    if not by:
        problems.append(_("**{field}** is required: who recorded the visit is kept with it.").format(
            field=_("Your role") if edit is not None else label("inspector")))
    access = session_access()
    district = report.accepted["district_pcode"].iloc[0] if len(report.accepted) else None
    if len(report.accepted) and not access.sees(district):  # whatever the page offered: checked on the server
        problems.append(_("kiln {kiln} is outside the districts {user} may record visits in").format(
            kiln=md(kiln_id), user=md(access.user)))
    if not access.may("record_visits"):
        problems.append(_("{user} ({role}) may not record visits").format(user=md(access.user), role=md(access.role)))
    if problems:
        st.error(_("Not saved. {problems}").format(problems=" · ".join(problems)))
        return
    if access is not LOCAL_ADMIN:  # the signed-in user is who recorded it; the typed role stays in the record
        by = access.user
    try:
        result = store.record_visit(report, by=by, edit_of=None if edit is None else edit["visit_id"],
                                    expected_version=None if edit is None else expected_version,
                                    note=why if edit is not None else "", synthetic=synthetic or None)
    except (VisitConflict, ValueError) as err:
        st.error(_("Not saved: {error}").format(error=md(err)))
        return
    audit(store, actor=access.user, action="visit_edited" if result.version > 1 else "visit_added",
          object=f"visit {result.visit_id} (kiln {kiln_id})",
          summary=f"version {result.version}, district {district}" + (f": {why}" if edit is not None and why else ""))
    st.session_state["visit_forms_saved"] = st.session_state.get("visit_forms_saved", 0) + 1
    saved_text = (_("Visit {visit} to kiln {kiln} saved as version {version}. The map, priorities and gap figures "
                    "now include it.") if result.version > 1 else
                  _("Visit {visit} to kiln {kiln} saved. The map, priorities and gap figures now include it."))
    st.session_state["visit_flash"] = saved_text.format(visit=md(result.visit_id), kiln=md(kiln_id),
                                                        version=t.num(result.version))
    st.rerun()


def show_flash() -> None:
    """The confirmation of the last save (it survives the rerun that recomputes everything).

    Always one container, empty or not: an element that comes and goes would shift the tabs below it, and
    Streamlit would then reopen their first tab.
    """
    box = st.container()
    if message := st.session_state.pop("visit_flash", None):
        box.success(message)
