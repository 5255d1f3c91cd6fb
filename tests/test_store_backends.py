"""The store on SQLite and on PostGIS: concurrent writers lose nothing, a killed or failed import leaves no
trace, a backup restores row for row (across backends too), and PostGIS keeps an indexed point per row.

Writers run in processes of their own (multiprocessing, spawn), as two app replicas would: two processes
never share a connection or a lock.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

import loaders.store
from bhatta.cli import main
from layers.access import LOCAL_ADMIN
from loaders.accounts import add_user, audit, audit_trail
from loaders.backup import BackupError, backup, restore
from loaders.geo import reference
from loaders.store import Store, StoreError, VisitConflict, metadata
from loaders.validate import check_file
from loaders.visits import check_visit

SPAWN = multiprocessing.get_context("spawn")
VISITS_PER_WRITER = 1000
EDITS_PER_WRITER = 60
REPLACE_ROUNDS = 2
BIG_IMPORT = 1500
"""Rows of the import that is killed after writing its records, or fails at row 1,200 of them."""
TIMEOUT = 120
_TO_JSON = loaders.store.records_to_json


@pytest.fixture(scope="module")
def ref():
    return reference()


@pytest.fixture(scope="module")
def visit(ref):
    """A clean one-row visit report (no visit_id: each store call draws a new one)."""
    return check_visit({"kiln_id": ref.kilns["kiln_id"].iat[0], "visit_date": date(2026, 11, 20), "children_count": 3},
                       ref=ref, today=date(2026, 11, 20))


def _schools(tmp_path: Path, ref, rows: int, name: str):
    """A schools file of ``rows`` schools around Lahore, checked; returns the report."""
    lines = ["name,lat,lon,Head teacher"] + [
        f"School {name} {i},{31.45 + (i % 97) * 0.001:.4f},{74.30 + (i // 97) * 0.001:.4f},Teacher {i}"
        for i in range(rows)]
    path = tmp_path / f"{name}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = check_file(path, "schools", ref=ref)
    assert len(report.accepted) == rows
    return report


@pytest.fixture(scope="module")
def small(tmp_path_factory, ref):
    return _schools(tmp_path_factory.mktemp("small"), ref, 40, "small")


@pytest.fixture(scope="module")
def big(tmp_path_factory, ref):
    return _schools(tmp_path_factory.mktemp("big"), ref, BIG_IMPORT, "big")


def _table_rows(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table of ``metadata``, in primary-key order."""
    with store.engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
                for t in metadata.sorted_tables}


def _start(target, *args) -> tuple:
    """Start ``target(*args, pipe)`` in a spawned process; returns (process, our end of the pipe)."""
    ours, theirs = SPAWN.Pipe(duplex=False)
    process = SPAWN.Process(target=target, args=(*args, theirs))
    process.start()
    theirs.close()
    return process, ours


def _receive(process, pipe):
    """The next message of ``process``; fails at once if it died without sending one."""
    deadline = time.monotonic() + TIMEOUT
    while not pipe.poll(0.05):
        if not process.is_alive() and not pipe.poll():
            pytest.fail(f"the writer process ended (exit code {process.exitcode}) without a word")
        if time.monotonic() > deadline:
            pytest.fail(f"the writer process sent nothing in {TIMEOUT} s")
    return pipe.recv()


# -- two writers at once ---------------------------------------------------------------------------------


def _warm(barrier) -> int:
    # both tasks held at once, so each is in its own process: a sleep was not enough on a loaded machine,
    # where the second process's imports took so long that the first took both tasks
    barrier.wait(timeout=TIMEOUT)
    return os.getpid()


@pytest.fixture(scope="module")
def writers():
    """Two writer processes, spawned once for the module (each start is ~2 s of imports)."""
    with SPAWN.Manager() as manager, ProcessPoolExecutor(max_workers=2, mp_context=SPAWN) as pool:
        barrier = manager.Barrier(2)
        assert len({f.result(timeout=TIMEOUT) for f in [pool.submit(_warm, barrier) for _ in range(2)]}) == 2
        yield pool


