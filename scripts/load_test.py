"""Load test: N simulated learners against one server on loopback, all training at once.

Each client speaks Streamlit's own websocket protocol (its BackMsg / ForwardMsg protobufs),
as the browser does: it opens the Train page on its own copy of the spiral preset on 5,000
points (an epoch
budget of 900 + its number, so every session's numbers are told apart), presses Train,
answers the live view's auto-reruns (the once-a-second fragment poll a watching tab makes)
and every few seconds reruns the whole page, timing the round trip from the request to
the script's "finished". A few real headless browsers can join (`--browsers`).

Reported: p50 / p95 of a page rerun's round trip per session and over all; training samples
per second per session (min / median / max: fairness); the server's peak resident memory;
and a cross-session check: a session that ever sees another's epoch budget, or none of its
own, is a leak.

A benchmark, not a test: numbers depend on the machine and its load.
Usage: python -m scripts.load_test [--sessions 10] [--seconds 60] [--browsers 0]
       [--url http://host:port  (default: start a server here)]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import threading
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from playground.bench.live import ARGS, CHROMIUM, free_port, proc_status, start_server
from playground.presets import PRESETS
from playground.spec import Spec

PRESET = "spiral"
BASE_EPOCHS = 900  # + the session number: each budget names its session (the cap is 1000)
RERUN_EVERY = 3.0  # seconds between a client's full-page reruns (jittered)
_EPOCH = re.compile(r"^\d[\d,]* / ([\d,]+)$")


@dataclass
class Client:
    """One simulated learner: its spec, what it measured and what it saw."""

    number: int
    query: str
    batch: int
    reruns: list[float] = field(default_factory=list)  # seconds, request to finished
    steps: list[tuple[float, int]] = field(default_factory=list)  # (time, Step metric)
    budgets: set[int] = field(default_factory=set)  # epoch budgets seen on its pages
    errors: list[str] = field(default_factory=list)

    @property
    def budget(self) -> int:
        return BASE_EPOCHS + self.number

    def samples_per_second(self, since: float) -> float:
        seen = [(t, s) for t, s in self.steps if t >= since and s > 0]
        if len(seen) < 2 or seen[-1][0] <= seen[0][0]:
            return 0.0
        return (seen[-1][1] - seen[0][1]) * self.batch / (seen[-1][0] - seen[0][0])


def _rerun(client: Client, widgets=None, fragment: str = "") -> bytes:
    """A rerun request for the Train page (st.navigation picks it by its URL name)."""
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = client.query
    state.page_name = "train"
    if widgets is not None:
        state.widget_states.widgets.append(widgets)
    if fragment:
        state.fragment_id, state.is_auto_rerun = fragment, True
    return msg.SerializeToString()


def _read(client: Client, msg: ForwardMsg, buttons: dict[str, str]) -> None:
    """Note the Train button's id, the Step metric and every epoch budget shown."""
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "button":
        buttons[element.button.label] = element.button.id
    elif kind == "metric":
        label, body = element.metric.label, element.metric.body
        if label == "Step" and body.replace(",", "").isdigit():
            client.steps.append((time.monotonic(), int(body.replace(",", ""))))
        match = _EPOCH.match(body) if label == "Epoch" else None
        if match:
            client.budgets.add(int(match.group(1).replace(",", "")))


