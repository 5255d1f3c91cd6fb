"""The app's pages in Urdu and English (AppTest): sidebar, Map page, notices, Sources, Users and audit, the URL.

Urdu pages take their texts from the Urdu catalogue, their district names from data/i18n/place_names_ur.csv and
read right to left; English pages are as they were. The language and the digit setting live in the URL.
"""

from __future__ import annotations

import re
from datetime import date

from test_app import db, metrics, rerun, run_app, url  # noqa: F401 - db is a fixture
from test_signin import PASSWORD, accounts  # noqa: F401 - accounts is a fixture

from bhatta.catalogues import extract, problems
from dashboard.state import default_window
from layers.i18n import place_names

KASUR, LAHORE = "PK614", "PK617"
FILES = ("dashboard/sidebar.py", "dashboard/state.py", "dashboard/app.py", "dashboard/auth.py",
         "dashboard/exports.py", "dashboard/resources.py", "dashboard/flow.py", "dashboard/views/map.py",
         "dashboard/views/sources.py", "dashboard/views/audit.py")
URDU_DIGITS = re.compile("[۰-۹]")
LATIN_DIGITS = re.compile("[0-9]")


def kasur_ur() -> str:
    """Kasur as an Urdu page names it: its Urdu name, or the visible English fallback."""
    return place_names().get(KASUR) or "Kasur (EN)"


def heading(at) -> str:
    return at.markdown[0].value


def page_titles(at) -> list[str]:
    """The titles st.navigation shows (AppTest keeps the registered pages, with no public accessor)."""
    return [info.get("page_name") for info in at._registered_pages.values()]


