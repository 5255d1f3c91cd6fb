"""Browser tests: the real app (``streamlit run``) driven by Playwright in Debian's headless Chromium.

Every test in this folder is marked ``e2e``. Without Chromium the whole folder is skipped, and the
report header and the end of the run say so in plain words.

The app runs on a free port with its own store (``BHATTA_VAR_DIR`` in a temporary folder); its log
and a screenshot per test go to ``artifacts/e2e/``. Every request to a host other than this machine
is aborted and recorded, and any JavaScript error or dialog is recorded too: a test with an outside
request or a page error fails.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "artifacts" / "e2e"
START_TIMEOUT = 60
MISSING = (
    "chromium not installed: run `sudo apt-get install chromium` (make test installs it when run as root)"
)
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about", "file"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def _find_chromium() -> str | None:
    """``$CHROMIUM`` when set (as in .ci/ensure-chromium), else Debian's chromium."""
    candidates = (
        [os.environ["CHROMIUM"]]
        if os.environ.get("CHROMIUM")
        else ["/usr/bin/chromium", shutil.which("chromium")]
    )
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = _find_chromium()


def _in_this_folder(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_report_header(config: pytest.Config) -> str | None:
    # shown when pytest starts in this folder (``pytest tests/e2e``); the summary below covers ``pytest``
    return (
        f"!!! browser tests (tests/e2e) SKIPPED: {MISSING}"
        if CHROMIUM is None
        else f"e2e browser: {CHROMIUM}"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason=MISSING)
    for item in items:
        if _in_this_folder(item):
            item.add_marker(pytest.mark.e2e)
            if CHROMIUM is None:
                item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if CHROMIUM is None:
        skipped = [r for r in terminalreporter.stats.get("skipped", []) if str(HERE.name) in r.nodeid]
        if skipped:
            terminalreporter.section("browser tests SKIPPED", sep="!", red=True, bold=True)
            terminalreporter.write_line(
                f"{len(skipped)} end-to-end tests did not run: {MISSING}", red=True, bold=True
            )


# ---------------------------------------------------------------------------------------------- the app


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except OSError:
        return False


@contextmanager
def run_app(var_dir: Path, log_path: Path) -> Iterator[str]:
    """``streamlit run dashboard/app.py`` on a free port with its store in ``var_dir``; yields the base URL.

    The server runs in its own process group, which is killed at the end (nothing is left running).
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "BHATTA_VAR_DIR": str(var_dir)}
    env.pop("DATABASE_URL", None)  # the store must be the one in var_dir
    log_path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard/app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(url):
            if proc.poll() is not None:
                raise RuntimeError(
                    f"the app exited with code {proc.returncode}:\n{log_path.read_text()[-3000:]}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the app did not answer {url}/_stcore/health within {START_TIMEOUT} s:\n"
                    f"{log_path.read_text()[-3000:]}"
                )
            time.sleep(0.2)
        yield url
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    try:  # children of streamlit, if any, are in the same group
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def file_name(request: pytest.FixtureRequest) -> str:
    """The test's name, safe as a file name (parameters in brackets included)."""
    return re.sub(r"[^\w.-]+", "_", request.node.name)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app, shared by the tests that do not store anything."""
    with run_app(tmp_path_factory.mktemp("var"), ARTIFACTS / "streamlit.log") as url:
        yield url


@pytest.fixture
def fresh_app_url(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A second app with an empty store of its own, for a test that stores data."""
    with run_app(tmp_path / "var", ARTIFACTS / f"streamlit-{file_name(request)}.log") as url:
        yield url


# ------------------------------------------------------------------------------------------ the browser


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        pw.stop()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


@dataclass
class Traffic:
    """What the page did that a test must see: outside requests (aborted), JavaScript errors, dialogs."""

    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.outside, f"requests left the machine (aborted): {self.outside}"
        assert not self.errors, f"JavaScript errors on the page: {self.errors}"


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def page(browser, traffic: Traffic, request: pytest.FixtureRequest) -> Iterator:
    """A fresh browser context (1400x950) where only this machine can be reached.

    After the test: a full-page screenshot in artifacts/e2e/<test>.png, then the test fails on any
    outside request or JavaScript error.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 950})

    def route(route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            traffic.outside.append(url)
            route.abort()

    def on_websocket(ws) -> None:  # context.route does not see websockets
        if not is_local(ws.url):
            traffic.outside.append(ws.url)

    def on_dialog(dialog) -> None:
        traffic.dialogs.append(dialog.message)
        dialog.dismiss()

    def watch(tab) -> None:
        tab.on("pageerror", lambda error: traffic.errors.append(str(error)))
        tab.on("dialog", on_dialog)
        tab.on("websocket", on_websocket)
        tab.set_default_timeout(30_000)

    context.route("**/*", route)
    context.on("page", watch)  # every tab: a link may open one
    tab = context.new_page()
    try:
        yield tab
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        try:
            tab.screenshot(path=str(ARTIFACTS / f"{file_name(request)}.png"), full_page=True, timeout=15_000)
        except Exception as error:  # a failed screenshot must not hide the test's own result
            print(f"screenshot failed: {error}")
        context.close()
    traffic.assert_clean()