async def run_client(client: Client, url: str, seconds: float) -> None:
    """Open the Train page, press Train, then watch and rerun until time is up."""
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    buttons: dict[str, str] = {}
    finished = asyncio.Event()
    fragments: dict[str, float] = {}  # fragment id -> its auto-rerun interval
    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                  open_timeout=60, ping_interval=None) as ws:

        async def receive() -> None:
            async for raw in ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                kind = msg.WhichOneof("type")
                if kind == "auto_rerun":
                    fragments[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
                elif kind == "script_finished":
                    finished.set()
                _read(client, msg, buttons)

        async def rerun(widgets=None) -> float:
            finished.clear()
            start = time.monotonic()
            await ws.send(_rerun(client, widgets))
            await asyncio.wait_for(finished.wait(), timeout=120)
            return time.monotonic() - start

        async def poll() -> None:  # what a watching tab does for run_every fragments
            while True:
                await asyncio.sleep(min(fragments.values(), default=1.0))
                for fragment in list(fragments):
                    await ws.send(_rerun(client, fragment=fragment))

        reader = asyncio.create_task(receive())
        await rerun()
        if "Train" not in buttons:
            client.errors.append("no Train button on the page")
            reader.cancel()
            return
        press = BackMsg().rerun_script.widget_states.widgets.add()
        press.id, press.trigger_value = buttons["Train"], True
        await rerun(press)
        poller = asyncio.create_task(poll())
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            await asyncio.sleep(RERUN_EVERY * random.uniform(0.5, 1.5))
            try:
                client.reruns.append(await rerun())
            except TimeoutError:
                client.errors.append("a rerun took over 120 s")
        poller.cancel()
        reader.cancel()


def _browsers(url: str, count: int, seconds: float, out: list[float]) -> None:
    """Real headless Chromium tabs training the same preset; their samples per second."""
    from playwright.sync_api import sync_playwright  # a development tool

    from playground.bench.live import open_train, readout

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pages = [open_train(browser, url, PRESET) for _ in range(count)]  # each training
        first = [(time.monotonic(), readout(page)[0]) for page in pages]
        time.sleep(seconds)
        batch = PRESETS[PRESET].spec().train.batch_size
        for page, (t0, s0) in zip(pages, first, strict=True):
            steps = readout(page)[0]
            out.append((steps - s0) * batch / (time.monotonic() - t0))
        browser.close()


def workload() -> Spec:
    """The spiral preset on 5,000 points: long enough epochs that no session finishes its
    budget during the test."""
    spec = PRESETS[PRESET].spec()
    return spec.with_dataset(PRESET, {**spec.dataset.params, "n_samples": 5000})


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--browsers", type=int, default=0)
    parser.add_argument("--url", default="")
    args = parser.parse_args()

    proc = None
    url = args.url
    if not url:
        port = free_port()
        proc = start_server(port)
        url = f"http://127.0.0.1:{port}"
    spec = workload()
    clients = [Client(i, "spec=" + spec.with_train(epochs=BASE_EPOCHS + i).to_url_token(),
                      spec.train.batch_size) for i in range(args.sessions)]
    peak = [proc_status(proc.pid)[0] if proc else 0.0]
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.wait(0.5):
            if proc is not None:
                peak[0] = max(peak[0], proc_status(proc.pid)[0])

    threading.Thread(target=sample, daemon=True).start()
    tabs: list[float] = []
    helper = None
    if args.browsers:
        helper = threading.Thread(target=_browsers,
                                  args=(url, args.browsers, args.seconds, tabs))
        helper.start()
    started = time.monotonic()

    async def everyone() -> None:
        await asyncio.gather(*(run_client(c, url, args.seconds) for c in clients))

    try:
        asyncio.run(everyone())
        if helper is not None:
            helper.join()
    finally:
        sampling.set()
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
    warm = started + min(10.0, args.seconds / 3)  # skip the start-up burst
    rates = [c.samples_per_second(warm) for c in clients]
    all_reruns = [r for c in clients for r in c.reruns]
    leaks = [c.number for c in clients if c.budgets != {c.budget}]
    median_rate = statistics.median(rates) if rates else 0.0
    report = {
        "sessions": args.sessions, "browsers": args.browsers, "seconds": args.seconds,
        "rerun_p50_s": round(percentile(all_reruns, 0.5), 3),
        "rerun_p95_s": round(percentile(all_reruns, 0.95), 3),
        "rerun_p95_s_worst_session": round(max(
            (percentile(c.reruns, 0.95) for c in clients if c.reruns), default=float("nan")), 3),
        "samples_per_second": {"min": round(min(rates, default=0), 1),
                               "median": round(median_rate, 1),
                               "max": round(max(rates, default=0), 1)},
        "slowest_over_median": round(min(rates, default=0) / median_rate, 2)
        if median_rate else 0.0,
        "browser_samples_per_second": [round(r, 1) for r in tabs],
        "server_peak_mb": round(peak[0], 1),
        "leaking_sessions": leaks,
        "errors": sorted({e for c in clients for e in c.errors}),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