def styles(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def test_every_message_of_the_pages_has_english_and_urdu():
    found = {msg: [p for p in places if p[0] in FILES] for msg, places in extract().items()}
    found = {msg: places for msg, places in found.items() if places}
    assert len(found) > 100
    assert problems(found) == []


def test_kasur_has_its_urdu_name():
    assert kasur_ur() == "قصور"


def test_an_urdu_link_opens_urdu_pages_read_right_to_left(db):
    at = run_app("map", lang="ur", district=KASUR)
    sidebar = {s.key: s for s in at.sidebar.selectbox}
    assert sidebar["w_province"].label == "صوبہ"
    assert sidebar["w_district"].label == "ضلع"
    assert sidebar["w_district"].value == KASUR
    assert f"{kasur_ur()} ({KASUR})" in sidebar["w_district"].options
    assert "تمام اضلاع" in sidebar["w_district"].options
    assert sidebar["w_desert"].label == "سہولت سے محروم علاقے کے بھٹے نمایاں کریں"
    assert "پہنچ میں کوئی اسکول نہیں" in sidebar["w_desert"].options
    assert sidebar["w_profile"].label == "شیئرنگ پروفائل"
    assert at.sidebar.radio(key="w_basemap").label == "بنیادی نقشہ"
    assert at.sidebar.radio(key="w_lang").label == "Language / زبان"
    assert at.sidebar.toggle(key="w_digits").label == "اردو ہندسے (۱۲۳)"
    assert at.sidebar.toggle(key="w_layer_kilns").label.startswith("اینٹوں کے بھٹے (")
    assert "نمونہ ڈیٹا" in at.sidebar.toggle(key="w_layer_schools").label
    assert "**پرتیں**" in [m.value for m in at.sidebar.markdown]
    assert at.sidebar.expander[0].label == "اس منظر کا لنک کاپی کریں"

    assert heading(at).startswith(f"#### {kasur_ur()} · ")
    assert " تا " in heading(at) and not re.search(r"\d{4}-\d\d-\d\d", heading(at))  # dates as Urdu writes them
    assert f"**{kasur_ur()}**" in [m.value for m in at.markdown]
    figures = metrics(at)
    assert figures["شناخت شدہ بھٹے"] == "636"  # Latin digits unless the setting asks otherwise
    assert "آبادی 2023" in figures and "Kilns detected" not in figures
    assert any(c.value.startswith("ماخذ: ") or " · ماخذ: " in c.value for c in at.caption)
    assert any(w.value.startswith("**نمونہ ڈیٹا** — ") for w in at.warning)
    assert any(c.value.startswith("حدود: OCHA/WFP") for c in at.caption)  # the attribution under the map
    assert [b.label for b in at.button if b.label.startswith("تصویر")] == ["تصویر (اسنیپ شاٹ) تیار کریں (PNG، PDF، HTML نقشہ)"]
    assert f"{kasur_ur()} کا ضلعی خلاصہ تیار کریں (2 صفحات کی PDF)" in [b.label for b in at.button]

    assert "direction: rtl" in styles(at)  # the page reads right to left
    assert page_titles(at) == ["نقشہ", "خلا", "راستے", "دورے", "ڈیٹا اپ لوڈ کریں", "ذرائع", "صارفین اور آڈٹ"]
    assert url(at) == {"lang": "ur", "district": KASUR}

    at.sidebar.selectbox(key="w_district").set_value(LAHORE)
    rerun(at)
    assert url(at) == {"lang": "ur", "district": LAHORE}  # the language stays in the URL
    assert heading(at).startswith(f"#### {place_names().get(LAHORE, 'Lahore (EN)')} · ")


def test_english_pages_are_unchanged(db):
    at = run_app("map", district=KASUR)
    start, end = default_window(date.today())
    assert heading(at) == f"#### Kasur · {start.isoformat()} to {end.isoformat()}"
    assert metrics(at)["Kilns detected"] == "636"
    sidebar = {s.key: s for s in at.sidebar.selectbox}
    assert (sidebar["w_province"].label, sidebar["w_district"].label) == ("Province", "District")
    assert "Kasur (PK614)" in sidebar["w_district"].options and "All districts" in sidebar["w_district"].options
    assert sidebar["w_profile"].options[0] == "internal (everything, for internal use only)"
    assert "w_digits" not in [t.key for t in at.sidebar.toggle]
    assert at.sidebar.toggle(key="w_layer_schools").label.endswith(") · demo data")
    assert any(w.value.startswith("**DEMO DATA** — ") for w in at.warning)
    assert "Prepare the Kasur brief (2-page PDF)" in [b.label for b in at.button]
    assert "direction: rtl" not in styles(at)
    assert page_titles(at) == ["Map", "Gaps", "Routes", "Visits", "Load data", "Sources", "Users and audit"]
    assert "lang" not in url(at)


def test_an_unknown_language_gives_an_english_notice(db):
    at = run_app("map", lang="xx", district="PK999")
    notices = [w.value for w in at.warning]
    assert "Unknown language 'xx' in the link: English used." in notices
    assert "Unknown district 'PK999' in the link: showing all districts." in notices
    assert at.sidebar.selectbox(key="w_province").label == "Province"
    assert "lang" not in url(at)


def test_an_urdu_link_gives_its_notices_in_urdu(db):
    at = run_app("map", lang="ur", district="PK999", basemap="moon")
    notices = [w.value for w in at.warning]
    assert "لنک میں نامعلوم ضلع 'PK999': تمام اضلاع دکھائے جا رہے ہیں۔" in notices
    assert any(n.startswith("لنک میں نامعلوم بنیادی نقشہ 'moon'") for n in notices)


def test_switching_the_language_keeps_the_view_and_writes_it_into_the_url(db):
    at = run_app("map", district=KASUR, basemap="satellite", desert="school", layers="kilns,schools")
    before = url(at)
    at.sidebar.radio(key="w_lang").set_value("ur")
    rerun(at)
    assert url(at) == {**before, "lang": "ur"}  # every other value kept
    assert heading(at).startswith(f"#### {kasur_ur()} · ")
    assert "lang=ur" in at.sidebar.code[0].value  # the link to share carries the language

    at.sidebar.toggle(key="w_digits").set_value(True)
    rerun(at)
    assert url(at) == {**before, "lang": "ur", "digits": "urdu"}
    assert metrics(at)["شناخت شدہ بھٹے"] == "۶۳۶"
    assert "digits=urdu" in at.sidebar.code[0].value

    at.sidebar.radio(key="w_lang").set_value("en")  # the digit toggle is not drawn on English pages
    rerun(at)
    assert metrics(at)["Kilns detected"] == "636"
    assert url(at)["district"] == KASUR and "lang" not in url(at)
    at.sidebar.radio(key="w_lang").set_value("ur")
    rerun(at)
    assert at.sidebar.toggle(key="w_digits").value  # the setting was kept
    assert metrics(at)["شناخت شدہ بھٹے"] == "۶۳۶"


def test_urdu_digits_from_the_link(db):
    at = run_app("map", lang="ur", digits="urdu", province="PK6")
    figures = metrics(at)
    assert all(URDU_DIGITS.search(v) and not LATIN_DIGITS.search(v) for v in figures.values() if v[0] != "<")
    assert URDU_DIGITS.search(at.sidebar.toggle(key="w_layer_kilns").label)
    assert heading(at).startswith("#### پنجاب · ")


def test_the_sources_page_in_urdu(db):
    at = run_app("sources", lang="ur")
    text = [m.value for m in at.markdown]
    assert "#### ذرائع اور حوالہ جات" in text and "#### زیرِ استعمال پرتیں" in text
    assert any(t.startswith("- **اینٹوں کے بھٹے** (") and " ریکارڈ، حقیقی)" in t for t in text)
    assert any(t.startswith("- **اسکول** (") and "(فرضی، `bhatta demo`" in t.replace("\\", "") for t in text)  # our demo source note
    assert any(c.value.startswith("ڈیٹا اسٹور: ") for c in at.caption)


def test_sign_in_and_the_audit_page_in_urdu(accounts):  # noqa: F811 - the fixture
    at = run_app("map", lang="ur")
    assert at.text_input(key="login_user").label == "صارف نام"
    assert "direction: rtl" in styles(at)  # the sign-in form reads right to left too
    assert at.text_input(key="login_password").label == "پاس ورڈ"
    at.text_input(key="login_user").input("admin")
    at.text_input(key="login_password").input("not the password")
    next(b for b in at.button if b.label == "سائن اِن").click()
    rerun(at)
    assert "صارف نام یا پاس ورڈ غلط ہے۔" in [e.value for e in at.error]
    at.text_input(key="login_password").input(PASSWORD)
    next(b for b in at.button if b.label == "سائن اِن").click()
    rerun(at)
    assert any(c.value.startswith("**admin** کے طور پر سائن اِن · ایڈمن:") for c in at.sidebar.caption)
    at.switch_page("views/audit.py")
    rerun(at)
    users, trail = at.dataframe[0].value, at.dataframe[1].value
    assert list(users.columns) == ["صارف", "کردار", "فعال", "اضلاع", "سائن اِن", "ای میل"]
    assert set(users["صارف"]) == {"admin", "kasur.dvc", "guest"}
    assert "ڈی وی سی رکن: صرف تفویض کردہ اضلاع" in set(users["کردار"])
    assert kasur_ur() in set(users["اضلاع"])
    assert list(trail.columns) == ["شناختی نمبر", "وقت", "صارف", "کارروائی", "موضوع", "خلاصہ"]
    assert {"user_added", "sign_in", "sign_in_failed"} <= set(trail["کارروائی"])  # the records stay in English
    assert at.selectbox(key="audit_action").label == "کارروائی"
    assert [b.label for b in at.get("download_button")] == ["CSV ڈاؤن لوڈ کریں"]


def test_a_scoped_account_is_told_in_the_link_language(accounts):  # noqa: F811 - the fixture
    at = run_app("map", lang="ur", district=LAHORE)
    at.text_input(key="login_user").input("kasur.dvc")
    at.text_input(key="login_password").input(PASSWORD)
    next(b for b in at.button if b.label == "سائن اِن").click()
    rerun(at)
    lahore = place_names().get(LAHORE, "Lahore (EN)")
    assert f"یہ اکاؤنٹ صرف {kasur_ur()} دیکھ سکتا ہے: {lahore} نہیں کھولا گیا۔" in [w.value for w in at.warning]
    assert url(at) == {"lang": "ur", "district": KASUR}
    assert at.sidebar.selectbox(key="w_district").options == [f"{kasur_ur()} ({KASUR})"]
    assert any(c.value.endswith(f" ({kasur_ur()})") for c in at.sidebar.caption)  # who is signed in, and where
