"""Back up the whole store to one portable file and restore it, into SQLite or PostgreSQL alike.

The file is a zip: ``manifest.json`` (format, store schema version, when it was made, and for every table
its columns, row count and the sha256 of its member) and ``tables/<table>.jsonl``, one JSON object per
row in primary-key order. Every table of :data:`loaders.store.metadata` is in it, whichever module
defined the table; PostGIS's ``geom`` columns are not (the database derives them from lon/lat again).

Restore writes only into an empty store unless forced; then it replaces the content of every table the
backup holds, in one transaction: a failure half-way changes nothing. A table that refuses DELETE (the
append-only audit trail) keeps its rows, and the backup's rows it does not hold yet are added.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

import loaders.accounts  # noqa: F401  (defines users and audit_log on the store's metadata: back them up too)
from loaders.store import SCHEMA_VERSION, Store, metadata

FORMAT = "bhatta-atlas-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 1000
NOT_OURS = frozenset({"spatial_ref_sys"})
"""Tables PostGIS itself keeps in the database: never backed up or restored."""
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class BackupError(Exception):
    """A backup could not be written or restored: one line saying why; nothing was changed."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    made_at: str
    tables: dict[str, int]
    """Rows per table."""
    bytes: int


@dataclass(frozen=True)
class RestoreSummary:
    path: Path
    made_at: str
    tables: dict[str, int]
    """Rows written per table."""
    replaced: dict[str, int]
    """Rows that were in the store before (non-zero only with ``force``)."""
    kept: dict[str, int]
    """Rows of append-only tables kept as they were (their table refuses DELETE)."""


def backup(store: Store, out_path: str | Path) -> BackupSummary:
    """Write every table of the store to ``out_path`` as one zip, read at one moment while others write.

    Parameters
    ----------
    store
        The store to back up.
    out_path
        The file to write; it appears only once complete (written beside it, then renamed).

    Returns
    -------
    BackupSummary
        Rows per table, size and time.
    """
    out = Path(out_path)
    tables = metadata.sorted_tables
    existing = set(sa.inspect(store.engine).get_table_names())  # a table not created yet is backed up empty
    if strange := sorted(existing - {t.name for t in tables} - NOT_OURS):
        raise BackupError(f"the store {store.describe()} holds table(s) this program does not know: "
                          f"{', '.join(strange)}; back it up with the version of Bhatta Atlas that made them")
    made_at = datetime.now(UTC).isoformat(timespec="seconds")
    manifest: dict[str, object] = {"format": FORMAT, "format_version": FORMAT_VERSION,
                                   "schema_version": SCHEMA_VERSION, "made_at": made_at,
                                   "made_from": store.engine.dialect.name, "tables": {}}
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    except OSError as error:
        raise BackupError(f"cannot write {out}: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive, \
                store.snapshot() as conn:
            for table in tables:
                member = f"tables/{table.name}.jsonl"
                digest, rows = hashlib.sha256(), 0
                with archive.open(member, "w", force_zip64=True) as stream:
                    for row in _rows(conn, table) if table.name in existing else ():
                        line = (json.dumps(row, default=_jsonable, ensure_ascii=False) + "\n").encode()
                        digest.update(line)
                        stream.write(line)
                        rows += 1
                manifest["tables"][table.name] = {"member": member, "rows": rows, "sha256": digest.hexdigest(),
                                                  "columns": [c.name for c in table.columns]}
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
        os.replace(partial, out)
    except OSError as error:
        raise BackupError(f"cannot write {out}: {error.strerror or error}") from None
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise BackupError(f"backup of {store.describe()} failed, no file written: {reason}") from None
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    counts = {name: about["rows"] for name, about in manifest["tables"].items()}
    return BackupSummary(out, made_at, counts, out.stat().st_size)


def restore(store: Store, in_path: str | Path, *, force: bool = False) -> RestoreSummary:
    """Fill the store from a backup made by :func:`backup` (from either backend), all or nothing.

    Parameters
    ----------
    store
        The store to fill. It must hold no row in the backup's tables unless ``force``.
    in_path
        The backup file. Every member is checked against the manifest's sha256 before anything is written.
    force
        Replace what the store holds: every table of the backup is emptied and refilled. A table that
        refuses DELETE (the append-only audit trail) keeps its rows, and the backup's rows it lacks are
        added with new ids.

    Returns
    -------
    RestoreSummary
        Rows written, replaced and kept per table.

    Raises
    ------
    BackupError
        Not a backup, corrupt (checksum or row count), of another schema version, or the store not empty
        without ``force``; the store is unchanged.
    """
    path = Path(in_path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"{path} is not a Bhatta Atlas backup (not a readable zip file: {error})") from None
    with archive:
        manifest = _manifest(archive, path)
        tables = _tables_to_restore(manifest, path)
        for table in tables:
            _verify_member(archive, manifest["tables"][table.name], path)
        try:
            store.create_tables()  # a table defined since the store was opened must be there to be filled
            with store.exclusive() as conn:
                present = {t.name: _count(conn, t) for t in tables}
                if any(present.values()) and not force:
                    held = ", ".join(f"{n:,} row{'s' * (n != 1)} in {name}" for name, n in present.items() if n)
                    raise BackupError(f"the store {store.describe()} is not empty ({held}): restore into "
                                      "an empty store, or use --force to replace what its tables hold")
                written, replaced, kept = {}, {}, {}
                for table in reversed(tables):  # children first, so no foreign key stands in the way
                    if present[table.name]:
                        deleted = _delete_all(conn, table)
                        if deleted is None:
                            kept[table.name] = present[table.name]
                        else:
                            replaced[table.name] = deleted
                for table in tables:
                    rows = _read_member(archive, manifest["tables"][table.name], table)
                    written[table.name] = (_append_missing(conn, table, rows) if table.name in kept
                                           else _insert(conn, table, rows))
                store.continue_ids(conn)
        except sa.exc.SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).splitlines()[0]
            raise BackupError(f"restore from {path} failed, nothing was changed: {reason}") from None
        except (ValueError, TypeError) as error:  # a row that is not JSON, or a value its column cannot take
            raise BackupError(f"{path} is corrupt, nothing was changed: {str(error).splitlines()[0]}") from None
    return RestoreSummary(path, str(manifest.get("made_at", "")), written, replaced, kept)


