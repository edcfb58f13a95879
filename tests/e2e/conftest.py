"""Real-browser fixtures: the app served on a free loopback port for the whole session, and
pytest-playwright driving the system Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Skip every test in this folder when there is no system Chromium to drive."""
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"end-to-end tests need the system Chromium at {CHROMIUM} "
                                   "(apt-get install chromium)")
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60,
                 name: str = "streamlit") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{name} did not answer {url}/_stcore/health in {timeout:g} s")


@contextmanager
def serve_app(log_name: str) -> Iterator[str]:
    """`streamlit run app.py` on a free loopback port, stopped on exit."""
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / log_name, "w")  # noqa: SIM115 - closed on exit
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """One server for the session's flows."""
    with serve_app("server.log") as url:
        yield url


@pytest.fixture
def fresh_app_url() -> Iterator[str]:
    """A server no browser has visited yet (its first request matters for routing)."""
    with serve_app("fresh-server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "headless": True,
            "args": ["--headless", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     "--no-first-run"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1800}}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def site_config(upstreams: list[str], port: int) -> str:
    """deploy/nginx.conf with these replicas and port, plus a header naming the replica
    that answered (for the test only)."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    conf = re.sub(r"(?m)^    server app\d+:8501;\n", "", conf)
    servers = "".join(f"    server {u.removeprefix('http://')};\n" for u in upstreams)
    conf = conf.replace("hash $playground_route consistent;\n",
                        "hash $playground_route consistent;\n" + servers)
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{port};")
    return conf.replace("add_header Set-Cookie",
                        "add_header X-Replica $upstream_addr always;\n        "
                        "add_header Set-Cookie")


@contextmanager
def balancer(upstreams: list[str]) -> Iterator[tuple[str, Path]]:
    """nginx in the foreground on a free port; yields its URL and its access log."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="nginx-"))
    os.chmod(folder, 0o777)  # workers may run as another user
    (folder / "site.conf").write_text(site_config(upstreams, port), encoding="utf-8")
    temp = " ".join(f"{kind}_temp_path {folder}/{kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(f"""
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{}}
http {{
    log_format upstream '$upstream_addr $status $request_uri';
    access_log {folder}/access.log upstream;
    {temp}
    include {folder}/site.conf;
}}
""", encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, name="nginx")  # its health check is a replica's, through it
        yield url, folder / "access.log"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def balanced() -> Iterator[tuple[str, Path, set[str]]]:
    """Two app servers behind nginx: the balancer's URL, its access log and the replicas'
    host:port names."""
    if not Path(NGINX).exists():
        pytest.skip("needs nginx (apt-get install nginx; .ci/run installs it)")
    with serve_app("replica-1.log") as first, serve_app("replica-2.log") as second:
        with balancer([first, second]) as (url, log):
            yield url, log, {u.removeprefix("http://") for u in (first, second)}
