"""The printable route sheet: a map of the day, the stops to tick off, and a short visit form per kiln."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import shapely
from reportlab.graphics.shapes import Circle, Drawing, Polygon, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from layers.html import esc
from layers.route_export import Place

FORM_FIELDS = (
    "Children present (number, ages)",
    "Bonded-labour indicators (advance / peshgi, restricted movement, withheld wages)",
    "Advance amount (PKR)",
    "Action taken (advice, children enrolled, FIR, workers released, referred)",
    "Notes (no names of workers, no phone numbers, no CNICs)",
)
"""What the visit form asks: the same fields as the inspections layer, so the sheet can be typed back in."""

DAY_COLORS = ("#b3361b", "#2b6cb0", "#1a9850", "#7b2cbf", "#d69e2e")


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
    rows
        Per day one dict per kiln stop with ``order``, ``kiln``, ``arrival``, ``leg_km`` and ``priority``
        (text; ``why`` optional): what the table lists.
    outline
        The district (or tehsil) boundary drawn under the route.
    demo
        Labels of demo-data layers behind the plan: flagged at the top of every page.
    """
    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=7.5, leading=9)
    flag = ParagraphStyle("flag", parent=styles["Normal"], fontSize=9, textColor=colors.HexColor("#7a4b00"),
                          backColor=colors.HexColor("#fff3cd"), borderPadding=4)
    story: list = [Paragraph(esc(title), styles["Title"])]
    demo_text = f"DEMO DATA: {', '.join(demo)} behind this plan are synthetic, generated for demonstration." \
        if demo else ""
    if demo_text:
        story += [Paragraph(esc(demo_text), flag), Spacer(1, 4 * mm)]
    story.append(Paragraph(esc(f"Printed {(printed or date.today()).isoformat()}. {assumptions}"), small))
    for number, (places, stops) in enumerate(zip(days, rows, strict=True), start=1):
        if len(days) > 1:
            story.append(Paragraph(f"Day {number}", styles["Heading2"]))
        story += [Spacer(1, 2 * mm), _map(places, outline, DAY_COLORS[(number - 1) % len(DAY_COLORS)]),
                  Spacer(1, 3 * mm), _stops_table(stops, small)]
    story += [Spacer(1, 3 * mm), Paragraph(esc("Sources: " + " · ".join(sources)), small)]
    story.append(PageBreak())
    story.append(Paragraph("Visit forms", styles["Heading2"]))
    for stops in rows:
        for stop in stops:
            story.append(KeepTogether(_form(stop, styles, small)))

    buffer = io.BytesIO()

    def header(canvas, doc) -> None:  # every page carries the demo flag and the page number
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        if demo_text:
            canvas.setFillColor(colors.HexColor("#7a4b00"))
            canvas.drawString(15 * mm, A4[1] - 9 * mm, demo_text[:150])
        canvas.setFillColor(colors.grey)
        canvas.drawRightString(A4[0] - 15 * mm, 8 * mm, f"{title[:80]} · page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                            bottomMargin=14 * mm, title=title, author="Bhatta Atlas")
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


def _stops_table(stops: Sequence[dict], style: ParagraphStyle) -> Table:
    head = ["Done", "#", "Kiln", "Arrive", "Leg km", "Priority", "Why (points)"]
    body = [["", str(s["order"]), Paragraph(esc(s["kiln"]), style), esc(s["arrival"]), esc(s["leg_km"]),
             esc(s["priority"]), Paragraph(esc(s.get("why", "")), style)] for s in stops]
    table = Table([head, *body], colWidths=[11 * mm, 7 * mm, 24 * mm, 14 * mm, 13 * mm, 14 * mm, 97 * mm],
                  repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8), ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("GRID", (1, 0), (-1, -1), 0.3, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        *[("BOX", (0, r), (0, r), 0.8, colors.black) for r in range(1, len(body) + 1)],  # a box to tick
    ]))
    return table


def _form(stop: dict, styles, small: ParagraphStyle) -> list:
    rows = [[Paragraph(esc(field), small), ""] for field in FORM_FIELDS]
    rows.insert(0, [Paragraph("Date, time and who visited (role, not name)", small), ""])
    table = Table(rows, colWidths=[70 * mm, 110 * mm], rowHeights=[9 * mm] * len(rows))
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [Paragraph(esc(f"Stop {stop['order']}: kiln {stop['kiln']}"), styles["Heading4"]), table, Spacer(1, 4 * mm)]
