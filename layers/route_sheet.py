"""The printable route sheet: a map of the day, the stops to tick off, and a short visit form per kiln.

In English or Urdu (``lang``). reportlab does not shape Arabic script, so every text holding it (every text of
an Urdu sheet, and e.g. an uploaded Urdu kiln name on an English one) is an :class:`RtlText`: set in the bundled
Noto Naskh Arabic, wrapped on its logical text, then each line drawn joined and in display order
(:func:`layers.rtl.visual`) inside an ``/ActualText`` span, so that ``pdftotext`` and screen readers read it back.
An Urdu sheet reads right to left: text right-aligned, the stops table's columns and the visit form mirrored;
the map stays a map (north up).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date

import shapely
from reportlab.graphics.shapes import Circle, Drawing, Polygon, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from layers.html import esc
from layers.i18n import N_, Translator, has_rtl, translator
from layers.route_export import Place
from layers.rtl import actual_text, register_reportlab_fonts, visual

FORM_FIELDS = (
    N_("Children present (number, ages)"),
    N_("Bonded-labour indicators (advance / peshgi, restricted movement, withheld wages)"),
    N_("Advance amount (PKR)"),
    N_("Action taken (advice, children enrolled, FIR, workers released, referred)"),
    N_("Notes (no names of workers, no phone numbers, no CNICs)"),
)
"""What the visit form asks: the same fields as the inspections layer, so the sheet can be typed back in."""
WHO_VISITED = N_("Date, time and who visited (role, not name)")

DAY_COLORS = ("#b3361b", "#2b6cb0", "#1a9850", "#7b2cbf", "#d69e2e")
URDU_LEADING = 1.55
"""Line height of Noto Naskh Arabic text, in font sizes: room for the marks above and below the letters."""
FORM_ROW = 9 * mm
_NUMBER = re.compile(r"-?\d+(?:\.(\d+))?")  # \d: Urdu digits too (float() reads them)


class RtlText(Flowable):
    """A paragraph of plain text (no markup) holding Arabic script, or on an Urdu page: wrapped on its logical
    text, each line shaped and put in display order, read back in logical order (an ``/ActualText`` span).

    ``align`` is ``"right"`` (Urdu pages), ``"left"`` or ``"center"``. Fonts: :func:`register_reportlab_fonts`.
    """

    def __init__(self, text: str, *, font: str, size: float, leading: float | None = None, align: str = "right",
                 color=colors.black, back=None, padding: float = 0, space_before: float = 0, space_after: float = 0,
                 lines: list[str] | None = None):
        super().__init__()
        self.text, self.font, self.size, self.align = text, font, size, align
        self.leading = max(leading or 0, size * URDU_LEADING)
        self.color, self.back, self.padding = color, back, padding
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self._given = lines
        self._lines: list[str] = []

    def _measure(self, text: str) -> float:
        return stringWidth(visual(text), self.font, self.size)

    def _wrap_lines(self, width: float) -> list[str]:
        """Greedy wrapping of the logical text on spaces (a word wider than the line is cut between letters),
        measured as drawn (joined letters are narrower than lone ones)."""
        lines: list[str] = []
        for paragraph in self.text.split("\n"):
            line = ""
            for word in paragraph.split():
                candidate = f"{line} {word}" if line else word
                if not line or self._measure(candidate) <= width:
                    line = candidate
                else:
                    lines.append(line)
                    line = word
                while self._measure(line) > width and len(line) > 1:  # one long word: cut it
                    cut = len(line) - 1
                    while cut > 1 and self._measure(line[:cut]) > width:
                        cut -= 1
                    lines.append(line[:cut])
                    line = line[cut:]
            lines.append(line)
        return lines

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        if self._given is not None:
            self._lines = self._given
        elif getattr(self, "_wrapped_at", None) != availWidth:
            self._lines, self._wrapped_at = self._wrap_lines(availWidth), availWidth
        self.width, self.height = availWidth, len(self._lines) * self.leading
        return self.width, self.height

    def split(self, availWidth, availHeight):  # noqa: N803
        self.wrap(availWidth, availHeight)
        fit = int(availHeight // self.leading)
        if fit < 1 or fit >= len(self._lines):
            return [] if fit < 1 else [self]
        return [self._part(self._lines[:fit], after=0), self._part(self._lines[fit:], before=0)]

    def _part(self, lines: list[str], *, before: float | None = None, after: float | None = None) -> RtlText:
        return RtlText("", font=self.font, size=self.size, leading=self.leading, align=self.align,
                       color=self.color, back=self.back, padding=self.padding,
                       space_before=self.spaceBefore if before is None else before,
                       space_after=self.spaceAfter if after is None else after, lines=list(lines))

    def draw(self) -> None:
        canvas = self.canv
        if self.back is not None:
            canvas.setFillColor(self.back)
            canvas.rect(-self.padding, -self.padding, self.width + 2 * self.padding, self.height + 2 * self.padding,
                        stroke=0, fill=1)
        canvas.setFillColor(self.color)
        x = {"right": self.width, "center": self.width / 2}.get(self.align, 0)
        for i, line in enumerate(self._lines):  # the baseline half a font size above the line's bottom
            draw_line(canvas, line, x=x, y=self.height - (i + 1) * self.leading + self.size / 2, font=self.font,
                      size=self.size, align=self.align)


def _fit(text: str, width: float, font: str, size: float) -> str:
    """``text``, or as many of its first words as fit in ``width`` followed by "…" (one line of a page header)."""
    words = text.split()
    for n in range(len(words), 0, -1):
        line = " ".join(words[:n]) + ("" if n == len(words) else "…")
        if stringWidth(visual(line), font, size) <= width:
            return line
    return text


def draw_line(canvas, text: str, *, x: float, y: float, font: str, size: float, align: str = "left") -> None:
    """One line on a reportlab canvas; text with Arabic script shaped, in display order, read back logically."""
    canvas.setFont(font, size)
    draw = {"right": canvas.drawRightString, "center": canvas.drawCentredString}.get(align, canvas.drawString)
    if not has_rtl(text):
        draw(x, y, text)
        return
    begin, end = actual_text(text)
    canvas.addLiteral(begin)
    draw(x, y, visual(text))
    canvas.addLiteral(end)


class _Sheet:
    """The fonts, styles and reading direction of one sheet."""

    def __init__(self, tr: Translator):
        self.tr = tr
        self.rtl = tr.rtl
        self.urdu, self.urdu_bold = register_reportlab_fonts()
        self.styles = getSampleStyleSheet()
        self.small = ParagraphStyle("small", parent=self.styles["Normal"], fontSize=7.5, leading=9)
        self.flag = ParagraphStyle("flag", parent=self.styles["Normal"], fontSize=9,
                                   textColor=colors.HexColor("#7a4b00"), backColor=colors.HexColor("#fff3cd"),
                                   borderPadding=4)

    def text(self, text: str, style: ParagraphStyle | str) -> Flowable:
        """``text`` (plain) as a Paragraph, or an :class:`RtlText` on an Urdu sheet or when it holds Urdu."""
        style = self.styles[style] if isinstance(style, str) else style
        if not self.rtl and not has_rtl(text):
            return Paragraph(esc(text), style)
        if style.alignment == TA_CENTER:
            align = "center"
        else:
            align = "right" if self.rtl else "left"
        bold = "Bold" in style.fontName
        return RtlText(text, font=self.urdu_bold if bold else self.urdu, size=style.fontSize, leading=style.leading,
                       align=align, color=style.textColor, back=style.backColor, padding=style.borderPadding,
                       space_before=style.spaceBefore, space_after=style.spaceAfter)

    def cell(self, text: str, style: ParagraphStyle, *, paragraph: bool = False):
        """A table cell: the plain string (or a Paragraph) as before on an English sheet, else an RtlText."""
        if not self.rtl and not has_rtl(text):
            return Paragraph(esc(text), style) if paragraph else esc(text)
        return RtlText(text, font=self.urdu, size=style.fontSize, leading=style.leading,
                       align="right" if self.rtl else "left")

    def number(self, text: str) -> str:
        """A number the caller wrote (``4.2``, ``55``, ``9:00``) in the sheet's digits; as it is in English."""
        if not self.rtl:
            return text
        found = _NUMBER.fullmatch(text.strip())
        if found:
            return self.tr.num(float(text), len(found.group(1) or ""))
        return self.tr.digits(text)

    def row(self, cells: list) -> list:
        """Cells in reading order, left to right on the page."""
        return cells[::-1] if self.rtl else cells


