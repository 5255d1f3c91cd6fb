"""The `bhatta` command: check and import files, regenerate the demo data."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from loaders.contracts import LAYERS

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2


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
        print(json.dumps({"file": file, "error": message}, ensure_ascii=False))
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
        if len(report.accepted) == 0:
            stored = "nothing stored: no row was accepted"
        else:
            result = store.add_import(report, source=path, replace=args.replace)
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

    out = Path(args.out) if args.out else DEMO_DIR
    written = generate_demo(out, seed=args.seed if args.seed is not None else DEMO_SEED)
    for layer, path in written.items():
        print(f"{layer}: {path}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bhatta", description="Bhatta Atlas command line")
    sub = parser.add_subparsers(dest="command", required=True)
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return cmd_check(args)
        if args.command == "import":
            return cmd_check(args, store_it=True)
        if args.command == "demo":
            return cmd_demo(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # last resort: one line, never a traceback, for a user in a district office
        print(f"bhatta: unexpected error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