def _together(pool: ProcessPoolExecutor, task, *args) -> list:
    """``task(*args, start_at)`` in both writer processes at once; their results, each with its pid."""
    start_at = time.time() + 0.3
    results = [f.result(timeout=TIMEOUT) for f in [pool.submit(task, *args, start_at) for _ in range(2)]]
    assert len({pid for pid, *_ in results}) == 2, "both tasks ran in one process"
    return [result[1:] for result in results]


def _same_visit_json(report) -> None:
    """Turn the visit into JSON once, not on every call: the pandas work (5 ms a visit) would hide the store's."""
    row = _TO_JSON(report.accepted)
    loaders.store.records_to_json = lambda frame: row


def _write_visits(url: str, report, n: int, start_at: float) -> tuple:
    _same_visit_json(report)
    time.sleep(max(0.0, start_at - time.time()))
    store = Store(url)  # both create the store at once (a fresh one: the tables do not exist yet)
    began = time.perf_counter()
    ids = [store.record_visit(report, by=f"writer {os.getpid()}").visit_id for _ in range(n)]
    return os.getpid(), ids, time.perf_counter() - began


def test_two_processes_writing_1000_visits_each_lose_none(store_url, visit, writers):
    (first, t1), (second, t2) = _together(writers, _write_visits, store_url, visit, VISITS_PER_WRITER)
    print(f"\n2 x {VISITS_PER_WRITER} visits on {store_url.split(':')[0]}: {max(t1, t2):.1f} s")
    assert len(set(first) | set(second)) == 2 * VISITS_PER_WRITER  # every visit its own id
    store = Store(store_url)
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(loaders.store.visit_log.c.visit_id, loaders.store.visit_log.c.version)).all()
    assert sorted(v for v, _ in stored) == sorted(first + second)  # none lost, none twice
    assert {version for _, version in stored} == {1}
    assert len(store.recorded_visits()) == 2 * VISITS_PER_WRITER
    assert store.version()[4] == 2 * VISITS_PER_WRITER


def _edit_visit(url: str, report, visit_id: str, n: int, start_at: float) -> tuple:
    _same_visit_json(report)
    store = Store(url)
    time.sleep(max(0.0, start_at - time.time()))
    stored, refused = [], []
    for i in range(n):
        note = f"{os.getpid()} edit {i}"
        if i % 2:  # the form's way: the version the editor saw
            seen = int(store.visit_history(visit_id)["version"].max())
            try:
                saved = store.record_visit(report, by="editor", edit_of=visit_id, expected_version=seen, note=note)
            except VisitConflict:
                refused.append(note)
                continue
        else:  # no version asked for: whatever is newest, retried by the store
            saved = store.record_visit(report, by="editor", edit_of=visit_id, note=note)
        stored.append((saved.version, note))
    return os.getpid(), stored, refused


def test_two_processes_editing_one_visit_store_each_edit_as_the_next_version_or_refuse_it(store_url, visit,
                                                                                          writers):
    first = Store(store_url).record_visit(visit, by="recorder")
    (stored_a, refused_a), (stored_b, refused_b) = _together(writers, _edit_visit, store_url, visit,
                                                             first.visit_id, EDITS_PER_WRITER)
    history = Store(store_url).visit_history(first.visit_id)
    stored = sorted(stored_a + stored_b)
    assert history["version"].tolist() == list(range(1, len(stored) + 2))  # no duplicate, no gap
    assert list(zip(history["version"][1:], history["change_note"][1:], strict=True)) == stored  # none lost
    assert not set(refused_a + refused_b) & set(history["change_note"])  # a refused edit stored nothing
    assert len(stored) + len(refused_a) + len(refused_b) == 2 * EDITS_PER_WRITER
    unasked = [note for _, note in stored if int(note.split()[-1]) % 2 == 0]
    assert len(unasked) == EDITS_PER_WRITER  # an edit asking for no particular version is never refused


def _replace_layer(url: str, report, start_at: float) -> tuple:
    store = Store(url)
    time.sleep(max(0.0, start_at - time.time()))
    return os.getpid(), store.add_import(report, replace=True).import_id