def route_sheet_pdf(
    days: Sequence[Sequence[Place]],
    *,
    title: str,
    rows: Sequence[Sequence[dict]],
    outline: shapely.Geometry | None = None,
    demo: Sequence[str] = (),
    sources: Sequence[str] = (),
    assumptions: str = "",
    printed: date | None = None,
    lang: str = "en",
    urdu_digits: bool = False,
) -> bytes:
    """An A4 PDF: per day a map and the ordered stops with tick boxes, then one visit form per kiln.

    Parameters
    ----------
    days
        Per day the places in visiting order, starting and ending at the office.
    title, assumptions, rows, demo, sources
        The caller's text, written in ``lang`` already (any of it may hold Urdu, on either sheet).
    rows
        Per day one dict per kiln stop with ``order``, ``kiln``, ``arrival``, ``leg_km`` and ``priority``
        (text; ``why`` optional): what the table lists.
    outline
        The district (or tehsil) boundary drawn under the route.
    demo
        Labels of demo-data layers behind the plan: flagged at the top of every page.
    lang, urdu_digits
        The sheet's language (``en``, ``ur``: right to left) and whether its numbers use Urdu digits.
    """
    tr = translator(lang, urdu_digits=urdu_digits)
    _ = tr.gettext
    sheet = _Sheet(tr)
    small = sheet.small
    story: list = [sheet.text(title, "Title")]
    separator = "، " if tr.rtl else ", "
    demo_text = _("DEMO DATA: {layers} behind this plan are synthetic, generated for demonstration.").format(
        layers=separator.join(demo)) if demo else ""
    if demo_text:
        story += [sheet.text(demo_text, sheet.flag), Spacer(1, 4 * mm)]
    day = printed or date.today()
    story.append(sheet.text(_("Printed {date}. {assumptions}").format(
        date=tr.date(day) if tr.rtl else day.isoformat(), assumptions=assumptions), small))
    for number, (places, stops) in enumerate(zip(days, rows, strict=True), start=1):
        if len(days) > 1:
            story.append(sheet.text(_("Day {number}").format(number=tr.num(number)), "Heading2"))
        story += [Spacer(1, 2 * mm), _map(places, outline, DAY_COLORS[(number - 1) % len(DAY_COLORS)]),
                  Spacer(1, 3 * mm), _stops_table(stops, sheet)]
    story += [Spacer(1, 3 * mm), sheet.text(_("Sources: {sources}").format(sources=" · ".join(map(_, sources))), small)]
    story.append(PageBreak())
    story.append(sheet.text(_("Visit forms"), "Heading2"))
    for stops in rows:
        for stop in stops:
            story.append(KeepTogether(_form(stop, sheet)))

    buffer = io.BytesIO()

    def header(canvas, doc) -> None:  # every page carries the demo flag and the page number
        canvas.saveState()
        rtl_font = sheet.urdu
        if demo_text:
            canvas.setFillColor(colors.HexColor("#7a4b00"))
            flag = demo_text[:150] if not tr.rtl else _fit(demo_text, A4[0] - 30 * mm, rtl_font, 7)
            if tr.rtl:
                draw_line(canvas, flag, x=A4[0] - 15 * mm, y=A4[1] - 9 * mm, font=rtl_font, size=7, align="right")
            else:
                draw_line(canvas, flag, x=15 * mm, y=A4[1] - 9 * mm, font=rtl_font if has_rtl(flag) else "Helvetica",
                          size=7)
        canvas.setFillColor(colors.grey)
        footer = _("{title} · page {page}").format(title=title[:80], page=tr.num(doc.page))
        font = rtl_font if tr.rtl or has_rtl(footer) else "Helvetica"
        if tr.rtl:  # mirrored: the footer at the left edge, where an Urdu line ends
            draw_line(canvas, footer, x=15 * mm, y=8 * mm, font=font, size=7, align="left")
        else:
            draw_line(canvas, footer, x=A4[0] - 15 * mm, y=8 * mm, font=font, size=7, align="right")
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                            bottomMargin=14 * mm, title=title, author="Bhatta Atlas", lang=tr.lang)
    doc.build(story, onFirstPage=header, onLaterPages=header)
    return buffer.getvalue()


