"""Browser benchmark: our map page against the naive one-Marker-per-kiln page, in the same run.

For each app (ours, naive) and dataset (shipped ~10k kilns; 100k jittered copies) it starts the app,
opens it in headless Chromium through a byte-counting proxy (so "bytes sent" are what crosses the
wire, after any compression) with every outside request blocked, and measures:

- server time to build the page (the page logs it, BHATTA_BENCH_LOG),
- bytes sent to the browser (all, websocket alone) and the map payload (websocket + map assets),
- time from navigation to the first painted kiln, on a first and on a returning visit,
- time from a district change in the sidebar to the redrawn map,
- server RSS after load.

Writes the "browser" section and ``speedup_vs_naive`` into benchmarks/results.json and a table into
benchmarks/results.md. Not a test; it exits 1 when a target is missed.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from _results import write_json, write_md  # benchmarks/ is on sys.path when a script runs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NAIVE_LIMIT_S = 120.0
EXTRA_RETURNING_VISITS = 4
OURS_LIMIT_S = 60.0
TARGETS_10K = {"first_paint_returning_s": 1.5, "district_change_s": 0.5, "map_payload_mb": 2.0, "rss_mb": 500}
SPEEDUP_TARGET = 20.0
ABOVE_BARE_TARGET = 1.2
"""The issue's first-paint budget for our part: 1.5 s with a bare Streamlit page at 0.3 s."""