def test_two_processes_replacing_one_layer_at_once_leave_exactly_one_import_on_the_map(store_url, big, writers):
    store = Store(store_url)
    for n in range(1, REPLACE_ROUNDS + 1):
        # 1,500 rows each, so the two transactions overlap: without a lock PostgreSQL left both on the map
        _together(writers, _replace_layer, store_url, big)
        active = store.imports("schools").query("active")
        assert len(active) == 1, f"round {n}: imports {active['id'].tolist()} are all on the map"
    assert len(store.imports("schools")) == 2 * REPLACE_ROUNDS


# -- a writer killed half-way ----------------------------------------------------------------------------


def _import_until_killed(url: str, small, big, report, pipe) -> None:
    store = Store(url)
    if not store.is_postgres:
        # a tiny page cache, so the half-written import spills into the WAL file before any commit
        sa.event.listen(store.engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA cache_size=8"))
        store.engine.dispose()
    pipe.send(("imported", store.add_import(small).import_id))
    for _ in range(20):
        pipe.send(("visit", store.record_visit(report, by="killed writer").visit_id))

    def hold(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO RECORDS"):
            pipe.send(("writing", None))
            time.sleep(TIMEOUT)  # inside the import's transaction, records written: SIGKILL comes now

    sa.event.listen(store.engine, "after_cursor_execute", hold)
    store.add_import(big)
    pipe.send(("imported", "the big import was not killed"))


def test_a_writer_killed_mid_import_leaves_every_commit_and_no_part_of_the_import(store_url, small, big, visit):
    process, pipe = _start(_import_until_killed, store_url, small, big, visit)
    messages = []
    while not messages or messages[-1][0] != "writing":
        messages.append(_receive(process, pipe))
    os.kill(process.pid, signal.SIGKILL)
    process.join(TIMEOUT)
    assert process.exitcode == -signal.SIGKILL

    store = Store(store_url)
    with store.engine.connect() as conn:
        if not store.is_postgres:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        imports = conn.execute(sa.select(loaders.store.imports.c.id, loaders.store.imports.c.accepted)).all()
        per_import = dict(conn.execute(sa.select(loaders.store.records.c.import_id, sa.func.count())
                                       .group_by(loaders.store.records.c.import_id)).all())
    committed = [m[1] for m in messages if m[0] == "imported"]
    assert [i for i, _ in imports] == committed  # the half-written import is not there at all
    assert per_import == {i: accepted for i, accepted in imports} == {committed[0]: len(small.accepted)}
    visits = [m[1] for m in messages if m[0] == "visit"]
    assert sorted(store.recorded_visits()["visit_id"]) == sorted(visits) and len(visits) == 20
    assert store.add_import(small).stored == len(small.accepted)  # and it takes new writes


# -- an import that fails half-way -----------------------------------------------------------------------


def _records_written(store: Store) -> int:
    """Rows inserted into records so far, rolled back or not: PostgreSQL's id sequence never goes back."""
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.coalesce(sa.func.pg_sequence_last_value(
            sa.func.pg_get_serial_sequence("records", "id")), 0))).scalar()


def test_an_import_failing_half_way_changes_nothing(store_url, small, big, monkeypatch):
    store = Store(store_url)
    store.add_import(small)
    before = (store.imports().to_dict("records"), _table_rows(store), store.version())
    to_json = loaders.store.records_to_json

    def one_bad_row(frame):  # row 1,200 breaks NOT NULL, after 1,199 rows went in (both drivers insert row by row)
        rows = to_json(frame)
        return rows[:1199] + [None] + rows[1200:]

    monkeypatch.setattr(loaders.store, "records_to_json", one_bad_row)
    changes = []  # SQLite: rows changed on the connection when the records insert starts and when it fails
    if not store.is_postgres:
        sa.event.listen(store.engine, "before_cursor_execute", lambda conn, cursor, statement, *args: changes.append(
            cursor.connection.total_changes) if statement.startswith("INSERT INTO records") else None)
        sa.event.listen(store.engine, "handle_error", lambda context: changes.append(
            context.connection.connection.dbapi_connection.total_changes))
    written = _records_written(store) if store.is_postgres else None
    with pytest.raises(sa.exc.IntegrityError):
        store.add_import(big, replace=True)
    if store.is_postgres:
        assert _records_written(store) - written >= 1199
    else:
        assert changes[1] - changes[0] == 1199
    assert (store.imports().to_dict("records"), _table_rows(store), store.version()) == before