def _map(places: Sequence[Place], outline: shapely.Geometry | None, color: str) -> Drawing:
    """The day's route over the area outline, stops numbered, office as a square; north up."""
    width, height = 180 * mm, 95 * mm
    xs = [p.lon for p in places]
    ys = [p.lat for p in places]
    if outline is not None:
        minx, miny, maxx, maxy = outline.bounds
        xs += [minx, maxx]
        ys += [miny, maxy]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    span = max(x1 - x0, y1 - y0, 0.01)
    scale = min((width - 10) / max(x1 - x0, span * 0.3), (height - 10) / max(y1 - y0, span * 0.3))

    def at(lon: float, lat: float) -> tuple[float, float]:
        return 5 + (lon - x0) * scale, 5 + (lat - y0) * scale

    drawing = Drawing(width, height)
    if outline is not None:
        for polygon in getattr(outline, "geoms", [outline]):
            ring = shapely.simplify(polygon.exterior, span / 400)
            drawing.add(Polygon([v for x, y in ring.coords for v in at(x, y)], fillColor=colors.HexColor("#f4f4f4"),
                                strokeColor=colors.HexColor("#555555"), strokeWidth=0.8))
    drawing.add(PolyLine([v for p in places for v in at(p.lon, p.lat)], strokeColor=colors.HexColor(color),
                         strokeWidth=1.6))
    for i, place in enumerate(places):
        x, y = at(place.lon, place.lat)
        if i in (0, len(places) - 1):
            drawing.add(Polygon([x - 4, y - 4, x + 4, y - 4, x + 4, y + 4, x - 4, y + 4], fillColor=colors.black))
            continue
        drawing.add(Circle(x, y, 5.5, fillColor=colors.white, strokeColor=colors.HexColor(color), strokeWidth=1.2))
        drawing.add(String(x, y - 2.5, str(i), fontSize=6.5, textAnchor="middle"))
    return drawing


