"""The `bhatta` command: check and import files, regenerate the demo data, report gaps and priorities, plan routes,
back up and restore the store."""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from loaders.contracts import LAYERS

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2
DEFAULT_LANGUAGE = "en"

UNDERCOUNT_NOTE = "satellite detections undercount; 'no kilns detected' is not zero kilns"
PRIORITY_RULE = ("Priority = sum of the weighted components shown; detections and distances are context, "
                 "only findings recorded at visits are evidence")


class CommandError(Exception):
    """A request a command refuses (an unknown district, a malformed date): one line, exit 2."""


from bhatta.admin import AccessDenied  # noqa: E402 - after CommandError, which it sits beside


def _column_map(pairs: Sequence[str] | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs or []:
        field, sep, header = pair.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise ValueError(f"--column takes FIELD=HEADER (e.g. name=Facility), got {pair!r}")
        mapping[field.strip()] = header.strip()
    return mapping


def _print_report(report, *, as_json: bool, stored: str | None = None) -> None:
    if as_json:
        out = report.as_dict()
        if stored:
            out["stored"] = stored
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return
    print(f"{report.file} ({report.layer}): {report.rows} rows, {len(report.accepted)} accepted, "
          f"{len(report.rejected_rows)} rejected, {len(report.warnings)} warnings")
    if report.columns:
        print("columns: " + ", ".join(f"{k} <- {v!r}" for k, v in report.columns.items()))
    for p in report.rejected:
        where = f"row {p.row}" if p.row is not None else "file"
        print(f"  rejected {where}, column {p.column or '-'}: {p.reason}")
    for p in report.warnings:
        where = f"row {p.row}" if p.row is not None else "file"
        print(f"  warning  {where}, column {p.column or '-'}: {p.reason}")
    if stored:
        print(stored)


def _fail(message: str, *, as_json: bool, file: str | None = None) -> int:
    if as_json:
        print(json.dumps({"error": message} if file is None else {"file": file, "error": message},
                         ensure_ascii=False))
    print(f"bhatta: {message}", file=sys.stderr)
    return EXIT_UNREADABLE


def cmd_check(args: argparse.Namespace, *, store_it: bool = False) -> int:
    from loaders._errors import LoaderError
    from loaders.validate import check_file

    path = Path(args.path)
    try:
        mapping = _column_map(args.column)
        if not path.is_file():
            return _fail(f"{path}: no such file", as_json=args.json, file=str(path))
        known_kilns = None
        store = None
        if store_it or args.layer == "inspections":
            from loaders.store import Store

            store = Store()
            if args.layer == "inspections":
                from layers.catalog import all_kilns

                known_kilns = all_kilns(store)
        report = check_file(path, args.layer, column_map=mapping, known_kilns=known_kilns)
    except (LoaderError, ValueError) as error:
        return _fail(str(error), as_json=args.json, file=str(path))
    stored = None
    if store_it:
        from loaders.store import file_sha256

        earlier = store.active_import_of(args.layer, file_sha256(path) or "")
        if earlier and not args.replace:
            return _fail(f"{path.name}: this file is already stored as import #{earlier} of {args.layer}; "
                         "use --replace to import it again in its place", as_json=args.json, file=str(path))
        access = _access(store, args, action="import_data")
        if len(report.accepted) == 0:
            stored = "nothing stored: no row was accepted"
        else:
            from loaders.accounts import audit

            result = store.add_import(report, source=path, replace=args.replace)
            audit(store, actor=access.user, action="data_replaced" if args.replace else "data_imported",
                  object=f"{args.layer} import #{result.import_id}",
                  summary=f"{path.name}: {result.stored} records stored, {len(report.rejected_rows)} rows rejected "
                          "(command line)")
            stored = (f"stored {result.stored} records as import #{result.import_id} in {store.describe()}"
                      + (f"; {result.deactivated_imports} earlier import(s) of {args.layer} replaced (kept in history)"
                         if result.deactivated_imports else ""))
    elif getattr(args, "accepted", None):
        _write_accepted(report, Path(args.accepted))
    _print_report(report, as_json=args.json, stored=stored)
    return report.exit_code()


def _write_accepted(report, out: Path) -> None:
    from loaders.validate import _json_value

    frame = report.accepted.copy()
    for col in frame.columns:
        if col != "geometry":
            frame[col] = [_json_value(v) for v in frame[col]]
    out.write_text(frame.to_json(drop_id=True, ensure_ascii=False), encoding="utf-8")


def cmd_demo(args: argparse.Namespace) -> int:
    from loaders.demo import DEMO_SEED, generate_demo
    from loaders.paths import DEMO_DIR
    from loaders.store import Store

    _access(Store(), args, action="import_data")
    out = Path(args.out) if args.out else DEMO_DIR
    written = generate_demo(out, seed=args.seed if args.seed is not None else DEMO_SEED)
    for layer, path in written.items():
        print(f"{layer}: {path}")
    return EXIT_OK


# -- gaps and priorities -------------------------------------------------------------------------------

AREA_COLUMNS = (  # (column, header, right-aligned): the text table; --json gives every column
    ("rank", "rank", True), ("pcode", "P-code", False), ("name", "name", False), ("province", "province", False),
    ("population", "population", True), ("kilns", "kilns", True), ("kilns_per_100k", "kilns/100k", True),
    ("kilns_visited_12m", "visited 12m", True), ("visits_12m", "visits 12m", True),
    ("kilns_with_finding", "w/ finding", True), ("share_not_recent", "not recent", True),
    ("share_never", "never", True), ("share_visited_12m", "% visited 12m", True),
    ("share_desert_school", "no school", True), ("share_desert_girls_school", "no girls' sch.", True),
    ("share_desert_health", "no health", True), ("share_desert_ngo", "no NGO", True),
    ("dvc_status", "DVC", False), ("tehsil_dvc", "tehsil DVC", False),
    ("kilns_per_active_dvc", "kilns/active DVC", True), ("underserved_index", "index", True),
    ("no_data_reason", "no data", False),
)
NO_TEHSIL_FIGURE = ("population", "kilns_per_100k")
"""Never computed for tehsils (no tehsil population in the census data shipped): left out of their table."""

VISIT_STATUS_WORDS = {"never": "never visited", "overdue": "overdue", "due_soon": "due soon", "recent": "recent"}


def _as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            return date.fromisoformat(text.strip())
    except ValueError:
        pass
    raise CommandError(f"--as-of takes a date as YYYY-MM-DD (e.g. 2026-11-01), got {text!r}")


def _district_pcode(ref, text: str | None) -> str | None:
    """The district P-code ``text`` names (any case), or :class:`CommandError` saying what is known."""
    if text is None:
        return None
    names = dict(zip(ref.districts["ADM2_PCODE"].astype(str), ref.districts["ADM2_EN"], strict=True))
    code = text.strip().upper()
    if code in names:
        return code
    by_name = [p for p, n in names.items() if str(n).casefold() == text.strip().casefold()]
    hint = (f"; {by_name[0]} is {names[by_name[0]]}" if by_name
            else f"; {code} is a tehsil of {code[:5]} ({names[code[:5]]})" if code[:5] in names else "")
    raise CommandError(f"unknown district {text!r}: give one of the {len(names)} district P-codes of Punjab "
                       f"and Sindh, e.g. PK614 (Kasur){hint}")


def _district_about(ref, pcode: str | None) -> dict[str, str] | None:
    """P-code, name and province of a known district (``None`` for none)."""
    if pcode is None:
        return None
    row = ref.districts.set_index("ADM2_PCODE").loc[pcode]
    return {"pcode": pcode, "name": str(row["ADM2_EN"]), "province": str(row["ADM1_EN"])}


def _access(store, args: argparse.Namespace, *, district: str | None | bool = False, action: str | None = None,
            ref=None):
    """The access of ``--user`` (layers.access): the role's action checked, the district in its scope
    (``False``: no district to check; ``None``: the whole area)."""
    from bhatta.admin import command_access, require
    from layers.access import Forbidden

    access = command_access(store, getattr(args, "user", None))
    if action:
        require(access, action)
    if district is not False:
        names = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True)) if ref is not None else {}
        try:
            access.require_district(district, names=names)
        except Forbidden as refused:
            raise AccessDenied(str(refused)) from None
    return access