class ByteCounter:
    """A TCP proxy on localhost that counts the bytes the server sends to the browser."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = _free_port()
        self.to_browser = 0
        self.to_browser_ws = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()
        self._ready.wait(10)

    def reset(self) -> None:
        self.to_browser = self.to_browser_ws = 0

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", self.port))
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_w.close()
            return
        first = await client_r.read(65536)
        is_ws = b"upgrade: websocket" in first.lower()
        server_w.write(first)

        async def pipe(reader, writer, count: bool) -> None:
            try:
                while data := await reader.read(65536):
                    if count:
                        self.to_browser += len(data)
                        if is_ws:
                            self.to_browser_ws += len(data)
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                writer.close()

        await asyncio.gather(pipe(client_r, server_w, False), pipe(server_r, client_w, True))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


class App:
    """One Streamlit server for a benchmark run."""

    def __init__(self, script: str, *, scale: int, compression: bool, workdir: Path) -> None:
        self.port = _free_port()
        self.log = workdir / f"build-{self.port}.jsonl"
        env = {**os.environ, "BHATTA_VAR_DIR": str(workdir / "var"), "BHATTA_BENCH_LOG": str(self.log),
               "BHATTA_KILNS_SCALEUP": str(scale), "BHATTA_OFFLINE": "1"}
        cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(self.port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--server.enableWebsocketCompression", str(compression).lower(),
               "--browser.gatherUsageStats", "false"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)
        self.proxy = ByteCounter(self.port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.proxy.port}/"

    def builds(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)


KILN_SELECTOR = ".bh-cluster-kilns, .leaflet-marker-icon"
AREA_JS = """() => { for (const k of Object.keys(window)) {
  if (k.startsWith('map_') && window[k] && window[k]._bhArea !== undefined) { return window[k]._bhArea; } }
  return null; }"""


def _wait_for_kilns(page, deadline: float, *, fresh_only: str | bool = False) -> bool:
    """Poll until a map frame shows a kiln (cluster or marker).

    ``fresh_only`` (an area code) skips frames stamped old unless their map already shows that area.
    """
    while time.perf_counter() < deadline:
        for frame in page.frames:
            if frame == page.main_frame:
                continue
            try:
                # a new map (the naive page reloads), or ours zoomed in place to the wanted area
                if fresh_only and frame.evaluate("() => window.__bhOld === true") \
                        and frame.evaluate(AREA_JS) != fresh_only:
                    continue
                if frame.query_selector(KILN_SELECTOR):
                    return True
            except Exception:  # the frame was replaced while we looked
                continue
        page.wait_for_timeout(20)  # not time.sleep: the sync API only handles browser events while waiting
    return False


DRAWN_JS = """() => { for (const k of Object.keys(window)) {
  if (k.startsWith('map_') && window[k] && window[k]._bhDrawn !== undefined) { return window[k]._bhDrawn; } }
  return null; }"""


def _painted_at(page, area: str | None = None) -> float | None:
    """Epoch ms at which our map painted its first layer (for ``area``: after zooming there), or None.

    The map stamps the animation frame that paints the kilns (``_bhDrawn``). Polling the DOM from here would
    add the time the page spends on the layers drawn after the kilns (the poll waits for the page's thread).
    """
    for frame in page.frames:
        if frame == page.main_frame:
            continue
        try:
            drawn = frame.evaluate(DRAWN_JS)
        except Exception:  # the frame was replaced while we looked
            continue
        if drawn and (area is None or drawn["area"] == area):
            return drawn["at"]
    return None


def _wait_painted(page, deadline: float, area: str) -> float | None:
    while time.perf_counter() < deadline:
        if (at := _painted_at(page, area)) is not None:
            return at
        page.wait_for_timeout(20)
    return None


LOCAL = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")
NO_OUTSIDE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"
"""Every host name but localhost fails to resolve, so nothing can leave the machine. Requests are only
observed (not routed through Python, which would slow every request and distort the timings)."""


def _watch_outside(outside: list[str]):
    def seen(request):
        if not request.url.startswith(LOCAL):
            outside.append(request.url)
    return seen


def measure(browser, app: App, *, limit_s: float, district_label: str, district_code: str = "PK614") -> dict:
    """First visit, returning visit, district change and RSS for one running app."""
    outside: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    context.on("request", _watch_outside(outside))
    out: dict = {}

    page = context.new_page()
    first_assets: dict[str, int] = {}

    def on_first_response(response):  # bytes as sent (gzip-encoded), on the visit that transfers them
        url = response.url
        if "/app/static/" in url or "/component/streamlit_folium" in url:
            try:
                response.finished()
                first_assets[url] = response.request.sizes()["responseBodySize"]
            except Exception:  # body not available (redirect, aborted)
                pass
    page.on("response", on_first_response)
    app.proxy.reset()
    t0 = time.perf_counter()
    page.goto(app.url, wait_until="commit")
    if not _wait_for_kilns(page, t0 + limit_s):
        context.close()
        return {"status": f"did not finish (no kiln painted within {limit_s:.0f} s)", "outside_requests": len(outside)}
    out["first_paint_first_visit_s"] = round(time.perf_counter() - t0, 3)
    if painted := _painted_at(page):
        out["first_paint_first_visit_s"] = round((painted - page.evaluate("() => performance.timeOrigin")) / 1000, 3)
    page.wait_for_timeout(1500)
    out["first_visit_websocket_bytes_wire"] = app.proxy.to_browser_ws
    out["first_visit_map_asset_bytes_wire"] = sum(first_assets.values())
    out["map_payload_mb"] = round((app.proxy.to_browser_ws + out["first_visit_map_asset_bytes_wire"]) / 1e6, 3)
    page.close()

    app.proxy.reset()
    ws_frames: list[int] = []
    assets: dict[str, int] = {}
    page = context.new_page()
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: ws_frames.append(len(payload))))

    def on_response(response):
        url = response.url
        if "/app/static/" in url or "/component/streamlit_folium" in url:
            try:
                assets[url] = len(response.body())
            except Exception:  # body not available (redirect, aborted)
                pass
    page.on("response", on_response)
    t0 = time.perf_counter()
    page.goto(app.url, wait_until="commit")
    if not _wait_for_kilns(page, t0 + limit_s):
        context.close()
        return {**out, "status": "did not finish on the returning visit"}
    out["first_paint_returning_polled_s"] = round(time.perf_counter() - t0, 3)
    painted = _painted_at(page)
    start = page.evaluate("() => performance.timeOrigin")
    out["first_paint_returning_s"] = round((painted - start) / 1000, 3) if painted \
        else out["first_paint_returning_polled_s"]
    page.wait_for_timeout(1500)  # let the last frames arrive before counting
    out["bytes_to_browser"] = app.proxy.to_browser
    out["websocket_bytes_wire"] = app.proxy.to_browser_ws
    out["websocket_bytes_decoded"] = sum(ws_frames)
    out["returning_map_asset_bytes_decoded"] = sum(assets.values())
    if painted:  # ours: more returning visits, the median reported (one visit varies by ±0.4 s here)
        visits = [out["first_paint_returning_s"]]
        for _ in range(EXTRA_RETURNING_VISITS):
            again = context.new_page()
            t1 = time.perf_counter()
            again.goto(app.url, wait_until="commit")
            if _wait_for_kilns(again, t1 + limit_s) and (at := _painted_at(again)):
                visits.append(round((at - again.evaluate("() => performance.timeOrigin")) / 1000, 3))
            again.wait_for_timeout(1000)
            again.close()
        out["returning_visits_s"] = visits
        out["first_paint_returning_s"] = sorted(visits)[len(visits) // 2]

    for frame in page.frames:
        if frame != page.main_frame:
            frame.evaluate("() => { window.__bhOld = true; }")
    page.get_by_role("combobox", name="District").click()
    page.keyboard.type(district_label.split(" (")[0])  # the option list is virtual: filter it first
    option = page.get_by_role("option", name=district_label)
    option.wait_for()
    t0, clicked = time.perf_counter(), time.time() * 1000
    option.click()
    if painted:  # ours: the frame that shows the district's kilns
        at = _wait_painted(page, t0 + limit_s, district_code)
        out["district_change_s"] = round((at - clicked) / 1000, 3) if at else None
        if at is None:
            out["status"] = "district change did not finish"
    elif _wait_for_kilns(page, t0 + limit_s, fresh_only=district_code):
        out["district_change_s"] = round(time.perf_counter() - t0, 3)
    else:
        out["district_change_s"] = None
        out["status"] = "district change did not finish"
    page.wait_for_timeout(500)
    builds = app.builds()
    out["server_build_s"] = round(builds[1]["build_s"], 3) if len(builds) > 1 else None
    out["server_build_district_s"] = round(builds[-1]["build_s"], 3) if builds else None
    out["rss_mb"] = _rss_mb(app.proc.pid)
    out["outside_requests"] = len(outside)
    out.setdefault("status", "ok")
    context.close()
    return out


BARE_STAMP_JS = """(() => {  // stamp the animation frame that paints the bare page's text, as our map stamps its kilns
  new MutationObserver(function (_, observer) {
    if (document.body && document.body.innerText.indexOf('Bare Streamlit page') >= 0) {
      observer.disconnect();
      requestAnimationFrame(function () { window.__bareAt = performance.timeOrigin + performance.now(); });
    }
  }).observe(document, {childList: true, subtree: true, characterData: true});
})();"""


def measure_bare(browser, app: App, *, visits: int = 6) -> dict:
    """Navigation to the painted text of the bare Streamlit page: the floor under any Streamlit page here.

    Timed like ours: from the navigation's time origin to the animation frame that paints the text.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    context.add_init_script(BARE_STAMP_JS)
    times = []
    for _ in range(visits):
        page = context.new_page()
        page.goto(app.url, wait_until="commit")
        page.get_by_text("Bare Streamlit page").wait_for()
        page.wait_for_function("() => window.__bareAt !== undefined")
        times.append(round((page.evaluate("() => window.__bareAt - performance.timeOrigin")) / 1000, 3))
        page.wait_for_timeout(500)
        page.close()
    context.close()
    returning = sorted(times[1:])
    return {"first_paint_first_visit_s": times[0], "first_paint_returning_s": returning[len(returning) // 2],
            "returning_visits_s": times[1:], "status": "ok"}


def main() -> int:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    runs = [("ours", "dashboard/app.py", 0, True, OURS_LIMIT_S, "Kasur (PK614)"),
            ("ours", "dashboard/app.py", 100_000, True, OURS_LIMIT_S, "Kasur (PK614)"),
            ("naive", "benchmarks/naive_app.py", 0, False, NAIVE_LIMIT_S, "Kasur"),
            ("naive", "benchmarks/naive_app.py", 100_000, False, NAIVE_LIMIT_S, "Kasur")]
    if only := os.environ.get("BENCH_ONLY"):  # while profiling: BENCH_ONLY=ours_10k prints, writes nothing
        runs = [r for r in runs if f"{r[0]}_{'100k' if r[2] else '10k'}" in only.split(",")]
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", NO_OUTSIDE])
        for name, script, scale, compression, limit, label in runs:
            key = f"{name}_{'100k' if scale else '10k'}"
            app = App(script, scale=scale, compression=compression, workdir=Path(tmp))
            try:
                results[key] = measure(browser, app, limit_s=limit, district_label=label)
            finally:
                app.stop()
            print(key, json.dumps(results[key]), flush=True)
        app = App("benchmarks/bare_app.py", scale=0, compression=True, workdir=Path(tmp))
        try:
            results["bare_streamlit"] = measure_bare(browser, app)
        finally:
            app.stop()
        print("bare_streamlit", json.dumps(results["bare_streamlit"]), flush=True)
        browser.close()

    if only:
        return 0
    ours, naive = results["ours_10k"], results["naive_10k"]
    naive_paint = naive.get("first_paint_returning_s") or NAIVE_LIMIT_S
    speedup = round(naive_paint / ours["first_paint_returning_s"], 1)
    met = {k: (ours.get(k) is not None and ours[k] <= v) for k, v in TARGETS_10K.items()}
    big = results["ours_100k"]
    met.update({f"{k}_100k": (big.get(k) is not None and big[k] <= 2 * v) for k, v in TARGETS_10K.items()})
    met["speedup_vs_naive"] = speedup >= SPEEDUP_TARGET
    # the 1.5 s assumed a bare Streamlit page paints in 0.3 s, leaving 1.2 s to us: ours above the bare
    # page measured in this same run (the floor differs from machine to machine)
    bare = results.get("bare_streamlit", {}).get("first_paint_returning_s")
    for key in ("ours_10k", "ours_100k"):
        if bare is not None and results[key].get("first_paint_returning_s") is not None:
            results[key]["first_paint_above_bare_s"] = round(results[key]["first_paint_returning_s"] - bare, 3)
    met["first_paint_above_bare_s"] = (ours.get("first_paint_above_bare_s") or math.inf) <= ABOVE_BARE_TARGET
    met["first_paint_above_bare_s_100k"] = (big.get("first_paint_above_bare_s") or math.inf) <= 2 * ABOVE_BARE_TARGET
    met["no_outside_requests"] = all(r.get("outside_requests", 0) == 0 for r in results.values())

    write_json({"browser": {"runs": results, "targets_10k": TARGETS_10K, "targets_100k": "2x the 10k targets",
                            "naive_limit_s": NAIVE_LIMIT_S, "met": met, "above_bare_target_s": ABOVE_BARE_TARGET,
                            "note": "naive first paint counted as the time limit when it did not finish"},
                "speedup_vs_naive": speedup})
    _write_table(results, speedup, met)
    return 0 if all(met.values()) else 1


def _fmt(value) -> str:
    return "—" if value is None else str(value)


def _write_table(results: dict, speedup: float, met: dict) -> None:
    rows = [("first paint, first visit (s)", "first_paint_first_visit_s"),
            ("first paint, returning visit (s)", "first_paint_returning_s"),
            ("first paint, returning visit, polled from the harness (s)", "first_paint_returning_polled_s"),
            ("first paint, returning visit, above the bare Streamlit page (s)", "first_paint_above_bare_s"),
            ("district change to redrawn map (s)", "district_change_s"),
            ("server build, returning visit (s)", "server_build_s"),
            ("map payload, first visit: websocket + map assets as sent, gzip (MB)", "map_payload_mb"),
            ("all bytes to the browser, returning visit", "bytes_to_browser"),
            ("websocket bytes decoded", "websocket_bytes_decoded"),
            ("server RSS after load (MB)", "rss_mb"),
            ("requests that left the machine", "outside_requests")]
    keys = ["ours_10k", "ours_100k", "naive_10k", "naive_100k"]
    lines = ["| measure | ours 10k | ours 100k | naive 10k | naive 100k |", "|---|---:|---:|---:|---:|"]
    for label, key in rows:
        lines.append(f"| {label} | " + " | ".join(_fmt(results[k].get(key)) for k in keys) + " |")
    lines.append("| status | " + " | ".join(results[k].get("status", "") for k in keys) + " |")
    bare = results.get("bare_streamlit", {})
    lines += ["", f"Bare Streamlit page (one line of text), same server and browser: first paint "
              f"{_fmt(bare.get('first_paint_first_visit_s'))} s on a first visit, "
              f"{_fmt(bare.get('first_paint_returning_s'))} s on a returning visit (median of "
              f"{len(bare.get('returning_visits_s', []))}), timed like ours to the animation frame that paints it. "
              "Ours on a returning visit is measured to the animation frame that paints the kilns (stamped by the "
              "map); the naive page by polling its DOM. The issue's 1.5 s assumed the bare page at 0.3 s, leaving "
              f"{ABOVE_BARE_TARGET} s to us: first_paint_above_bare_s is that part, measured in this run."]
    lines += ["", f"Speed-up of first paint (returning visit) against the naive page at 10k kilns: **{speedup}×** "
              f"(target ≥ {SPEEDUP_TARGET:.0f}×).", "",
              "Targets met: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in met.items())]
    text = "\n".join(lines) + "\n"
    write_md("Browser (benchmarks/bench_browser.py)", text)
    print(text)


if __name__ == "__main__":
    sys.exit(main())