def _stops_table(stops: Sequence[dict], sheet: _Sheet) -> Table:
    _ = sheet.tr.gettext
    style = sheet.small
    body_style = ParagraphStyle("body", parent=style, fontSize=8, leading=10)
    head = [_("Done"), "#", _("Kiln"), _("Arrive"), _("Leg km"), _("Priority"), _("Why (points)")]
    if sheet.rtl:
        head = [RtlText(h, font=sheet.urdu_bold, size=8, align="right") for h in head]
    body = [["", sheet.cell(sheet.number(str(s["order"])), body_style), sheet.cell(s["kiln"], style, paragraph=True),
             sheet.cell(sheet.number(s["arrival"]), body_style), sheet.cell(sheet.number(s["leg_km"]), body_style),
             sheet.cell(sheet.number(s["priority"]), body_style), sheet.cell(s.get("why", ""), style, paragraph=True)]
            for s in stops]
    widths = [11 * mm, 7 * mm, 24 * mm, 14 * mm, 13 * mm, 14 * mm, 97 * mm] if not sheet.rtl else \
        [11 * mm, 7 * mm, 24 * mm, 14 * mm, 16 * mm, 14 * mm, 94 * mm]  # room for the Urdu "km" header
    table = Table([sheet.row(head), *(sheet.row(r) for r in body)], colWidths=sheet.row(widths), repeatRows=1)
    tick, grid = ((-1, (0, -2)) if sheet.rtl else (0, (1, -1)))  # the tick box column and the gridded ones
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8), ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("GRID", (grid[0], 0), (grid[1], -1), 0.3, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        *[("BOX", (tick, r), (tick, r), 0.8, colors.black) for r in range(1, len(body) + 1)],  # a box to tick
    ]))
    return table


def _form(stop: dict, sheet: _Sheet) -> list:
    _ = sheet.tr.gettext
    small = sheet.small
    labels = [sheet.text(_(WHO_VISITED), small), *(sheet.text(_(field), small) for field in FORM_FIELDS)]
    label_width = 70 * mm
    heights = [max(FORM_ROW, label.wrap(label_width - 12, 1000)[1] + 6) for label in labels]  # 6 pt padding each
    table = Table([sheet.row([label, ""]) for label in labels], colWidths=sheet.row([label_width, 110 * mm]),
                  rowHeights=heights)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    heading = _("Stop {order}: kiln {kiln}").format(order=sheet.number(str(stop["order"])), kiln=stop["kiln"])
    return [sheet.text(heading, "Heading4"), table, Spacer(1, 4 * mm)]