def _profile(access, asked: str) -> str:
    """The profile asked for, if the user's role allows it (a viewer cannot ask for more than public)."""
    if access.profile(asked) != asked:
        raise AccessDenied(f"{access.user} ({access.role}) may use the {access.profile(asked)} profile only")
    return asked


def _exported(store, access, *, what: str, area: str, file: str, profile: str) -> None:
    from loaders.accounts import audit

    audit(store, actor=access.user, action="export", object=area, summary=f"{what}: {file}, profile {profile}")


def _gap_report(args: argparse.Namespace, *, with_layers: bool = False, action: str | None = None):
    """The gap report of ``--as-of`` from the data the app shows (imports replace demo layers), cut to what
    ``--user`` may see.

    ``(report, ref, district)``, and the layers last with ``with_layers``.
    """
    as_of = _as_of(args.as_of)
    from layers.access import scope_gaps, scope_layers
    from layers.catalog import load_layers
    from layers.gap_report import gap_report
    from loaders.geo import reference
    from loaders.store import Store

    ref = reference()
    district = _district_pcode(ref, args.district)
    store = Store()
    # a district asked for must be in the user's scope; without one, the user's districts are the report
    access = _access(store, args, district=district if district else False, action=action or "read_records",
                     ref=ref)
    every = load_layers(store, ref=ref)
    layers = scope_layers(every, access)
    report = scope_gaps(gap_report(every, ref, as_of=as_of), access)
    return (report, ref, district, layers) if with_layers else (report, ref, district)


