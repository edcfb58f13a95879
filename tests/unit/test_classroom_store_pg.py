"""The class board on PostgreSQL: the same store tests on a throwaway cluster (initdb in a
temp dir, pg_ctl on a free loopback port). Skipped, with the reason, only where the
PostgreSQL binaries or psycopg are missing."""

import os
import shutil
import socket
import subprocess
import tempfile

import pytest

from playground.classroom.store import MAX_WEIGHT_BYTES, Board, BoardError

_PLACES = ["/usr/local/bin"] + sorted(
    f"/usr/lib/postgresql/{v}/bin" for v in (os.listdir("/usr/lib/postgresql")
                                             if os.path.isdir("/usr/lib/postgresql") else ()))
BIN = next((d for d in _PLACES if os.path.exists(f"{d}/initdb")), None)


def _as_owner(args: list[str]) -> list[str]:
    """initdb refuses root: run the server tools as the postgres user when we are root."""
    return ["su", "postgres", "-c", " ".join(args)] if os.geteuid() == 0 else args


@pytest.fixture(scope="module")
def pg_url():
    if BIN is None or shutil.which("su") is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found")
    pytest.importorskip("psycopg", reason="psycopg is not installed")
    folder = tempfile.mkdtemp(prefix="pgboard-")
    os.chmod(folder, 0o777)
    data = os.path.join(folder, "data")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(_as_owner([f"{BIN}/initdb", "-A", "trust", "-U", "board", "-D", data]),
                   check=True, capture_output=True)
    subprocess.run(_as_owner([f"{BIN}/pg_ctl", "-D", data, "-w", "-l", f"{folder}/log",
                              "-o", f"'-p {port} -k {folder} -c listen_addresses=127.0.0.1'",
                              "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql://board@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_owner([f"{BIN}/pg_ctl", "-D", data, "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def test_board_works_on_postgresql(pg_url):
    board = Board(pg_url)
    try:
        code, key = board.open_class()
        board.hand_in(code, "Ada", {"version": 1}, {"epochs": [{"test_accuracy": 0.9}]}, b"w")
        [row] = board.handins(code)
        assert row.name == "Ada" and row.weights == b"w"
        with pytest.raises(BoardError, match="Wrong teacher key"):
            board.clear_class(code, "guess")
        with pytest.raises(BoardError, match="KiB"):
            board.hand_in(code, "big", {}, {}, b"x" * (MAX_WEIGHT_BYTES + 1))
        with pytest.raises(BoardError, match="No class"):
            board.handins("ZZZZZZ")
        assert board.clear_class(code, key) == 1
        board.close_class(code, key)
        with pytest.raises(BoardError, match="closed"):
            board.hand_in(code, "b", {}, {})
    finally:
        board.close()