# -- backup and restore ----------------------------------------------------------------------------------


def _fill(store: Store, small, visit) -> None:
    """Something in every table: imports (one replaced), records, visit versions, shared columns, accounts."""
    store.add_import(small)
    store.add_import(small, replace=True)
    first = store.record_visit(visit, by="inspector")
    store.record_visit(visit, by="manager", edit_of=first.visit_id, expected_version=1, note="recounted")
    store.record_visit(visit, by="inspector")
    store.set_shared_columns("schools", ["Head teacher"], by="pm")
    add_user(store, "kasur.dvc", role="dvc", password="kiln-visits-2026", districts=["PK614"], by="admin")
    audit(store, actor="kasur.dvc", action="sign_in")


@pytest.mark.parametrize(("source", "target"), [("sqlite", "sqlite"), ("postgis", "postgis"),
                                                ("sqlite", "postgis"), ("postgis", "sqlite")])
def test_backup_then_restore_into_an_empty_store_gives_every_row_back(source, target, new_store_url, tmp_path,
                                                                      small, visit):
    original = Store(new_store_url(source))
    _fill(original, small, visit)
    made = backup(original, tmp_path / "bhatta.zip")
    assert made.tables == {name: len(rows) for name, rows in _table_rows(original).items()}
    assert made.tables["visit_log"] == 3 and made.tables["audit_log"] >= 2 and made.tables["users"] == 1
    with zipfile.ZipFile(made.path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["schema_version"] == loaders.store.SCHEMA_VERSION
    assert manifest["made_from"] == {"sqlite": "sqlite", "postgis": "postgresql"}[source]

    copy = Store(new_store_url(target))
    restored = restore(copy, made.path)
    assert restored.tables == made.tables and not restored.replaced
    assert _table_rows(copy) == _table_rows(original)
    assert copy.version()[1:] == original.version()[1:]
    # new rows continue after the restored ids (PostgreSQL's sequences were moved past them)
    assert copy.record_visit(visit, by="after restore").id == max(r[0] for r in _table_rows(original)["visit_log"]) + 1
    if copy.is_postgres:
        with copy.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM records WHERE geom IS DISTINCT FROM "
                                        "ST_SetSRID(ST_MakePoint(lon, lat), 4326)").scalar() == 0


def test_restore_into_a_store_with_data_is_refused_unless_forced(store_url, new_store_url, tmp_path, small, visit):
    original = Store(new_store_url("sqlite"))
    _fill(original, small, visit)
    made = backup(original, tmp_path / "bhatta.zip")

    store = Store(store_url)
    store.add_import(small)
    add_user(store, "other.admin", role="admin", password="another-password", by="setup")  # audited
    before = _table_rows(store)
    with pytest.raises(BackupError, match=r"not empty \(1 row in audit_log, 1 row in imports, 1 row in users, "
                                          r"40 rows in records\).*--force") as refused:
        restore(store, made.path)
    assert "\n" not in str(refused.value)
    assert _table_rows(store) == before

    forced = restore(store, made.path, force=True)
    after, expected = _table_rows(store), _table_rows(original)
    assert {name: rows for name, rows in after.items() if name != "audit_log"} == \
           {name: rows for name, rows in expected.items() if name != "audit_log"}
    # the audit trail is append-only: its rows stay, and the backup's events are added after them
    assert forced.kept == {"audit_log": 1} and forced.replaced == {"imports": 1, "records": 40, "users": 1}
    assert after["audit_log"][:1] == before["audit_log"]
    assert [r[1:] for r in after["audit_log"][1:]] == [r[1:] for r in expected["audit_log"]]
    assert restore(store, made.path, force=True).tables["audit_log"] == 0  # nothing added twice


