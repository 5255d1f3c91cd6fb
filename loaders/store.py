"""The store: imported records with their provenance, in SQLite by default or PostgreSQL/PostGIS by URL."""

from __future__ import annotations

import hashlib
import itertools
import json
import time
import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import sqlalchemy as sa
from geoalchemy2 import Geometry

from loaders.contracts import contract
from loaders.geo import WGS84
from loaders.paths import default_database_url
from loaders.problems import Report
from loaders.validate import records_to_json

metadata = sa.MetaData()
"""Every table of the store. Other modules add theirs here; whatever works per table (the PostGIS columns,
:mod:`loaders.backup`) goes over all of ``metadata.sorted_tables`` when it runs, never over a list of names."""

SCHEMA_VERSION = 1
"""Raise when a table or column changes so that an earlier backup no longer fits (:mod:`loaders.backup`)."""

POINT_COLUMNS = "point_columns"
"""``Table.info`` key: the (lon, lat) columns from which PostgreSQL keeps a PostGIS ``geom`` point (EPSG:4326),
spatially indexed. SQLite has no such column: it needs no extension."""

imports = sa.Table(
    "imports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("layer", sa.String(32), nullable=False, index=True),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("file_sha256", sa.String(64)),
    sa.Column("imported_at", sa.String(32), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("accepted", sa.Integer, nullable=False),
    sa.Column("rejected", sa.Integer, nullable=False),
    sa.Column("warnings", sa.Integer, nullable=False),
    sa.Column("replaced_earlier", sa.Boolean, nullable=False, default=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("report", sa.Text, nullable=False),
)

records = sa.Table(
    "records",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id"), nullable=False, index=True),
    sa.Column("layer", sa.String(32), nullable=False, index=True),
    sa.Column("source_row", sa.Integer),
    sa.Column("lon", sa.Float),
    sa.Column("lat", sa.Float),
    sa.Column("district_pcode", sa.String(8), index=True),
    sa.Column("tehsil_pcode", sa.String(10)),
    sa.Column("synthetic", sa.Boolean, nullable=False, default=False),
    sa.Column("properties", sa.Text, nullable=False),
    info={POINT_COLUMNS: ("lon", "lat")},
)

visit_log = sa.Table(
    "visit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("visit_id", sa.String(64), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("kiln_id", sa.String(64), index=True),
    sa.Column("lon", sa.Float),
    sa.Column("lat", sa.Float),
    sa.Column("district_pcode", sa.String(8), index=True),
    sa.Column("tehsil_pcode", sa.String(10)),
    sa.Column("synthetic", sa.Boolean, nullable=False, default=False),
    sa.Column("properties", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.Column("recorded_by", sa.Text, nullable=False),
    sa.Column("change_note", sa.Text, nullable=False, default=""),
    sa.UniqueConstraint("visit_id", "version", name="one_visit_version"),
    info={POINT_COLUMNS: ("lon", "lat")},
)
"""Visits recorded or edited in the app, one row per version: an edit adds a version, nothing is overwritten."""

RECORDED_SOURCE = "recorded in the app"

shared_columns = sa.Table(
    "shared_columns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("layer", sa.String(32), nullable=False),
    sa.Column("column_name", sa.Text, nullable=False),
    sa.Column("shared", sa.Boolean, nullable=False),
    sa.Column("changed_at", sa.String(32), nullable=False),
    sa.Column("changed_by", sa.Text, nullable=False),
)
"""Columns outside a layer's contract marked shareable (or unmarked) for the official and public profiles
(layers.redact): one row per change, the newest for a column decides; nothing is overwritten."""


class VisitConflict(Exception):
    """The visit was changed by someone else since it was opened, or its id is already taken."""


class StoreError(Exception):
    """The store cannot be used as configured (e.g. PostGIS missing): one line that names the fix."""


@dataclass(frozen=True)
class RecordedVisit:
    visit_id: str
    version: int
    id: int


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    stored: int
    deactivated_imports: int


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # the timeout first: switching a new file to WAL needs a lock another process may briefly hold
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


SQLITE_OPEN_WAIT_S = 30.0
"""How long opening an SQLite store waits for another process that holds it while it starts."""


class Store:
    """Records of every layer with the file each came from; one transaction per import."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_database_url()
        engine_url = sa.make_url(self.url)
        if engine_url.drivername in ("postgres", "postgresql"):
            # a bare postgresql:// would ask SQLAlchemy for psycopg2; psycopg 3 is the driver we ship
            engine_url = engine_url.set(drivername="postgresql+psycopg")
        self.is_postgres = engine_url.get_backend_name() == "postgresql"
        # a replica outlives database restarts: test a pooled connection before handing it out
        self.engine = sa.create_engine(engine_url, pool_pre_ping=self.is_postgres)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        deadline = time.monotonic() + SQLITE_OPEN_WAIT_S
        for attempt in itertools.count():
            try:
                self.create_tables()
                break
            except sa.exc.OperationalError as error:  # the server is down, the file unreadable...: one line
                reason = str(error.orig or error).strip().splitlines()[0]
                # two processes opening a new SQLite file at once: switching it to WAL can be refused at once
                # ("database is locked") without waiting for the busy timeout; the other is done in moments
                if not self.is_postgres and "locked" in reason and time.monotonic() < deadline:
                    self.engine.dispose()
                    time.sleep(min(0.05 * 2**attempt, 1.0))
                    continue
                raise StoreError(f"cannot open the store {self.describe()}: {reason}") from None

    def create_tables(self) -> None:
        """Create whatever table, PostGIS column or index is missing; safe when several processes start at once."""
        if not self.is_postgres:
            if {t.name for t in metadata.sorted_tables} <= set(sa.inspect(self.engine).get_table_names()):
                return  # the usual case, without taking the write lock
            with self.engine.begin() as conn:
                # DDL is transactional in SQLite too: with the write lock taken first, a process starting at
                # the same moment waits, then finds the tables made instead of failing on "already exists"
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                metadata.create_all(conn)
            return
        with self.engine.begin() as conn:
            # DDL is transactional in PostgreSQL: replicas starting together wait here in turn, and the
            # later ones find everything made
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
            self._ensure_postgis(conn)
            metadata.create_all(conn)
            for table in metadata.sorted_tables:
                if POINT_COLUMNS in table.info:
                    _add_point_geometry(conn, table, *table.info[POINT_COLUMNS])

    def _ensure_postgis(self, conn: sa.Connection) -> None:
        if conn.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).scalar():
            return
        if not conn.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")).scalar():
            raise StoreError(f"PostGIS is not installed on the server of {self.describe()}: install it there "
                             "(Debian: apt-get install postgresql-15-postgis-3), then start again")
        try:
            with conn.begin_nested():
                conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
        except sa.exc.DBAPIError as error:
            reason = str(error.orig).splitlines()[0] if error.orig else type(error).__name__
            raise StoreError(f"PostGIS is not enabled in {self.describe()} and this user cannot enable it "
                             f"({reason}): run CREATE EXTENSION postgis; in that database as a superuser") from None

    def describe(self) -> str:
        """The store's URL without any password, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def snapshot(self) -> Iterator[sa.Connection]:
        """A read-only connection that sees every table as of one moment, while others keep writing (backups)."""
        with self.engine.connect() as conn:
            if self.is_postgres:
                conn.execution_options(isolation_level="REPEATABLE READ")
            else:
                # pysqlite opens no transaction for a SELECT: each table would be read at its own moment
                conn.exec_driver_sql("BEGIN")
            try:
                yield conn
            finally:
                conn.rollback()

    @contextmanager
    def exclusive(self) -> Iterator[sa.Connection]:
        """One transaction over every table of ``metadata`` that no other writer can interleave with (restore).

        Readers go on seeing the store as it was until the commit.
        """
        with self.engine.begin() as conn:
            if self.is_postgres:
                names = ", ".join(conn.dialect.identifier_preparer.format_table(t) for t in metadata.sorted_tables)
                conn.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now, not at the first write
            yield conn

    def continue_ids(self, conn: sa.Connection) -> None:
        """After rows were inserted with their own ids (a restore), make new rows take ids above them.

        PostgreSQL's sequences do not move on their own; SQLite needs nothing (a new rowid is the largest + 1).
        """
        if not self.is_postgres:
            return
        for table in metadata.sorted_tables:
            column = table.autoincrement_column
            if column is None:
                continue
            conn.execute(sa.select(sa.func.setval(
                sa.func.pg_get_serial_sequence(table.name, column.name),
                sa.func.coalesce(sa.select(sa.func.max(column)).scalar_subquery(), 1),
                sa.select(sa.func.count()).select_from(table).scalar_subquery() > 0,
            )))

    def active_import_of(self, layer: str, sha256: str) -> int | None:
        """Id of the active import of ``layer`` made from a file with this checksum, if any."""
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(imports.c.id).where(imports.c.layer == layer, imports.c.file_sha256 == sha256,
                                              imports.c.active.is_(True))
            ).scalar()

    def add_import(
        self,
        report: Report,
        *,
        source: str | Path | None = None,
        sha256: str | None = None,
        replace: bool = False,
    ) -> ImportResult:
        """Store the accepted rows of ``report`` with provenance, atomically.

        With ``replace`` the earlier imports of the layer are deactivated (kept, not deleted), so the
        map shows only this file; nothing stored is ever lost.
        """
        accepted = report.accepted
        props = records_to_json(accepted)
        geoms = accepted.geometry.values
        rows = []
        for i, prop in enumerate(props):
            g = geoms[i]
            has_point = g is not None and not g.is_empty
            rows.append({
                "layer": report.layer,
                "source_row": int(accepted["source_row"].iloc[i]) if pd.notna(accepted["source_row"].iloc[i]) else None,
                "lon": float(g.x) if has_point else None,
                "lat": float(g.y) if has_point else None,
                "district_pcode": _none(accepted["district_pcode"].iloc[i]),
                "tehsil_pcode": _none(accepted["tehsil_pcode"].iloc[i]),
                "synthetic": bool(accepted["synthetic"].iloc[i]),
                "properties": prop,
            })
        digest = sha256 or (file_sha256(source) if source else None)
        with self.engine.begin() as conn:
            if self.is_postgres:
                # one import at a time, as SQLite's single writer gives: two replaces at once would otherwise
                # each miss the other's new import (read committed), leaving both on the map. Readers go on.
                conn.exec_driver_sql("LOCK TABLE imports IN SHARE ROW EXCLUSIVE MODE")
            deactivated = 0
            if replace:
                deactivated = conn.execute(
                    imports.update()
                    .where(imports.c.layer == report.layer, imports.c.active.is_(True))
                    .values(active=False)
                ).rowcount
            import_id = conn.execute(
                imports.insert().values(
                    layer=report.layer,
                    file_name=report.file,
                    file_sha256=digest,
                    imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
                    rows=report.rows,
                    accepted=len(accepted),
                    rejected=len(report.rejected_rows),
                    warnings=len(report.warnings),
                    replaced_earlier=replace,
                    active=True,
                    report=json.dumps(report.as_dict(), ensure_ascii=False),
                )
            ).inserted_primary_key[0]
            if rows:
                conn.execute(records.insert(), [{**r, "import_id": import_id} for r in rows])
        return ImportResult(int(import_id), len(rows), int(deactivated))

    def imports(self, layer: str | None = None) -> pd.DataFrame:
        """Provenance of every import, newest first."""
        query = sa.select(imports).order_by(imports.c.id.desc())
        if layer:
            query = query.where(imports.c.layer == layer)
        with self.engine.connect() as conn:
            return pd.DataFrame(conn.execute(query).mappings().all(), columns=[c.name for c in imports.columns])

    def version(self) -> tuple[str, int, int, int, int, int]:
        """Changes whenever an import is stored or replaced, a visit recorded or edited, or a column shared.

        (store URL, imports, newest import id, active imports, visit versions, shared-column changes): three
        aggregate queries, cheap enough to ask on every page run. Counts, not the newest ids: on PostgreSQL
        ids are handed out before commit, so a visit committed after a later-numbered one would not move
        the newest id; rows are never deleted, so every commit moves a count.
        """
        query = sa.select(
            sa.func.count(imports.c.id),
            sa.func.coalesce(sa.func.max(imports.c.id), 0),
            sa.func.coalesce(sa.func.sum(sa.case((imports.c.active.is_(True), 1), else_=0)), 0),
        )
        with self.engine.connect() as conn:
            count, newest, active = conn.execute(query).one()
            visits = conn.execute(sa.select(sa.func.count()).select_from(visit_log)).scalar()
            shared = conn.execute(sa.select(sa.func.count()).select_from(shared_columns)).scalar()
        return (self.url, int(count), int(newest), int(active), int(visits), int(shared))

    # -- columns shared beyond internal use ---------------------------------------------------------

    def set_shared_columns(self, layer: str, columns: Collection[str], *, by: str) -> list[tuple[str, bool]]:
        """Make exactly ``columns`` the shareable extra columns of ``layer``; returns the changes made.

        A personal field of the contract cannot be shared (:class:`ValueError`): it stays internal whatever
        is asked. Each change is a new row with who and when.
        """
        personal = {f.name for f in contract(layer).fields if f.personal}
        if refused := sorted(set(columns) & personal):
            raise ValueError(f"{', '.join(refused)}: personal field(s) of {layer} are never shared")
        if not by.strip():
            raise ValueError("say who marks the columns")
        current = self.shared_columns().get(layer, frozenset())
        changes = [(c, True) for c in sorted(set(columns) - current)] + \
                  [(c, False) for c in sorted(current - set(columns))]
        if changes:
            at = datetime.now(UTC).isoformat(timespec="seconds")
            with self.engine.begin() as conn:
                conn.execute(shared_columns.insert(), [
                    {"layer": layer, "column_name": c, "shared": on, "changed_at": at, "changed_by": by.strip()}
                    for c, on in changes])
        return changes

    def shared_columns(self) -> dict[str, frozenset[str]]:
        """``layer -> columns`` marked shareable, as :func:`layers.redact.redact_layers` takes them."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(shared_columns).order_by(shared_columns.c.id)).mappings().all()
        latest = {(r["layer"], r["column_name"]): r["shared"] for r in rows}
        out: dict[str, set[str]] = {}
        for (layer, column), on in latest.items():
            if on:
                out.setdefault(layer, set()).add(column)
        return {layer: frozenset(columns) for layer, columns in out.items()}

    # -- visits recorded in the app ----------------------------------------------------------------

    def record_visit(
        self,
        report: Report,
        *,
        by: str,
        edit_of: str | None = None,
        expected_version: int | None = None,
        note: str = "",
        synthetic: bool | None = None,
    ) -> RecordedVisit:
        """Store one visit checked against the inspections contract, or a new version of an earlier one.

        Parameters
        ----------
        report
            :func:`loaders.validate.validate` of a one-row inspections table (the visit form).
        by
            Who records it (role or sign-in name): kept with the version.
        edit_of
            The ``visit_id`` of the visit this replaces (one recorded here, imported or demo). The earlier
            versions stay in the store and in :meth:`visit_history`.
        expected_version
            The newest version the editor saw (``0`` for an imported or demo visit never edited here):
            when someone stored a newer one meanwhile, :class:`VisitConflict` is raised and nothing stored.
        note
            Why it was changed (edits).
        synthetic
            Mark the version as demo data (an edit of a synthetic visit stays synthetic); default: the row's.
        """
        if report.layer != "inspections":
            raise ValueError(f"a visit must be checked against the inspections contract, not {report.layer!r}")
        if report.rejected or len(report.accepted) != 1:
            raise ValueError("a visit is one row without errors: " +
                             "; ".join(p.reason for p in report.rejected) if report.rejected else
                             f"a visit is one row, got {len(report.accepted)}")
        by = " ".join(str(by or "").split())
        if not by:
            raise ValueError("who records the visit is required")
        row = report.accepted.iloc[0]
        prop = json.loads(records_to_json(report.accepted)[0])
        for name in ("source_row", "district_pcode", "tehsil_pcode", "synthetic", "lat", "lon"):
            prop.pop(name, None)
        point = row.geometry
        values = {
            "kiln_id": _none(prop.get("kiln_id")),
            "lon": float(point.x) if point is not None and not point.is_empty else None,
            "lat": float(point.y) if point is not None and not point.is_empty else None,
            "district_pcode": _none(row.get("district_pcode")), "tehsil_pcode": _none(row.get("tehsil_pcode")),
            "synthetic": bool(row.get("synthetic")) if synthetic is None else bool(synthetic),
            "recorded_by": by, "change_note": " ".join(str(note or "").split()),
        }
        given_id = prop.get("visit_id")
        # "the next version" is read, then written: two writers may both read version n. The unique constraint
        # one_visit_version lets only one store n + 1 (on both backends); the other gets IntegrityError.
        for _ in range(_VISIT_RETRIES):
            visit_id = edit_of or given_id or _new_visit_id()
            try:
                with self.engine.begin() as conn:
                    newest = conn.execute(
                        sa.select(sa.func.max(visit_log.c.version)).where(visit_log.c.visit_id == visit_id)
                    ).scalar()
                    if edit_of is None:
                        if newest is not None:
                            raise VisitConflict(f"visit id {visit_id!r} is already recorded: edit that visit instead")
                        version = 1
                    else:
                        seen = newest or 0
                        if expected_version is not None and expected_version != seen:
                            raise VisitConflict(f"visit {edit_of} was changed meanwhile (now version {seen}, "
                                                f"you edited version {expected_version}): reopen it and edit again")
                        version = max(seen, 1) + 1
                    prop["visit_id"] = visit_id
                    new_id = conn.execute(visit_log.insert().values(
                        visit_id=visit_id, version=version, properties=json.dumps(prop, ensure_ascii=False),
                        recorded_at=datetime.now(UTC).isoformat(timespec="seconds"), **values,
                    )).inserted_primary_key[0]
                return RecordedVisit(visit_id, version, int(new_id))
            except sa.exc.IntegrityError:
                # the other writer's version stands where this one asked for a particular version (an edit of
                # the version it saw, or a new visit with its own id); otherwise read the newest and try again
                if edit_of is not None and expected_version is not None:
                    raise VisitConflict(f"visit {visit_id} was changed meanwhile: reopen it and edit again") from None
                if edit_of is None and given_id:
                    raise VisitConflict(f"visit id {visit_id!r} is already recorded: edit that visit instead") from None
        raise VisitConflict(f"visit {visit_id} is being changed by others right now: try again") from None

    def visit_history(self, visit_id: str) -> pd.DataFrame:
        """Every version recorded here of one visit, oldest first, with who, when and why."""
        query = sa.select(visit_log).where(visit_log.c.visit_id == visit_id).order_by(visit_log.c.version)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        frame = pd.DataFrame.from_records([json.loads(r["properties"]) for r in rows]) if rows else pd.DataFrame()
        for name in ("version", "recorded_at", "recorded_by", "change_note"):
            frame[name] = [r[name] for r in rows]
        return frame

    def recorded_visits(self) -> gpd.GeoDataFrame | None:
        """The newest version of every visit recorded here, typed like :meth:`layer`; ``None`` if there are none."""
        newest = (sa.select(visit_log.c.visit_id, sa.func.max(visit_log.c.version).label("version"))
                  .group_by(visit_log.c.visit_id).subquery())
        query = (sa.select(visit_log)
                 .join(newest, (visit_log.c.visit_id == newest.c.visit_id) & (visit_log.c.version == newest.c.version))
                 .order_by(visit_log.c.id))
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        if not rows:
            return None
        return _records_frame("inspections", rows, [RECORDED_SOURCE] * len(rows),
                              extra=("version", "recorded_at", "recorded_by"))

    def has_layer(self, layer: str) -> bool:
        with self.engine.connect() as conn:
            return bool(conn.execute(
                sa.select(sa.func.count()).select_from(imports).where(imports.c.layer == layer, imports.c.active.is_(True))
            ).scalar())

    def layer(self, layer: str) -> gpd.GeoDataFrame | None:
        """Records of the active imports of ``layer`` as a GeoDataFrame, or ``None`` if there are none."""
        query = (
            sa.select(records, imports.c.file_name)
            .join(imports, records.c.import_id == imports.c.id)
            .where(records.c.layer == layer, imports.c.active.is_(True))
            .order_by(records.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        if not rows and not self.has_layer(layer):
            return None
        return _records_frame(layer, rows, [f"imported: {r['file_name']}" for r in rows], extra=("import_id",))

    def counts(self) -> dict[str, int]:
        """Active stored records per layer."""
        query = (
            sa.select(records.c.layer, sa.func.count())
            .join(imports, records.c.import_id == imports.c.id)
            .where(imports.c.active.is_(True))
            .group_by(records.c.layer)
        )
        with self.engine.connect() as conn:
            return {layer: n for layer, n in conn.execute(query).all()}


_SCHEMA_LOCK = 0x62686174746131
"""pg_advisory_xact_lock key held while the tables are created ("bhatta1" in ASCII)."""

_VISIT_RETRIES = 20


def _add_point_geometry(conn: sa.Connection, table: sa.Table, lon: str, lat: str) -> None:
    """PostgreSQL: the PostGIS point of ``lon``/``lat`` as a generated column ``geom`` with a GIST index.

    Generated by the database, so every insert (the app's, a restore's, a hand-written one) and any later
    change of lon/lat keeps it in step, and no Python code ever writes it; it is not in ``metadata``, so
    selects and backups carry lon/lat only. Column and index are added only when missing: asking for them
    "IF NOT EXISTS" would still lock the table against writers on every start.
    """
    q = conn.dialect.identifier_preparer
    name = q.format_table(table)
    has_geom = conn.execute(sa.text(
        "SELECT 1 FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) AND attname = 'geom' AND NOT attisdropped"
    ), {"t": name}).scalar()
    if not has_geom:
        point_type = Geometry("POINT", srid=4326, spatial_index=False).compile(dialect=conn.dialect)
        conn.exec_driver_sql(
            f"ALTER TABLE {name} ADD COLUMN geom {point_type} GENERATED ALWAYS AS "
            f"(ST_SetSRID(ST_MakePoint({q.quote(lon)}, {q.quote(lat)}), 4326)) STORED")
    index = q.quote(f"{table.name}_geom_gist")
    if not conn.execute(sa.text("SELECT to_regclass(:i) IS NOT NULL"), {"i": index}).scalar():
        conn.exec_driver_sql(f"CREATE INDEX {index} ON {name} USING GIST (geom)")


def _records_frame(layer: str, rows: list, sources: list[str], extra: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    """Stored rows (``properties`` JSON, ``lon``, ``lat``, ``synthetic``) as a GeoDataFrame typed by the contract,
    with the row columns named in ``extra`` (e.g. ``import_id``) before ``source``."""
    props = pd.DataFrame.from_records([json.loads(r["properties"]) for r in rows]) if rows else pd.DataFrame()
    for f in contract(layer).fields:
        if f.name not in props:
            props[f.name] = None
        if f.kind == "date":
            props[f.name] = pd.to_datetime(props[f.name], errors="coerce")
    props["district_pcode"] = [r["district_pcode"] for r in rows]
    props["tehsil_pcode"] = [r["tehsil_pcode"] for r in rows]
    for name in extra:
        props[name] = [r[name] for r in rows]
    props["source"] = sources
    props["synthetic"] = [bool(r["synthetic"]) for r in rows]
    lon = np.array([np.nan if r["lon"] is None else r["lon"] for r in rows], dtype=float)
    lat = np.array([np.nan if r["lat"] is None else r["lat"] for r in rows], dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    pts = gpd.points_from_xy(np.where(ok, lon, 0), np.where(ok, lat, 0))
    geometry = [p if good else None for p, good in zip(pts, ok, strict=True)]
    return gpd.GeoDataFrame(props, geometry=geometry, crs=WGS84)


def _new_visit_id() -> str:
    return f"APP-{datetime.now(UTC):%Y%m%d}-{uuid.uuid4().hex[:8]}"


def _none(value: object) -> object:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def file_sha256(path: str | Path) -> str | None:
    """Checksum of a file, or ``None`` if it cannot be read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None