def _records(frame) -> list[dict[str, object]]:
    """Rows as JSON-ready dicts: numbers as numbers, dates as YYYY-MM-DD, ``None`` where there is no data."""
    from loaders.validate import _json_value

    def ready(value: object) -> object:
        value = _json_value(value)
        return None if isinstance(value, float) and not math.isfinite(value) else value  # JSON has no NaN or inf

    columns = [c for c in frame.columns if str(frame[c].dtype) != "geometry"]
    return [{c: ready(v) for c, v in zip(columns, row, strict=True)}
            for row in frame[columns].itertuples(index=False, name=None)]


def _about(report) -> dict[str, object]:
    """What every gaps or priorities answer says about itself (JSON)."""
    from dataclasses import asdict

    return {"as_of": report.as_of.isoformat(), "demo_data": list(report.synthetic), "sources": list(report.sources),
            "settings": asdict(report.settings), "note": UNDERCOUNT_NOTE}


def _demo_lines(report) -> list[str]:
    if not report.synthetic:
        return []
    return [f"DEMO DATA: {', '.join(report.synthetic)} are synthetic, generated for demonstration: not real records."]


def _aligned(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def cmd_gaps(args: argparse.Namespace) -> int:
    from layers.areas import suppress_small

    report, ref, district = _gap_report(args)
    table = report.districts if args.level == "district" else report.tehsils
    if district:
        table = table[table["district_pcode"] == district].reset_index(drop=True)
    if args.json:
        out = {**_about(report), "level": args.level, "district": _district_about(ref, district),
               "areas": _records(table)}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    small = report.settings.small_count
    shown = suppress_small(table, small_count=small)
    columns = [c for c in AREA_COLUMNS if c[0] in shown and not (args.level == "tehsil" and c[0] in NO_TEHSIL_FIGURE)]
    for status in ("dvc_status", "tehsil_dvc"):
        if status in shown:
            shown[status] = shown[status].str.replace("_", " ")
    if "rank" in shown:
        shown["rank"] = shown["rank"].replace("", "-")  # no index, no rank
    rows = shown[[c for c, _, _ in columns]].to_numpy().tolist()
    areas = f"{len(table)} {args.level}{'' if len(table) == 1 else 's'}"
    if district:
        areas += f" of {_district_about(ref, district)['name']} ({district})"
    lines = [*_demo_lines(report),
             f"{areas}, as of {report.as_of.isoformat()} "
             f"({'ranked by the underserved index' if args.level == 'district' else 'in P-code order'})",
             *_aligned([h for _, h, _ in columns], rows, [r for _, _, r in columns]),
             "",
             f"Shares are of the area's kilns; not recent = never visited or overdue; index 0-100, higher = more "
             f"underserved. Counts from inspection records below {small} show as \"< {small}\"; --json gives "
             f"every column (part_* included).",
             f"Note: {UNDERCOUNT_NOTE}."]
    print("\n".join(lines))
    return EXIT_OK


def cmd_priorities(args: argparse.Namespace) -> int:
    if args.limit < 0:
        raise CommandError(f"--limit takes a number of kilns (0: all), got {args.limit}")
    from layers.gaps import PRIORITY_COMPONENTS, explain_parts, rank_priorities

    report, ref, district = _gap_report(args)
    ranked = rank_priorities(report.kilns, district=district, limit=args.limit or None)
    total = int((report.kilns["district_pcode"] == district).sum())
    parts = explain_parts(ranked, report.settings)
    reasons = [[{"component": c.key, "kind": c.kind, "points": float(row[f"score_{c.key}"]), "text": parts.at[i, c.key]}
                for c in PRIORITY_COMPONENTS if isinstance(parts.at[i, c.key], str)]
               for i, row in ranked.iterrows()]
    about = _district_about(ref, district)
    if args.json:
        kilns = [{**record, "reasons": why} for record, why in zip(_records(ranked), reasons, strict=True)]
        out = {**_about(report),
               "district": about,
               "kilns_in_district": total, "limit": args.limit or None, "rule": PRIORITY_RULE,
               "components": [{"key": c.key, "label": c.label, "kind": c.kind, "weight": report.settings.weights[c.key],
                               "explanation": c.explanation} for c in PRIORITY_COMPONENTS],
               "kilns": kilns}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    lines = [*_demo_lines(report),
             f"{about['name']} ({district}, {about['province']}), as of {report.as_of.isoformat()}: "
             + (f"{len(ranked)} of {total} kilns, highest priority first" if total
                else f"no kilns detected ({UNDERCOUNT_NOTE})"),
             f"{PRIORITY_RULE}."]
    for (_, row), why in zip(ranked.iterrows(), reasons, strict=True):
        status = VISIT_STATUS_WORDS.get(row["visit_status"], row["visit_status"])
        if row["visit_status"] != "never":
            status += f", last visit {row['last_visit_date']:%Y-%m-%d}"
        lines.append(f"\n{row['rank']:>4}. {row['kiln_id']}  priority {row['priority']:.1f}  ({status})")
        lines += [f"        {r['text']}" for r in why] or ["        no component gives points"]
    print("\n".join(lines))
    return EXIT_OK


def _start_point(text: str | None, ref, district: str, dvcs, *, lang: str = DEFAULT_LANGUAGE
                 ) -> tuple[tuple[float, float], str]:
    """``--start LAT,LON``, or the district's office (layers.route_map.district_office); with a name for the files
    (in ``lang``)."""
    if text is None:
        from layers.route_map import district_office

        return district_office(dvcs, ref.district_hq, district, lang=lang)
    from layers.i18n import translator
    from loaders.values import OutsidePakistan, ValueProblem, parse_lat_lon

    _ = translator(lang).gettext
    try:
        return parse_lat_lon(text), _("Start")
    except OutsidePakistan:
        raise CommandError(f"--start {text!r} is not in Pakistan: give LAT,LON, latitude first") from None
    except ValueProblem:
        raise CommandError(f"--start takes LAT,LON (e.g. 31.1167,74.45), got {text!r}") from None


def _road_server(text: str | None):
    """The OSRM matrix of ``--osrm``, else of ``BHATTA_OSRM_URL`` (None: neither), and why a configured one is not used.

    A malformed ``--osrm`` is refused like any bad option (exit 2); a malformed ``BHATTA_OSRM_URL`` only
    means planning without it, like a server that does not answer. ``--osrm ''`` ignores the variable.
    """
    from layers.osrm import OsrmError, osrm_matrix, osrm_url_from_env

    if text is not None:
        if not text.strip():
            return None, None
        try:
            return osrm_matrix(text), None
        except OsrmError as error:
            raise CommandError(f"--osrm: {error}") from None
    try:
        url = osrm_url_from_env()
    except OsrmError as error:
        return None, str(error)
    return (osrm_matrix(url) if url else None), None


def _route_title(tr, about: dict[str, str], as_of: date) -> str:
    """The title of a route's files (and of its console text, in English)."""
    _ = tr.gettext
    return _("Inspection route, {district} ({pcode}), {date}").format(
        district=tr.place(about["pcode"], about["name"]), pcode=about["pcode"],
        date=tr.date(as_of) if tr.rtl else as_of.isoformat())


def cmd_route(args: argparse.Namespace) -> int:
    """Plan a day's (or days') route in a district, print it, and write GPX/KML/PDF when asked."""
    for name in ("hours", "km", "days"):
        value = getattr(args, name)
        if value is not None and value <= 0:
            raise CommandError(f"--{name} must be positive, got {value}")
    import pandas as pd

    from layers.i18n import ENGLISH
    from layers.mapview import attribution
    from layers.route_export import route_gpx, route_kml
    from layers.route_map import day_places, plan_area_by_road, plan_assumptions, stop_reasons, stop_rows
    from layers.route_sheet import route_sheet_pdf
    from layers.routing import RouteSettings

    matrix, road_problem = _road_server(args.osrm)
    report, ref, district, layers = _gap_report(args, with_layers=True, action="plan_routes")
    start, office = _start_point(args.start, ref, district, layers["dvcs"].frame)
    settings = RouteSettings(hours_per_day=args.hours, km_budget=args.km, days=args.days)
    gaps = report.kilns[report.kilns["district_pcode"] == district]
    road = plan_area_by_road(gaps, road=matrix, problem=road_problem, district=district, start=start,
                             as_of=report.as_of, settings=settings)
    plan, road_notes, road_problem = road.plan, road.notes, road.problem
    if road_problem:
        print(f"bhatta: the road server could not be used: {road_problem}; planning with the great-circle "
              f"estimate instead", file=sys.stderr)
    about = _district_about(ref, district)
    title = _route_title(ENGLISH, about, report.as_of)  # the console's
    written = []
    if args.gpx or args.kml or args.pdf:  # the files are in --lang
        tr = _translator(args)
        lang = {"lang": tr.lang, "urdu_digits": tr.urdu_digits}
        file_title = _route_title(tr, about, report.as_of)
        file_office = (_start_point(args.start, ref, district, layers["dvcs"].frame, lang=tr.lang)[1]
                       if tr.lang != ENGLISH.lang else office)
        places = day_places(plan, office=file_office, **lang)
        note = plan_assumptions(plan, server=road.server, **lang)
        for path, make in (
                (args.gpx, lambda: route_gpx(places, title=file_title, note=note, **lang).encode()),
                (args.kml, lambda: route_kml(places, title=file_title, note=note, **lang).encode()),
                (args.pdf, lambda: route_sheet_pdf(
                    places, title=file_title, rows=stop_rows(plan, stop_reasons(plan, gaps, **lang), **lang),
                    outline=ref.districts.set_index("ADM2_PCODE").geometry[district],
                    demo=[tr.gettext(label) for label in report.synthetic], sources=[*report.sources, attribution(tr.lang)],
                    assumptions=note, **lang))):
            if path:
                Path(path).write_bytes(make())
                written.append(path)
    why = stop_reasons(plan, gaps)
    if args.json:
        last = road.report
        road_server = None if matrix is None and not road_problem else {
            "url": matrix.url if matrix is not None else None, "used": not road_problem, "error": road_problem,
            "requests": last.requests if last else None, "no_route_pairs": last.no_route_pairs if last else None,
            "notes": list(road_notes)}
        out = {**_about(report), "district": about, "start": list(start), "assumptions": plan.assumptions,
               "road_server": road_server, "total_priority": plan.total_priority, "within_budget": plan.within_budget,
               "messages": list(plan.messages), "routes": _records(plan.routes), "stops": _records(plan.stops),
               "dropped": _records(plan.dropped[["kiln_id", "priority", "code", "reason"]]), "written": written}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    lines = [*_demo_lines(report), title, f"From {office} at {start[0]:.5f},{start[1]:.5f}. {plan.assumptions}."]
    lines += [f"! {m}" for m in (*road_notes, *plan.messages)]
    for route in plan.routes.itertuples():
        budget = f" of {route.km_budget:.0f}" if pd.notna(route.km_budget) else ""
        lines.append(f"\nDay {route.day}: {route.visits} kilns, priority {route.priority:.1f}, "
                     f"{route.km:.1f} km{budget}, {route.minutes / 60:.1f} h of {route.minutes_budget / 60:g}, "
                     f"back {route.back}{'' if route.within_budget else '  OVER BUDGET'}")
        for stop in plan.stops[plan.stops["route"] == route.route].itertuples():
            lines.append(f"  {stop.order:>2}. {stop.arrival}  {stop.kiln_id:<12} +{stop.leg_km:5.1f} km  "
                         f"priority {stop.priority:5.1f}  {why.get(stop.kiln_id, '')}")
        lines.append(f"      back at the start: +{route.return_km:.1f} km")
    counts = plan.dropped["reason"].value_counts()
    lines.append(f"\nLeft out: {len(plan.dropped)} kilns")
    lines += [f"  {n:>4}  {reason}" for reason, n in counts.items()]
    lines += [f"Wrote {path}" for path in written]
    print("\n".join(lines))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from bhatta.admin import PASSWORD_ENV, add_parsers

    parser = argparse.ArgumentParser(prog="bhatta", description="Bhatta Atlas command line")
    parser.add_argument("--user", default=os.environ.get("BHATTA_USER"),
                        help=f"run as this account when sign-in is configured (default $BHATTA_USER; password from "
                             f"${PASSWORD_ENV} or typed): the command sees what the user sees in the app")
    _language_options(parser, default=os.environ.get(LANG_ENV) or DEFAULT_LANGUAGE)
    sub = parser.add_subparsers(dest="command", required=True)
    add_parsers(sub)
    for name, help_text in (("check", "validate a file without storing it"),
                            ("import", "validate a file and store its accepted rows")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("path", help="CSV, XLSX, GeoJSON, GeoPackage or zipped shapefile")
        p.add_argument("--layer", required=True, choices=LAYERS)
        p.add_argument("--json", action="store_true", help="print the report as JSON")
        p.add_argument("--column", action="append", metavar="FIELD=HEADER",
                       help="take FIELD from the column HEADER (repeatable)")
        if name == "check":
            p.add_argument("--accepted", metavar="OUT.geojson", help="write the accepted records as GeoJSON")
        else:
            p.add_argument("--replace", action="store_true",
                           help="replace earlier imports of this layer on the map (they stay in history)")
    p = sub.add_parser("demo", help="regenerate the synthetic demo layers (deterministic)")
    p.add_argument("--out", help="folder (default data/geo/demo)")
    p.add_argument("--seed", type=int)
    p = sub.add_parser("gaps", help="coverage, service deserts, DVC and the underserved index of every area")
    p.add_argument("--level", choices=("district", "tehsil"), default="district",
                   help="one row per district (default) or per tehsil")
    p.add_argument("--district", metavar="PCODE", help="only this district (e.g. PK614); at tehsil level its tehsils")
    p = sub.add_parser("priorities", help="a district's kilns by visit priority, with the reasons")
    p.add_argument("--district", metavar="PCODE", required=True, help="district P-code, e.g. PK614")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="show the first N kilns (default 20, 0: all)")
    p = sub.add_parser("route", help="a day's inspection route in a district within hours and km")
    p.add_argument("--district", metavar="PCODE", required=True, help="district P-code, e.g. PK614")
    p.add_argument("--start", metavar="LAT,LON", help="start and end (default: the district headquarters town)")
    p.add_argument("--hours", type=float, default=8.0, help="working hours per day (default 8)")
    p.add_argument("--km", type=float, help="distance budget per day in km (default: none)")
    p.add_argument("--days", type=int, default=1, help="number of days (default 1)")
    p.add_argument("--gpx", metavar="OUT", help="write the route as GPX (OsmAnd, Organic Maps)")
    p.add_argument("--kml", metavar="OUT", help="write the route as KML (Google Earth)")
    p.add_argument("--pdf", metavar="OUT", help="write the printable route sheet")
    p.add_argument("--osrm", metavar="URL",
                   help="road distances and driving times from this OSRM server, e.g. http://localhost:5000; it is "
                        "sent the start and the kilns' coordinates (default: $BHATTA_OSRM_URL; '' for none). "
                        "Without one, or if it cannot be used: the great-circle estimate")
    p = sub.add_parser("snapshot", help="a PNG, PDF or offline HTML map of a district, a province or both, to share")
    area = p.add_mutually_exclusive_group()
    area.add_argument("--district", metavar="PCODE", help="district P-code, e.g. PK614")
    area.add_argument("--province", choices=("PK6", "PK7"), help="PK6 Punjab, PK7 Sindh (default: both)")
    p.add_argument("--layers", default=",".join(LAYERS), help=f"comma-separated, of {','.join(LAYERS)} (default all)")
    p.add_argument("--profile", choices=("internal", "official", "public"), default="official",
                   help="what may be shown (default official: no personal fields; public: no individual visits)")
    p.add_argument("--format", choices=("png", "pdf", "html"), default="png",
                   help="png (1080 px wide, phones), pdf (A4) or html (a map file that opens offline)")
    p.add_argument("--out", required=True, metavar="FILE")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="the last day of the three-year window (default today)")
    p = sub.add_parser("brief", help="a two-page A4 PDF brief of a district, for its DVC and labour office")
    p.add_argument("--district", metavar="PCODE", required=True, help="district P-code, e.g. PK614 (Kasur)")
    p.add_argument("--profile", choices=("internal", "official", "public"), default="official",
                   help="what may be shown (default official: no personal fields; public: no individual visits)")
    p.add_argument("--out", required=True, metavar="FILE", help="the PDF to write")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day the figures describe (default today)")
    p = sub.add_parser("backup", help="write the whole store (DATABASE_URL or var/) to one file, while it is in use")
    p.add_argument("out", metavar="OUT", help="the backup file to write, e.g. bhatta-2026-11-23.zip")
    p = sub.add_parser("restore", help="fill an empty store from a backup (either backend, all or nothing)")
    p.add_argument("path", metavar="IN", help="a file written by bhatta backup")
    p.add_argument("--force", action="store_true",
                   help="replace what the store holds (the append-only audit trail keeps its rows)")
    for p in (sub.choices["gaps"], sub.choices["priorities"], sub.choices["route"]):
        p.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day the figures describe (default today)")
        p.add_argument("--json", action="store_true", help="print JSON (null where there is no data)")
    for name in FILE_COMMANDS:  # also after the command: `bhatta brief --lang ur ...`
        _language_options(sub.choices[name], default=argparse.SUPPRESS)
    return parser


