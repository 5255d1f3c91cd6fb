"""matplotlib's PDF output with Arabic-script texts in ``/ActualText`` spans (``savefig(backend="module://layers.pdf_text")``).

matplotlib 3.11 shapes Urdu correctly on the page, but a shaped word is a run of glyphs (a letter's body and
its dots can be separate glyphs, each mapped back to the letter), so ``pdftotext`` read "ضلع" as "ضضلع" and
split words. A marked-content span with ``/ActualText`` tells readers what the glyphs say. It sits inside the
text object, where the glyphs' transformation still holds: outside it poppler put every span at one place.

Each glyph of such a text is also placed where the shaper put it. matplotlib's own PDF text advances by the
glyphs' widths from one font change to the next; an Arabic word mixes base glyphs, dots and mirrored brackets
drawn from alternate font subsets, and brackets came out shifted and facing the wrong way ("(پنجاب )").
"""

from __future__ import annotations

import math

import matplotlib as mpl
from matplotlib import _text_helpers
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_pdf import FigureCanvasPdf, Op, PdfFile, PdfPages, RendererPdf, Verbatim
from matplotlib.font_manager import FontPath

from layers.i18n import has_rtl
from layers.rtl import actual_text


class RendererPdfText(RendererPdf):
    """The PDF renderer; texts holding Arabic script get their glyphs placed one by one, in an ActualText span."""

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath or not has_rtl(s) or mpl.rcParams["pdf.use14corefonts"]:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        self.check_gc(gc, gc._rgb)
        begin, end = (op.encode("ascii") for op in actual_text(s))
        fontsize = prop.get_size_in_points()
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        font = self._get_font_ttf(prop)
        fonttype = mpl.rcParams["pdf.fonttype"]
        a = math.radians(angle)
        out = self.file.output
        out(Op.gsave)
        out(math.cos(a), math.sin(a), -math.sin(a), math.cos(a), x, y, Op.concat_matrix)
        out(Op.begin_text)
        out(Verbatim(begin))
        current, at = None, (0.0, 0.0)
        for item in _text_helpers.layout(s, font, features=features, language=language):
            subset, code = self.file._character_tracker.track_glyph(item.ft_object, item.char, item.glyph_index)
            if (item.ft_object, subset) != current:
                out(self.file.fontName(FontPath(item.ft_object.fname, item.ft_object.face_index), subset), fontsize,
                    Op.selectfont)
                current = (item.ft_object, subset)
            out(item.x - at[0], item.y - at[1], Op.textpos)  # from the previous glyph's origin to this one's
            at = (item.x, item.y)
            out(self._encode_glyphs([code], fonttype), Op.show)
        out(Verbatim(end))
        out(Op.end_text)
        out(Op.grestore)


class FigureCanvas(FigureCanvasPdf):
    """:class:`FigureCanvasPdf` drawing with :class:`RendererPdfText` (its ``print_pdf`` as in matplotlib 3.11)."""

    def print_pdf(self, filename, *, bbox_inches_restore=None, metadata=None, **_ignored):
        dpi = self.figure.dpi
        self.figure.dpi = 72  # there are 72 pdf points to an inch
        width, height = self.figure.get_size_inches()
        pages = isinstance(filename, PdfPages)
        file = filename._ensure_file() if pages else PdfFile(filename, metadata=metadata)
        try:
            file.newPage(width, height)
            renderer = MixedModeRenderer(self.figure, width, height, dpi, RendererPdfText(file, dpi, height, width),
                                         bbox_inches_restore=bbox_inches_restore)
            self.figure.draw(renderer)
            renderer.finalize()
            if not pages:
                file.finalize()
        finally:
            if pages:
                file.endStream()
            else:
                file.close()


FigureCanvasPdfText = FigureCanvas
