"""Stores for the tests on both backends: ``store_url`` is an empty SQLite file, then an empty PostGIS database.

The PostGIS variant uses ``BHATTA_TEST_POSTGRES_URL`` when set (a role that may CREATE DATABASE on a server
with PostGIS). Otherwise the first test that needs it starts a throwaway cluster: initdb into a temporary
folder (as the ``postgres`` OS user when run as root, since initdb refuses root), the server on a free
localhost port with its socket in that folder, stopped and deleted at the end of the session. Each test
gets a schema of its own (first on the search path) in one database with PostGIS: creating a database
per test costs 0.4 s, a schema a few milliseconds.

Without PostgreSQL or PostGIS these tests are skipped, and the report header and the end of the run say so.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest
import sqlalchemy as sa

ENV_URL = "BHATTA_TEST_POSTGRES_URL"
MISSING = ("PostgreSQL with PostGIS not installed: run `sudo apt-get install postgresql postgresql-15-postgis-3` "
           "(make test installs them when run as root)")
_names = count(1)


def _bindir() -> Path | None:
    """The newest PostgreSQL's bin folder with initdb and pg_ctl (Debian keeps them off PATH)."""
    found = [Path(p).resolve().parent for p in (shutil.which("initdb"), shutil.which("pg_ctl")) if p]
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                    key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    for folder in [*found, *debian]:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _has_postgis(bindir: Path) -> bool:
    try:
        share = subprocess.run([str(bindir / "pg_config"), "--sharedir"], capture_output=True, text=True,
                               check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        share = f"/usr/share/postgresql/{bindir.parent.name}"  # Debian's layout
    return any(Path(share, "extension").glob("postgis.control"))


BINDIR = _bindir()
AVAILABLE = bool(os.environ.get(ENV_URL)) or (BINDIR is not None and _has_postgis(BINDIR))


def pytest_report_header(config: pytest.Config) -> str:
    if os.environ.get(ENV_URL):
        return f"postgis store tests: {sa.make_url(os.environ[ENV_URL]).render_as_string(hide_password=True)}"
    if AVAILABLE:
        return f"postgis store tests: a throwaway cluster of {BINDIR}"
    return f"!!! postgis store tests SKIPPED: {MISSING}"


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "postgis" in r.nodeid]
    if not AVAILABLE and skipped:
        terminalreporter.section("postgis store tests SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.write_line(f"{len(skipped)} store tests did not run on PostGIS: {MISSING}",
                                    red=True, bold=True)


# ------------------------------------------------------------------------------------------------- the server