LANG_ENV = "BHATTA_LANG"
FILE_COMMANDS = ("snapshot", "brief", "route")
"""The commands that write files for people to read: they are written in ``--lang``."""


def _language_options(parser: argparse.ArgumentParser, *, default: str) -> None:
    from layers.i18n import LANGUAGES

    parser.add_argument("--lang", choices=tuple(LANGUAGES), default=default,
                        help=f"the language of the files made (snapshot, brief, route sheet, GPX/KML names): "
                             f"{', '.join(f'{k} {v}' for k, v in LANGUAGES.items())} (default ${LANG_ENV} or "
                             f"{DEFAULT_LANGUAGE}); the console stays in English")
    parser.add_argument("--urdu-digits", action="store_true", default=False if default != argparse.SUPPRESS
                        else argparse.SUPPRESS, help="write the numbers of Urdu files with Urdu digits (۱۲۳)")


def _check_language(args: argparse.Namespace) -> None:
    from layers.i18n import LANGUAGES

    if args.lang not in LANGUAGES:  # from $BHATTA_LANG: argparse checks only what is typed
        raise CommandError(f"${LANG_ENV} takes one of {', '.join(LANGUAGES)}, got {args.lang!r}")


def _translator(args: argparse.Namespace):
    """The Translator of the files a command writes (``--lang``, ``--urdu-digits``)."""
    from layers.i18n import translator

    return translator(args.lang, urdu_digits=args.urdu_digits)


