"""Urdu in the files we draw: the bundled font, letter joining and right-to-left order, PDF text that reads back.

Two renderers, two ways:

- **matplotlib** (snapshots, briefs) shapes text itself since 3.11 (libraqm: joining, ligatures and the
  bidirectional order). It only needs the font: :func:`urdu_texts` sets every text holding Arabic script (every
  text on an Urdu page) in Noto Naskh Arabic with language ``ur``. For PDFs, :func:`save_pdf` writes through
  :mod:`layers.pdf_text`, which wraps each such text in an ``/ActualText`` span, so ``pdftotext`` and screen
  readers get whole words back instead of one letter per glyph.
- **reportlab** (route sheets) does not shape: :func:`visual` joins the letters with arabic-reshaper and puts
  them in display order with python-bidi, and :func:`actual_text` gives the operators of the same span.
"""

from __future__ import annotations

from functools import cache

import arabic_reshaper
from bidi import get_display
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

from layers.i18n import RTL_LANGUAGES, URDU_FONT, URDU_FONT_BOLD, has_rtl

URDU_FAMILY = "Noto Naskh Arabic"
REPORTLAB_FONT = "NotoNaskhArabic"
REPORTLAB_FONT_BOLD = "NotoNaskhArabic-Bold"
_RESHAPER = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False, "support_ligatures": True})


@cache
def register_matplotlib_font() -> str:
    """Make the bundled Noto Naskh Arabic (regular and bold) known to matplotlib; returns its family name."""
    for path in (URDU_FONT, URDU_FONT_BOLD):
        font_manager.fontManager.addfont(str(path))
    return URDU_FAMILY


def font(lang: str, *, size: float = 10, weight: str = "normal") -> FontProperties:
    """The font of ``lang``'s text (to measure it): Noto Naskh Arabic for Urdu, matplotlib's default else."""
    if lang in RTL_LANGUAGES:
        register_matplotlib_font()
        return FontProperties(family=URDU_FAMILY, size=size, weight=weight)
    return FontProperties(size=size, weight=weight)


def urdu_texts(fig: Figure, *, lang: str) -> int:
    """Set every text of ``fig`` that needs it in Noto Naskh Arabic, shaped as Urdu; returns how many.

    On an Urdu page that is every text (the font has Latin letters and digits too, so a line mixing scripts
    uses one font and stays joined); on an English page the texts holding Arabic script, e.g. an imported
    Urdu kiln name.
    """
    register_matplotlib_font()
    changed = 0
    for text in fig.findobj(Text):
        if lang in RTL_LANGUAGES or has_rtl(text.get_text()):
            text.set_fontfamily(URDU_FAMILY)
            if hasattr(text, "set_language"):
                text.set_language("ur")
            changed += 1
    return changed


def save_pdf(fig: Figure, target, **kwargs) -> None:
    """``fig.savefig`` as PDF, with Arabic-script texts marked so that they are read back as words."""
    fig.savefig(target, format="pdf", backend="module://layers.pdf_text", **kwargs)


def display_order(text: str) -> str:
    """``text`` in the order its characters appear on the line, left to right (the Unicode bidi algorithm)."""
    return get_display(text)


def visual(text: str) -> str:
    """``text`` ready for a renderer that neither joins letters nor orders right-to-left runs (reportlab):
    letters in their joined forms, in display order, brackets of right-to-left runs facing the right way.
    Text without Arabic script is returned as it is."""
    if not has_rtl(text):
        return text
    return _mirror_brackets(text, get_display(_RESHAPER.reshape(text)))


_PAIRS = {"(": ")", "[": "]", "{": "}", "«": "»"}
_CLOSERS = {close: open_ for open_, close in _PAIRS.items()}


def _strong(char: str) -> str | None:
    """``R`` for a letter of Arabic script, ``L`` for another letter, ``None`` for the rest (digits too)."""
    if has_rtl(char):
        return "R"
    return "L" if char.isalpha() else None


def _mirror_brackets(logical: str, display: str) -> str:
    """Brackets of right-to-left runs mirrored in ``display``, the display order of ``logical``.

    python-bidi 0.6 orders but does not mirror: a pair around an Urdu word comes as ``)…(`` and is swapped to
    ``(…)``. A bracket left without its pair (a line wrapped inside the brackets) takes the direction of the
    letters on both sides of it, else the line's (as the bidi algorithm resolves a neutral character).
    """
    chars, stack = list(display), []
    for i, char in enumerate(chars):
        if char not in _PAIRS and char not in _CLOSERS:
            continue
        if stack and _PAIRS.get(chars[stack[-1]]) == char:  # ( … ): left to right, as it is
            stack.pop()
        elif stack and _CLOSERS.get(chars[stack[-1]]) == char:  # ) … (: a right-to-left pair
            j = stack.pop()
            chars[j], chars[i] = char, chars[j]
        else:
            stack.append(i)
    base = next((d for d in map(_strong, logical) if d), "L")
    for i in stack:  # the unpaired ones
        left = next((d for d in map(_strong, reversed(chars[:i])) if d), base)
        right = next((d for d in map(_strong, chars[i + 1:]) if d), base)
        if (left if left == right else base) == "R":
            chars[i] = _PAIRS.get(chars[i]) or _CLOSERS[chars[i]]
    return "".join(chars)



def actual_text(text: str) -> tuple[str, str]:
    """PDF operators opening and closing a span whose text reads as ``text`` (for ``canvas.addLiteral``).

    The span holds the text in display order: poppler's ``pdftotext`` lays the replacement text out over the
    span's glyphs and reads a right-to-left line from its right end, which gives back the logical order.
    """
    utf16 = ("FEFF" + display_order(text).encode("utf-16-be").hex().upper())
    return f"/Span <</ActualText <{utf16}>>> BDC", "EMC"


@cache
def register_reportlab_fonts() -> tuple[str, str]:
    """Register the bundled Noto Naskh Arabic with reportlab; returns the regular and bold font names."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(REPORTLAB_FONT, str(URDU_FONT)))
    pdfmetrics.registerFont(TTFont(REPORTLAB_FONT_BOLD, str(URDU_FONT_BOLD)))
    pdfmetrics.registerFontFamily(REPORTLAB_FONT, normal=REPORTLAB_FONT, bold=REPORTLAB_FONT_BOLD,
                                  italic=REPORTLAB_FONT, boldItalic=REPORTLAB_FONT_BOLD)
    return REPORTLAB_FONT, REPORTLAB_FONT_BOLD