def _rewrite(path: Path, out: Path, *, manifest=None, member=None) -> Path:
    """A copy of the backup at ``path`` with the manifest changed by ``manifest(m)`` or a member's bytes replaced."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as copy:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            if member and info.filename == member[0]:
                data = member[1](data)
            copy.writestr(info.filename, data)
    return out


def test_a_bad_backup_is_refused_in_one_line_and_changes_nothing(store_url, new_store_url, tmp_path, small, visit):
    original = Store(new_store_url("sqlite"))
    _fill(original, small, visit)
    good = backup(original, tmp_path / "good.zip").path
    (tmp_path / "notes.txt").write_text("not a backup")
    (tmp_path / "truncated.zip").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with zipfile.ZipFile(tmp_path / "no-manifest.zip", "w") as archive:
        archive.writestr("tables/imports.jsonl", "")

    def schema(m):
        return {**m, "schema_version": m["schema_version"] + 1}

    def stranger(m):
        return {**m, "tables": {**m["tables"], "kilns_2019": m["tables"]["imports"]}}

    def tampered(data):
        return data.replace(b'"recounted"', b'"recounted!"')

    bad = {
        "missing.zip": "no such file",
        "notes.txt": "not a Bhatta Atlas backup (not a readable zip file",
        "truncated.zip": "not a Bhatta Atlas backup (not a readable zip file",
        "no-manifest.zip": "not a Bhatta Atlas backup (no manifest.json",
        _rewrite(good, tmp_path / "schema.zip", manifest=schema).name: "schema version 2; this program's store is "
                                                                       "version 1",
        _rewrite(good, tmp_path / "stranger.zip", manifest=stranger).name: "table(s) this program does not know: "
                                                                           "kilns_2019",
        _rewrite(good, tmp_path / "tampered.zip", member=("tables/visit_log.jsonl", tampered)).name:
            "corrupt: the checksum of tables/visit_log.jsonl does not match the manifest",
    }
    store = Store(store_url)
    for name, reason in bad.items():
        with pytest.raises(BackupError) as refused:
            restore(store, tmp_path / name)
        assert reason in str(refused.value) and "\n" not in str(refused.value), (name, str(refused.value))
    assert not any(_table_rows(store).values())


def test_backup_covers_every_table_of_metadata_and_refuses_a_table_it_does_not_know(store_url, new_store_url,
                                                                                    tmp_path):
    extra = sa.Table("field_notes", metadata,
                     sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("written_at", sa.DateTime, nullable=False),
                     sa.Column("day", sa.Date),
                     sa.Column("urgent", sa.Boolean, nullable=False),
                     sa.Column("note", sa.Text))
    try:
        store = Store(store_url)
        with store.engine.begin() as conn:
            conn.execute(extra.insert(), [
                {"id": 1, "written_at": datetime(2026, 11, 20, 9, 30, 15, 250), "day": date(2026, 11, 20),
                 "urgent": True, "note": "اینٹ بھٹہ, brick kiln"},
                {"id": 2, "written_at": datetime(2026, 11, 21), "day": None, "urgent": False, "note": None}])
        made = backup(store, tmp_path / "bhatta.zip")
        assert made.tables["field_notes"] == 2
        copy = Store(new_store_url("sqlite"))
        restore(copy, made.path)
        assert _table_rows(copy)["field_notes"] == _table_rows(store)["field_notes"]
    finally:
        metadata.remove(extra)
    with store.engine.begin() as conn:  # the table is no longer defined: a backup would miss it
        conn.exec_driver_sql("CREATE TABLE stray (id integer primary key)")
    with pytest.raises(BackupError, match="holds table.s. this program does not know: field_notes, stray"):
        backup(store, tmp_path / "again.zip")
    assert not list(tmp_path.glob("*again.zip*"))  # nothing written, not even a partial file


def test_the_bhatta_backup_and_restore_commands(store_url, new_store_url, tmp_path, small, visit, monkeypatch,
                                               capsys):
    original = new_store_url("sqlite")
    _fill(Store(original), small, visit)  # with an account: sign-in is configured
    add_user(Store(original), "admin", role="admin", password="admin-password-1", by="setup")
    monkeypatch.setenv("DATABASE_URL", original)
    monkeypatch.setenv("BHATTA_PASSWORD", "kiln-visits-2026")
    assert main(["--user", "kasur.dvc", "backup", str(tmp_path / "b.zip")]) == 2  # it holds the accounts
    assert "admin" in capsys.readouterr().err and not (tmp_path / "b.zip").exists()
    monkeypatch.setenv("BHATTA_PASSWORD", "admin-password-1")
    assert main(["--user", "admin", "backup", str(tmp_path / "b.zip")]) == 0
    assert f"wrote {tmp_path / 'b.zip'}" in capsys.readouterr().out

    monkeypatch.setenv("DATABASE_URL", store_url)
    assert main(["restore", str(tmp_path / "b.zip")]) == 0  # an empty store has no accounts yet
    assert "3 visit_log" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "b.zip")]) == 2  # now it has: who restores must sign in
    assert "--user" in capsys.readouterr().err
    assert main(["--user", "admin", "restore", str(tmp_path / "b.zip")]) == 2
    refused = capsys.readouterr().err
    assert "is not empty" in refused and "--force" in refused and refused.count("\n") == 1
    assert main(["--user", "admin", "restore", "--force", str(tmp_path / "b.zip")]) == 0
    assert "replaced" in capsys.readouterr().out
    assert main(["--user", "admin", "restore", str(tmp_path / "nothing.zip")]) == 2
    assert capsys.readouterr().err.startswith("bhatta: ") and _table_rows(Store(store_url))["users"]
    assert audit_trail(Store(original), action="backup")["actor"].tolist() == ["admin"]
    assert audit_trail(Store(store_url), action="restore")["actor"].tolist() == ["admin", LOCAL_ADMIN.user]


# -- PostGIS ---------------------------------------------------------------------------------------------


def test_postgis_keeps_an_indexed_point_per_record_and_visit(postgis_url, new_store_url, small, visit):
    store = Store(postgis_url)
    store.add_import(small)
    store.record_visit(visit, by="inspector")
    with store.engine.connect() as conn:
        for table in ("records", "visit_log"):
            stray = conn.exec_driver_sql(
                f"SELECT count(*) FROM {table} WHERE ST_SRID(geom) <> 4326 OR ST_X(geom) <> lon OR ST_Y(geom) <> lat "
                "OR (geom IS NULL) <> (lon IS NULL)").scalar()
            assert stray == 0
            index = conn.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE tablename = :table "
                                         "AND indexdef LIKE '%USING gist (geom)%'"), {"table": table}).scalar()
            assert index, f"no spatial index on {table}"
        near = conn.exec_driver_sql("SELECT count(*) FROM records WHERE ST_DWithin(geom, "
                                    "ST_SetSRID(ST_MakePoint(74.30, 31.45), 4326), 0.0005)").scalar()
        assert near == 1  # the first school, and only it, within ~50 m
    with Store(new_store_url("sqlite")).engine.connect() as conn:  # SQLite has no such column: no extension needed
        assert "geom" not in {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(records)")}


def test_a_plain_postgresql_url_uses_psycopg_3(postgis_url):
    store = Store(postgis_url.replace("postgresql+psycopg://", "postgresql://"))
    assert store.engine.dialect.driver == "psycopg" and store.version()[1:] == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("url", ["postgresql://nobody:secret@127.0.0.1:1/bhatta", "sqlite:////proc/none/bhatta.sqlite"])
def test_a_store_that_cannot_be_opened_says_so_in_one_line_without_the_password(url):
    with pytest.raises(StoreError, match="^cannot open the store ") as refused:
        Store(url)
    assert "\n" not in str(refused.value) and "secret" not in str(refused.value)


def test_postgis_is_enabled_on_first_use_or_the_error_names_the_fix(postgres):
    fresh = postgres.create_database(template="template0")  # a database without PostGIS
    try:
        store = Store(postgres.url(fresh))
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT extversion FROM pg_extension WHERE extname = 'postgis'").scalar()
        store.engine.dispose()
    finally:
        postgres.drop_database(fresh)
    role = postgres.new_name()
    try:
        postgres.execute(f'CREATE ROLE "{role}" LOGIN')
    except sa.exc.DBAPIError:
        pytest.skip("the test server's role may not create roles")
    plain = postgres.create_database(template="template0", owner=role)
    try:
        with pytest.raises(StoreError) as refused:
            Store(postgres.url(plain, user=role))
        message = str(refused.value)
        assert "CREATE EXTENSION postgis" in message and "superuser" in message and "\n" not in message
    finally:
        postgres.drop_database(plain)
        postgres.execute(f'DROP ROLE "{role}"')