def cmd_snapshot(args: argparse.Namespace) -> int:
    """Write a snapshot of a view, redacted by its profile on the way (layers.redact, layers.snapshot)."""
    from dashboard.state import default_window  # the app's default window, so both draw the same view
    from layers.catalog import load_layers
    from layers.mapview import MapView
    from layers.redact import redact_layers
    from layers.snapshot import snapshot
    from layers.summary import Window
    from loaders.geo import reference
    from loaders.store import Store

    as_of = _as_of(args.as_of)
    ref = reference()
    district = _district_pcode(ref, args.district)
    shown = [x.strip() for x in args.layers.split(",") if x.strip()]
    if unknown := [x for x in shown if x not in LAYERS]:
        raise CommandError(f"--layers: unknown layer(s) {', '.join(unknown)}; known: {', '.join(LAYERS)}")
    from layers.access import scope_layers

    store = Store()
    access = _access(store, args, district=district, ref=ref)
    _profile(access, args.profile)
    layers = scope_layers(load_layers(store, ref=ref), access)
    shared = redact_layers(layers, args.profile, ref=ref,
                           shareable=store.shared_columns())
    view = MapView(window=Window(*default_window(as_of)), layers=frozenset(shown), district=district,
                   province=args.province, profile=args.profile, lang=args.lang, urdu_digits=args.urdu_digits)
    if args.format == "html":
        from layers.gaps import kiln_gaps
        from layers.map_export import standalone_map

        names = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True))
        area = names[district] if district else {"PK6": "Punjab", "PK7": "Sindh"}.get(args.province, "Punjab and Sindh")
        gaps = kiln_gaps(layers, as_of=view.window.end)
        data = standalone_map(view, shared, ref, area_name=area, gaps=gaps).encode("utf-8")
    else:
        data = snapshot(view, shared, ref, fmt=args.format, profile=args.profile)
    try:
        Path(args.out).write_bytes(data)
    except OSError as error:
        raise CommandError(f"cannot write {args.out}: {error.strerror}") from None
    _exported(store, access, what=f"snapshot {args.format}", area=district or args.province or "Punjab and Sindh",
              file=args.out, profile=args.profile)
    demo = sorted(shared[x].label for x in shown if shared[x].synthetic)
    print(f"wrote {args.out} ({len(data):,} bytes, {args.format.upper()}, profile {args.profile})"
          + (f"; DEMO DATA on it: {', '.join(demo)}" if demo else ""))
    return EXIT_OK


