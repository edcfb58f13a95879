"""Live-training benchmark: what a learner's browser session costs the server.

1. Speed: the spiral MLP preset trained from the Train page (server + headless Chromium
   polling the live view) against a plain PyTorch loop on the same model and data in the same
   run (plain, live, plain; the ratio uses the mean of the two plain runs). Target >= 0.9x.
2. Memory: server resident memory (VmRSS) before and while N browser sessions each train a
   preset (spiral and digits CNN alternating), per session; then after the tabs close, with
   the server's thread count showing whether the workers stopped. Aim < 50 MB a session.

A benchmark, not a test: numbers depend on the machine and its load.
Usage: python -m playground.bench.live [--seconds 10] [--sessions 4] [--skip-memory]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from playground.bench.training import PlainLoop
from playground.presets import PRESETS

if TYPE_CHECKING:  # playwright is a development tool; the app's own install lacks it
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]  # the app's folder: app.py sits here
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
LONG_EPOCHS = 1000  # long enough that a run is still going while it is measured


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("streamlit did not start")


def proc_status(pid: int) -> tuple[float, int]:
    """(resident memory in MB, thread count) of a process, from /proc."""
    rss, threads = 0.0, 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
        elif line.startswith("Threads:"):
            threads = int(line.split()[1])
    return rss, threads


def plain_loop(preset: str, seconds: float) -> float:
    """Samples per second of the plain loop (loss read every step, test accuracy every
    epoch, as the trainer does) on the CPU, one thread, for about `seconds`."""
    torch.set_num_threads(1)
    loop = PlainLoop(PRESETS[preset].spec().with_train(device="cpu"))
    samples, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        loop.train_epoch()
        loop.test_accuracy()
        samples += len(loop.x)
    return samples / (time.perf_counter() - start)


def open_train(browser: Browser, url: str, preset: str) -> Page:
    """A new browser session on the Train page with `preset` (long budget), training."""
    token = PRESETS[preset].spec().with_train(epochs=LONG_EPOCHS).to_url_token()
    page = browser.new_context(viewport={"width": 1400, "height": 1600}).new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{url}/?spec={token}")
    # Navigate through the app's own links so the page runs inside app.py's frame.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Train", exact=True).click()
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_role("button", name="Train", exact=True).click()
    main.get_by_role("button", name="Pause").wait_for()
    return page


def readout(page: Page) -> tuple[int, float]:
    """(step, samples per second) as drawn by one poll of the live view, read together."""
    values = page.evaluate("""() => Object.fromEntries(
        [...document.querySelectorAll('[data-testid="stMetric"]')].map(m => [
            m.querySelector('[data-testid="stMetricLabel"]').innerText.trim(),
            m.querySelector('[data-testid="stMetricValue"]').innerText.replace(/,/g, '')]))""")
    return int(values["Step"]), float(values["Samples / s"])


def pause(page: Page) -> None:
    try:
        page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Pause").click(
            timeout=10_000)
    except Exception:  # noqa: BLE001 - closing the tab stops the run anyway
        pass


def bench_speed(browser: Browser, url: str, seconds: float) -> dict[str, float]:
    plain_before = plain_loop("spiral", seconds)
    page = open_train(browser, url, "spiral")
    page.wait_for_timeout(2000)  # past the first epochs and the first redraws
    s0, r0 = readout(page)
    page.wait_for_timeout(seconds * 1000)
    s1, r1 = readout(page)
    pause(page)
    page.context.close()
    plain_after = plain_loop("spiral", seconds)
    # The readout is samples / wall seconds since the run started, so each poll tells its own
    # time: elapsed = samples / rate. The window between two polls is then exact, however late
    # the browser drew them. 480 training points / batch 32: every batch is full.
    batch = PRESETS["spiral"].spec().train.batch_size
    window = (s1 - s0) * batch / (s1 * batch / r1 - s0 * batch / r0)
    plain = (plain_before + plain_after) / 2
    return {"plain loop, before": plain_before, "plain loop, after": plain_after,
            "live page, whole run so far": r1,
            "live page, measured window": window,
            "ratio live window / plain": window / plain,
            "ratio live whole run / plain": r1 / plain}


def bench_memory(browser: Browser, url: str, pid: int, sessions: int) -> dict[str, float]:
    warm = browser.new_context().new_page()  # imports and first render happen once
    warm.goto(url)
    warm.get_by_test_id("stSidebarNav").wait_for(timeout=60_000)
    warm.context.close()
    time.sleep(3)
    rss0, threads0 = proc_status(pid)
    pages = [open_train(browser, url, ("spiral", "digits_cnn")[i % 2]) for i in range(sessions)]
    time.sleep(5)
    rss1, threads1 = proc_status(pid)
    for page in pages:
        page.context.close()  # the tab closes; on_release must stop its worker
    time.sleep(5)
    rss2, threads2 = proc_status(pid)
    return {"server RSS before (MB)": rss0, f"server RSS with {sessions} sessions training (MB)":
            rss1, "per session (MB)": (rss1 - rss0) / sessions,
            "server RSS after the tabs closed (MB)": rss2,
            "server threads before / training / after close":
            f"{threads0} / {threads1} / {threads2}"}


def table(title: str, rows: dict) -> None:
    print(f"\n{title}")
    width = max(map(len, rows))
    for k, v in rows.items():
        print(f"  {k:<{width}}  {v:>12,.2f}" if isinstance(v, float) else
              f"  {k:<{width}}  {v:>12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each timing")
    parser.add_argument("--sessions", type=int, default=4, help="browser sessions for memory")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    port = free_port()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}"
    print(f"server pid {server.pid} on {url}; {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.1f}")
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            if not args.skip_speed:
                table("Speed: spiral MLP, samples per second (target ratio >= 0.9)",
                      bench_speed(browser, url, args.seconds))
            if not args.skip_memory:
                table("Memory: server resident memory (aim < 50 MB per session)",
                      bench_memory(browser, url, server.pid, args.sessions))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
