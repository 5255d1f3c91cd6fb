"""Keep the English and Urdu gettext catalogues in step with the code (``make i18n``).

``python -m bhatta.catalogues update [FRAGMENT.po ...]`` and ``python -m bhatta.catalogues check [FILE ...]``.

``update`` extracts every marked string (``_()``, ``N_()``, ``gettext()``, ``ngettext()``) with Babel, writes
``layers/locales/messages.pot``, gives every new key its English text in the English catalogue, keeps every
Urdu translation already made, and lists the keys still without Urdu. ``check`` changes nothing and exits 1
when a key is missing, empty or fuzzy in either catalogue, or a translation's ``{placeholders}`` differ.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from layers.i18n import LANGUAGES, LOCALE_DIR
from loaders.paths import ROOT

SOURCES = ("bhatta", "dashboard", "layers", "loaders")
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
_PLACEHOLDER = re.compile(r"\{[a-z_0-9]*(?:![rsa])?(?::[^{}]*)?\}")
_FIXED = datetime(2026, 1, 1)  # catalogue headers without a changing date: no noise in the diffs


def extract() -> dict[str, list[tuple[str, int]]]:
    """Every marked message -> where it is used (file, line)."""
    found: dict[str, list[tuple[str, int]]] = {}
    for folder in SOURCES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
                ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS):
            for msg in message if isinstance(message, tuple) else (message,):
                if msg:
                    found.setdefault(msg, []).append((f"{folder}/{filename}", lineno))
    return found


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


def read(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, project="Bhatta Atlas", creation_date=_FIXED, revision_date=_FIXED)
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def problems(found: dict[str, list[tuple[str, int]]]) -> list[str]:
    """One line per key missing, empty or fuzzy in a catalogue, or with other placeholders than its English."""
    lines = []
    for lang in LANGUAGES:
        catalog = read(lang)
        for msgid, places in sorted(found.items()):
            where = f"{places[0][0]}:{places[0][1]}"
            entry = catalog.get(msgid)
            if entry is None:
                lines.append(f"{po_path(lang).relative_to(ROOT)}: missing {msgid!r} ({where})")
            elif not entry.string or entry.fuzzy:
                lines.append(f"{po_path(lang).relative_to(ROOT)}: no {LANGUAGES[lang]} text for {msgid!r} ({where})")
            elif placeholders(entry.string) != placeholders(msgid):
                lines.append(f"{po_path(lang).relative_to(ROOT)}: placeholders of {msgid!r} differ: "
                             f"{sorted(placeholders(entry.string))} vs {sorted(placeholders(msgid))}")
    return lines


def update(found: dict[str, list[tuple[str, int]]], fragments: list[Path] = ()) -> list[str]:
    """Write the template and both catalogues; return the keys still without Urdu.

    ``fragments`` are ``.po`` files of new Urdu translations (say, from one pull request each): their
    entries fill keys the Urdu catalogue has no text for yet.
    """
    offered: dict[str, str] = {}
    for fragment in fragments:
        with Path(fragment).open("rb") as fh:
            offered.update({m.id: m.string for m in read_po(fh) if m.id and m.string and not m.fuzzy})
    template = Catalog(project="Bhatta Atlas", creation_date=_FIXED, revision_date=_FIXED)
    for msgid, places in sorted(found.items()):
        template.add(msgid, locations=places)
    LOCALE_DIR.mkdir(parents=True, exist_ok=True)
    with (LOCALE_DIR / "messages.pot").open("wb") as fh:
        write_po(fh, template, width=110, sort_output=True)
    untranslated = []
    for lang in LANGUAGES:
        old = read(lang)
        new = Catalog(locale=lang, project="Bhatta Atlas", version="", creation_date=_FIXED, revision_date=_FIXED,
                      fuzzy=False, copyright_holder="Bhatta Atlas", msgid_bugs_address="",
                      header_comment=f"# {LANGUAGES[lang]} messages of Bhatta Atlas. Written by `make i18n`: edit the "
                                     "msgstr lines only.\n# Terms: layers/locales/GLOSSARY.md")
        for msgid, places in sorted(found.items()):
            entry = old.get(msgid)
            text = entry.string if entry is not None and entry.string and not entry.fuzzy else ""
            if lang != "en" and not text:
                text = offered.get(msgid, "")
            if lang == "en":
                text = text or msgid
            elif not text:
                untranslated.append(msgid)
            new.add(msgid, text, locations=places)
        po_path(lang).parent.mkdir(parents=True, exist_ok=True)
        with po_path(lang).open("wb") as fh:
            write_po(fh, new, width=110, sort_output=True, omit_header=False)
    return untranslated


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    found = extract()
    if args[:1] == ["update"]:
        missing = update(found, [Path(a) for a in args[1:]])
        print(f"{len(found)} messages; {len(missing)} without Urdu")
        for msgid in missing:
            print(f"  {msgid!r}")
        return 0
    if args[:1] == ["check"] and args[1:]:  # only the messages used in these files
        found = {m: p for m, p in found.items() if any(f in args[1:] for f, _line in p)}
    lines = problems(found)
    for line in lines:
        print(line)
    print(f"{len(found)} messages; {len(lines)} problems")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