def cmd_brief(args: argparse.Namespace) -> int:
    """Write a district's two-page brief (layers.brief), redacted by its profile on the way."""
    from dashboard.state import default_window  # the brief's map shows the app's default view
    from layers.brief import brief
    from layers.catalog import load_layers
    from layers.summary import Window
    from loaders.geo import reference
    from loaders.store import Store

    as_of = _as_of(args.as_of)
    out = Path(args.out)
    if not out.parent.is_dir():  # before the figures are computed: a typo in the folder fails at once
        raise CommandError(f"cannot write {args.out}: no folder {out.parent}")
    ref = reference()
    district = _district_pcode(ref, args.district)
    store = Store()
    access = _access(store, args, district=district, ref=ref)
    _profile(access, args.profile)
    layers = load_layers(store, ref=ref)
    data = brief(district, layers, ref, profile=args.profile, as_of=as_of, window=Window(*default_window(as_of)),
                 lang=args.lang, urdu_digits=args.urdu_digits)
    try:
        out.write_bytes(data)
    except OSError as error:
        raise CommandError(f"cannot write {args.out}: {error.strerror}") from None
    _exported(store, access, what="district brief", area=district, file=args.out, profile=args.profile)
    demo = sorted(d.label for d in layers.values() if d.synthetic)
    print(f"wrote {args.out} ({len(data):,} bytes, 2-page A4 PDF, {_district_about(ref, district)['name']} "
          f"({district}), profile {args.profile}, data as of {as_of.isoformat()})"
          + (f"; DEMO DATA in it: {', '.join(demo)}" if demo else ""))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up every table of the store to one zip (loaders.backup). Under sign-in for administrators only:
    the file holds the accounts."""
    from loaders.backup import BackupError, backup
    from loaders.store import Store, StoreError

    try:
        store = Store()
        access = _access(store, args, action="manage_users")
        made = backup(store, args.out)
    except (BackupError, StoreError) as error:
        raise CommandError(str(error)) from None
    rows = ", ".join(f"{n:,} {name}" for name, n in made.tables.items())
    from loaders.accounts import audit

    audit(store, actor=access.user, action="backup", object=str(made.path), summary=rows)
    print(f"wrote {made.path} ({made.bytes:,} bytes) from {store.describe()}: {rows}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Fill the store from a backup, all or nothing (loaders.backup). Under sign-in for administrators only."""
    from loaders.backup import BackupError, restore
    from loaders.store import Store, StoreError

    try:
        store = Store()
        access = _access(store, args, action="manage_users")
        done = restore(store, args.path, force=args.force)
    except (BackupError, StoreError) as error:
        raise CommandError(str(error)) from None
    rows = ", ".join(f"{n:,} {name}" for name, n in done.tables.items())
    from loaders.accounts import audit

    audit(store, actor=access.user, action="restore", object=str(done.path),
          summary=f"backup made {done.made_at}: {rows}" + (" (forced)" if args.force else ""))
    print(f"restored {store.describe()} from {done.path} (made {done.made_at}): {rows}"
          + (f"; replaced {sum(done.replaced.values()):,} rows" if done.replaced else "")
          + (f"; kept {', '.join(f'{n:,} {name}' for name, n in done.kept.items())} (append-only)"
             if done.kept else ""))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command in FILE_COMMANDS:
            _check_language(args)
        if args.command == "check":
            return cmd_check(args)
        if args.command == "import":
            return cmd_check(args, store_it=True)
        if args.command == "demo":
            return cmd_demo(args)
        if args.command == "gaps":
            return cmd_gaps(args)
        if args.command == "priorities":
            return cmd_priorities(args)
        if args.command == "route":
            return cmd_route(args)
        if args.command == "snapshot":
            return cmd_snapshot(args)
        if args.command == "brief":
            return cmd_brief(args)
        if args.command == "backup":
            return cmd_backup(args)
        if args.command == "restore":
            return cmd_restore(args)
        if args.command == "users":
            from bhatta.admin import cmd_users
            from loaders.geo import reference

            return cmd_users(args, known_districts=set(reference().districts["ADM2_PCODE"]))
        if args.command == "audit":
            from bhatta.admin import cmd_audit

            return cmd_audit(args)
    except (CommandError, AccessDenied) as error:
        return _fail(str(error), as_json=getattr(args, "json", False))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader stopped early (`bhatta gaps | head`): end quietly, as a pipe expects
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit-time flush cannot fail again
        return 141
    except Exception as error:  # last resort: one line, never a traceback, for a user in a district office
        print(f"bhatta: unexpected error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