@dataclass(frozen=True)
class Postgres:
    """A server where the tests may create databases."""

    admin_url: sa.URL
    """A role that may CREATE DATABASE and CREATE ROLE, connected to its maintenance database."""
    database: str
    """The database with PostGIS where each test's schema is made."""

    def url(self, database: str, *, user: str | None = None, schema: str | None = None) -> str:
        url = self.admin_url.set(database=database)
        if user:
            url = url.set(username=user, password=None)
        if schema:
            # application_name lets drop_schema find the test's connections still open in a pool
            url = url.update_query_dict({"options": f"-csearch_path={schema},public", "application_name": schema})
        return url.render_as_string(hide_password=False)

    def execute(self, *statements: str, database: str | None = None) -> None:
        engine = sa.create_engine(self.url(database) if database else self.admin_url,
                                  isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                for statement in statements:
                    conn.exec_driver_sql(statement)
        finally:
            engine.dispose()

    def new_name(self) -> str:
        return f"bhatta_test_{os.getpid()}_{next(_names)}"

    def create_database(self, *, template: str = "template1", owner: str | None = None) -> str:
        """A new database, a copy of ``template`` (``template0``: without PostGIS); returns its name."""
        name = self.new_name()
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"' + (f' OWNER "{owner}"' if owner else ""))
        return name

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # FORCE: a test's pooled connections

    def create_schema(self) -> str:
        name = self.new_name()
        self.execute(f'CREATE SCHEMA "{name}"', database=self.database)
        return name

    def drop_schema(self, name: str) -> None:
        self.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{name}'",
                     f'DROP SCHEMA IF EXISTS "{name}" CASCADE', database=self.database)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_cluster_owner(folder: Path) -> list[str]:
    """The command prefix that runs initdb and pg_ctl: as ``postgres`` when we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return []
    try:
        owner = pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail("running as root, and there is no `postgres` user to run initdb as (apt-get install postgresql)")
    os.chown(folder, owner.pw_uid, owner.pw_gid)
    return ["runuser", "-u", "postgres", "--"]


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """``BHATTA_TEST_POSTGRES_URL``'s server, or a throwaway cluster; skips when there is none."""
    if not AVAILABLE:
        pytest.skip(MISSING)
    if os.environ.get(ENV_URL):
        # a database of this run's own: another run against the same server must not drop ours
        server = Postgres(sa.make_url(os.environ[ENV_URL]).set(drivername="postgresql+psycopg"),
                          f"bhatta_tests_{os.getpid()}")
        yield from _with_database(server, drop=True)
        return
    # not pytest's tmp_path: the postgres user must be able to enter it
    folder = Path(tempfile.mkdtemp(prefix="bhatta-pg-"))
    as_owner = _as_cluster_owner(folder)
    data, log, port = folder / "data", folder / "server.log", _free_port()
    try:
        subprocess.run([*as_owner, str(BINDIR / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                        "-E", "UTF8", "--no-sync", "--no-instructions"],
                       check=True, capture_output=True, text=True)
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
        subprocess.run([*as_owner, str(BINDIR / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                        "-o", options, "start"], check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as error:
        tail = log.read_text()[-2000:] if log.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"the throwaway PostgreSQL did not start: {error.stderr or error.stdout}\n{tail}")
    try:
        server = Postgres(sa.URL.create("postgresql+psycopg", username="postgres", host="127.0.0.1", port=port,
                                        database="postgres"), "bhatta_tests")
        yield from _with_database(server, drop=False)  # the cluster goes as a whole, faster
    finally:
        subprocess.run([*as_owner, str(BINDIR / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _with_database(server: Postgres, *, drop: bool) -> Iterator[Postgres]:
    """Make the database the tests' schemas live in, with PostGIS enabled."""
    server.execute(f'DROP DATABASE IF EXISTS "{server.database}" WITH (FORCE)', f'CREATE DATABASE "{server.database}"')
    try:
        server.execute("CREATE EXTENSION IF NOT EXISTS postgis", database=server.database)
    except sa.exc.DBAPIError as error:
        server.drop_database(server.database)
        pytest.skip(f"{MISSING} ({str(error.orig).splitlines()[0]})")
    try:
        yield server
    finally:
        if drop:
            server.drop_database(server.database)


@pytest.fixture
def new_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], str]:
    """Make an empty store of this test's own: ``new_store_url("sqlite")`` or ``new_store_url("postgis")``.

    A PostGIS store is a schema of its own, dropped after the test; asking for one skips the test when
    there is no PostgreSQL with PostGIS.
    """
    made = count(1)

    def make(kind: str) -> str:
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / f'store-{next(made)}.sqlite'}"
        postgres: Postgres = request.getfixturevalue("postgres")
        name = postgres.create_schema()
        request.addfinalizer(lambda: postgres.drop_schema(name))
        return postgres.url(postgres.database, schema=name)

    return make


@pytest.fixture
def postgis_url(new_store_url: Callable[[str], str]) -> str:
    """An empty PostGIS store of this test's own."""
    return new_store_url("postgis")


@pytest.fixture(params=["sqlite", "postgis"])
def store_url(request: pytest.FixtureRequest, new_store_url: Callable[[str], str]) -> str:
    """An empty store on each backend: a SQLite file in ``tmp_path``, then a PostGIS schema."""
    return new_store_url(request.param)


# -- shipped data, loaded once for the session ----------------------------------------------------------------


@pytest.fixture(scope="session")
def ref():
    """Boundaries, population, towns and the satellite kilns (loaders.geo.reference); read only."""
    from loaders.geo import reference

    return reference()


@pytest.fixture(scope="session")
def layers(ref):
    """The six layers of the shipped data with no store (real kilns, demo layers); read only."""
    from layers.catalog import load_layers

    return load_layers(None, ref=ref)


@pytest.fixture
def store(store_url: str):
    """An empty store on SQLite, then on PostGIS."""
    from loaders.store import Store

    return Store(store_url)
