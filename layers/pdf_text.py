"""matplotlib's PDF output with Arabic-script texts in ``/ActualText`` spans (``savefig(backend="module://layers.pdf_text")``).

matplotlib 3.11 shapes Urdu correctly on the page, but a shaped word is a run of glyphs (a letter's body and
its dots can be separate glyphs, each mapped back to the letter), so ``pdftotext`` read "ضلع" as "ضضلع" and
split words. A marked-content span with ``/ActualText`` tells readers what the glyphs say. It sits inside the
text object, where the glyphs' transformation still holds: outside it poppler put every span at one place.
"""

from __future__ import annotations

from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_pdf import FigureCanvasPdf, Op, PdfFile, PdfPages, RendererPdf, Verbatim

from layers.i18n import has_rtl
from layers.rtl import actual_text


class RendererPdfText(RendererPdf):
    """The PDF renderer, with a span of actual text around each text holding Arabic script."""

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath or not has_rtl(s):
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        begin, end = (op.encode("ascii") for op in actual_text(s))
        file = self.file
        plain = file.output

        def output(*data):  # BDC right after BT, EMC right before ET
            if data and data[-1] is Op.end_text:
                plain(Verbatim(end))
            plain(*data)
            if data and data[-1] is Op.begin_text:
                plain(Verbatim(begin))

        file.output = output
        try:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        finally:
            del file.output


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