# -- reading the store --------------------------------------------------------------------------------------


def _rows(conn: sa.Connection, table: sa.Table) -> Iterator[dict[str, object]]:
    query = sa.select(table).order_by(*table.primary_key.columns)
    for row in conn.execution_options(yield_per=BATCH).execute(query).mappings():
        yield dict(row)


def _jsonable(value: object) -> object:
    """Values JSON has no type for; :func:`_decoded` turns them back by the column's type."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def _count(conn: sa.Connection, table: sa.Table) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar())


# -- reading the backup -------------------------------------------------------------------------------------


def _manifest(archive: zipfile.ZipFile, path: Path) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(f"{path} is not a Bhatta Atlas backup (no {MANIFEST} in it)") from None
    except (ValueError, zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"{path} is corrupt: {MANIFEST} cannot be read ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Bhatta Atlas backup ({MANIFEST} is not of format {FORMAT!r})")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path} is a backup of format version {manifest.get('format_version')!r}; this program "
                          f"reads version {FORMAT_VERSION}: restore it with the version of Bhatta Atlas that made it")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise BackupError(f"{path} holds a store of schema version {manifest.get('schema_version')!r}; this program's "
                          f"store is version {SCHEMA_VERSION}: restore it with the version of Bhatta Atlas that made it")
    if not isinstance(manifest.get("tables"), dict):
        raise BackupError(f"{path} is corrupt: {MANIFEST} lists no tables")
    return manifest


def _tables_to_restore(manifest: dict, path: Path) -> list[sa.Table]:
    """The backup's tables in dependency order, each checked against this program's definition."""
    known = {t.name: t for t in metadata.sorted_tables}
    unknown = sorted(name for name in manifest["tables"] if name not in known)
    if unknown:
        raise BackupError(f"{path} holds table(s) this program does not know: {', '.join(map(str, unknown))}; "
                          "restore it with the version of Bhatta Atlas that made it")
    tables = [t for t in metadata.sorted_tables if t.name in manifest["tables"]]
    for table in tables:
        about = manifest["tables"][table.name]
        columns = about.get("columns") if isinstance(about, dict) else None
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise BackupError(f"{path} is corrupt: {MANIFEST} gives no columns for {table.name}")
        if strange := [c for c in columns if c not in table.columns]:
            raise BackupError(f"{path}: {table.name} has column(s) this program does not know: {', '.join(strange)}")
        needed = [c.name for c in table.columns if c.name not in columns and not c.nullable
                  and c.default is None and c.server_default is None and c is not table.autoincrement_column]
        if needed:
            raise BackupError(f"{path}: {table.name} lacks column(s) this program needs: {', '.join(needed)}")
    return tables


def _verify_member(archive: zipfile.ZipFile, about: dict, path: Path) -> None:
    """Checksum and row count of one member against the manifest, before anything is written."""
    member = about.get("member")
    if not isinstance(member, str):
        raise BackupError(f"{path} is corrupt: {MANIFEST} names no file for a table")
    digest, rows = hashlib.sha256(), 0
    try:
        with archive.open(member) as stream:
            for line in stream:
                digest.update(line)
                rows += 1
    except KeyError:
        raise BackupError(f"{path} is corrupt: {member} is missing") from None
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise BackupError(f"{path} is corrupt: {member} cannot be read ({error})") from None
    if digest.hexdigest() != about.get("sha256"):
        raise BackupError(f"{path} is corrupt: the checksum of {member} does not match the manifest")
    if rows != about.get("rows"):
        raise BackupError(f"{path} is corrupt: {member} has {rows} rows, the manifest says {about.get('rows')}")


def _read_member(archive: zipfile.ZipFile, about: dict, table: sa.Table) -> Iterator[dict[str, object]]:
    columns = [table.columns[name] for name in about["columns"]]
    with archive.open(about["member"]) as stream:
        for line in io.TextIOWrapper(stream, encoding="utf-8"):
            row = json.loads(line)
            yield {c.name: _decoded(c, row.get(c.name)) for c in columns}


def _decoded(column: sa.Column, value: object) -> object:
    if value is None or not isinstance(value, str):
        return value
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return value
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is time:
        return time.fromisoformat(value)
    if kind is Decimal:
        return Decimal(value)
    if kind is bytes:
        return base64.b64decode(value)
    return value


# -- writing the store --------------------------------------------------------------------------------------


def _batches(rows: Iterable[dict[str, object]]) -> Iterator[list[dict[str, object]]]:
    batch: list[dict[str, object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(conn: sa.Connection, table: sa.Table, rows: Iterable[dict[str, object]]) -> int:
    written = 0
    for batch in _batches(rows):
        conn.execute(table.insert(), batch)
        written += len(batch)
    return written


def _delete_all(conn: sa.Connection, table: sa.Table) -> int | None:
    """Delete every row of ``table``; ``None`` if the table refuses (the append-only audit trail's triggers)."""
    try:
        with conn.begin_nested():
            return conn.execute(table.delete()).rowcount
    except sa.exc.DBAPIError as error:
        if error.connection_invalidated or isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError):
            raise
        return None


def _append_missing(conn: sa.Connection, table: sa.Table, rows: Iterable[dict[str, object]]) -> int:
    """Add the backup's rows the table does not hold yet (same values, ids aside), with new ids."""
    key = table.autoincrement_column
    values = [c for c in table.columns if c is not key]
    held = {tuple(r) for r in conn.execute(sa.select(*values))}
    fresh = [{c.name: row.get(c.name) for c in values} for row in rows
             if tuple(row.get(c.name) for c in values) not in held]
    return _insert(conn, table, fresh)
